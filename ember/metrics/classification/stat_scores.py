"""Stateful true/false positive and negative counts; the base of Accuracy, Precision, Recall,
F-beta and Specificity (torchmetrics' ``StatScores`` family)."""

from __future__ import annotations

import ember

from ..functional.classification import _input
from ..functional.classification.stat_scores import (
    binary_update,
    multiclass_update,
    multilabel_update,
    stat_scores_reduce,
)
from ..metric import Metric, dim_zero_cat
from ._base import ClassificationTaskWrapper, build_task_metric

__all__ = ["BinaryStatScores", "MulticlassStatScores", "MultilabelStatScores", "StatScores"]

_STATS = ("tp", "fp", "tn", "fn")


class _AbstractStatScores(Metric):
    """Four count states: summed over batches ("global") or one row per sample ("samplewise")."""

    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def _create_state(self, size: int | None) -> None:
        for name in _STATS:
            if self.multidim_average == "samplewise":
                self.add_state(name, [], dist_reduce_fx="cat")
            else:
                shape = () if size is None else (size,)
                self.add_state(name, ember.zeros(shape, dtype=ember.int64), dist_reduce_fx="sum")

    def _update_state(self, tp, fp, tn, fn) -> None:
        for name, value in zip(_STATS, (tp, fp, tn, fn)):
            if self.multidim_average == "samplewise":
                getattr(self, name).append(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    def _final_state(self):
        """``(tp, fp, tn, fn)`` accumulated so far (samplewise rows concatenated)."""
        states = [getattr(self, name) for name in _STATS]
        if self.multidim_average == "samplewise":
            states = [dim_zero_cat(s) if s else ember.zeros(0, dtype=ember.int64) for s in states]
        return tuple(states)


class BinaryStatScores(_AbstractStatScores):
    """``[tp, fp, tn, fn, support]`` of a binary task, accumulated over batches.

    Args:
        threshold: probability above which a float prediction is positive (logits get a
            sigmoid first).
        multidim_average: "global" flattens extra dimensions; "samplewise" keeps one result per
            sample.
        ignore_index: target value whose elements are left out.
        validate_args: check the arguments and inputs.
    """

    def __init__(
        self,
        threshold: float = 0.5,
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.binary_args(threshold, multidim_average, ignore_index)
        self.threshold = threshold
        self.multidim_average = multidim_average
        self.ignore_index = ignore_index
        self.validate_args = validate_args
        self._create_state(None)

    def update(self, preds, target) -> None:
        """Count one batch."""
        self._update_state(
            *binary_update(
                preds,
                target,
                self.threshold,
                self.multidim_average,
                self.ignore_index,
                self.validate_args,
            )
        )

    def compute(self):
        """The stacked counts."""
        return stat_scores_reduce(*self._final_state())


class MulticlassStatScores(_AbstractStatScores):
    """Per-class ``[tp, fp, tn, fn, support]`` of a multiclass task, reduced by ``average``.

    Args:
        num_classes: number of classes.
        top_k: a class is predicted when it is among the ``top_k`` highest scores.
        average: "micro", "macro", "weighted" or "none"/None (per class).
        multidim_average, ignore_index, validate_args: as for :class:`BinaryStatScores`.
    """

    def __init__(
        self,
        num_classes: int,
        top_k: int = 1,
        average: str | None = "macro",
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.multiclass_args(num_classes, top_k, average, multidim_average, ignore_index)
        self.num_classes = num_classes
        self.top_k = top_k
        self.average = average
        self.multidim_average = multidim_average
        self.ignore_index = ignore_index
        self.validate_args = validate_args
        self._create_state(num_classes)

    def update(self, preds, target) -> None:
        """Count one batch."""
        self._update_state(
            *multiclass_update(
                preds,
                target,
                self.num_classes,
                self.average,
                self.top_k,
                self.multidim_average,
                self.ignore_index,
                self.validate_args,
            )
        )

    def compute(self):
        """The stacked counts reduced by ``average``."""
        return stat_scores_reduce(*self._final_state(), average=self.average)


class MultilabelStatScores(_AbstractStatScores):
    """Per-label ``[tp, fp, tn, fn, support]`` of a multilabel task, reduced by ``average``.

    Args:
        num_labels: number of labels.
        threshold, multidim_average, ignore_index, validate_args: as for
            :class:`BinaryStatScores`.
        average: "micro", "macro", "weighted" or "none"/None (per label).
    """

    def __init__(
        self,
        num_labels: int,
        threshold: float = 0.5,
        average: str | None = "macro",
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.multilabel_args(num_labels, threshold, average, multidim_average, ignore_index)
        self.num_labels = num_labels
        self.threshold = threshold
        self.average = average
        self.multidim_average = multidim_average
        self.ignore_index = ignore_index
        self.validate_args = validate_args
        self._create_state(num_labels)

    def update(self, preds, target) -> None:
        """Count one batch."""
        self._update_state(
            *multilabel_update(
                preds,
                target,
                self.num_labels,
                self.threshold,
                self.average,
                self.multidim_average,
                self.ignore_index,
                self.validate_args,
            )
        )

    def compute(self):
        """The stacked counts reduced by ``average``."""
        return stat_scores_reduce(*self._final_state(), average=self.average)


def build_stat_metric(
    classes,
    task,
    threshold,
    num_classes,
    num_labels,
    average,
    multidim_average,
    top_k,
    ignore_index,
    validate_args,
    kwargs,
):
    """The task-specific metric of one of the stat-score families."""
    common = dict(
        multidim_average=multidim_average,
        ignore_index=ignore_index,
        validate_args=validate_args,
        **kwargs,
    )
    return build_task_metric(
        task,
        classes,
        common,
        binary=(threshold,),
        multiclass=(top_k, average),
        multilabel=(threshold, average),
        num_classes=num_classes,
        num_labels=num_labels,
    )


class StatScores(ClassificationTaskWrapper):
    """``[tp, fp, tn, fn, support]`` for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        threshold: float = 0.5,
        num_classes: int | None = None,
        num_labels: int | None = None,
        average: str | None = "micro",
        multidim_average: str = "global",
        top_k: int = 1,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        return build_stat_metric(
            (BinaryStatScores, MulticlassStatScores, MultilabelStatScores),
            task,
            threshold,
            num_classes,
            num_labels,
            average,
            multidim_average,
            top_k,
            ignore_index,
            validate_args,
            kwargs,
        )
