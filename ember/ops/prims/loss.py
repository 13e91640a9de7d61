"""Loss primitives that are not compositions of other ops: the CTC loss.

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

from .._registry import defop


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
