"""Packed and padded sequences (``torch.nn.utils.rnn``).

A :class:`PackedSequence` stores a batch of variable-length sequences, sorted by decreasing
length, time step after time step: ``data`` holds the ``batch_sizes[0]`` first elements, then the
``batch_sizes[1]`` second elements, and so on; ``sorted_indices`` / ``unsorted_indices`` map
between the caller's batch order and the sorted one. Packing and unpacking are a single
``index_select`` each, so gradients flow through them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np

from ... import _dtype, _factories
from ..._size import wrap_dim
from ..._tensor import Tensor
from ...ops.prims.rnn import pad_sequences
from ...ops.shape import cat

__all__ = [
    "PackedSequence",
    "invert_permutation",
    "pack_padded_sequence",
    "pad_packed_sequence",
    "pad_sequence",
    "unpad_sequence",
    "pack_sequence",
    "unpack_sequence",
]


class PackedSequence_(NamedTuple):
    data: Tensor
    batch_sizes: Tensor
    sorted_indices: Tensor | None
    unsorted_indices: Tensor | None


class PackedSequence(PackedSequence_):
    """The data and ``batch_sizes`` of a packed batch of sequences (see the module docstring).

    Made by :func:`pack_padded_sequence` / :func:`pack_sequence`, accepted by every RNN module.
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data
        elif batch_sizes.device.type != "cpu":
            raise ValueError(
                "batch_sizes should always be on CPU. Instances of PackedSequence should never "
                "be created manually. They should be instantiated by functions like "
                "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence"
            )
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        """Move / cast ``data`` like ``Tensor.to``; the indices follow to its device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        if "copy" in kwargs:  # torch's parse of the arguments for the indices refuses it
            raise RuntimeError(".to() does not accept copy argument")

        def move(t):
            return None if t is None else t.to(data.device)

        return type(self)(
            data, self.batch_sizes, move(self.sorted_indices), move(self.unsorted_indices)
        )

    def cuda(self, *args, **kwargs):
        """``to(*args, **kwargs)`` on a CUDA device: the one the arguments name, else ``cuda``."""
        if not self._probe(args, kwargs).is_cuda:
            kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs):
        """``to(*args, **kwargs)`` on the CPU (a dtype among the arguments casts ``data``)."""
        if self._probe(args, kwargs).device.type != "cpu":
            kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def _probe(self, args, kwargs):
        """An empty tensor like ``data`` converted by ``args``/``kwargs`` (torch's test of
        where they lead)."""
        empty = _factories.empty(0, dtype=self.data.dtype, device=self.data.device)
        return empty.to(*args, **kwargs)

    def pin_memory(self):
        """``data`` (and the indices) in pinned memory."""
        return type(self)(
            self.data.pin_memory(),
            self.batch_sizes,
            *(
                None if t is None else t.pin_memory()
                for t in (self.sorted_indices, self.unsorted_indices)
            ),
        )

    def double(self):
        """``data`` cast to float64."""
        return self.to(dtype=_dtype.float64)

    def float(self):
        """``data`` cast to float32."""
        return self.to(dtype=_dtype.float32)

    def half(self):
        """``data`` cast to float16."""
        return self.to(dtype=_dtype.float16)

    def long(self):
        """``data`` cast to int64."""
        return self.to(dtype=_dtype.int64)

    def int(self):
        """``data`` cast to int32."""
        return self.to(dtype=_dtype.int32)

    def short(self):
        """``data`` cast to int16."""
        return self.to(dtype=_dtype.int16)

    def char(self):
        """``data`` cast to int8."""
        return self.to(dtype=_dtype.int8)

    def byte(self):
        """``data`` cast to uint8."""
        return self.to(dtype=_dtype.uint8)

    @property
    def is_cuda(self) -> bool:
        """Whether ``data`` lives on a CUDA device."""
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        """Whether ``data`` is in pinned memory."""
        return self.data.is_pinned()


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of a permutation of ``0..n-1`` (None stays None)."""
    if permutation is None:
        return None
    return permutation.argsort()


def _index(values, device) -> Tensor:
    return _factories.tensor(np.asarray(values, dtype=np.int64), device=device)


def _host_lengths(lengths) -> np.ndarray:
    if isinstance(lengths, Tensor):
        if lengths.dim() != 1:
            raise RuntimeError(
                f"'lengths' argument should be a 1D CPU int64 tensor, but got "
                f"{lengths.dim()}D {lengths.device.type} Long tensor"
            )
        return np.asarray(lengths.tolist(), dtype=np.int64)
    return np.asarray(list(lengths), dtype=np.int64).reshape(-1)


