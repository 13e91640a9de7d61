"""OpInfo entries: sorting and selection (sort, topk, kthvalue, median, mode, quantile, unique,
bincount, histc)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register

NAN = float("nan")


def ties(*shape, high=3):
    return iarr(*shape, low=-2, high=high).astype(np.float32)


def with_nan(a, every=3):
    a = a.copy()
    a.reshape(-1)[::every] = np.nan
    return a


def samples(*specs):
    """``specs``: (array, kwargs) pairs -> Samples named after the shape and kwargs."""
    return lambda: [Sample((a,), kw, name=f"{a.shape}-{kw}") for a, kw in specs]


def f64(*shape):
    return arr(*shape, dtype=np.float64)


def _gc(*specs):
    return samples(*specs)


register(
    # ---- sort / argsort / msort
    OpInfo(
        "sort",
        lambda m, x, **k: tuple(m.sort(x, **k)),
        lambda: [
            Sample((arr(3, 5),)),
            Sample((arr(3, 5),), {"dim": 0}),
            Sample((arr(3, 5),), {"dim": -1, "descending": True}),
            Sample((arr(2, 3, 4),), {"dim": 1, "descending": True}),
            Sample(
                (arr(),),
            ),
            Sample((arr(0, 3),), {"dim": 1}),
            Sample((ties(4, 6),), {"stable": True, "dim": 1}),
            Sample((ties(4, 6),), {"stable": True, "dim": 0, "descending": True}),
            Sample((with_nan(arr(2, 5)),), {"dim": 1}),
            Sample((with_nan(arr(2, 5)),), {"dim": 1, "descending": True}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1}), (f64(3, 4), {"dim": 0, "descending": True})),
    ),
    OpInfo(
        "sort_int",
        lambda m, x: (
            tuple(m.sort(x, stable=True, dim=0)),
            m.argsort(x, dim=1, descending=True, stable=True),
        ),
        lambda: [Sample((iarr(4, 5, dtype=np.int32),)), Sample((iarr(4, 5) > 0,))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "argsort",
        lambda m, x, **k: m.argsort(x, **k),
        lambda: [
            Sample((arr(3, 5),)),
            Sample((arr(3, 5),), {"dim": 0, "descending": True}),
            Sample(
                (arr(),),
            ),
            Sample((ties(3, 6),), {"stable": True}),
            Sample((ties(3, 6),), {"stable": True, "descending": True}),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "msort",
        lambda m, x: (m.msort(x), x.msort()),
        lambda: [Sample((arr(4, 3),)), Sample((arr(5),))],
        gradcheck_samples=_gc((f64(3, 2), {})),
    ),
    OpInfo(
        "sort_methods_noncontig",
        lambda m, x: (
            x.mT.sort().values,
            x[:, ::2].argsort(0),
            x.mT.topk(2).values,
            x.mT.sort(0)[0] * x.mT,
        ),
        lambda: [Sample((arr(4, 5),))],
        gradcheck_samples=_gc((f64(3, 4), {})),
    ),
    # ---- topk / kthvalue
    OpInfo(
        "topk",
        lambda m, x, k, **kw: tuple(m.topk(x, k, **kw)),
        lambda: [
            Sample((arr(3, 6),), {"k": 2}),
            Sample((arr(3, 6),), {"k": 3, "dim": 0}),
            Sample((arr(3, 6),), {"k": 4, "largest": False}),
            Sample((arr(3, 6),), {"k": 6}),
            Sample((arr(3, 6),), {"k": 0}),
            Sample((arr(2, 5, 3),), {"k": 2, "dim": 1, "largest": False}),
            Sample((arr(),), {"k": 1}),
            Sample((arr(0, 4),), {"k": 2}),
            Sample((with_nan(arr(2, 6)),), {"k": 3}),
        ],
        gradcheck_samples=_gc(
            (f64(3, 4), {"k": 2}), (f64(3, 4), {"k": 2, "dim": 0, "largest": False})
        ),
    ),
    OpInfo(
        "topk_int",
        lambda m, x: tuple(m.topk(x, 2)),
        lambda: [
            Sample(
                (iarr(3, 6) * 7 + np.arange(6),),
            )
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "kthvalue",
        lambda m, x, k, **kw: tuple(m.kthvalue(x, k, **kw)),
        lambda: [
            Sample((arr(3, 6),), {"k": 2}),
            Sample((arr(3, 6),), {"k": 3, "dim": 0}),
            Sample((arr(3, 6),), {"k": 6, "keepdim": True}),
            Sample((arr(2, 5, 3),), {"k": 1, "dim": -2}),
            Sample((arr(),), {"k": 1}),
            Sample((arr(0, 4),), {"k": 2}),
        ],
        gradcheck_samples=_gc(
            (f64(3, 4), {"k": 2}), (f64(3, 4), {"k": 3, "dim": 0, "keepdim": True})
        ),
    ),
    OpInfo(
        "kthvalue_ties_values",
        lambda m, x: m.kthvalue(x, 3, 1).values,
        lambda: [Sample((ties(4, 7),))],
        grad=False,
        gradcheck=False,
    ),
    # ---- median / nanmedian / mode
    OpInfo(
        "median_all",
        lambda m, x: (m.median(x), x.nanmedian()),
        lambda: [
            Sample((arr(3, 5),)),
            Sample((arr(4),)),
            Sample((ties(3, 5),)),
            Sample((ties(2, 3),)),
            Sample((arr(),)),
            Sample((arr(0, 3),)),
        ],
        gradcheck_samples=_gc((f64(3, 4), {}), (f64(5), {})),
    ),
    OpInfo(
        "median_dim",
        lambda m, x, **k: tuple(m.median(x, **k)),
        lambda: [
            Sample((arr(3, 5),), {"dim": 1}),
            Sample((arr(3, 4),), {"dim": 0}),
            Sample((arr(3, 4),), {"dim": -1, "keepdim": True}),
            Sample((ties(4, 7),), {"dim": 1}),
            Sample((ties(6, 3),), {"dim": 0}),
            Sample((arr(),), {"dim": 0}),
            Sample((arr(0, 3),), {"dim": 1}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1}), (f64(3, 4), {"dim": 0, "keepdim": True})),
    ),
    OpInfo(
        "median_nan",
        lambda m, x: (tuple(m.median(x, 1)), tuple(m.nanmedian(x, 1)), m.median(x), m.nanmedian(x)),
        lambda: [
            Sample((with_nan(ties(3, 5)),)),
            Sample((with_nan(arr(2, 6), every=2),)),
            Sample((np.array([[NAN, NAN, NAN], [1, NAN, 2]], dtype=np.float32),)),
        ],
        gradcheck=False,
    ),
    OpInfo(
        "nanmedian_dim",
        lambda m, x, **k: tuple(m.nanmedian(x, **k)),
        lambda: [
            Sample((arr(3, 5),), {"dim": 1}),
            Sample((arr(3, 4),), {"dim": 0, "keepdim": True}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1})),
    ),
    OpInfo(
        "median_int",
        lambda m, x: (m.median(x), tuple(m.median(x, 1)), tuple(m.mode(x, 0))),
        lambda: [Sample((iarr(3, 5),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "mode",
        lambda m, x, **k: tuple(m.mode(x, **k)),
        lambda: [
            Sample((ties(3, 6),)),
            Sample((ties(5, 4),), {"dim": 0}),
            Sample((ties(3, 6, high=5),), {"dim": -1, "keepdim": True}),
            Sample((ties(2, 3, 4),), {"dim": 1}),
            Sample(
                (arr(4),),
            ),
            Sample(
                (arr(),),
            ),
            Sample((arr(0, 3),), {"dim": 1}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1}), (f64(3, 4), {"dim": 0})),
    ),
    # ---- quantiles
    OpInfo(
        "quantile",
        lambda m, x, q, **k: m.quantile(x, q, **k),
        lambda: (
            [
                Sample((arr(4, 5),), {"q": 0.3}),
                Sample((arr(4, 5),), {"q": 0.0, "dim": 1}),
                Sample((arr(4, 5),), {"q": 1.0, "dim": 0, "keepdim": True}),
                Sample((arr(2, 3, 4),), {"q": 0.75, "dim": -1, "keepdim": True}),
                Sample((arr(2, 3),), {"q": 0.5, "keepdim": True}),
                Sample((arr(),), {"q": 0.5}),
                Sample((arr(),), {"q": 0.5, "dim": 0}),
            ]
            + [
                Sample((arr(3, 5),), {"q": 0.35, "dim": 1, "interpolation": i})
                for i in ("linear", "lower", "higher", "midpoint", "nearest")
            ]
        ),
        gradcheck_samples=_gc(
            (f64(2, 5), {"q": 0.3, "dim": 1}),
            (f64(7), {"q": 0.45}),
            (f64(3, 4), {"q": 0.4, "dim": 0, "interpolation": "midpoint"}),
        ),
    ),
    OpInfo(
        "quantile_tensor_q",
        lambda m, x, **k: m.quantile(
            x, m.tensor([0.1, 0.5, 0.9], dtype=x.dtype, device=x.device), **k
        ),
        lambda: [
            Sample((arr(4, 5),)),
            Sample((arr(4, 5),), {"dim": 1}),
            Sample((arr(4, 5),), {"dim": 0, "keepdim": True}),
            Sample((arr(2, 3, 4),), {"keepdim": True}),
            Sample((arr(4, 5),), {"dim": 1, "interpolation": "nearest"}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1}), (f64(2, 3), {})),
    ),
    OpInfo(
        "quantile_nan",
        lambda m, x: (
            m.quantile(x, 0.4, dim=1),
            m.nanquantile(x, 0.4, dim=1),
            x.nanquantile(m.tensor([0.2, 1.0], dtype=x.dtype, device=x.device), 0, keepdim=True),
            m.quantile(x, 0.5),
            m.nanquantile(x, 0.5),
        ),
        lambda: [
            Sample((with_nan(arr(3, 5)),)),
            Sample((np.array([[NAN, NAN, NAN], [1, NAN, 2]], dtype=np.float32),)),
        ],
        gradcheck=False,
    ),
    OpInfo(
        "nanquantile",
        lambda m, x, **k: m.nanquantile(x, 0.6, **k),
        lambda: [
            Sample((arr(4, 5),)),
            Sample((arr(4, 5),), {"dim": 1, "keepdim": True}),
            Sample((arr(4, 5),), {"dim": 0, "interpolation": "higher"}),
        ],
        gradcheck_samples=_gc((f64(3, 4), {"dim": 1})),
    ),
    # ---- unique / counts (no gradient)
    OpInfo(
        "unique",
        lambda m, x, **k: m.unique(x, **k),
        lambda: [
            Sample((iarr(4, 5),)),
            Sample((iarr(4, 5),), {"return_inverse": True}),
            Sample((iarr(4, 5),), {"return_counts": True, "return_inverse": True}),
            Sample((ties(3, 4),), {"return_counts": True}),
            Sample(
                (iarr(6, 2, low=0, high=2),),
                {"dim": 0, "return_inverse": True, "return_counts": True},
            ),
            Sample((iarr(2, 6, low=0, high=2),), {"dim": -1, "return_counts": True}),
            Sample(
                (iarr(),),
            ),
            Sample((iarr(0),), {"return_inverse": True}),
            Sample((iarr(5) > 0,), {"sorted": False}),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "unique_consecutive",
        lambda m, x, **k: m.unique_consecutive(x, **k),
        lambda: [
            Sample((iarr(12, low=0, high=3),)),
            Sample((iarr(3, 4, low=0, high=2),), {"return_inverse": True, "return_counts": True}),
            Sample(
                (np.repeat(iarr(4, 2, low=0, high=2), 2, axis=0),),
                {"dim": 0, "return_inverse": True, "return_counts": True},
            ),
            Sample(
                (np.repeat(iarr(2, 3, low=0, high=2), 2, axis=1),),
                {"dim": 1, "return_counts": True},
            ),
            Sample((iarr(0),), {"return_inverse": True, "return_counts": True}),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "unique_methods",
        lambda m, x: (x.unique(), x.unique_consecutive(), x.bincount()),
        lambda: [Sample((iarr(8, low=0, high=4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "bincount",
        lambda m, x, w, **k: (
            m.bincount(x, **k),
            m.bincount(x, w, **k),
            m.bincount(x, w.double(), **k),
            m.bincount(x, (w > 0).int(), **k),
        ),
        lambda: [
            Sample((iarr(10, low=0, high=5), arr(10))),
            Sample((iarr(10, low=0, high=5, dtype=np.int32), arr(10)), {"minlength": 8}),
            Sample((iarr(0), arr(0)), {"minlength": 3}),
            Sample((iarr(3, low=0, high=2, dtype=np.uint8), arr(3))),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "histc",
        lambda m, x, **k: m.histc(x, **k),
        lambda: [
            Sample((arr(20),)),
            Sample((arr(4, 5),), {"bins": 7}),
            Sample((arr(30),), {"bins": 5, "min": -1, "max": 1}),
            Sample((arr(30, dtype=np.float64),), {"bins": 4, "min": 0.0, "max": 3}),
            Sample((np.full(4, 2.0, dtype=np.float32),), {"bins": 4}),
            Sample((arr(0),), {"bins": 3}),
            Sample((with_nan(arr(12)),), {"bins": 3, "min": -2, "max": 2}),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "histc_method",
        lambda m, x: x.histc(bins=6, min=-1.5, max=1.5),
        lambda: [Sample((arr(3, 8),))],
        grad=False,
        gradcheck=False,
    ),
)
