"""Stateful ROC curves and the area under them (torchmetrics' ``ROC`` and ``AUROC``)."""

from __future__ import annotations

from ..functional.classification import _input
from ..functional.classification.auroc import (
    binary_auroc_compute,
    check_max_fpr,
    multi_auroc_compute,
)
from ..functional.classification.roc import binary_roc_compute, multi_roc_compute
from ._base import ClassificationTaskWrapper, build_task_metric
from .precision_recall_curve import (
    BinaryPrecisionRecallCurve,
    MulticlassPrecisionRecallCurve,
    MultilabelPrecisionRecallCurve,
)

__all__ = [
    "BinaryROC",
    "MulticlassROC",
    "MultilabelROC",
    "ROC",
    "BinaryAUROC",
    "MulticlassAUROC",
    "MultilabelAUROC",
    "AUROC",
]


class BinaryROC(BinaryPrecisionRecallCurve):
    """ROC curve of a binary task: ``(fpr, tpr, thresholds)`` (arguments as
    :class:`BinaryPrecisionRecallCurve`)."""

    def compute(self):
        """The curve of everything seen since the last reset."""
        return binary_roc_compute(self._state(), self.thresholds)


class MulticlassROC(MulticlassPrecisionRecallCurve):
    """One-vs-rest ROC curve of every class."""

    def compute(self):
        """The curves of everything seen since the last reset."""
        return multi_roc_compute(self._state(), self.num_classes, self.thresholds)


class MultilabelROC(MultilabelPrecisionRecallCurve):
    """ROC curve of every label."""

    def compute(self):
        """The curves of everything seen since the last reset."""
        return multi_roc_compute(
            self._state(), self.num_labels, self.thresholds, self.ignore_index, multilabel=True
        )


class ROC(ClassificationTaskWrapper):
    """ROC curve for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        thresholds=None,
        num_classes: int | None = None,
        num_labels: int | None = None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(
            thresholds=thresholds, ignore_index=ignore_index, validate_args=validate_args, **kwargs
        )
        return build_task_metric(
            task,
            (BinaryROC, MulticlassROC, MultilabelROC),
            common,
            num_classes=num_classes,
            num_labels=num_labels,
        )


class BinaryAUROC(BinaryPrecisionRecallCurve):
    """Area under the ROC curve of a binary task; ``max_fpr`` gives the McClish-standardised
    partial area (other arguments as :class:`BinaryPrecisionRecallCurve`).

    Example:
        >>> import ember
        >>> m = BinaryAUROC()
        >>> m(ember.tensor([0.0, 0.5, 0.7, 0.8]), ember.tensor([0, 1, 1, 0]))
        tensor(0.5000)
    """

    higher_is_better = True

    def __init__(
        self,
        max_fpr: float | None = None,
        thresholds=None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(thresholds, ignore_index, validate_args, **kwargs)
        if validate_args:
            check_max_fpr(max_fpr)
        self.max_fpr = max_fpr

    def compute(self):
        """AUROC of everything seen since the last reset."""
        return binary_auroc_compute(self._state(), self.thresholds, self.max_fpr)


class MulticlassAUROC(MulticlassPrecisionRecallCurve):
    """One-vs-rest AUROC of a multiclass task, averaged by ``average`` ("macro", "weighted" by
    support, "none"/None)."""

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
        """AUROC of everything seen since the last reset."""
        return multi_auroc_compute(self._state(), self.num_classes, self.average, self.thresholds)


class MultilabelAUROC(MultilabelPrecisionRecallCurve):
    """AUROC of every label, averaged by ``average`` ("micro" pools all pairs)."""

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
        """AUROC of everything seen since the last reset."""
        if self.average == "micro":
            return binary_auroc_compute(self._micro_state(), self.thresholds)
        return multi_auroc_compute(
            self._state(), self.num_labels, self.average, self.thresholds, self.ignore_index, True
        )


class AUROC(ClassificationTaskWrapper):
    """AUROC for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        thresholds=None,
        num_classes: int | None = None,
        num_labels: int | None = None,
        average: str | None = "macro",
        max_fpr: float | None = None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(
            thresholds=thresholds, ignore_index=ignore_index, validate_args=validate_args, **kwargs
        )
        return build_task_metric(
            task,
            (BinaryAUROC, MulticlassAUROC, MultilabelAUROC),
            common,
            binary=(max_fpr,),
            multiclass=(average,),
            multilabel=(average,),
            num_classes=num_classes,
            num_labels=num_labels,
        )
