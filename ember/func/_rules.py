"""Batching rules for NumPy on batched arrays (see NOTE [ vmap as a backend ] in
``_batched.py``): ufuncs, the common NumPy functions and indexing.

A rule handles the highest vmap level ``L`` among the arguments. Arguments batched at ``L``
give their physical ``value`` (batch dim first); the others are shared by every sample, and
stay as they are (NumPy's right-aligned broadcasting never reaches the batch dim, once each
batched operand has singleton dims inserted after its batch dim up to the result's rank). The
rule calls the same NumPy function on those arrays with the logical dims shifted by one, and
wraps the result at ``L``. A rule returns ``NotImplemented`` for a form it does not cover;
then the function runs once per sample (:func:`~ember.func._batched.per_sample`).
"""

from __future__ import annotations

import string

import numpy as np

from ._batched import (
    BATCHED_TYPES,
    NotBatchable,
    batch_size,
    batched,
    is_batched,
    level_of,
    max_level,
    per_sample,
)

__all__ = ["ufunc_rule", "function_rule", "shift_axis"]

_AxisError = np.exceptions.AxisError


# ---------------------------------------------------------------------------- helpers


def _ndim(x) -> int:
    return x.ndim if type(x) in BATCHED_TYPES else np.ndim(x)


def _shape(x) -> tuple:
    return x.shape if type(x) in BATCHED_TYPES else np.shape(x)


def shift_axis(axis, ndim: int) -> int:
    """A logical axis of a sample with ``ndim`` dims, as the axis of the physical array."""
    a = int(axis)
    if not -ndim <= a < ndim:
        raise _AxisError(a, ndim)
    return (a + ndim if a < 0 else a) + 1


def _shift_axes(axis, ndim: int):
    """``axis`` (None: all of them, an int or a tuple) shifted past the batch dim."""
    if axis is None:
        return tuple(range(1, ndim + 1))
    if isinstance(axis, (tuple, list)):
        return tuple(shift_axis(a, ndim) for a in axis)
    return shift_axis(axis, ndim)


def _align(x, level, n):
    """``x`` ready to broadcast against samples of rank ``n``: a batched array's value with
    singleton dims inserted after its batch dim; anything else unchanged."""
    if type(x) in BATCHED_TYPES and x.level == level:
        k = x.value.ndim - 1
        return x.value if k >= n else x.value[(slice(None),) + (None,) * (n - k)]
    return x


def _full(x, level, n_batch):
    """``x`` as a physical array of ``level``: batched arrays give their value, the others are
    broadcast (a view) along a new batch dim."""
    if type(x) in BATCHED_TYPES and x.level == level:
        return x.value
    return np.broadcast_to(x, (n_batch, *_shape(x)))


def _wrap(result, level):
    """Wrap a physical result (or each array of a tuple / namedtuple / list of them)."""
    if isinstance(result, tuple):
        parts = [_wrap(r, level) for r in result]
        return type(result)(*parts) if hasattr(type(result), "_fields") else tuple(parts)
    if isinstance(result, list):
        return [_wrap(r, level) for r in result]
    return batched(result, level)


def _others_batched(level, *objs) -> bool:
    return max_level(*objs) >= level


# ---------------------------------------------------------------------------- ufuncs


def ufunc_rule(ufunc, method, inputs, kwargs):
    out = kwargs.get("out")
    level = max_level(inputs, out or (), kwargs.get("where"))
    if out is not None and any(level_of(o) != level for o in out):
        raise NotBatchable("a ufunc writing batched values into an unbatched array")
    if method == "__call__":
        if ufunc.signature is None:
            return _elementwise(ufunc, level, inputs, kwargs)
        if ufunc is np.matmul and set(kwargs) <= {"dtype", "casting"}:
            return _matmul(level, *inputs, **kwargs)
    elif method in ("reduce", "accumulate") and out is None:
        a = inputs[0]
        where = kwargs.get("where", True)
        if is_batched(a, level) and (where is True or where is None):
            kw = dict(kwargs)
            axis = kw.pop("axis", 0)
            if method == "reduce":
                kw["axis"] = _shift_axes(axis, a.ndim)
            else:
                kw["axis"] = shift_axis(axis, a.ndim)
            return batched(getattr(ufunc, method)(a.value, **kw), level)
    mutated = (0,) if method == "at" else ()
    if out is not None:
        per_sample(getattr(ufunc, method), inputs, kwargs)
        return out[0] if len(out) == 1 else out
    return per_sample(getattr(ufunc, method), inputs, kwargs, mutated=mutated)


