"""Functions composed from other ember ops (autograd comes for free): ``diff``, ``cov``,
``corrcoef``, ``block_diag``, ``cartesian_prod``, ``combinations``, ``xlogy``, ``sinc`` and
``mvlgamma``. Each validates its arguments with PyTorch's messages, then calls public ops."""

from __future__ import annotations

import itertools
import math
import warnings

from .. import _dtype, _factories
from .._size import shape_text, wrap_dim
from .._tensor import Tensor
from . import indexing as indexing_api
from . import pointwise as P
from . import products
from . import reduction as reducing
from . import shape as shaping
from ._binding import tensor_method
from ._out import CAST, with_out
from ._promote import FLOAT_NP, cast, promote2, to_float

__all__ = [
    "diff",
    "cov",
    "corrcoef",
    "block_diag",
    "cartesian_prod",
    "combinations",
    "xlogy",
    "sinc",
    "mvlgamma",
]


def _check_pend(input, other, dim):  # noqa: A002
    if other.ndim != input.ndim:
        raise RuntimeError("diff expects prepend or append to be the same dimension as input")
    for i in range(input.ndim):
        if i != dim and other.shape[i] != input.shape[i]:
            raise RuntimeError(
                "diff expects the shape of tensor to prepend or append to match "
                "that of input except along the differencing dimension; "
                f"input.size({i}) = {input.shape[i]}, but got "
                f"tensor.size({i}) = {other.shape[i]}"
            )


@tensor_method()
def diff(input, n=1, dim=-1, prepend=None, append=None):  # noqa: A002
    """The n-th forward difference along ``dim`` (after concatenating prepend/append)."""
    if input.ndim < 1:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    dim = wrap_dim(dim, input.ndim)
    for other in (prepend, append):
        if other is not None:
            _check_pend(input, other, dim)
    if n == 0:
        return input.clone()
    if prepend is not None or append is not None:
        parts = [t for t in (prepend, input, append) if t is not None]
        input = shaping.cat(parts, dim)
    n = min(n, input.shape[dim])
    out, length = input, input.shape[dim] - 1
    is_bool = input.dtype is _dtype.bool
    for _ in range(n):
        hi = shaping.narrow(out, dim, 1, length)
        lo = shaping.narrow(out, dim, 0, length)
        out = P.logical_xor(hi, lo) if is_bool else P.sub(hi, lo)
        length -= 1
    return out


def _check_weights(name, w, n_obs, integral):
    if w.ndim > 1:
        raise RuntimeError(
            f"cov(): expected {name} to have one or fewer dimensions but got "
            f"{name} with {w.ndim} dimensions"
        )
    is_float = w._data.dtype in FLOAT_NP
    if integral and (is_float or w.dtype is _dtype.bool):
        raise RuntimeError(
            f"cov(): expected {name} to have integral dtype but got {name} "
            f"with {w.dtype.legacy_name} dtype"
        )
    if not integral and not is_float:
        raise RuntimeError(
            f"cov(): expected {name} to have floating point dtype but got "
            f"{name} with {w.dtype.legacy_name} dtype"
        )
    if w.numel() != n_obs:
        raise RuntimeError(
            f"cov(): expected {name} to have the same numel as there are "
            f"observations in the input but got {w.numel()} != {n_obs}"
        )
    if n_obs and bool((w._data < 0).any()):
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None):  # noqa: A002
    """Covariance matrix of the variables in the rows of ``input`` (columns: observations)."""
    if input.ndim > 2:
        raise RuntimeError(
            "cov(): expected input to have two or fewer dimensions but got an "
            f"input with {input.ndim} dimensions"
        )
    if input.dtype is _dtype.bool:
        raise RuntimeError("cov(): bool dtype is not supported for input")
    x = shaping.reshape(input, 1, -1) if input.ndim < 2 else input
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        _check_weights("fweights", fweights, n_obs, True)
        w = fweights
    if aweights is not None:
        _check_weights("aweights", aweights, n_obs, False)
        w = aweights if w is None else P.mul(w, aweights)
    if w is None:
        w_sum = float(n_obs)
        avg = P.div(reducing.sum(x, 1), w_sum)
    else:
        w_sum = reducing.sum(w)
        if float(w_sum) == 0:
            raise RuntimeError("cov(): weights sum to zero, can't be normalized")
        avg = P.div(reducing.sum(P.mul(x, w), 1), w_sum)
    if w is not None and aweights is not None and correction != 0:
        norm = P.sub(w_sum, P.div(P.mul(reducing.sum(P.mul(w, aweights)), correction), w_sum))
    else:
        norm = P.sub(w_sum, correction) if isinstance(w_sum, Tensor) else w_sum - correction
    if float(norm) <= 0:
        warnings.warn(
            "cov(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the number of observations.",
            UserWarning,
            stacklevel=2,
        )
        norm = P.mul(norm, 0) if isinstance(norm, Tensor) else 0.0
    xm = P.sub(x, shaping.unsqueeze(avg, 1))
    rhs = xm if w is None else P.mul(xm, w)
    c = products.mm(xm, rhs.t())
    if isinstance(norm, Tensor):
        norm = cast(norm, c.dtype)
    return shaping.squeeze(P.true_divide(c, norm))


