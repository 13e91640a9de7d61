"""Numerical integration, differentiation and histograms: ``trapezoid``/``trapz``,
``cumulative_trapezoid``, ``gradient`` (compositions of ember ops, differentiable) and
``histogram``/``histogramdd`` (primitives of :mod:`ember.ops.prims.numeric`, not
differentiable, as in PyTorch)."""

from __future__ import annotations

import builtins

from .. import _factories, return_types
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from .._tensor import Tensor
from . import cumulative
from . import pointwise as P
from . import shape as shaping
from ._binding import tensor_method
from ._out import OutRule, exact, with_out
from ._promote import to_float
from .prims import numeric as N

__all__ = [
    "trapezoid",
    "trapz",
    "cumulative_trapezoid",
    "gradient",
    "histogram",
    "histogramdd",
]

histogram_result = return_types._make("histogram", ["hist", "bin_edges"])
histogramdd_result = return_types._make("histogramdd", ["hist", "bin_edges"])


# ---------------------------------------------------------------- trapezoidal rule
def _pieces(y, x, dx, dim, name):
    """The areas of the trapezoids along ``dim`` (length n - 1)."""
    d = wrap_dim(dim, y.ndim)
    n = y.shape[d]
    y = to_float(y)
    mean = P.mul(P.add(y.narrow(d, 1, n - 1), y.narrow(d, 0, n - 1)), 0.5)
    if x is None:
        return P.mul(mean, 1.0 if dx is None else dx), d
    if x.ndim == 1:
        if x.shape[0] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
        shape = [1] * y.ndim
        shape[d] = n
        x = x.reshape(shape)
        xd = d
    else:
        xd = wrap_dim(dim, x.ndim)
        if x.shape[xd] != n:
            raise RuntimeError(f"{name}: There must be one `x` value for each sample point")
    steps = P.sub(x.narrow(xd, 1, n - 1), x.narrow(xd, 0, n - 1))
    return P.mul(mean, steps), d


