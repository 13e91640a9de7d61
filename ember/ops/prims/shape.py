"""Shape primitives: views (view, permute, expand, slicing) and joins (cat).

Views share memory and the version counter with their input, as in PyTorch. Their backward
reshapes or re-permutes the gradient; expand needs none, since the engine sums a gradient back
to its input's shape.
"""

from __future__ import annotations

import math

from .._registry import defop


def _view_error(shape, new):
    return RuntimeError(
        "view size is not compatible with input tensor's size and stride (at "
        "least one dimension spans across two contiguous subspaces). Use "
        ".reshape(...) instead."
    )


@defop("view", view=True)
def _view(xp, x, shape):
    try:
        return xp.reshape(x, shape, copy=False)
    except ValueError:
        raise _view_error(x.shape, shape) from None
    except TypeError:  # array namespaces without reshape(copy=)
        out = x.view()
        out.shape = shape
        return out


@_view.vjp()
def _view_backward(ctx, g):
    return g.reshape(ctx.in_meta[0][0])


@defop("permute", view=True)
def _permute(xp, x, dims):
    return xp.transpose(x, dims)


@_permute.vjp()
def _permute_backward(ctx, g):
    dims = ctx.params["dims"]
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return g.permute(*inverse)


# transpose and t are permutes recorded under torch's names (TransposeBackward0, TBackward0)
@defop("transpose", view=True)
def _transpose(xp, x, dim0, dim1):
    return xp.swapaxes(x, dim0, dim1)


@_transpose.vjp()
def _transpose_backward(ctx, g):
    return g.transpose(ctx.params["dim0"], ctx.params["dim1"])


@defop("t", view=True)
def _t(xp, x):
    return xp.transpose(x)


@_t.vjp()
def _t_backward(ctx, g):
    return g.t()


@defop("expand", view=True)
def _expand(xp, x, shape):
    return xp.broadcast_to(x, shape)


@_expand.vjp()
def _expand_backward(ctx, g):
    return g


@defop("slice", view=True)
def _basic_index(xp, x, key):
    return x[key]


@_basic_index.vjp()
def _basic_index_backward(ctx, g):
    shape, dtype = ctx.in_meta[0]
    return _index_scatter(g, shape=shape, key=ctx.params["key"], accumulate=False)


@defop("index")
def _advanced_index(xp, x, key):
    return x[key]


@_advanced_index.vjp()
def _advanced_index_backward(ctx, g):
    shape, dtype = ctx.in_meta[0]
    return _index_scatter(g, shape=shape, key=ctx.params["key"], accumulate=True)


def flat_positions(xp, shape, key):
    """The C-order flat positions ``out[key]`` reads, for keys made only of integer arrays (one
    per dim, broadcast together) or of full slices around one integer array; else None."""
    if not isinstance(key, tuple):
        key = (key,)
    row = _row_key(shape, key)
    if row is not None:  # whole rows: one broadcast sum (Horner would pass over it per dim)
        pos, idx = row
        n, post, pre = shape[pos], math.prod(shape[pos + 1 :]), math.prod(shape[:pos])
        lin = _wrapped(xp, idx.reshape(-1), n)
        if post > 1:
            lin = (lin * post)[:, None] + xp.arange(post)
        if pre > 1:
            lin = (xp.arange(pre) * (n * post))[:, None] + lin.reshape(-1)
        return lin.reshape(shape[:pos] + idx.shape + shape[pos + 1 :])
    if not key or len(key) != len(shape) or not all(_is_int_array(k) for k in key):
        return None
    lin = xp.zeros(xp.broadcast(*key).shape, dtype=xp.int64)
    for c, n in zip(key, shape):  # Horner's rule, in place
        lin *= n
        lin += _wrapped(xp, c, n)
    return lin


def _is_int_array(k) -> bool:
    return getattr(k, "dtype", None) is not None and k.dtype.kind in "iu"


def _row_key(shape, key):
    """``(dim, index)`` when ``key`` (a tuple) is full slices around one integer array, which
    addresses whole rows along ``dim``; else None."""
    arrays = [d for d, k in enumerate(key) if not isinstance(k, slice)]
    if len(arrays) != 1 or len(key) > len(shape) or not _is_int_array(key[arrays[0]]):
        return None
    if any(k != slice(None) for k in key if isinstance(k, slice)):
        return None
    return arrays[0], key[arrays[0]]


def _wrapped(xp, idx, n):
    """``idx`` as int64 (flat positions can pass 2**31) with negative indices counted from the
    end."""
    idx = idx.astype(xp.int64, copy=False)
    return idx % n if idx.size and int(idx.min()) < 0 else idx


def ufunc_at(xp, ufunc, out, key, vals, zeros=False):
    """``ufunc.at(out, key, vals)``: ``out[key] = ufunc(out[key], vals)``, repeats included.

    NOTE [ Flat ufunc.at ]: NumPy's ``ufunc.at`` is slow on multi-dimensional keys (about 10x on
    a gather's backward); a key of integer arrays, or of full slices around one integer array,
    is first turned into flat positions of the contiguous ``out``, then applied on a 1-D view.
    Additions of whole rows that do not repeat are an assignment (:func:`add_rows`; ``zeros``:
    ``out`` is all zeros).
    """
    if ufunc is xp.add and add_rows(xp, out, key, vals, zeros):
        return
    lin = flat_positions(xp, out.shape, key) if out.flags.c_contiguous else None
    if lin is None:
        ufunc.at(out, key, vals)
        return
    lin, vals = xp.broadcast_arrays(lin, vals)
    ufunc.at(out.reshape(-1), lin.reshape(-1), vals.reshape(-1))


