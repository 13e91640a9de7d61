"""Stateful precision-recall curves; also the state handling of every ranking metric (ROC, AUROC,
average precision). ``thresholds=None`` keeps every score (exact curves); an int, list or tensor
of thresholds keeps one confusion matrix per threshold instead (constant memory)."""

from __future__ import annotations

import ember

from ..functional.classification import _input
from ..functional.classification.precision_recall_curve import (
    as_thresholds,
    binary_format,
    binary_pr_compute,
    binned_state,
    check_thresholds,
    multi_pr_compute,
    multiclass_format,
    multilabel_format,
    one_hot,
)
from ..metric import Metric, dim_zero_cat
from ._base import ClassificationTaskWrapper, build_task_metric

__all__ = [
    "BinaryPrecisionRecallCurve",
    "MulticlassPrecisionRecallCurve",
    "MultilabelPrecisionRecallCurve",
    "PrecisionRecallCurve",
]


class _RankingMetric(Metric):
    """Score/target lists (exact) or a per-threshold confusion-matrix state."""

    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def _create_state(self, thresholds, ignore_index, validate_args, size=None) -> None:
        if validate_args:
            check_thresholds(thresholds)
            _input.check_ignore_index(ignore_index)
        self.ignore_index = ignore_index
        self.validate_args = validate_args
        thresholds = as_thresholds(thresholds, "cpu")
        self.register_buffer("thresholds", thresholds, persistent=False)
        if thresholds is None:
            self.add_state("preds", [], dist_reduce_fx="cat")
            self.add_state("target", [], dist_reduce_fx="cat")
        else:
            shape = (thresholds.numel(), 2, 2) if size is None else (thresholds.numel(), size, 2, 2)
            self.add_state("confmat", ember.zeros(shape, dtype=ember.int64), dist_reduce_fx="sum")

    def _accumulate(self, preds, target, binned) -> None:
        if self.thresholds is None:
            self.preds.append(preds)
            self.target.append(target)
        else:
            self.confmat = self.confmat + binned

    def _state(self):
        """``(preds, target)`` concatenated (exact) or the confusion matrices (binned)."""
        if self.thresholds is None:
            return dim_zero_cat(self.preds), dim_zero_cat(self.target)
        return self.confmat


class BinaryPrecisionRecallCurve(_RankingMetric):
    """Precision-recall curve of a binary task: ``(precision, recall, thresholds)``.

    Args:
        thresholds: None (exact), an int (that many evenly spaced thresholds in [0, 1]), a list
            of floats or a 1-d tensor.
        ignore_index: target value whose elements are left out.
        validate_args: check the arguments and inputs.
    """

    def __init__(
        self, thresholds=None, ignore_index: int | None = None, validate_args: bool = True, **kwargs
    ):
        super().__init__(**kwargs)
        self._create_state(thresholds, ignore_index, validate_args)

    def update(self, preds, target) -> None:
        """Collect one batch of scores and 0/1 targets."""
        preds, target, _ = binary_format(preds, target, None, self.ignore_index, self.validate_args)
        binned = None
        if self.thresholds is not None:
            binned = binned_state(preds, target, self.thresholds)
        self._accumulate(preds, target, binned)

    def compute(self):
        """The curve of everything seen since the last reset."""
        return binary_pr_compute(self._state(), self.thresholds)


class MulticlassPrecisionRecallCurve(_RankingMetric):
    """One-vs-rest precision-recall curve of every class (lists of tensors when exact,
    ``(C, T + 1)`` tensors when binned)."""

    def __init__(
        self,
        num_classes: int,
        thresholds=None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.check_num("num_classes", num_classes)
        self.num_classes = num_classes
        self._create_state(thresholds, ignore_index, validate_args, num_classes)

    def update(self, preds, target) -> None:
        """Collect one batch of ``(N, C, ...)`` scores and ``(N, ...)`` labels."""
        preds, target, _ = multiclass_format(
            preds, target, self.num_classes, None, self.ignore_index, None, self.validate_args
        )
        binned = None
        if self.thresholds is not None:
            binned = binned_state(preds, one_hot(target, self.num_classes), self.thresholds)
        self._accumulate(preds, target, binned)

    def compute(self):
        """The curves of everything seen since the last reset."""
        return multi_pr_compute(self._state(), self.num_classes, self.thresholds)


class MultilabelPrecisionRecallCurve(_RankingMetric):
    """Precision-recall curve of every label (lists when exact, tensors when binned)."""

    def __init__(
        self,
        num_labels: int,
        thresholds=None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.check_num("num_labels", num_labels)
        self.num_labels = num_labels
        self._create_state(thresholds, ignore_index, validate_args, num_labels)

    def update(self, preds, target) -> None:
        """Collect one batch of ``(N, L, ...)`` scores and 0/1 targets."""
        preds, target, _ = multilabel_format(
            preds, target, self.num_labels, None, self.ignore_index, None, self.validate_args
        )
        binned = None
        if self.thresholds is not None:
            binned = binned_state(preds, target, self.thresholds, self.ignore_index)
        self._accumulate(preds, target, binned)

    def _micro_state(self):
        """All (sample, label) pairs pooled into one binary state."""
        if self.thresholds is not None:
            return self.confmat.sum(1)
        preds, target = self._state()
        preds, target = preds.reshape(-1), target.reshape(-1)
        if self.ignore_index is not None:
            keep = target != self.ignore_index
            preds, target = preds[keep], target[keep]
        return preds, target

    def compute(self):
        """The curves of everything seen since the last reset."""
        return multi_pr_compute(
            self._state(), self.num_labels, self.thresholds, self.ignore_index, multilabel=True
        )


class PrecisionRecallCurve(ClassificationTaskWrapper):
    """Precision-recall curve for ``task`` "binary", "multiclass" or "multilabel"."""

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
            (
                BinaryPrecisionRecallCurve,
                MulticlassPrecisionRecallCurve,
                MultilabelPrecisionRecallCurve,
            ),
            common,
            num_classes=num_classes,
            num_labels=num_labels,
        )
