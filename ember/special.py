"""``ember.special``: PyTorch's ``torch.special`` functions, mapped onto ember ops."""

from __future__ import annotations

import math

from .ops import _out, activations, composite
from .ops import pointwise as P
from .ops import reduction as reducing
from .ops._promote import promote2 as _promote2
from .ops._promote import to_float as _to_float
from .ops.special_fns import (
    airy_ai,
    bessel_j0,
    bessel_j1,
    bessel_y0,
    bessel_y1,
    chebyshev_polynomial_t,
    chebyshev_polynomial_u,
    chebyshev_polynomial_v,
    chebyshev_polynomial_w,
    erfcx,
    gammainc,
    gammaincc,
    hermite_polynomial_h,
    hermite_polynomial_he,
    i0,
    i0e,
    i1,
    i1e,
    laguerre_polynomial_l,
    legendre_polynomial_p,
    modified_bessel_i0,
    modified_bessel_i1,
    modified_bessel_k0,
    modified_bessel_k1,
    scaled_modified_bessel_k0,
    scaled_modified_bessel_k1,
    shifted_chebyshev_polynomial_t,
    shifted_chebyshev_polynomial_u,
    shifted_chebyshev_polynomial_v,
    shifted_chebyshev_polynomial_w,
    spherical_bessel_j0,
    zeta,
)

__all__ = [
    "erf",
    "erfc",
    "erfinv",
    "expit",
    "logit",
    "exp2",
    "expm1",
    "log1p",
    "gammaln",
    "digamma",
    "psi",
    "polygamma",
    "multigammaln",
    "xlogy",
    "xlog1py",
    "entr",
    "sinc",
    "round",
    "log_softmax",
    "softmax",
    "logsumexp",
    "ndtr",
    "ndtri",
    "log_ndtr",
    "i0",
    "i0e",
    "i1",
    "i1e",
    "erfcx",
    "gammainc",
    "gammaincc",
    "zeta",
    "bessel_j0",
    "bessel_j1",
    "bessel_y0",
    "bessel_y1",
    "modified_bessel_i0",
    "modified_bessel_i1",
    "modified_bessel_k0",
    "modified_bessel_k1",
    "scaled_modified_bessel_k0",
    "scaled_modified_bessel_k1",
    "spherical_bessel_j0",
    "airy_ai",
    "chebyshev_polynomial_t",
    "chebyshev_polynomial_u",
    "chebyshev_polynomial_v",
    "chebyshev_polynomial_w",
    "shifted_chebyshev_polynomial_t",
    "shifted_chebyshev_polynomial_u",
    "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w",
    "hermite_polynomial_h",
    "hermite_polynomial_he",
    "laguerre_polynomial_l",
    "legendre_polynomial_p",
]

_SQRT1_2 = math.sqrt(0.5)


def erf(input, *, out=None):  # noqa: A002
    """The error function."""
    return P.erf(input, out=out)


def erfc(input, *, out=None):  # noqa: A002
    """The complementary error function ``1 - erf(x)``."""
    return P.erfc(input, out=out)


def erfinv(input, *, out=None):  # noqa: A002
    """The inverse error function."""
    return P.erfinv(input, out=out)


def expit(input, *, out=None):  # noqa: A002
    """The logistic sigmoid ``1 / (1 + exp(-x))``."""
    return P.sigmoid(input, out=out)


def logit(input, eps=None, *, out=None):  # noqa: A002
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when eps is given."""
    return P.logit(input, eps, out=out)


def exp2(input, *, out=None):  # noqa: A002
    """``2 ** x``."""
    return P.exp2(input, out=out)


def expm1(input, *, out=None):  # noqa: A002
    """``exp(x) - 1``, accurate near 0."""
    return P.expm1(input, out=out)


def log1p(input, *, out=None):  # noqa: A002
    """``log(1 + x)``, accurate near 0."""
    return P.log1p(input, out=out)


def gammaln(input, *, out=None):  # noqa: A002
    """The log of the absolute value of the gamma function."""
    return P.lgamma(input, out=out)


def digamma(input, *, out=None):  # noqa: A002
    """The logarithmic derivative of the gamma function."""
    return P.digamma(input, out=out)


psi = digamma


def polygamma(n, input, *, out=None):  # noqa: A002
    """The n-th derivative of the digamma function."""
    return P.polygamma(n, input, out=out)


def multigammaln(input, p, *, out=None):  # noqa: A002
    """The log of the multivariate gamma function of dimension ``p``."""
    if out is not None:
        message = "mvlgamma: result type {want} can't be cast to the desired output type {want}"
        rule = _out.OutRule("mvlgamma", _out.unless("castable", message))
        return _out.with_out(out, rule, multigammaln, input, p)
    return composite.mvlgamma(input, p)


def xlogy(input, other, *, out=None):  # noqa: A002
    """``input * log(other)``, with 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    return composite.xlogy(input, other, out=out)


