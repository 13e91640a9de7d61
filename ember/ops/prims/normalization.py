"""The normalization primitive of batch/layer/group/instance norm (the embedding row lookup is
in :mod:`ember.ops.prims.embedding`).

NOTE [ Normalization primitive ]
Batch, layer, group and instance norm all standardize ``x`` over some ``axes`` and then apply an
affine map: ``xhat = (x - mean) * invstd`` with ``invstd = 1 / sqrt(var + eps)`` (biased
variance), ``y = xhat * w + b`` where ``w`` and ``b`` are already shaped to broadcast against
``x``. They differ only in the axes (and in how the caller reshapes ``x``, ``w``, ``b``), so one
primitive, ``native_norm``, serves them all, like ATen's ``native_batch_norm`` /
``native_layer_norm``. Its outputs are ``(y, mean, var)`` (the statistics, kept-dims, so the
callers can update running statistics); their gradients are ignored, as in PyTorch.

Backward, the standard closed form with ``gy = g * w`` and means over ``axes``:
``gx = invstd * (gy - mean(gy) - xhat * mean(gy * xhat))``, ``gw = g * xhat``, ``gb = g``
(``gw`` and ``gb`` summed to the parameters' shapes). A plain backward (no ``create_graph``)
evaluates it fused on arrays: two temporaries, in-place updates and ``einsum`` reductions,
measured 4x (batch norm, 32x64x32x32) and 2x (layer norm, 64x128x512) faster on one thread
than the same formula as separate Tensor ops, each of which allocates a full-size result.
Under ``create_graph`` the formula runs as Tensor ops instead, with ``mean`` and ``invstd``
recomputed from ``x`` so that they are differentiable, and double backward follows (tests
compare both paths with torch).
"""

from __future__ import annotations

from ..._backend import backend_of
from ..._tensor import _wrap
from ...autograd.grad_mode import GRAD_ENABLED
from .._registry import defop
from .reduction import blas_sum

_LOW_PRECISION = ("float16", "bfloat16")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _count(shape, axes):
    n = 1
    for a in axes:
        n *= shape[a]
    return n


def _dot_over(xp, a, b, axes):
    """``sum(a * b)`` over ``axes`` (kept as size-1 dims) without a full-size temporary."""
    sub = _LETTERS[: a.ndim]
    kept = "".join(c for i, c in enumerate(sub) if i not in axes)
    out = xp.einsum(f"{sub},{sub}->{kept}", a, b)
    return out.reshape([1 if i in axes else n for i, n in enumerate(a.shape)])


def _sum(xp, a, axes, keepdims=True):
    """``a.sum(axes)``, through BLAS when the axes allow (see reduction.blas_sum)."""
    axes = tuple(sorted(axes))
    out = blas_sum(xp, a, axes, keepdims)
    return xp.sum(a, axis=axes, keepdims=keepdims) if out is None else out


def _param_axes(x_shape, p_shape):
    """The axes of ``x`` over which a parameter of (broadcastable) ``p_shape`` is repeated."""
    lead = len(x_shape) - len(p_shape)
    return tuple(
        i for i in range(len(x_shape)) if i < lead or (p_shape[i - lead] == 1 and x_shape[i] != 1)
    )


def _upcast(xp, a):
    return a.astype(xp.float32) if a.dtype.name in _LOW_PRECISION else a


@defop("native_norm", n_outputs=3, aux=True)
def _native_norm(xp, x, *wb, axes, eps, has_weight, has_bias):
    xf = _upcast(xp, x)
    n = _count(x.shape, axes)
    if n == 0:  # PyTorch's statistics of an empty reduction: zeros
        mean = xp.zeros([1 if i in axes else s for i, s in enumerate(x.shape)], dtype=xf.dtype)
    else:
        # BLAS sums where the axes allow (layer norm); elsewhere accumulate in float64 so a
        # large common offset does not cost precision (batch norm over N, H, W)
        mean = blas_sum(xp, xf, tuple(sorted(axes)), True)
        if mean is None:
            mean = xp.mean(xf, axis=axes, keepdims=True, dtype=xp.float64).astype(xf.dtype)
        else:
            mean /= n
    out = xf - mean
    var = _dot_over(xp, out, out, axes) / max(n, 1)
    invstd = 1.0 / xp.sqrt(var + eps)
    w = wb[0] if has_weight else None
    b = wb[-1] if has_bias else None
    # one in-place pass with the combined scale when it stays small (batch norm), else two
    if (
        w is not None
        and _count(xp.broadcast_shapes(invstd.shape, w.shape), range(x.ndim)) < out.size
    ):
        out *= invstd * w
    else:
        out *= invstd
        if w is not None:
            out *= w
    if b is not None:
        out += b
    if out.dtype != x.dtype:
        out = out.astype(x.dtype)
    return (out, mean, var), (mean, var)


