"""Precision-recall curves, and the input handling shared by every ranking metric (ROC, AUROC,
average precision).

With ``thresholds=None`` the curves are exact: every distinct score is a threshold and the state
is the scores and targets themselves. With ``thresholds`` an int (that many evenly spaced values
in ``[0, 1]``), a list or a 1-d tensor, the state is a confusion matrix per threshold, shape
``(T, 2, 2)`` (binary) or ``(T, C, 2, 2)``, whose size does not grow with the data; a sample
counts as positive when its score is ``>=`` the threshold.
"""

from __future__ import annotations

import ember

from . import _input
from ._compute import safe_divide

__all__ = [
    "binary_precision_recall_curve",
    "multiclass_precision_recall_curve",
    "multilabel_precision_recall_curve",
    "precision_recall_curve",
]

# ---------------------------------------------------------------------------- arguments


def check_thresholds(thresholds) -> None:
    """``thresholds`` must be None, an int > 1, a list of floats in [0, 1] or a 1-d tensor."""
    if thresholds is None:
        return
    if isinstance(thresholds, bool) or not isinstance(thresholds, (int, list, ember.Tensor)):
        raise ValueError(
            "Expected argument `thresholds` to either be an integer, list of floats or tensor of "
            f"floats, but got {thresholds}"
        )
    if isinstance(thresholds, int) and thresholds < 2:
        raise ValueError(
            f"If argument `thresholds` is an integer, expected it to be larger than 1, but got "
            f"{thresholds}"
        )
    if isinstance(thresholds, list) and not all(
        isinstance(t, float) and 0 <= t <= 1 for t in thresholds
    ):
        raise ValueError(
            "If argument `thresholds` is a list, expected all elements to be floats in the [0,1] "
            f"range, but got {thresholds}"
        )
    if isinstance(thresholds, ember.Tensor) and thresholds.ndim != 1:
        raise ValueError("If argument `thresholds` is an tensor, expected the tensor to be 1d")


def as_thresholds(thresholds, device):
    """The threshold tensor for an int / list / tensor argument (None stays None)."""
    if thresholds is None:
        return None
    if isinstance(thresholds, int):
        return ember.linspace(0, 1, thresholds, device=device)
    if isinstance(thresholds, list):
        return ember.tensor(thresholds, device=device)
    return thresholds.to(device)


# ---------------------------------------------------------------------------- formatting


def binary_format(preds, target, thresholds=None, ignore_index=None, validate_args=True):
    """Flatten, drop ignored elements, sigmoid logits; returns ``(preds, target, thresholds)``."""
    if validate_args:
        check_thresholds(thresholds)
        _input.check_ignore_index(ignore_index)
        _input.check_same_shape(preds, target)
        _input.check_binary_target(target, ignore_index)
        _input.check_float_preds(preds)
    preds = preds.reshape(-1)
    target = target.reshape(-1)
    if ignore_index is not None:
        keep = target != ignore_index
        preds, target = preds[keep], target[keep]
    return _input.sigmoid_if_logits(preds), target.long(), as_thresholds(thresholds, preds.device)


def multiclass_format(
    preds, target, num_classes, thresholds=None, ignore_index=None, average=None, validate_args=True
):
    """Scores ``(N, C, ...)`` to ``(M, C)`` probabilities (softmax of logits), labels to ``(M,)``,
    ignored samples dropped."""
    if validate_args:
        _input.check_num("num_classes", num_classes)
        check_thresholds(thresholds)
        _input.check_ignore_index(ignore_index)
        if average not in ("macro", "weighted", "none", None):
            raise ValueError(
                "Expected argument `average` to be one of ('macro', 'weighted', 'none', None), "
                f"but got {average}"
            )
        if preds.ndim != target.ndim + 1:
            raise ValueError(
                "Expected `preds` to have one more dimension than `target` but got "
                f"{preds.ndim} and {target.ndim}"
            )
        _input.check_float_preds(preds)
        _input.multiclass_tensors(preds, target, num_classes, ignore_index=ignore_index)
    preds = preds.movedim(1, -1).reshape(-1, num_classes)
    target = target.reshape(-1)
    if ignore_index is not None:
        keep = target != ignore_index
        preds, target = preds[keep], target[keep]
    preds = _input.softmax_if_logits(preds, 1)
    return preds, target.long(), as_thresholds(thresholds, preds.device)


