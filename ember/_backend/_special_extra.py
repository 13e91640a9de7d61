"""More special functions for the CPU backend (``torch.special``'s Bessel, Airy, zeta, incomplete
gamma and erfcx): SciPy's when installed, else the NumPy fallbacks below.

The fallbacks work in float64 and return the input's dtype. Each uses a method free of
cancellation in its range:

- ``I_n``, ``J_n`` (n = 0, 1), |x| <= 30: the power series below 1 for the odd order, else
  the periodic integrals
  ``I_n(x) = 1/pi int_0^pi exp(x cos t) cos(nt) dt`` and
  ``J_n(x) = 1/pi int_0^pi cos(nt - x sin t) dt``, by the midpoint rule, which converges
  geometrically for periodic integrands; beyond, Hankel's asymptotic expansions.
- ``K_nu`` (any real order, so also Airy's ``K_1/3``), x <= 25:
  ``K_nu(x) = int_0^inf exp(-x cosh t) cosh(nu t) dt`` by the trapezoid rule (the integrand is
  even and decays doubly exponentially: the rule is exact to rounding for a small step); beyond,
  the asymptotic expansion. The scaled forms integrate ``exp(-x (cosh t - 1))`` instead.
- ``Y_n``, 0 < x <= 30: ``Y_n(x) = 1/pi int_0^pi sin(x sin t - nt) dt
  - 1/pi int_0^inf (e^{nt} + (-1)^n e^{-nt}) e^{-x sinh t} dt`` by Gauss-Legendre quadrature.
- ``erfcx``: ``exp(x^2) erfc(x)`` below 5, a continued fraction above.
- ``gammainc``: the power series of ``P(a, x)`` for ``x < a + 1``, else Legendre's continued
  fraction for ``Q(a, x)``.
- Hurwitz ``zeta``: Euler-Maclaurin summation.
- ``Ai``: through ``K_1/3`` for x > 1, the Maclaurin series on [-7, 1], and the asymptotic
  expansion below (about 3e-12 relative to its envelope near -7, float64 rounding elsewhere).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ._scipy import scipy_special

_EULER = 0.5772156649015329


@functools.cache
def _gauss_legendre():
    """160-point Gauss-Legendre nodes and weights, computed on first use (not at import)."""
    return np.polynomial.legendre.leggauss(160)


_erfc = np.frompyfunc(math.erfc, 1, 1)


def _f64(x):
    return np.asarray(x, dtype=np.float64)


# ---------------------------------------------------------------------------- asymptotics
def _hankel_terms(nu, n_terms=20):
    """Coefficients ``a_k(nu) = prod_{j=1..k} (4 nu^2 - (2j - 1)^2) / (k! 8^k)``."""
    mu, out, a = 4.0 * nu * nu, [1.0], 1.0
    for k in range(1, n_terms):
        a *= (mu - (2 * k - 1) ** 2) / (k * 8.0)
        out.append(a)
    return out


def _i_asymptotic_scaled(nu, x):
    """``exp(-x) I_nu(x)`` for large positive x."""
    total = np.zeros_like(x)
    for k, a in enumerate(_hankel_terms(nu)):
        total += (-1) ** k * a / x**k
    return total / np.sqrt(2 * np.pi * x)


def _k_asymptotic_scaled(nu, x):
    """``exp(x) K_nu(x)`` for large positive x."""
    total = np.zeros_like(x)
    for k, a in enumerate(_hankel_terms(nu)):
        total += a / x**k
    return total * np.sqrt(np.pi / (2 * x))


def _j_y_asymptotic(nu, x):
    """``(J_nu(x), Y_nu(x))`` for large positive x, from Hankel's P and Q."""
    terms = _hankel_terms(nu, 24)
    p, q = np.zeros_like(x), np.zeros_like(x)
    for k, a in enumerate(terms):
        term = a / x**k
        if k % 2 == 0:
            p += (-1) ** (k // 2) * term
        else:
            q += (-1) ** (k // 2) * term
    w = x - (0.5 * nu + 0.25) * np.pi
    scale = np.sqrt(2 / (np.pi * x))
    return scale * (p * np.cos(w) - q * np.sin(w)), scale * (p * np.sin(w) + q * np.cos(w))


# ---------------------------------------------------------------------------- I_n, K_nu
def _i_scaled(n, x):
    """``exp(-|x|) I_n(|x|)`` for n = 0, 1 (the sign of odd orders is applied by the caller)."""
    ax = np.abs(_f64(x))
    small = ax <= 30
    xs = np.where(small, ax, 0.0)[..., None]
    t = (np.arange(128) + 0.5) * (np.pi / 128)
    integral = np.mean(np.exp(xs * (np.cos(t) - 1)) * np.cos(n * t), axis=-1)
    with np.errstate(all="ignore"):
        big = _i_asymptotic_scaled(n, np.where(small, 31.0, ax))
    return np.where(small, integral, big)


def _k_scaled(nu, x):
    """``exp(x) K_nu(x)`` for x > 0 (inf at 0, NaN below)."""
    x = _f64(x)
    ok = x > 0
    mid = ok & (x <= 25)
    xs = np.where(mid, x, 1.0)[..., None]
    h = np.minimum(0.25, np.pi**2 / (xs + 45.0))
    t = np.arange(192) * h
    f = np.exp(-xs * (np.cosh(t) - 1)) * np.cosh(nu * t)
    integral = h[..., 0] * (f.sum(axis=-1) - 0.5 * f[..., 0])
    with np.errstate(all="ignore"):
        big = _k_asymptotic_scaled(nu, np.where(mid | ~ok, 26.0, x))
    out = np.where(mid, integral, big)
    out = np.where(x == 0, np.inf, out)
    return np.where((x < 0) | np.isnan(x), np.nan, np.where(x == np.inf, 0.0, out))


def i0e(x):
    return _i_scaled(0, x)


def i1e(x):
    x = _f64(x)
    tiny = np.abs(x) < 1  # the power series, where the integral loses digits
    xt = np.where(tiny, x, 0.0)
    term = xt / 2
    series = term.copy()
    for k in range(1, 12):
        term = term * (xt * xt / 4) / (k * (k + 1))
        series = series + term
    return np.where(tiny, series * np.exp(-np.abs(xt)), np.sign(x) * _i_scaled(1, x))


def i1(x):
    x = _f64(x)
    with np.errstate(over="ignore"):
        return i1e(x) * np.exp(np.abs(x))


def k0e(x):
    return _k_scaled(0, x)


def k1e(x):
    return _k_scaled(1, x)


def k0(x):
    x = _f64(x)
    with np.errstate(under="ignore"):
        return _k_scaled(0, x) * np.exp(-x)


def k1(x):
    x = _f64(x)
    with np.errstate(under="ignore"):
        return _k_scaled(1, x) * np.exp(-x)


# ---------------------------------------------------------------------------- J_n, Y_n
def _j(n, x):
    x = _f64(x)
    ax = np.abs(x)
    small = ax <= 30
    xs = np.where(small, ax, 0.0)[..., None]
    t = (np.arange(128) + 0.5) * (np.pi / 128)
    integral = np.mean(np.cos(n * t - xs * np.sin(t)), axis=-1)
    with np.errstate(all="ignore"):
        big, _ = _j_y_asymptotic(n, np.where(small, 31.0, ax))
    out = np.where(small, integral, big)
    tiny = ax < 1  # the power series, where the integral of an odd order loses digits
    xt = np.where(tiny, x, 0.0)
    term = xt / 2 if n == 1 else np.ones_like(xt)
    series = term.copy()
    for k in range(1, 12):
        term = term * (-xt * xt / 4) / (k * (k + n))
        series = series + term
    out = np.where(tiny, series, np.sign(x) * out if n == 1 else out)
    return np.where(np.isinf(x), np.nan, out)


def j0(x):
    return _j(0, x)


def j1(x):
    return _j(1, x)


def _y(n, x):
    x = _f64(x)
    mid = (x > 0) & (x <= 30)
    xs = np.where(mid, x, 1.0)[..., None]
    _GL_NODES, _GL_WEIGHTS = _gauss_legendre()
    t1 = 0.5 * np.pi * (_GL_NODES + 1)
    first = 0.5 * np.pi * (np.sin(xs * np.sin(t1) - n * t1) * _GL_WEIGHTS).sum(axis=-1)
    top = np.arcsinh((45.0 + n * 30) / xs)  # past it the integrand is below 1e-19
    t2 = 0.5 * top * (_GL_NODES + 1)
    tail = (np.exp(n * t2) + (-1) ** n * np.exp(-n * t2)) * np.exp(-xs * np.sinh(t2))
    second = 0.5 * top[..., 0] * (tail * _GL_WEIGHTS).sum(axis=-1)
    with np.errstate(all="ignore"):
        _, big = _j_y_asymptotic(n, np.where(mid | (x <= 0), 31.0, x))
    out = np.where(mid, (first - second) / np.pi, big)
    out = np.where(x == 0, -np.inf, out)
    return np.where((x < 0) | np.isnan(x) | np.isinf(x), np.nan, out)


def y0(x):
    return _y(0, x)


def y1(x):
    return _y(1, x)


# ---------------------------------------------------------------------------- erfcx
def erfcx(x):
    x = _f64(x)
    low = x < 5
    xl = np.where(low, x, 0.0)
    with np.errstate(over="ignore"):
        near = np.exp(xl * xl) * np.asarray(_erfc(xl), dtype=np.float64)
    xh = np.where(low, 5.0, x)
    frac = xh.copy()
    for k in range(60, 0, -1):  # x + (1/2) / (x + (2/2) / (x + (3/2) / ...))
        frac = xh + (k / 2) / frac
    far = np.where(np.isinf(xh), 0.0, 1 / (np.sqrt(np.pi) * frac))
    return np.where(low, near, far)


# ---------------------------------------------------------------------------- incomplete gamma
def _gammainc_pair(a, x):
    """``(P(a, x), Q(a, x))``, the regularized lower and upper incomplete gamma functions."""
    a, x = np.broadcast_arrays(_f64(a), _f64(x))
    bad = (a < 0) | (x < 0) | np.isnan(a) | np.isnan(x)
    series = x < a + 1
    aa = np.where(bad | (a == 0), 1.0, a)
    xx = np.where(bad, 1.0, x)
    with np.errstate(all="ignore"):
        log_front = (
            aa * np.log(xx)
            - xx
            - np.asarray(np.frompyfunc(math.lgamma, 1, 1)(aa), dtype=np.float64)
        )
        # series: P = e^{-x} x^a / Gamma(a + 1) * sum_k x^k / ((a + 1) ... (a + k))
        term = np.ones_like(aa) / aa
        total = term.copy()
        for k in range(1, 400):
            term = term * xx / (aa + k)
            total = total + term
        p_series = np.exp(log_front) * total
        # continued fraction for Q, evaluated from the tail
        frac = np.zeros_like(aa)
        for k in range(300, 0, -1):
            frac = k * (k - aa) / (xx + 2 * k + 1 - aa - frac)
        q_frac = np.exp(log_front) / (xx + 1 - aa - frac)
    p = np.where(series, p_series, 1 - q_frac)
    q = np.where(series, 1 - p_series, q_frac)
    p = np.where(x == 0, 0.0, p)
    q = np.where(x == 0, 1.0, q)
    p = np.where((a == 0) & (x > 0), 1.0, np.where(np.isinf(x) & ~bad, 1.0, p))
    q = np.where((a == 0) & (x > 0), 0.0, np.where(np.isinf(x) & ~bad, 0.0, q))
    both_zero = (a == 0) & (x == 0)
    p = np.where(bad | both_zero, np.nan, p)
    q = np.where(bad | both_zero, np.nan, q)
    return p, q


def gammainc(a, x):
    return _gammainc_pair(a, x)[0]


def gammaincc(a, x):
    return _gammainc_pair(a, x)[1]


# ---------------------------------------------------------------------------- Hurwitz zeta
# B_2k / (2k)!, k = 1..12
_B2K = [
    1 / 12,
    -1 / 720,
    1 / 30240,
    -1 / 1209600,
    1 / 47900160,
    -691 / 1307674368000,
    1 / 74724249600,
    -3617 / 10670622842880000,
    43867 / 5109094217170944000,
    -174611 / 802857662698291200000,
    77683 / 14101100039391805440000,
    -236364091 / 1693824136731743669452800000,
]


def zeta(s, q):
    s, q = np.broadcast_arrays(_f64(s), _f64(q))
    n = 12
    shift = np.ceil(np.maximum(0.0, -q))  # negative q: sum the first terms directly
    total = np.zeros_like(s)
    with np.errstate(all="ignore"):
        for k in range(int(shift.max(initial=0.0)) + n if np.isfinite(shift).all() else n):
            total += np.where(k < shift + n, (q + k) ** -s, 0.0)
        big = q + shift + n
        total += big ** (1 - s) / (s - 1) + 0.5 * big**-s
        rise = s * big ** (-s - 1)
        for j, b in enumerate(_B2K):
            total += b * rise
            rise = rise * (s + 2 * j + 1) * (s + 2 * j + 2) / (big * big)
    total = np.where(s == 1, np.inf, total)
    int_q = (q <= 0) & (q == np.floor(q))
    total = np.where(int_q, np.inf, total)
    total = np.where((q < 0) & ~int_q & (s != np.floor(s)), np.nan, total)
    return np.where(s < 1, np.nan, total)


# ---------------------------------------------------------------------------- Airy Ai
def _airy_series(x):
    """Maclaurin series of Ai (accurate where x <= 0 is moderate)."""
    c1, c2 = 0.355028053887817239, 0.258819403792806798
    f, g = np.ones_like(x), x.copy()
    tf, tg = np.ones_like(x), x.copy()
    x3 = x**3
    for k in range(1, 60):
        tf = tf * x3 / ((3 * k - 1) * (3 * k))
        tg = tg * x3 / ((3 * k) * (3 * k + 1))
        f, g = f + tf, g + tg
    return c1 * f - c2 * g


def _airy_negative_asymptotic(x):
    z = -x
    zeta_ = 2 / 3 * z**1.5
    u, coef = [1.0], 1.0
    for k in range(1, 16):  # u_k = (6k-5)(6k-3)(6k-1) / ((2k-1) 216 k) u_{k-1}
        coef *= (6 * k - 5) * (6 * k - 3) * (6 * k - 1) / ((2 * k - 1) * 216 * k)
        u.append(coef)
    p, q = np.zeros_like(z), np.zeros_like(z)
    for k, uk in enumerate(u):
        term = uk / zeta_**k
        if k % 2 == 0:
            p += (-1) ** (k // 2) * term
        else:
            q += (-1) ** (k // 2) * term
    w = zeta_ + np.pi / 4
    return (np.sin(w) * p - np.cos(w) * q) / (np.sqrt(np.pi) * z**0.25)


def airy_ai(x):
    x = _f64(x)
    pos = x > 1
    xp_ = np.where(pos, x, 2.0)
    zeta_ = 2 / 3 * xp_**1.5
    with np.errstate(all="ignore"):
        right = np.sqrt(xp_ / 3) / np.pi * _k_scaled(1 / 3, zeta_) * np.exp(-zeta_)
        middle = _airy_series(np.where(pos | (x < -7), -1.0, x))
        left = _airy_negative_asymptotic(np.where(x < -7, x, -8.0))
    out = np.where(pos, right, np.where(x < -7, left, middle))
    return np.where(np.isnan(x) | np.isinf(x), np.nan, out)


# ---------------------------------------------------------------------------- the namespace
_FALLBACK = {
    "i0": np.i0,
    "i0e": i0e,
    "i1": i1,
    "i1e": i1e,
    "k0": k0,
    "k0e": k0e,
    "k1": k1,
    "k1e": k1e,
    "j0": j0,
    "j1": j1,
    "y0": y0,
    "y1": y1,
    "erfcx": erfcx,
    "gammainc": gammainc,
    "gammaincc": gammaincc,
    "zeta": zeta,
    "airy_ai": airy_ai,
}


def _scipy(name):
    if name == "airy_ai":
        return lambda x: scipy_special().airy(x)[0]
    return getattr(scipy_special(), name)


def _typed_fn(name, fallback):
    def fn(*arrays):
        impl = _scipy(name) if scipy_special() is not None else fallback
        return np.asarray(impl(*arrays)).astype(arrays[-1].dtype, copy=False)

    fn.__name__ = name
    return staticmethod(fn)


class ExtraSpecial:
    """The functions above under the backend's special-function names, keeping the dtype of the
    last argument (``gammainc(a, x)`` and ``zeta(s, q)`` receive arrays of one dtype)."""

    for _name, _fallback in _FALLBACK.items():
        locals()[_name] = _typed_fn(_name, _fallback)
    del _name, _fallback


FALLBACKS = dict(_FALLBACK)
"""The NumPy fallbacks by name (tests compare them with SciPy)."""