def _elementwise(ufunc, level, inputs, kwargs):
    where = kwargs.get("where")
    arrays = list(inputs) + ([where] if where is not None and where is not True else [])
    out = kwargs.get("out")
    n = max([_ndim(x) for x in arrays] + [o.ndim for o in out or ()])
    args = [_align(x, level, n) for x in inputs]
    if len(arrays) > len(inputs) or out:
        kwargs = dict(kwargs)
        if len(arrays) > len(inputs):
            kwargs["where"] = _align(where, level, n)
        if out:
            kwargs["out"] = tuple(o.value for o in out)
    res = ufunc(*args, **kwargs)
    if out:
        return out[0] if len(out) == 1 else out
    return _wrap(res, level)


def _stack_aligned(level, operands, cores):
    """Operands of a stacked (gufunc-like) operation with ``cores`` core dims each: batched
    ones get singleton dims after the batch dim so that all have as many stack dims."""
    stacks = [_ndim(a) - c for a, c in zip(operands, cores)]
    s = max(stacks)
    out = []
    for a, k in zip(operands, stacks):
        if is_batched(a, level) and k < s:
            a = a.value[(slice(None),) + (None,) * (s - k)]
        elif is_batched(a, level):
            a = a.value
        out.append(a)
    return out


def _matmul(level, a, b, **kw):
    ka, kb = _ndim(a), _ndim(b)
    if ka == 0 or kb == 0:
        return per_sample(np.matmul, (a, b), kw)
    a_vec = is_batched(a, level) and ka == 1
    b_vec = is_batched(b, level) and kb == 1
    if a_vec:
        a = batched(a.value[:, None, :], level)  # a (k,) sample as a (1, k) matrix
    if b_vec:
        b = batched(b.value[:, :, None], level)  # a (k,) sample as a (k, 1) matrix
    pa, pb = _stack_aligned(level, (a, b), (min(_ndim(a), 2), min(_ndim(b), 2)))
    res = np.matmul(pa, pb, **kw)
    if b_vec:
        res = res[..., 0]  # the column dim put in for b
    if a_vec:
        # the row dim put in for a: next to last, unless b was a plain vector (then last)
        res = res[..., 0, :] if (not b_vec and _ndim(b) >= 2) else res[..., 0]
    return batched(res, level)


# ---------------------------------------------------------------------------- functions

RULES: dict = {}
MUTATES: dict = {}


def function_rule(func, args, kwargs):
    level = max_level(args, kwargs)
    rule = RULES.get(func)
    if rule is not None:
        res = rule(level, *args, **kwargs)
        if res is not NotImplemented:
            return res
    out = kwargs.get("out")
    if out is not None:
        if level_of(out) != level:
            raise NotBatchable(f"{func.__name__}(out=) of an unbatched array")
        per_sample(func, args, kwargs, mutated=("out",))
        return out
    return per_sample(func, args, kwargs, mutated=MUTATES.get(func, ()))


def rule(*funcs):
    def register(fn):
        for f in funcs:
            RULES[f] = fn
        return fn

    return register


def _reduction(func, flat_none=False):
    def reduce(level, a, axis=None, *args, out=None, **kw):
        if not is_batched(a, level) or out is not None or _others_batched(level, args, kw):
            return NotImplemented
        k = a.ndim
        if axis is None and flat_none:  # argmax, cumsum: over the flattened sample
            v = a.value.reshape(a.value.shape[0], -1)
            res = func(v, 1, *args, **kw)
            if kw.get("keepdims"):
                res = res.reshape((res.shape[0],) + (1,) * k)
            return batched(res, level)
        return batched(func(a.value, _shift_axes(axis, k), *args, **kw), level)

    RULES[func] = reduce


for _f in (np.sum, np.mean, np.prod, np.max, np.min, np.all, np.any, np.std, np.var, np.ptp):
    _reduction(_f)
for _f in (np.amax, np.amin, np.nansum, np.nanmean, np.nanmax, np.nanmin, np.nanprod):
    _reduction(_f)
for _f in (np.nanstd, np.nanvar, np.median, np.nanmedian, np.count_nonzero):
    _reduction(_f)
for _f in (np.argmax, np.argmin, np.nanargmax, np.nanargmin, np.cumsum, np.cumprod):
    _reduction(_f, flat_none=True)
