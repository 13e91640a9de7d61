"""Stateful specificity (torchmetrics' ``Specificity`` family)."""

from __future__ import annotations

from ..functional.classification.specificity import specificity_reduce
from ._base import ClassificationTaskWrapper
from .stat_scores import (
    BinaryStatScores,
    MulticlassStatScores,
    MultilabelStatScores,
    build_stat_metric,
)

__all__ = ["BinarySpecificity", "MulticlassSpecificity", "MultilabelSpecificity", "Specificity"]


class BinarySpecificity(BinaryStatScores):
    """Specificity ``tn / (tn + fp)`` of a binary task (arguments as :class:`BinaryStatScores`)."""

    higher_is_better = True

    def compute(self):
        """Specificity of everything seen since the last reset."""
        return specificity_reduce(*self._final_state(), average="binary")


class MulticlassSpecificity(MulticlassStatScores):
    """One-vs-rest specificity of a multiclass task, averaged by ``average``."""

    higher_is_better = True

    def compute(self):
        """Specificity of everything seen since the last reset."""
        return specificity_reduce(*self._final_state(), average=self.average, top_k=self.top_k)


class MultilabelSpecificity(MultilabelStatScores):
    """Per-label specificity of a multilabel task, averaged by ``average``."""

    higher_is_better = True

    def compute(self):
        """Specificity of everything seen since the last reset."""
        return specificity_reduce(*self._final_state(), average=self.average, multilabel=True)


class Specificity(ClassificationTaskWrapper):
    """Specificity for ``task`` "binary", "multiclass" or "multilabel" (``average`` "micro" by
    default)."""

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
            (BinarySpecificity, MulticlassSpecificity, MultilabelSpecificity),
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
