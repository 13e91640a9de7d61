"""Public reductions (sum, mean, ...) in PyTorch's terms."""

from __future__ import annotations

from .. import _dtype
from . import reduction as R
from ._promote import FLOAT_NP, cast, wrap_dims


def _dims(dim, ndim):
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    return wrap_dims(dim, ndim)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001, A002
    """Sum over ``dim`` (all dims when None); ints and bools accumulate in int64."""
    if dtype is not None:
        input = cast(input, dtype)
    elif input.dtype.category < 2:
        input = cast(input, _dtype.int64)
    return R._sum(input, dims=_dims(dim, input.ndim), keepdim=keepdim, dtype=None)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Mean over ``dim`` (all dims when None); needs a floating point input."""
    if dtype is not None:
        input = cast(input, dtype)
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                           f"floating point or complex dtype. Got: {input.dtype.name.capitalize()}")
    return R._mean(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


def sum_to_size(input, *size):  # noqa: A002
    """Sum ``input`` down to ``size`` (the reverse of broadcasting)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(size)
    if tuple(input.shape) == size:
        return input
    return R._sum_to_size(input, shape=size)