for _f in (np.nancumsum, np.nancumprod):
    _reduction(_f, flat_none=True)


@rule(np.reshape)
def _reshape(level, a, shape=None, order="C", *, newshape=None, copy=None):
    shape = newshape if shape is None else shape
    if not is_batched(a, level) or order != "C" or level_of(shape):
        return NotImplemented
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    kw = {} if copy is None else {"copy": copy}
    return batched(np.reshape(a.value, (a.value.shape[0], *shape), **kw), level)


@rule(np.ravel)
def _ravel(level, a, order="C"):
    if not is_batched(a, level) or order != "C":
        return NotImplemented
    return batched(np.reshape(a.value, (a.value.shape[0], -1)), level)


@rule(np.transpose)
def _transpose(level, a, axes=None):
    if not is_batched(a, level):
        return NotImplemented
    k = a.ndim
    axes = tuple(range(k - 1, -1, -1)) if axes is None else axes
    if len(axes) != k:
        raise ValueError("axes don't match array")
    return batched(np.transpose(a.value, (0, *(shift_axis(x, k) for x in axes))), level)


@rule(np.moveaxis)
def _moveaxis(level, a, source, destination):
    if not is_batched(a, level):
        return NotImplemented
    k = a.ndim
    return batched(np.moveaxis(a.value, _shift_axes(source, k), _shift_axes(destination, k)), level)


@rule(np.swapaxes)
def _swapaxes(level, a, axis1, axis2):
    if not is_batched(a, level):
        return NotImplemented
    return batched(
        np.swapaxes(a.value, shift_axis(axis1, a.ndim), shift_axis(axis2, a.ndim)), level
    )


@rule(np.expand_dims)
def _expand_dims(level, a, axis):
    if not is_batched(a, level):
        return NotImplemented
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    return batched(np.expand_dims(a.value, _shift_axes(axes, a.ndim + len(axes))), level)


@rule(np.squeeze)
def _squeeze(level, a, axis=None):
    if not is_batched(a, level):
        return NotImplemented
    if axis is None:
        axis = tuple(i for i, s in enumerate(a.shape) if s == 1)
    return batched(np.squeeze(a.value, _shift_axes(axis, a.ndim)), level)


@rule(np.broadcast_to)
def _broadcast_to(level, array, shape, subok=False):
    if not is_batched(array, level) or level_of(shape):
        return NotImplemented
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    v = _align(array, level, len(shape))
    return batched(np.broadcast_to(v, (v.shape[0], *shape)), level)


@rule(np.broadcast_arrays)
def _broadcast_arrays(level, *args, subok=False):
    shape = np.broadcast_shapes(*(_shape(a) for a in args))
    n = batch_size(args, level)
    out = []
    for a in args:
        if is_batched(a, level):
            out.append(batched(np.broadcast_to(_align(a, level, len(shape)), (n, *shape)), level))
        else:
            out.append(np.broadcast_to(a, shape))
    return tuple(out)


@rule(np.concatenate)
def _concatenate(level, arrays, axis=0, out=None, **kw):
    if axis is None or out is not None or _others_batched(level, kw) or not arrays:
        return NotImplemented
    n = batch_size(arrays, level)
    k = _ndim(arrays[0])
    full = [_full(a, level, n) for a in arrays]
    return batched(np.concatenate(full, shift_axis(axis, k), **kw), level)


@rule(np.stack)
def _stack(level, arrays, axis=0, out=None, **kw):
    if out is not None or _others_batched(level, kw) or not len(arrays):
        return NotImplemented
    n = batch_size(arrays, level)
    k = _ndim(arrays[0])
    full = [_full(a, level, n) for a in arrays]
    return batched(np.stack(full, shift_axis(axis, k + 1), **kw), level)


@rule(np.split, np.array_split)
def _split(level, ary, indices_or_sections, axis=0):
    if not is_batched(ary, level) or level_of(indices_or_sections):
        return NotImplemented
    func = np.split if isinstance(indices_or_sections, (int, np.integer)) else np.array_split
    parts = func(ary.value, indices_or_sections, shift_axis(axis, ary.ndim))
    return [batched(p, level) for p in parts]


@rule(np.where)
def _where(level, condition, x=None, y=None):
    if x is None or y is None:
        return NotImplemented
    n = max(_ndim(condition), _ndim(x), _ndim(y))
    args = [_align(v, level, n) for v in (condition, x, y)]
    return batched(np.where(*args), level)


