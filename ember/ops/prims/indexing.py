"""Indexing primitives: gather/scatter, index_select/index_add, masks, diagonals, windows.

Index arrays travel as keyword params (raw arrays, already validated by the public functions in
:mod:`ember.ops.prims.indexing`), so a node keeps only the index and never the indexed tensor
unless its backward needs it. Each backward is written with these same primitives, so double
backward works: gather and scatter_add are each other's adjoints, as are index_select and
index_add, diagonal and diagonal_scatter, unfold and its backward.
"""

from __future__ import annotations

from ..._backend import backend_of
from ..._tensor import _wrap
from .._registry import defop
from . import shape as S


def _xp(t):
    return backend_of(t._data).xp


def _along(xp, index, dim):
    """The fancy index addressing ``x[i0, .., index[i], .., ik]`` for gather/scatter on ``dim``."""
    key = []
    for d, n in enumerate(index.shape):
        if d == dim:
            key.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            key.append(xp.arange(n).reshape(shape))
    return tuple(key)


def _prefix(shape):
    return tuple(slice(0, n) for n in shape)


def _crop(src, shape):
    """``src`` cut down to ``shape`` (the leading block), as a differentiable view."""
    if tuple(src.shape) == tuple(shape):
        return src
    return S._basic_index(src, key=_prefix(shape))


def _pad(g, shape):
    """``g`` placed in the leading block of zeros of ``shape`` (the adjoint of ``_crop``)."""
    if tuple(g.shape) == tuple(shape):
        return g
    return S._index_scatter(g, shape=tuple(shape), key=_prefix(g.shape), accumulate=False)


# ---------------------------------------------------------------------------- gather / scatter


@defop("gather")
def _gather(xp, x, index, dim):
    return x[_along(xp, index, dim)]


@_gather.vjp()
def _gather_backward(ctx, g):
    p = ctx.params
    return _scatter_add(g.new_zeros(ctx.in_meta[0][0]), g, index=p["index"], dim=p["dim"])


@defop("scatter_add")
def _scatter_add(xp, x, src, index, dim):
    out = x.copy()
    S.ufunc_at(xp, xp.add, out, _along(xp, index, dim), src[_prefix(index.shape)])
    return out


@_scatter_add.vjp()
def _scatter_add_backward(ctx, g):
    p = ctx.params
    gsrc = None
    if ctx.needs_input_grad[1]:
        gsrc = _pad(_gather(g, index=p["index"], dim=p["dim"]), ctx.in_meta[1][0])
    return g, gsrc


@defop("scatter")
def _scatter(xp, x, src, index, dim):
    out = x.copy()
    out[_along(xp, index, dim)] = src[_prefix(index.shape)]
    return out


@_scatter.vjp()
def _scatter_backward(ctx, g):
    p = ctx.params
    need = ctx.needs_input_grad
    gx = _scatter_value(g, index=p["index"], dim=p["dim"], value=0) if need[0] else None
    gsrc = None
    if need[1]:
        gsrc = _pad(_gather(g, index=p["index"], dim=p["dim"]), ctx.in_meta[1][0])
    return gx, gsrc


@defop("scatter_value")
def _scatter_value(xp, x, index, dim, value):
    out = x.copy()
    out[_along(xp, index, dim)] = value
    return out


@_scatter_value.vjp()
def _scatter_value_backward(ctx, g):
    p = ctx.params
    return _scatter_value(g, index=p["index"], dim=p["dim"], value=0)


_REDUCE_UFUNC = {"sum": "add", "mean": "add", "amax": "maximum", "amin": "minimum"}


def _multiply_at(xp, out, key, src):
    """``out[key] *= src`` with repeated positions multiplied in (CuPy has no ``multiply.at``).

    The values are sorted by target; neighbours bound for the same target are multiplied
    pairwise until one value per target is left (log2 of the largest multiplicity rounds),
    and those are written with plain fancy indexing, which has no repeats any more.
    """
    lin = xp.broadcast_to(S.flat_positions(xp, out.shape, key), src.shape).reshape(-1)
    order = xp.argsort(lin)
    lin, vals = lin[order], src.reshape(-1)[order]
    while lin.size:
        rank = xp.arange(lin.size) - xp.searchsorted(lin, lin)  # place within its target's run
        if int(rank.max()) == 0:
            break
        even = rank % 2 == 0
        pair = xp.nonzero(even[:-1] & (lin[1:] == lin[:-1]))[0]
        vals[pair] *= vals[pair + 1]
        lin, vals = lin[even], vals[even]
    out.reshape(-1)[lin] *= vals


