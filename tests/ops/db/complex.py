"""OpInfo entries: complex numbers (``complex``, ``polar``, ``view_as_real``/``view_as_complex``,
``real``/``imag``, ``angle``, ``sgn``, ``conj_physical``) and the complex paths of elementwise
ops and products.

The op database feeds real arrays and compares real outputs, so each entry builds its complex
tensors from real inputs (``complex(a, b)``) and hands back real ones (``view_as_real``, ``abs``,
``angle``): the gradients that reach the real inputs pass through the complex backward formulas
(the conjugates of NOTE [ Complex gradients ] in ``ember/ops/prims/complex.py``), compared with
torch's and checked by finite differences. Complex inputs themselves are tested in
``tests/ops/test_complex.py``.
"""

from __future__ import annotations

from ..op_db import OpInfo, Sample, arr, register
from . import isolated

SHAPES = [((3,), (3,)), ((2, 3), (2, 3)), ((2, 1), (1, 3))]


def _pairs(low=-2.0, high=2.0):
    def gen():
        return [
            Sample((arr(*a, low=low, high=high), arr(*b, low=low, high=high)), name=f"{a}x{b}")
            for a, b in SHAPES
        ]

    return gen


def _z(m, a, b):
    return m.complex(a, b)


def _holomorphic(name, f, low=-2.0, high=2.0, **kw):
    """``f`` on the complex number ``a + ib``, seen as its real and imaginary parts."""
    return OpInfo(
        f"complex_{name}",
        lambda m, a, b: m.view_as_real(f(m, _z(m, a, b))),
        _pairs(low, high),
        **kw,
    )


def _last_two(*shape):
    return lambda: [Sample((arr(*shape, 2),), name=str(shape + (2,)))]


register(
    *isolated(
        OpInfo("complex", lambda m, a, b: m.view_as_real(m.complex(a, b)), _pairs()),
        OpInfo(
            "polar",
            lambda m, r, t: m.view_as_real(m.polar(r, t)),
            lambda: [Sample((arr(2, 3, low=0.5, high=2.0), arr(2, 3)), name="2x3")],
        ),
        OpInfo("view_as_complex", lambda m, x: m.view_as_complex(x).abs(), _last_two(2, 3)),
        OpInfo(
            "view_as_complex_exp",
            lambda m, x: m.view_as_real(m.view_as_complex(x).exp()),
            _last_two(4),
        ),
        OpInfo(
            "real_imag",
            lambda m, a, b: m.stack([_z(m, a, b).real, _z(m, a, b).imag ** 2]),
            _pairs(),
        ),
        OpInfo("angle_complex", lambda m, a, b: _z(m, a, b).angle(), _pairs()),
        OpInfo("abs_complex", lambda m, a, b: _z(m, a, b).abs(), _pairs()),
        OpInfo("sgn_complex", lambda m, a, b: m.view_as_real(_z(m, a, b).sgn()), _pairs()),
        OpInfo(
            "conj_physical",
            lambda m, a, b: m.view_as_real(m.conj_physical(_z(m, a, b)) * _z(m, b, a)),
            _pairs(),
        ),
        OpInfo("conj", lambda m, a, b: m.view_as_real(_z(m, a, b).conj() * _z(m, b, a)), _pairs()),
        _holomorphic("mul", lambda m, z: z * (z + 1j)),
        _holomorphic("div", lambda m, z: (z + 0.5) / (z * z + 3)),
        _holomorphic("exp", lambda m, z: z.exp()),
        _holomorphic("log", lambda m, z: z.log(), low=0.5),
        _holomorphic("sqrt", lambda m, z: z.sqrt(), low=0.5),
        _holomorphic("rsqrt", lambda m, z: z.rsqrt(), low=0.5),
        _holomorphic("reciprocal", lambda m, z: z.reciprocal(), low=0.5),
        _holomorphic("pow_scalar", lambda m, z: z**2.5, low=0.5),
        _holomorphic("pow_complex", lambda m, z: z ** (z * 0.5), low=0.5),
        _holomorphic("sin_cos", lambda m, z: z.sin() * z.cos()),
        _holomorphic("tan", lambda m, z: (z * 0.3).tan()),
        _holomorphic("sinh_cosh", lambda m, z: z.sinh() + z.cosh()),
        _holomorphic("tanh", lambda m, z: z.tanh()),
        _holomorphic("sigmoid", lambda m, z: z.sigmoid()),
        _holomorphic("expm1_log1p", lambda m, z: z.expm1() + (z * 0.2).log1p()),
        _holomorphic("lerp", lambda m, z: m.lerp(z, z * z, 0.3)),
        _holomorphic("sum_mean_prod", lambda m, z: z.sum(0) + z.mean(0) * z.prod(0)),
        OpInfo(
            "complex_matmul",
            lambda m, a, b: m.view_as_real(_z(m, a, b) @ _z(m, b, a).mT),
            lambda: [Sample((arr(2, 3), arr(2, 3)), name="2x3")],
        ),
        OpInfo(
            "complex_matmul_vector",
            lambda m, a, b: m.view_as_real((_z(m, a, b) @ _z(m, b, a)) + _z(m, a, a) @ _z(m, b, a)),
            lambda: [Sample((arr(3), arr(3)), name="3")],
        ),
        OpInfo(
            "complex_einsum",
            lambda m, a, b: m.view_as_real(m.einsum("ij,kj->ik", _z(m, a, b), _z(m, b, a))),
            lambda: [Sample((arr(2, 3), arr(2, 3)), name="2x3")],
        ),
        OpInfo(
            "complex_vdot",
            lambda m, a, b: m.view_as_real(m.vdot(_z(m, a, b), _z(m, b, a + 1))),
            lambda: [Sample((arr(3), arr(3)), name="3")],
        ),
        OpInfo(
            "complex_cast_from_real",
            lambda m, a: (a.to(m.complex128) * (1 + 2j)).exp().abs(),
            lambda: [Sample((arr(2, 3),), name="2x3")],
        ),
    )
)