@rule(np.clip)
def _clip(level, a, a_min=np._NoValue, a_max=np._NoValue, out=None, **kw):
    if out is not None:
        return NotImplemented
    vals = {"a_min": a_min, "a_max": a_max, **kw}
    vals = {k: v for k, v in vals.items() if v is not np._NoValue}
    n = max([_ndim(a)] + [_ndim(v) for v in vals.values() if v is not None])
    aligned = {k: (None if v is None else _align(v, level, n)) for k, v in vals.items()}
    return batched(np.clip(_align(a, level, n), **aligned), level)


@rule(np.isclose)
def _isclose(level, a, b, rtol=1e-5, atol=1e-8, equal_nan=False):
    n = max(_ndim(a), _ndim(b))
    res = np.isclose(_align(a, level, n), _align(b, level, n), rtol, atol, equal_nan)
    return batched(res, level)


def _elementwise_passthrough(func):
    def passthrough(level, x, *args, **kw):
        if not is_batched(x, level) or _others_batched(level, args, kw) or kw.get("out"):
            return NotImplemented
        return batched(func(x.value, *args, **kw), level)

    RULES[func] = passthrough


for _f in (np.round, np.around, np.nan_to_num, np.real, np.imag, np.astype, np.copy):
    _elementwise_passthrough(_f)
for _f in (np.zeros_like, np.ones_like, np.empty_like):
    _elementwise_passthrough(_f)
_elementwise_passthrough(np.full_like)


@rule(np.result_type)
def _result_type(level, *arrays_and_dtypes):
    return np.result_type(*(a.dtype if type(a) in BATCHED_TYPES else a for a in arrays_and_dtypes))


@rule(np.can_cast)
def _can_cast(level, from_, to, casting="safe"):
    return np.can_cast(from_.dtype if type(from_) in BATCHED_TYPES else from_, to, casting)


@rule(np.ndim)
def _ndim_rule(level, a):
    return _ndim(a)


@rule(np.shape)
def _shape_rule(level, a):
    return _shape(a)


@rule(np.size)
def _size_rule(level, a, axis=None):
    return int(np.prod(a.shape)) if axis is None else a.shape[axis]


@rule(np.iscomplexobj)
def _iscomplexobj(level, x):
    return np.iscomplexobj(x.value if type(x) in BATCHED_TYPES else x)


@rule(np.isrealobj)
def _isrealobj(level, x):
    return np.isrealobj(x.value if type(x) in BATCHED_TYPES else x)


@rule(np.may_share_memory, np.shares_memory)
def _shares(level, a, b, max_work=None):
    def plain(x):
        while type(x) in BATCHED_TYPES:
            x = x.value
        return x

    return np.may_share_memory(plain(a), plain(b))


def _axis_rule(func, axis_pos, default, allow_none=False):
    """A function of one array whose ``axis`` is its positional argument ``axis_pos``."""

    def apply(level, a, *args, **kw):
        if len(args) > axis_pos:  # positional arguments after the axis
            return NotImplemented
        args = list(args)
        axis = args.pop() if len(args) == axis_pos else kw.pop("axis", default)
        if (
            not is_batched(a, level)
            or _others_batched(level, args, kw)
            or kw.get("out") is not None
            or (axis is None and not allow_none)
        ):
            return NotImplemented
        return batched(func(a.value, *args, axis=_shift_axes(axis, a.ndim), **kw), level)

    RULES[func] = apply


_axis_rule(np.sort, 1, -1)
_axis_rule(np.argsort, 1, -1)
_axis_rule(np.partition, 2, -1)
_axis_rule(np.argpartition, 2, -1)
_axis_rule(np.flip, 1, None, allow_none=True)
_axis_rule(np.roll, 2, None)
_axis_rule(np.diff, 2, -1)


@rule(np.diagonal)
def _diagonal(level, a, offset=0, axis1=0, axis2=1):
    if not is_batched(a, level):
        return NotImplemented
    k = a.ndim
    return batched(np.diagonal(a.value, offset, shift_axis(axis1, k), shift_axis(axis2, k)), level)


