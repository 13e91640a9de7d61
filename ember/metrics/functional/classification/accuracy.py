"""Accuracy: the fraction of correct predictions (torchmetrics' ``accuracy`` family)."""

from __future__ import annotations

from ._compute import safe_divide, weighted_average
from .stat_scores import binary_update, multiclass_update, multilabel_update, task_dispatch

__all__ = ["binary_accuracy", "multiclass_accuracy", "multilabel_accuracy", "accuracy"]


def accuracy_reduce(tp, fp, tn, fn, average, multilabel=False, top_k=1):
    """Accuracy from the counts: binary, micro, macro, weighted or per class (none)."""
    if average == "binary":
        return safe_divide(tp + tn, tp + tn + fp + fn)
    if average == "micro":
        tp, fn = tp.sum(-1), fn.sum(-1)
        if multilabel:
            tn, fp = tn.sum(-1), fp.sum(-1)
            return safe_divide(tp + tn, tp + tn + fp + fn)
        return safe_divide(tp, tp + fn)
    score = safe_divide(tp + tn, tp + tn + fp + fn) if multilabel else safe_divide(tp, tp + fn)
    return weighted_average(score, average, tp, fp, fn, multilabel, top_k)


def binary_accuracy(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Accuracy of a binary task; float ``preds`` are thresholded (after a sigmoid if logits).

    Example:
        >>> import ember
        >>> binary_accuracy(ember.tensor([0, 0, 1, 1, 0, 1]), ember.tensor([0, 1, 0, 1, 0, 1]))
        tensor(0.6667)
    """
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return accuracy_reduce(*stats, average="binary")


def multiclass_accuracy(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Accuracy of a multiclass task (per-class recall averaged by ``average``; "micro" is the
    plain fraction of correct samples, counted correct when the target is among the ``top_k``
    highest scores).

    Example:
        >>> import ember
        >>> multiclass_accuracy(ember.tensor([2, 1, 0, 1]), ember.tensor([2, 1, 0, 0]), 3)
        tensor(0.8333)
    """
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return accuracy_reduce(*stats, average=average, top_k=top_k)


def multilabel_accuracy(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Accuracy of a multilabel task: per label, then averaged by ``average``."""
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return accuracy_reduce(*stats, average=average, multilabel=True)


def accuracy(
    preds,
    target,
    task: str,
    threshold: float = 0.5,
    num_classes: int | None = None,
    num_labels: int | None = None,
    average: str | None = "micro",
    multidim_average: str = "global",
    top_k: int = 1,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Accuracy for ``task`` "binary", "multiclass" or "multilabel" (``average`` defaults to
    "micro" here, as in torchmetrics' task wrapper; the task functions default to "macro").

    Example:
        >>> import ember
        >>> accuracy(ember.tensor([0, 2, 1, 3]), ember.tensor([0, 1, 2, 3]), task="multiclass",
        ...          num_classes=4)
        tensor(0.5000)
    """
    return task_dispatch(
        binary_accuracy,
        multiclass_accuracy,
        multilabel_accuracy,
        preds,
        target,
        task,
        threshold,
        num_classes,
        num_labels,
        average,
        multidim_average,
        top_k,
        ignore_index,
        validate_args,
    )
