"""Running aggregates of a stream of values: mean, sum, max, min and concatenation
(torchmetrics' aggregation metrics). Values are cast to the default float dtype; ``nan`` values
are handled by ``nan_strategy``: "error", "warn" (drop with a warning), "ignore" (drop),
"disable" (keep), or a float that replaces them (with weight 1)."""

from __future__ import annotations

import warnings

import ember

from .metric import Metric, dim_zero_cat

__all__ = ["BaseAggregator", "SumMetric", "MaxMetric", "MinMetric", "CatMetric", "MeanMetric"]

_NAN_STRATEGIES = ("error", "warn", "ignore", "disable")


class BaseAggregator(Metric):
    """Shared input handling of the aggregation metrics: one state ``state_name``."""

    is_differentiable = None
    higher_is_better = None
    full_state_update = False

    def __init__(self, fn, default_value, nan_strategy="warn", state_name="value", **kwargs):
        super().__init__(**kwargs)
        if nan_strategy not in _NAN_STRATEGIES and not isinstance(nan_strategy, float):
            raise ValueError(
                f"Arg `nan_strategy` should either be a float or one of {_NAN_STRATEGIES} but got "
                f"{nan_strategy}."
            )
        self.nan_strategy = nan_strategy
        self.add_state(state_name, default=default_value, dist_reduce_fx=fn)

    def _as_tensor(self, x):
        dtype = ember.get_default_dtype()
        if isinstance(x, ember.Tensor):
            return x.to(self.device, dtype)
        return ember.tensor(x, dtype=dtype, device=self.device)

    def _cast_and_nan_check_input(self, x, weight=None):
        """``(x, weight)`` as default-dtype tensors with the ``nan`` policy applied."""
        x = self._as_tensor(x)
        weight = ember.ones_like(x) if weight is None else self._as_tensor(weight)
        if self.nan_strategy == "disable":
            return x, weight
        nans = ember.isnan(x) | ember.isnan(weight)
        if not bool(nans.any()):
            return x, weight
        if self.nan_strategy == "error":
            raise RuntimeError("Encountered `nan` values in tensor")
        if self.nan_strategy in ("warn", "ignore"):
            if self.nan_strategy == "warn":
                warnings.warn(
                    "Encountered `nan` values in tensor. Will be removed.",
                    UserWarning,
                    stacklevel=3,
                )
            return x[~nans], weight[~nans]
        # the replacement counts as an ordinary value of weight 1, as in current torchmetrics
        return ember.where(nans, self.nan_strategy, x), ember.where(nans, 1.0, weight)

    def compute(self):
        """The aggregated value."""
        return getattr(self, self._state_name)

    @property
    def _state_name(self):
        return next(iter(self._defaults))


class SumMetric(BaseAggregator):
    """Running sum of every value seen.

    Example:
        >>> import ember
        >>> m = SumMetric()
        >>> m.update(1.0)
        >>> m.update(ember.tensor([2.0, 3.0]))
        >>> m.compute()
        tensor(6.)
    """

    def __init__(self, nan_strategy="warn", **kwargs):
        super().__init__("sum", ember.tensor(0.0), nan_strategy, "sum_value", **kwargs)

    def update(self, value) -> None:
        """Add ``value`` (a number or tensor) to the sum."""
        value, _ = self._cast_and_nan_check_input(value)
        if value.numel():
            self.sum_value = self.sum_value + value.sum()


class MaxMetric(BaseAggregator):
    """Running maximum of every value seen (``-inf`` before any).

    Example:
        >>> import ember
        >>> m = MaxMetric()
        >>> m.update(ember.tensor([1.0, 5.0]))
        >>> m.update(3.0)
        >>> m.compute()
        tensor(5.)
    """

    higher_is_better = True

    def __init__(self, nan_strategy="warn", **kwargs):
        super().__init__("max", ember.tensor(float("-inf")), nan_strategy, "max_value", **kwargs)

    def update(self, value) -> None:
        """Fold ``value`` into the maximum."""
        value, _ = self._cast_and_nan_check_input(value)
        if value.numel():
            self.max_value = ember.maximum(self.max_value, value.max())


class MinMetric(BaseAggregator):
    """Running minimum of every value seen (``inf`` before any)."""

    higher_is_better = False

    def __init__(self, nan_strategy="warn", **kwargs):
        super().__init__("min", ember.tensor(float("inf")), nan_strategy, "min_value", **kwargs)

    def update(self, value) -> None:
        """Fold ``value`` into the minimum."""
        value, _ = self._cast_and_nan_check_input(value)
        if value.numel():
            self.min_value = ember.minimum(self.min_value, value.min())


class CatMetric(BaseAggregator):
    """Concatenation (along dim 0) of every value seen; an empty list before any.

    Example:
        >>> import ember
        >>> m = CatMetric()
        >>> m.update(1.0)
        >>> m.update(ember.tensor([2.0, 3.0]))
        >>> m.compute()
        tensor([1., 2., 3.])
    """

    def __init__(self, nan_strategy="warn", **kwargs):
        super().__init__("cat", [], nan_strategy, "value", **kwargs)

    def update(self, value) -> None:
        """Append ``value`` to the collection."""
        value, _ = self._cast_and_nan_check_input(value)
        if value.numel():
            self.value.append(value)

    def compute(self):
        """The concatenated values (``[]`` when nothing was collected)."""
        return dim_zero_cat(self.value) if self.value else self.value


class MeanMetric(BaseAggregator):
    """Running (weighted) mean of every value seen.

    Example:
        >>> import ember
        >>> m = MeanMetric()
        >>> m.update(ember.tensor([1.0, 2.0]))
        >>> m.update(6.0, weight=2.0)
        >>> m.compute()
        tensor(3.7500)
    """

    def __init__(self, nan_strategy="warn", **kwargs):
        super().__init__("sum", ember.tensor(0.0), nan_strategy, "mean_value", **kwargs)
        self.add_state("weight", default=ember.tensor(0.0), dist_reduce_fx="sum")

    def update(self, value, weight=1.0) -> None:
        """Add ``value`` with ``weight`` (broadcast to the shape of ``value``)."""
        value = self._as_tensor(value)
        weight = ember.broadcast_to(self._as_tensor(weight), value.shape)
        value, weight = self._cast_and_nan_check_input(value, weight)
        if value.numel() == 0:
            return
        self.mean_value = self.mean_value + (value * weight).sum()
        self.weight = self.weight + weight.sum()

    def compute(self):
        """Weighted mean ``sum(value * weight) / sum(weight)``."""
        return self.mean_value / self.weight
