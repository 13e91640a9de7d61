"""Reduction primitives: sum, mean and the sum that undoes broadcasting (sum_to_size)."""

from __future__ import annotations

from ._registry import defop


def _restore_dims(g, shape, dims, keepdim):
    """``g`` reshaped so it broadcasts against an input of ``shape`` reduced over ``dims``."""
    if not keepdim and dims:
        kept = [1 if i in dims else s for i, s in enumerate(shape)]
        g = g.reshape(kept)
    return g.expand(shape)


@defop("sum")
def _sum(xp, x, dims, keepdim, dtype):
    return xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)


@_sum.vjp()
def _sum_backward(ctx, g):
    shape = ctx.in_meta[0][0]
    return _restore_dims(g, shape, ctx.params["dims"], ctx.params["keepdim"])


@defop("mean")
def _mean(xp, x, dims, keepdim):
    return xp.mean(x, axis=dims, keepdims=keepdim)


@_mean.vjp()
def _mean_backward(ctx, g):
    shape = ctx.in_meta[0][0]
    dims = ctx.params["dims"]
    n = 1
    for d in dims:
        n *= shape[d]
    return _restore_dims(g, shape, dims, ctx.params["keepdim"]) / n


@defop("sum_to_size")
def _sum_to_size(xp, x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1)
    out = xp.sum(x, axis=axes, keepdims=True) if axes else x
    return out.reshape(shape)


@_sum_to_size.vjp()
def _sum_to_size_backward(ctx, g):
    return g.expand(ctx.in_meta[0][0])
