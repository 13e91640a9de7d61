"""OpInfo entries: reductions (sum, prod, max/min, std/var, logsumexp, all/any, ...), scans
(cumsum, cumprod, cummax, cummin, logcumsumexp) and norms."""

from __future__ import annotations

import math

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register

# (shape, dim, keepdim); dim None means "not passed"
DIM_CASES = [
    ((3, 4), None, False),
    ((3, 4), None, True),
    ((3, 4), 1, False),
    ((3, 4), -1, True),
    ((2, 3, 4), (0, 2), False),
    ((2, 3, 4), (-1, 0), True),
    ((5,), 0, False),
    ((), None, False),
    ((), 0, True),
    ((0, 3), 1, False),
    ((0, 3), (0,), True),
]
SMALL_CASES = [
    ((3, 4), None, False),
    ((3, 4), 1, True),
    ((2, 3, 2), (0, -1), False),
    ((), None, False),
]


def _kw(dim, keepdim):
    kw = {} if dim is None and not keepdim else {"dim": dim}
    if keepdim:
        kw["keepdim"] = True
    return kw


def _no_empty_reduce(shape, dim):
    """Whether a reduction without identity (max, amin, ...) is defined for this case."""
    if 0 not in shape:
        return True
    if dim is None:
        return False
    dims = (dim,) if isinstance(dim, int) else dim
    return all(shape[d] != 0 for d in dims)


def dim_samples(
    cases=DIM_CASES, low=-2.0, high=2.0, int_dims=False, identity=True, dtype=np.float32, gen=None
):
    """Samples over ``cases``; ``int_dims`` keeps single-int dims only (prod, median, ...)."""

    def make():
        out = []
        for shape, dim, keepdim in cases:
            if int_dims and not (dim is None or isinstance(dim, int)):
                continue
            if not identity and not _no_empty_reduce(shape, dim):
                continue
            a = gen(shape) if gen is not None else arr(*shape, low=low, high=high, dtype=dtype)
            out.append(Sample((a,), _kw(dim, keepdim), name=f"{shape}-{dim}-{keepdim}"))
        return out

    return make


def small(cases=SMALL_CASES, int_dims=False, low=-2.0, high=2.0):
    return dim_samples(cases, low=low, high=high, int_dims=int_dims, dtype=np.float64)


def plain(*shapes, dtype=np.float64):
    """Samples without keyword arguments, one per shape."""
    return lambda: [Sample((arr(*s, dtype=dtype),), name=str(s)) for s in shapes]


def ties(*shape):
    """Floats with many repeated values (ties for max/min/median/mode)."""
    return iarr(*shape, low=-2, high=3).astype(np.float32)


def zeroed(dtype=np.float64):
    """A (3, 4) array with exact zeros: a row with one zero, one with two, one with a last one."""
    a = arr(3, 4, dtype=dtype)
    a[0, 1] = 0
    a[1, 0] = a[1, 2] = 0
    a[2, 3] = 0
    return a


def _with_nan(m, x):
    """``x`` with NaN where it is below -1.5 (differentiable elsewhere)."""
    return m.where(x > -1.5, x, float("nan"))


def _red(name, fn, samples, gradcheck_samples=None, **kw):
    return OpInfo(name, fn, samples, gradcheck_samples=gradcheck_samples, **kw)


