"""Evaluation metrics with torchmetrics' API: stateful ``Metric`` classes (``update`` /
``compute`` / ``reset`` / ``forward``), ``MetricCollection``, and the same metrics as functions
in ``ember.metrics.functional``."""

from . import classification, functional
from .aggregation import CatMetric, MaxMetric, MeanMetric, MinMetric, SumMetric
from .classification import *
from .collection import MetricCollection
from .metric import Metric
from .regression import MeanAbsoluteError, MeanSquaredError, R2Score

__all__ = classification.__all__ + [
    "CatMetric",
    "MaxMetric",
    "MeanAbsoluteError",
    "MeanMetric",
    "MeanSquaredError",
    "Metric",
    "MetricCollection",
    "MinMetric",
    "R2Score",
    "SumMetric",
]
