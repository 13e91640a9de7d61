"""The losses of ``torch.nn.functional`` other than the margin ones (:mod:`.loss_margin`):
cross entropy and nll loss, binary cross entropy, the regression losses (mse, l1, smooth l1,
huber), kl_div, the Poisson / Gaussian likelihoods and CTC; and the reduction helpers they share.

Each checks its arguments with PyTorch's exception types and messages. Cross entropy, nll, binary
cross entropy and CTC are fused primitives (:mod:`ember.ops.prims.loss`), reached through
:mod:`ember.ops.loss` where the targets are indices; the others are PyTorch's formulas written
with ember ops, so gradients and double backward follow from the primitives.
"""

from __future__ import annotations

import math
import warnings

from ... import _dtype, _factories
from ..._size import wrap_dim
from ..._tensor import Tensor
from ...ops import loss as EL
from ...ops import pointwise as P
from ...ops._promote import cast
from ...ops.prims import activations as PA
from ...ops.prims import loss as PL
from .activation import check_float, logsigmoid

__all__ = [
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
    "kl_div",
    "poisson_nll_loss",
    "gaussian_nll_loss",
    "ctc_loss",
]

_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


# ---------------------------------------------------------------------------- reductions


def legacy_reduction(size_average, reduce, stacklevel: int = 3) -> str:
    """PyTorch's ``_Reduction.legacy_get_string``: the string the legacy flags mean (warns)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(
        f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return ret


def _check_reduction(reduction: str, stacklevel: int = 3) -> str:
    """PyTorch's ``_Reduction.get_enum`` as a string: ValueError for an unknown reduction."""
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            UserWarning,
            stacklevel=stacklevel,
        )
        return "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's ``_Reduction``: the legacy flags win (with their warning), then validation;
    the warnings point at the caller of the loss."""
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce, stacklevel=4)
    return _check_reduction(reduction, stacklevel=4)


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
    check_float(x, kernel)


# ---------------------------------------------------------------------------- class targets


def _classes_last(x: Tensor) -> Tensor:
    """``(N, C, d1, ...)`` -> ``(N * d1 * ..., C)``; ``(C,)`` -> ``(1, C)``."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def _check_weight(weight, n_classes: int, prefix: str = "") -> None:
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(
            f"{prefix}weight tensor should be defined either for all {n_classes} "
            f"classes or no classes but got weight tensor of shape: "
            f"{list(weight.shape)}"
        )


def _class_index_targets(input, target, weight) -> tuple:  # noqa: A002
    """PyTorch's nll_loss_nd checks; returns the shape of the per-sample losses."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    t_batch = target.shape[0] if target.ndim else 0
    if input.ndim != 1 and input.shape[0] != t_batch:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({t_batch})."
        )
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
            raise ValueError(
                f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}"
            )
        out_shape = () if input.ndim == 1 else (input.shape[0],)
    elif input.ndim == 4 and target.ndim != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got "
            f"targets of dimension: {target.ndim}"
        )
    elif tuple(target.shape[1:]) != tuple(input.shape[2:]):
        out_shape = [input.shape[0], *input.shape[2:]]
        raise RuntimeError(f"Expected target size {out_shape}, got {list(target.shape)}")
    else:
        out_shape = tuple(target.shape)
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {target.dtype.legacy_name}"
        )
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    _check_weight(weight, n_classes)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {weight.dtype.legacy_name}"
        )
    return out_shape


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy between logits ``input`` (class dim 1) and class indices or probabilities.

    Fused log-softmax + negative log likelihood, with class ``weight``, ``ignore_index``,
    ``label_smoothing`` and reductions 'none' | 'mean' | 'sum', as ``torch``.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(input.shape) == tuple(target.shape):
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    class_dim = wrap_dim(0 if input.ndim == 1 else 1, input.ndim)
    last = "lastdim_" if class_dim == input.ndim - 1 else ""
    check_float(input, f"log_softmax_{last}kernel_impl")
    out_shape = _class_index_targets(input, target, weight)
    out = EL.cross_entropy(
        _classes_last(input), target, weight, ignore_index, reduction, label_smoothing
    )
    return out.reshape(out_shape) if reduction == "none" else out


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing):
    if not target.is_floating_point():
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, "
            f"got {target.dtype.legacy_name}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    _check_weight(weight, input.shape[1 if input.ndim > 1 else 0], "cross_entropy: ")
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    check_float(input, "log_softmax_lastdim_kernel_impl")
    dt = _dtype.result_type(input, target, *(() if weight is None else (weight,)))
    x, t = _classes_last(cast(input, dt)), _classes_last(cast(target, dt))
    w = None if weight is None else cast(weight, dt)
    out = EL.cross_entropy(x, t, w, ignore_index, reduction, label_smoothing)
    if reduction != "none":
        return out
    return out.reshape(()) if input.ndim == 1 else out.reshape(input.shape[:1] + input.shape[2:])


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of log-probabilities ``input`` (class dim 1) at ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    out_shape = _class_index_targets(input, target, weight)
    out = EL.nll_loss(_classes_last(input), target, weight, ignore_index, reduction)
    return out.reshape(out_shape) if reduction == "none" else out


# ---------------------------------------------------------------------------- binary


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``-w * (t * log(x) + (1 - t) * log(1 - x))`` on probabilities, logs clamped at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input "
            f"size ({input.size()}) is deprecated. Please ensure they have the same "
            "size."
        )
    if bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if bool(((target < 0) | (target > 1)).any()):
        raise RuntimeError("all elements of target should be between 0 and 1")
    target = cast(target, input.dtype)
    if weight is None:  # one node, torch's BinaryCrossEntropyBackward0
        return PL._binary_cross_entropy(input, target, reduction=reduction)
    loss = PL._binary_cross_entropy(input, target, reduction="none")
    return _reduce(loss * weight.expand(loss.shape), reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,  # noqa: A002
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid + binary cross entropy in one stable expression, with ``pos_weight``."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    log_sig = PA._log_sigmoid(input) if input.is_floating_point() else logsigmoid(input)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- regression


def _size_warning(input, target) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input "
            f"size ({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _weighted(loss, weight, input, reduction, divide_by_weight=True):
    """PyTorch's optional per-element ``weight`` of mse / l1 / huber."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(
            f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'."
        )
    if reduction == "mean" and divide_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error ``(input - target) ** 2`` (optionally weighted), reduced."""
    _size_warning(input, target)
    check_float(input, "mse_cpu")
    if size_average is not None or reduce is not None or weight is None:
        reduction = _reduction(size_average, reduce, reduction)
    if weight is None:  # one node, torch's MseLossBackward0
        input, target = (
            cast(input, _dtype.result_type(input, target)),
            cast(target, _dtype.result_type(input, target)),
        )
        return PL._mse_loss(input, target, reduction=reduction)
    return _weighted((input - target) ** 2, weight, input, reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error ``|input - target|`` (optionally weighted), reduced."""
    _size_warning(input, target)
    if size_average is not None or reduce is not None or weight is None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, input, reduction)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2``, ``d = input - target``."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = input - target
    ad = d.abs()
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce((d * d * (0.5 / beta)).where(ad < beta, ad - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",  # noqa: A002
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - delta / 2)``."""
    _size_warning(input, target)
    if weight is None:
        reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = input - target
    ad = d.abs()
    loss = (d * d * 0.5).where(ad < delta, (ad - 0.5 * delta) * delta)
    if weight is None:
        return _reduce(loss, reduction)
    return _weighted(loss, weight, input, reduction, divide_by_weight=False)


# ---------------------------------------------------------------------------- likelihoods


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
