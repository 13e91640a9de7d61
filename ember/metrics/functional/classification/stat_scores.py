"""True/false positives and negatives: the counts every threshold-based score is built on.

``binary_update`` / ``multiclass_update`` / ``multilabel_update`` validate and format the inputs
and return ``(tp, fp, tn, fn)`` as int64 tensors: scalars (binary), one entry per class or label
``(C,)``, with a leading sample axis ``(N, ...)`` when ``multidim_average="samplewise"``. The score
functions (accuracy, precision, ...) and the stateful metrics reduce those counts.
"""

from __future__ import annotations

import ember

from . import _input
from ._compute import safe_divide

__all__ = ["binary_stat_scores", "multiclass_stat_scores", "multilabel_stat_scores", "stat_scores"]


def _counts(pred, pos, neg, dim):
    """(tp, fp, tn, fn) from boolean predictions and positive/negative target masks."""
    tp = (pred & pos).sum(dim)
    fp = (pred & neg).sum(dim)
    return tp, fp, neg.sum(dim) - fp, pos.sum(dim) - tp


def binary_stats(preds, target, threshold=0.5, multidim_average="global", ignore_index=None):
    """(tp, fp, tn, fn) of formatted binary inputs (no validation)."""
    if multidim_average == "global":
        pred = _input.threshold_labels(preds, threshold).reshape(-1)
        target = target.reshape(-1)
        dim = 0
    else:
        pred = _input.threshold_labels(preds, threshold).reshape(preds.shape[0], -1)
        target = target.reshape(target.shape[0], -1)
        dim = 1
    pos, neg = _input.binary_masks(target, ignore_index)
    return _counts(pred, pos, neg, dim)


def multilabel_stats(
    preds, target, num_labels, threshold=0.5, multidim_average="global", ignore_index=None
):
    """(tp, fp, tn, fn) per label, shape ``(L,)`` or ``(N, L)`` (no validation)."""
    n = preds.shape[0]
    pred = _input.threshold_labels(preds, threshold).reshape(n, num_labels, -1)
    pos, neg = _input.binary_masks(target.reshape(n, num_labels, -1), ignore_index)
    return _counts(pred, pos, neg, (0, 2) if multidim_average == "global" else 2)


def multiclass_stats(
    preds, target, num_classes, top_k=1, multidim_average="global", ignore_index=None
):
    """(tp, fp, tn, fn) per class, shape ``(C,)`` or ``(N, C)`` (no validation).

    With ``top_k == 1`` the counts come from a (per-sample) confusion matrix built by one
    ``bincount``; with ``top_k > 1`` a class counts as predicted when it is among the ``top_k``
    highest scores.
    """
    c = num_classes
    n = target.shape[0] if target.ndim else 1
    samplewise = multidim_average == "samplewise"
    if top_k > 1:
        scores = preds.reshape(n, c, -1)
        pred = ember.zeros(scores.shape, dtype=ember.bool, device=scores.device)
        pred = pred.scatter(1, scores.topk(top_k, dim=1).indices, True)
        labels = target.reshape(n, 1, -1)
        is_class = labels == ember.arange(c, device=labels.device).reshape(1, c, 1)
        keep = None if ignore_index is None else labels != ignore_index
        pos = is_class if keep is None else is_class & keep
        neg = ~is_class if keep is None else ~is_class & keep
        return _counts(pred, pos, neg, 2 if samplewise else (0, 2))
    if preds.ndim == target.ndim + 1:
        preds = preds.argmax(1)
    p = preds.reshape(-1).long()
    t = target.reshape(-1).long()
    idx = t * c + p
    size = c * c
    if samplewise:
        per_sample = t.numel() // n
        sample = ember.arange(n, device=t.device).reshape(n, 1).expand(n, per_sample).reshape(-1)
        idx = idx + sample * size
        size = n * size
    if ignore_index is not None:
        idx = idx[t != ignore_index]
    confmat = ember.bincount(idx, minlength=size).reshape(-1, c, c)
    if not samplewise:
        confmat = confmat[0]
    tp = ember.diagonal(confmat, dim1=-2, dim2=-1)
    fp = confmat.sum(-2) - tp
    fn = confmat.sum(-1) - tp
    tn = confmat.sum((-2, -1)).unsqueeze(-1) - tp - fp - fn
    return tp, fp, tn, fn


