"""Gamma sampling primitives: ``_standard_gamma`` and the derivative of its samples.

``_standard_gamma(alpha)`` draws ``X ~ Gamma(alpha, 1)`` from the (default or given) generator.
It is differentiable by implicit reparameterisation: with the sample's CDF value ``u = P(alpha,
X)`` held fixed, ``dX/dalpha = -(dP/dalpha) / p(X)``, where ``P`` is the regularised lower
incomplete gamma function and ``p`` the density. ``_standard_gamma_grad(alpha, x)`` evaluates
that derivative; it is what the vjp of ``_standard_gamma`` multiplies the incoming gradient by.

NOTE [ The derivative of a gamma sample ]
Write ``P(a, x) = e^-x x^a S(a, x) / Gamma(a)`` (series, for ``x < a + 1``) or
``Q = 1 - P = e^-x x^a h(a, x) / Gamma(a)`` (Legendre's continued fraction ``h``, for
``x >= a + 1``). Differentiating in ``a`` and dividing by ``p(x) = x^(a-1) e^-x / Gamma(a)``:

    dX/da = -x (S (log x - psi(a)) + dS/da)      (series)
    dX/da =  x (h (log x - psi(a)) + dh/da)      (continued fraction)

``S = sum_n c_n`` with ``c_0 = 1/a``, ``c_n = c_(n-1) x / (a + n)``; we carry ``dS/da`` beside
``S`` (a forward-mode derivative of the recurrence), rewritten with ``psi(a + 1) = psi(a) +
1/a`` so that the two large terms ``S/a`` and ``dS/da`` cancel inside the sum and not after it.
The continued fraction is evaluated with the modified Lentz method, again carrying the
derivative of every quantity. Both are accurate to a few float64 ulps (checked against mpmath in
the tests); each needs about ``8 sqrt(a)`` terms near the mode, so above ``a = 1e5`` the
Wilson-Hilferty approximation (exact to about ``a**-1.5``) takes over:
``w = (x/a)^(1/3)``, ``dX/da = 1.5 w^2 - 0.5 w^3 + w^2 / (6a)``.
"""

from __future__ import annotations

from ..._backend import backend_of, device_of, special_of
from ..._random import generator_of
from ..._sampling import standard_gamma
from .._registry import defop

_LARGE_ALPHA = 1e5
_MAX_TERMS = 4000  # enough for alpha <= 1e5 to float64 precision


# ---------------------------------------------------------------------------- sampling


@defop("_standard_gamma")
def _standard_gamma(xp, alpha, generator=None):
    # torch's CPU sampler (Marsaglia and Tsang, element by element) on the host, from the
    # generator's stream; as in torch, a sample that underflows (or has no valid concentration)
    # is the smallest normal number of the dtype, never 0
    backend = backend_of(alpha)
    host = backend.to_host(alpha)
    with generator_of(generator) as eng:
        sample = standard_gamma(eng, host, host.dtype).reshape(host.shape)
    return backend.from_host(sample, device_of(alpha))


@_standard_gamma.vjp(save_inputs=True, save_output=True)
def _standard_gamma_backward(ctx, g):
    from ..gamma_sample import _standard_gamma_grad

    (alpha,) = ctx.inputs
    return g * _standard_gamma_grad(alpha, ctx.output)


# ---------------------------------------------------------------------------- dX/dalpha


def _series(xp, a, x, psi_a1):
    """``dX/da`` from the series of ``P`` (for ``x < a + 1``)."""
    c = 1.0 / a
    s = c.copy()
    ds = xp.zeros_like(a)  # d = c_n / a + dc_n / da, which starts at 0
    sum_d = xp.zeros_like(a)
    live = xp.ones(a.shape, dtype=bool)
    n = 0
    while live.any() and n < _MAX_TERMS:
        n += 1
        r = x / (a + n)
        ds = r * (ds - c / (a + n))
        c = c * r
        s = s + xp.where(live, c, 0.0)
        sum_d = sum_d + xp.where(live, ds, 0.0)
        live &= (c > 1e-17 * s) | (xp.abs(ds) > 1e-17 * xp.abs(sum_d))
    out = -x * (s * (xp.log(xp.where(x > 0, x, 1.0)) - psi_a1) + sum_d)
    return xp.where(x > 0, out, 0.0)  # the limit at x = 0


def _continued_fraction(xp, a, x, psi_a):
    """``dX/da`` from Legendre's continued fraction of ``Q`` (for ``x >= a + 1``)."""
    f = x + 1.0 - a
    df = -xp.ones_like(a)
    cc, dcc = f.copy(), df.copy()
    dd, ddd = xp.zeros_like(a), xp.zeros_like(a)
    live = xp.ones(a.shape, dtype=bool)
    n = 0
    while live.any() and n < _MAX_TERMS:
        n += 1
        b = x + (2 * n + 1) - a  # db/da = -1
        an = -n * (n - a)  # dan/da = n
        t = b + an * dd
        dt = -1.0 + n * dd + an * ddd
        dd, ddd = 1.0 / t, -dt / (t * t)
        dcc = -1.0 + n / cc - an * dcc / (cc * cc)
        cc = b + an / cc
        delta, ddelta = cc * dd, dcc * dd + cc * ddd
        df = xp.where(live, df * delta + f * ddelta, df)
        f = xp.where(live, f * delta, f)
        live &= (xp.abs(delta - 1.0) > 1e-16) | (xp.abs(ddelta) > 1e-16 * xp.abs(df / f))
    h, dh = 1.0 / f, -df / (f * f)
    return x * (h * (xp.log(x) - psi_a) + dh)


def _wilson_hilferty(xp, a, x):
    w = xp.cbrt(x / a)
    return 1.5 * w * w - 0.5 * w**3 + w * w / (6.0 * a)


def gamma_sample_grad(xp, alpha, x):
    """``dX/dalpha`` of a Gamma(alpha, 1) sample ``x`` (float64 arrays of one shape)."""
    digamma = special_of(xp).digamma
    out = xp.full(alpha.shape, xp.nan)  # where alpha <= 0, x < 0, or either is not finite
    valid = (alpha > 0) & (x >= 0) & xp.isfinite(alpha) & xp.isfinite(x)
    large = valid & (alpha >= _LARGE_ALPHA)
    lower = valid & ~large & (x < alpha + 1.0)
    upper = valid & ~large & ~lower
    if lower.any():
        a, v = alpha[lower], x[lower]
        out[lower] = _series(xp, a, v, digamma(a + 1.0))
    if upper.any():
        a, v = alpha[upper], x[upper]
        out[upper] = _continued_fraction(xp, a, v, digamma(a))
    if large.any():
        out[large] = _wilson_hilferty(xp, alpha[large], x[large])
    return out


@defop("_standard_gamma_grad")
def _standard_gamma_grad(xp, alpha, x):
    a, v = xp.broadcast_arrays(alpha.astype(xp.float64), x.astype(xp.float64))
    out = gamma_sample_grad(xp, a.reshape(-1), v.reshape(-1))
    return out.reshape(a.shape).astype(alpha.dtype)
