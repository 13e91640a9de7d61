"""``MetricCollection``: several metrics updated, computed and reset together
(torchmetrics' ``MetricCollection``)."""

from __future__ import annotations

import copy
import warnings
from collections import OrderedDict
from collections.abc import Sequence

from ember.nn import ModuleDict

from .metric import Metric

__all__ = ["MetricCollection"]


def _check_affix(arg, name: str):
    if arg is None or isinstance(arg, str):
        return arg
    raise ValueError(f"Expected input `{name}` to be a string, but got {type(arg)}")


class MetricCollection(ModuleDict):
    """A dict of metrics called with the same inputs; results come back as a dict keyed by
    ``prefix + name + postfix``.

    Args:
        metrics: a metric, a list/tuple of metrics (named after their class) or a dict of
            name -> metric (added in sorted key order). Nested collections are flattened.
        *additional_metrics: more metrics when ``metrics`` is a metric or a sequence.
        prefix, postfix: strings added around every result key.
        compute_groups: accepted for compatibility; every metric keeps its own state here.

    Keyword arguments given to ``update``/``forward`` reach only the metrics whose ``update``
    accepts them.

    Example:
        >>> import ember
        >>> from ember.metrics import BinaryAccuracy, BinaryPrecision
        >>> mc = MetricCollection([BinaryAccuracy(), BinaryPrecision()], prefix="val_")
        >>> out = mc(ember.tensor([1, 0, 1, 1]), ember.tensor([1, 0, 0, 1]))
        >>> sorted(out)
        ['val_BinaryAccuracy', 'val_BinaryPrecision']
    """

    def __init__(
        self,
        metrics,
        *additional_metrics,
        prefix: str | None = None,
        postfix: str | None = None,
        compute_groups: bool | list = True,
    ):
        super().__init__()
        self.prefix = _check_affix(prefix, "prefix")
        self.postfix = _check_affix(postfix, "postfix")
        self._enable_compute_groups = compute_groups
        self.add_metrics(metrics, *additional_metrics)

    # ------------------------------------------------------------------ construction
    def add_metrics(self, metrics, *additional_metrics) -> None:
        """Add a metric, a sequence of metrics or a dict of metrics to the collection."""
        if isinstance(metrics, (Metric, MetricCollection)):
            metrics = [metrics]
        if isinstance(metrics, Sequence) and not isinstance(metrics, str):
            for metric in list(metrics) + list(additional_metrics):
                if isinstance(metric, Metric):
                    self._add(type(metric).__name__, metric)
                elif isinstance(metric, MetricCollection):
                    for name, inner in metric.items(keep_base=False):
                        self._add(name, inner)
                else:
                    raise ValueError(
                        f"Input {metric} to `MetricCollection` is not a instance of "
                        "`torchmetrics.Metric` or `torchmetrics.MetricCollection`"
                    )
        elif isinstance(metrics, dict):
            if additional_metrics:
                warnings.warn(
                    f"You have passes extra arguments {additional_metrics} which are not "
                    "compatible with first passed dictionary {metrics} so they will be ignored.",
                    UserWarning,
                    stacklevel=2,
                )
            for name in sorted(metrics):
                metric = metrics[name]
                if isinstance(metric, Metric):
                    self._add(name, metric)
                elif isinstance(metric, MetricCollection):
                    for inner_name, inner in metric.items(keep_base=False):
                        self._add(f"{name}_{inner_name}", inner)
                else:
                    raise ValueError(
                        f"Value {metric} belonging to key {name} is not an instance of "
                        "`torchmetrics.Metric` or `torchmetrics.MetricCollection`"
                    )
        else:
            raise ValueError("Unknown input to MetricCollection.")

    def _add(self, name: str, metric: Metric) -> None:
        if name in self._modules:
            raise ValueError(f"Encountered two metrics both named {name}")
        self.add_module(name, metric)

    # ------------------------------------------------------------------ the metric protocol
    def forward(self, *args, **kwargs) -> dict:
        """Call every metric on the batch (accumulating); the batch values by key."""
        return {
            self._set_name(name): metric(*args, **metric._filter_kwargs(**kwargs))
            for name, metric in self._modules.items()
        }

    def update(self, *args, **kwargs) -> None:
        """Update every metric with the batch."""
        for metric in self._modules.values():
            metric.update(*args, **metric._filter_kwargs(**kwargs))

    def compute(self) -> dict:
        """Every metric's value, keyed by ``prefix + name + postfix``."""
        return {self._set_name(name): metric.compute() for name, metric in self._modules.items()}

    def reset(self) -> None:
        """Reset every metric."""
        for metric in self._modules.values():
            metric.reset()

    def clone(self, prefix: str | None = None, postfix: str | None = None):
        """A deep copy, optionally with a new ``prefix``/``postfix``."""
        mc = copy.deepcopy(self)
        if prefix:
            mc.prefix = _check_affix(prefix, "prefix")
        if postfix:
            mc.postfix = _check_affix(postfix, "postfix")
        return mc

    def persistent(self, mode: bool = True) -> None:
        """Whether the metrics' states go into ``state_dict``."""
        for metric in self._modules.values():
            metric.persistent(mode)

    # ------------------------------------------------------------------ dict access
    def _set_name(self, base: str) -> str:
        name = base if self.prefix is None else self.prefix + base
        return name if self.postfix is None else name + self.postfix

    def _renamed(self) -> OrderedDict:
        return OrderedDict((self._set_name(k), v) for k, v in self._modules.items())

    def keys(self, keep_base: bool = False):
        """Metric names, with prefix/postfix unless ``keep_base``."""
        return self._modules.keys() if keep_base else self._renamed().keys()

    def items(self, keep_base: bool = False, copy_state: bool = True):
        """``(name, metric)`` pairs, names with prefix/postfix unless ``keep_base``."""
        return self._modules.items() if keep_base else self._renamed().items()

    def values(self, copy_state: bool = True):
        """The metrics."""
        return self._modules.values()

    def __getitem__(self, key: str, copy_state: bool = True) -> Metric:
        if self.prefix and key.startswith(self.prefix):
            key = key[len(self.prefix) :]
        if self.postfix and key.endswith(self.postfix):
            key = key[: -len(self.postfix)]
        return self._modules[key]

    def __iter__(self):
        return iter(self.keys())

    def __contains__(self, key) -> bool:
        return key in self._modules

    def extra_repr(self) -> str:
        parts = []
        if self.prefix:
            parts.append(f"prefix={self.prefix}")
        if self.postfix:
            parts.append(f"postfix={self.postfix}")
        return ",\n".join(parts)
