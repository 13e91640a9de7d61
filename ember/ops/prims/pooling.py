"""Pooling primitives: max pooling with indices (regular and adaptive windows), average pooling,
and the index scatter / gather pair that serves max pooling's backward and max unpooling.

Layout: input (N, C, *S) for any number of spatial dims; the functional layer adds the batch
dim to unbatched input.

NOTE [ Max pooling by kernel offsets ]
The windows are visited one kernel offset at a time, in row-major order: the candidate at an
offset is a strided slice of the input (padded with the dtype's lowest value) for regular
windows, or a ``take`` of one column of the window table for adaptive ones, whose windows
differ in length (positions past a window's end repeat its last position, which changes
neither the first maximum nor the last NaN). A running max keeps the first maximum (``>``); in
a window holding a NaN the last NaN wins (PyTorch's rule, applied in a second pass only when
the result has a NaN). The winning offset becomes a coordinate per dim, then a flat index into
the input plane. When a whole window is -inf the first offset wins; if that lies in the left
padding it moves to the first position inside the input, as PyTorch reports it.
The backward routes each output's gradient to its argmax: a plain assignment when the windows
do not overlap, else a ``bincount`` (a vectorised scatter-add) over flat per-plane indices.
"""

from __future__ import annotations

import itertools
import math

from .._registry import defop
from .conv import col2im, pad_array

# ---------------------------------------------------------------------------- window specs
# One spec per spatial dim: ("regular", size, out, kernel, stride, padding, dilation) or
# ("adaptive", size, out).


