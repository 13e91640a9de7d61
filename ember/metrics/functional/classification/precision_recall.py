"""Precision ``tp / (tp + fp)`` and recall ``tp / (tp + fn)`` (torchmetrics' families)."""

from __future__ import annotations

from ._compute import safe_divide, weighted_average
from .stat_scores import binary_update, multiclass_update, multilabel_update, task_dispatch

__all__ = [
    "binary_precision",
    "multiclass_precision",
    "multilabel_precision",
    "binary_recall",
    "multiclass_recall",
    "multilabel_recall",
    "precision",
    "recall",
]


def precision_recall_reduce(stat, tp, fp, tn, fn, average, multilabel=False, top_k=1):
    """Precision (``stat="precision"``) or recall from the counts, reduced by ``average``."""
    other = fp if stat == "precision" else fn
    if average == "binary":
        return safe_divide(tp, tp + other)
    if average == "micro":
        return safe_divide(tp.sum(-1), (tp + other).sum(-1))
    score = safe_divide(tp, tp + other)
    return weighted_average(score, average, tp, fp, fn, multilabel, top_k)


def binary_precision(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Precision ``tp / (tp + fp)`` of a binary task (0 when nothing is predicted positive)."""
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return precision_recall_reduce("precision", *stats, average="binary")


def multiclass_precision(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-class precision of a multiclass task averaged by ``average`` ("micro", "macro",
    "weighted", "none"/None); with ``top_k`` a class is predicted when among the k best scores."""
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return precision_recall_reduce("precision", *stats, average=average, top_k=top_k)


def multilabel_precision(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-label precision of a multilabel task, averaged by ``average``."""
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return precision_recall_reduce("precision", *stats, average=average, multilabel=True)


def binary_recall(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Recall ``tp / (tp + fn)`` of a binary task (0 without positive targets)."""
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return precision_recall_reduce("recall", *stats, average="binary")


def multiclass_recall(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-class recall of a multiclass task averaged by ``average``."""
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return precision_recall_reduce("recall", *stats, average=average, top_k=top_k)


def multilabel_recall(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-label recall of a multilabel task, averaged by ``average``."""
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return precision_recall_reduce("recall", *stats, average=average, multilabel=True)


def precision(
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
    """Precision for ``task`` "binary", "multiclass" or "multilabel" (``average`` defaults to
    "micro" here, as in torchmetrics' task wrapper).

    Example:
        >>> import ember
        >>> precision(ember.tensor([2, 0, 2, 1]), ember.tensor([2, 1, 2, 0]), task="multiclass",
        ...           num_classes=3)
        tensor(0.5000)
    """
    return task_dispatch(
        binary_precision,
        multiclass_precision,
        multilabel_precision,
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


def recall(
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
    """Recall for ``task`` "binary", "multiclass" or "multilabel" (``average`` defaults to
    "micro" here, as in torchmetrics' task wrapper)."""
    return task_dispatch(
        binary_recall,
        multiclass_recall,
        multilabel_recall,
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
