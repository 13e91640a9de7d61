"""Public functions of the loss family (:mod:`ember.ops.prims.loss`) whose targets are indices:
cross entropy and nll loss against class indices, the multilabel margin loss and CTC.

They take Tensors that :mod:`ember.nn.functional` has checked and laid out (class dim last), do
the array work on the targets (index arrays, masks, padded CTC targets, range checks with
PyTorch's messages) through the backend's ``xp``, and call the fused primitives.
"""

from __future__ import annotations

from .._backend import backend_of
from .._tensor import _wrap
from .prims import loss as L

__all__ = ["cross_entropy", "nll_loss", "multilabel_margin_loss", "ctc_loss"]


def _class_targets(input, target, weight, ignore_index: int) -> dict:  # noqa: A002
    """The primitives' parameters for class indices (see NOTE [ Cross entropy as soft
    targets ]): ``w``, ``safe``, ``wy``, ``valid`` and the 'mean' divisor ``denom``."""
    x = input._data
    w = None if weight is None else weight.to(input.device)._data
    safe, wy, valid, denom = L.class_targets(
        backend_of(x).xp, target._data.reshape(-1), x.shape[1], ignore_index, w, x.dtype
    )
    return {"w": w, "safe": safe, "wy": wy, "valid": valid, "denom": denom}


def cross_entropy(
    input,  # noqa: A002
    target,
    weight=None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
):
    """Log-softmax and negative log likelihood in one primitive, of logits ``input`` (M, C)
    against class indices ``target`` (M elements, int64 or uint8) or class probabilities (M, C,
    floating, of ``input``'s dtype), with class ``weight`` (C,), ``ignore_index`` (indices
    only) and ``label_smoothing``; ``reduction`` 'none' gives the (M,) per-sample losses."""
    smoothing = max(label_smoothing, 0.0)
    if target.is_floating_point():
        x = input._data
        return L._cross_entropy(
            input,
            target,
            w=None if weight is None else weight._data,
            safe=None,
            wy=None,
            valid=None,
            denom=backend_of(x).xp.asarray(x.shape[0], dtype=x.dtype),
            reduction=reduction,
            smoothing=smoothing,
        )
    par = _class_targets(input, target, weight, ignore_index)
    return L._cross_entropy(input, reduction=reduction, smoothing=smoothing, **par)


