"""Text transforms as modules, composable with :class:`Sequential` (torchtext.transforms)."""

from __future__ import annotations

from typing import Any

from .. import long as _long
from .._tensor import Tensor
from ..nn import Module
from ..nn import Sequential as _NNSequential
from ..nn.functional import pad as _pad
from . import functional as F
from .vocab import Vocab
from .vocab.vocab import _VocabCore

__all__ = [
    "AddToken",
    "LabelToIndex",
    "PadTransform",
    "Sequential",
    "StrToIntTransform",
    "ToTensor",
    "Truncate",
    "VocabTransform",
]


class VocabTransform(Module):
    """Turn a sequence or batch of tokens into token ids with ``vocab``
    (a :class:`~ember.text.vocab.Vocab`).

    Example::

        >>> from collections import OrderedDict
        >>> from ember.text.vocab import vocab
        >>> VocabTransform(vocab(OrderedDict([("a", 1), ("b", 1), ("c", 1)])))([["a", "b"], ["c"]])
        [[0, 1], [2]]
    """

    def __init__(self, vocab: Vocab) -> None:
        super().__init__()
        assert isinstance(vocab, Vocab)
        self.vocab = vocab

    def forward(self, input: Any) -> Any:
        if F._is_list_of(input, str):
            return self.vocab.lookup_indices(input)
        if F._is_batch_of(input, str):
            return [self.vocab.lookup_indices(tokens) for tokens in input]
        raise TypeError("Input type not supported")


class ToTensor(Module):
    """Turn a sequence or batch of token ids into a tensor, padding a batch with
    ``padding_value`` if it is given (:func:`~ember.text.functional.to_tensor`)."""

    def __init__(self, padding_value: int | None = None, dtype=_long) -> None:
        super().__init__()
        self.padding_value = padding_value
        self.dtype = dtype

    def forward(self, input: Any) -> Tensor:
        return F.to_tensor(input, padding_value=self.padding_value, dtype=self.dtype)


class LabelToIndex(Module):
    """Map label names to ids, in the order of ``label_names`` or of the lines of the file
    ``label_path`` (exactly one of them), sorted first if ``sort_names``.

    Example::

        >>> t = LabelToIndex(["pos", "neg"], sort_names=True)
        >>> t(["pos", "neg"]), t("neg"), t.label_names
        ([1, 0], 0, ['neg', 'pos'])
    """

    def __init__(
        self,
        label_names: list[str] | None = None,
        label_path: str | None = None,
        sort_names: bool = False,
    ) -> None:
        assert label_names or label_path, "label_names or label_path is required"
        assert not (label_names and label_path), "label_names and label_path are mutually exclusive"
        super().__init__()
        if label_path:
            with open(label_path) as f:
                label_names = [line.strip() for line in f if line.strip()]
        if sort_names:
            label_names = sorted(label_names)
        self._label_vocab = Vocab(_VocabCore(label_names, None))
        self._label_names = self._label_vocab.get_itos()

    def forward(self, input: Any) -> Any:
        if F._is_list_of(input, str):
            return self._label_vocab.lookup_indices(input)
        if isinstance(input, str):
            return self._label_vocab[input]
        raise TypeError("Input type not supported")

    @property
    def label_names(self) -> list[str]:
        return self._label_names


class Truncate(Module):
    """Keep the first ``max_seq_len`` tokens of a sequence or of each sequence of a batch
    (:func:`~ember.text.functional.truncate`)."""

    def __init__(self, max_seq_len: int) -> None:
        super().__init__()
        self.max_seq_len = max_seq_len

    def forward(self, input: Any) -> Any:
        return F.truncate(input, self.max_seq_len)


class AddToken(Module):
    """Add ``token`` at the beginning (``begin=True``) or the end of a sequence or of each
    sequence of a batch (:func:`~ember.text.functional.add_token`)."""

    def __init__(self, token: int | str, begin: bool = True) -> None:
        super().__init__()
        self.token = token
        self.begin = begin

    def forward(self, input: Any) -> Any:
        return F.add_token(input, self.token, self.begin)


class PadTransform(Module):
    """Pad the last dimension of a tensor with ``pad_value`` up to ``max_length`` (a longer
    tensor is returned unchanged).

    Example::

        >>> from ember import tensor
        >>> PadTransform(4, 0)(tensor([[1, 2], [3, 4]]))
        tensor([[1, 2, 0, 0],
                [3, 4, 0, 0]])
    """

    def __init__(self, max_length: int, pad_value: int) -> None:
        super().__init__()
        self.max_length = max_length
        self.pad_value = float(pad_value)

    def forward(self, x: Tensor) -> Tensor:
        length = x.size(-1)
        if length < self.max_length:
            x = _pad(x, (0, self.max_length - length), value=self.pad_value)
        return x


class StrToIntTransform(Module):
    """Convert string tokens to ints, for a sequence or a batch
    (:func:`~ember.text.functional.str_to_int`)."""

    def forward(self, input: Any) -> Any:
        return F.str_to_int(input)


class Sequential(_NNSequential):
    """Apply transforms in order; unlike :class:`ember.nn.Sequential` the values passed
    between them may be anything (lists of tokens, tensors, ...).

    Example::

        >>> Sequential(Truncate(2), AddToken(0), ToTensor())([5, 6, 7])
        tensor([0, 5, 6])
    """

    def forward(self, input: Any) -> Any:
        for module in self:
            input = module(input)
        return input
