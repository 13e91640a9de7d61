"""Confusion matrices (torchmetrics' ``confusion_matrix`` family): int64 counts, or float rates
with ``normalize``. Rows are targets, columns predictions; binary and per-label matrices are
``[[tn, fp], [fn, tp]]``."""

from __future__ import annotations

import warnings

import ember

from . import _input

__all__ = [
    "binary_confusion_matrix",
    "multiclass_confusion_matrix",
    "multilabel_confusion_matrix",
    "confusion_matrix",
]


def confusion_matrix_reduce(confmat, normalize=None):
    """Normalise counts over targets ("true", rows), predictions ("pred", columns) or "all";
    ``nan`` from empty rows/columns becomes 0 with a warning, as in torchmetrics."""
    if normalize is None or normalize == "none":
        return confmat
    confmat = confmat.float()
    if normalize == "true":
        confmat = confmat / confmat.sum(-1, keepdim=True)
    elif normalize == "pred":
        confmat = confmat / confmat.sum(-2, keepdim=True)
    else:
        confmat = confmat / confmat.sum((-2, -1), keepdim=True)
    nans = ember.isnan(confmat)
    count = int(nans.sum())
    if count:
        warnings.warn(
            f"{count} NaN values found in confusion matrix have been replaced with zeros.",
            UserWarning,
            stacklevel=3,
        )
        confmat = ember.where(nans, 0.0, confmat)
    return confmat


def binary_confmat(preds, target, threshold=0.5, ignore_index=None):
    """The ``(2, 2)`` count matrix of formatted binary inputs (no validation)."""
    pred = _input.threshold_labels(preds, threshold).reshape(-1).long()
    target = target.reshape(-1).long()
    if ignore_index is not None:
        keep = target != ignore_index
        pred, target = pred[keep], target[keep]
    return ember.bincount(2 * target + pred, minlength=4).reshape(2, 2)


def multiclass_confmat(preds, target, num_classes, ignore_index=None):
    """The ``(C, C)`` count matrix of multiclass labels or scores (no validation)."""
    if preds.ndim == target.ndim + 1:
        preds = preds.argmax(1)
    pred = preds.reshape(-1).long()
    target = target.reshape(-1).long()
    if ignore_index is not None:
        keep = target != ignore_index
        pred, target = pred[keep], target[keep]
    counts = ember.bincount(target * num_classes + pred, minlength=num_classes**2)
    return counts.reshape(num_classes, num_classes)


def multilabel_confmat(preds, target, num_labels, threshold=0.5, ignore_index=None):
    """The ``(L, 2, 2)`` per-label count matrices (no validation)."""
    n = preds.shape[0]
    pred = _input.threshold_labels(preds, threshold).reshape(n, num_labels, -1).long()
    target = target.reshape(n, num_labels, -1).long()
    label = ember.arange(num_labels, device=target.device).reshape(1, num_labels, 1)
    idx = (label * 4 + 2 * target + pred).expand(pred.shape).reshape(-1)
    if ignore_index is not None:
        idx = idx[(target != ignore_index).reshape(-1)]
    return ember.bincount(idx, minlength=4 * num_labels).reshape(num_labels, 2, 2)


def binary_confmat_update(
    preds, target, threshold=0.5, normalize=None, ignore_index=None, validate_args=True
):
    """Validate (optionally) and count a binary confusion matrix."""
    if validate_args:
        _input.check_threshold(threshold)
        _input.check_normalize(normalize)
        _input.check_ignore_index(ignore_index)
        _input.check_same_shape(preds, target)
        _input.check_binary_target(target, ignore_index)
        _input.check_label_preds(preds)
    return binary_confmat(preds, target, threshold, ignore_index)


def multiclass_confmat_update(
    preds, target, num_classes, normalize=None, ignore_index=None, validate_args=True
):
    """Validate (optionally) and count a multiclass confusion matrix."""
    if validate_args:
        _input.check_num("num_classes", num_classes)
        _input.check_normalize(normalize)
        _input.check_ignore_index(ignore_index)
        _input.multiclass_tensors(preds, target, num_classes, ignore_index=ignore_index)
    return multiclass_confmat(preds, target, num_classes, ignore_index)


def multilabel_confmat_update(
    preds, target, num_labels, threshold=0.5, normalize=None, ignore_index=None, validate_args=True
):
    """Validate (optionally) and count per-label confusion matrices."""
    if validate_args:
        _input.check_num("num_labels", num_labels)
        _input.check_threshold(threshold)
        _input.check_normalize(normalize)
        _input.check_ignore_index(ignore_index)
        _input.multilabel_tensors(preds, target, num_labels, ignore_index=ignore_index)
    return multilabel_confmat(preds, target, num_labels, threshold, ignore_index)


def binary_confusion_matrix(
    preds,
    target,
    threshold: float = 0.5,
    normalize: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``[[tn, fp], [fn, tp]]`` of a binary task (int64; float when ``normalize`` is set).

    Example:
        >>> import ember
        >>> binary_confusion_matrix(ember.tensor([0, 0, 1, 1]), ember.tensor([1, 1, 0, 0]))
        tensor([[0, 2],
                [2, 0]])
    """
    confmat = binary_confmat_update(
        preds, target, threshold, normalize, ignore_index, validate_args
    )
    return confusion_matrix_reduce(confmat, normalize)


def multiclass_confusion_matrix(
    preds,
    target,
    num_classes: int,
    normalize: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``(C, C)`` confusion matrix of a multiclass task: row = target, column = prediction."""
    confmat = multiclass_confmat_update(
        preds, target, num_classes, normalize, ignore_index, validate_args
    )
    return confusion_matrix_reduce(confmat, normalize)


def multilabel_confusion_matrix(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    normalize: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """``(L, 2, 2)`` confusion matrices, one ``[[tn, fp], [fn, tp]]`` per label."""
    confmat = multilabel_confmat_update(
        preds, target, num_labels, threshold, normalize, ignore_index, validate_args
    )
    return confusion_matrix_reduce(confmat, normalize)


def confusion_matrix(
    preds,
    target,
    task: str,
    threshold: float = 0.5,
    num_classes: int | None = None,
    num_labels: int | None = None,
    normalize: str | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Confusion matrix for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_confusion_matrix(
            preds, target, threshold, normalize, ignore_index, validate_args
        )
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_confusion_matrix(
            preds, target, num_classes, normalize, ignore_index, validate_args
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_confusion_matrix(
        preds, target, num_labels, threshold, normalize, ignore_index, validate_args
    )
