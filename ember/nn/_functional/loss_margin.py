"""The margin and embedding losses of ``torch.nn.functional``: cosine embedding, margin
ranking, hinge embedding, (multilabel) soft margin, multilabel margin, multi margin and the
triplet losses.

Each is PyTorch's formula written with ember ops (so gradients and double backward follow from
the primitives), after PyTorch's argument checks with its exception types and messages; the
multilabel margin loss reads its index targets in :mod:`ember.ops.loss`.
"""

from __future__ import annotations

from ... import _dtype, _factories
from ..._tensor import Tensor
from ...ops import loss as EL
from ...ops import pointwise as P
from ...ops.prims import activations as PA
from .distance import pairwise_distance
from .loss import _reduce, _reduction, _require_float, _where0, legacy_reduction

__all__ = [
    "cosine_embedding_loss",
    "margin_ranking_loss",
    "hinge_embedding_loss",
    "soft_margin_loss",
    "multilabel_soft_margin_loss",
    "multilabel_margin_loss",
    "multi_margin_loss",
    "triplet_margin_loss",
    "triplet_margin_with_distance_loss",
]


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
