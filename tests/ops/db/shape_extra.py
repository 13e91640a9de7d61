"""OpInfo entries: ``ravel``, ``hsplit``/``vsplit``/``dsplit``, ``split_with_sizes`` and the
``unsafe_*`` splits, ``select_scatter``/``slice_scatter``/``as_strided_scatter``,
``as_strided`` (overlapping windows included), ``index_reduce``, the ``*_copy`` forms, and the
integer results of ``nonzero_static`` and ``unravel_index``; numerical integration,
``gradient`` and histograms (``ember/ops/numeric.py``)."""

from __future__ import annotations

import warnings

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register
from . import isolated

F64 = np.float64


def _one(*shape, dtype=np.float32, low=-2.0, high=2.0):
    return lambda: [Sample((arr(*shape, dtype=dtype, low=low, high=high),), name=str(shape))]


def _quiet(fn):
    def run(m, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, *args, **kwargs)

    return run


def _index_reduce(reduce, include_self):
    def fn(m, x, src):
        index = m.tensor([0, 2, 0, 1])
        return x.index_reduce(0, index, src, reduce, include_self=include_self)

    return _quiet(fn)


def _values_only(name, fn, samples, **kw):
    return OpInfo(name, fn, samples, grad=False, gradcheck=False, gradgrad=False, **kw)


register(
    *isolated(
        OpInfo("ravel", lambda m, x: [x.ravel(), m.ravel(x.mT)], _one(3, 4)),
        OpInfo(
            "hsplit_vsplit_dsplit",
            lambda m, x: [
                *m.hsplit(x, 2),
                *x.vsplit([1]),
                *m.dsplit(x, [1, 3]),
                *m.hsplit(x[0, 0], 2),
            ],
            _one(2, 4, 4),
            gradcheck_samples=_one(2, 4, 4, dtype=F64),
        ),
        OpInfo(
            "split_with_sizes",
            lambda m, x: [
                *x.split_with_sizes([1, 3], 1),
                *m.unsafe_split(x, 2),
                *x.unsafe_chunk(2, 1),
                *m.unsafe_split_with_sizes(x, [3, 1], dim=-1),
            ],
            _one(4, 4),
        ),
        OpInfo(
            "select_scatter",
            lambda m, x, src: [m.select_scatter(x, src, 1, -1), x.select_scatter(src, 1, 0)],
            lambda: [Sample((arr(3, 4, 2), arr(3, 2)), name="3x4x2")],
            gradcheck_samples=lambda: [Sample((arr(2, 3, 2, dtype=F64), arr(2, 2, dtype=F64)))],
        ),
        OpInfo(
            "slice_scatter",
            lambda m, x, src: [
                m.slice_scatter(x, src, dim=1, start=0, step=2),
                x.slice_scatter(src, 1, 1, 4, 2),
                m.slice_scatter(x, src[:, :1], 1, -1),
            ],
            lambda: [Sample((arr(3, 4), arr(3, 2)), name="3x4")],
            gradcheck_samples=lambda: [Sample((arr(2, 4, dtype=F64), arr(2, 2, dtype=F64)))],
        ),
        OpInfo(
            "as_strided",
            lambda m, x: [
                m.as_strided(x, (2, 2), (1, 2)),
                x.as_strided((3, 3), (1, 1)),  # overlapping windows
                x[1].as_strided((2, 2), (2, 1)),
                m.as_strided(x[1:], (2,), (2,), 5),
            ],
            _one(3, 4),
            gradcheck_samples=_one(3, 4, dtype=F64),
        ),
        # a view's strided view reaching outside the view's own elements: torch drops the
        # gradient of those (ember's reaches the base, as gradcheck confirms), so values only
        OpInfo(
            "as_strided_outside_view",
            lambda m, x: [x[1].as_strided((2, 2), (3, 1)), m.as_strided(x[1:], (2,), (2,), 0)],
            _one(3, 4),
            grad=False,
            gradcheck_samples=_one(3, 4, dtype=F64),
        ),
        OpInfo(
            "as_strided_scatter",
            lambda m, x, src: m.as_strided_scatter(x, src, (2, 2), (1, 2), 1),
            lambda: [Sample((arr(3, 4), arr(2, 2)), name="3x4")],
            grad=False,  # torch's backward is wrong (its own gradcheck fails); ember's is checked
            gradcheck_samples=lambda: [Sample((arr(3, 4, dtype=F64), arr(2, 2, dtype=F64)))],
        ),
        *[
            OpInfo(
                f"index_reduce_{reduce}_{'self' if include_self else 'noself'}",
                _index_reduce(reduce, include_self),
                lambda: [Sample((arr(3, 2, low=0.5, high=2.0), arr(4, 2, low=0.5, high=2.0)))],
                gradcheck_samples=lambda: [
                    Sample((arr(3, 2, dtype=F64, low=0.5), arr(4, 2, dtype=F64, low=0.5)))
                ],
            )
            for reduce in ("prod", "mean", "amax", "amin")
            for include_self in (True, False)
        ],
        OpInfo(
            "view_copies",
            lambda m, x: [
                m.alias_copy(x),
                m.diagonal_copy(x, 1),
                m.expand_copy(x[:1], (3, 4)),
                m.narrow_copy(x, 1, 1, 2),
                x.narrow_copy(0, 0, 2),
                m.permute_copy(x, (1, 0)),
                m.select_copy(x, 1, 2),
                m.slice_copy(x, 1, 1, None, 2),
                *m.split_copy(x, 2, 1),
                *m.split_with_sizes_copy(x, [1, 2]),
                m.squeeze_copy(x[:1]),
                m.squeeze_copy(x[:1], 0),
                m.t_copy(x),
                m.transpose_copy(x, 0, 1),
                *m.unbind_copy(x, 1),
                m.unfold_copy(x, 1, 2, 1),
                m.unsqueeze_copy(x, 1),
                m.view_copy(x, (4, 3)),
                m.as_strided_copy(x, (2, 2), (1, 2)),
            ],
            _one(3, 4),
            gradcheck_samples=_one(3, 4, dtype=F64),
        ),
        _values_only(
            "detach_copy",
            lambda m, x: [m.detach_copy(x), m.detach(x), m.fill(x, 2.5), m.fill(x, m.tensor(1.0))],
            _one(3, 4),
        ),
        _values_only(
            "nonzero_static",
            lambda m, x: [
                m.nonzero_static(x, size=2),
                m.nonzero_static(x, size=9, fill_value=-7),
                x.nonzero_static(size=0),
            ],
            lambda: [Sample((iarr(3, 3, low=0, high=2),), name="3x3")],
        ),
        _values_only(
            "unravel_index",
            lambda m, i: [*m.unravel_index(i, (3, 4)), *m.unravel_index(i[0], (12,))],
            lambda: [Sample((iarr(5, low=0, high=12),), name="5")],
        ),
    )
)

