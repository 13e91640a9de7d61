"""Metrics as functions of ``(preds, target)`` (``torchmetrics.functional``)."""

from . import classification, regression
from .classification import *
from .regression import mean_absolute_error, mean_squared_error, r2_score

__all__ = classification.__all__ + ["mean_absolute_error", "mean_squared_error", "r2_score"]
