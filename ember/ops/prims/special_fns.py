"""Special-function primitives: Bessel functions, incomplete gamma, Hurwitz zeta, erfcx, Airy
and the classical orthogonal polynomials (``torch.special``, ``torch.i0``, ``torch.igamma``).

Kernels come from the backend's special-function namespace (``special_of(xp)``: SciPy or its
NumPy fallbacks on the CPU, ``cupyx.scipy.special`` on CUDA). The polynomials are their
three-term recurrences on ``xp`` arrays. As in PyTorch, only ``i0``, ``i0e``, ``i1``, ``i1e``,
``erfcx``, ``igamma``/``igammac`` (in ``x``) and ``zeta`` (in ``q``) are differentiable; the
others have no backward, so their results never require grad.
"""

from __future__ import annotations

import math

from ..._backend import special_of
from .._registry import defop


def _kernel(op_name, kernel):
    """A primitive running ``special_of(xp).<kernel>`` on its array arguments."""
    return defop(op_name)(lambda xp, *arrays: getattr(special_of(xp), kernel)(*arrays))


# ---------------------------------------------------------------- differentiable
_i0 = _kernel("i0", "i0")
_i0e = _kernel("special_i0e", "i0e")
_i1 = _kernel("special_i1", "i1")
_i1e = _kernel("special_i1e", "i1e")
_erfcx = _kernel("special_erfcx", "erfcx")
_igamma = _kernel("igamma", "gammainc")
_igammac = _kernel("igammac", "gammaincc")


@defop("special_zeta")
def _zeta(xp, s, q):
    out = special_of(xp).zeta(s, q)
    return xp.where(q == xp.inf, xp.nan, out)  # PyTorch's value at q = inf (SciPy: 0)


def _safe_x(x):
    """``x`` with its zeros replaced by 1, for a quotient whose value at 0 is taken elsewhere."""
    return x.masked_fill(x == 0, 1.0)


@_i0.vjp(save_inputs=True)
def _i0_backward(ctx, g):
    return g * _i1(ctx.inputs[0])


@_i0e.vjp(save_inputs=True, save_output=True)
def _i0e_backward(ctx, g):
    x = ctx.inputs[0]
    return g * (_i1e(x) - x.sign() * ctx.output)


@_i1.vjp(save_inputs=True, save_output=True)
def _i1_backward(ctx, g):
    x = ctx.inputs[0]
    slope = _i0(x) - ctx.output / _safe_x(x)
    return g * slope.masked_fill(x == 0, 0.5)


@_i1e.vjp(save_inputs=True, save_output=True)
def _i1e_backward(ctx, g):
    x = ctx.inputs[0]
    slope = _i0e(x) - ctx.output * (x.sign() + 1 / _safe_x(x))
    return g * slope.masked_fill(x == 0, 0.5)


@_erfcx.vjp(save_inputs=True, save_output=True)
def _erfcx_backward(ctx, g):
    x = ctx.inputs[0]
    return g * (2 * x * ctx.output - 2 / math.sqrt(math.pi))


def _not_implemented(what):
    return NotImplementedError(f"the derivative for '{what}' is not implemented.")


def _igamma_slope(a, x):
    """``d P(a, x) / dx = x^(a-1) e^-x / Gamma(a)``."""
    return ((a - 1) * x.log() - x - a.lgamma()).exp()


@_igamma.vjp(save_inputs=True)
def _igamma_backward(ctx, g):
    a, x = ctx.inputs
    if ctx.needs_input_grad[0]:
        raise _not_implemented("igamma: input")
    return None, g * _igamma_slope(a, x)


@_igammac.vjp(save_inputs=True)
def _igammac_backward(ctx, g):
    a, x = ctx.inputs
    if ctx.needs_input_grad[0]:
        raise _not_implemented("igammac: input")
    return None, -g * _igamma_slope(a, x)


@_zeta.vjp(save_inputs=True)
def _zeta_backward(ctx, g):
    s, q = ctx.inputs
    if ctx.needs_input_grad[0]:
        raise _not_implemented("zeta")
    return None, -g * s * _zeta(s + 1, q)


