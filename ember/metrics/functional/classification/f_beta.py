"""F-beta ``(1 + b^2) tp / ((1 + b^2) tp + b^2 fn + fp)`` and F1 (torchmetrics' families)."""

from __future__ import annotations

from . import _input
from ._compute import safe_divide, weighted_average
from .stat_scores import binary_update, multiclass_update, multilabel_update, task_dispatch

__all__ = [
    "binary_fbeta_score",
    "multiclass_fbeta_score",
    "multilabel_fbeta_score",
    "binary_f1_score",
    "multiclass_f1_score",
    "multilabel_f1_score",
    "fbeta_score",
    "f1_score",
]


def check_beta(beta) -> None:
    """``beta`` must be a float larger than 0."""
    if not (isinstance(beta, float) and beta > 0):
        raise ValueError(f"Expected argument `beta` to be a float larger than 0, but got {beta}.")


def fbeta_reduce(tp, fp, tn, fn, beta, average, multilabel=False, top_k=1):
    """F-beta from the counts, reduced by ``average`` (binary, micro, macro, weighted, none)."""
    b2 = beta**2
    if average == "micro":
        tp, fp, fn = tp.sum(-1), fp.sum(-1), fn.sum(-1)
    score = safe_divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)
    if average in ("binary", "micro"):
        return score
    return weighted_average(score, average, tp, fp, fn, multilabel, top_k)


def binary_fbeta_score(
    preds,
    target,
    beta: float,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """F-beta score of a binary task."""
    if validate_args:
        check_beta(beta)
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return fbeta_reduce(*stats, beta, average="binary")


def multiclass_fbeta_score(
    preds,
    target,
    beta: float,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-class F-beta score of a multiclass task, averaged by ``average``."""
    if validate_args:
        check_beta(beta)
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return fbeta_reduce(*stats, beta, average=average, top_k=top_k)


def multilabel_fbeta_score(
    preds,
    target,
    beta: float,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-label F-beta score of a multilabel task, averaged by ``average``."""
    if validate_args:
        check_beta(beta)
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return fbeta_reduce(*stats, beta, average=average, multilabel=True)


def binary_f1_score(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """F1 score (harmonic mean of precision and recall) of a binary task."""
    return binary_fbeta_score(
        preds, target, 1.0, threshold, multidim_average, ignore_index, validate_args
    )


def multiclass_f1_score(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-class F1 score of a multiclass task, averaged by ``average``."""
    return multiclass_fbeta_score(
        preds,
        target,
        1.0,
        num_classes,
        average,
        top_k,
        multidim_average,
        ignore_index,
        validate_args,
    )


def multilabel_f1_score(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Per-label F1 score of a multilabel task, averaged by ``average``."""
    return multilabel_fbeta_score(
        preds,
        target,
        1.0,
        num_labels,
        threshold,
        average,
        multidim_average,
        ignore_index,
        validate_args,
    )


def fbeta_score(
    preds,
    target,
    task: str,
    beta: float = 1.0,
    threshold: float = 0.5,
    num_classes: int | None = None,
    num_labels: int | None = None,
    average: str | None = "micro",
    multidim_average: str = "global",
    top_k: int = 1,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """F-beta score for ``task`` "binary", "multiclass" or "multilabel" (``average`` defaults to
    "micro" here, as in torchmetrics' task wrapper)."""
    _input.check_task(task)
    if task == "binary":
        return binary_fbeta_score(
            preds, target, beta, threshold, multidim_average, ignore_index, validate_args
        )
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_fbeta_score(
            preds,
            target,
            beta,
            num_classes,
            average,
            top_k,
            multidim_average,
            ignore_index,
            validate_args,
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_fbeta_score(
        preds,
        target,
        beta,
        num_labels,
        threshold,
        average,
        multidim_average,
        ignore_index,
        validate_args,
    )


def f1_score(
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
    """F1 score for ``task`` "binary", "multiclass" or "multilabel".

    Example:
        >>> import ember
        >>> f1_score(ember.tensor([2, 0, 2, 1]), ember.tensor([2, 1, 2, 0]), task="multiclass",
        ...          num_classes=3)
        tensor(0.5000)
    """
    return task_dispatch(
        binary_f1_score,
        multiclass_f1_score,
        multilabel_f1_score,
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