def _check_x(x, name):
    if x is not None and not isinstance(x, Tensor):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (Tensor, "
            f"{type(x).__name__}): the sample points x must be a Tensor (a spacing is dx=)"
        )


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The integral of ``y`` along ``dim`` by the trapezoidal rule, at the points ``x`` (a
    tensor) or with constant spacing ``dx`` (default 1)."""
    _check_x(x, "trapezoid")
    if y.ndim == 0:
        raise IndexError("Dimension specified as -1 but tensor has no dimensions")
    d = wrap_dim(dim, y.ndim)
    if y.shape[d] == 0:
        return to_float(y).sum(d)
    pieces, d = _pieces(y, x, dx, dim, "trapezoid")
    return pieces.sum(d)


def trapz(y, x=None, *, dx=None, dim=-1):
    """Alias of :func:`trapezoid`."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running integral of ``y`` along ``dim`` by the trapezoidal rule (one element
    shorter than ``y`` there)."""
    _check_x(x, "cumulative_trapezoid")
    d = wrap_dim(dim, y.ndim)
    if y.shape[d] == 0:
        return to_float(y).narrow(d, 0, 0)
    pieces, d = _pieces(y, x, dx, dim, "cumulative_trapezoid")
    return cumulative.cumsum(pieces, d)


# ---------------------------------------------------------------- gradient
def _spacings(input, spacing, dims):  # noqa: A002
    if spacing is None:
        return [1.0] * len(dims)
    if isinstance(spacing, (int, float)):
        return [spacing] * len(dims)
    spacing = list(spacing)
    if len(spacing) == 1 and len(dims) > 1 and not isinstance(spacing[0], Tensor):
        spacing = spacing * len(dims)
    if len(spacing) != len(dims):
        raise RuntimeError(
            f"torch.gradient expected spacing to be unspecified, a scalar or a list of length "
            f"equal to 'self.dim() = {input.ndim}', since dim argument was not given, but got a "
            f"list of length {len(spacing)}"
        )
    return spacing


def _along(t, d, start, length):
    return t.narrow(d, start, length)


def _gradient_uniform(f, d, h, edge_order):
    n = f.shape[d]
    inner = P.div(P.sub(_along(f, d, 2, n - 2), _along(f, d, 0, n - 2)), 2 * h)
    if edge_order == 1:
        first = P.div(P.sub(_along(f, d, 1, 1), _along(f, d, 0, 1)), h)
        last = P.div(P.sub(_along(f, d, n - 1, 1), _along(f, d, n - 2, 1)), h)
    else:
        first = (-1.5 * _along(f, d, 0, 1) + 2 * _along(f, d, 1, 1) - 0.5 * _along(f, d, 2, 1)) / h
        last = (
            0.5 * _along(f, d, n - 3, 1) - 2 * _along(f, d, n - 2, 1) + 1.5 * _along(f, d, n - 1, 1)
        ) / h
    return shaping.cat([first, inner, last], d)


def _gradient_coordinates(f, d, x, edge_order):
    n = f.shape[d]
    shape = [1] * f.ndim
    shape[d] = n
    x = to_float(x).reshape(shape)
    h = P.sub(_along(x, d, 1, n - 1), _along(x, d, 0, n - 1))  # h[i] = x[i+1] - x[i]
    hs, hd = _along(h, d, 0, n - 2), _along(h, d, 1, n - 2)
    fm, f0, fp = _along(f, d, 0, n - 2), _along(f, d, 1, n - 2), _along(f, d, 2, n - 2)
    inner = (hs * hs * fp + (hd * hd - hs * hs) * f0 - hd * hd * fm) / (hs * hd * (hd + hs))
    if edge_order == 1:
        first = (_along(f, d, 1, 1) - _along(f, d, 0, 1)) / _along(h, d, 0, 1)
        last = (_along(f, d, n - 1, 1) - _along(f, d, n - 2, 1)) / _along(h, d, n - 2, 1)
    else:
        a1, a2 = _along(h, d, 0, 1), _along(h, d, 1, 1)
        first = (
            -(2 * a1 + a2) / (a1 * (a1 + a2)) * _along(f, d, 0, 1)
            + (a1 + a2) / (a1 * a2) * _along(f, d, 1, 1)
            - a1 / (a2 * (a1 + a2)) * _along(f, d, 2, 1)
        )
        b1, b2 = _along(h, d, n - 3, 1), _along(h, d, n - 2, 1)
        last = (
            b2 / (b1 * (b1 + b2)) * _along(f, d, n - 3, 1)
            - (b1 + b2) / (b1 * b2) * _along(f, d, n - 2, 1)
            + (2 * b2 + b1) / (b2 * (b1 + b2)) * _along(f, d, n - 1, 1)
        )
    return shaping.cat([first, inner, last], d)


def gradient(input, *, spacing=1, dim=None, edge_order=1):  # noqa: A002
    """The derivative of ``input`` estimated by central differences (one-sided at the edges,
    of order ``edge_order`` 1 or 2) along each of ``dim`` (default: all dims): a tuple, one
    tensor per dim. ``spacing``: a number, one per dim, or the sample coordinates (1-D tensors)
    of each dim."""
    if edge_order not in (1, 2):
        raise RuntimeError(
            f"torch.gradient only supports edge_order=1 and edge_order=2, but got {edge_order}"
        )
    if dim is None:
        dims = list(range(input.ndim))
    elif isinstance(dim, int):
        dims = [wrap_dim(dim, input.ndim)]
    else:
        dims = [wrap_dim(d, input.ndim) for d in dim]
    spacings = _spacings(input, spacing, dims)
    f = to_float(input)
    out = []
    for d, h in zip(dims, spacings):
        if f.shape[d] < edge_order + 1:
            raise RuntimeError(
                "torch.gradient expected each dimension size to be at least edge_order+1"
            )
        if isinstance(h, Tensor) and h.ndim == 1:
            out.append(_gradient_coordinates(f, d, h, edge_order))
        else:
            out.append(_gradient_uniform(f, d, float(h), edge_order))
    return tuple(out)


# ---------------------------------------------------------------- histograms
def _float_samples(input, name):  # noqa: A002
    if not input.dtype.is_floating_point:
        raise kernel_not_implemented(f"{name}", input.dtype)


def _no_weight(like):
    return _factories.zeros((), dtype=like.dtype, device=like.device)


@tensor_method()
def histogram(input, bins, *, range=None, weight=None, density=False, out=None):  # noqa: A001, A002
    """``(hist, bin_edges)``: the counts (or summed ``weight``) of the elements of ``input`` in
    ``bins`` equal bins over ``range`` (default: min to max), or in the bins whose edges the
    tensor ``bins`` gives; ``density`` normalizes to a probability density."""
    if out is not None:
        rule = OutRule("histogram", exact, autograd="none")
        return with_out(
            out, rule, histogram, input, bins, range=range, weight=weight, density=density
        )
    _float_samples(input, "histogram_cpu")
    if isinstance(bins, Tensor):
        edges = bins.to(input.dtype)
    else:
        if bins <= 0:
            raise RuntimeError(
                f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0"
            )
        if range is None:
            lo, hi = (input.min().item(), input.max().item()) if input.numel() else (0.0, 0.0)
        else:
            lo, hi = range
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = _factories.linspace(lo, hi, bins + 1, dtype=input.dtype, device=input.device)
    w = _no_weight(input) if weight is None else weight.to(input.dtype)
    return histogram_result(*N._histogram(input, edges, w, density=bool(density)))


def histogramdd(input, bins, *, range=None, weight=None, density=False):  # noqa: A001, A002
    """``(hist, bin_edges)`` of the (N, D) samples ``input`` in D dims: ``bins`` a number, one
    per dim, or the edges of each dim; ``range`` the flat ``[lo0, hi0, lo1, hi1, ...]``."""
    _float_samples(input, "histogramdd")
    samples = input.reshape(-1, input.shape[-1])
    d = samples.shape[-1]
    if isinstance(bins, int):
        bins = [bins] * d
    bins = [b.detach().tolist() if isinstance(b, Tensor) else int(b) for b in bins]
    ranges = None if range is None else [tuple(range[2 * i : 2 * i + 2]) for i in builtins.range(d)]
    w = _no_weight(input) if weight is None else weight.reshape(-1).to(input.dtype)
    hist, flat = N._histogramdd(samples, w, bins=bins, ranges=ranges, density=bool(density))
    sizes = [len(b) if not isinstance(b, int) else b + 1 for b in bins]
    return histogramdd_result(hist, tuple(shaping.split(flat, sizes)))