# ---------------------------------------------------------------- no gradient (as in PyTorch)
_bessel_j0 = _kernel("special_bessel_j0", "j0")
_bessel_j1 = _kernel("special_bessel_j1", "j1")
_bessel_y0 = _kernel("special_bessel_y0", "y0")
_bessel_y1 = _kernel("special_bessel_y1", "y1")
_modified_bessel_i0 = _kernel("special_modified_bessel_i0", "i0")
_modified_bessel_i1 = _kernel("special_modified_bessel_i1", "i1")
_modified_bessel_k0 = _kernel("special_modified_bessel_k0", "k0")
_modified_bessel_k1 = _kernel("special_modified_bessel_k1", "k1")
_scaled_modified_bessel_k0 = _kernel("special_scaled_modified_bessel_k0", "k0e")
_scaled_modified_bessel_k1 = _kernel("special_scaled_modified_bessel_k1", "k1e")
_airy_ai = _kernel("special_airy_ai", "airy_ai")


@defop("special_spherical_bessel_j0")
def _spherical_bessel_j0(xp, x):
    safe = xp.where((x == 0) | xp.isinf(x), 1, x)
    out = xp.where(x == 0, 1, xp.sin(safe) / safe)
    return xp.where(xp.isinf(x), 0, out).astype(x.dtype, copy=False)


# ---------------------------------------------------------------- orthogonal polynomials
def _recurrence(xp, x, n, p1, step):
    """``p_n(x)`` for the order ``n`` truncated to an integer (0 where it is negative), from
    ``p_0 = 1``, ``p_1`` and ``p_{k+1} = step(k, p_k, p_{k-1})``."""
    x, n = xp.broadcast_arrays(x, n)
    order = xp.trunc(n)
    one = xp.ones_like(x)
    p1 = p1 * one
    out = xp.where(order == 0, one, xp.where(order == 1, p1, 0 * one))
    finite = order[xp.isfinite(order)]
    top = int(finite.max()) if finite.size else 0
    prev, cur = one, p1
    for k in range(1, top):
        prev, cur = cur, step(k, cur, prev)
        out = xp.where(order == k + 1, cur, out)
    return out


def _polynomial(name, first, step):
    def forward(xp, x, n):
        return _recurrence(xp, x, n, first(x), lambda k, cur, prev: step(x, k, cur, prev))

    forward.__name__ = name
    return defop(name)(forward)


def _chebyshev(x, k, cur, prev):
    return 2 * x * cur - prev


def _shifted(x, k, cur, prev):
    return 2 * (2 * x - 1) * cur - prev


_chebyshev_t = _polynomial("special_chebyshev_polynomial_t", lambda x: x, _chebyshev)
_chebyshev_u = _polynomial("special_chebyshev_polynomial_u", lambda x: 2 * x, _chebyshev)
_chebyshev_v = _polynomial("special_chebyshev_polynomial_v", lambda x: 2 * x - 1, _chebyshev)
_chebyshev_w = _polynomial("special_chebyshev_polynomial_w", lambda x: 2 * x + 1, _chebyshev)
_shifted_t = _polynomial("special_shifted_chebyshev_polynomial_t", lambda x: 2 * x - 1, _shifted)
_shifted_u = _polynomial("special_shifted_chebyshev_polynomial_u", lambda x: 4 * x - 2, _shifted)
_shifted_v = _polynomial("special_shifted_chebyshev_polynomial_v", lambda x: 4 * x - 3, _shifted)
_shifted_w = _polynomial("special_shifted_chebyshev_polynomial_w", lambda x: 4 * x - 1, _shifted)
_hermite_h = _polynomial(
    "special_hermite_polynomial_h", lambda x: 2 * x, lambda x, k, c, p: 2 * x * c - 2 * k * p
)
_hermite_he = _polynomial(
    "special_hermite_polynomial_he", lambda x: x, lambda x, k, c, p: x * c - k * p
)
_laguerre_l = _polynomial(
    "special_laguerre_polynomial_l",
    lambda x: 1 - x,
    lambda x, k, c, p: ((2 * k + 1 - x) * c - k * p) / (k + 1),
)
_legendre_p = _polynomial(
    "special_legendre_polynomial_p",
    lambda x: x,
    lambda x, k, c, p: ((2 * k + 1) * x * c - k * p) / (k + 1),
)
