"""Small numeric helpers shared by the classification metrics."""

from __future__ import annotations

import warnings

import ember


def safe_divide(num, denom):
    """``num / denom`` as floats, with 0 where ``denom`` is 0 (torchmetrics' zero division)."""
    num = num if num.is_floating_point() else num.float()
    denom = denom if denom.is_floating_point() else denom.float()
    zero = denom == 0
    return ember.where(zero, ember.zeros_like(num), num / ember.where(zero, 1, denom))


def weighted_average(score, average, tp, fp, fn, multilabel: bool = False, top_k: int = 1):
    """Reduce per-class ``score`` (last dim) by ``average``: "macro", "weighted" or none.

    For multiclass "macro", classes that never occur (no tp, fp or fn; with ``top_k > 1``: no
    tp or fn) are left out of the mean, as in torchmetrics and in scikit-learn's default labels.
    """
    if average is None or average == "none":
        return score
    if average == "weighted":
        weights = (tp + fn).float()
    else:
        weights = ember.ones_like(score)
        if not multilabel:
            absent = (tp + fp + fn == 0) if top_k == 1 else (tp + fn == 0)
            weights = ember.where(absent, 0.0, weights)
    return safe_divide(weights * score, weights.sum(-1, keepdim=True)).sum(-1)


def trapezoid(y, x):
    """Area under the piecewise-linear curve through the points ``(x, y)`` (last dim)."""
    return ((x[..., 1:] - x[..., :-1]) * (y[..., 1:] + y[..., :-1])).sum(-1) / 2


def nan_safe_average(res, average, weights=None):
    """Average per-class scores ``res`` ("macro"/"weighted"), leaving out the ``nan`` classes
    with a warning; ``average`` None/"none" returns ``res``."""
    if average is None or average == "none":
        return res
    keep = ~ember.isnan(res)
    if not bool(keep.all()):
        warnings.warn(
            f"Average precision score for one or more classes was `nan`. Ignoring these classes "
            f"in {average}-average",
            UserWarning,
            stacklevel=3,
        )
    if average == "macro":
        return res[keep].mean()
    w = weights[keep].float()
    return (res[keep] * safe_divide(w, w.sum())).sum()