register(
    # ---- sums, means, products
    _red("sum_dims", lambda m, x, **k: m.sum(x, **k), dim_samples(), small()),
    _red(
        "sum_int",
        lambda m, x: (m.sum(x), m.sum(x, 1), x.sum(dtype=m.float64)),
        lambda: [Sample((iarr(3, 4, dtype=np.int32),)), Sample((iarr(3, 4) > 0,))],
        grad=False,
        gradcheck=False,
    ),
    _red("nansum", lambda m, x, **k: m.nansum(_with_nan(m, x), **k), dim_samples(), small()),
    _red(
        "nansum_int",
        lambda m, x: m.nansum(x, 0),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    _red("mean_dims", lambda m, x, **k: m.mean(x, **k), dim_samples(), small()),
    _red(
        "mean_dtype",
        lambda m, x: m.mean(x, dtype=m.float64),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    _red(
        "nanmean",
        lambda m, x, **k: m.nanmean(_with_nan(m, x), **k),
        dim_samples([c for c in DIM_CASES if 0 not in c[0]]),
        small(),
    ),
    _red(
        "prod",
        lambda m, x, **k: m.prod(x, **k),
        dim_samples([c for c in DIM_CASES if c[1] is not None], int_dims=True),
        small([c for c in SMALL_CASES if c[1] is not None], int_dims=True),
    ),
    _red(
        "prod_all",
        lambda m, x: m.prod(x),
        plain((3, 4), (), (0, 2), dtype=np.float32),
        plain((3, 4), ()),
    ),
    _red(
        "prod_zeros",
        lambda m, x, **k: m.prod(x, **k),
        lambda: (
            [
                Sample((zeroed(np.float32),), k)
                for k in ({"dim": 1}, {"dim": 0, "keepdim": True}, {})
            ]
            + [
                Sample(
                    (zeroed(np.float32)[:1, 1:],),
                )
            ]
        ),
        lambda: (
            [Sample((zeroed(),), k) for k in ({"dim": 1}, {"dim": 0}, {})]
            + [
                Sample(
                    (zeroed()[:1, 1:],),
                )
            ]
        ),
    ),
    _red(
        "prod_int",
        lambda m, x: (m.prod(x), x.prod(0), m.prod(x > 0)),
        lambda: [Sample((iarr(2, 3, low=1, dtype=np.int32),))],
        grad=False,
        gradcheck=False,
    ),
    # ---- extremes
    _red("amax", lambda m, x, **k: m.amax(x, **k), dim_samples(identity=False), small()),
    _red("amin", lambda m, x, **k: m.amin(x, **k), dim_samples(identity=False), small()),
    _red(
        "amax_ties",
        lambda m, x, **k: m.amax(x, **k),
        dim_samples(identity=False, gen=lambda s: ties(*s)),
        gradcheck=False,
    ),
    _red(
        "amin_ties",
        lambda m, x, **k: m.amin(x, **k),
        dim_samples(identity=False, gen=lambda s: ties(*s)),
        gradcheck=False,
    ),
    _red(
        "aminmax",
        lambda m, x, **k: tuple(m.aminmax(x, **k)),
        dim_samples(
            [c for c in DIM_CASES if c[1] is None or isinstance(c[1], int)],
            identity=False,
            gen=lambda s: ties(*s),
        ),
        small(int_dims=True),
    ),
    _red(
        "max_all",
        lambda m, x: m.max(x),
        lambda: [Sample((ties(*s),)) for s in ((3, 4), (), (5,))],
        plain((3, 4), ()),
    ),
    _red(
        "min_all",
        lambda m, x: x.min(),
        plain((3, 4), (), (5,), dtype=np.float32),
        plain((3, 4), ()),
    ),
    _red(
        "max_dim",
        lambda m, x, **k: tuple(m.max(x, **k)),
        dim_samples([c for c in DIM_CASES if isinstance(c[1], int)], identity=False),
        small([((3, 4), 1, False), ((3, 4), 0, True), ((), 0, False)]),
    ),
    _red(
        "min_dim",
        lambda m, x, **k: tuple(x.min(**k)),
        dim_samples([c for c in DIM_CASES if isinstance(c[1], int)], identity=False),
        small([((3, 4), -1, False)]),
    ),
    _red(
        "max_dim_ties",
        lambda m, x: tuple(m.max(x, 1)) + tuple(m.min(x, 0, True)),
        lambda: [Sample((np.array([[1, 3, 3], [2, 2, 0], [5, 5, 5]], dtype=np.float32),))],
        gradcheck=False,
    ),
    _red(
        "max_binary",
        lambda m, x, y: (m.max(x, y), x.min(y)),
        lambda: [Sample((arr(3, 4), arr(4)))],
        gradgrad=False,
    ),
    _red(
        "max_int",
        lambda m, x: (m.max(x), m.max(x, 1), m.amin(x, 0), m.argmax(x)),
        lambda: [Sample((iarr(3, 4, dtype=np.int32),))],
        grad=False,
        gradcheck=False,
    ),
    _red(
        "max_bool",
        lambda m, x: (m.max(x), m.max(x, 1), m.amin(x, 0)),
        lambda: [Sample((iarr(3, 4) > 0,))],
        grad=False,
        gradcheck=False,
    ),
    _red(
        "argmax",
        lambda m, x, **k: m.argmax(x, **k),
        dim_samples([c for c in DIM_CASES if not isinstance(c[1], tuple)], identity=False),
        grad=False,
        gradcheck=False,
    ),
    _red(
        "argmin",
        lambda m, x, **k: x.argmin(**k),
        dim_samples(
            [c for c in DIM_CASES if not isinstance(c[1], tuple)],
            identity=False,
            gen=lambda s: ties(*s),
        ),
        grad=False,
        gradcheck=False,
    ),
    # ---- statistics
    _red(
        "var",
        lambda m, x, **k: m.var(x, **k),
        dim_samples([c for c in DIM_CASES if c[0] not in ((), (0, 3))]),
        small([c for c in SMALL_CASES if c[0] != ()]),
    ),
    _red(
        "std",
        lambda m, x, **k: m.std(x, **k),
        dim_samples([c for c in DIM_CASES if c[0] not in ((), (0, 3))]),
        small([c for c in SMALL_CASES if c[0] != ()]),
    ),
    _red(
        "var_std_correction",
        lambda m, x: (
            m.var(x, 1, correction=0),
            x.std(dim=0, correction=2),
            m.var(x, unbiased=False),
            m.std(x, 1, False, True),
            m.var(x, False),
        ),
        lambda: [Sample((arr(3, 4),))],
        plain((3, 4)),
    ),
    _red(
        "std_mean",
        lambda m, x, **k: m.std_mean(x, **k),
        dim_samples([((3, 4), None, False), ((3, 4), 1, True), ((2, 3, 4), (0, 2), False)]),
        small([((3, 4), 1, False)]),
    ),
    _red(
        "var_mean",
        lambda m, x, **k: m.var_mean(x, correction=0, **k),
        dim_samples([((3, 4), None, False), ((3, 4), -1, True), ((2, 3, 4), (0, 2), False)]),
        small([((3, 4), 1, False)]),
    ),
    _red(
        "std_constant",
        lambda m, x: m.std(x * 0 + 1.5, 1),
        lambda: [Sample((arr(2, 3),))],
        gradcheck=False,
    ),
    _red(
        "logsumexp",
        lambda m, x, **k: m.logsumexp(x, **k),
        dim_samples([c for c in DIM_CASES if c[1] is not None]),
        small([c for c in SMALL_CASES if c[1] is not None]),
    ),
    _red(
        "logsumexp_large",
        lambda m, x: (m.logsumexp(x * 1000, 1), m.logsumexp(x - math.inf, 1)),
        lambda: [Sample((arr(3, 4),))],
        gradcheck=False,
    ),
    _red(
        "logsumexp_int",
        lambda m, x: m.logsumexp(x, 0),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    # ---- logical and counts
    _red(
        "all_any",
        lambda m, x, **k: (m.all(x, **k), m.any(x > 1, **k), x.all(**k)),
        dim_samples(gen=lambda s: iarr(*s, low=0, high=4)),
        grad=False,
        gradcheck=False,
    ),
    _red(
        "all_any_float_uint8",
        lambda m, x: (m.all(x), x.any(1), m.all(x.abs().to(m.uint8), 0)),
        lambda: [Sample((ties(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    _red(
        "count_nonzero",
        lambda m, x, **k: m.count_nonzero(x, **k),
        dim_samples([c for c in DIM_CASES if not c[2]], gen=lambda s: ties(*s)),
        grad=False,
        gradcheck=False,
    ),
    # ---- fan-out and non-contiguous inputs
    _red(
        "reductions_noncontig",
        lambda m, x: (
            m.sum(x.mT, 0),
            m.amax(x[:, ::2], 1),
            m.prod(x.mT, 1),
            m.std(x[::2], 1),
            m.logsumexp(x.mT, 0),
        ),
        lambda: [Sample((arr(4, 5),))],
        plain((4, 5)),
    ),
    _red(
        "reductions_twice",
        lambda m, x: m.amax(x, 0) * m.sum(x) + m.prod(x, 1).sum() * x.std(),
        lambda: [Sample((arr(3, 4),))],
        plain((3, 3)),
    ),
)

# ---------------------------------------------------------------------------- scans

SCAN_CASES = [
    ((5,), 0),
    ((3, 4), 1),
    ((3, 4), -2),
    ((2, 3, 2), 1),
    ((), 0),
    ((0, 3), 1),
    ((2, 0), 1),
]


def scan_samples(gen=None, low=-2.0, high=2.0, dtype=np.float32, cases=SCAN_CASES):
    def make():
        return [
            Sample(
                (gen(s) if gen else arr(*s, low=low, high=high, dtype=dtype),),
                {"dim": d},
                name=f"{s}-{d}",
            )
            for s, d in cases
        ]

    return make


SMALL_SCAN = [((4,), 0), ((3, 4), 1), ((2, 3, 2), 0)]

register(
    OpInfo(
        "cumsum",
        lambda m, x, dim: m.cumsum(x, dim),
        scan_samples(),
        gradcheck_samples=scan_samples(dtype=np.float64, cases=SMALL_SCAN),
    ),
    OpInfo(
        "cumsum_int",
        lambda m, x: (m.cumsum(x, 0), x.cumsum(1, dtype=m.float32), m.cumsum(x > 0, 1)),
        lambda: [Sample((iarr(3, 4, dtype=np.int32),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "cumprod",
        lambda m, x, dim: m.cumprod(x, dim),
        scan_samples(),
        gradcheck_samples=scan_samples(dtype=np.float64, cases=SMALL_SCAN),
    ),
    OpInfo(
        "cumprod_zeros",
        lambda m, x, dim: m.cumprod(x, dim),
        lambda: [Sample((zeroed(np.float32),), {"dim": d}) for d in (1, 0)],
        gradcheck_samples=lambda: [Sample((zeroed(),), {"dim": d}) for d in (1, 0)],
    ),
    OpInfo(
        "cumprod_int",
        lambda m, x: m.cumprod(x, 1),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "cummax",
        lambda m, x, dim: tuple(m.cummax(x, dim)),
        scan_samples(),
        gradcheck_samples=scan_samples(dtype=np.float64, cases=SMALL_SCAN),
        gradgrad=True,
    ),
    OpInfo(
        "cummin",
        lambda m, x, dim: tuple(x.cummin(dim)),
        scan_samples(),
        gradcheck_samples=scan_samples(dtype=np.float64, cases=SMALL_SCAN),
    ),
    OpInfo(
        "cummax_cummin_ties",
        lambda m, x, dim: tuple(m.cummax(x, dim)) + tuple(m.cummin(x, dim)),
        scan_samples(gen=lambda s: ties(*s)),
        gradcheck=False,
    ),
    OpInfo(
        "cummax_nan",
        lambda m, x: tuple(m.cummax(x / (x > -1), 0)) + tuple(m.cummin(x / (x > -1), 0)),
        lambda: [Sample((np.array([0.5, -2, 1.5, -1.5, 3, 2], dtype=np.float32),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "logcumsumexp",
        lambda m, x, dim: m.logcumsumexp(x, dim),
        scan_samples(),
        gradcheck_samples=scan_samples(dtype=np.float64, cases=SMALL_SCAN),
    ),
    OpInfo(
        "logcumsumexp_large",
        lambda m, x: (m.logcumsumexp(x * 500, 1), x.logcumsumexp(0) - math.inf),
        lambda: [Sample((arr(3, 4),))],
        gradcheck=False,
    ),
    OpInfo(
        "scans_noncontig",
        lambda m, x: (
            m.cumsum(x.mT, 1),
            m.cumprod(x[:, ::2], 1),
            m.cummax(x.mT, 0).values,
            m.logcumsumexp(x.mT, 1),
        ),
        lambda: [Sample((arr(4, 5),))],
        gradcheck_samples=plain((3, 4)),
    ),
    OpInfo(
        "cumsum_inplace",
        lambda m, x: (x * 1).cumsum_(1).cumprod_(0),
        lambda: [Sample((arr(3, 4),))],
        gradcheck_samples=plain((3, 4)),
    ),
)

# ---------------------------------------------------------------------------- norms

INF = math.inf


def _norm_cases(ords, cases):
    def make():
        out = []
        for o in ords:
            for shape, dim, keepdim in cases:
                kw = _kw(dim, keepdim)
                out.append(Sample((arr(*shape),), {"ord": o, **kw}, name=f"{o}-{shape}-{dim}"))
        return out

    return make


VEC_ORDS = [2, 1, INF, -INF, 0, 3, 0.5, -1, 1.5]
VEC_CASES = [
    ((3, 4), None, False),
    ((3, 4), 1, True),
    ((2, 3, 4), (0, 2), False),
    ((), None, False),
    ((5,), -1, False),
]


def _vnorm(m, x, ord, **k):
    if m.__name__ == "torch":
        return m.linalg.vector_norm(x, ord, **k)
    from ember.ops.norms import vector_norm

    return vector_norm(x, ord, **k)


def _mnorm(m, x, ord, **k):
    if m.__name__ == "torch":
        return m.linalg.matrix_norm(x, ord, **k)
    from ember.ops.norms import matrix_norm

    return matrix_norm(x, ord, **k)


def _lnorm(m, x, ord=None, **k):
    if m.__name__ == "torch":
        return m.linalg.norm(x, ord, **k)
    from ember.ops.norms import linalg_norm

    return linalg_norm(x, ord, **k)


MAT_ORDS = ["fro", "nuc", INF, -INF, 1, -1, 2, -2]
MAT_CASES = [((3, 4), None, False), ((2, 3, 4), (0, 2), True), ((2, 4, 3), (-1, 1), False)]

register(
    OpInfo(
        "vector_norm",
        _vnorm,
        _norm_cases(VEC_ORDS, VEC_CASES),
        rtol=1e-4,
        gradcheck_samples=lambda: [
            Sample((arr(2, 3, dtype=np.float64),), {"ord": o, "dim": 1}) for o in VEC_ORDS
        ],
    ),
    OpInfo(
        "vector_norm_empty",
        _vnorm,
        lambda: (
            [Sample((arr(0, 3),), {"ord": o}) for o in (2, 1, 0, 3)]
            + [Sample((arr(0, 3),), {"ord": INF, "dim": 1})]
        ),
        gradcheck=False,
    ),
    OpInfo(
        "vector_norm_zero_grad",
        lambda m, x: (_vnorm(m, x * 0, 2), _vnorm(m, x * 0, 3, dim=1), _vnorm(m, x * 0, 1.5)),
        lambda: [Sample((arr(2, 3),))],
        gradcheck=False,
    ),
    OpInfo(
        "vector_norm_dtype",
        lambda m, x: _vnorm(m, x, 2, dtype=m.float64),
        lambda: [Sample((arr(2, 3),))],
        gradcheck=False,
    ),
    OpInfo(
        "matrix_norm",
        _mnorm,
        _norm_cases(MAT_ORDS, MAT_CASES),
        rtol=1e-4,
        atol=1e-5,
        gradcheck=False,
    ),
    OpInfo(
        "matrix_norm_gradcheck",
        _mnorm,
        lambda: [
            Sample((arr(3, 2, dtype=np.float64),), {"ord": o}) for o in ("fro", INF, -INF, 1, -1)
        ],
    ),
    OpInfo(
        "matrix_norm_svd_gradcheck",
        _mnorm,
        lambda: [Sample((arr(3, 2, dtype=np.float64),), {"ord": o}) for o in ("nuc", 2, -2)],
    ),
    OpInfo(
        "linalg_norm",
        _lnorm,
        lambda: [
            Sample((arr(3, 4),)),
            Sample((arr(3, 4),), {"ord": "nuc"}),
            Sample((arr(4),), {"ord": 3}),
            Sample((arr(2, 3, 4),), {"dim": (0, 2)}),
            Sample((arr(2, 3, 4),), {"ord": 1, "dim": 1, "keepdim": True}),
            Sample((arr(2, 3, 4),), {"ord": INF, "dim": (2, 1)}),
            Sample((arr(3, 4),), {"ord": -INF}),
        ],
        rtol=1e-4,
        gradcheck_samples=lambda: [Sample((arr(2, 3, dtype=np.float64),))],
    ),
    OpInfo(
        "norm",
        lambda m, x, **k: m.norm(x, **k),
        lambda: [
            Sample((arr(3, 4),)),
            Sample((arr(3, 4),), {"p": "nuc"}),
            Sample((arr(3, 4),), {"p": 1, "dim": 1}),
            Sample((arr(3, 4),), {"p": INF}),
            Sample((arr(2, 3, 4),), {"p": "fro", "dim": (0, 2), "keepdim": True}),
            Sample((arr(2, 3, 4),), {"p": 3, "dim": (0, 1)}),
            Sample((arr(2, 3, 4),), {"p": 0.5}),
            Sample((arr(),), {"p": 2}),
            Sample((arr(3, 4),), {"p": "fro", "dim": 0}),
        ],
        rtol=1e-4,
        gradcheck_samples=lambda: [
            Sample((arr(2, 3, dtype=np.float64),), {"p": 3, "dim": 0}),
            Sample((arr(2, 3, dtype=np.float64),)),
        ],
    ),
    OpInfo(
        "norm_method",
        lambda m, x: (x.norm(), x.norm(1, 0), x.norm(dim=1, keepdim=True)),
        lambda: [Sample((arr(3, 4),))],
        gradcheck=False,
    ),
)
