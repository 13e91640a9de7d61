"""Average precision: the area under the precision-recall curve as a step sum,
``sum_n (R_n - R_{n-1}) P_n`` (torchmetrics' ``average_precision`` family)."""

from __future__ import annotations

import ember

from . import _input
from ._compute import nan_safe_average
from .auroc import micro_state, positives
from .precision_recall_curve import (
    binary_format,
    binary_pr_compute,
    binned_state,
    multi_pr_compute,
    multiclass_format,
    multilabel_format,
    one_hot,
)

__all__ = [
    "binary_average_precision",
    "multiclass_average_precision",
    "multilabel_average_precision",
    "average_precision",
]


def _step_area(precision, recall):
    return -((recall[..., 1:] - recall[..., :-1]) * precision[..., :-1]).sum(-1)


def binary_average_precision_compute(state, thresholds=None):
    """Average precision from ``(preds, target)`` or a binned state."""
    precision, recall, _ = binary_pr_compute(state, thresholds)
    return _step_area(precision, recall)


def multi_average_precision_compute(
    state, num, average="macro", thresholds=None, ignore_index=None, multilabel=False
):
    """Per class/label average precision averaged by ``average`` (``state`` as for
    ``multi_auroc_compute``)."""
    precision, recall, _ = multi_pr_compute(state, num, thresholds, ignore_index, multilabel)
    if thresholds is not None:
        res = _step_area(precision, recall)
        weights = state[0, :, 1, :].sum(-1)
    else:
        res = ember.stack([_step_area(p, r) for p, r in zip(precision, recall)])
        weights = positives(state[1], num, multilabel)
    return nan_safe_average(res, average, weights)


def binary_average_precision(
    preds, target, thresholds=None, ignore_index: int | None = None, validate_args: bool = True
):
    """Average precision of a binary task.

    Example:
        >>> import ember
        >>> binary_average_precision(ember.tensor([0.0, 0.5, 0.7, 0.8]),
        ...                          ember.tensor([0, 1, 1, 0]))
        tensor(0.5833)
    """
    preds, target, thresholds = binary_format(
        preds, target, thresholds, ignore_index, validate_args
    )
    state = (preds, target) if thresholds is None else binned_state(preds, target, thresholds)
    return binary_average_precision_compute(state, thresholds)


def multiclass_average_precision(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """One-vs-rest average precision of a multiclass task, averaged by ``average``."""
    preds, target, thresholds = multiclass_format(
        preds, target, num_classes, thresholds, ignore_index, average, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, one_hot(target, num_classes), thresholds)
        return multi_average_precision_compute(state, num_classes, average, thresholds)
    return multi_average_precision_compute((preds, target), num_classes, average)


def multilabel_average_precision(
    preds,
    target,
    num_labels: int,
    average: str | None = "macro",
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Average precision of every label, averaged by ``average`` ("micro" pools all pairs)."""
    preds, target, thresholds = multilabel_format(
        preds, target, num_labels, thresholds, ignore_index, average, validate_args
    )
    if average == "micro":
        return binary_average_precision_compute(
            micro_state(preds, target, thresholds, ignore_index), thresholds
        )
    if thresholds is not None:
        state = binned_state(preds, target, thresholds, ignore_index)
        return multi_average_precision_compute(state, num_labels, average, thresholds)
    return multi_average_precision_compute(
        (preds, target), num_labels, average, None, ignore_index, True
    )


def average_precision(
    preds,
    target,
    task: str,
    thresholds=None,
    num_classes: int | None = None,
    num_labels: int | None = None,
    average: str | None = "macro",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Average precision for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_average_precision(preds, target, thresholds, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_average_precision(
            preds, target, num_classes, average, thresholds, ignore_index, validate_args
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_average_precision(
        preds, target, num_labels, average, thresholds, ignore_index, validate_args
    )