# ---------------------------------------------------------------------------- validated updates
def binary_update(
    preds, target, threshold=0.5, multidim_average="global", ignore_index=None, validate_args=True
):
    """Validate (optionally) and count the binary statistics."""
    if validate_args:
        _input.binary_args(threshold, multidim_average, ignore_index)
        _input.binary_tensors(preds, target, multidim_average, ignore_index)
    return binary_stats(preds, target, threshold, multidim_average, ignore_index)


def multiclass_update(
    preds,
    target,
    num_classes,
    average="macro",
    top_k=1,
    multidim_average="global",
    ignore_index=None,
    validate_args=True,
):
    """Validate (optionally) and count the per-class statistics."""
    if validate_args:
        _input.multiclass_args(num_classes, top_k, average, multidim_average, ignore_index)
        _input.multiclass_tensors(preds, target, num_classes, multidim_average, ignore_index, top_k)
    return multiclass_stats(preds, target, num_classes, top_k, multidim_average, ignore_index)


def multilabel_update(
    preds,
    target,
    num_labels,
    threshold=0.5,
    average="macro",
    multidim_average="global",
    ignore_index=None,
    validate_args=True,
):
    """Validate (optionally) and count the per-label statistics."""
    if validate_args:
        _input.multilabel_args(num_labels, threshold, average, multidim_average, ignore_index)
        _input.multilabel_tensors(preds, target, num_labels, multidim_average, ignore_index)
    return multilabel_stats(preds, target, num_labels, threshold, multidim_average, ignore_index)


def stat_scores_reduce(tp, fp, tn, fn, average="binary"):
    """Stack ``[tp, fp, tn, fn, support]`` on a last axis and reduce the class axis."""
    res = ember.stack([tp, fp, tn, fn, tp + fn], dim=-1)
    if average == "binary" or average is None or average == "none":
        return res
    if average == "micro":
        return res.sum(-2)
    if average == "macro":
        return res.float().mean(-2)
    weights = (tp + fn).float()
    return (res * safe_divide(weights, weights.sum(-1, keepdim=True)).unsqueeze(-1)).sum(-2)


def task_dispatch(
    binary,
    multiclass,
    multilabel,
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
):
    """Call the binary, multiclass or multilabel variant of a score for ``task``."""
    _input.check_task(task)
    if task == "binary":
        return binary(preds, target, threshold, multidim_average, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass(
            preds,
            target,
            num_classes,
            average,
            top_k,
            multidim_average,
            ignore_index,
            validate_args,
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )


# ---------------------------------------------------------------------------- public functions
def binary_stat_scores(
    preds,
    target,
    threshold: float = 0.5,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``[tp, fp, tn, fn, support]`` of a binary task: shape ``(5,)``, or ``(N, 5)`` samplewise.

    Example:
        >>> import ember
        >>> binary_stat_scores(ember.tensor([0, 0, 1, 1, 0, 1]), ember.tensor([0, 1, 0, 1, 0, 1]))
        tensor([2, 1, 2, 1, 3])
    """
    stats = binary_update(preds, target, threshold, multidim_average, ignore_index, validate_args)
    return stat_scores_reduce(*stats)


def multiclass_stat_scores(
    preds,
    target,
    num_classes: int,
    average: str | None = "macro",
    top_k: int = 1,
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``[tp, fp, tn, fn, support]`` of a multiclass task, reduced over classes by ``average``
    (``None``/"none" keeps a ``(C, 5)`` table).

    Example:
        >>> import ember
        >>> multiclass_stat_scores(ember.tensor([2, 1, 0, 1]), ember.tensor([2, 1, 0, 0]), 3,
        ...                        average="micro")
        tensor([3, 1, 7, 1, 4])
    """
    stats = multiclass_update(
        preds, target, num_classes, average, top_k, multidim_average, ignore_index, validate_args
    )
    return stat_scores_reduce(*stats, average=average)


def multilabel_stat_scores(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    average: str | None = "macro",
    multidim_average: str = "global",
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``[tp, fp, tn, fn, support]`` of a multilabel task, reduced over labels by ``average``."""
    stats = multilabel_update(
        preds, target, num_labels, threshold, average, multidim_average, ignore_index, validate_args
    )
    return stat_scores_reduce(*stats, average=average)


def stat_scores(
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
    """``[tp, fp, tn, fn, support]`` for ``task`` "binary", "multiclass" or "multilabel"."""
    return task_dispatch(
        binary_stat_scores,
        multiclass_stat_scores,
        multilabel_stat_scores,
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