def xlog1py(input, other, *, out=None):  # noqa: A002
    """``input * log1p(other)``, with 0 where ``input`` is 0 (unless ``other`` is NaN)."""
    if out is not None:
        return _out.with_out(out, _out.OutRule("special_xlog1py"), xlog1py, input, other)
    x, y = _promote2(input, other)
    x, y = _to_float(x), _to_float(y)
    bad = P.logical_or(P.le(y, -1.0), P.eq(y, math.inf))
    safe = P.where(P.logical_and(P.eq(x, 0), bad), 0.0, y)
    return P.mul(x, P.log1p(safe))


def entr(input, *, out=None):  # noqa: A002
    """Elementwise entropy ``-x * log(x)``: 0 at 0, ``-inf`` for negative x."""
    if out is not None:
        return _out.with_out(out, _out.OutRule("special_entr"), entr, input)
    x = _to_float(input)
    safe = P.where(P.gt(x, 0), x, 1.0)
    val = P.neg(P.mul(x, P.log(safe)))
    return P.where(P.lt(x, 0), -math.inf, P.where(P.eq(x, 0), 0.0, val))


def sinc(input, *, out=None):  # noqa: A002
    """The normalized sinc ``sin(pi x) / (pi x)``, 1 at 0."""
    return composite.sinc(input, out=out)


def round(input, *, decimals=0, out=None):  # noqa: A001, A002
    """Round half to even, optionally to ``decimals`` places."""
    return P.round(input, decimals=decimals, out=out)


def log_softmax(input, dim, *, dtype=None):  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``; ``dtype`` casts first."""
    return activations.log_softmax(input, dim, dtype=dtype)


def softmax(input, dim, *, dtype=None):  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``; ``dtype`` casts first."""
    return activations.softmax(input, dim, dtype=dtype)


def logsumexp(input, dim, keepdim=False, *, out=None):  # noqa: A002
    """``log(sum(exp(input)))`` over ``dim``, computed stably."""
    return reducing.logsumexp(input, dim, keepdim, out=out)


def ndtr(input, *, out=None):  # noqa: A002
    """The standard normal CDF ``0.5 * erfc(-x / sqrt(2))``."""
    if out is not None:
        return _out.with_out(out, _out.COMPOSITE, ndtr, input)
    return P.mul(P.erfc(P.mul(_to_float(input), -_SQRT1_2)), 0.5)


def ndtri(input, *, out=None):  # noqa: A002
    """The inverse of ``ndtr``: ``sqrt(2) * erfinv(2p - 1)``."""
    if out is not None:
        return _out.with_out(out, _out.OutRule("special_ndtri"), ndtri, input)
    p = _to_float(input)
    return P.mul(P.erfinv(P.sub(P.mul(p, 2.0), 1.0)), math.sqrt(2.0))


def log_ndtr(input, *, out=None):  # noqa: A002
    """``log(ndtr(x))``: ``log1p(-ndtr(-x))`` for x > 0, ``log(ndtr(x))`` otherwise."""
    if out is not None:
        return _out.with_out(out, _out.OutRule("special_log_ndtr"), log_ndtr, input)
    x = _to_float(input)
    pos = P.gt(x, 0)
    upper = P.log1p(P.neg(ndtr(P.neg(P.where(pos, x, 1.0)))))
    lower = P.log(ndtr(P.where(pos, -1.0, x)))
    return P.where(pos, upper, lower)