def _adaptive_table(xp, size, out):
    """(out, k) input positions of PyTorch's adaptive windows, short rows padded with the end."""
    k = max((-(-(i + 1) * size // out) - i * size // out for i in range(out)), default=1)
    o = xp.arange(out)
    start = (o * size // out)[:, None]
    end = (-(-(o + 1) * size // out))[:, None]
    idx = start + xp.arange(k)[None, :]
    return xp.where(idx < end, idx, end - 1)


def _overlapping(specs) -> bool:
    """Whether two windows can share an input position (then gradients must be summed)."""
    for spec in specs:
        if spec[0] == "regular":
            _, _, _, k, s, _, d = spec
            if s < d * (k - 1) + 1:
                return True
        elif spec[1] % spec[2]:
            return True
    return False


def _lowest(xp, dtype):
    return -xp.inf if xp.dtype(dtype).kind == "f" else xp.iinfo(dtype).min


def _strided(x, axis, start, step, count):
    """``x`` sliced along ``axis`` to ``count`` positions from ``start`` by ``step``."""
    index = [slice(None)] * x.ndim
    index[axis] = slice(start, start + step * (count - 1) + 1 if count else start, step)
    return x[tuple(index)]


def _candidate(xp, xpad, specs, tables, offs):
    """The input value each window holds at kernel offset ``offs``."""
    cand = xpad
    for d, (spec, j) in enumerate(zip(specs, offs)):
        if spec[0] == "regular":
            cand = _strided(cand, 2 + d, j * spec[6], spec[4], spec[2])
        else:
            cand = xp.take(cand, tables[d][:, j], axis=2 + d)
    return cand


def _offsets_max(xp, x, specs):
    """Max over the windows of ``specs``: values and flat per-plane input indices."""
    nd = len(specs)
    pairs = [
        (s[5], max((s[2] - 1) * s[4] + s[6] * (s[3] - 1) + 1 - s[1] - s[5], 0))
        if s[0] == "regular"
        else (0, 0)
        for s in specs
    ]
    xpad = pad_array(xp, x, pairs, _lowest(xp, x.dtype))
    tables = [None if s[0] == "regular" else _adaptive_table(xp, s[1], s[2]) for s in specs]
    ks = [s[3] if s[0] == "regular" else t.shape[1] for s, t in zip(specs, tables)]
    best = arg = wins = None
    small = xp.int8 if math.prod(ks) < 128 else xp.int32
    for n, offs in enumerate(itertools.product(*(range(k) for k in ks))):
        cand = _candidate(xp, xpad, specs, tables, offs)
        if best is None:
            best = xp.array(cand, copy=True)
            arg = xp.zeros(best.shape, dtype=small)
            wins = xp.empty(best.shape, dtype=bool)
            continue
        xp.greater(cand, best, out=wins)
        xp.maximum(best, cand, out=best)
        # offsets grow with n, so the latest strict winner is max(arg, wins * n): plain
        # arithmetic, 4x faster than a masked copy
        xp.maximum(arg, wins * small(n), out=arg)
    arg = arg.astype(xp.int64)
    if xp.dtype(x.dtype).kind == "f" and bool(xp.isnan(best).any()):
        # PyTorch's rule: a NaN always takes the window, so the last NaN wins
        for n, offs in enumerate(itertools.product(*(range(k) for k in ks))):
            cand = _candidate(xp, xpad, specs, tables, offs)
            xp.copyto(arg, n, where=xp.isnan(cand))
    flat = None
    after = math.prod(ks)
    for d, spec in enumerate(specs):
        after //= ks[d]
        j = arg // after if after > 1 else arg
        if d:
            j = j % ks[d]
        rows = xp.arange(spec[2]).reshape((spec[2],) + (1,) * (nd - 1 - d))
        if spec[0] == "regular":
            _, _, _, _, s, p, dil = spec
            c = rows * s - p + j * dil
            if p and dil == 1:
                c = xp.maximum(c, 0)
            elif p:
                c = xp.where(c < 0, c % dil, c)
        else:
            c = tables[d][rows, j]
        flat = c if flat is None else flat * spec[1] + c
    return best, flat


# ---------------------------------------------------------------------------- max pooling


@defop("max_pool_with_indices", aux=True, n_outputs=2)
def _max_pool(xp, x, specs):
    out, idx = _offsets_max(xp, x, specs)
    return (out, idx), idx


@_max_pool.vjp()
def _max_pool_backward(ctx, g, _):
    return _pool_scatter(
        g,
        indices=ctx.aux,
        shape=tuple(ctx.in_meta[0][0]),
        overlap=_overlapping(ctx.params["specs"]),
    )


@defop("max_pool_backward")
def _pool_scatter(xp, g, indices, shape, overlap):
    planes = shape[0] * shape[1]
    size = math.prod(shape[2:])
    per = math.prod(g.shape[2:])
    g2 = g.reshape(planes, per)
    i2 = indices.reshape(planes, per)
    if overlap:
        flat = (i2 + xp.arange(planes)[:, None] * size).reshape(-1)
        out = xp.bincount(flat, weights=g2.reshape(-1), minlength=planes * size)
        return out.astype(g.dtype).reshape(shape)
    out = xp.zeros((planes, size), dtype=g.dtype)
    out[xp.arange(planes)[:, None], i2] = g2
    return out.reshape(shape)


@_pool_scatter.vjp()
def _pool_scatter_backward(ctx, gg):
    p = ctx.params
    return _pool_gather(gg, indices=p["indices"], overlap=p["overlap"])


@defop("max_pool_double_backward")
def _pool_gather(xp, x, indices, overlap):
    planes = x.shape[0] * x.shape[1]
    flat = x.reshape(planes, math.prod(x.shape[2:]))
    i2 = indices.reshape(planes, math.prod(indices.shape[2:]))
    return xp.take_along_axis(flat, i2, axis=1).reshape(indices.shape)


@_pool_gather.vjp()
def _pool_gather_backward(ctx, g):
    p = ctx.params
    return _pool_scatter(
        g, indices=p["indices"], shape=tuple(ctx.in_meta[0][0]), overlap=p["overlap"]
    )


def max_pool(x, specs):
    """(values, int64 flat per-plane indices) of max pooling ``x`` (N, C, *S) over box windows."""
    return _max_pool(x, specs=tuple(specs))


def unpool(x, indices, shape):
    """Max unpooling: ``x`` (N, C, *So) written at ``indices`` into zeros of ``shape``."""
    return _pool_scatter(x, indices=indices._data, shape=tuple(shape), overlap=False)


# ---------------------------------------------------------------------------- average pooling


def _divisor(
    xp, in_shape, kernel, stride, padding, out_shape, count_include_pad, divisor_override, dtype
):
    """PyTorch's per-window divisor (broadcasts over the output's spatial dims)."""
    if divisor_override is not None:
        return divisor_override
    nd = len(in_shape)
    div = None
    for d, (n, k, s, p, m) in enumerate(zip(in_shape, kernel, stride, padding, out_shape)):
        start = xp.arange(m) * s - p
        end = xp.minimum(start + k, n + p)
        size = end - start if count_include_pad else xp.minimum(end, n) - xp.maximum(start, 0)
        size = size.reshape((m,) + (1,) * (nd - 1 - d))
        div = size if div is None else div * size
    return div.astype(dtype)


def _divide(xp, total, div, dtype):
    if xp.dtype(dtype).kind in "iub":
        return xp.trunc(total / div).astype(dtype)
    return (total / div).astype(dtype, copy=False)


@defop("avg_pool")
def _avg_pool(xp, x, kernel, stride, padding, out_shape, count_include_pad, divisor_override):
    pairs = tuple(
        (p, max((m - 1) * s + k - n - p, 0))
        for n, k, s, p, m in zip(x.shape[2:], kernel, stride, padding, out_shape)
    )
    xpad = pad_array(xp, x, pairs)
    total = None
    for offs in itertools.product(*(range(k) for k in kernel)):
        cand = xpad
        for d, (j, s, m) in enumerate(zip(offs, stride, out_shape)):
            cand = _strided(cand, 2 + d, j, s, m)
        if total is None:
            acc = x.dtype if xp.dtype(x.dtype).kind == "f" else xp.int64
            total = cand.astype(acc, copy=True)
        else:
            total += cand
    div = _divisor(
        xp,
        x.shape[2:],
        kernel,
        stride,
        padding,
        out_shape,
        count_include_pad,
        divisor_override,
        x.dtype,
    )
    return _divide(xp, total, div, x.dtype)


@_avg_pool.vjp()
def _avg_pool_vjp(ctx, g):
    return _avg_pool_backward(g, in_shape=tuple(ctx.in_meta[0][0][2:]), **ctx.params)


@defop("avg_pool_backward")
def _avg_pool_backward(
    xp, g, in_shape, kernel, stride, padding, out_shape, count_include_pad, divisor_override
):
    nd = len(kernel)
    div = _divisor(
        xp,
        in_shape,
        kernel,
        stride,
        padding,
        out_shape,
        count_include_pad,
        divisor_override,
        g.dtype,
    )
    share = g / div
    cols = xp.broadcast_to(
        share.reshape(g.shape[:2] + (1,) * nd + g.shape[2:]),
        g.shape[:2] + tuple(kernel) + g.shape[2:],
    )
    pairs = tuple(
        (p, max((m - 1) * s + k - n - p, 0))
        for n, k, s, p, m in zip(in_shape, kernel, stride, padding, out_shape)
    )
    return col2im(xp, cols, in_shape, stride, pairs, (1,) * nd).astype(g.dtype, copy=False)


@_avg_pool_backward.vjp()
def _avg_pool_backward_vjp(ctx, gg):
    p = dict(ctx.params)
    del p["in_shape"]
    return _avg_pool(gg, **p)


def avg_pool(x, kernel, stride, padding, out_shape, count_include_pad, divisor_override):
    """Average pooling of ``x`` (N, C, *S) with PyTorch's divisor rules (no dilation)."""
    return _avg_pool(
        x,
        kernel=tuple(kernel),
        stride=tuple(stride),
        padding=tuple(padding),
        out_shape=tuple(out_shape),
        count_include_pad=bool(count_include_pad),
        divisor_override=divisor_override,
    )
