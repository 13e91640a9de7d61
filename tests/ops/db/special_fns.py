"""OpInfo entries: Bessel, Airy, zeta, incomplete gamma, erfcx and the orthogonal polynomials
(``torch.i0``/``igamma``/``igammac`` and ``torch.special``).

Only the functions PyTorch differentiates compare gradients (``i0``, ``i0e``, ``i1``, ``i1e``,
``erfcx``, ``igamma``/``igammac`` in their second argument, ``zeta`` in ``q``); the first
argument of those three is an integer array (plus 0.5), since PyTorch raises on its derivative
(``tests/ops/test_special_fns.py`` checks that error). The rest have no gradient in PyTorch
either, and are compared by value only.
"""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated

F64 = np.float64

SHAPES = [(), (0,), (7,), (3, 4)]


def _unary(low, high):
    def gen():
        out = [Sample((arr(*s, low=low, high=high),), name=str(s)) for s in SHAPES]
        out.append(Sample((arr(4, 3, low=low, high=high, dtype=np.float64),), name="float64"))
        return out

    return gen


def _small(low, high):
    return lambda: [Sample((arr(2, 3, low=low, high=high, dtype=np.float64),), name="small")]


def _orders(*shape, low, high):
    """Integer arrays for a first argument that must not require grad (PyTorch has no
    derivative for it); the lambdas add 0.5 so the orders are not all integers."""
    return np.random.default_rng(sum(shape) + low).integers(low, high, size=shape)


def _pair(low_a, high_a, low_b, high_b):
    def gen():
        return [
            Sample((_orders(*a, low=low_a, high=high_a), arr(*b, low=low_b, high=high_b)), name=n)
            for a, b, n in [((3, 4), (3, 4), "3x4"), ((3, 1), (1, 4), "bcast"), ((), (5,), "0d")]
        ] + [
            Sample(
                (_orders(3, low=low_a, high=high_a), arr(3, low=low_b, high=high_b, dtype=F64)),
                name="float64",
            )
        ]

    return gen


def _pair_small(low_a, high_a, low_b, high_b):
    return lambda: [
        Sample(
            (_orders(2, 3, low=low_a, high=high_a), arr(2, 3, low=low_b, high=high_b, dtype=F64)),
            name="small",
        )
    ]


def _graded(name, fn, low, high, **kw):
    return OpInfo(name, fn, _unary(low, high), gradcheck_samples=_small(low, high), **kw)


def _value_only(name, fn, low, high, **kw):
    return OpInfo(name, fn, _unary(low, high), grad=False, gradcheck=False, gradgrad=False, **kw)


def _sp(name):
    return lambda m, x: getattr(m.special, name)(x)


def _degrees():
    """x in [-1.5, 1.5] against degrees 0..9 (and one negative) given as a tensor."""
    return [
        Sample((arr(3, 4, low=-1.5, high=1.5), np.arange(-1, 11).reshape(3, 4)), name="tensor_n"),
        Sample((arr(10, low=-1.5, high=1.5, dtype=np.float64), np.arange(10)), name="float64"),
    ]


def _polynomial(name):
    return [
        OpInfo(
            f"special_{name}",
            lambda m, x, n: getattr(m.special, name)(x, n),
            _degrees,
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
            atol=1e-4,
        ),
        OpInfo(
            f"special_{name}_scalar_n",
            lambda m, x: getattr(m.special, name)(x, 4),
            _unary(-1.5, 1.5),
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
            atol=1e-4,
        ),
    ]


_POLYNOMIALS = """chebyshev_polynomial_t chebyshev_polynomial_u chebyshev_polynomial_v
chebyshev_polynomial_w shifted_chebyshev_polynomial_t shifted_chebyshev_polynomial_u
shifted_chebyshev_polynomial_v shifted_chebyshev_polynomial_w hermite_polynomial_h
hermite_polynomial_he laguerre_polynomial_l legendre_polynomial_p"""
POLYNOMIALS = _POLYNOMIALS.split()

register(
    *isolated(
        _graded("i0", lambda m, x: m.i0(x), -4.0, 4.0),
        _graded("i0_method", lambda m, x: x.i0() + x.clone().i0_(), -3.0, 3.0),
        _graded("special_i0e", _sp("i0e"), -4.0, 4.0),
        _graded("special_i1", _sp("i1"), -4.0, 4.0),
        _graded("special_i1e", _sp("i1e"), -4.0, 4.0),
        _graded("special_erfcx", _sp("erfcx"), -2.0, 6.0),
        OpInfo(
            "igamma",
            lambda m, a, x: m.igamma(a + 0.5, x),
            _pair(0, 4, 0.1, 5.0),
            gradcheck_samples=_pair_small(0, 4, 0.2, 5.0),
            rtol=1e-4,
        ),
        OpInfo(
            "igammac",
            lambda m, a, x: (a + 0.5).to(x.dtype).igammac(x),
            _pair(0, 4, 0.1, 5.0),
            gradcheck_samples=_pair_small(0, 4, 0.2, 5.0),
            rtol=1e-4,
        ),
        OpInfo(
            "special_gammainc",
            lambda m, a, x: m.special.gammainc(a, x) * m.special.gammaincc(a + 1.5, x),
            _pair(0, 4, 0.1, 5.0),
            gradcheck_samples=_pair_small(0, 4, 0.2, 5.0),
            rtol=1e-4,
        ),
        OpInfo(
            "special_zeta",
            lambda m, s, q: m.special.zeta(s + 1.5, q),
            _pair(0, 3, 0.5, 3.0),
            gradcheck_samples=_pair_small(0, 3, 0.5, 3.0),
            rtol=1e-4,
        ),
        OpInfo(
            "special_zeta_scalar",
            lambda m, q: m.special.zeta(2.5, q) + m.special.zeta(3, q + 1.0),
            _unary(0.5, 3.0),
            gradcheck_samples=_small(0.5, 3.0),
        ),
        _value_only("special_bessel_j0", _sp("bessel_j0"), -10.0, 10.0),
        _value_only("special_bessel_j1", _sp("bessel_j1"), -10.0, 10.0),
        _value_only("special_bessel_y0", _sp("bessel_y0"), 0.1, 10.0),
        _value_only("special_bessel_y1", _sp("bessel_y1"), 0.1, 10.0, rtol=1e-4),
        _value_only("special_modified_bessel_i0", _sp("modified_bessel_i0"), -5.0, 5.0),
        _value_only("special_modified_bessel_i1", _sp("modified_bessel_i1"), -5.0, 5.0),
        _value_only("special_modified_bessel_k0", _sp("modified_bessel_k0"), 0.05, 8.0),
        _value_only("special_modified_bessel_k1", _sp("modified_bessel_k1"), 0.05, 8.0),
        _value_only("special_scaled_k0", _sp("scaled_modified_bessel_k0"), 0.05, 30.0),
        _value_only("special_scaled_k1", _sp("scaled_modified_bessel_k1"), 0.05, 30.0),
        _value_only("special_spherical_bessel_j0", _sp("spherical_bessel_j0"), -10.0, 10.0),
        _value_only("special_airy_ai", _sp("airy_ai"), -8.0, 4.0, rtol=1e-4, atol=1e-5),
        *[info for name in POLYNOMIALS for info in _polynomial(name)],
    )
)
