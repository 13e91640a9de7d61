"""Loss primitives that are not compositions of other ops: cross entropy, nll loss and binary
cross entropy (each fused with its backward, the way PyTorch fuses them), and the CTC loss.

The class-target losses receive arguments validated and in canonical layout: a 2-d ``(M, C)``
input (class dim last) and ``(M,)`` class indices or ``(M, C)`` class probabilities (see NOTE
[ Cross entropy as soft targets ]). Their public side is :mod:`ember.nn.functional`.

NOTE [ CTC in log space ]
A target ``y`` of length S is extended to ``l' = (blank, y1, blank, y2, ..., yS, blank)``
(length 2S + 1). The forward variables ``alpha[t, s]`` (log probability of all paths through the
first t + 1 frames that end in state s) follow

    alpha[0, 0] = lp[0, blank],  alpha[0, 1] = lp[0, y1]
    alpha[t, s] = logsumexp(alpha[t-1, s], alpha[t-1, s-1], alpha[t-1, s-2] if skip[s])
                  + lp[t, l'[s]]

where ``skip[s]`` (a jump over a blank) is allowed when ``l'[s]`` is a label different from
``l'[s-2]``. The loss is ``-logaddexp(alpha[T-1, 2S], alpha[T-1, 2S-1])``. The backward
variables ``beta`` run the same recursion from the last frame, and
``exp(alpha + beta - lp[l'] + nll)`` is the posterior probability of state s at frame t.

The batch is vectorised (every sample's extended target is padded to the longest one, states
past a sample's own ``2S + 1`` stay at -inf so they never feed a valid state); only time is a
Python loop. Samples with fewer frames simply read their loss at their own last frame.

The gradient is PyTorch's: ``exp(lp) - sum_{s: l'[s] = c} posterior[t, s]`` on the frames each
sample uses, 0 on the others. This is the gradient with respect to the *logits* of a
``log_softmax``; with respect to ``log_probs`` themselves it carries the extra ``exp(lp)``,
which the following ``log_softmax`` backward cancels exactly (its rows of the true gradient
sum to -1). PyTorch documents ``log_probs`` as a ``log_softmax`` output, and through it both
agree. ``zero_infinity`` zeroes the gradient of impossible samples (infinite loss).
"""

from __future__ import annotations

from ..._backend import backend_of
from ..._tensor import _wrap
from .._registry import defop
from .activations import _dot_along, _log_softmax, _softmax, _softmax_backward


def _extended(xp, targets, blank):
    """``(N, 2S + 1)`` extended labels and the ``skip`` mask of NOTE [ CTC in log space ]."""
    n, s = targets.shape
    ext = xp.full((n, 2 * s + 1), blank, dtype=targets.dtype)
    ext[:, 1::2] = targets
    skip = xp.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


def _ctc_alpha(xp, lpe, skip, valid):
    """The forward variables ``(T, N, L)`` from the per-state log probabilities ``lpe``."""
    t_max, n, length = lpe.shape
    neg = -xp.inf
    alpha = xp.full((t_max, n, length), neg, dtype=lpe.dtype)
    if t_max == 0:
        return alpha
    alpha[0, :, :2] = lpe[0, :, :2]
    alpha[0] = xp.where(valid, alpha[0], neg)
    buf = xp.full((n, length + 2), neg, dtype=lpe.dtype)
    for t in range(1, t_max):
        buf[:, 2:] = alpha[t - 1]
        step = xp.logaddexp(buf[:, 2:], buf[:, 1:-1])
        step = xp.logaddexp(step, xp.where(skip, buf[:, :-2], neg))
        step += lpe[t]
        alpha[t] = xp.where(valid, step, neg)
    return alpha


def _ctc_beta(xp, lpe, skip, valid, input_lengths, target_lengths):
    """The backward variables ``(T, N, L)``: -inf on frames a sample does not use."""
    t_max, n, length = lpe.shape
    neg = -xp.inf
    beta = xp.full((t_max, n, length), neg, dtype=lpe.dtype)
    states = xp.arange(length)[None, :]
    last = 2 * target_lengths[:, None]
    final = valid & ((states == last) | ((states == last - 1) & (last > 0)))
    skip_next = xp.zeros(skip.shape, dtype=bool)
    skip_next[:, :-2] = skip[:, 2:]
    buf = xp.full((n, length + 2), neg, dtype=lpe.dtype)
    for t in range(t_max - 1, -1, -1):
        if t + 1 < t_max:
            buf[:, :-2] = beta[t + 1]
        step = xp.logaddexp(buf[:, :-2], buf[:, 1:-1])
        step = xp.logaddexp(step, xp.where(skip_next, buf[:, 2:], neg))
        step += lpe[t]
        here = (t < input_lengths - 1)[:, None] & valid
        at_end = (t == input_lengths - 1)[:, None] & final
        beta[t] = xp.where(here, step, xp.where(at_end, lpe[t], neg))
    return beta


def _state_log_probs(xp, lp, ext):
    """``lp[t, n, l'[n, s]]``: shape (T, N, L)."""
    return lp[:, xp.arange(ext.shape[0])[:, None], ext]