@rule(np.trace)
def _trace(level, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    if not is_batched(a, level) or out is not None:
        return NotImplemented
    k = a.ndim
    return batched(
        np.trace(a.value, offset, shift_axis(axis1, k), shift_axis(axis2, k), dtype), level
    )


def _tri_rule(func):
    def apply(level, m, k=0):
        if not is_batched(m, level) or m.ndim < 2 or level_of(k):
            return NotImplemented
        return batched(func(m.value, k), level)

    RULES[func] = apply


_tri_rule(np.tril)
_tri_rule(np.triu)


@rule(np.repeat)
def _repeat(level, a, repeats, axis=None):
    if not is_batched(a, level) or level_of(repeats):
        return NotImplemented
    if axis is None:
        v = np.reshape(a.value, (a.value.shape[0], -1))
        return batched(np.repeat(v, repeats, axis=1), level)
    return batched(np.repeat(a.value, repeats, axis=shift_axis(axis, a.ndim)), level)


@rule(np.take)
def _take(level, a, indices, axis=None, out=None, mode="raise"):
    if out is not None:
        return NotImplemented
    if is_batched(a, level) and not is_batched(indices, level):
        if axis is None:
            v = np.reshape(a.value, (a.value.shape[0], -1))
            return batched(np.take(v, indices, axis=1, mode=mode), level)
        return batched(np.take(a.value, indices, axis=shift_axis(axis, a.ndim), mode=mode), level)
    if is_batched(indices, level) and not is_batched(a, level) and axis is not None:
        k = _ndim(a)
        ax = axis + k if axis < 0 else axis
        res = np.take(a, indices.value, axis=ax, mode=mode)
        return batched(np.moveaxis(res, ax, 0), level)
    return NotImplemented


@rule(np.take_along_axis)
def _take_along_axis(level, arr, indices, axis=-1):
    if axis is None:
        return NotImplemented
    n = batch_size((arr, indices), level)
    k = _ndim(arr)
    res = np.take_along_axis(_full(arr, level, n), _full(indices, level, n), shift_axis(axis, k))
    return batched(res, level)


@rule(np.put_along_axis)
def _put_along_axis(level, arr, indices, values, axis):
    if not is_batched(arr, level):
        raise NotBatchable("a write of batched values into an unbatched array")
    if axis is None:
        return NotImplemented
    n = arr.value.shape[0]
    k = arr.ndim
    vals = _full(values, level, n) if _ndim(values) else values
    np.put_along_axis(arr.value, _full(indices, level, n), vals, shift_axis(axis, k))
    return None


@rule(np.copyto)
def _copyto(level, dst, src, casting="same_kind", where=True):
    if not is_batched(dst, level):
        raise NotBatchable("a write of batched values into an unbatched array")
    n = dst.ndim
    np.copyto(dst.value, _align(src, level, n), casting=casting, where=_align(where, level, n))
    return


@rule(np.searchsorted)
def _searchsorted(level, a, v, side="left", sorter=None):
    if level_of(a) >= level or level_of(sorter) >= level:
        return NotImplemented
    return batched(np.searchsorted(a, v.value, side=side, sorter=sorter), level)


@rule(np.pad)
def _pad(level, array, pad_width, mode="constant", **kw):
    if not is_batched(array, level) or _others_batched(level, pad_width, kw):
        return NotImplemented
    if any(np.ndim(v) for v in kw.values() if not callable(v)):
        return NotImplemented
    widths = np.broadcast_to(np.asarray(pad_width, dtype=np.int64), (array.ndim, 2))
    widths = np.concatenate([np.zeros((1, 2), dtype=np.int64), widths])
    return batched(np.pad(array.value, widths, mode, **kw), level)


@rule(np.lib.stride_tricks.sliding_window_view)
def _sliding_window_view(level, x, window_shape, axis=None, *, subok=False, writeable=False):
    if not is_batched(x, level):
        return NotImplemented
    if axis is None:
        axis = tuple(range(x.ndim))
    res = np.lib.stride_tricks.sliding_window_view(
        x.value, window_shape, _shift_axes(axis, x.ndim), writeable=writeable
    )
    return batched(res, level)


# ---------------------------------------------------------------------------- products

_LETTERS = string.ascii_letters


def _implicit_output(inputs: list) -> str:
    counts: dict = {}
    for s in inputs:
        for c in s.replace("...", ""):
            counts[c] = counts.get(c, 0) + 1
    out = "".join(sorted(c for c, n in counts.items() if n == 1))
    return ("..." if any("..." in s for s in inputs) else "") + out


@rule(np.einsum)
def _einsum(level, *operands, out=None, **kw):
    if out is not None or not operands or not isinstance(operands[0], str):
        return NotImplemented
    subs, ops = operands[0].replace(" ", ""), operands[1:]
    ins, _, outs = subs.partition("->")
    inputs = ins.split(",")
    if len(inputs) != len(ops):
        return NotImplemented
    if "->" not in subs:
        outs = _implicit_output(inputs)
    free = [c for c in _LETTERS if c not in subs]
    if not free:
        return NotImplemented
    z = free[0]
    new_inputs = [z + s if is_batched(o, level) else s for s, o in zip(inputs, ops)]
    new_ops = [o.value if is_batched(o, level) else o for o in ops]
    res = np.einsum(",".join(new_inputs) + "->" + z + outs, *new_ops, **kw)
    return batched(res, level)


@rule(np.tensordot)
def _tensordot(level, a, b, axes=2):
    ka, kb = _ndim(a), _ndim(b)
    if isinstance(axes, (int, np.integer)):
        ax_a, ax_b = list(range(ka - axes, ka)), list(range(axes))
    else:
        ax_a, ax_b = axes
        ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
        ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    ax_a = [x + ka if x < 0 else x for x in ax_a]
    ax_b = [x + kb if x < 0 else x for x in ax_b]
    if ka + kb > 40 or len(ax_a) != len(ax_b):
        return NotImplemented
    la = list(_LETTERS[:ka])
    lb = list(_LETTERS[ka : ka + kb])
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in ax_a] + [
        c for j, c in enumerate(lb) if j not in ax_b
    ]
    return np.einsum(f"{''.join(la)},{''.join(lb)}->{''.join(out)}", a, b)