_MIN_ROW = 8  # rows this wide are worth a uniqueness check before ufunc.at


def add_rows(xp, out, key, vals, zeros=False):
    """``out[key] += vals`` as one fancy assignment when ``key`` is full slices around one
    integer array with no repeated index and rows of ``_MIN_ROW`` elements or more, on a
    contiguous ``out``; False (nothing done) otherwise. ``zeros``: ``out`` is all zeros.

    NOTE [ Scatter-add by rows ]: the backward of ``x[idx]``, ``index_select`` and ``embedding``
    adds rows of the gradient into rows of zeros. When no row repeats (a permutation, any unique
    set) that is a plain assignment; uniqueness costs one pass over a mark per row. Repeated rows
    go to ``add.at`` on flat positions (:func:`flat_positions`), which sums them in the order they
    occur; sorting the rows and summing runs with ``add.reduceat`` measured slower.
    """
    key = key if isinstance(key, tuple) else (key,)
    row = _row_key(out.shape, key) if out.flags.c_contiguous else None
    if row is None:
        return False
    pos, idx = row
    shape = out.shape
    n, post, pre, m = shape[pos], math.prod(shape[pos + 1 :]), math.prod(shape[:pos]), idx.size
    if post < _MIN_ROW or m > n:
        return False
    if m == 0:
        return True
    i = _wrapped(xp, idx.reshape(-1), n)
    mark = xp.zeros(n, dtype=bool)
    mark[i] = True
    if int(xp.count_nonzero(mark)) != m:  # a row repeats
        return False
    v = xp.broadcast_to(vals, shape[:pos] + idx.shape + shape[pos + 1 :]).reshape(pre, m, post)
    o = out.reshape(pre, n, post)
    if zeros:
        o[:, i] = v
    else:
        o[:, i] += v
    return True


@defop("index_backward")
def _index_scatter(xp, g, shape, key, accumulate):
    out = xp.zeros(shape, dtype=g.dtype)
    if accumulate:
        ufunc_at(xp, xp.add, out, key, g, zeros=True)
    else:
        out[key] = g
    return out


@_index_scatter.vjp()
def _index_scatter_backward(ctx, gg):
    key = ctx.params["key"]
    return gg[key] if not ctx.params["accumulate"] else _advanced_index(gg, key=key)


@defop("index_put")
def _index_put(xp, x, v, key, accumulate):
    out = x.copy()
    if accumulate:
        ufunc_at(xp, xp.add, out, key, v)
    else:
        out[key] = v
    return out


@_index_put.vjp()
def _index_put_backward(ctx, g):
    key, accumulate = ctx.params["key"], ctx.params["accumulate"]
    need = ctx.needs_input_grad
    gx = gv = None
    if need[0]:
        gx = g if accumulate else _index_put(g, g.new_zeros(()), key=key, accumulate=False)
    if need[1]:
        gv = _advanced_index(g, key=key)
        vshape = ctx.in_meta[1][0]
        if gv.shape != vshape:  # values were broadcast (NumPy also drops their leading 1s)
            lead = len(vshape) - len(gv.shape)
            if lead > 0:
                gv = gv.reshape((1,) * lead + tuple(gv.shape))
            gv = gv.sum_to_size(vshape)
    return gx, gv


@defop("cat")
def _cat(xp, *xs, dim, shapes):
    return xp.concatenate(xs, axis=dim)


@_cat.vjp()
def _cat_backward(ctx, g):
    dim = ctx.params["dim"]
    out = []
    start = 0
    for meta, shape in zip(ctx.in_meta, ctx.params["shapes"]):
        size = shape[dim]
        out.append(g.narrow(dim, start, size) if meta is not None else None)
        start += size
    return tuple(out)


@defop("flip")
def _flip(xp, x, dims):
    return xp.flip(x, dims).copy()


@_flip.vjp()
def _flip_backward(ctx, g):
    return g.flip(ctx.params["dims"])


@defop("roll")
def _roll(xp, x, shifts, dims):
    return xp.roll(x, shifts, dims)


@_roll.vjp()
def _roll_backward(ctx, g):
    shifts = ctx.params["shifts"]
    neg = tuple(-s for s in shifts) if isinstance(shifts, tuple) else -shifts
    return g.roll(neg, ctx.params["dims"])


@defop("clone")
def _copy(xp, x):
    return x.copy()  # C order, always a new buffer


@_copy.vjp()
def _copy_backward(ctx, g):
    return g


@defop("repeat")
def _tile(xp, x, reps):
    return xp.tile(x, reps)


@_tile.vjp()
def _tile_backward(ctx, g):
    reps = ctx.params["reps"]
    shape = ctx.in_meta[0][0]
    lead = len(reps) - len(shape)
    full = (1,) * lead + tuple(shape)
    # split each dim of size r*s into (r, s) and sum over the r axes
    split = []
    for r, s in zip(reps, full):
        split += [r, s]
    summed = g.reshape(*split).sum(dim=tuple(range(0, 2 * len(reps), 2)))
    return summed.reshape(shape)