def multilabel_format(
    preds, target, num_labels, thresholds=None, ignore_index=None, average=None, validate_args=True
):
    """Scores and targets ``(N, L, ...)`` to ``(M, L)``; logits get a sigmoid. Ignored entries
    stay (they are dropped label by label when the state is reduced)."""
    if validate_args:
        _input.check_num("num_labels", num_labels)
        check_thresholds(thresholds)
        _input.check_ignore_index(ignore_index)
        _input.check_average(average, ("micro", "macro", "weighted", "none", None))
        _input.multilabel_tensors(preds, target, num_labels, ignore_index=ignore_index)
        _input.check_float_preds(preds)
    preds = _input.sigmoid_if_logits(preds.movedim(1, -1).reshape(-1, num_labels))
    target = target.movedim(1, -1).reshape(-1, num_labels).long()
    return preds, target, as_thresholds(thresholds, preds.device)


# ---------------------------------------------------------------------------- binned state


def binned_state(preds, target, thresholds, ignore_index=None):
    """Confusion matrices ``[[tn, fp], [fn, tp]]`` per threshold, shape ``(T, 2, 2)`` for 1-d
    inputs or ``(T, K, 2, 2)`` for ``(M, K)`` scores with ``(M, K)`` 0/1 targets."""
    n_t = thresholds.numel()
    k = preds.shape[1] if preds.ndim == 2 else 1
    above = (preds.unsqueeze(-1) >= thresholds).long()
    base = 4 * k * ember.arange(n_t, device=preds.device)
    if preds.ndim == 2:
        base = base + 4 * ember.arange(k, device=preds.device).reshape(k, 1)
    idx = (above + 2 * target.unsqueeze(-1) + base).reshape(-1)
    if ignore_index is not None:
        idx = idx[(target != ignore_index).unsqueeze(-1).expand(above.shape).reshape(-1)]
    counts = ember.bincount(idx, minlength=4 * n_t * k)
    return counts.reshape(n_t, k, 2, 2) if preds.ndim == 2 else counts.reshape(n_t, 2, 2)


def one_hot(target, num_classes):
    """``(M,)`` labels to ``(M, C)`` 0/1 int64."""
    return (target.unsqueeze(-1) == ember.arange(num_classes, device=target.device)).long()


# ---------------------------------------------------------------------------- exact curve


def binary_clf_curve(preds, target):
    """Cumulative false and true positives at each distinct score, from the highest score down:
    ``(fps, tps, thresholds)``."""
    order = ember.argsort(preds, descending=True, stable=True)
    preds = preds[order]
    target = target[order]
    last_of_run = ember.where(preds[1:] != preds[:-1])[0]
    end = ember.tensor([target.numel() - 1], device=preds.device)
    idx = ember.cat([last_of_run, end])
    tps = ember.cumsum(target, 0)[idx]
    fps = idx + 1 - tps
    return fps, tps, preds[idx]


def binary_pr_compute(state, thresholds=None):
    """``(precision, recall, thresholds)`` from ``(preds, target)`` or a binned state."""
    if thresholds is not None:
        tps, fps, fns = state[:, 1, 1], state[:, 0, 1], state[:, 1, 0]
        precision = safe_divide(tps, tps + fps)
        recall = safe_divide(tps, tps + fns)
        one = ember.ones(1, dtype=precision.dtype, device=precision.device)
        return ember.cat([precision, one]), ember.cat([recall, ember.zeros_like(one)]), thresholds
    fps, tps, thresholds = binary_clf_curve(*state)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    one = ember.ones(1, dtype=precision.dtype, device=precision.device)
    precision = ember.cat([precision.flip(0), one])
    recall = ember.cat([recall.flip(0), ember.zeros_like(one)])
    return precision, recall, thresholds.flip(0)


