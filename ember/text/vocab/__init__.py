"""Vocabularies: token <-> index maps (torchtext.vocab)."""

from .vocab import Vocab
from .vocab_factory import build_vocab_from_iterator, vocab

__all__ = ["Vocab", "build_vocab_from_iterator", "vocab"]
