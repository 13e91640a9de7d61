"""Public sorting and selection: sort, argsort, topk, kthvalue, median, mode, quantile, unique, ...

Selections find int64 indices with a primitive of :mod:`ember.ops.prims.sorting` and gather the
values with the ``gather`` primitive (see NOTE [ Selection by indices ] there), so values are
differentiable and the gradient flows to the selected elements, as in PyTorch.
"""

from __future__ import annotations

from .. import _dtype, return_types
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from .._tensor import Tensor
from . import reduction as reducing
from ._binding import tensor_method
from ._out import EXACT, OutRule, unless, with_out
from ._promote import FLOAT_NP, scalar_like
from .prims import sorting as S
from .prims.indexing import _gather
from .reduction import _select_along

__all__ = [
    "sort",
    "argsort",
    "msort",
    "topk",
    "kthvalue",
    "median",
    "nanmedian",
    "mode",
    "quantile",
    "nanquantile",
    "unique",
    "unique_consecutive",
    "bincount",
    "histc",
]


def _vector(input):
    return input.reshape(1) if input.ndim == 0 else input


# ---------------------------------------------------------------------------- sorting


@tensor_method()
def sort(input, dim=-1, descending=False, stable=False, *, out=None):  # noqa: A002
    """``(values, indices)`` sorted along ``dim``; equal elements keep their order, NaN last."""
    if out is not None:
        return with_out(out, EXACT, sort, input, dim, descending, stable)
    d = wrap_dim(dim, input.ndim)
    x = _vector(input)
    idx = S._argsort(x, dim=d, descending=descending)
    values = _gather(x, index=idx._data, dim=d)
    if input.ndim == 0:
        return return_types.sort(values.reshape(()), idx.reshape(()))
    return return_types.sort(values, idx)


@tensor_method()
def argsort(input, dim=-1, descending=False, stable=False):  # noqa: A002
    """Indices that sort ``input`` along ``dim`` (stable)."""
    d = wrap_dim(dim, input.ndim)
    idx = S._argsort(_vector(input), dim=d, descending=descending)
    return idx.reshape(()) if input.ndim == 0 else idx


@tensor_method()
def msort(input):  # noqa: A002
    """``input`` sorted along dim 0."""
    return sort(input, dim=0).values


@tensor_method()
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002
    """The ``k`` largest (or smallest) elements along ``dim`` as ``(values, indices)``."""
    if out is not None:
        return with_out(out, EXACT, topk, input, k, dim, largest, sorted)
    d = wrap_dim(dim, input.ndim)
    x = _vector(input)
    if not 0 <= k <= x.shape[d]:
        raise RuntimeError("selected index k out of range")
    idx = S._topk_indices(x, k=k, dim=d, largest=largest)
    values = _gather(x, index=idx._data, dim=d)
    if input.ndim == 0:
        return return_types.topk(values.reshape(()), idx.reshape(()))
    return return_types.topk(values, idx)


@tensor_method()
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):  # noqa: A002
    """The ``k``-th smallest element along ``dim`` (1-based) as ``(values, indices)``."""
    if out is not None:
        values = unless("equal", "output values must be of same type as input")
        indices = unless("equal", "output indices must be of scalar type Long")
        return with_out(out, (values, indices), kthvalue, input, k, dim, keepdim)
    d = wrap_dim(dim, input.ndim)
    n = _vector(input).shape[d]
    if n == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    return _select_along(
        input,
        dim,
        keepdim,
        lambda x, dd: S._kth_indices(x, k=k, dim=dd),
        "kthvalue",
        return_types.kthvalue,
    )


# ---------------------------------------------------------------------------- medians, mode


