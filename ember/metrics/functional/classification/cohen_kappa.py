"""Cohen's kappa: agreement between predictions and targets beyond chance."""

from __future__ import annotations

import ember

from . import _input
from .confusion_matrix import binary_confmat_update, multiclass_confmat_update

__all__ = ["binary_cohen_kappa", "multiclass_cohen_kappa", "cohen_kappa"]


def check_weights(weights) -> None:
    """``weights`` must be "linear", "quadratic", "none" or None."""
    allowed = ("linear", "quadratic", "none", None)
    if weights not in allowed:
        raise ValueError(f"Expected argument `weight` to be one of {allowed}, but got {weights}.")


def cohen_kappa_reduce(confmat, weights=None):
    """Kappa ``1 - sum(w * observed) / sum(w * expected)`` of a ``(C, C)`` confusion matrix with
    disagreement weights ``w``: 0/1 (None), ``|i - j|`` ("linear") or ``(i - j)^2``
    ("quadratic"). Computed in float64, returned as float32."""
    confmat = confmat.double()
    n = confmat.shape[0]
    expected = confmat.sum(1, keepdim=True) @ confmat.sum(0, keepdim=True) / confmat.sum()
    idx = ember.arange(n, device=confmat.device, dtype=ember.float64)
    diff = idx.reshape(n, 1) - idx.reshape(1, n)
    if weights is None or weights == "none":
        w = (diff != 0).double()
    elif weights == "linear":
        w = diff.abs()
    else:
        w = diff * diff
    return (1 - (w * confmat).sum() / (w * expected).sum()).float()


def binary_cohen_kappa(
    preds,
    target,
    threshold: float = 0.5,
    weights: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Cohen's kappa of a binary task.

    Example:
        >>> import ember
        >>> binary_cohen_kappa(ember.tensor([0, 1, 0, 0]), ember.tensor([1, 1, 0, 0]))
        tensor(0.5000)
    """
    if validate_args:
        check_weights(weights)
    confmat = binary_confmat_update(preds, target, threshold, None, ignore_index, validate_args)
    return cohen_kappa_reduce(confmat, weights)


def multiclass_cohen_kappa(
    preds,
    target,
    num_classes: int,
    weights: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Cohen's kappa of a multiclass task (``weights`` "linear"/"quadratic" for ordinal
    classes)."""
    if validate_args:
        check_weights(weights)
    confmat = multiclass_confmat_update(
        preds, target, num_classes, None, ignore_index, validate_args
    )
    return cohen_kappa_reduce(confmat, weights)


def cohen_kappa(
    preds,
    target,
    task: str,
    threshold: float = 0.5,
    num_classes: int | None = None,
    weights: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Cohen's kappa for ``task`` "binary" or "multiclass"."""
    _input.check_task(task, ("binary", "multiclass"))
    if task == "binary":
        return binary_cohen_kappa(preds, target, threshold, weights, ignore_index, validate_args)
    _input.check_int_arg("num_classes", num_classes)
    return multiclass_cohen_kappa(preds, target, num_classes, weights, ignore_index, validate_args)