@tensor_method()
def corrcoef(input):  # noqa: A002
    """Pearson correlation coefficients of the variables in the rows of ``input``."""
    if input.ndim > 2:
        raise RuntimeError(
            "corrcoef(): expected input to have two or fewer dimensions but got "
            f"an input with {input.ndim} dimensions"
        )
    c = cov(input)
    if c.ndim == 0:
        return P.div(c, c)
    std = P.sqrt(indexing_api.diagonal(c))
    c = P.div(c, shaping.reshape(std, -1, 1))
    c = P.div(c, shaping.reshape(std, 1, -1))
    return P.clamp(c, -1, 1)


def block_diag(*tensors):
    """A block-diagonal matrix with the (0-, 1- or 2-d) ``tensors`` on its diagonal."""
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(
                "torch.block_diag: Input tensors must have 2 or fewer "
                f"dimensions. Input {i} has {t.ndim} dimensions"
            )
        mats.append(shaping.reshape(t, 1, -1) if t.ndim < 2 else t)
    if not mats:
        return _factories.zeros(1, 0)
    dt = mats[0].dtype
    for m in mats[1:]:
        dt = _dtype.promote_types(dt, m.dtype)
    device = mats[0].device
    n_cols = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = m.shape
        parts = [
            _factories.zeros(r, left, dtype=dt, device=device),
            cast(m, dt),
            _factories.zeros(r, n_cols - left - c, dtype=dt, device=device),
        ]
        rows.append(shaping.cat(parts, 1))
        left += c
    return shaping.cat(rows, 0)


def _check_1d(t):
    if t.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {shape_text(t.shape)}")


def cartesian_prod(*tensors):
    """The cartesian product of 1-d ``tensors``, one row per combination (like itertools)."""
    for t in tensors:
        _check_1d(t)
    if len(tensors) == 1:
        return tensors[0]
    if any(t.dtype is not tensors[0].dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    grids = indexing_api.meshgrid(*tensors, indexing="ij")
    return shaping.stack([shaping.flatten(g) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):  # noqa: A002
    """All length-``r`` combinations of the elements of 1-d ``input`` (as rows)."""
    _check_1d(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _factories.empty(0, dtype=input.dtype, device=input.device)
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = [i for combo in gen(range(input.shape[0]), r) for i in combo]
    index = _factories.tensor(idx, dtype=_dtype.int64, device=input.device)
    return shaping.reshape(indexing_api.index_select(input, 0, index), -1, r)


def _special_pair(input, other):  # noqa: A002
    x, y = promote2(input, other)
    if x._data.dtype not in FLOAT_NP:
        x, y = to_float(x), to_float(y)
    return x, y


@tensor_method(inplace=True)
def xlogy(input, other, *, out=None):  # noqa: A002
    """``input * log(other)``, with 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    if out is not None:
        return with_out(out, CAST, xlogy, input, other)
    x, y = _special_pair(input, other)
    bad = P.logical_or(P.le(y, 0.0), P.eq(y, math.inf))  # where x == 0 must give 0
    safe = P.where(P.logical_and(P.eq(x, 0), bad), 1.0, y)
    return P.mul(x, P.log(safe))


@tensor_method(inplace=True)
def sinc(input, *, out=None):  # noqa: A002
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0."""
    if out is not None:
        return with_out(out, CAST, sinc, input)
    x = to_float(input)
    zero = P.eq(x, 0)
    px = P.mul(P.where(zero, 1.0, x), math.pi)
    return P.where(zero, 1.0, P.div(P.sin(px), px))


@tensor_method(inplace=True)
def mvlgamma(input, p):  # noqa: A002
    """The log of the multivariate gamma function of dimension ``p``."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = to_float(input)
    offs = _factories.arange(p, dtype=x.dtype, device=x.device) * -0.5
    terms = P.lgamma(P.add(shaping.unsqueeze(x, -1), offs))
    return P.add(reducing.sum(terms, -1), p * (p - 1) / 4 * math.log(math.pi))


@tensor_method("cov")
def _cov_method(self, *, correction=1, fweights=None, aweights=None):
    return cov(self, correction=correction, fweights=fweights, aweights=aweights)
