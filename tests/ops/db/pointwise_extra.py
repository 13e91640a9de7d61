"""OpInfo entries: ``logaddexp``/``logaddexp2``, ``copysign``, ``frexp``, ``ldexp``,
``deg2rad``/``rad2deg``, ``dist``, ``renorm`` (with gradients) and ``gcd``, ``lcm``,
``heaviside``, ``nextafter``, ``isin`` (values only: PyTorch does not differentiate them)."""

from __future__ import annotations

import numpy as np

from ..op_db import (
    OpInfo,
    Sample,
    arr,
    binary_samples,
    iarr,
    register,
    small_gradcheck,
    unary_samples,
)
from . import isolated


def _values_only(name, fn, samples, **kw):
    return OpInfo(name, fn, samples, grad=False, gradcheck=False, gradgrad=False, **kw)


def _ints():
    return [
        Sample((iarr(3, 4, low=-20, high=20), iarr(3, 4, low=-20, high=20)), name="3x4"),
        Sample((iarr(3, 1, low=0, high=30), iarr(4, low=1, high=30)), name="bcast"),
        Sample(
            (iarr(5, low=-9, high=9, dtype=np.int32), iarr(5, low=-9, high=9, dtype=np.int32)),
            name="int32",
        ),
    ]


def _with_zeros():
    x = arr(3, 4)
    x[0, :2] = 0.0
    return [Sample((x, arr(3, 4)), name="zeros"), Sample((x, arr(4)), name="bcast")]


register(
    *isolated(
        OpInfo("logaddexp", lambda m, a, b: m.logaddexp(a, b), binary_samples(-5.0, 5.0)),
        OpInfo("logaddexp2", lambda m, a, b: a.logaddexp2(b), binary_samples(-5.0, 5.0)),
        OpInfo(
            "logaddexp_extremes",
            lambda m, a, b: m.logaddexp(a * 200, b * 200),
            binary_samples(),
            gradcheck=False,
            gradgrad=False,
        ),
        OpInfo("copysign", lambda m, a, b: m.copysign(a, b), binary_samples()),
        OpInfo(
            "copysign_scalar_inplace",
            lambda m, a: [m.copysign(a, -1.5), a.clone().copysign_(2.0)],
            unary_samples(),
        ),
        OpInfo(
            "copysign_ints",
            lambda m, a, b: m.copysign(a, b),
            lambda: _ints()[:1],
            grad=False,
            gradcheck=False,
            gradgrad=False,
        ),
        OpInfo("frexp", lambda m, x: m.frexp(x * 100), unary_samples()),
        # torch's gradient of ldexp is 0 for negative integer exponents (its backward formula
        # takes 2 ** e in integer arithmetic), so gradients are compared for e >= 0 only
        OpInfo(
            "ldexp",
            lambda m, x, e: m.ldexp(x, e),
            lambda: [Sample((arr(3, 4), iarr(3, 4, low=0, high=5)), name="3x4")],
            gradcheck_samples=lambda: [
                Sample((arr(2, 3, dtype=np.float64), iarr(2, 3, low=-3, high=3)), name="small")
            ],
        ),
        _values_only(
            "ldexp_negative_exponents",
            lambda m, x, e: m.ldexp(x, e),
            lambda: [Sample((arr(3, 4), iarr(3, 4, low=-6, high=6)), name="3x4")],
        ),
        OpInfo("ldexp_float_exponent", lambda m, x, e: x.ldexp(e), binary_samples()),
        OpInfo("deg2rad", lambda m, x: m.deg2rad(x * 90), unary_samples()),
        OpInfo("rad2deg", lambda m, x: x.rad2deg() + x.clone().deg2rad_(), unary_samples()),
        _values_only(
            "deg2rad_int", lambda m, x, y: [m.deg2rad(x), m.rad2deg(y)], lambda: _ints()[:1]
        ),
        OpInfo(
            "dist",
            lambda m, a, b: [
                m.dist(a, b),
                a.dist(b, 1),
                m.dist(a, b, float("inf")),
                m.dist(a, b, 3),
            ],
            lambda: [s for s in binary_samples()() if "0," not in s.name],  # inf norm of empty
            gradcheck_samples=small_gradcheck((2, 3), (3,)),
            rtol=1e-4,
        ),
        OpInfo(
            "renorm",
            lambda m, x: [m.renorm(x, 2, 0, 1.0), x.renorm(1, 1, 2.0), m.renorm(x, 3, -1, 0.5)],
            lambda: [Sample((arr(3, 4),), name="3x4"), Sample((arr(2, 3, 2),), name="2x3x2")],
            gradcheck_samples=small_gradcheck((3, 4)),
            rtol=1e-4,
        ),
        _values_only("gcd", lambda m, a, b: [m.gcd(a, b), a.lcm(b)], _ints),
        _values_only(
            "heaviside",
            lambda m, x, v: [m.heaviside(x, v), x.heaviside(v * 0 + 0.5)],
            _with_zeros,
        ),
        _values_only("nextafter", lambda m, a, b: m.nextafter(a, b), binary_samples()),
        _values_only(
            "isin",
            lambda m, a, b: [
                m.isin(a, b),
                m.isin(a, b, invert=True),
                m.isin(a, 3),
                m.isin(2, b),
                m.isin(a.double(), b),
            ],
            lambda: [
                Sample((iarr(4, 5, low=0, high=6), iarr(3, low=0, high=6)), name="ints"),
                Sample((iarr(2, low=0, high=6), iarr(2, 3, low=0, high=6)), name="2d_test"),
            ],
        ),
    )
)
