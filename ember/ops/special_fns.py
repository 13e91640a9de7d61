"""Public special functions: ``torch.i0``/``igamma``/``igammac`` (also Tensor methods) and the
Bessel, Airy, zeta, erfcx and orthogonal-polynomial functions of ``torch.special`` (re-exported
by :mod:`ember.special`). Integer inputs compute in the default float dtype, as in PyTorch."""

from __future__ import annotations

from .._tensor import Tensor
from ._binding import tensor_method
from ._out import CAST, with_out
from ._promote import broadcast_error, promote2, to_float
from .prims import special_fns as S

__all__ = ["i0", "igamma", "igammac"]


def _unary(op, input, fn, out):  # noqa: A002
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{fn.__name__}(): argument 'input' (position 1) must be Tensor, "
            f"not {type(input).__name__}"
        )
    if out is not None:
        return with_out(out, CAST, fn, input)
    return op(to_float(input))


def _binary(op, a, b, fn, out):
    if out is not None:
        return with_out(out, CAST, fn, a, b)
    a, b = promote2(a, b)
    a, b = to_float(a), to_float(b)
    try:
        return op(a, b)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None


# ---------------------------------------------------------------- torch-level (Tensor methods)
@tensor_method(inplace=True)
def i0(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the first kind of order 0, ``I_0(x)``."""
    return _unary(S._i0, input, i0, out)


@tensor_method(inplace=True)
def igamma(input, other, *, out=None):  # noqa: A002
    """The regularized lower incomplete gamma function ``P(input, other)``; differentiable in
    ``other`` only, as in PyTorch."""
    return _binary(S._igamma, input, other, igamma, out)


@tensor_method(inplace=True)
def igammac(input, other, *, out=None):  # noqa: A002
    """The regularized upper incomplete gamma function ``Q(input, other) = 1 - P``."""
    return _binary(S._igammac, input, other, igammac, out)


# ---------------------------------------------------------------- torch.special
def i0e(input, *, out=None):  # noqa: A002
    """The exponentially scaled ``I_0``: ``exp(-|x|) I_0(x)``."""
    return _unary(S._i0e, input, i0e, out)


def i1(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the first kind of order 1, ``I_1(x)``."""
    return _unary(S._i1, input, i1, out)


def i1e(input, *, out=None):  # noqa: A002
    """The exponentially scaled ``I_1``: ``exp(-|x|) I_1(x)``."""
    return _unary(S._i1e, input, i1e, out)


def erfcx(input, *, out=None):  # noqa: A002
    """The scaled complementary error function ``exp(x^2) erfc(x)``."""
    return _unary(S._erfcx, input, erfcx, out)


def gammainc(input, other, *, out=None):  # noqa: A002
    """Alias of :func:`igamma`."""
    return igamma(input, other, out=out)


def gammaincc(input, other, *, out=None):  # noqa: A002
    """Alias of :func:`igammac`."""
    return igammac(input, other, out=out)


def zeta(input, other, *, out=None):  # noqa: A002
    """The Hurwitz zeta function ``sum_k (other + k)^-input``; differentiable in ``other``."""
    return _binary(S._zeta, input, other, zeta, out)


def bessel_j0(input, *, out=None):  # noqa: A002
    """The Bessel function of the first kind of order 0 (no gradient, as in PyTorch)."""
    return _unary(S._bessel_j0, input, bessel_j0, out)


def bessel_j1(input, *, out=None):  # noqa: A002
    """The Bessel function of the first kind of order 1 (no gradient)."""
    return _unary(S._bessel_j1, input, bessel_j1, out)


def bessel_y0(input, *, out=None):  # noqa: A002
    """The Bessel function of the second kind of order 0 (no gradient)."""
    return _unary(S._bessel_y0, input, bessel_y0, out)


def bessel_y1(input, *, out=None):  # noqa: A002
    """The Bessel function of the second kind of order 1 (no gradient)."""
    return _unary(S._bessel_y1, input, bessel_y1, out)


def modified_bessel_i0(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the first kind of order 0 (no gradient; :func:`i0` has
    one)."""
    return _unary(S._modified_bessel_i0, input, modified_bessel_i0, out)


def modified_bessel_i1(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the first kind of order 1 (no gradient)."""
    return _unary(S._modified_bessel_i1, input, modified_bessel_i1, out)


def modified_bessel_k0(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the second kind of order 0 (no gradient)."""
    return _unary(S._modified_bessel_k0, input, modified_bessel_k0, out)


def modified_bessel_k1(input, *, out=None):  # noqa: A002
    """The modified Bessel function of the second kind of order 1 (no gradient)."""
    return _unary(S._modified_bessel_k1, input, modified_bessel_k1, out)


def scaled_modified_bessel_k0(input, *, out=None):  # noqa: A002
    """``exp(x) K_0(x)`` (no gradient)."""
    return _unary(S._scaled_modified_bessel_k0, input, scaled_modified_bessel_k0, out)


def scaled_modified_bessel_k1(input, *, out=None):  # noqa: A002
    """``exp(x) K_1(x)`` (no gradient)."""
    return _unary(S._scaled_modified_bessel_k1, input, scaled_modified_bessel_k1, out)


def spherical_bessel_j0(input, *, out=None):  # noqa: A002
    """The spherical Bessel function of the first kind of order 0, ``sin(x) / x`` (no
    gradient)."""
    return _unary(S._spherical_bessel_j0, input, spherical_bessel_j0, out)


def airy_ai(input, *, out=None):  # noqa: A002
    """The Airy function ``Ai(x)`` (no gradient)."""
    return _unary(S._airy_ai, input, airy_ai, out)


# ---------------------------------------------------------------- orthogonal polynomials
def _polynomial(op, name, what):
    def fn(input, n, *, out=None):  # noqa: A002
        return _binary(op, input, n, fn, out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"The {what} of degree ``n`` at ``input`` (``n`` is truncated to an integer; 0 for a "
        "negative degree). No gradient, as in PyTorch."
    )
    return fn


chebyshev_polynomial_t = _polynomial(
    S._chebyshev_t, "chebyshev_polynomial_t", "Chebyshev polynomial of the first kind T_n"
)
chebyshev_polynomial_u = _polynomial(
    S._chebyshev_u, "chebyshev_polynomial_u", "Chebyshev polynomial of the second kind U_n"
)
chebyshev_polynomial_v = _polynomial(
    S._chebyshev_v, "chebyshev_polynomial_v", "Chebyshev polynomial of the third kind V_n"
)
chebyshev_polynomial_w = _polynomial(
    S._chebyshev_w, "chebyshev_polynomial_w", "Chebyshev polynomial of the fourth kind W_n"
)
shifted_chebyshev_polynomial_t = _polynomial(
    S._shifted_t, "shifted_chebyshev_polynomial_t", "shifted Chebyshev polynomial T_n(2x - 1)"
)
shifted_chebyshev_polynomial_u = _polynomial(
    S._shifted_u, "shifted_chebyshev_polynomial_u", "shifted Chebyshev polynomial U_n(2x - 1)"
)
shifted_chebyshev_polynomial_v = _polynomial(
    S._shifted_v, "shifted_chebyshev_polynomial_v", "shifted Chebyshev polynomial V_n(2x - 1)"
)
shifted_chebyshev_polynomial_w = _polynomial(
    S._shifted_w, "shifted_chebyshev_polynomial_w", "shifted Chebyshev polynomial W_n(2x - 1)"
)
hermite_polynomial_h = _polynomial(
    S._hermite_h, "hermite_polynomial_h", "physicists' Hermite polynomial H_n"
)
hermite_polynomial_he = _polynomial(
    S._hermite_he, "hermite_polynomial_he", "probabilists' Hermite polynomial He_n"
)
laguerre_polynomial_l = _polynomial(
    S._laguerre_l, "laguerre_polynomial_l", "Laguerre polynomial L_n"
)
legendre_polynomial_p = _polynomial(
    S._legendre_p, "legendre_polynomial_p", "Legendre polynomial P_n"
)
