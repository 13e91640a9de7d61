"""Sorting and selection primitives.

NOTE [ Selection by indices ]
Ops that pick elements (sort, topk, kthvalue, median/mode with a dim, max/min with a dim,
cummax/cummin, quantile) are two steps: a primitive without gradient (below) finds the int64
indices along a dim, then the ``gather`` primitive of :mod:`ember.ops.prims.indexing` picks the
values. ``gather``'s backward scatters the gradient back to those indices with ``scatter_add``,
whose backward is ``gather`` again, so the values of every selection op are differentiable to any
order. The indices travel as a raw array param.
"""

from __future__ import annotations

from .._registry import defop
from .cumulative import accumulate
from .pointwise import _no_complex

# ---------------------------------------------------------------------------- index finders


def _argsort_fwd(xp, x, dim, descending):
    """Stable argsort; descending keeps equal elements in their original order (NaN largest)."""
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")
    n = x.shape[dim]
    rev = xp.argsort(xp.flip(x, dim), axis=dim, kind="stable")
    return (n - 1) - xp.flip(rev, dim)


@defop("argsort")
def _argsort(xp, x, dim, descending):
    _no_complex(x, " Sort does not support complex dtypes on CPU", RuntimeError)
    return _argsort_fwd(xp, x, dim, descending).astype(xp.int64, copy=False)


@defop("topk_indices")
def _topk_indices(xp, x, k, dim, largest):
    _no_complex(x, " topk does not support complex dtypes on CPU", RuntimeError)
    n = x.shape[dim]
    if k == 0:
        shape = list(x.shape)
        shape[dim] = 0
        return xp.zeros(shape, dtype=xp.int64)
    if k < n:
        kth = n - k if largest else k - 1
        part = xp.argpartition(x, kth, axis=dim)
        keep = slice(n - k, n) if largest else slice(0, k)
        part = xp.sort(part[(slice(None),) * dim + (keep,)], axis=dim)  # ties: lowest index first
    else:
        part = xp.broadcast_to(xp.arange(n).reshape([-1] + [1] * (x.ndim - dim - 1)), x.shape)
    order = _argsort_fwd(xp, xp.take_along_axis(x, part, axis=dim), dim, largest)
    return xp.take_along_axis(part, order, axis=dim).astype(xp.int64, copy=False)


@defop("kthvalue_indices")
def _kth_indices(xp, x, k, dim):
    part = xp.argpartition(x, k - 1, axis=dim)
    return part[(slice(None),) * dim + (slice(k - 1, k),)].astype(xp.int64, copy=False)


@defop("median_indices")
def _median_indices(xp, x, dim, ignore_nan):
    """Index of the lower median along ``dim`` (kept as size 1); NaN handling as PyTorch."""
    # a stable sort picks, among equal elements, the one PyTorch's CPU kernel returns
    isnan = x != x
    order = xp.argsort(x, axis=dim, kind="stable")  # NaN sorts last
    if ignore_nan:
        count = xp.sum(~isnan, axis=dim, keepdims=True)
        k = xp.maximum((count - 1) // 2, 0)
        return xp.take_along_axis(order, k, axis=dim).astype(xp.int64, copy=False)
    k = (x.shape[dim] - 1) // 2
    picked = order[(slice(None),) * dim + (slice(k, k + 1),)]
    first_nan = xp.argmax(isnan, axis=dim, keepdims=True)
    has_nan = xp.any(isnan, axis=dim, keepdims=True)
    return xp.where(has_nan, first_nan, picked).astype(xp.int64, copy=False)


@defop("mode_indices")
def _mode_indices(xp, x, dim):
    """Index (kept as size 1) of the most frequent value's last occurrence; ties -> smallest."""
    order = xp.argsort(x, axis=dim, kind="stable")
    s = xp.take_along_axis(x, order, axis=dim)
    n = x.shape[dim]
    shape = [1] * x.ndim
    shape[dim] = n
    pos = xp.arange(n).reshape(shape)
    lead = [slice(None)] * dim
    new_run = xp.concatenate(
        [
            xp.ones_like(s[(*lead, slice(0, 1))], dtype=bool),
            s[(*lead, slice(1, None))] != s[(*lead, slice(None, -1))],
        ],
        axis=dim,
    )
    run_start = accumulate(xp.maximum, xp.where(new_run, pos, 0), dim)
    run_len = pos - run_start
    # the end of the first (smallest-valued) longest run; its sorted position maps to the last
    # original occurrence because the sort is stable
    end = xp.argmax(run_len, axis=dim, keepdims=True)
    return xp.take_along_axis(order, end, axis=dim).astype(xp.int64, copy=False)


# ---------------------------------------------------------------------------- no gradient


@defop("unique", n_outputs=3)
def _unique(xp, x, dim):
    if dim is None:
        values, inverse, counts = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        inverse = inverse.reshape(x.shape)
    else:
        values, inverse, counts = xp.unique(x, return_inverse=True, return_counts=True, axis=dim)
        inverse = inverse.reshape(-1)
    return values, inverse.astype(xp.int64, copy=False), counts.astype(xp.int64, copy=False)


@defop("unique_consecutive", n_outputs=3)
def _unique_consecutive(xp, x, dim):
    flat = x.reshape(-1) if dim is None else xp.moveaxis(x, dim, 0)
    n = flat.shape[0]
    if n == 0:
        empty = xp.zeros(0, dtype=xp.int64)
        return (flat, empty.reshape(x.shape), empty) if dim is None else (x, empty, empty)
    change = flat[1:] != flat[:-1]
    if change.ndim > 1:
        change = change.reshape(n - 1, -1).any(axis=1)
    starts = xp.concatenate([xp.ones(1, dtype=bool), change])
    group = xp.cumsum(starts) - 1
    first = xp.nonzero(starts)[0]
    counts = xp.diff(xp.concatenate([first, xp.asarray([n])]))
    values = flat[first]
    if dim is None:
        inverse = group.reshape(x.shape)
    else:
        values = xp.moveaxis(values, 0, dim)
        inverse = group
    return values, inverse.astype(xp.int64, copy=False), counts.astype(xp.int64, copy=False)


@defop("bincount")
def _bincount(xp, x, minlength):
    return xp.bincount(x, minlength=minlength).astype(xp.int64, copy=False)


@defop("bincount_weights")
def _bincount_weights(xp, x, w, minlength, dtype):
    return xp.bincount(x, weights=w, minlength=minlength).astype(dtype, copy=False)


@defop("histc")
def _histc(xp, x, bins, lo, hi):
    counts, _ = xp.histogram(x.reshape(-1), bins=bins, range=(lo, hi))
    return counts.astype(x.dtype)


@defop("select_value")
def _select_value(xp, x, v):
    return v.copy()


@_select_value.vjp(save_inputs=True)
def _select_value_backward(ctx, g):
    # the gradient is split evenly among the elements equal to the value (as PyTorch's
    # evenly_distribute_backward); a NaN value matches the NaN elements
    x, v = ctx.inputs
    mask = (x == v) | (x.isnan() & v.isnan())
    count = mask.sum()
    return (g / count).expand(x.shape).where(mask, 0.0), None
