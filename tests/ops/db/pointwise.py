"""OpInfo entries: pointwise (elementwise) arithmetic, math and comparison ops."""

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
from . import seeded

U = unary_samples


def _unary(name, low=-2.0, high=2.0, gradgrad=True, grad=True, **kw):
    return OpInfo(
        name,
        lambda m, x, _n=name: getattr(m, _n)(x),
        U(low, high),
        grad=grad,
        gradcheck=grad,
        gradgrad=gradgrad,
        **kw,
    )


def _method(name, low=-2.0, high=2.0, **kw):
    return OpInfo(f"Tensor.{name}", lambda m, x, _n=name: getattr(x, _n)(), U(low, high), **kw)


register(
    _unary("neg"),
    _unary("abs", low=0.1),
    _unary("sign", gradgrad=False),
    _unary("reciprocal", low=0.5),
    _unary("sqrt", low=0.5),
    _unary("rsqrt", low=0.5),
    _unary("square"),
    _unary("exp"),
    _unary("exp2"),
    _unary("expm1"),
    _unary("log", low=0.5),
    _unary("log2", low=0.5),
    _unary("log10", low=0.5),
    _unary("log1p", low=-0.5),
    _unary("sin"),
    _unary("cos"),
    _unary("tan", low=-1, high=1),
    _unary("asin", low=-0.9, high=0.9),
    _unary("acos", low=-0.9, high=0.9),
    _unary("atan"),
    _unary("sinh"),
    _unary("cosh"),
    _unary("tanh"),
    _unary("asinh"),
    _unary("acosh", low=1.2, high=3),
    _unary("atanh", low=-0.9, high=0.9),
    _unary("sigmoid"),
    _unary("erf"),
    _unary("erfc"),
    _unary("erfinv", low=-0.9, high=0.9, rtol=1e-4),
    _unary("lgamma", low=0.5, high=3, rtol=1e-4),
    _unary("digamma", low=0.5, high=3, rtol=1e-4),
    # piecewise constant: a zero gradient (as torch's), with no second derivative to check
    _unary("floor", gradgrad=False, gradcheck_samples=seeded("floor", small_gradcheck((3, 4)))),
    _unary("ceil", gradgrad=False, gradcheck_samples=seeded("ceil", small_gradcheck((3, 4)))),
    _unary("trunc", gradgrad=False, gradcheck_samples=seeded("trunc", small_gradcheck((3, 4)))),
    _unary("frac", low=0.1, high=0.9),
    _unary("round", gradgrad=False, gradcheck_samples=seeded("round", small_gradcheck((3, 4)))),
    _method("exp"),
    _method("sigmoid"),
    _method("tanh"),
    OpInfo("logit", lambda m, x: m.logit(x), U(0.1, 0.9)),
    OpInfo("logit_eps", lambda m, x: m.logit(x, eps=0.2), U(0.05, 0.95), gradgrad=False),
    OpInfo("round_decimals", lambda m, x: m.round(x, decimals=2), U(), grad=False, gradcheck=False),
    OpInfo(
        "nan_to_num", lambda m, x: m.nan_to_num(x / (x > 0)), U(), gradgrad=False, gradcheck=False
    ),
    OpInfo("add", lambda m, x, y: m.add(x, y), binary_samples()),
    OpInfo("add_alpha", lambda m, x, y: m.add(x, y, alpha=2.5), binary_samples()),
    OpInfo("sub", lambda m, x, y: x - y, binary_samples()),
    OpInfo("sub_alpha", lambda m, x, y: m.sub(x, y, alpha=-1.5), binary_samples()),
    OpInfo("mul", lambda m, x, y: x * y, binary_samples()),
    OpInfo("div", lambda m, x, y: x / y, binary_samples(low2=0.5, high2=2.0)),
    OpInfo(
        "div_floor",
        lambda m, x, y: m.div(x, y, rounding_mode="floor"),
        binary_samples(low2=0.5),
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "div_trunc",
        lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
        binary_samples(low2=0.5),
        grad=False,
        gradcheck=False,
    ),
    OpInfo("pow", lambda m, x, y: x**y, binary_samples(low=0.5, high=2.0)),
    OpInfo("pow_scalar", lambda m, x: x**3, U()),
    OpInfo("pow_scalar_float", lambda m, x: x**2.5, U(0.5, 2)),
    OpInfo("rpow", lambda m, x: 2.0**x, U()),
    OpInfo(
        "remainder", lambda m, x, y: m.remainder(x, y), binary_samples(low2=0.5), gradgrad=False
    ),
    OpInfo("fmod", lambda m, x, y: m.fmod(x, y), binary_samples(low2=0.5), gradgrad=False),
    OpInfo("atan2", lambda m, x, y: m.atan2(x, y), binary_samples(low2=0.5)),
    OpInfo("hypot", lambda m, x, y: m.hypot(x, y), binary_samples(low=0.5)),
    OpInfo("maximum", lambda m, x, y: m.maximum(x, y), binary_samples(), gradgrad=False),
    OpInfo("minimum", lambda m, x, y: m.minimum(x, y), binary_samples(), gradgrad=False),
    OpInfo("fmax", lambda m, x, y: m.fmax(x, y), binary_samples(), gradgrad=False),
    OpInfo("fmin", lambda m, x, y: m.fmin(x, y), binary_samples(), gradgrad=False),
    OpInfo("maximum_tie", lambda m, x: m.maximum(x, x * 1), U(), gradcheck=False),
    OpInfo("where", lambda m, x, y: m.where(x > 0, x, y), binary_samples(), gradgrad=False),
    OpInfo("where_scalar", lambda m, x: m.where(x > 0, x, 0.0), U(), gradgrad=False),
    OpInfo("lerp", lambda m, x, y: m.lerp(x, y, 0.3), binary_samples()),
    OpInfo("lerp_tensor", lambda m, x, y: m.lerp(x, y, y.sigmoid()), binary_samples()),
    OpInfo("addcmul", lambda m, x, y: m.addcmul(x, y, y, value=0.5), binary_samples()),
    OpInfo("addcdiv", lambda m, x, y: m.addcdiv(x, x, y, value=2), binary_samples(low2=0.5)),
    OpInfo("clamp", lambda m, x: m.clamp(x, -0.5, 0.7), U(), gradgrad=False),
    OpInfo("clamp_min", lambda m, x: m.clamp(x, min=0.1), U(), gradgrad=False),
    OpInfo("clamp_max", lambda m, x: x.clip(max=0.1), U(), gradgrad=False),
    OpInfo(
        "clamp_tensor",
        lambda m, x, y: m.clamp(x, min=y, max=y + 1),
        binary_samples(),
        gradgrad=False,
    ),
    OpInfo("x_used_twice", lambda m, x: x * x + x.exp() * x, U()),
    OpInfo(
        "int_plus_float_scalar",
        lambda m, x: x + 1.5,
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "int_true_div",
        lambda m, x, y: x / y,
        lambda: [Sample((iarr(3, 4), iarr(4, low=1, high=5)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "int_floordiv",
        lambda m, x, y: x // y,
        lambda: [Sample((iarr(3, 4), iarr(4, low=1, high=5)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "int_remainder",
        lambda m, x, y: x % y,
        lambda: [Sample((iarr(3, 4), iarr(4, low=1, high=5)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "int_fmod",
        lambda m, x, y: m.fmod(x, y),
        lambda: [Sample((iarr(3, 4), iarr(4, low=-5, high=-1)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "float64_plus_float32_0d",
        lambda m, x, y: x + y,
        lambda: [Sample((arr(3), arr(dtype=np.float64)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "int32_times_int64",
        lambda m, x, y: x * y,
        lambda: [Sample((iarr(3, dtype=np.int32), iarr(3)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "uint8_plus_int8",
        lambda m, x, y: x + y,
        lambda: [Sample((iarr(3, low=0, dtype=np.uint8), iarr(3, dtype=np.int8)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo("bool_plus_int_scalar", lambda m, x: (x > 0) + 3, U(), grad=False, gradcheck=False),
    OpInfo(
        "int_exp", lambda m, x: m.exp(x), lambda: [Sample((iarr(4),))], grad=False, gradcheck=False
    ),
)

_CMP = ["eq", "ne", "lt", "le", "gt", "ge"]
register(
    *[
        OpInfo(
            c,
            lambda m, x, y, _c=c: getattr(m, _c)(x, y),
            lambda: [
                Sample(
                    (
                        iarr(3, 4, low=-2, high=2).astype(np.float32),
                        iarr(4, low=-2, high=2).astype(np.float32),
                    )
                )
            ],
            grad=False,
            gradcheck=False,
        )
        for c in _CMP
    ]
)
register(
    *[
        OpInfo(
            f"logical_{c}",
            lambda m, x, y, _c=c: getattr(m, f"logical_{_c}")(x, y),
            lambda: [Sample((iarr(3, 4, low=-1, high=2), iarr(4, low=-1, high=2)))],
            grad=False,
            gradcheck=False,
        )
        for c in ("and", "or", "xor")
    ]
)
register(
    OpInfo(
        "logical_not",
        lambda m, x: m.logical_not(x),
        lambda: [Sample((iarr(5),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "bitwise",
        lambda m, x, y: ((x & y) | (x ^ y), ~x, x << 1, x >> 1),
        lambda: [Sample((iarr(3, 4, low=0, high=50), iarr(4, low=0, high=50)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "isnan_isinf_isfinite",
        lambda m, x: (m.isnan(x / x), m.isinf(1 / x), m.isfinite(1 / x)),
        lambda: [Sample((np.array([0.0, 1.0, -2.0], dtype=np.float32),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "isclose",
        lambda m, x, y: m.isclose(x, x + y * 1e-6),
        binary_samples(),
        grad=False,
        gradcheck=False,
    ),
)