def _identity(xp, reduce, dtype):
    """The value a position starts from when ``include_self=False``."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    kind = xp.dtype(dtype).kind
    if kind == "b":
        return reduce == "amin"
    if kind in "iu":
        info = xp.iinfo(dtype)
        return info.min if reduce == "amax" else info.max
    return -float("inf") if reduce == "amax" else float("inf")


@defop("scatter_reduce")
def _scatter_reduce(xp, x, src, index, dim, reduce, include_self):
    out = x.copy()
    key = _along(xp, index, dim)
    if not include_self:
        out[key] = _identity(xp, reduce, x.dtype)
    src = src[_prefix(index.shape)]
    if reduce == "prod":
        _multiply_at(xp, out, key, src)
    else:
        S.ufunc_at(xp, getattr(xp, _REDUCE_UFUNC[reduce]), out, key, src)
    if reduce == "mean":
        count = xp.zeros(x.shape, dtype=xp.int64)
        S.ufunc_at(xp, xp.add, count, key, xp.ones((), dtype=xp.int64))
        if include_self:
            count += 1
        count[count == 0] = 1
        if out.dtype.kind == "f":
            out /= count.astype(out.dtype)
        else:
            out //= count.astype(out.dtype)
    return out


@_scatter_reduce.vjp(save_inputs=True, save_output=True)
def _scatter_reduce_backward(ctx, g):
    # PyTorch's scatter_reduce_backward (FunctionsManual.cpp), formula by formula.
    x, src = ctx.inputs
    result = ctx.output
    p = ctx.params
    index, dim, reduce, include_self = p["index"], p["dim"], p["reduce"], p["include_self"]
    src_shape = src.shape
    src = _crop(src, index.shape)

    def gather(t):
        return _gather(t, index=index, dim=dim)

    def scatter_add(t, s):
        return _scatter_add(t, s, index=index, dim=dim)

    if reduce == "sum":
        gx, gsrc = g, gather(g)
    elif reduce == "prod":
        masked_x = x.masked_fill(x == 0, 1)
        masked_x_result = _scatter_reduce(masked_x, src, **p)
        gx = g * masked_x_result / masked_x
        src_zero = src == 0
        n_zeros = gather(scatter_add(x.new_zeros(x.shape), src_zero.to(x.dtype)))
        single_zero = src_zero & (n_zeros == 1)
        masked_src_result = _scatter_reduce(x, src.masked_fill(single_zero, 1), **p)
        gsrc = gather(g * masked_src_result).where(
            single_zero, gather(g * result) / src.masked_fill(src_zero, 1)
        )
    elif reduce == "mean":
        n = g.new_ones(g.shape) if include_self else g.new_zeros(g.shape)
        n = scatter_add(n, g.new_ones(index.shape))
        n = n.masked_fill(n == 0, 1)
        gx = g / n
        gsrc = gather(g) / gather(n)
    else:  # amax / amin: the gradient is shared evenly between tied winners
        value = gather(result)
        x_wins = (x == result).to(g.dtype)
        src_wins = (src == value).to(g.dtype)
        distributed = g / scatter_add(x_wins, src_wins)
        gx = x_wins * distributed
        gsrc = src_wins * gather(distributed)
    if not include_self:
        gx = _scatter_value(gx, index=index, dim=dim, value=0)
    return gx, _pad(gsrc, src_shape)


# ---------------------------------------------------------------------------- index_select family


def _dim_key(index, dim):
    return (slice(None),) * dim + (index,)


@defop("index_select")
def _index_select(xp, x, index, dim):
    return xp.take(x, index, axis=dim)


@_index_select.vjp()
def _index_select_backward(ctx, g):
    p = ctx.params
    return _index_add(g.new_zeros(ctx.in_meta[0][0]), g, index=p["index"], dim=p["dim"], alpha=1)


@defop("index_add")
def _index_add(xp, x, src, index, dim, alpha):
    out = x.copy()
    S.ufunc_at(xp, xp.add, out, _dim_key(index, dim), src if alpha == 1 else src * alpha)
    return out


@_index_add.vjp()
def _index_add_backward(ctx, g):
    p = ctx.params
    gsrc = None
    if ctx.needs_input_grad[1]:
        gsrc = _index_select(g, index=p["index"], dim=p["dim"])
        if p["alpha"] != 1:
            gsrc = gsrc * p["alpha"]
    return g, gsrc


@defop("index_copy")
def _index_copy(xp, x, src, index, dim):
    out = x.copy()
    out[_dim_key(index, dim)] = src
    return out


@_index_copy.vjp()
def _index_copy_backward(ctx, g):
    p = ctx.params
    need = ctx.needs_input_grad
    gx = _index_fill(g, g.new_zeros(()), **p) if need[0] else None
    gsrc = _index_select(g, **p) if need[1] else None
    return gx, gsrc


@defop("index_fill")
def _index_fill(xp, x, value, index, dim):
    out = x.copy()
    out[_dim_key(index, dim)] = value
    return out


@_index_fill.vjp()
def _index_fill_backward(ctx, g):
    p = ctx.params
    need = ctx.needs_input_grad
    gx = _index_fill(g, g.new_zeros(()), **p) if need[0] else None
    gv = None
    if need[1]:
        gv = _index_select(g, index=_xp(g).unique(p["index"]), dim=p["dim"]).sum()
    return gx, gv


# ---------------------------------------------------------------------------- masks


@defop("masked_scatter")
def _masked_scatter(xp, x, source, mask):
    out = x.copy()
    out[mask] = source.reshape(-1)[: int(mask.sum())]
    return out


@_masked_scatter.vjp()
def _masked_scatter_backward(ctx, g):
    mask = ctx.params["mask"]
    need = ctx.needs_input_grad
    gx = g.masked_fill(_wrap(mask), 0) if need[0] else None
    gsrc = None
    if need[1]:
        shape = ctx.in_meta[1][0]
        numel = 1
        for s in shape:
            numel *= s
        picked = S._advanced_index(g, key=(mask,))
        gsrc = _pad(picked, (numel,)).reshape(shape)
    return gx, gsrc


# ---------------------------------------------------------------------------- triangles


@defop("tril")
def _tril(xp, x, diagonal):
    return xp.tril(x, diagonal)


@_tril.vjp()
def _tril_backward(ctx, g):
    return _tril(g, **ctx.params)


@defop("triu")
def _triu(xp, x, diagonal):
    return xp.triu(x, diagonal)


@_triu.vjp()
def _triu_backward(ctx, g):
    return _triu(g, **ctx.params)


# ---------------------------------------------------------------------------- strided views


def _strided(xp, x, shape, strides):
    """A writable view of ``x``'s memory with byte ``strides`` (``x`` is the first element)."""
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def diagonal_shape(shape, offset, dim1, dim2):
    """The shape of ``diagonal(x, offset, dim1, dim2)`` for ``x`` of ``shape`` (dims wrapped)."""
    n1, n2 = shape[dim1], shape[dim2]
    length = max(min(n1, n2 - offset), 0) if offset >= 0 else max(min(n1 + offset, n2), 0)
    return tuple(s for d, s in enumerate(shape) if d not in (dim1, dim2)) + (length,)


