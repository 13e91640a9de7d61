"""Cumulative (scan) primitives: cumsum, cumprod, logcumsumexp and the indices of cummax/cummin.

Each scan takes ``dim`` (non-negative, the input has at least one dim) and ``reverse``: a reverse
scan runs from the end of ``dim`` to its start. A reverse scan is exactly what the backward of
a forward scan needs, so each backward calls its own primitive the other way round.
"""

from __future__ import annotations

from ...autograd.grad_mode import GRAD_ENABLED
from .._registry import defop


def accumulate(ufunc, x, dim):
    """``ufunc.accumulate`` along ``dim``; a log-step scan where the namespace lacks it (CuPy).

    The Hillis-Steele scan does log2(n) vectorised steps, each combining every element with
    the one ``2**k`` before it; it needs an associative ``ufunc``.
    """
    try:
        return ufunc.accumulate(x, axis=dim)
    except NotImplementedError:
        pass
    out = x.copy()
    n = x.shape[dim]
    lead = (slice(None),) * dim
    step = 1
    while step < n:
        upper = (*lead, slice(step, None))
        out[upper] = ufunc(out[upper], out[(*lead, slice(None, n - step))])
        step *= 2
    return out


def _scan(xp, fn, x, dim, reverse):
    if reverse:
        return xp.flip(fn(xp.flip(x, dim), axis=dim), dim)
    return fn(x, axis=dim)


@defop("shift")
def _shift(xp, x, dim, step, fill):
    """``x`` moved by ``step`` (+1 or -1) along ``dim``, the vacated slot set to ``fill``."""
    out = xp.empty_like(x)
    lead = (slice(None),) * dim
    if step > 0:
        out[(*lead, slice(1, None))] = x[(*lead, slice(None, -1))]
        out[(*lead, slice(0, 1))] = fill
    else:
        out[(*lead, slice(None, -1))] = x[(*lead, slice(1, None))]
        out[(*lead, slice(-1, None))] = fill
    return out


@_shift.vjp()
def _shift_backward(ctx, g):
    return _shift(g, dim=ctx.params["dim"], step=-ctx.params["step"], fill=0)


@defop("cumsum")
def _cumsum(xp, x, dim, reverse):
    return _scan(xp, xp.cumsum, x, dim, reverse)


@_cumsum.vjp()
def _cumsum_backward(ctx, g):
    return _cumsum(g, dim=ctx.params["dim"], reverse=not ctx.params["reverse"])


@defop("cumprod")
def _cumprod(xp, x, dim, reverse):
    return _scan(xp, xp.cumprod, x, dim, reverse)


@_cumprod.vjp(save_inputs=True, save_output=True)
def _cumprod_backward(ctx, g):
    """NOTE [ cumprod with zeros ]: grad_i = sum_{j >= i} g_j * prod_{k <= j, k != i} x_k.

    Without zeros that is ``revcumsum(g * out) / x``. With zeros only the elements up to the
    first zero of a row get a gradient: before it the division is safe, and at the first zero
    the gradient is ``sum_{j >= z} g_j * out'_j`` with ``out'`` the cumprod where that zero is
    replaced by one (as PyTorch's ``cumprod_backward``). Everything stays differentiable.
    """
    x = ctx.inputs[0]
    d, reverse = ctx.params["dim"], ctx.params["reverse"]
    out = ctx.output
    if x.numel() == 0:
        return g
    # complex: the products conjugated (NOTE [ Complex gradients ]); conj() is free on real ones
    if not bool((x._data == 0).any()):
        return _cumsum(g * out.conj(), dim=d, reverse=not reverse) / x.conj()
    if GRAD_ENABLED.get():  # create_graph: the O(n) formula below is exact, but not its derivative
        return _cumprod_backward_quadratic(x, g, d, reverse)
    is_zero = x == 0
    zeros_so_far = _cumsum(is_zero, dim=d, reverse=reverse)
    before = zeros_so_far == 0
    first = is_zero & (zeros_so_far == 1)
    safe_x = x.where(before, 1.0)
    part_before = _cumsum(g * out.conj(), dim=d, reverse=not reverse) / safe_x.conj()
    part_before = part_before.where(before, 0.0)
    out_without_first = _cumprod(x.where(~first, 1.0), dim=d, reverse=reverse)
    at_first = (g * out_without_first.conj()).where(~before, 0.0).sum(d, keepdim=True)
    return part_before + at_first.expand(x.shape).where(first, 0.0)


def _cumprod_backward_quadratic(x, g, d, reverse):
    """grad_i = sum_{j >= i} g_j * P[i, j] with P[i] the cumprod of ``x`` with x_i set to one.

    O(n^2) memory along ``dim``, but differentiable everywhere (PyTorch does the same when the
    backward itself is recorded).
    """
    from ..._factories import arange

    xl = x.movedim(d, -1)
    n = xl.shape[-1]
    pos = arange(n, device=x.device)
    rows, cols = pos.unsqueeze(1), pos.unsqueeze(0)
    omit_self = xl.unsqueeze(-2).expand(*xl.shape[:-1], n, n).where(rows != cols, 1.0)
    last = omit_self.ndim - 1
    prods = _cumprod(omit_self, dim=last, reverse=reverse)
    reached = cols <= rows if reverse else cols >= rows
    grad = (g.movedim(d, -1).unsqueeze(-2) * prods.conj()).where(reached, 0.0).sum(-1)
    return grad.movedim(-1, d)


@defop("logcumsumexp")
def _logcumsumexp(xp, x, dim, reverse):
    return _scan(xp, lambda a, axis: accumulate(xp.logaddexp, a, axis), x, dim, reverse)


@_logcumsumexp.vjp(save_inputs=True, save_output=True)
def _logcumsumexp_backward(ctx, g):
    """grad_i = sum_{j >= i} g_j * exp(x_i - out_j), summed in log space for each sign of g."""
    x = ctx.inputs[0]
    d, reverse = ctx.params["dim"], ctx.params["reverse"]
    out = ctx.output
    pos = g > 0
    neg = g < 0
    log_abs = g.abs().where(pos | neg, 1.0).log() - out
    neg_inf = float("-inf")
    from_pos = (_logcumsumexp(log_abs.where(pos, neg_inf), dim=d, reverse=not reverse) + x).exp()
    from_neg = (_logcumsumexp(log_abs.where(neg, neg_inf), dim=d, reverse=not reverse) + x).exp()
    return from_pos - from_neg


def _running_index(xp, x, dim, acc):
    """Index of the running extreme: the last position that reached it (NaN wins, as PyTorch)."""
    running = accumulate(acc, x, dim)
    hit = (x == running) | (x != x)
    shape = [1] * x.ndim
    shape[dim] = x.shape[dim]
    pos = xp.arange(x.shape[dim], dtype=xp.int64).reshape(shape)
    return accumulate(xp.maximum, xp.where(hit, pos, 0), dim)


@defop("cummax_indices")
def _cummax_indices(xp, x, dim):
    return _running_index(xp, x, dim, xp.maximum)


@defop("cummin_indices")
def _cummin_indices(xp, x, dim):
    return _running_index(xp, x, dim, xp.minimum)
