"""Fused neural-network primitives: softmax / log_softmax, cross entropy, nll loss, padding.

Each is one pass of array code forward and one backward, the way PyTorch fuses them, with the
backward itself a primitive whose own backward is written with ember ops (double backward).
Arguments arrive validated and in canonical layout: the loss primitives see a 2-d ``(M, C)``
input (class dim last) and ``(M,)`` class indices or ``(M, C)`` class probabilities.
"""

from __future__ import annotations

from ..._backend import backend_of
from ..._tensor import _wrap
from .._registry import defop


def lift_0d(fn):
    """Run ``fn`` on 1-element views of 0-d arrays: NumPy turns 0-d results into scalars,
    which the in-place steps of the kernels cannot write to."""

    def run(xp, *arrays, **params):
        if arrays[0].ndim:
            return fn(xp, *arrays, **params)
        return fn(xp, *(a.reshape(1) for a in arrays), **params).reshape(())

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def _dot_along(xp, a, b, dim):
    """``sum(a * b, dim, keepdims=True)``; a batched matrix product when ``dim`` is last."""
    if dim == a.ndim - 1 and a.shape == b.shape:
        return xp.matmul(a[..., None, :], b[..., :, None])[..., 0]
    return xp.sum(a * b, axis=dim, keepdims=True)


# ---------------------------------------------------------------------------- softmax family


@defop("_softmax")
@lift_0d
def _softmax(xp, x, dim):
    if x.size == 0:
        return xp.empty_like(x)
    out = x - xp.max(x, axis=dim, keepdims=True)
    xp.exp(out, out=out)
    out /= xp.sum(out, axis=dim, keepdims=True)
    return out


@_softmax.vjp(save_output=True)
def _softmax_vjp(ctx, g):
    return _softmax_backward(g, ctx.output, dim=ctx.params["dim"])


@defop("_softmax_backward_data")
@lift_0d
def _softmax_backward(xp, g, y, dim):
    out = g - _dot_along(xp, g, y, dim)
    out *= y
    return out


@_softmax_backward.vjp(save_inputs=True)
def _softmax_backward_vjp(ctx, gg):
    g, y = ctx.inputs
    dim = ctx.params["dim"]
    need = ctx.needs_input_grad
    grad_g = _softmax_backward(gg, y, dim=dim) if need[0] else None
    grad_y = None
    if need[1]:
        s = (g * y).sum(dim, keepdim=True)
        grad_y = gg * (g - s) - g * (gg * y).sum(dim, keepdim=True)
    return grad_g, grad_y


@defop("_log_softmax")
@lift_0d
def _log_softmax(xp, x, dim):
    if x.size == 0:
        return xp.empty_like(x)
    out = x - xp.max(x, axis=dim, keepdims=True)
    out -= xp.log(xp.sum(xp.exp(out), axis=dim, keepdims=True))
    return out


@_log_softmax.vjp(save_output=True)
def _log_softmax_vjp(ctx, g):
    return _log_softmax_backward(g, ctx.output, dim=ctx.params["dim"])


@defop("_log_softmax_backward_data")
@lift_0d
def _log_softmax_backward(xp, g, y, dim):
    out = xp.exp(y)
    out *= xp.sum(g, axis=dim, keepdims=True)
    return xp.subtract(g, out, out=out)


@_log_softmax_backward.vjp(save_inputs=True)
def _log_softmax_backward_vjp(ctx, gg):
    g, y = ctx.inputs
    dim = ctx.params["dim"]
    need = ctx.needs_input_grad
    p = y.exp()
    grad_g = gg - (gg * p).sum(dim, keepdim=True) if need[0] else None
    grad_y = -gg * p * g.sum(dim, keepdim=True) if need[1] else None
    return grad_g, grad_y


# ---------------------------------------------------------------------------- class targets
# NOTE [ Cross entropy as soft targets ]
# With class indices y, label smoothing eps and class weights w, the loss of sample i is
# -sum_c q_ic log p_ic with q_i = (1 - eps) w[y_i] onehot(y_i) + (eps / C) w (q_i = 0 if y_i is
# ignored); class probabilities t give q_i = ((1 - eps) t_i + eps / C) w. The gradient with
# respect to the logits is s_i (p_i sum(q_i) - q_i), s_i the upstream gradient of sample i
# after the reduction. 'mean' divides by sum_i w[y_i] (indices) or by M (probabilities).
# For class indices the target enters as arrays in the params (``safe``: indices with ignored
# ones set to 0, ``wy``: w[y_i], 0 where ignored, ``valid``), so only the logits are inputs.


def class_targets(xp, t, n_classes, ignore_index, w, dtype):
    """``safe`` indices, per-sample weights ``wy``, the validity mask and the 'mean' divisor."""
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise IndexError(f"Target {int(t[bad][0])} is out of bounds.")
    safe = xp.where(valid, t, 0)
    wy = w[safe] * valid if w is not None else valid.astype(dtype)
    return safe, wy, valid, xp.asarray(xp.sum(wy))


