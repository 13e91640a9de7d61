"""Specificity ``tn / (tn + fp)``: the recall of the negatives (torchmetrics' family)."""

from __future__ import annotations

from ._compute import safe_divide, weighted_average
from .stat_scores import binary_update, multiclass_update, multilabel_update, task_dispatch

__all__ = ["binary_specificity", "multiclass_specificity", "multilabel_specificity", "specificity"]


def specificity_reduce(tp, fp, tn, fn, average, multilabel=False, top_k=1):
    """Specificity from the counts, reduced by ``average``."""
    if average == "binary":
        return safe_divide(tn, tn + fp)
    if average == "micro":
        return safe_divide(tn.sum(-1), (tn + fp).sum(-1))
    score = safe_divide(tn, tn + fp)
    return weighted_average(score, average, tp, fp, fn, multilabel, top_k)


def binary_specificity(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Specificity ``tn / (tn + fp)`` of a binary task."""
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return specificity_reduce(*stats, average="binary")


def multiclass_specificity(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-class (one-vs-rest) specificity of a multiclass task, averaged by ``average``."""
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return specificity_reduce(*stats, average=average, top_k=top_k)


def multilabel_specificity(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-label specificity of a multilabel task, averaged by ``average``."""
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return specificity_reduce(*stats, average=average, multilabel=True)


def specificity(
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
    """Specificity for ``task`` "binary", "multiclass" or "multilabel" (``average`` defaults to
    "micro" here, as in torchmetrics' task wrapper)."""
    return task_dispatch(
        binary_specificity,
        multiclass_specificity,
        multilabel_specificity,
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
