"""OpInfo entries: gather/scatter, index_* ops, masks, take/put, triangles, diagonals, repeats."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register

_R = np.random.default_rng(99)


def f64(*shape, low=-2.0, high=2.0):
    return arr(*shape, low=low, high=high, dtype=np.float64)


def idx(*shape, high):
    """Random int64 indices in ``[0, high)`` (duplicates likely)."""
    return _R.integers(0, high, size=shape).astype(np.int64)


def uidx(n_pick, n, cols, dim=0):
    """Indices without duplicates along ``dim``: distinct draws from ``range(n)``."""
    a = np.stack([_R.permutation(n)[:n_pick] for _ in range(cols)], axis=1).astype(np.int64)
    return a if dim == 0 else a.T.copy()


def mask(*shape):
    return _R.random(shape) > 0.5


def _samples(*samples):
    return lambda: list(samples)


def nograd(name, fn, samples, **kw):
    return OpInfo(name, fn, samples, grad=False, gradcheck=False, **kw)


# ---------------------------------------------------------------------------- gather / scatter

register(
    OpInfo(
        "gather",
        lambda m, x, i, dim: m.gather(x, dim, i),
        _samples(
            Sample((arr(3, 4), idx(2, 4, high=3)), {"dim": 0}, "dim0"),
            Sample((arr(3, 4), idx(3, 6, high=4)), {"dim": -1}, "dim-1_wide"),
            Sample((arr(4, 5), idx(2, 3, high=5)), {"dim": 1}, "smaller_index"),
            Sample((arr(2, 3, 4), idx(2, 2, 4, high=3)), {"dim": 1}, "3d"),
            Sample((arr(3, 4), idx(0, 4, high=3)), {"dim": 0}, "empty_index"),
            Sample((arr(), np.array(0)), {"dim": 0}, "0d"),
            Sample((arr(3), np.array(2)), {"dim": 0}, "0d_index"),
        ),
        gradcheck_samples=_samples(
            Sample((f64(3, 4), idx(2, 4, high=3)), {"dim": 0}),
            Sample((f64(2, 3), idx(2, 5, high=3)), {"dim": 1}),
        ),
    ),
    OpInfo(
        "Tensor.gather_noncontig",
        lambda m, x, i: x.mT.gather(1, i),
        _samples(Sample((arr(4, 3), idx(3, 5, high=4)))),
        gradcheck_samples=_samples(Sample((f64(3, 2), idx(2, 4, high=3)))),
    ),
    OpInfo(
        "gather_used_twice",
        lambda m, x, i: x.gather(0, i) * x[:2],
        _samples(Sample((arr(3, 4), idx(2, 4, high=3)))),
    ),
    nograd(
        "gather_int",
        lambda m, x, i: x.gather(1, i),
        _samples(Sample((iarr(3, 4), idx(3, 2, high=4)))),
    ),
    OpInfo(
        "scatter",
        lambda m, x, i, s, dim: m.scatter(x, dim, i, s),
        _samples(
            Sample((arr(4, 3), uidx(2, 4, 3), arr(2, 3)), {"dim": 0}, "dim0"),
            Sample((arr(3, 5), uidx(3, 5, 3, dim=1), arr(3, 3)), {"dim": -1}, "dim-1"),
            Sample((arr(), np.array(0), arr()), {"dim": 0}, "0d"),
        ),
        gradcheck_samples=_samples(Sample((f64(4, 3), uidx(2, 4, 3), f64(2, 3)), {"dim": 0})),
    ),
    OpInfo(
        "scatter_value",
        lambda m, x, i: x.scatter(1, i, 2.5),
        _samples(Sample((arr(3, 4), uidx(2, 4, 3, dim=1)))),
    ),
    # torch's own backward rejects an src larger than index: forward checked against torch,
    # ember's (zero-padded) gradient checked numerically
    OpInfo(
        "scatter_src_larger",
        lambda m, x, i, s: x.scatter(0, i, s),
        _samples(Sample((arr(4, 3), uidx(2, 4, 2), arr(3, 3)))),
        grad=False,
        gradcheck_samples=_samples(Sample((f64(4, 3), uidx(2, 4, 2), f64(3, 3)))),
    ),
    nograd(
        "scatter_reduce_legacy",
        lambda m, x, i: (
            x.scatter(0, i, 2.0, reduce="add"),
            x.scatter(0, i, 3.0, reduce="multiply"),
        ),
        _samples(Sample((arr(3, 4), idx(4, 4, high=3)))),
    ),
    nograd(
        "scatter_int",
        lambda m, x, i: x.scatter(0, i, 7),
        _samples(Sample((iarr(3, 4), uidx(2, 3, 4)))),
    ),
    OpInfo(
        "scatter_add",
        lambda m, x, i, s, dim: m.scatter_add(x, dim, i, s),
        _samples(
            Sample((arr(3, 4), idx(5, 4, high=3), arr(5, 4)), {"dim": 0}, "dups"),
            Sample((arr(2, 3, 2), idx(2, 3, 2, high=2), arr(2, 3, 2)), {"dim": 0}, "3d"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), idx(3, 4, high=3), f64(3, 4)), {"dim": 0})),
    ),
    OpInfo(
        "scatter_add_src_larger",
        lambda m, x, i, s: x.scatter_add(1, i, s),
        _samples(Sample((arr(3, 4), idx(3, 6, high=4), arr(3, 7)))),
        grad=False,
        gradcheck_samples=_samples(Sample((f64(2, 3), idx(2, 4, high=3), f64(3, 5)))),
    ),
    nograd(
        "scatter_add_int",
        lambda m, x, i, s: x.scatter_add(0, i, s),
        _samples(Sample((iarr(3, 4), idx(5, 4, high=3), iarr(5, 4)))),
    ),
)


def _sr(reduce, include_self):
    name = f"scatter_reduce_{reduce}" + ("" if include_self else "_exclude_self")

    def fn(m, x, i, s):
        return x.scatter_reduce(0, i, s, reduce, include_self=include_self)

    src = arr(5, 3)
    if reduce == "prod":
        src[1, 0] = 0.0  # a single zero among the values meeting at one place
    return OpInfo(
        name,
        fn,
        _samples(
            Sample((arr(3, 3), idx(5, 3, high=3), src)),
            Sample(
                (
                    arr(
                        4,
                    ),
                    idx(3, high=4),
                    arr(3),
                ),
                name="1d",
            ),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 2), idx(4, 2, high=3), f64(4, 2)))),
    )


register(*[_sr(r, s) for r in ("sum", "prod", "mean", "amax", "amin") for s in (True, False)])
register(
    OpInfo(
        "scatter_reduce_amax_ties",
        lambda m, x, i, s: x.scatter_reduce(0, i, s, "amax"),
        _samples(
            Sample(
                (
                    np.float32([[1, 2], [3, 4]]),
                    np.int64([[0, 0], [0, 1], [1, 1]]),
                    np.float32([[1, 2], [0, 4], [3, 4]]),
                )
            )
        ),
        gradcheck=False,
    ),
    nograd(
        "scatter_reduce_int",
        lambda m, x, i, s: tuple(
            x.scatter_reduce(0, i, s, r, include_self=inc)
            for r in ("sum", "prod", "mean", "amax", "amin")
            for inc in (True, False)
        ),
        _samples(Sample((iarr(3, 4), idx(5, 4, high=3), iarr(5, 4)))),
    ),
)

# ---------------------------------------------------------------------------- index_* family

register(
    OpInfo(
        "index_select",
        lambda m, x, i, dim: m.index_select(x, dim, i),
        _samples(
            Sample((arr(4, 3), idx(6, high=4)), {"dim": 0}, "dups"),
            Sample((arr(2, 5, 3), idx(2, high=5)), {"dim": -2}, "dim-2"),
            Sample((arr(3, 4), idx(0, high=4)), {"dim": 1}, "empty_index"),
            Sample((arr(3, 4), np.array(2)), {"dim": 1}, "0d_index"),
            Sample((arr(), np.array([0])), {"dim": 0}, "0d_input"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), idx(5, high=3)), {"dim": 0})),
    ),
    OpInfo(
        "Tensor.index_select_noncontig",
        lambda m, x, i: x.mT.index_select(0, i),
        _samples(Sample((arr(4, 3), idx(4, high=3)))),
    ),
    nograd(
        "index_select_int32_index",
        lambda m, x, i: x.index_select(0, i),
        _samples(Sample((iarr(4, 3), idx(3, high=4).astype(np.int32)))),
    ),
    OpInfo(
        "index_add",
        lambda m, x, i, s, dim: m.index_add(x, dim, i, s),
        _samples(
            Sample((arr(4, 3), idx(5, high=4), arr(5, 3)), {"dim": 0}, "dups"),
            Sample((arr(2, 4), idx(2, high=4), arr(2, 2)), {"dim": -1}, "dim-1"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 2), idx(4, high=3), f64(4, 2)), {"dim": 0})),
    ),
    OpInfo(
        "index_add_alpha",
        lambda m, x, i, s: x.index_add(1, i, s, alpha=-2.5),
        _samples(Sample((arr(3, 4), idx(3, high=4), arr(3, 3)))),
    ),
    OpInfo(
        "index_copy",
        lambda m, x, i, s, dim: m.index_copy(x, dim, i, s),
        _samples(
            Sample((arr(5, 3), _R.permutation(5)[:3].astype(np.int64), arr(3, 3)), {"dim": 0}),
            Sample((arr(2, 5), _R.permutation(5)[:2].astype(np.int64), arr(2, 2)), {"dim": 1}),
        ),
        gradcheck_samples=_samples(Sample((f64(4, 2), np.int64([3, 0]), f64(2, 2)), {"dim": 0})),
    ),
    OpInfo(
        "index_fill",
        lambda m, x, i: m.index_fill(x, 1, i, -1.5),
        _samples(Sample((arr(3, 4), np.int64([0, 2, 0, -1])))),
    ),
    OpInfo(
        "index_fill_tensor_value",
        lambda m, x, i, v: x.index_fill(0, i, v),
        _samples(Sample((arr(3, 4), np.int64([2, 0, 2]), arr()))),
    ),
    nograd(
        "index_fill_int",
        lambda m, x, i: x.index_fill(0, i, 2.7),
        _samples(Sample((iarr(3, 4), np.int64([1])))),
    ),
)

# ---------------------------------------------------------------------------- masks, take, put

register(
    OpInfo(
        "masked_select",
        lambda m, x, k: m.masked_select(x, k),
        _samples(
            Sample((arr(3, 4), mask(3, 4)), name="same_shape"),
            Sample((arr(3, 4), mask(4)), name="mask_broadcast"),
            Sample((arr(4), mask(3, 4)), name="input_broadcast"),
            Sample((arr(), np.array(True)), name="0d"),
            Sample((arr(0, 4), mask(0, 4)), name="empty"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), mask(3, 4))), Sample((f64(3), mask(2, 3)))),
    ),
    OpInfo(
        "masked_scatter",
        lambda m, x, k, s: x.masked_scatter(k, s),
        _samples(
            Sample((arr(3, 4), mask(3, 4), arr(4, 4)), name="same_shape"),
            Sample((arr(3, 4), mask(4), arr(12)), name="mask_broadcast"),
            Sample((arr(4), mask(2, 4), arr(3, 3)), name="input_broadcast"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 3), mask(3, 3), f64(10)))),
    ),
    OpInfo(
        "take",
        lambda m, x, i: m.take(x, i),
        _samples(
            Sample((arr(3, 4), np.int64([[0, 11], [-1, 5], [5, 3]])), name="2d_index"),
            Sample((arr(3, 4), np.array(7)), name="0d_index"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), np.int64([[0, 11], [-1, 5]])))),
    ),
    OpInfo(
        "take_noncontig",
        lambda m, x, i: m.take(x.mT, i),
        _samples(Sample((arr(3, 4), np.int64([0, 1, 2, 3, 4])))),
    ),
    OpInfo(
        "take_along_dim",
        lambda m, x, i, dim: m.take_along_dim(x, i, dim),
        _samples(
            Sample((arr(3, 4), idx(3, 2, high=4)), {"dim": 1}, "dim1"),
            Sample((arr(3, 4), idx(1, 4, high=3)), {"dim": 0}, "broadcast_index"),
            Sample((arr(3, 1), idx(3, 2, high=1)), {"dim": 0}, "broadcast_input"),
            Sample((arr(3, 4), idx(5, high=12)), {"dim": None}, "flat"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), idx(1, 4, high=3)), {"dim": 0})),
    ),
    OpInfo(
        "put",
        lambda m, x, i, s: x.put(i, s),
        _samples(Sample((arr(3, 4), np.int64([[0], [-1]]), arr(2, 1)), name="2d")),
        gradcheck_samples=_samples(Sample((f64(3, 4), np.int64([0, 7, -2]), f64(3)))),
    ),
    OpInfo(
        "put_accumulate",
        lambda m, x, i, s: m.put(x, i, s, accumulate=True),
        _samples(
            Sample((arr(3, 4), np.int64([1, 1, -1, 5]), arr(4))),
            Sample((arr(2, 3).T.copy(), np.int64([[0, 0]]), arr(1, 2)), name="2d"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), np.int64([1, 1, -1]), f64(3)))),
    ),
    OpInfo(
        "index_put",
        lambda m, x, i, v: x.index_put((i,), v),
        _samples(
            Sample((arr(4, 3), np.int64([2, 0]), arr(2, 3))),
            Sample((arr(4, 3), np.int64([2, 0]), arr(3)), name="broadcast_value"),
        ),
    ),
    OpInfo(
        "index_put_accumulate",
        lambda m, x, i, j, v: x.index_put((i, j), v, accumulate=True),
        _samples(Sample((arr(4, 3), np.int64([2, 0, 2]), np.int64([1, 1, 1]), arr(3)))),
    ),
)

# ---------------------------------------------------------------------------- no-grad searches

register(
    nograd(
        "nonzero",
        lambda m, x: (m.nonzero(x), m.nonzero(x, as_tuple=True), m.argwhere(x)),
        _samples(
            Sample((np.float32([[0, 1.5, 0], [2, 0, -1]]),), name="2d"),
            Sample((iarr(2, 3, 2, low=-1, high=2),), name="3d_int"),
            Sample((mask(5),), name="bool"),
            Sample((np.array(3, np.float32),), name="0d"),
            Sample((np.array(0, np.float32),), name="0d_zero"),
            Sample((np.zeros((0, 3), np.float32),), name="empty"),
        ),
    ),
    nograd(
        "Tensor.nonzero",
        lambda m, x: (x.nonzero(), x.argwhere(), x.nonzero(as_tuple=True)),
        _samples(Sample((iarr(3, 4, low=-1, high=2),))),
    ),
    nograd("where_condition_only", lambda m, x: m.where(x > 0), _samples(Sample((arr(3, 4),)))),
    nograd(
        "searchsorted",
        lambda m, s, v, **kw: m.searchsorted(s, v, **kw),
        _samples(
            Sample((np.float32([1, 3, 5, 7, 9]), np.float32([[3, 6, 9], [0, 10, 5]])), {}, "1d"),
            Sample((np.float32([1, 3, 5, 7, 9]), np.float32([3, 6, 9])), {"right": True}, "right"),
            Sample((np.float32([1, 3, 5, 7, 9]), np.float32([3, 6, 9])), {"side": "right"}, "side"),
            Sample(
                (np.float32([1, 3, 5, 7, 9]), np.float32([3, 6, 9])), {"out_int32": True}, "int32"
            ),
            Sample((np.float32([[1, 3, 5], [2, 4, 6]]), np.float32([[3, 0], [6, 4.5]])), {}, "2d"),
            Sample(
                (np.float32([[1, 3, 5], [2, 4, 6]]), np.float32([[3, 0], [6, 4.5]])),
                {"right": True},
                "2d_right",
            ),
            Sample((np.int64([0, 2, 4]), np.float32([1.5, 4, 5])), {}, "mixed_dtypes"),
        ),
    ),
    nograd(
        "searchsorted_sorter",
        lambda m, s, v, o: m.searchsorted(s, v, sorter=o),
        _samples(
            Sample(
                (
                    np.float32([[5, 1, 3], [0, 9, 4]]),
                    np.float32([[2, 3], [4, 10]]),
                    np.int64([[1, 2, 0], [0, 2, 1]]),
                )
            )
        ),
    ),
    nograd(
        "searchsorted_scalar",
        lambda m, s: (m.searchsorted(s, 4), m.bucketize(2.5, s)),
        _samples(Sample((np.float32([1, 3, 5]),))),
    ),
    nograd(
        "bucketize",
        lambda m, x, b: (
            m.bucketize(x, b),
            m.bucketize(x, b, right=True),
            m.bucketize(x, b, out_int32=True),
        ),
        _samples(Sample((np.int64([[1, 3], [5, 6]]), np.int64([1, 3, 5])))),
    ),
)

# ---------------------------------------------------------------------------- triangles, diagonals

register(
    OpInfo(
        "tril",
        lambda m, x, k: m.tril(x, k),
        _samples(
            Sample((arr(3, 4), 0), name="main"),
            Sample((arr(4, 3), -1), name="below"),
            Sample((arr(2, 3, 4), 2), name="batched_above"),
            Sample((arr(0, 3), 0), name="empty"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), -1))),
    ),
    OpInfo(
        "triu",
        lambda m, x, k: x.triu(k),
        _samples(
            Sample((arr(3, 4), 0), name="main"),
            Sample((arr(4, 3), -1), name="below"),
            Sample((arr(2, 3, 4), 2), name="batched_above"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), 1))),
    ),
    OpInfo(
        "tril_triu_noncontig",
        lambda m, x: m.tril(x.mT) + m.triu(x.mT, 1) * 2,
        _samples(Sample((arr(3, 4),))),
    ),
    nograd(
        "tril_triu_int_bool",
        lambda m, x: (m.tril(x, -1), m.triu(x > 0, 1)),
        _samples(Sample((iarr(3, 4),))),
    ),
    OpInfo(
        "diag",
        lambda m, x, k: m.diag(x, k),
        _samples(
            Sample((arr(3), 0), name="1d"),
            Sample((arr(3), 1), name="1d_above"),
            Sample((arr(2), -2), name="1d_below"),
            Sample((arr(3, 4), 0), name="2d"),
            Sample((arr(3, 4), 2), name="2d_above"),
            Sample((arr(3, 4), -1), name="2d_below"),
            Sample((arr(3, 4), 9), name="2d_outside"),
        ),
        gradcheck_samples=_samples(Sample((f64(3), -1)), Sample((f64(3, 4), 1))),
    ),
    OpInfo(
        "diagonal",
        lambda m, x, **kw: m.diagonal(x, **kw),
        _samples(
            Sample((arr(3, 4),), {}, "2d"),
            Sample((arr(3, 4),), {"offset": -1}, "below"),
            Sample((arr(2, 3, 4),), {"offset": 1, "dim1": 2, "dim2": 0}, "3d_dims"),
            Sample((arr(2, 3, 4),), {"dim1": -1, "dim2": -2}, "neg_dims"),
            Sample((arr(3, 3),), {"offset": 5}, "empty"),
        ),
        gradcheck_samples=_samples(Sample((f64(2, 2, 3),), {"offset": 1, "dim1": 1, "dim2": 2})),
    ),
    OpInfo(
        "Tensor.diagonal_noncontig", lambda m, x: x.mT.diagonal(-1), _samples(Sample((arr(3, 4),)))
    ),
    OpInfo(
        "diagflat",
        lambda m, x, k: m.diagflat(x, k),
        _samples(
            Sample((arr(2, 2), 0), name="2d"),
            Sample((arr(3), -1), name="below"),
            Sample((arr(), 1), name="0d"),
        ),
        gradcheck_samples=_samples(Sample((f64(2, 2), 1))),
    ),
    OpInfo(
        "diag_embed",
        lambda m, x, **kw: m.diag_embed(x, **kw),
        _samples(
            Sample((arr(2, 3),), {}, "default"),
            Sample((arr(2, 3),), {"offset": 1, "dim1": 0, "dim2": 2}, "dims"),
            Sample((arr(2, 3),), {"offset": -1, "dim1": -1, "dim2": 0}, "swapped"),
        ),
        gradcheck_samples=_samples(Sample((f64(2, 3),), {"offset": -1, "dim1": 2, "dim2": 0})),
    ),
    OpInfo(
        "diagonal_scatter",
        lambda m, x, s, **kw: m.diagonal_scatter(x, s, **kw),
        _samples(
            Sample((arr(3, 4), arr(3)), {}, "main"),
            Sample((arr(2, 3, 4), arr(3, 1)), {"offset": -1, "dim1": 0, "dim2": 2}, "dims"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 4), f64(3)), {"offset": 1})),
    ),
)

# ------------------------------------------------------------------------ repeats, grids, windows

register(
    OpInfo(
        "repeat_interleave",
        lambda m, x, **kw: m.repeat_interleave(x, **kw),
        _samples(
            Sample((arr(2, 3),), {"repeats": 2}, "flat"),
            Sample((arr(2, 3),), {"repeats": 3, "dim": 1}, "dim1"),
            Sample((arr(2, 3),), {"repeats": 0, "dim": 0}, "zero"),
            Sample((arr(),), {"repeats": 2}, "0d"),
        ),
        gradcheck_samples=_samples(Sample((f64(2, 3),), {"repeats": 2, "dim": -1})),
    ),
    OpInfo(
        "repeat_interleave_tensor",
        lambda m, x, r, **kw: m.repeat_interleave(x, r, **kw),
        _samples(
            Sample((arr(3, 2), np.int64([1, 0, 3])), {"dim": 0}, "dim0"),
            Sample((arr(3, 2), np.int64([2, 1])), {"dim": 1, "output_size": 3}, "size"),
            Sample((arr(3, 2), np.array(2)), {"dim": 0}, "0d_repeats"),
        ),
        gradcheck_samples=_samples(Sample((f64(3, 2), np.int64([1, 0, 3])), {"dim": 0})),
    ),
    nograd(
        "repeat_interleave_indices",
        lambda m, r: m.repeat_interleave(r),
        _samples(Sample((np.int64([2, 0, 3]),))),
    ),
    OpInfo(
        "meshgrid",
        lambda m, a, b, c, indexing: m.meshgrid(a, b, c, indexing=indexing),
        _samples(
            Sample((arr(2), arr(3), arr(1)), {"indexing": "ij"}, "ij"),
            Sample((arr(2), arr(3), arr()), {"indexing": "xy"}, "xy"),
        ),
        gradcheck_samples=_samples(Sample((f64(2), f64(3), f64(1)), {"indexing": "xy"})),
    ),
    OpInfo(
        "meshgrid_list",
        lambda m, a, b: m.meshgrid([a, b], indexing="xy"),
        _samples(Sample((arr(4), arr(2)))),
    ),
    OpInfo(
        "Tensor.unfold",
        lambda m, x, **kw: x.unfold(**kw),
        _samples(
            Sample((arr(3, 7),), {"dimension": 1, "size": 3, "step": 2}, "overlap"),
            Sample((arr(3, 7),), {"dimension": -1, "size": 2, "step": 3}, "gaps"),
            Sample((arr(5, 2, 2),), {"dimension": 0, "size": 5, "step": 1}, "whole"),
            Sample((arr(4, 3),), {"dimension": 0, "size": 0, "step": 1}, "size0"),
            Sample((arr(),), {"dimension": 0, "size": 1, "step": 1}, "0d"),
        ),
        gradcheck_samples=_samples(
            Sample((f64(2, 5),), {"dimension": 1, "size": 3, "step": 1}),
            Sample((f64(5, 2),), {"dimension": 0, "size": 2, "step": 2}),
        ),
    ),
    OpInfo(
        "Tensor.unfold_twice",
        lambda m, x: x.unfold(0, 2, 1).unfold(1, 2, 2),
        _samples(Sample((arr(4, 5),))),
        gradcheck_samples=_samples(Sample((f64(3, 4),))),
    ),
)

# ---------------------------------------------------------------------------- in-place forms


def _inplace(name, fn, samples, **kw):
    """``fn`` applied to a non-leaf copy of the first input, so autograd records it."""
    return OpInfo(f"Tensor.{name}_", lambda m, x, *a: fn(x * 1, *a), samples, **kw)


register(
    _inplace(
        "scatter",
        lambda y, i, s: y.scatter_(0, i, s),
        _samples(Sample((arr(4, 3), uidx(2, 4, 3), arr(2, 3)))),
        gradcheck_samples=_samples(Sample((f64(3, 2), uidx(2, 3, 2), f64(2, 2)))),
    ),
    _inplace(
        "scatter_add",
        lambda y, i, s: y.scatter_add_(0, i, s),
        _samples(Sample((arr(3, 4), idx(5, 4, high=3), arr(5, 4)))),
    ),
    _inplace(
        "scatter_reduce",
        lambda y, i, s: y.scatter_reduce_(0, i, s, "amin", include_self=False),
        _samples(Sample((arr(3, 4), idx(5, 4, high=3), arr(5, 4)))),
    ),
    _inplace(
        "index_add",
        lambda y, i, s: y.index_add_(1, i, s, alpha=2),
        _samples(Sample((arr(3, 4), idx(5, high=4), arr(3, 5)))),
    ),
    _inplace(
        "index_copy",
        lambda y, i, s: y.index_copy_(0, i, s),
        _samples(Sample((arr(4, 3), np.int64([3, 1]), arr(2, 3)))),
    ),
    _inplace(
        "index_fill",
        lambda y, i: y.index_fill_(1, i, 0.5),
        _samples(Sample((arr(3, 4), np.int64([3, 1])))),
    ),
    _inplace(
        "masked_scatter",
        lambda y, k, s: y.masked_scatter_(k, s),
        _samples(Sample((arr(3, 4), mask(4), arr(13)))),
    ),
    _inplace(
        "put",
        lambda y, i, s: y.put_(i, s, accumulate=True),
        _samples(Sample((arr(3, 4), np.int64([1, 1, 5]), arr(3)))),
    ),
    _inplace("tril", lambda y: y.tril_(-1), _samples(Sample((arr(3, 4),)))),
    _inplace("triu", lambda y: y.triu_(1), _samples(Sample((arr(2, 3, 4),)))),
    _inplace(
        "index_put",
        lambda y, i, v: y.index_put_((i,), v, accumulate=True),
        _samples(Sample((arr(3, 4), np.int64([0, 0, 2]), arr(4)))),
    ),
)
