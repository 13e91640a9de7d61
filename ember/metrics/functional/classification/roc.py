"""Receiver operating characteristic curves: ``(fpr, tpr, thresholds)`` (torchmetrics' ``roc``)."""

from __future__ import annotations

import warnings

import ember

from . import _input
from ._compute import safe_divide
from .precision_recall_curve import (
    binary_clf_curve,
    binary_format,
    binned_state,
    multiclass_format,
    multilabel_format,
    one_hot,
    per_class,
)

__all__ = ["binary_roc", "multiclass_roc", "multilabel_roc", "roc"]


def _rate(counts, what: str):
    """``counts / counts[-1]``, or zeros with torchmetrics' warning when there are none."""
    if int(counts[-1]) <= 0:
        warnings.warn(
            f"No {what} samples in targets, {'false' if what == 'negative' else 'true'} positive "
            f"value should be meaningless. Returning zero tensor in "
            f"{'false' if what == 'negative' else 'true'} positive score",
            UserWarning,
            stacklevel=4,
        )
        return ember.zeros(counts.shape, device=counts.device)
    return counts / counts[-1]


def binary_roc_compute(state, thresholds=None):
    """``(fpr, tpr, thresholds)`` from ``(preds, target)`` or a binned state; exact curves start
    at ``(0, 0)`` with threshold 1, thresholds decrease."""
    if thresholds is not None:
        tps, fps, fns, tns = state[:, 1, 1], state[:, 0, 1], state[:, 1, 0], state[:, 0, 0]
        tpr = safe_divide(tps, tps + fns).flip(0)
        fpr = safe_divide(fps, fps + tns).flip(0)
        return fpr, tpr, thresholds.flip(0)
    fps, tps, thresholds = binary_clf_curve(*state)
    zero = ember.zeros(1, dtype=tps.dtype, device=tps.device)
    tps = ember.cat([zero, tps])
    fps = ember.cat([zero, fps])
    thresholds = ember.cat([ember.ones(1, dtype=thresholds.dtype, device=zero.device), thresholds])
    return _rate(fps, "negative"), _rate(tps, "positive"), thresholds


def multi_roc_compute(state, num, thresholds=None, ignore_index=None, multilabel=False):
    """ROC per class or label (``state`` as for ``multi_pr_compute``): lists when exact,
    ``(C, T)`` tensors with a binned state."""
    if thresholds is not None:
        tps, fps = state[..., 1, 1], state[..., 0, 1]
        fns, tns = state[..., 1, 0], state[..., 0, 0]
        tpr = safe_divide(tps, tps + fns).flip(0).T
        fpr = safe_divide(fps, fps + tns).flip(0).T
        return fpr, tpr, thresholds.flip(0)
    curves = [
        binary_roc_compute(per_class(*state, i, ignore_index, multilabel)) for i in range(num)
    ]
    return tuple(list(c) for c in zip(*curves))


def binary_roc(
    preds, target, thresholds=None, ignore_index: int | None = None, validate_args: bool = True
):
    """ROC curve of a binary task: false and true positive rates at decreasing thresholds.

    Example:
        >>> import ember
        >>> fpr, tpr, thr = binary_roc(ember.tensor([0.0, 0.5, 0.7, 0.8]),
        ...                            ember.tensor([0, 1, 1, 0]))
        >>> fpr
        tensor([0.0000, 0.5000, 0.5000, 0.5000, 1.0000])
    """
    preds, target, thresholds = binary_format(
        preds, target, thresholds, ignore_index, validate_args
    )
    if thresholds is not None:
        return binary_roc_compute(binned_state(preds, target, thresholds), thresholds)
    return binary_roc_compute((preds, target))


def multiclass_roc(
    preds,
    target,
    num_classes: int,
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """One-vs-rest ROC curve of every class (lists when exact, ``(C, T)`` tensors when
    binned)."""
    preds, target, thresholds = multiclass_format(
        preds, target, num_classes, thresholds, ignore_index, None, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, one_hot(target, num_classes), thresholds)
        return multi_roc_compute(state, num_classes, thresholds)
    return multi_roc_compute((preds, target), num_classes)


def multilabel_roc(
    preds,
    target,
    num_labels: int,
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """ROC curve of every label (lists when exact, ``(L, T)`` tensors when binned)."""
    preds, target, thresholds = multilabel_format(
        preds, target, num_labels, thresholds, ignore_index, None, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, target, thresholds, ignore_index)
        return multi_roc_compute(state, num_labels, thresholds)
    return multi_roc_compute((preds, target), num_labels, None, ignore_index, multilabel=True)


def roc(
    preds,
    target,
    task: str,
    thresholds=None,
    num_classes: int | None = None,
    num_labels: int | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """ROC curve for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_roc(preds, target, thresholds, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_roc(preds, target, num_classes, thresholds, ignore_index, validate_args)
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_roc(preds, target, num_labels, thresholds, ignore_index, validate_args)
