"""Public cumulative ops along one dim: cumsum, cumprod, cummax, cummin, logcumsumexp.

Re-exported by :mod:`ember.ops.reduction` (so they are ``ember.cumsum`` etc.); the primitives are
in :mod:`ember.ops.prims.cumulative`. A 0-d input is scanned as a 1-element vector.
"""

from __future__ import annotations

from .. import _dtype, return_types
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from ._binding import tensor_method
from ._out import CAST, dtype_from_out, unless, with_out
from ._promote import FLOAT_NP, cast
from .prims import cumulative as C
from .prims.indexing import _gather

__all__ = [
    "cumsum",
    "cumprod",
    "logcumsumexp",
    "cummax",
    "cummin",
]


def _as_vector(input):
    return input.reshape(1) if input.ndim == 0 else input


def _scan(op, input, dim):
    d = wrap_dim(dim, input.ndim)
    out = op(_as_vector(input), dim=d, reverse=False)
    return out.reshape(()) if input.ndim == 0 else out


def _widen(input, dtype):
    if dtype is not None:
        return cast(input, dtype)
    if input.dtype.category < 2:
        return cast(input, _dtype.int64)
    return input


def _scan_dtype(name, out, dtype):
    """The dtype of a scan into ``out``: ``out``'s (PyTorch has no bool kernel for it)."""
    dtype = dtype_from_out(out, dtype)
    if dtype is _dtype.bool:
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    return dtype


@tensor_method(inplace=True)
def cumsum(input, dim, *, dtype=None, out=None):  # noqa: A002
    """Cumulative sum along ``dim``; ints and bools accumulate in int64."""
    if out is not None:
        return with_out(out, CAST, cumsum, input, dim, dtype=_scan_dtype("cumsum", out, dtype))
    return _scan(C._cumsum, _widen(input, dtype), dim)


@tensor_method(inplace=True)
def cumprod(input, dim, *, dtype=None, out=None):  # noqa: A002
    """Cumulative product along ``dim``; the gradient is exact where elements are zero."""
    if out is not None:
        return with_out(out, CAST, cumprod, input, dim, dtype=_scan_dtype("cumprod", out, dtype))
    return _scan(C._cumprod, _widen(input, dtype), dim)


@tensor_method()
def logcumsumexp(input, dim, *, out=None):  # noqa: A002
    """``log(cumsum(exp(input)))`` along ``dim``, computed stably."""
    if out is not None:
        message = "expected scalar_type {want} but found {got}"
        return with_out(out, unless("equal", message), logcumsumexp, input, dim)
    if input._data.dtype not in FLOAT_NP:
        raise kernel_not_implemented("logcumsumexp_out_cpu", input.dtype)
    return _scan(C._logcumsumexp, input, dim)


def _cum_extreme(input, dim, finder, rtype):
    d = wrap_dim(dim, input.ndim)
    x = _as_vector(input)
    idx = finder(x, dim=d)
    values = _gather(x, index=idx._data, dim=d)
    if input.ndim == 0:
        return rtype(values.reshape(()), idx.reshape(()))
    return rtype(values, idx)


@tensor_method()
def cummax(input, dim):  # noqa: A002
    """``(values, indices)`` of the running maximum along ``dim`` (NaN propagates)."""
    return _cum_extreme(input, dim, C._cummax_indices, return_types.cummax)


@tensor_method()
def cummin(input, dim):  # noqa: A002
    """``(values, indices)`` of the running minimum along ``dim`` (NaN propagates)."""
    return _cum_extreme(input, dim, C._cummin_indices, return_types.cummin)
