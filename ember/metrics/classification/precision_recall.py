"""Stateful precision and recall (torchmetrics' ``Precision`` and ``Recall`` families)."""

from __future__ import annotations

from ..functional.classification.precision_recall import precision_recall_reduce
from ._base import ClassificationTaskWrapper
from .stat_scores import (
    BinaryStatScores,
    MulticlassStatScores,
    MultilabelStatScores,
    build_stat_metric,
)

__all__ = [
    "BinaryPrecision",
    "MulticlassPrecision",
    "MultilabelPrecision",
    "BinaryRecall",
    "MulticlassRecall",
    "MultilabelRecall",
    "Precision",
    "Recall",
]


class BinaryPrecision(BinaryStatScores):
    """Precision ``tp / (tp + fp)`` of a binary task (arguments as :class:`BinaryStatScores`)."""

    higher_is_better = True

    def compute(self):
        """Precision of everything seen since the last reset."""
        return precision_recall_reduce("precision", *self._final_state(), average="binary")


class MulticlassPrecision(MulticlassStatScores):
    """Per-class precision of a multiclass task, averaged by ``average`` (default "macro")."""

    higher_is_better = True

    def compute(self):
        """Precision of everything seen since the last reset."""
        return precision_recall_reduce(
            "precision", *self._final_state(), average=self.average, top_k=self.top_k
        )


class MultilabelPrecision(MultilabelStatScores):
    """Per-label precision of a multilabel task, averaged by ``average`` (default "macro")."""

    higher_is_better = True

    def compute(self):
        """Precision of everything seen since the last reset."""
        return precision_recall_reduce(
            "precision", *self._final_state(), average=self.average, multilabel=True
        )


class BinaryRecall(BinaryStatScores):
    """Recall ``tp / (tp + fn)`` of a binary task (arguments as :class:`BinaryStatScores`)."""

    higher_is_better = True

    def compute(self):
        """Recall of everything seen since the last reset."""
        return precision_recall_reduce("recall", *self._final_state(), average="binary")


class MulticlassRecall(MulticlassStatScores):
    """Per-class recall of a multiclass task, averaged by ``average`` (default "macro")."""

    higher_is_better = True

    def compute(self):
        """Recall of everything seen since the last reset."""
        return precision_recall_reduce(
            "recall", *self._final_state(), average=self.average, top_k=self.top_k
        )


class MultilabelRecall(MultilabelStatScores):
    """Per-label recall of a multilabel task, averaged by ``average`` (default "macro")."""

    higher_is_better = True

    def compute(self):
        """Recall of everything seen since the last reset."""
        return precision_recall_reduce(
            "recall", *self._final_state(), average=self.average, multilabel=True
        )


class Precision(ClassificationTaskWrapper):
    """Precision for ``task`` "binary", "multiclass" or "multilabel" (``average`` "micro" by
    default, as in torchmetrics)."""

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
            (BinaryPrecision, MulticlassPrecision, MultilabelPrecision),
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


class Recall(ClassificationTaskWrapper):
    """Recall for ``task`` "binary", "multiclass" or "multilabel" (``average`` "micro" by
    default, as in torchmetrics)."""

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
            (BinaryRecall, MulticlassRecall, MultilabelRecall),
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
