"""Norm primitives: the vector p-norm over dims (matrix norms built on singular values use
``linalg_svdvals`` of :mod:`ember.ops.prims.linalg`).

The backward formulas follow PyTorch's ``linalg_vector_norm_backward``: at a zero norm the
gradient is zero (not NaN), and for the max/min norms it is split evenly among ties.
"""

from __future__ import annotations

import math

from .._registry import defop
from .reduction import _sum, _unsqueezed


@defop("linalg_vector_norm")
def _vector_norm(xp, x, ord, dims, keepdim):
    a = xp.abs(x)
    if ord == 2:
        return xp.sqrt(xp.sum(a * a, axis=dims, keepdims=keepdim))
    if ord == math.inf:
        return xp.max(a, axis=dims, keepdims=keepdim)
    if ord == -math.inf:
        return xp.min(a, axis=dims, keepdims=keepdim)
    if ord == 0:
        return xp.sum(a != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
    if ord == 1:
        return xp.sum(a, axis=dims, keepdims=keepdim)
    return xp.sum(a**ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)


@_vector_norm.vjp(save_inputs=True, save_output=True)
def _vector_norm_backward(ctx, g):
    x = ctx.inputs[0]
    ord, dims, keepdim = ctx.params["ord"], ctx.params["dims"], ctx.params["keepdim"]
    g = _unsqueezed(g, x.shape, dims, keepdim)
    norm = _unsqueezed(ctx.output, x.shape, dims, keepdim)
    if ord == 0:
        return (x * 0) * g
    if ord == 1:
        return x.sign() * g
    if ord == 2:
        return x * (g / norm).masked_fill(norm == 0, 0.0)
    if math.isinf(ord):
        mask = x.abs() == norm
        count = _sum(mask, dims=dims, keepdim=True, dtype=None)
        return x.sign() * (g / count).where(mask, 0.0)
    if ord < 1:
        scaled = x.sign() * x.abs().pow(ord - 1).masked_fill(x == 0, 0.0)
        return scaled * g * norm.pow(1 - ord)
    scaled = x.sign() * x.abs().pow(ord - 1) if ord < 2 else x * x.abs().pow(ord - 2)
    return scaled * (g / norm.pow(ord - 1)).masked_fill(norm == 0, 0.0)