def nll_loss(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean"):  # noqa: A002
    """``-weight[t] * input[i, t]`` for log-probabilities ``input`` (M, C) and class indices
    ``target`` (M elements), 0 where ``t == ignore_index``; 'mean' divides by the summed weights."""
    par = _class_targets(input, target, weight, ignore_index)
    return L._nll_loss(
        input, safe=par["safe"], wy=par["wy"], denom=par["denom"], reduction=reduction
    )


def multilabel_margin_loss(input, target):  # noqa: A002
    """Per-sample multilabel hinge loss ``(N,)`` of scores ``input`` (N, C) against ``target``
    (N, C, int64): the target classes of a row are its entries before the first -1, and each
    (target j, non-target i) pair adds ``max(0, 1 - (x[j] - x[i])) / C``."""
    nframe, dim = input.shape
    t = target._data
    xp = backend_of(t).xp
    if bool(((t < -1) | (t >= dim)).any()):
        raise RuntimeError("argument #2 'target' is out of range")
    active = xp.cumsum(t < 0, axis=1) == 0  # target positions before the first -1
    safe = xp.where(active, t, 0)
    rows = xp.broadcast_to(xp.arange(nframe)[:, None], t.shape)
    is_target = xp.zeros((nframe, dim), dtype=bool)
    is_target[rows[active], safe[active]] = True
    mask = active[:, :, None] & ~is_target[:, None, :]
    xy = input.gather(1, _wrap(safe))
    hinge = (1 - xy.unsqueeze(2) + input.unsqueeze(1)).clamp_min(0)
    return (hinge * _wrap(mask.astype(input._data.dtype))).sum((1, 2)) / dim


_CTC_CHECK = " (while checking arguments for ctc_loss_allocate_outputs)"


def _padded_targets(targets, tl: list[int], blank: int, xp):
    """Targets as a padded int64 ``(N, max(tl))`` array, checked as PyTorch checks them."""
    n = len(tl)
    for v in tl:
        if v < 0:
            raise RuntimeError(
                f"Expected target_lengths to have value at least 0, but got value {v}{_CTC_CHECK}"
            )
    s = max(tl, default=0)
    t = xp.asarray(targets._data).astype("int64", copy=False)  # on log_probs' device
    lengths = xp.asarray(tl, dtype="int64").reshape(n)
    if targets.ndim == 1:
        if targets.shape[0] != sum(tl):
            raise RuntimeError(
                f"Expected tensor to have size {sum(tl)} at dimension 0, but got "
                f"size {targets.shape[0]} for argument #2 'targets'{_CTC_CHECK}"
            )
        starts = xp.cumsum(lengths) - lengths
        idx = starts[:, None] + xp.arange(s)[None, :]
        t = (
            t[xp.clip(idx, 0, max(t.shape[0] - 1, 0))]
            if t.shape[0]
            else xp.zeros((n, s), dtype="int64")
        )
    else:
        if targets.shape[0] != n:
            raise RuntimeError(
                f"Expected tensor to have size {n} at dimension 0, but got size "
                f"{targets.shape[0]} for argument #2 'targets'{_CTC_CHECK}"
            )
        if targets.shape[1] < s:
            raise RuntimeError(
                f"Expected tensor to have size at least {s} at dimension 1, but "
                f"got size {targets.shape[1]} for argument #2 'targets'"
                f"{_CTC_CHECK}"
            )
        t = t[:, :s]
    inside = xp.arange(s)[None, :] < lengths[:, None]
    return xp.where(inside, t, blank).astype("int64", copy=False), lengths


def ctc_loss(
    log_probs,
    targets,
    input_lengths: list[int],
    target_lengths: list[int],
    blank: int = 0,
    zero_infinity: bool = False,
):
    """Per-sample CTC negative log likelihood ``(N,)`` of ``log_probs`` (T, N, C) against padded
    ``(N, S)`` or concatenated 1-D ``targets``, with the lengths as lists of ints; the targets
    and lengths are checked with PyTorch's messages (see NOTE [ CTC in log space ] in
    :mod:`ember.ops.prims.loss`)."""
    if log_probs.ndim != 3:
        raise RuntimeError(
            f"Expected 3-dimensional tensor, but got {log_probs.ndim}-dimensional tensor "
            f"for argument #1 'log_probs'{_CTC_CHECK}"
        )
    if log_probs.numel() == 0:
        raise RuntimeError("log_probs tensor must not be empty")
    t_max, n, c = log_probs.shape
    if not 0 <= blank < c:
        raise RuntimeError("blank must be in label range")
    if len(input_lengths) != n:
        raise RuntimeError("input_lengths must be of size batch_size")
    if len(target_lengths) != n:
        raise RuntimeError("target_lengths must be of size batch_size")
    xp = backend_of(log_probs._data).xp
    padded, tl = _padded_targets(targets, target_lengths, blank, xp)
    for v in input_lengths:
        if v < 0:
            raise RuntimeError(
                f"Expected input_lengths to have value at least 0, but got value {v}{_CTC_CHECK}"
            )
        if v > t_max:
            raise RuntimeError(
                f"Expected input_lengths to have value at most {t_max}, but got "
                f"value {v}{_CTC_CHECK}"
            )
    return L._ctc_loss(
        log_probs,
        targets=padded,
        input_lengths=xp.asarray(input_lengths, dtype="int64").reshape(n),
        target_lengths=tl,
        blank=blank,
        zero_infinity=zero_infinity,
    )
