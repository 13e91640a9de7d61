"""OpInfo entries: ops composed from other ops (diff, cov, corrcoef, block_diag, ...).

ember's functions live in ``ember.ops.composite`` until the package exports them, so each
lambda picks the namespace itself (``_ns``).
"""

from __future__ import annotations

import numpy as np

import ember.ops.composite as C

from ..op_db import OpInfo, Sample, arr, iarr, register


def _ns(m):
    return C if m.__name__ == "ember" else m


def _s(*arrays, name=""):
    return Sample(tuple(arrays), name=name)


def _diff_samples():
    return [
        _s(arr(5), name="1d"),
        _s(arr(0), name="empty"),
        _s(arr(3, 4), name="2d"),
        _s(arr(2, 3, 4, dtype=np.float64), name="3d_f64"),
        _s(iarr(6), name="int"),
        _s(np.array([True, False, False, True]), name="bool"),
    ]


def _grad_1(*shapes):
    def gen():
        return [_s(*(arr(*s, dtype=np.float64) for s in shapes))]

    return gen


def _cov_samples():
    return [
        _s(arr(3, 5), name="2d"),
        _s(arr(6), name="1d"),
        _s(arr(2, 4, dtype=np.float64)),
        _s(iarr(3, 4), name="int"),
        _s(arr(1, 4), name="one_var"),
    ]


