"""F.embedding and F.embedding_bag: rows of a weight matrix looked up by integer indices.

Thin functions: they check arguments with PyTorch's exceptions and call
:mod:`ember.ops.embedding`. ``embedding`` is one primitive (a row gather whose backward scatters
the gradient back, leaving the ``padding_idx`` row at zero and optionally dividing by each
index's frequency); ``embedding_bag`` gathers the rows of all bags with it and reduces them per
bag with index_add (sum / mean) or scatter_reduce (max), so its gradients come from those ops.
"""

from __future__ import annotations

import warnings

from ... import _dtype
from ..._tensor import Tensor, type_name
from ...ops import embedding as E

__all__ = ["embedding", "embedding_bag"]

_INDEX_DTYPES = (_dtype.int64, _dtype.int32)


def _check_indices(indices: Tensor, op: str) -> None:
    if indices.dtype not in _INDEX_DTYPES:
        raise RuntimeError(
            f"Expected tensor for argument #1 'indices' to have one of the "
            f"following scalar types: Long, Int; but got {type_name(indices)} "
            f"instead (while checking arguments for {op})"
        )


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
    if padding_idx is not None:
        num = weight.shape[0] if weight.ndim else 0
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
    if max_norm is None:
        return E.embedding(weight, input, padding_idx, bool(scale_grad_by_freq))
    return E.embedding(
        weight, input, padding_idx, bool(scale_grad_by_freq), max_norm=max_norm, norm_type=norm_type
    )


def _bag_inputs(input, offsets, per_sample_weights, include_last_offset):  # noqa: A002
    """PyTorch's input/offsets forms: a 2-D input is a batch of equal-length bags (one per
    row, offsets None)."""
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError(
                "if input is 2D, then offsets has to be None, as input is treated is "
                "a mini-batch of fixed length sequences. However, found offsets of "
                f"type {type(offsets)}"
            )
        return input, None, per_sample_weights, False
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
        E.embedding_renorm_(weight, input, max_norm, norm_type)
    if psw is not None and mode != "sum":
        raise NotImplementedError(
            f"embedding_bag: per_sample_weights was not None. "
            f"per_sample_weights is only supported for mode='sum' (got "
            f"mode='{mode}'). Please open a feature request on GitHub."
        )
    padding_idx = _check_bag_args(input, weight, psw, padding_idx)
    return E.embedding_bag(
        weight,
        input,
        offsets,
        mode,
        psw,
        include_last_offset,
        padding_idx,
        bool(scale_grad_by_freq),
    )


def _check_bag_args(input, weight, psw, padding_idx):  # noqa: A002
    """PyTorch's dtype checks; ``padding_idx`` made non-negative (-1: none)."""
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
    num = weight.shape[0]
    if padding_idx is not None:
        if not -num <= padding_idx < num:
            raise RuntimeError(
                f"padding_idx must be within the number of embeddings, -{num} "
                f"through {num - 1}, but got {padding_idx}"
            )
        padding_idx %= num
    return -1 if padding_idx is None else padding_idx