def _reduce_arr(xp, loss, reduction, denom):
    if reduction == "none":
        return loss
    total = xp.sum(loss)
    return total if reduction == "sum" else total / denom


def _inverse(xp, denom):
    """``1 / denom``, or 0 when nothing counts (every target ignored): PyTorch's gradient is
    then zero although the 'mean' loss is NaN."""
    return xp.where(denom != 0, 1 / denom, 0).astype(denom.dtype, copy=False)


def _scale_arr(xp, g, reduction, denom):
    """The upstream gradient of each sample: (M, 1) for 'none', else a 0-d array."""
    if reduction == "none":
        return g[:, None]
    return g if reduction == "sum" else g * _inverse(xp, denom)


def _soft_q(t, w, smoothing, n_classes):
    q = t * (1 - smoothing) + smoothing / n_classes if smoothing else t
    return q if w is None else q * w


@defop("cross_entropy", aux=True)
def _cross_entropy(xp, x, *t, w, safe, wy, valid, denom, reduction, smoothing):
    m, c = x.shape
    z = x - xp.max(x, axis=1, keepdims=True) if m else x.copy()
    if t:
        q = _soft_q(t[0], w, smoothing, c)
        qz = _dot_along(xp, q, z, 1)[:, 0]
        qsum = xp.sum(q, axis=1)
    else:
        zy = z[xp.arange(m), safe]
        if smoothing:
            zw = xp.sum(z, axis=1) if w is None else xp.matmul(z, w)
    xp.exp(z, out=z)
    s = xp.sum(z, axis=1)
    z /= s[:, None]
    lse = xp.log(s)
    if t:
        loss = qsum * lse - qz
    else:
        loss = wy * (lse - zy)
        if smoothing:
            total_w = c if w is None else xp.sum(w)
            loss *= 1 - smoothing
            loss += (smoothing / c) * valid * (total_w * lse - zw)
    return _reduce_arr(xp, loss, reduction, denom), z


@_cross_entropy.vjp(save_inputs=True)
def _cross_entropy_vjp(ctx, g):
    x, *t = ctx.inputs
    par = ctx.params
    need = ctx.needs_input_grad
    gx = _cross_entropy_backward(g, x, *t, p=ctx.aux, **par) if need[0] else None
    if not t:
        return gx
    if not need[1]:
        return gx, None
    gs = _sample_scale(g, par["reduction"], par["denom"], x.shape[0])
    gt = _log_softmax(x, dim=1) * gs * (par["smoothing"] - 1)
    return gx, gt if par["w"] is None else gt * _wrap(par["w"])


@defop("cross_entropy_backward")
def _cross_entropy_backward(xp, g, x, *t, p, w, safe, wy, valid, denom, reduction, smoothing):
    gs = _scale_arr(xp, g, reduction, denom)
    m, c = p.shape
    if t:
        q = _soft_q(t[0], w, smoothing, c)
        gx = p * xp.sum(q, axis=1, keepdims=True)
        gx -= q
        gx *= gs
        return gx
    gw = gs * wy[:, None]
    if smoothing:
        spread = (smoothing / c) * gs * valid[:, None]
        gx = p * (gw * (1 - smoothing) + spread * (c if w is None else xp.sum(w)))
        gx -= spread if w is None else spread * w
    else:
        gx = p * gw
    gx[xp.arange(m), safe] -= gw[:, 0] * (1 - smoothing)
    return gx


@_cross_entropy_backward.vjp(save_inputs=True)
def _cross_entropy_backward_vjp(ctx, gg):
    g, x, *t = ctx.inputs
    par = ctx.params
    need = ctx.needs_input_grad
    reduction = par["reduction"]
    p = _softmax(x, dim=1)
    q = _soft_targets(x, t, par)
    qsum = q.sum(1, keepdim=True)
    gs = _sample_scale(g, reduction, par["denom"], x.shape[0])
    grad_g = grad_x = grad_t = None
    if need[0]:
        grad_g = (gg * (p * qsum - q)).sum(1)
        if reduction != "none":
            grad_g = grad_g.sum()
            if reduction == "mean":
                grad_g = grad_g * _inverse_tensor(par["denom"])
    if need[1]:
        grad_x = _softmax_backward(gg * gs * qsum, p, dim=1)
    if t and need[2]:
        grad_t = gs * (1 - par["smoothing"]) * ((gg * p).sum(1, keepdim=True) - gg)
        if par["w"] is not None:
            grad_t = grad_t * _wrap(par["w"])
    return (grad_g, grad_x, grad_t)[: 2 + len(t)]


def _sample_scale(g, reduction, denom, m):
    """Tensor form of ``_scale_arr``: the upstream gradient of each sample, shape (M, 1)."""
    if reduction == "none":
        return g.unsqueeze(1)
    if reduction == "mean":
        g = g * _inverse_tensor(denom)
    return g.expand(m, 1)


