"""Area under the ROC curve (torchmetrics' ``auroc`` family)."""

from __future__ import annotations

import ember

from . import _input
from ._compute import nan_safe_average, trapezoid
from .precision_recall_curve import (
    binary_format,
    binned_state,
    multiclass_format,
    multilabel_format,
    one_hot,
)
from .roc import binary_roc_compute, multi_roc_compute

__all__ = ["binary_auroc", "multiclass_auroc", "multilabel_auroc", "auroc"]


def check_max_fpr(max_fpr) -> None:
    """``max_fpr`` must be None or a float in (0, 1]."""
    if max_fpr is not None and not (isinstance(max_fpr, float) and 0 < max_fpr <= 1):
        raise ValueError(
            f"Arguments `max_fpr` should be a float in range (0, 1], but got: {max_fpr}"
        )


def binary_auroc_compute(state, thresholds=None, max_fpr=None):
    """AUROC from ``(preds, target)`` or a binned state; with ``max_fpr`` the partial area up to
    that false positive rate, McClish-standardised (0.5 chance, 1 perfect) like scikit-learn."""
    fpr, tpr, _ = binary_roc_compute(state, thresholds)
    if max_fpr is None or max_fpr == 1 or not bool(fpr.any()) or not bool(tpr.any()):
        return trapezoid(tpr, fpr)
    max_area = ember.tensor(max_fpr, device=fpr.device)
    stop = int(ember.searchsorted(fpr, max_area, right=True))
    weight = (max_area - fpr[stop - 1]) / (fpr[stop] - fpr[stop - 1])
    interp_tpr = tpr[stop - 1] + weight * (tpr[stop] - tpr[stop - 1])
    tpr = ember.cat([tpr[:stop], interp_tpr.reshape(1)])
    fpr = ember.cat([fpr[:stop], max_area.reshape(1)])
    partial_auc = trapezoid(tpr, fpr)
    min_area = 0.5 * max_area**2
    return 0.5 * (1 + (partial_auc - min_area) / (max_area - min_area))


def multi_auroc_compute(
    state, num, average="macro", thresholds=None, ignore_index=None, multilabel=False
):
    """Per class/label AUROC averaged by ``average`` ("weighted" by the number of positives);
    ``state`` is ``(preds, target)`` (exact) or the binned confusion matrices."""
    fpr, tpr, _ = multi_roc_compute(state, num, thresholds, ignore_index, multilabel)
    if thresholds is not None:
        res = trapezoid(tpr, fpr)
        weights = state[0, :, 1, :].sum(-1)
    else:
        res = ember.stack([trapezoid(y, x) for x, y in zip(fpr, tpr)])
        weights = positives(state[1], num, multilabel)
    return nan_safe_average(res, average, weights)


def binary_auroc(
    preds,
    target,
    max_fpr: float | None = None,
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Area under the ROC curve of a binary task.

    Example:
        >>> import ember
        >>> binary_auroc(ember.tensor([0.0, 0.5, 0.7, 0.8]), ember.tensor([0, 1, 1, 0]))
        tensor(0.5000)
    """
    if validate_args:
        check_max_fpr(max_fpr)
    preds, target, thresholds = binary_format(
        preds, target, thresholds, ignore_index, validate_args
    )
    state = (preds, target) if thresholds is None else binned_state(preds, target, thresholds)
    return binary_auroc_compute(state, thresholds, max_fpr)


def multiclass_auroc(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """One-vs-rest AUROC of a multiclass task, averaged by ``average`` ("macro", "weighted" by
    class support, "none"/None); logits are softmax'ed."""
    preds, target, thresholds = multiclass_format(
        preds, target, num_classes, thresholds, ignore_index, average, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, one_hot(target, num_classes), thresholds)
        return multi_auroc_compute(state, num_classes, average, thresholds)
    return multi_auroc_compute((preds, target), num_classes, average)


def multilabel_auroc(
    preds,
    target,
    num_labels: int,
    average: str | None = "macro",
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """AUROC of every label, averaged by ``average`` ("micro" pools every (sample, label))."""
    preds, target, thresholds = multilabel_format(
        preds, target, num_labels, thresholds, ignore_index, average, validate_args
    )
    if average == "micro":
        return binary_auroc_compute(
            micro_state(preds, target, thresholds, ignore_index), thresholds
        )
    if thresholds is not None:
        state = binned_state(preds, target, thresholds, ignore_index)
        return multi_auroc_compute(state, num_labels, average, thresholds)
    return multi_auroc_compute((preds, target), num_labels, average, None, ignore_index, True)


def positives(target, num, multilabel=False):
    """The number of positive targets of each class (labels) or label (0/1 columns)."""
    return (target == 1).sum(0) if multilabel else ember.bincount(target, minlength=num)


def micro_state(preds, target, thresholds=None, ignore_index=None):
    """The binary state of all (sample, label) pairs pooled together."""
    preds, target = preds.reshape(-1), target.reshape(-1)
    if ignore_index is not None:
        keep = target != ignore_index
        preds, target = preds[keep], target[keep]
    if thresholds is None:
        return preds, target
    return binned_state(preds, target, thresholds)


def auroc(
    preds,
    target,
    task: str,
    thresholds=None,
    num_classes: int | None = None,
    num_labels: int | None = None,
    average: str | None = "macro",
    max_fpr: float | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """AUROC for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_auroc(preds, target, max_fpr, thresholds, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_auroc(
            preds, target, num_classes, average, thresholds, ignore_index, validate_args
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_auroc(
        preds, target, num_labels, average, thresholds, ignore_index, validate_args
    )
