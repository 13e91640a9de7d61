"""The losses of ``torch.nn.functional`` beyond the basic ones of ``ember.nn.functional``:
kl_div, poisson / gaussian NLL, the margin and embedding losses, triplet losses and CTC.

Each is PyTorch's formula written with ember ops (so gradients and double backward follow from
the primitives), after PyTorch's argument checks with its exception types and messages. CTC is
the one fused primitive (:mod:`ember.ops.prims.loss`).
"""

from __future__ import annotations

import math
import warnings

from ... import _dtype, _factories
from ..._tensor import Tensor
from ...ops import activations as A
from ...ops import loss as EL
from ...ops import pointwise as P
from ...ops.prims import activations as PA
from .distance import pairwise_distance

__all__ = [
    "kl_div",
    "poisson_nll_loss",
    "gaussian_nll_loss",
    "cosine_embedding_loss",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
    "ctc_loss",
]

_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


# ---------------------------------------------------------------------------- reductions


def legacy_reduction(size_average, reduce) -> str:
    """PyTorch's ``_Reduction.legacy_get_string``: the string the legacy flags mean (warns)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
        UserWarning,
        stacklevel=3,
    )
    return ret


def _check_reduction(reduction: str) -> str:
    """PyTorch's ``_Reduction.get_enum`` as a string: ValueError for an unknown reduction."""
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            UserWarning,
            stacklevel=3,
        )
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduction(size_average, reduce, reduction: str) -> str:
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce)
    return _check_reduction(reduction)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _where0(cond: Tensor, x: Tensor) -> Tensor:
    """``where(cond, x, zeros_like(x))`` (PyTorch's masking of loss terms, broadcasting)."""
    return P.where(cond, x, _factories.zeros_like(x))


def _xlogx(t: Tensor) -> Tensor:
    """``xlogy(t, t)``: ``t * log(t)``, 0 where ``t == 0``."""
    return (t * t.log()).masked_fill(t == 0, 0.0)


def _require_float(x: Tensor, kernel: str) -> None:
    A.check_float(x, kernel)


# ---------------------------------------------------------------------------- divergence, NLL


