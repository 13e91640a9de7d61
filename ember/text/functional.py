"""Functional forms of the text transforms (torchtext.functional)."""

from __future__ import annotations

from typing import Any

from .. import long as _long
from .. import tensor as _tensor
from .._tensor import Tensor
from ..nn.utils.rnn import pad_sequence

__all__ = ["add_token", "str_to_int", "to_tensor", "truncate"]


def _is_list_of(value, kind) -> bool:
    return isinstance(value, list) and all(isinstance(v, kind) for v in value)


def _is_batch_of(value, kind) -> bool:
    return isinstance(value, list) and all(_is_list_of(v, kind) for v in value)


def to_tensor(input: Any, padding_value: int | None = None, dtype=_long) -> Tensor:
    """Turn a sequence (``list[int]``) or a batch (``list[list[int]]``) of token ids into a
    tensor. A batch of unequal lengths needs ``padding_value``, which pads the short sequences
    at the end. As in torchtext, a single sequence always gives a ``long`` tensor; ``dtype``
    applies to batches.

    Raises:
        TypeError: for any other input.

    Example::

        >>> to_tensor([[1, 2, 3], [4, 5]], padding_value=0)
        tensor([[1, 2, 3],
                [4, 5, 0]])
    """
    if _is_list_of(input, int):
        return _tensor(input, dtype=_long)
    if _is_batch_of(input, int):
        if padding_value is None:
            return _tensor(input, dtype=dtype)
        rows = [_tensor(ids, dtype=dtype) for ids in input]
        return pad_sequence(rows, batch_first=True, padding_value=float(padding_value))
    raise TypeError("Input type not supported")


def truncate(input: Any, max_seq_len: int) -> Any:
    """Keep the first ``max_seq_len`` tokens of a sequence, or of each sequence of a batch
    (tokens are ``str`` or ``int``).

    Raises:
        TypeError: for any other input.

    Example::

        >>> truncate([["a", "b", "c"], ["d"]], 2)
        [['a', 'b'], ['d']]
    """
    if _is_list_of(input, int) or _is_list_of(input, str):
        return input[:max_seq_len]
    if _is_batch_of(input, int) or _is_batch_of(input, str):
        return [ids[:max_seq_len] for ids in input]
    raise TypeError("Input type not supported")


def add_token(input: Any, token_id: Any, begin: bool = True) -> Any:
    """Add ``token_id`` at the start (``begin=True``) or the end of a sequence, or of each
    sequence of a batch; the token and the sequences' tokens must be both ``int`` or both
    ``str``.

    Raises:
        TypeError: for any other input.

    Example::

        >>> add_token([[1, 2], [3]], 0)
        [[0, 1, 2], [0, 3]]
        >>> add_token(["a", "b"], "<eos>", begin=False)
        ['a', 'b', '<eos>']
    """
    for kind in (int, str):
        if not isinstance(token_id, kind):
            continue
        if _is_list_of(input, kind):
            return [token_id, *input] if begin else [*input, token_id]
        if _is_batch_of(input, kind):
            return [[token_id, *ids] if begin else [*ids, token_id] for ids in input]
    raise TypeError("Input type not supported")


def str_to_int(input: Any) -> Any:
    """Convert string tokens to ints, for a sequence or a batch.

    Raises:
        TypeError: for any other input.

    Example::

        >>> str_to_int([["1", "2"], ["3"]])
        [[1, 2], [3]]
    """
    if _is_list_of(input, str):
        return [int(s) for s in input]
    if _is_batch_of(input, str):
        return [[int(s) for s in ids] for ids in input]
    raise TypeError("Input type not supported")
