"""F.embedding and F.embedding_bag: rows of a weight matrix looked up by integer indices.

``embedding`` is one primitive (a row gather whose backward scatters the gradient back, leaving
the ``padding_idx`` row at zero and optionally dividing by each index's frequency).
``embedding_bag`` gathers the rows of all bags with it and reduces them per bag with index_add
(sum / mean) or scatter_reduce (max), so its gradients come from those ops.
"""

from __future__ import annotations

import warnings

from ... import _dtype
from ..._backend import backend_of
from ..._tensor import Tensor, _wrap, type_name
from ...autograd.grad_mode import no_grad
from ...ops.indexing import scatter_reduce
from ...ops.prims.embedding import _embedding, embedding_renorm_
from ...ops.prims.indexing import _index_add, _index_select

__all__ = ["embedding", "embedding_bag"]

_INDEX_DTYPES = (_dtype.int64, _dtype.int32)


def _check_indices(indices: Tensor, op: str) -> None:
    if indices.dtype not in _INDEX_DTYPES:
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the "
            f"following scalar types: Long, Int; but got {type_name(indices)} "
            f"instead (while checking arguments for {op})"
        )


def _renorm(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    """Rescale in place the looked-up rows whose ``norm_type``-norm exceeds ``max_norm``."""
    with no_grad():
        embedding_renorm_(weight, idx, max_norm=float(max_norm), norm_type=float(norm_type))


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,  # noqa: A002
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """``weight[input]``: one row of ``weight`` (num_embeddings, dim) per index of ``input``.

    The ``padding_idx`` row receives no gradient; ``max_norm`` renormalizes the looked-up rows
    of ``weight`` in place; ``scale_grad_by_freq`` divides gradients by index frequency in the
    batch. ``sparse`` is accepted, the gradient is always dense.
    """
    num = weight.shape[0] if weight.ndim else 0
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -num:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = num + padding_idx
    else:
        padding_idx = -1
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    _check_indices(input, "embedding")
    idx = input._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return _embedding(
        weight, indices=idx, padding_idx=padding_idx, scale_grad_by_freq=bool(scale_grad_by_freq)
    )


def _bag_inputs(input, offsets, per_sample_weights, include_last_offset):  # noqa: A002
    """PyTorch's input/offsets forms: a 2-D input is a batch of equal-length bags."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is "
                "a mini-batch of fixed length sequences. However, found offsets of "
                f"type {type(offsets)}"
            )
        xp = backend_of(input._data).xp
        offsets = _wrap(xp.arange(input.shape[0], dtype=input._data.dtype) * input.shape[1])
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
        return input, offsets, per_sample_weights, False
    if input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        return input, offsets, per_sample_weights, include_last_offset
    raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")


def embedding_bag(
    input: Tensor,
    weight: Tensor,
    offsets: Tensor | None = None,  # noqa: A002
    max_norm: float | None = None,
    norm_type: float = 2,
    scale_grad_by_freq: bool = False,
    mode: str = "mean",
    sparse: bool = False,
    per_sample_weights: Tensor | None = None,
    include_last_offset: bool = False,
    padding_idx: int | None = None,
) -> Tensor:
    """Sum, mean or max of the embedding rows of each bag, without materializing the lookups.

    Bags are the rows of a 2-D ``input``, or the slices of a 1-D ``input`` starting at
    ``offsets``. ``per_sample_weights`` (mode 'sum') scale each row; entries equal to
    ``padding_idx`` are left out of their bag; an empty bag gives zeros.
    """
    if weight.dtype is _dtype.int64 and input.is_floating_point():
        warnings.warn(
            "Argument order of nn.functional.embedding_bag was changed. Usage "
            "`embedding_bag(weight, input, ...)` is deprecated, and should now be "
            "`embedding_bag(input, weight, ...)`.",
            UserWarning,
            stacklevel=2,
        )
        weight, input = input, weight
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(
            f"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is "
            f"not None, then it must have the same shape as the input "
            f"({input.shape})"
        )
    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    input, offsets, psw, include_last_offset = _bag_inputs(
        input, offsets, per_sample_weights, include_last_offset
    )
    if mode == "max":
        if scale_grad_by_freq:
            raise ValueError("max mode does not support scaling the gradient by the frequency")
        if sparse:
            raise ValueError("max mode does not support sparse weights")
    elif mode not in ("sum", "mean"):
        raise ValueError("mode has to be one of sum, mean or max")
    if max_norm is not None:
        _check_indices(input, "embedding_bag")
        _renorm(weight, input._data, max_norm, norm_type)
    if psw is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. "
            f"per_sample_weights is only supported for mode='sum' (got "
            f"mode='{mode}'). Please open a feature request on GitHub."
        )
    return _embedding_bag(
        input,
        weight,
        offsets,
        mode,
        psw,
        include_last_offset,
        padding_idx,
        bool(scale_grad_by_freq),
    )


def _check_bag_args(input, weight, offsets, psw, padding_idx):  # noqa: A002
    _check_indices(input, "embedding_bag")
    if not weight.is_floating_point():
        raise RuntimeError(
            f"Expected tensor for argument #1 'weight' to have one of the "
            f"following scalar types: Half, BFloat16, Float, Double; but got "
            f"{type_name(weight)} instead (while checking arguments for "
            "embedding_bag)"
        )
    if psw is not None and psw.dtype is not weight.dtype:
        raise RuntimeError(
            f"Expected tensor for argument #1 'weight' to have the same type as "
            f"tensor for argument #1 'per_sample_weights'; but type "
            f"{type_name(weight)} does not equal {type_name(psw)} (while checking "
            "arguments for embedding_bag)"
        )
    offs = offsets._data
    num, n = weight.shape[0], input.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise RuntimeError(
                f"padding_idx must be within the number of embeddings, -{num} "
                f"through {num - 1}, but got {padding_idx}"
            )
        padding_idx %= num
    idx = input._data
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        raise RuntimeError(
            "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found "
            f"idx to be {int(idx[bad][0])}"
        )
    if offs.shape[0]:
        if int(offs[0]) != 0:
            raise RuntimeError(
                "offsets[0] has to be 0, i.e., the first sequence in the "
                "mini-batch has to start from position 0. However, got "
                f"{int(offs[0])}\n[ {type_name(offsets)}{{}} ]"
            )
        if int(offs[-1]) > n:
            raise RuntimeError(
                f"offsets[-1] can not be greater than input's length {n} but got "
                f"offsets[-1] of {int(offs[-1])}"
            )
    return -1 if padding_idx is None else padding_idx


def _embedding_bag(
    input,
    weight,
    offsets,
    mode,
    psw,
    include_last_offset,  # noqa: A002
    padding_idx,
    scale_grad_by_freq,
):
    padding_idx = _check_bag_args(input, weight, offsets, psw, padding_idx)
    offs = offsets._data
    xp = backend_of(weight._data).xp
    idx = input._data
    n_bags = max(offs.shape[0] - (1 if include_last_offset else 0), 0)
    end = int(offs[n_bags]) if include_last_offset and n_bags else idx.shape[0]
    positions = xp.arange(idx.shape[0])
    bag_of = xp.searchsorted(offs[:n_bags], positions, side="right") - 1
    keep = (positions < end) & (bag_of >= 0)
    if padding_idx >= 0:
        keep &= idx != padding_idx
    kept = positions[keep]
    bag_of = bag_of[keep]
    rows = _embedding(
        weight, indices=idx[kept], padding_idx=-1, scale_grad_by_freq=scale_grad_by_freq
    )
    out = weight.new_zeros((n_bags, weight.shape[1]))
    if mode == "max":
        index = _wrap(xp.ascontiguousarray(xp.broadcast_to(bag_of[:, None], rows.shape)))
        return scatter_reduce(out, 0, index, rows, "amax", include_self=False)
    if psw is not None:
        rows = rows * _index_select(psw, index=kept, dim=0).unsqueeze(1)
    out = _index_add(out, rows, index=bag_of, dim=0, alpha=1)
    if mode == "mean":
        counts = xp.bincount(bag_of, minlength=n_bags)[:n_bags]
        out = out / _wrap(xp.maximum(counts, 1).astype(weight._data.dtype)[:, None])
    return out