def _inverse_tensor(denom):
    return _wrap(_inverse(backend_of(denom).xp, denom))


def _soft_targets(x, t, par):
    """The soft targets q (M, C) as a Tensor (see NOTE [ Cross entropy as soft targets ])."""
    eps, w = par["smoothing"], par["w"]
    c = x.shape[1]
    if t:
        q = t[0] * (1 - eps) + eps / c if eps else t[0]
        return q if w is None else q * _wrap(w)
    xp = backend_of(x._data).xp
    wy, valid = par["wy"], par["valid"]
    q = xp.zeros(x.shape, dtype=x._data.dtype)
    if eps:
        q += (eps / c) * valid[:, None] * (1 if w is None else w)
    q[xp.arange(x.shape[0]), par["safe"]] += (1 - eps) * wy
    return _wrap(q)


# ---------------------------------------------------------------------------- binary cross entropy


@defop("binary_cross_entropy")
def _binary_cross_entropy(xp, x, t):
    return (t - 1) * xp.maximum(xp.log1p(-x), -100) - t * xp.maximum(xp.log(x), -100)


@_binary_cross_entropy.vjp(save_inputs=True)
def _binary_cross_entropy_vjp(ctx, g):
    x, t = ctx.inputs
    need = ctx.needs_input_grad
    gx = g * (x - t) / (x * (1 - x)).clamp(min=1e-12) if need[0] else None
    gt = g * ((-x).log1p() - x.log()) if need[1] else None
    return gx, gt


# ---------------------------------------------------------------------------- nll loss


@defop("nll_loss")
def _nll_loss(xp, x, safe, wy, denom, reduction):
    loss = -wy * x[xp.arange(x.shape[0]), safe]
    return _reduce_arr(xp, loss, reduction, denom)


@_nll_loss.vjp()
def _nll_loss_vjp(ctx, g):
    return _nll_loss_backward(g, shape=tuple(ctx.in_meta[0][0]), **ctx.params)


@defop("nll_loss_backward")
def _nll_loss_backward(xp, g, safe, wy, denom, reduction, shape):
    gs = _scale_arr(xp, g, reduction, denom)
    out = xp.zeros(shape, dtype=g.dtype)
    out[xp.arange(shape[0]), safe] = -wy * (gs[:, 0] if gs.ndim else gs)
    return out


@_nll_loss_backward.vjp()
def _nll_loss_backward_vjp(ctx, gg):
    par = dict(ctx.params)
    del par["shape"]
    return _nll_loss(gg, **par)


# ---------------------------------------------------------------------------- padding
# ``pad`` holds one (before, after) pair per dimension, first dimension first; negative
# amounts crop. Constant padding by p and cropping by p are adjoint, so the backward of one is
# the other. Reflect / replicate / circular gather along each padded dim with an index vector;
# their backward sums the gathered gradient back through the same index (a 0/1 matrix product).


@defop("constant_pad_nd")
def _constant_pad(xp, x, pad, value):
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, pad))
    out = xp.full(shape, value, dtype=x.dtype)
    src = tuple(slice(max(-a, 0), n - max(-b, 0)) for n, (a, b) in zip(x.shape, pad))
    dst = tuple(slice(max(a, 0), n - max(b, 0)) for n, (a, b) in zip(shape, pad))
    out[dst] = x[src]
    return out


@_constant_pad.vjp()
def _constant_pad_vjp(ctx, g):
    return _constant_pad(g, pad=tuple((-a, -b) for a, b in ctx.params["pad"]), value=0)


def _gather_index(xp, n, before, after, mode):
    j = xp.arange(-before, n + after)
    if mode == "reflect":
        return (n - 1) - xp.abs((n - 1) - xp.abs(j))
    if mode == "replicate":
        return xp.clip(j, 0, n - 1)
    return j % n


@defop("index_pad")
def _index_pad(xp, x, pad, mode):
    for d, (a, b) in enumerate(pad):
        if a or b:
            x = xp.take(x, _gather_index(xp, x.shape[d], a, b, mode), axis=d)
    return x


@_index_pad.vjp()
def _index_pad_vjp(ctx, g):
    return _index_pad_backward(g, **ctx.params)


@defop("index_pad_backward")
def _index_pad_backward(xp, g, pad, mode):
    for d, (a, b) in enumerate(pad):
        if a or b:
            n = g.shape[d] - a - b
            idx = _gather_index(xp, n, a, b, mode)
            onehot = (idx[:, None] == xp.arange(n)[None, :]).astype(g.dtype)
            g = xp.moveaxis(xp.matmul(xp.moveaxis(g, d, -1), onehot), -1, d)
    return g


@_index_pad_backward.vjp()
def _index_pad_backward_vjp(ctx, gg):
    return _index_pad(gg, **ctx.params)
