"""Stateful accuracy (torchmetrics' ``Accuracy`` family)."""

from __future__ import annotations

from ..functional.classification.accuracy import accuracy_reduce
from ._base import ClassificationTaskWrapper
from .stat_scores import (
    BinaryStatScores,
    MulticlassStatScores,
    MultilabelStatScores,
    build_stat_metric,
)

__all__ = ["BinaryAccuracy", "MulticlassAccuracy", "MultilabelAccuracy", "Accuracy"]


class BinaryAccuracy(BinaryStatScores):
    """Accuracy of a binary task, accumulated over batches (arguments as
    :class:`BinaryStatScores`).

    Example:
        >>> import ember
        >>> m = BinaryAccuracy()
        >>> m(ember.tensor([0.9, 0.2, 0.7]), ember.tensor([1, 1, 0]))
        tensor(0.3333)
    """

    higher_is_better = True

    def compute(self):
        """Accuracy of everything seen since the last reset."""
        return accuracy_reduce(*self._final_state(), average="binary")


class MulticlassAccuracy(MulticlassStatScores):
    """Accuracy of a multiclass task (arguments as :class:`MulticlassStatScores`; ``average``
    defaults to "macro", the mean per-class recall)."""

    higher_is_better = True

    def compute(self):
        """Accuracy of everything seen since the last reset."""
        return accuracy_reduce(*self._final_state(), average=self.average, top_k=self.top_k)


class MultilabelAccuracy(MultilabelStatScores):
    """Accuracy of a multilabel task (arguments as :class:`MultilabelStatScores`)."""

    higher_is_better = True

    def compute(self):
        """Accuracy of everything seen since the last reset."""
        return accuracy_reduce(*self._final_state(), average=self.average, multilabel=True)


class Accuracy(ClassificationTaskWrapper):
    """Accuracy for ``task`` "binary", "multiclass" or "multilabel": builds the task's metric
    (``average`` defaults to "micro" here, as in torchmetrics).

    Example:
        >>> import ember
        >>> m = Accuracy(task="multiclass", num_classes=4)
        >>> type(m).__name__
        'MulticlassAccuracy'
    """

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
            (BinaryAccuracy, MulticlassAccuracy, MultilabelAccuracy),
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