def _median(input, dim, keepdim, ignore_nan, name, rtype):
    if dim is None:
        if input.numel() == 0:
            return S._select_value(input, scalar_like(float("nan"), input.dtype, input))
        flat = input.reshape(-1)
        idx = S._median_indices(flat, dim=0, ignore_nan=ignore_nan)
        value = _gather(flat.detach(), index=idx._data, dim=0)
        return S._select_value(input, value.reshape(()))
    return _select_along(
        input,
        dim,
        keepdim,
        lambda x, d: S._median_indices(x, dim=d, ignore_nan=ignore_nan),
        name,
        rtype,
    )


_MEDIAN_OUT = (  # the output dtypes median and nanmedian accept, with PyTorch's messages
    unless(
        "equal",
        "Expected tensor for 'values' to have the same type as tensor for argument #2 'self'; "
        "but type {got_t} does not equal {want_t} (while checking arguments for median)",
    ),
    unless(
        "equal",
        "Expected tensor for argument #1 'indices' to have scalar type Long; but got {got_t} "
        "instead (while checking arguments for median)",
    ),
)


@tensor_method()
def median(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
    """Lower median: of all elements (0-d), or ``(values, indices)`` along ``dim``; NaN wins."""
    if out is not None:
        if dim is None:
            raise TypeError('median() missing 1 required positional arguments: "dim"')
        return with_out(out, _MEDIAN_OUT, median, input, dim, keepdim)
    return _median(input, dim, keepdim, False, "median", return_types.median)


@tensor_method()
def nanmedian(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
    """Like :func:`median`, ignoring NaN (NaN only where every element is NaN)."""
    if out is not None:
        if dim is None:
            raise TypeError('nanmedian() missing 1 required positional arguments: "dim"')
        return with_out(out, _MEDIAN_OUT, nanmedian, input, dim, keepdim)
    return _median(input, dim, keepdim, True, "nanmedian", return_types.nanmedian)


@tensor_method()
def mode(input, dim=-1, keepdim=False, *, out=None):  # noqa: A002
    """Most frequent value along ``dim`` (the smallest on ties) and its last index."""
    if out is not None:
        message = "expected scalar type '{want}' but got '{got}' for %s output"
        rules = (unless("equal", message % "values"), unless("equal", message % "indices"))
        return with_out(out, rules, mode, input, dim, keepdim)
    return _select_along(
        input, dim, keepdim, lambda x, d: S._mode_indices(x, dim=d), "mode", return_types.mode
    )


# ---------------------------------------------------------------------------- quantiles

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile_args(name, input, q):
    if input.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        if q.numel() and bool(((q < 0) | (q > 1)).any()):
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        return q.detach()
    if not 0 <= q <= 1:
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
    return scalar_like(q, input.dtype, input)


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    qt = _quantile_args(name, input, q)
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(
            f"{name}() interpolation must be one of linear, lower, higher, "
            f"midpoint or nearest, but got {interpolation}"
        )
    if dim is None:
        x = input.reshape(-1)
    else:
        d = wrap_dim(dim, input.ndim)
        x = _vector(input).movedim(d, -1)
    values = sort(x, dim=-1).values  # (*rest, n), NaN last
    n = values.shape[-1]
    last = values.ndim - 1
    sorted_data = values.detach()
    qv = qt.reshape(-1)
    if ignore_nan:
        count = reducing.sum(~sorted_data.isnan(), -1, keepdim=True)
        ranks = (qv * (count - 1)).masked_fill(count == 0, 0.0)
    else:
        ranks = (qv * (n - 1)).expand(*values.shape[:-1], qv.shape[0])
        ranks = ranks.masked_fill(sorted_data[..., -1:].isnan(), float(n - 1))
    if interpolation == "lower":
        ranks = ranks.floor()
    elif interpolation == "higher":
        ranks = ranks.ceil()
    elif interpolation == "nearest":
        ranks = ranks.round()
    below = ranks.long()
    result = _gather(values, index=below._data, dim=last)
    if interpolation in ("linear", "midpoint"):
        weights = ranks - below if interpolation == "linear" else ranks * 0 + 0.5
        above = _gather(values, index=ranks.ceil().long()._data, dim=last)
        result = result.lerp(above, weights)
    result = result.movedim(-1, 0)  # (Q, *rest)
    if qt.ndim == 0:
        result = result.squeeze(0)
    if keepdim:
        lead = list(result.shape[:1]) if qt.ndim else []
        if dim is None:
            result = result.reshape(*lead, *([1] * input.ndim))
        elif input.ndim:
            result = result.unsqueeze(len(lead) + d)
    return result


_QUANTILE_OUT = OutRule(
    check=unless("equal", "quantile() out tensor must be same dtype as the input tensor"),
    autograd="copy",
)


@tensor_method()
def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):  # noqa: A002
    """The ``q``-th quantiles along ``dim`` (all elements when None); NaN if a NaN is present."""
    if out is not None:
        return with_out(
            out, _QUANTILE_OUT, quantile, input, q, dim, keepdim, interpolation=interpolation
        )
    return _quantile("quantile", input, q, dim, keepdim, interpolation, False)


@tensor_method()
def nanquantile(
    input,
    q,
    dim=None,
    keepdim=False,
    *,
    interpolation="linear",  # noqa: A002
    out=None,
):
    """Like :func:`quantile`, ignoring NaN."""
    if out is not None:
        return with_out(
            out, _QUANTILE_OUT, nanquantile, input, q, dim, keepdim, interpolation=interpolation
        )
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, True)