register(
    OpInfo("diff", lambda m, x: _ns(m).diff(x), _diff_samples),
    OpInfo(
        "diff_n2_dim0",
        lambda m, x: _ns(m).diff(x, n=2, dim=0),
        lambda: [_s(arr(4, 3)), _s(arr(5, dtype=np.float64))],
    ),
    OpInfo("diff_n_large", lambda m, x: _ns(m).diff(x, n=7), lambda: [_s(arr(2, 4))]),
    OpInfo("diff_n0", lambda m, x: _ns(m).diff(x, n=0, prepend=x), lambda: [_s(arr(2, 3))]),
    OpInfo(
        "diff_prepend_append",
        lambda m, x, p, a: _ns(m).diff(x, n=2, dim=-2, prepend=p, append=a.mT),
        lambda: [_s(arr(3, 2), arr(1, 2), arr(2, 2))],
        gradcheck_samples=_grad_1((3, 2), (1, 2), (2, 2)),
    ),
    OpInfo(
        "diff_append_int",
        lambda m, x: _ns(m).diff(x, append=m.tensor([[2], [1]])),
        lambda: [_s(arr(2, 3))],
    ),
    OpInfo("Tensor.diff", lambda m, x: x.diff(dim=0), lambda: [_s(arr(3, 4))]),
    OpInfo(
        "diff_used_twice",
        lambda m, x: _ns(m).diff(x, prepend=x[:, :1] * x[:, 1:2]),
        lambda: [_s(arr(2, 3))],
    ),
    OpInfo("cov", lambda m, x: _ns(m).cov(x), _cov_samples, rtol=1e-4, atol=1e-5),
    OpInfo(
        "cov_noncontig",
        lambda m, x: _ns(m).cov(x.mT[:, ::2]),
        lambda: [_s(arr(6, 3))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "cov_correction",
        lambda m, x: _ns(m).cov(x, correction=0),
        lambda: [_s(arr(2, 5)), _s(arr(3, 3))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "cov_correction3",
        lambda m, x: _ns(m).cov(x, correction=3),
        lambda: [_s(arr(2, 5))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "cov_fweights",
        lambda m, x: _ns(m).cov(x, fweights=m.tensor([1, 3, 0, 2])),
        lambda: [_s(arr(2, 4))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "cov_aweights",
        lambda m, x, w: _ns(m).cov(x, aweights=w),
        lambda: [_s(arr(3, 4), arr(4, low=0.2, high=2))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "cov_both_weights",
        lambda m, x, w: _ns(m).cov(x, correction=2, fweights=m.tensor([2, 1, 3, 1]), aweights=w),
        lambda: [_s(arr(2, 4), arr(4, low=0.2, high=2))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "Tensor.cov",
        lambda m, x: x.cov(correction=0),
        lambda: [_s(arr(2, 3))],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "corrcoef",
        lambda m, x: _ns(m).corrcoef(x),
        lambda: [_s(arr(3, 5)), _s(arr(4), name="1d"), _s(iarr(2, 5), name="int")],
        rtol=1e-4,
        atol=1e-5,
    ),
    OpInfo(
        "Tensor.corrcoef", lambda m, x: x.corrcoef(), lambda: [_s(arr(2, 6))], rtol=1e-4, atol=1e-5
    ),
    OpInfo(
        "block_diag",
        lambda m, a, b, c: _ns(m).block_diag(a, b, c),
        lambda: [_s(arr(2, 3), arr(3), arr()), _s(arr(0, 2), arr(1, 1), arr(2))],
    ),
    OpInfo(
        "block_diag_mixed",
        lambda m, a: _ns(m).block_diag(a.mT, m.ones(2, 1, dtype=m.int64)),
        lambda: [_s(arr(2, 3))],
    ),
    OpInfo(
        "block_diag_int",
        lambda m, a, b: _ns(m).block_diag(a, b),
        lambda: [_s(iarr(2, 2), iarr(1, 3))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "block_diag_none",
        lambda m: _ns(m).block_diag(),
        lambda: [_s()],
        grad=False,
        gradcheck=False,
    ),
    OpInfo("block_diag_twice", lambda m, a: _ns(m).block_diag(a, a * 2), lambda: [_s(arr(2, 2))]),
    OpInfo(
        "cartesian_prod",
        lambda m, a, b, c: _ns(m).cartesian_prod(a, b, c),
        lambda: [_s(arr(2), arr(3), arr(2)), _s(arr(0), arr(2), arr(1), name="empty")],
    ),
    OpInfo("cartesian_prod_one", lambda m, a: _ns(m).cartesian_prod(a), lambda: [_s(arr(3))]),
    OpInfo(
        "cartesian_prod_int",
        lambda m, a, b: _ns(m).cartesian_prod(a, b),
        lambda: [_s(iarr(3), iarr(2))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "combinations",
        lambda m, a: _ns(m).combinations(a),
        lambda: [_s(arr(4)), _s(arr(1)), _s(arr(0)), _s(iarr(5), name="int")],
    ),
    OpInfo(
        "combinations_r3",
        lambda m, a: _ns(m).combinations(a, 3),
        lambda: [_s(arr(5)), _s(arr(2), name="r_gt_n")],
    ),
    OpInfo("combinations_r1", lambda m, a: _ns(m).combinations(a, r=1), lambda: [_s(arr(3))]),
    OpInfo(
        "combinations_r0",
        lambda m, a: _ns(m).combinations(a, r=0),
        lambda: [_s(arr(3))],
        gradcheck=False,
    ),
    OpInfo(
        "combinations_repl",
        lambda m, a: _ns(m).combinations(a[::2], 2, True),
        lambda: [_s(arr(6)), _s(arr(2))],
    ),
    OpInfo(
        "combinations_repl_r3",
        lambda m, a: _ns(m).combinations(a, 3, with_replacement=True),
        lambda: [_s(arr(3))],
    ),
    OpInfo(
        "xlogy",
        lambda m, x, y: _ns(m).xlogy(x, y),
        lambda: [_s(arr(3, 1), arr(4, low=0.2)), _s(arr(2, 3), arr(3, low=0.2))],
    ),
    OpInfo("Tensor.xlogy", lambda m, x, y: x.xlogy(y), lambda: [_s(arr(3), arr(3, low=0.2))]),
    OpInfo("sinc", lambda m, x: _ns(m).sinc(x), lambda: [_s(arr(3, 4)), _s(arr()), _s(arr(0))]),
    OpInfo("Tensor.sinc", lambda m, x: x.sinc(), lambda: [_s(arr(5))]),
    OpInfo(
        "mvlgamma",
        lambda m, x: _ns(m).mvlgamma(x, 2),
        lambda: [_s(arr(3, 2, low=1, high=3)), _s(arr(low=1, high=3))],
        rtol=1e-4,
    ),
    OpInfo(
        "Tensor.mvlgamma",
        lambda m, x: x.mvlgamma(p=4),
        lambda: [_s(arr(4, low=2, high=4))],
        rtol=1e-4,
    ),
)