@rule(np.dot)
def _dot(level, a, b, out=None):
    if out is not None:
        return NotImplemented
    ka, kb = _ndim(a), _ndim(b)
    if ka == 0 or kb == 0:
        return np.multiply(a, b)
    return np.tensordot(a, b, axes=([ka - 1], [max(kb - 2, 0)]))


@rule(np.inner)
def _inner(level, a, b):
    if _ndim(a) == 0 or _ndim(b) == 0:
        return np.multiply(a, b)
    return np.tensordot(a, b, axes=([-1], [-1]))


@rule(np.outer)
def _outer(level, a, b, out=None):
    if out is not None:
        return NotImplemented
    return np.einsum("i,j->ij", np.ravel(a), np.ravel(b))


def _stacked_linalg(func, min_ndim=2):
    """A NumPy linalg function that works on stacks of matrices: the batch dim is one more
    stack dim."""

    def apply(level, a, *args, **kw):
        if not is_batched(a, level) or a.ndim < min_ndim or _others_batched(level, args, kw):
            return NotImplemented
        if kw.get("mode") == "raw":
            return NotImplemented
        return _wrap(func(a.value, *args, **kw), level)

    RULES[func] = apply


_LA = np.linalg
for _f in (_LA.inv, _LA.det, _LA.slogdet, _LA.cholesky, _LA.eigh, _LA.eigvalsh, _LA.eig):
    _stacked_linalg(_f)
for _f in (_LA.eigvals, _LA.svd, _LA.qr, _LA.pinv, _LA.matrix_power):
    _stacked_linalg(_f)


@rule(np.linalg.solve)
def _solve(level, a, b):
    if _ndim(a) < 2:
        return NotImplemented
    vec = _ndim(b) == 1
    if vec and is_batched(b, level):
        b = batched(b.value[..., None], level)
    elif vec:
        if not is_batched(a, level):
            return NotImplemented
        return batched(np.linalg.solve(a.value, b), level)
    pa, pb = _stack_aligned(level, (a, b), (2, 2))
    res = np.linalg.solve(pa, pb)
    return batched(res[..., 0] if vec else res, level)


@rule(np.linalg.norm)
def _norm(level, x, ord=None, axis=None, keepdims=False):  # noqa: A002
    if not is_batched(x, level):
        return NotImplemented
    k = x.ndim
    v = x.value
    if axis is None:
        if k == 1 or (k == 2):
            axis = tuple(range(k))
        elif ord is None:
            if keepdims:
                return NotImplemented
            v = np.reshape(v, (v.shape[0], -1))
            return batched(np.linalg.norm(v, None, 1), level)
        else:
            return NotImplemented
    ax = _shift_axes(axis, k)
    return batched(np.linalg.norm(v, ord, ax, keepdims), level)


MUTATES.update({np.copyto: (0,), np.put: (0,), np.place: (0,), np.putmask: (0,)})
MUTATES.update({np.fill_diagonal: (0,), np.put_along_axis: (0,)})