def kl_div(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:
    """Kullback-Leibler divergence ``target * (log(target) - input)`` (``input`` holds log
    probabilities; ``target`` too when ``log_target``); 'batchmean' divides the sum by the
    batch size."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
        red = reduction
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, UserWarning, stacklevel=2)
        red = "sum" if reduction == "batchmean" else _check_reduction(reduction)
    if not input.is_floating_point() or not target.is_floating_point():
        raise RuntimeError("kl_div: Integral inputs not supported.")
    loss = target.exp() * (target - input) if log_target else _xlogx(target) - target * input
    out = _reduce(loss, red)
    if reduction == "batchmean" and input.ndim != 0:
        out = out / input.shape[0]
    return out


def poisson_nll_loss(
    input: Tensor,
    target: Tensor,
    log_input: bool = True,  # noqa: A002
    full: bool = False,
    size_average=None,
    eps: float = 1e-8,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Poisson negative log likelihood: ``exp(input) - target * input`` (``log_input``) or
    ``input - target * log(input + eps)``; ``full`` adds the Stirling term for ``target > 1``."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    loss = input.exp() - target * input if log_input else input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(
    input: Tensor,
    target: Tensor,
    var,
    full: bool = False,  # noqa: A002
    eps: float = 1e-6,
    reduction: str = "mean",
) -> Tensor:
    """Gaussian negative log likelihood ``0.5 * (log(var) + (input - target)**2 / var)``, ``var``
    clamped at ``eps`` (without stopping its gradient); ``full`` adds ``0.5 * log(2 pi)``."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        var = var * _factories.ones_like(input)
    elif not isinstance(var, Tensor):
        raise TypeError(
            f"gaussian_nll_loss(): argument 'var' must be Tensor or float, not {type(var).__name__}"
        )
    elif bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif (
            input.ndim == var.ndim and sum(y for x, y in zip(input.shape, var.shape) if x != y) == 1
        ):
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    var = var + (var.clamp_min(eps) - var).detach()
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- margin / embedding


def cosine_embedding_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where
    ``target == -1`` (cosine over the last dim, with PyTorch's 1e-12 in the squared norms)."""
    reduction = _reduction(size_average, reduce, reduction)
    tdim = target.ndim
    if tdim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    want = 2 if tdim == 1 else 1
    if input1.ndim != want or input2.ndim != want:
        raise RuntimeError(
            f"{tdim}D target tensor expects {want}D input tensors, but found "
            f"inputs with sizes {list(input1.shape)} and {list(input2.shape)}."
        )
    prod_sum = (input1 * input2).sum(tdim)
    mag1 = (input1 * input1).sum(tdim) + 1e-12
    mag2 = (input2 * input2).sum(tdim) + 1e-12
    cos = prod_sum / (mag1 * mag2).sqrt()
    out = _where0(target == 1, 1 - cos) + _where0(target == -1, (cos - margin).clamp_min(0))
    return _reduce(out, reduction)


def margin_ranking_loss(
    input1: Tensor,
    input2: Tensor,
    target: Tensor,
    margin: float = 0,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``."""
    reduction = _reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension "
            f"but got sizes: input1: {input1.size()}, input2: {input2.size()}, "
            f"target: {target.size()} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp_min(0), reduction)


def hinge_embedding_loss(
    input: Tensor,
    target: Tensor,
    margin: float = 1.0,  # noqa: A002
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``input`` where ``target != -1`` plus ``max(0, margin - input)`` where ``target != 1``."""
    reduction = _reduction(size_average, reduce, reduction)
    out = _where0(target != 1, (margin - input).clamp_min(0)) + _where0(target != -1, input)
    return _reduce(out, reduction)


def soft_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,  # noqa: A002
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Two-class logistic loss ``log(1 + exp(-target * input))``."""
    reduction = _reduction(size_average, reduce, reduction)
    return _reduce((-input * target).exp().log1p(), reduction)


def multilabel_soft_margin_loss(
    input: Tensor,
    target: Tensor,  # noqa: A002
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Per-class logistic loss averaged over the classes (last dim), optionally weighted."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    _require_float(input, "log_sigmoid_cpu")
    loss = -(target * PA._log_sigmoid(input) + (1 - target) * PA._log_sigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction == "none":
        return loss
    if reduction in ("mean", "sum"):
        return _reduce(loss, reduction)
    raise ValueError(f"{reduction} is not valid")


def _margin_shape_check(input: Tensor) -> tuple[int, int]:
    nd = input.ndim
    if not ((nd == 2 and input.shape[1] != 0) or (nd == 1 and input.shape[0] != 0) or nd == 0):
        raise RuntimeError(
            "Expected non-empty vector or matrix with optional 0-dim batch size, "
            f"but got: {list(input.shape)}"
        )
    return (1 if nd <= 1 else input.shape[0]), (1 if nd == 0 else input.shape[-1])


def _check_long(t: Tensor) -> None:
    if t.dtype is not _dtype.int64:
        raise RuntimeError(f"expected scalar type Long but found {t.dtype.legacy_name}")


def multilabel_margin_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,  # noqa: A002
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class multi-label hinge loss: for each target class ``j`` (the indices in ``target``
    before the first -1) and each non-target class ``i``, ``max(0, 1 - (x[j] - x[i])) / C``."""
    reduction = _reduction(size_average, reduce, reduction)
    nframe, dim = _margin_shape_check(input)
    if input.ndim <= 1:
        ok = target.ndim <= 1 and target.numel() == dim
    else:
        ok = target.ndim == 2 and tuple(target.shape) == (nframe, dim)
    if not ok:
        raise RuntimeError(
            f"inconsistent target size: {list(target.shape)} for input of size: {list(input.shape)}"
        )
    _require_float(input, "multilabel_margin_loss_forward_out_frame")
    _check_long(target)
    loss = EL.multilabel_margin_loss(input.reshape(nframe, dim), target.reshape(nframe, dim))
    if reduction == "none":
        return loss.reshape(()) if input.ndim <= 1 else loss
    return _reduce(loss, reduction)


def multi_margin_loss(
    input: Tensor,
    target: Tensor,
    p: int = 1,
    margin: float = 1.0,  # noqa: A002
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Multi-class hinge loss ``sum_{i != y} w[y] * max(0, margin - x[y] + x[i])**p / C``."""
    reduction = _reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    nframe, dim = _margin_shape_check(input)
    if not (target.ndim <= 1 and target.numel() == nframe):
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to "
            "the number of input samples (batch size). Expected target size "
            f"[{nframe}], but got {list(target.shape)}. Input has shape "
            f"{list(input.shape)}."
        )
    if weight is not None and weight.numel() != dim:
        raise RuntimeError(f"inconsistent weight size, expected {dim} but got {list(weight.shape)}")
    _require_float(input, "multi_margin_loss_cpu_kernel")
    _check_long(target)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {weight.dtype.legacy_name}"
        )
    y = target.reshape(nframe, 1)
    if nframe and bool(((y < 0) | (y >= dim)).any()):
        raise RuntimeError("target out of range")
    x = input.reshape(nframe, dim)
    z = (margin - x.gather(1, y) + x).clamp_min(0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[y]
    own = _factories.arange(dim, device=input.device) == y
    loss = z.masked_fill(own, 0.0).sum(1) / dim
    if reduction == "none":
        return loss.reshape(target.shape)
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- triplet


def triplet_margin_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    margin: float = 1.0,
    p: float = 2,
    eps: float = 1e-6,
    swap: bool = False,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the pairwise ``p``-distance; ``swap``
    uses ``min(d(a, n), d(p, n))``."""
    reduction = _reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist_pos = pairwise_distance(anchor, positive, p, eps)
    dist_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        dist_neg = P.minimum(dist_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


def _check_triplet_dims(anchor, positive, negative) -> None:
    a, p, n = anchor.ndim, positive.ndim, negative.ndim
    if not (a == p and p == n):
        raise RuntimeError(
            "The anchor, positive, and negative tensors are expected to have the "
            f"same number of dimensions, but got: anchor {a}D, positive {p}D, "
            f"and negative {n}D inputs"
        )


def triplet_margin_with_distance_loss(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    distance_function=None,
    margin: float = 1.0,
    swap: bool = False,
    reduction: str = "mean",
) -> Tensor:
    """Triplet loss with any ``distance_function(x, y)`` (default: pairwise_distance)."""
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    _check_triplet_dims(anchor, positive, negative)
    dist = pairwise_distance if distance_function is None else distance_function
    dist_pos = dist(anchor, positive)
    dist_neg = dist(anchor, negative)
    if swap:
        dist_neg = P.minimum(dist_neg, dist(positive, negative))
    return _reduce((margin + dist_pos - dist_neg).clamp_min(0), reduction)


# ---------------------------------------------------------------------------- CTC


def _lengths(lengths, name: str):
    if isinstance(lengths, Tensor):
        if lengths.dtype.is_floating_point or lengths.dtype is _dtype.bool:
            raise RuntimeError(f"{name} must be integral")
        return [int(v) for v in lengths.reshape(-1).tolist()]
    if isinstance(lengths, (tuple, list)):
        return [int(v) for v in lengths]
    raise TypeError(
        f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not "
        f"{type(lengths).__name__}"
    )


def ctc_loss(
    log_probs: Tensor,
    targets: Tensor,
    input_lengths,
    target_lengths,
    blank: int = 0,
    reduction: str = "mean",
    zero_infinity: bool = False,
) -> Tensor:
    """Connectionist Temporal Classification loss of ``log_probs`` (T, N, C) or (T, C) (log
    softmax outputs) against padded ``(N, S)`` or concatenated 1-D ``targets``.

    'mean' divides each sample's loss by its target length (at least 1), then averages over the
    batch; ``zero_infinity`` replaces infinite losses (impossible alignments) and their
    gradients by zero. See NOTE [ CTC in log space ] in :mod:`ember.ops.prims.loss`.
    """
    reduction = _check_reduction(reduction)
    il = _lengths(input_lengths, "input_lengths")
    tl = _lengths(target_lengths, "target_lengths")
    _require_float(log_probs, "ctc_loss_cpu")
    batched = log_probs.ndim == 3
    lp = log_probs if batched else log_probs.unsqueeze(1)
    nll = EL.ctc_loss(lp, targets, il, tl, blank, zero_infinity)
    if zero_infinity:
        nll = _where0(nll != math.inf, nll)
    if reduction == "mean":
        divisor = _factories.tensor(tl, dtype=nll.dtype, device=nll.device).clamp_min(1)
        return (nll / divisor).mean()
    if reduction == "sum":
        return nll.sum()
    return nll if batched else nll.squeeze(0)
