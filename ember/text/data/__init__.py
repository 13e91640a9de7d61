"""Tokenizers, text pipelines, metrics and batching helpers (torchtext.data)."""

from .collate import collate_pairs, collate_text_label, pad_batch
from .functional import (
    custom_replace,
    generate_sp_model,
    load_sp_model,
    numericalize_tokens_from_iterator,
    sentencepiece_numericalizer,
    sentencepiece_tokenizer,
    simple_space_split,
    to_map_style_dataset,
)
from .metrics import bleu_score
from .utils import get_tokenizer, interleave_keys, ngrams_iterator

__all__ = [
    "bleu_score",
    "collate_pairs",
    "collate_text_label",
    "custom_replace",
    "generate_sp_model",
    "get_tokenizer",
    "interleave_keys",
    "load_sp_model",
    "ngrams_iterator",
    "numericalize_tokens_from_iterator",
    "pad_batch",
    "sentencepiece_numericalizer",
    "sentencepiece_tokenizer",
    "simple_space_split",
    "to_map_style_dataset",
]