def _diag_view(xp, x, offset, dim1, dim2):
    """The diagonal of ``x`` over ``dim1``/``dim2`` as a writable view, moved to the last dim."""
    start = [slice(None)] * x.ndim
    if offset >= 0:
        start[dim2] = slice(min(offset, x.shape[dim2]), None)
    else:
        start[dim1] = slice(min(-offset, x.shape[dim1]), None)
    shape = diagonal_shape(x.shape, offset, dim1, dim2)
    rest = [d for d in range(x.ndim) if d not in (dim1, dim2)]
    strides = tuple(x.strides[d] for d in rest) + (x.strides[dim1] + x.strides[dim2],)
    return _strided(xp, x[tuple(start)], shape, strides)


@defop("diagonal", view=True)
def _diagonal(xp, x, offset, dim1, dim2):
    return _diag_view(xp, x, offset, dim1, dim2)


@_diagonal.vjp()
def _diagonal_backward(ctx, g):
    return _diagonal_scatter(g.new_zeros(ctx.in_meta[0][0]), g, **ctx.params)


@defop("diagonal_scatter")
def _diagonal_scatter(xp, x, src, offset, dim1, dim2):
    out = x.copy()
    _diag_view(xp, out, offset, dim1, dim2)[...] = src
    return out


@_diagonal_scatter.vjp()
def _diagonal_scatter_backward(ctx, g):
    need = ctx.needs_input_grad
    gx = gsrc = None
    if need[0]:
        zeros = g.new_zeros(diagonal_shape(g.shape, **ctx.params))
        gx = _diagonal_scatter(g, zeros, **ctx.params)
    if need[1]:
        gsrc = _diagonal(g, **ctx.params)
    return gx, gsrc


def _windows(xp, x, dim, size, step):
    n = x.shape[dim]
    count = (n - size) // step + 1
    shape = x.shape[:dim] + (count,) + x.shape[dim + 1 :] + (size,)
    st = x.strides
    strides = st[:dim] + (st[dim] * step,) + st[dim + 1 :] + (st[dim],)
    return _strided(xp, x, shape, strides)


@defop("unfold", view=True)
def _unfold(xp, x, dim, size, step):
    return _windows(xp, x, dim, size, step)


@_unfold.vjp()
def _unfold_backward(ctx, g):
    return _unfold_grad(g, shape=ctx.in_meta[0][0], **ctx.params)


@defop("unfold_backward")
def _unfold_grad(xp, g, shape, dim, size, step):
    out = xp.zeros(shape, dtype=g.dtype)
    count = g.shape[dim]
    # one vectorised add per position inside the window (overlapping windows accumulate)
    for k in range(size):
        key = (slice(None),) * dim + (slice(k, k + step * (count - 1) + 1, step),)
        out[key] += g[..., k]
    return out


@_unfold_grad.vjp()
def _unfold_grad_backward(ctx, gg):
    p = ctx.params
    return _unfold(gg, dim=p["dim"], size=p["size"], step=p["step"])


# ---------------------------------------------------------------------------- no gradient


@defop("nonzero")
def _nonzero(xp, x):
    return xp.argwhere(x)


@defop("searchsorted")
def _searchsorted(xp, seq, values, right, out_int32):
    dtype = xp.int32 if out_int32 else xp.int64
    if seq.ndim == 1:
        return xp.searchsorted(seq, values, side="right" if right else "left").astype(dtype)
    # one search per row of boundaries: count the boundaries below each value
    s = seq[..., None, :]
    v = values[..., :, None]
    below = (s <= v) if right else (s < v)
    return below.sum(-1, dtype=dtype)
