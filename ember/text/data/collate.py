"""Batching helpers for text datasets: pad variable-length token-id sequences into one tensor
(built on :func:`ember.nn.utils.rnn.pad_sequence`). These are ember's own; torchtext leaves
collate functions to the user. Use them as a DataLoader's ``collate_fn``, binding the
transforms with :func:`functools.partial`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ... import long as _long
from ... import tensor as _tensor
from ..._tensor import Tensor
from ...nn.utils.rnn import pad_sequence

__all__ = ["collate_pairs", "collate_text_label", "pad_batch"]


def pad_batch(
    sequences: Sequence, padding_value: float = 0, batch_first: bool = True, dtype=None
) -> Tensor:
    """Stack token-id sequences of different lengths (lists of ints or 1-D tensors) into one
    tensor, padding the short ones with ``padding_value`` at the end.

    Args:
        sequences: the sequences of the batch.
        padding_value: the value of the padding.
        batch_first: shape ``(batch, longest)`` if True, else ``(longest, batch)``.
        dtype: the dtype of sequences given as lists (default ``long``).

    Example::

        >>> pad_batch([[1, 2, 3], [4]], padding_value=0)
        tensor([[1, 2, 3],
                [4, 0, 0]])
    """
    dtype = _long if dtype is None else dtype
    tensors = [s if isinstance(s, Tensor) else _tensor(list(s), dtype=dtype) for s in sequences]
    return pad_sequence(tensors, batch_first=batch_first, padding_value=float(padding_value))


def _apply(transform: Callable | None, value):
    return value if transform is None else transform(value)


def collate_text_label(
    batch: Sequence,
    text_transform: Callable | None = None,
    label_transform: Callable | None = None,
    padding_value: float = 0,
    batch_first: bool = True,
    return_lengths: bool = False,
):
    """Collate ``(label, text)`` items (the item shape of AG_NEWS, IMDB) into a tensor of
    labels and a padded tensor of token ids.

    Args:
        batch: the items.
        text_transform: turns a text into a list (or 1-D tensor) of token ids; without it
            the texts must already be ids.
        label_transform: turns a label into an int (e.g. ``lambda y: y - 1``).
        padding_value: the value of the padding.
        batch_first: texts of shape ``(batch, longest)`` if True, else ``(longest, batch)``.
        return_lengths: also return the lengths of the texts, a ``long`` tensor.

    Returns:
        ``(labels, texts)``, or ``(labels, texts, lengths)``.

    Example::

        >>> batch = [(1, [5, 6]), (3, [7])]
        >>> labels, texts = collate_text_label(batch, label_transform=lambda y: y - 1)
        >>> labels
        tensor([0, 2])
        >>> texts
        tensor([[5, 6],
                [7, 0]])
    """
    labels = [_apply(label_transform, label) for label, _ in batch]
    texts = [_apply(text_transform, text) for _, text in batch]
    padded = pad_batch(texts, padding_value, batch_first)
    if return_lengths:
        return _tensor(labels, dtype=_long), padded, _tensor([len(t) for t in texts], dtype=_long)
    return _tensor(labels, dtype=_long), padded


def collate_pairs(
    batch: Sequence,
    src_transform: Callable | None = None,
    tgt_transform: Callable | None = None,
    padding_value: float = 0,
    batch_first: bool = False,
):
    """Collate ``(source, target)`` items (the item shape of Multi30k) into two padded
    tensors of token ids, ``(longest, batch)`` each by default, as sequence models take them.

    Args:
        batch: the items.
        src_transform, tgt_transform: turn a sentence into a list (or 1-D tensor) of token
            ids; without them the sentences must already be ids.
        padding_value: the value of the padding.
        batch_first: shape ``(batch, longest)`` if True.

    Example::

        >>> src, tgt = collate_pairs([([1, 2], [3]), ([4], [5, 6, 7])], padding_value=9)
        >>> src.shape, tgt.shape
        (ember.Size([2, 2]), ember.Size([3, 2]))
    """
    src = [_apply(src_transform, s) for s, _ in batch]
    tgt = [_apply(tgt_transform, t) for _, t in batch]
    return pad_batch(src, padding_value, batch_first), pad_batch(tgt, padding_value, batch_first)