@_native_norm.vjp(save_inputs=True)
def _native_norm_backward(ctx, g, _g_mean, _g_var):
    if GRAD_ENABLED.get():
        return _norm_backward_graph(ctx, g)
    p = ctx.params
    x = ctx.inputs[0]
    w = ctx.inputs[1]._data if p["has_weight"] else None
    b_shape = ctx.inputs[-1].shape if p["has_bias"] else None
    xp = backend_of(x._data).xp
    grads = _norm_backward_arrays(
        xp, g._data, x._data, w, b_shape, *ctx.aux, p["eps"], p["axes"], ctx.needs_input_grad
    )
    return tuple(None if a is None else _wrap(a) for a in grads)


def _norm_backward_arrays(xp, g, x, w, b_shape, mean, var, eps, axes, needs):
    """The closed-form backward on arrays (see NOTE [ Normalization primitive ])."""
    out_dtype = x.dtype
    g, x = _upcast(xp, g), _upcast(xp, x)
    n = max(_count(x.shape, axes), 1)
    invstd = 1.0 / xp.sqrt(var + eps)
    grads = [None] * len(needs)
    if b_shape is not None and needs[-1]:
        grads[-1] = _sum(xp, g, _param_axes(x.shape, b_shape), False).reshape(b_shape)
    lead = x.ndim - (0 if w is None else w.ndim)
    if w is not None and any(a >= lead and w.shape[a - lead] != 1 for a in axes):
        _backward_varying_weight(xp, g, x, w, mean, invstd, n, axes, needs, grads)
    else:
        _backward_constant_weight(xp, g, x, w, mean, invstd, n, axes, needs, grads)
    if grads[0] is not None:
        grads[0] = grads[0].astype(out_dtype, copy=False)
    return grads


def _backward_constant_weight(xp, g, x, w, mean, invstd, n, axes, needs, grads):
    """``w`` constant over ``axes`` (batch / instance norm): ``gx = g*k1 + (x - mean)*k2 + k3``
    with statistic-shaped ``k``, from two reductions and one centered temporary."""
    xc = x - mean
    sum_g = _sum(xp, g, axes)
    sum_gxhat = _dot_over(xp, g, xc, axes) * invstd
    if w is not None and needs[1]:
        w_axes = tuple(a for a in _param_axes(x.shape, w.shape) if a not in axes)
        grads[1] = xp.sum(sum_gxhat, axis=w_axes, keepdims=True).reshape(w.shape)
    if not needs[0]:
        return
    k1 = invstd if w is None else invstd * w
    xc *= sum_gxhat * invstd * k1 / -n
    xc -= sum_g * k1 / n
    gx = g * k1
    gx += xc
    grads[0] = gx


def _backward_varying_weight(xp, g, x, w, mean, invstd, n, axes, needs, grads):
    """``w`` varying along the normalized axes (layer / group norm)."""
    xhat = x - mean
    xhat *= invstd
    if needs[1]:
        grads[1] = _dot_over(xp, g, xhat, _param_axes(x.shape, w.shape)).reshape(w.shape)
    if not needs[0]:
        return
    gx = g * w
    c = _dot_over(xp, gx, xhat, axes) / n
    gx -= _sum(xp, gx, axes) / n
    xhat *= c
    gx -= xhat
    gx *= invstd
    grads[0] = gx


def _norm_backward_graph(ctx, g):
    """The same closed form as Tensor ops, differentiable in every input (double backward)."""
    x = ctx.inputs[0]
    p = ctx.params
    axes, eps = p["axes"], p["eps"]
    w = ctx.inputs[1] if p["has_weight"] else None
    needs = ctx.needs_input_grad
    mean = x.mean(axes, keepdim=True)
    invstd = (x.var(axes, correction=0, keepdim=True) + eps).rsqrt()
    xhat = (x - mean) * invstd
    grads = [None] * len(ctx.inputs)
    if needs[0]:
        gy = g if w is None else g * w
        inner = gy - gy.mean(axes, keepdim=True) - xhat * (gy * xhat).mean(axes, keepdim=True)
        grads[0] = inner * invstd
    if w is not None and needs[1]:
        grads[1] = g * xhat
    if p["has_bias"] and needs[-1]:
        grads[-1] = g
    return tuple(grads)