@defop("ctc_loss", aux=True)
def _ctc_loss(xp, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """Per-sample negative log likelihood ``(N,)`` of padded ``targets`` (N, S) under
    ``log_probs`` (T, N, C); lengths are int64 arrays of shape (N,)."""
    ext, skip = _extended(xp, targets, blank)
    valid = xp.arange(ext.shape[1])[None, :] < (2 * target_lengths + 1)[:, None]
    lpe = _state_log_probs(xp, log_probs, ext)
    alpha = _ctc_alpha(xp, lpe, skip, valid)
    n = ext.shape[0]
    rows = xp.arange(n)
    t_last = xp.maximum(input_lengths - 1, 0)
    end = alpha[t_last, rows]  # (N, L): each sample's last frame
    last = 2 * target_lengths
    ll = xp.logaddexp(
        end[rows, last], xp.where(target_lengths > 0, end[rows, xp.maximum(last - 1, 0)], -xp.inf)
    )
    # no frame: probability 1 for an empty target, 0 otherwise
    empty = xp.where(target_lengths == 0, 0.0, -xp.inf).astype(ll.dtype)
    nll = -xp.where(input_lengths == 0, empty, ll)
    return nll, (alpha, nll)


@_ctc_loss.vjp(save_inputs=True)
def _ctc_loss_vjp(ctx, g):
    lp = ctx.inputs[0]
    alpha, nll = ctx.aux
    return _ctc_loss_backward(g, lp, alpha=alpha, nll=nll, **ctx.params)


@defop("ctc_loss_backward")
def _ctc_loss_backward(
    xp, g, log_probs, alpha, nll, targets, input_lengths, target_lengths, blank, zero_infinity
):
    """PyTorch's CTC gradient (see NOTE [ CTC in log space ])."""
    t_max, n, c = log_probs.shape
    ext, skip = _extended(xp, targets, blank)
    valid = xp.arange(ext.shape[1])[None, :] < (2 * target_lengths + 1)[:, None]
    lpe = _state_log_probs(xp, log_probs, ext)
    beta = _ctc_beta(xp, lpe, skip, valid, input_lengths, target_lengths)
    occupancy = xp.exp(alpha + beta - lpe + nll[None, :, None])
    occupancy = xp.where(beta == -xp.inf, 0, occupancy).astype(log_probs.dtype, copy=False)
    onehot = (ext[:, :, None] == xp.arange(c)[None, None, :]).astype(log_probs.dtype)
    grad = xp.exp(log_probs)
    grad -= xp.einsum("tns,nsc->tnc", occupancy, onehot)
    used = xp.arange(t_max)[:, None] < input_lengths[None, :]  # (T, N)
    impossible = (nll == xp.inf)[None, :, None]
    if zero_infinity:
        used = used & ~impossible[:, :, 0]
    else:  # as PyTorch: exp(-inf + inf) is NaN on the frames of an impossible sample
        grad = xp.where(impossible, xp.nan, grad)
    grad = xp.where(used[:, :, None], grad, 0).astype(log_probs.dtype, copy=False)
    grad *= g[None, :, None]
    return grad


@_ctc_loss_backward.vjp()
def _ctc_loss_backward_vjp(ctx, gg):
    raise RuntimeError("derivative for aten::_ctc_loss_backward is not implemented")


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
def _binary_cross_entropy(xp, x, t, *, reduction):
    loss = (t - 1) * xp.maximum(xp.log1p(-x), -100) - t * xp.maximum(xp.log(x), -100)
    return _reduced(xp, loss, reduction)


@_binary_cross_entropy.vjp(save_inputs=True)
def _binary_cross_entropy_vjp(ctx, g):
    x, t = ctx.inputs
    need = ctx.needs_input_grad
    g = _spread(g, x, ctx.params["reduction"])
    gx = g * (x - t) / (x * (1 - x)).clamp(min=1e-12) if need[0] else None
    gt = g * ((-x).log1p() - x.log()) if need[1] else None
    return gx, gt


def _reduced(xp, loss, reduction):
    if reduction == "none":
        return loss
    total = xp.sum(loss, dtype=loss.dtype)
    return total if reduction == "sum" else (total / max(loss.size, 1)).astype(loss.dtype)


def _spread(g, x, reduction):
    """The upstream gradient of a reduced loss, per element of ``x``."""
    if reduction == "none":
        return g
    return g / x.numel() if reduction == "mean" else g


# ---------------------------------------------------------------------------- mean squared error


@defop("mse_loss")
def _mse_loss(xp, x, t, *, reduction):
    d = x - t
    return _reduced(xp, d * d, reduction)


@_mse_loss.vjp(save_inputs=True)
def _mse_loss_vjp(ctx, g):
    x, t = ctx.inputs
    need = ctx.needs_input_grad
    d = x - t
    gd = _spread(g, d, ctx.params["reduction"]) * 2 * d
    return (gd if need[0] else None), (-gd if need[1] else None)


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
