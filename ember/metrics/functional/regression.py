"""Regression metrics as functions: mean squared / absolute error and R^2 (torchmetrics')."""

from __future__ import annotations

import warnings

import ember

from .classification._input import check_same_shape

__all__ = ["mean_squared_error", "mean_absolute_error", "r2_score"]

MULTIOUTPUTS = ("raw_values", "uniform_average", "variance_weighted")


def _flatten_outputs(preds, target, num_outputs):
    check_same_shape(preds, target)
    if num_outputs == 1:
        return preds.reshape(-1), target.reshape(-1)
    if preds.ndim != 2 or preds.shape[1] != num_outputs:
        raise ValueError(
            f"Expected `preds` and `target` of shape (N, {num_outputs}) for num_outputs="
            f"{num_outputs}, but got {tuple(preds.shape)}"
        )
    return preds, target


def mse_update(preds, target, num_outputs=1):
    """Sum of squared errors (per output) and the number of samples."""
    preds, target = _flatten_outputs(preds, target, num_outputs)
    diff = preds - target
    return (diff * diff).sum(0), target.shape[0]


def mse_compute(sum_squared_error, total, squared=True):
    """Mean squared error, or its square root when ``squared=False``."""
    mse = sum_squared_error / total
    return mse if squared else mse.sqrt()


def mae_update(preds, target, num_outputs=1):
    """Sum of absolute errors (per output) and the number of samples."""
    preds, target = _flatten_outputs(preds, target, num_outputs)
    preds = preds if preds.is_floating_point() else preds.float()
    target = target if target.is_floating_point() else target.float()
    return (preds - target).abs().sum(0), target.shape[0]


def r2_update(preds, target):
    """``(sum of squared targets, sum of targets, residual sum of squares, n)`` per output."""
    check_same_shape(preds, target)
    if preds.ndim > 2:
        raise ValueError(
            "Expected both prediction and target to be 1D or 2D tensors, but received tensors "
            f"with dimension {tuple(preds.shape)}"
        )
    residual = target - preds
    return (target * target).sum(0), target.sum(0), (residual * residual).sum(0), target.shape[0]


def check_r2_args(adjusted, multioutput) -> None:
    """``adjusted`` must be an int >= 0 and ``multioutput`` one of ``MULTIOUTPUTS``."""
    if not isinstance(adjusted, int) or adjusted < 0:
        raise ValueError("`adjusted` parameter should be an integer larger or equal to 0.")
    if multioutput not in MULTIOUTPUTS:
        raise ValueError(
            f"Invalid input to argument `multioutput`. Choose one of the following: {MULTIOUTPUTS}"
        )


def r2_compute(sum_squared_obs, sum_obs, rss, num_obs, adjusted=0, multioutput="uniform_average"):
    """R^2 ``1 - rss / tss`` per output, reduced by ``multioutput``; a (near-)constant target
    gives 1 for a (near-)perfect fit and 0 otherwise, as in torchmetrics."""
    if num_obs < 2:
        raise ValueError("Needs at least two samples to calculate r2 score.")
    tss = sum_squared_obs - sum_obs * (sum_obs / num_obs)
    zero = ember.zeros_like(rss)
    has_rss = ~ember.isclose(rss, zero, atol=1e-4)
    has_tss = ~ember.isclose(tss, zero, atol=1e-4)
    ratio = rss / ember.where(has_tss, tss, ember.ones_like(tss))
    raw = ember.where(has_tss, 1 - ratio, ember.where(has_rss, zero, ember.ones_like(rss)))
    if multioutput == "raw_values":
        r2 = raw
    elif multioutput == "uniform_average":
        r2 = raw.mean()
    else:
        r2 = (tss / tss.sum() * raw).sum()
    if adjusted:
        if adjusted > num_obs - 1:
            warnings.warn(
                "More independent regressions than data points in adjusted r2 score. "
                "Falls back to standard r2 score.",
                UserWarning,
                stacklevel=3,
            )
        elif adjusted == num_obs - 1:
            warnings.warn(
                "Division by zero in adjusted r2 score. Falls back to standard r2 score.",
                UserWarning,
                stacklevel=3,
            )
        else:
            r2 = 1 - (1 - r2) * (num_obs - 1) / (num_obs - adjusted - 1)
    return r2


def mean_squared_error(preds, target, squared: bool = True, num_outputs: int = 1):
    """Mean squared error (root mean squared error with ``squared=False``); one value per output
    column when ``num_outputs > 1``.

    Example:
        >>> import ember
        >>> mean_squared_error(ember.tensor([0.0, 1.0, 2.0, 3.0]),
        ...                    ember.tensor([0.0, 1.0, 2.0, 2.0]))
        tensor(0.2500)
    """
    sse, total = mse_update(preds, target, num_outputs)
    return mse_compute(sse, total, squared)


def mean_absolute_error(preds, target, num_outputs: int = 1):
    """Mean absolute error (one value per output column when ``num_outputs > 1``).

    Example:
        >>> import ember
        >>> mean_absolute_error(ember.tensor([0.0, 1.0, 2.0, 3.0]),
        ...                     ember.tensor([0.0, 1.0, 2.0, 1.0]))
        tensor(0.5000)
    """
    sae, total = mae_update(preds, target, num_outputs)
    return sae / total


def r2_score(preds, target, adjusted: int = 0, multioutput: str = "uniform_average"):
    """Coefficient of determination R^2 (``adjusted`` > 0: adjusted for that many regressors);
    2-d inputs are several outputs, reduced by ``multioutput``.

    Example:
        >>> import ember
        >>> r2_score(ember.tensor([2.5, 0.0, 2.0, 8.0]), ember.tensor([3.0, -0.5, 2.0, 7.0]))
        tensor(0.9486)
    """
    check_r2_args(adjusted, multioutput)
    return r2_compute(*r2_update(preds, target), adjusted, multioutput)
