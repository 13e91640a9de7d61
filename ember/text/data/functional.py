"""Text pipelines as generator functions (torchtext.data.functional)."""

from __future__ import annotations

import re as _re
from collections.abc import Iterable, Iterator

from ...utils.data import Dataset

__all__ = [
    "custom_replace",
    "generate_sp_model",
    "load_sp_model",
    "numericalize_tokens_from_iterator",
    "sentencepiece_numericalizer",
    "sentencepiece_tokenizer",
    "simple_space_split",
    "to_map_style_dataset",
]


def _sentencepiece():
    try:
        import sentencepiece
    except ImportError as e:
        raise ModuleNotFoundError(
            "SentencePiece models need the sentencepiece package, which is not installed: "
            "pip install sentencepiece"
        ) from e
    return sentencepiece


def generate_sp_model(
    filename: str, vocab_size: int = 20000, model_type: str = "unigram", model_prefix="m_user"
) -> None:
    """Train a SentencePiece model on the text file ``filename``; it is written to
    ``model_prefix.model`` and ``model_prefix.vocab``. ``model_type`` is ``"unigram"``,
    ``"bpe"``, ``"char"`` or ``"word"``. Needs the ``sentencepiece`` package."""
    _sentencepiece().SentencePieceTrainer.train(
        f"--input={filename} --vocab_size={vocab_size} --model_prefix={model_prefix} "
        f"--model_type={model_type}"
    )


def load_sp_model(spm):
    """Load a SentencePiece model from a file path or an open binary file. Needs the
    ``sentencepiece`` package."""
    processor = _sentencepiece().SentencePieceProcessor()
    if isinstance(spm, str):
        processor.Load(spm)
    else:
        processor.LoadFromSerializedProto(spm.read())
    return processor


def sentencepiece_numericalizer(sp_model):
    """A generator function that turns each sentence of an iterator into its ids under the
    SentencePiece model ``sp_model``."""

    def _numericalize(txt_iter):
        for line in txt_iter:
            yield sp_model.EncodeAsIds(line)

    return _numericalize


def sentencepiece_tokenizer(sp_model):
    """A generator function that turns each sentence of an iterator into its pieces under the
    SentencePiece model ``sp_model``."""

    def _tokenize(txt_iter):
        for line in txt_iter:
            yield sp_model.EncodeAsPieces(line)

    return _tokenize


def custom_replace(replace_pattern):
    """A generator function that applies the ``(regex, replacement)`` pairs of
    ``replace_pattern`` in order to each line of an iterator.

    Example::

        >>> f = custom_replace([(r"S", "s"), (r"\\s+", " ")])
        >>> list(f(["Sentencepiece encode  aS  pieces", "exampleS to   try!"]))
        ['sentencepiece encode as pieces', 'examples to try!']
    """
    patterns = [(_re.compile(p), r) for p, r in replace_pattern]

    def _replace(txt_iter):
        for line in txt_iter:
            for pattern, replacement in patterns:
                line = pattern.sub(replacement, line)
            yield line

    return _replace


def simple_space_split(iterator: Iterable[str]) -> Iterator[list[str]]:
    """Split each line of an iterator on whitespace.

    Example::

        >>> list(simple_space_split(["Sentencepiece encode as pieces", "example to try!"]))
        [['Sentencepiece', 'encode', 'as', 'pieces'], ['example', 'to', 'try!']]
    """
    for line in iterator:
        yield line.split()


def numericalize_tokens_from_iterator(vocab, iterator, removed_tokens=None):
    """For each token list of ``iterator``, yield an iterator over its ids under ``vocab``
    (anything indexable by token), leaving out the tokens in ``removed_tokens``.

    Example::

        >>> vocab = {"Sentencepiece": 0, "encode": 1, "as": 2, "pieces": 3}
        >>> ids = numericalize_tokens_from_iterator(vocab, [["Sentencepiece", "as", "pieces"]])
        >>> [list(x) for x in ids]
        [[0, 2, 3]]
    """
    for tokens in iterator:
        if removed_tokens is None:
            yield iter(vocab[token] for token in tokens)
        else:
            yield iter(vocab[token] for token in tokens if token not in removed_tokens)


class _MapStyleDataset(Dataset):
    def __init__(self, iter_data):
        self._data = list(iter_data)

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


def to_map_style_dataset(iter_data) -> Dataset:
    """Read an iterable (an iterable-style dataset, a list, a generator, a file ...) to the
    end and return a map-style dataset over its items (``len`` and indexing).

    Example::

        >>> ds = to_map_style_dataset(iter(["a", "b", "c"]))
        >>> len(ds), ds[1]
        (3, 'b')
    """
    return _MapStyleDataset(iter_data)