register(
    *isolated(
        OpInfo(
            "trapezoid",
            lambda m, y, x: [
                m.trapezoid(y),
                m.trapezoid(y, x),
                m.trapezoid(y, dx=0.5, dim=0),
                m.trapz(y, x[:3], dim=0),
                m.trapz(y, dx=2.0),
            ],
            lambda: [Sample((arr(3, 4), arr(4)), name="3x4")],
            gradcheck_samples=lambda: [Sample((arr(3, 4, dtype=F64), arr(4, dtype=F64)))],
        ),
        OpInfo(
            "cumulative_trapezoid",
            lambda m, y, x: [
                m.cumulative_trapezoid(y),
                m.cumulative_trapezoid(y, x),
                m.cumulative_trapezoid(y, dx=3.0, dim=0),
            ],
            lambda: [Sample((arr(3, 4), arr(3, 4)), name="3x4")],
            gradcheck_samples=lambda: [Sample((arr(3, 4, dtype=F64), arr(3, 4, dtype=F64)))],
        ),
        _values_only(
            "trapezoid_int",
            lambda m, y: [m.trapezoid(y), m.cumulative_trapezoid(y)],
            lambda: [Sample((iarr(4, 5),), name="int")],
        ),
        OpInfo(
            "gradient",
            lambda m, f: [
                *m.gradient(f),
                *m.gradient(f, spacing=2.0, dim=1),
                *m.gradient(f, spacing=[0.5, 3.0], edge_order=2),
                *m.gradient(f, dim=(0,), edge_order=2),
            ],
            _one(4, 5),
            gradcheck_samples=_one(3, 4, dtype=F64),
        ),
        OpInfo(
            "gradient_coordinates",
            lambda m, f, x: [
                *m.gradient(f, spacing=(x.cumsum(0),), dim=1),
                *m.gradient(f, spacing=(x.cumsum(0),), dim=1, edge_order=2),
            ],
            lambda: [Sample((arr(3, 5), arr(5, low=0.5, high=1.5)), name="3x5")],
            gradcheck_samples=lambda: [
                Sample((arr(2, 4, dtype=F64), arr(4, dtype=F64, low=0.5, high=1.5)))
            ],
            rtol=1e-4,
        ),
        _values_only(
            "histogram",
            lambda m, x, w: [
                *m.histogram(x, 4),
                *x.histogram(3, range=(-1.0, 1.0), density=True),
                *m.histogram(x, m.tensor([-2.0, -0.5, 0.0, 2.0]), weight=w),
            ],
            lambda: [Sample((arr(20), arr(20, low=0.0)), name="20")],
        ),
        _values_only(
            "histogramdd",
            lambda m, x: [
                *m.histogramdd(x, bins=3)[:1],
                *m.histogramdd(x, bins=3)[1],
                m.histogramdd(x, bins=[2, 3], range=[-2.0, 2.0, -1.0, 1.0], density=True)[0],
            ],
            lambda: [Sample((arr(30, 2),), name="30x2")],
        ),
    )
)
