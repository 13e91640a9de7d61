"""Stateful regression metrics: mean squared error, mean absolute error, R^2."""

from __future__ import annotations

import ember

from .functional import regression as fn
from .metric import Metric

__all__ = ["MeanSquaredError", "MeanAbsoluteError", "R2Score"]


def _check_num_outputs(num_outputs) -> None:
    if not isinstance(num_outputs, int) or num_outputs < 1:
        raise ValueError(f"Expected num_outputs to be a positive integer but got {num_outputs}")


def _zeros(num_outputs):
    return ember.zeros(() if num_outputs == 1 else (num_outputs,))


class MeanSquaredError(Metric):
    """Mean squared error (RMSE with ``squared=False``), per output column when
    ``num_outputs > 1``.

    Example:
        >>> import ember
        >>> m = MeanSquaredError()
        >>> m(ember.tensor([2.5, 5.0, 4.0, 8.0]), ember.tensor([3.0, 5.0, 2.5, 7.0]))
        tensor(0.8750)
    """

    is_differentiable = True
    higher_is_better = False
    full_state_update = False

    def __init__(self, squared: bool = True, num_outputs: int = 1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(squared, bool):
            raise ValueError(f"Expected argument `squared` to be a boolean but got {squared}")
        _check_num_outputs(num_outputs)
        self.squared = squared
        self.num_outputs = num_outputs
        self.add_state("sum_squared_error", _zeros(num_outputs), dist_reduce_fx="sum")
        self.add_state("total", ember.tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target) -> None:
        """Add one batch's squared errors."""
        sse, n = fn.mse_update(preds, target, self.num_outputs)
        self.sum_squared_error = self.sum_squared_error + sse
        self.total = self.total + n

    def compute(self):
        """(R)MSE of everything seen since the last reset."""
        return fn.mse_compute(self.sum_squared_error, self.total, self.squared)


class MeanAbsoluteError(Metric):
    """Mean absolute error, per output column when ``num_outputs > 1``.

    Example:
        >>> import ember
        >>> m = MeanAbsoluteError()
        >>> m(ember.tensor([2.5, 0.0, 2.0, 8.0]), ember.tensor([3.0, -0.5, 2.0, 7.0]))
        tensor(0.5000)
    """

    is_differentiable = True
    higher_is_better = False
    full_state_update = False

    def __init__(self, num_outputs: int = 1, **kwargs):
        super().__init__(**kwargs)
        _check_num_outputs(num_outputs)
        self.num_outputs = num_outputs
        self.add_state("sum_abs_error", _zeros(num_outputs), dist_reduce_fx="sum")
        self.add_state("total", ember.tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target) -> None:
        """Add one batch's absolute errors."""
        sae, n = fn.mae_update(preds, target, self.num_outputs)
        self.sum_abs_error = self.sum_abs_error + sae
        self.total = self.total + n

    def compute(self):
        """MAE of everything seen since the last reset."""
        return self.sum_abs_error / self.total


class R2Score(Metric):
    """Coefficient of determination R^2 (``adjusted``: number of regressors for the adjusted
    score; ``multioutput``: "uniform_average", "raw_values" or "variance_weighted").

    Example:
        >>> import ember
        >>> m = R2Score()
        >>> m(ember.tensor([2.5, 0.0, 2.0, 8.0]), ember.tensor([3.0, -0.5, 2.0, 7.0]))
        tensor(0.9486)
    """

    is_differentiable = True
    higher_is_better = True
    full_state_update = False

    def __init__(
        self,
        num_outputs: int = 1,
        adjusted: int = 0,
        multioutput: str = "uniform_average",
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_num_outputs(num_outputs)
        fn.check_r2_args(adjusted, multioutput)
        self.num_outputs = num_outputs
        self.adjusted = adjusted
        self.multioutput = multioutput
        for name in ("sum_squared_error", "sum_error", "residual"):
            self.add_state(name, _zeros(num_outputs), dist_reduce_fx="sum")
        self.add_state("total", ember.tensor(0), dist_reduce_fx="sum")

    def update(self, preds, target) -> None:
        """Add one batch's sums."""
        sum_sq, sum_obs, rss, n = fn.r2_update(preds, target)
        self.sum_squared_error = self.sum_squared_error + sum_sq
        self.sum_error = self.sum_error + sum_obs
        self.residual = self.residual + rss
        self.total = self.total + n

    def compute(self):
        """R^2 of everything seen since the last reset."""
        return fn.r2_compute(
            self.sum_squared_error,
            self.sum_error,
            self.residual,
            int(self.total),
            self.adjusted,
            self.multioutput,
        )