# ---------------------------------------------------------------------------- unique, counts


def _unique_result(values, inverse, counts, return_inverse, return_counts):
    if not (return_inverse or return_counts):
        return values
    out = [values]
    if return_inverse:
        out.append(inverse)
    if return_counts:
        out.append(counts)
    return tuple(out)


@tensor_method()
def unique(
    input,
    sorted=True,
    return_inverse=False,
    return_counts=False,  # noqa: A002
    dim=None,
):
    """The sorted unique elements (or slices along ``dim``), optionally inverse and counts."""
    d = None if dim is None else wrap_dim(dim, input.ndim)
    values, inverse, counts = S._unique(input, dim=d)
    return _unique_result(values, inverse, counts, return_inverse, return_counts)


@tensor_method()
def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """Collapse each run of equal consecutive elements (or slices along ``dim``) to one."""
    d = None if dim is None else wrap_dim(dim, input.ndim)
    values, inverse, counts = S._unique_consecutive(input, dim=d)
    return _unique_result(values, inverse, counts, return_inverse, return_counts)


@tensor_method()
def bincount(input, weights=None, minlength=0):  # noqa: A002
    """Count of each non-negative integer in a 1-D tensor (sums of ``weights`` if given)."""
    if input.dtype.category != 1:
        raise kernel_not_implemented("bincount_cpu", input.dtype)
    if input.ndim != 1 or (input.numel() and int(input.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    if weights is None or input.numel() == 0:  # PyTorch gives int64 counts for empty input
        return S._bincount(input, minlength=minlength)
    if weights.shape != input.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    out = _dtype.float32 if weights.dtype is _dtype.float32 else _dtype.float64
    return S._bincount_weights(input, weights, minlength=minlength, dtype=out.np)


@tensor_method()
def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002
    """Histogram with ``bins`` equal bins over [min, max] (the data range when both are 0)."""
    if out is not None:
        message = (
            "torch.histogram: input tensor and hist tensor should have the same dtype, but got "
            "input {want_c} and hist {got_c}"
        )
        rule = OutRule(check=unless("equal", message), autograd="none")
        return with_out(out, rule, histc, input, bins, min, max)
    if input._data.dtype not in FLOAT_NP:
        raise kernel_not_implemented("histogram_cpu", input.dtype)
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and input.numel():
        lo, hi = float(input.min()), float(input.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    return S._histc(input.detach(), bins=bins, lo=lo, hi=hi)