def multi_pr_compute(state, num, thresholds=None, ignore_index=None, multilabel=False):
    """Curves per class (``state`` = ``(M, C)`` scores and ``(M,)`` labels) or per label
    (``(M, L)`` scores and 0/1 targets): lists of tensors when exact; with a binned ``(T, C, 2,
    2)`` state, ``(C, T + 1)`` tensors."""
    if thresholds is not None:
        tps, fps, fns = state[..., 1, 1], state[..., 0, 1], state[..., 1, 0]
        precision = safe_divide(tps, tps + fps)
        recall = safe_divide(tps, tps + fns)
        one = ember.ones(1, num, dtype=precision.dtype, device=precision.device)
        precision = ember.cat([precision, one]).T
        recall = ember.cat([recall, ember.zeros_like(one)]).T
        return precision, recall, thresholds
    curves = [binary_pr_compute(per_class(*state, i, ignore_index, multilabel)) for i in range(num)]
    return tuple(list(c) for c in zip(*curves))


def per_class(preds, target, i, ignore_index=None, multilabel=False):
    """One-vs-rest ``(scores, 0/1 target)`` of class or label ``i``."""
    if not multilabel:
        return preds[:, i], (target == i).long()
    p, t = preds[:, i], target[:, i]
    if ignore_index is not None:
        keep = t != ignore_index
        p, t = p[keep], t[keep]
    return p, t


# ---------------------------------------------------------------------------- public functions


def binary_precision_recall_curve(
    preds, target, thresholds=None, ignore_index: int | None = None, validate_args: bool = True
):
    """Precision and recall of a binary task at every threshold: ``(precision, recall,
    thresholds)`` with recall decreasing, ending at ``(precision=1, recall=0)``.

    Example:
        >>> import ember
        >>> p, r, t = binary_precision_recall_curve(ember.tensor([0.1, 0.4, 0.35, 0.8]),
        ...                                         ember.tensor([0, 0, 1, 1]))
        >>> p
        tensor([0.5000, 0.6667, 0.5000, 1.0000, 1.0000])
    """
    preds, target, thresholds = binary_format(
        preds, target, thresholds, ignore_index, validate_args
    )
    if thresholds is not None:
        return binary_pr_compute(binned_state(preds, target, thresholds), thresholds)
    return binary_pr_compute((preds, target))


def multiclass_precision_recall_curve(
    preds,
    target,
    num_classes: int,
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """One-vs-rest precision-recall curve of every class: lists of ``num_classes`` tensors
    (exact) or ``(C, T + 1)`` precision/recall tensors (binned ``thresholds``)."""
    preds, target, thresholds = multiclass_format(
        preds, target, num_classes, thresholds, ignore_index, None, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, one_hot(target, num_classes), thresholds)
        return multi_pr_compute(state, num_classes, thresholds)
    return multi_pr_compute((preds, target), num_classes)


def multilabel_precision_recall_curve(
    preds,
    target,
    num_labels: int,
    thresholds=None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Precision-recall curve of every label (lists when exact, tensors when binned)."""
    preds, target, thresholds = multilabel_format(
        preds, target, num_labels, thresholds, ignore_index, None, validate_args
    )
    if thresholds is not None:
        state = binned_state(preds, target, thresholds, ignore_index)
        return multi_pr_compute(state, num_labels, thresholds)
    return multi_pr_compute((preds, target), num_labels, None, ignore_index, multilabel=True)


def precision_recall_curve(
    preds,
    target,
    task: str,
    thresholds=None,
    num_classes: int | None = None,
    num_labels: int | None = None,
    ignore_index: int | None = None,
    validate_args: bool = True,
):
    """Precision-recall curve for ``task`` "binary", "multiclass" or "multilabel"."""
    _input.check_task(task)
    if task == "binary":
        return binary_precision_recall_curve(preds, target, thresholds, ignore_index, validate_args)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return multiclass_precision_recall_curve(
            preds, target, num_classes, thresholds, ignore_index, validate_args
        )
    _input.check_int_arg("num_labels", num_labels)
    return multilabel_precision_recall_curve(
        preds, target, num_labels, thresholds, ignore_index, validate_args
    )
