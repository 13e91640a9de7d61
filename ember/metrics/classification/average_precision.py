"""Stateful average precision (torchmetrics' ``AveragePrecision`` family)."""

from __future__ import annotations

from ..functional.classification import _input
from ..functional.classification.average_precision import (
    binary_average_precision_compute,
    multi_average_precision_compute,
)
from ._base import ClassificationTaskWrapper, build_task_metric
from .precision_recall_curve import (
    BinaryPrecisionRecallCurve,
    MulticlassPrecisionRecallCurve,
    MultilabelPrecisionRecallCurve,
)

__all__ = [
    "BinaryAveragePrecision",
    "MulticlassAveragePrecision",
    "MultilabelAveragePrecision",
    "AveragePrecision",
]


class BinaryAveragePrecision(BinaryPrecisionRecallCurve):
    """Average precision of a binary task (arguments as :class:`BinaryPrecisionRecallCurve`).

    Example:
        >>> import ember
        >>> m = BinaryAveragePrecision()
        >>> m(ember.tensor([0.0, 0.5, 0.7, 0.8]), ember.tensor([0, 1, 1, 0]))
        tensor(0.5833)
    """

    higher_is_better = True

    def compute(self):
        """Average precision of everything seen since the last reset."""
        return binary_average_precision_compute(self._state(), self.thresholds)


class MulticlassAveragePrecision(MulticlassPrecisionRecallCurve):
    """One-vs-rest average precision of a multiclass task, averaged by ``average`` ("macro",
    "weighted" by support, "none"/None)."""

    higher_is_better = True

    def __init__(
        self,
        num_classes: int,
        average: str | None = "macro",
        thresholds=None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(num_classes, thresholds, ignore_index, validate_args, **kwargs)
        if validate_args:
            _input.check_average(average, ("macro", "weighted", "none", None))
        self.average = average

    def compute(self):
        """Average precision of everything seen since the last reset."""
        return multi_average_precision_compute(
            self._state(), self.num_classes, self.average, self.thresholds
        )


class MultilabelAveragePrecision(MultilabelPrecisionRecallCurve):
    """Average precision of every label, averaged by ``average`` ("micro" pools all pairs)."""

    higher_is_better = True

    def __init__(
        self,
        num_labels: int,
        average: str | None = "macro",
        thresholds=None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(num_labels, thresholds, ignore_index, validate_args, **kwargs)
        if validate_args:
            _input.check_average(average, ("micro", "macro", "weighted", "none", None))
        self.average = average

    def compute(self):
        """Average precision of everything seen since the last reset."""
        if self.average == "micro":
            return binary_average_precision_compute(self._micro_state(), self.thresholds)
        return multi_average_precision_compute(
            self._state(), self.num_labels, self.average, self.thresholds, self.ignore_index, True
        )


class AveragePrecision(ClassificationTaskWrapper):
    """Average precision for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        thresholds=None,
        num_classes: int | None = None,
        num_labels: int | None = None,
        average: str | None = "macro",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(
            thresholds=thresholds, ignore_index=ignore_index, validate_args=validate_args, **kwargs
        )
        return build_task_metric(
            task,
            (BinaryAveragePrecision, MulticlassAveragePrecision, MultilabelAveragePrecision),
            common,
            multiclass=(average,),
            multilabel=(average,),
            num_classes=num_classes,
            num_labels=num_labels,
        )
