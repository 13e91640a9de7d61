"""Matthews correlation coefficient (torchmetrics' ``matthews_corrcoef`` family)."""

from __future__ import annotations

import ember

from . import _input
from .confusion_matrix import (
    binary_confmat_update,
    multiclass_confmat_update,
    multilabel_confmat_update,
)

__all__ = [
    "binary_matthews_corrcoef",
    "multiclass_matthews_corrcoef",
    "multilabel_matthews_corrcoef",
    "matthews_corrcoef",
]


def matthews_corrcoef_reduce(confmat):
    """MCC of a ``(C, C)`` confusion matrix (``(L, 2, 2)`` multilabel matrices are summed).

    Perfect (anti-)agreement on a binary matrix gives 1 (-1); a zero denominator (a constant
    prediction or target) gives 0, as in scikit-learn. Computed in float64, returned as float32.
    """
    if confmat.ndim == 3:
        confmat = confmat.sum(0)
    confmat = confmat.double()
    if confmat.shape == (2, 2):
        tn, fp, fn, tp = confmat.reshape(-1).tolist()
        if tp + tn != 0 and fp + fn == 0:
            return ember.tensor(1.0, device=confmat.device)
        if tp + tn == 0 and fp + fn != 0:
            return ember.tensor(-1.0, device=confmat.device)
    tk = confmat.sum(-1)
    pk = confmat.sum(-2)
    c = ember.trace(confmat)
    s = confmat.sum()
    cov_ytyp = c * s - (tk * pk).sum()
    cov_ypyp = s * s - (pk * pk).sum()
    cov_ytyt = s * s - (tk * tk).sum()
    denom = cov_ypyp * cov_ytyt
    if float(denom) == 0:
        return ember.tensor(0.0, device=confmat.device)
    return (cov_ytyp / denom.sqrt()).float()


def binary_matthews_corrcoef(
    preds,
    target,
    threshold: float = 0.5,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Matthews correlation coefficient of a binary task.

    Example:
        >>> import ember
        >>> binary_matthews_corrcoef(ember.tensor([0, 1, 0, 0]), ember.tensor([1, 1, 0, 0]))
        tensor(0.5774)
    """
    confmat = binary_confmat_update(preds, target, threshold, None, ignore_index, validate_args)
    return matthews_corrcoef_reduce(confmat)


def multiclass_matthews_corrcoef(
    preds, target, num_classes: int, ignore_index: int | None = None, validate_args: bool = True
):
    """Matthews correlation coefficient of a multiclass task (Gorodkin's R_K statistic)."""
    confmat = multiclass_confmat_update(
        preds, target, num_classes, None, ignore_index, validate_args
    )
    return matthews_corrcoef_reduce(confmat)


def multilabel_matthews_corrcoef(
    preds,
    target,
    num_labels: int,
    threshold: float = 0.5,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Matthews correlation coefficient of a multilabel task, over all (sample, label) pairs."""
    confmat = multilabel_confmat_update(
        preds, target, num_labels, threshold, None, ignore_index, validate_args
    )
    return matthews_corrcoef_reduce(confmat)


def matthews_corrcoef(
    preds,
    target,
    task: str,
    threshold: float = 0.5,
    num_classes: int | None = None,
    num_labels: int | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Matthews correlation coefficient for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_matthews_corrcoef(preds, target, threshold, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_matthews_corrcoef(preds, target, num_classes, ignore_index, validate_args)
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_matthews_corrcoef(
        preds, target, num_labels, threshold, ignore_index, validate_args
    )