def pack_padded_sequence(
    input: Tensor,
    lengths,
    batch_first: bool = False,  # noqa: A002
    enforce_sorted: bool = True,
) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` with batch_first) of sequences of the
    given ``lengths``; with ``enforce_sorted=False`` they are sorted here (and the order kept)."""
    host = _host_lengths(lengths)
    sorted_indices = None
    if not enforce_sorted:
        order = np.argsort(-host, kind="stable")
        host = host[order]
        sorted_indices = _index(order, input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)  # noqa: A001
    wrap_dim(1, input.dim())  # the batch/time dims: PyTorch's IndexError when there is none
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    if host.shape[0] != batch:
        raise RuntimeError(
            f"Expected `len(lengths)` to be equal to batch_size, but got "
            f"{host.shape[0]} (batch_size={batch})"
        )
    if batch and host[-1] <= 0:
        raise RuntimeError(
            "Length of all samples has to be greater than 0, but found an "
            "element in 'lengths' that is <= 0"
        )
    if np.any(host[1:] > host[:-1]):
        raise RuntimeError(
            "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
            "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
            "to sidestep this requirement if you do not need ONNX exportability."
        )
    if batch and host[0] > steps:
        raise RuntimeError(
            f"Expected all lengths to be at most the padded length {steps}, but got {int(host[0])}"
        )
    batch_sizes = (host[None, :] > np.arange(host[0] if batch else 0)[:, None]).sum(1)
    t_idx = np.repeat(np.arange(batch_sizes.shape[0]), batch_sizes)
    b_idx = np.concatenate([np.arange(n) for n in batch_sizes]) if batch_sizes.size else t_idx
    flat = b_idx * steps + t_idx if batch_first else t_idx * batch + b_idx
    rows = input.reshape(steps * batch, *input.shape[2:])
    data = rows.index_select(0, _index(flat, input.device))
    return PackedSequence(data, _index(batch_sizes, "cpu"), sorted_indices, None)


def pad_packed_sequence(
    sequence: PackedSequence,
    batch_first: bool = False,
    padding_value: float = 0.0,
    total_length: int | None = None,
) -> tuple[Tensor, Tensor]:
    """Undo :func:`pack_padded_sequence`: ``(padded, lengths)`` in the original batch order,
    padded with ``padding_value`` up to ``total_length`` (default: the longest sequence)."""
    batch_sizes = np.asarray(sequence.batch_sizes.tolist(), dtype=np.int64)
    max_len = batch_sizes.shape[0]
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(
                "Expected total_length to be at least the length of the longest "
                f"sequence in input, but got total_length={total_length} and max "
                f"sequence length being {max_len}"
            )
        max_len = total_length
    data = sequence.data
    steps, batch, n = batch_sizes.shape[0], int(batch_sizes[0]), data.shape[0]
    # padded position (t, b) reads row offsets[t] + b of data, or the padding row n
    offsets = np.zeros(max_len, dtype=np.int64)
    offsets[1:steps] = np.cumsum(batch_sizes)[:-1]
    cols = np.arange(batch)
    active = np.zeros((max_len, batch), dtype=bool)
    active[:steps] = cols[None, :] < batch_sizes[:, None]
    src = np.where(active, offsets[:, None] + cols[None, :], n)
    if batch_first:
        src = src.T
    pad = _factories.full((1, *data.shape[1:]), padding_value, dtype=data.dtype, device=data.device)
    rows = cat([data, pad], 0).index_select(0, _index(src.reshape(-1), data.device))
    padded = rows.reshape(*src.shape, *data.shape[1:])
    lengths = _index(active.sum(0), "cpu")
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return padded, lengths


def pad_sequence(
    sequences, batch_first: bool = False, padding_value: float = 0.0, padding_side: str = "right"
) -> Tensor:
    """Stack sequences ``(L_i, *)`` into ``(max L, B, *)`` (``(B, max L, *)`` with batch_first),
    padding with ``padding_value`` on the ``padding_side``."""
    if not isinstance(sequences, Iterable):
        raise RuntimeError(
            "pad_sequence: Expected iterable for input sequences, but got arg of "
            f"type: {type(sequences)}"
        )
    sequences = tuple(sequences)
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(
            f"Expected padding_side to be one of left or right, but got {padding_side}."
        )
    first = sequences[0]
    for seq in sequences:
        if seq.dim() == 0 or first.dim() == 0:
            raise RuntimeError(
                "pad_sequence: expected every sequence to have at least one "
                "dimension, got a 0-d tensor"
            )
        if seq.shape[1:] != first.shape[1:]:
            d = next(
                d
                for d in range(1, max(seq.dim(), first.dim()))
                if d >= seq.dim() or d >= first.dim() or seq.shape[d] != first.shape[d]
            )
            a = first.shape[d] if d < first.dim() else 1
            b = seq.shape[d] if d < seq.dim() else 1
            raise RuntimeError(
                f"The size of tensor a ({a}) must match the size of tensor "
                f"b ({b}) at non-singleton dimension {d}"
            )
    if any(s.dtype is not first.dtype for s in sequences):
        sequences = tuple(s.to(first.dtype) for s in sequences)
    return pad_sequences(
        sequences, batch_first=batch_first, padding_value=padding_value, left=padding_side == "left"
    )


def unpad_sequence(
    padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False
) -> list[Tensor]:
    """Split a padded batch back into its sequences (a list of ``(L_i, *)`` tensors)."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [
        seq.narrow(0, 0, int(n)).clone()
        for seq, n in zip(padded_sequences.unbind(0), lengths.tolist())
    ]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (sorted by decreasing length unless
    ``enforce_sorted=False``)."""
    lengths = [v.size(0) for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """Undo :func:`pack_sequence`: the list of sequences in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
