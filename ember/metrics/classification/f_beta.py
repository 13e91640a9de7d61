"""Stateful F-beta and F1 scores (torchmetrics' ``FBetaScore`` and ``F1Score`` families)."""

from __future__ import annotations

from ..functional.classification import _input
from ..functional.classification.f_beta import check_beta, fbeta_reduce
from ._base import ClassificationTaskWrapper
from .stat_scores import (
    BinaryStatScores,
    MulticlassStatScores,
    MultilabelStatScores,
    build_stat_metric,
)

__all__ = [
    "BinaryFBetaScore",
    "MulticlassFBetaScore",
    "MultilabelFBetaScore",
    "BinaryF1Score",
    "MulticlassF1Score",
    "MultilabelF1Score",
    "FBetaScore",
    "F1Score",
]


class BinaryFBetaScore(BinaryStatScores):
    """F-beta score of a binary task; ``beta`` weighs recall ``beta`` times as much as
    precision (other arguments as :class:`BinaryStatScores`)."""

    higher_is_better = True

    def __init__(
        self,
        beta: float,
        threshold: float = 0.5,
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(threshold, multidim_average, ignore_index, validate_args, **kwargs)
        if validate_args:
            check_beta(beta)
        self.beta = beta

    def compute(self):
        """F-beta of everything seen since the last reset."""
        return fbeta_reduce(*self._final_state(), self.beta, average="binary")


class MulticlassFBetaScore(MulticlassStatScores):
    """Per-class F-beta score of a multiclass task, averaged by ``average``."""

    higher_is_better = True

    def __init__(
        self,
        beta: float,
        num_classes: int,
        top_k: int = 1,
        average: str | None = "macro",
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(
            num_classes, top_k, average, multidim_average, ignore_index, validate_args, **kwargs
        )
        if validate_args:
            check_beta(beta)
        self.beta = beta

    def compute(self):
        """F-beta of everything seen since the last reset."""
        return fbeta_reduce(*self._final_state(), self.beta, average=self.average, top_k=self.top_k)


class MultilabelFBetaScore(MultilabelStatScores):
    """Per-label F-beta score of a multilabel task, averaged by ``average``."""

    higher_is_better = True

    def __init__(
        self,
        beta: float,
        num_labels: int,
        threshold: float = 0.5,
        average: str | None = "macro",
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(
            num_labels, threshold, average, multidim_average, ignore_index, validate_args, **kwargs
        )
        if validate_args:
            check_beta(beta)
        self.beta = beta

    def compute(self):
        """F-beta of everything seen since the last reset."""
        return fbeta_reduce(*self._final_state(), self.beta, average=self.average, multilabel=True)


class BinaryF1Score(BinaryFBetaScore):
    """F1 score of a binary task (arguments as :class:`BinaryStatScores`)."""

    def __init__(
        self,
        threshold: float = 0.5,
        multidim_average: str = "global",
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(1.0, threshold, multidim_average, ignore_index, validate_args, **kwargs)


class MulticlassF1Score(MulticlassFBetaScore):
    """Per-class F1 score of a multiclass task, averaged by ``average`` (default "macro")."""

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
        super().__init__(
            1.0,
            num_classes,
            top_k,
            average,
            multidim_average,
            ignore_index,
            validate_args,
            **kwargs,
        )


class MultilabelF1Score(MultilabelFBetaScore):
    """Per-label F1 score of a multilabel task, averaged by ``average`` (default "macro")."""

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
        super().__init__(
            1.0,
            num_labels,
            threshold,
            average,
            multidim_average,
            ignore_index,
            validate_args,
            **kwargs,
        )


class FBetaScore(ClassificationTaskWrapper):
    """F-beta score for ``task`` "binary", "multiclass" or "multilabel" (``average`` "micro" by
    default)."""

    def __new__(
        cls,
        task: str,
        beta: float = 1.0,
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
        common = dict(
            multidim_average=multidim_average,
            ignore_index=ignore_index,
            validate_args=validate_args,
            **kwargs,
        )
        _input.check_task(task)
        if task == "binary":
            return BinaryFBetaScore(beta, threshold, **common)
        if task == "multiclass":
            _input.check_int_arg("num_classes", num_classes)
            return MulticlassFBetaScore(beta, num_classes, top_k, average, **common)
        _input.check_int_arg("num_labels", num_labels)
        return MultilabelFBetaScore(beta, num_labels, threshold, average, **common)


class F1Score(ClassificationTaskWrapper):
    """F1 score for ``task`` "binary", "multiclass" or "multilabel" (``average`` "micro" by
    default, as in torchmetrics).

    Example:
        >>> import ember
        >>> m = F1Score(task="multiclass", num_classes=3, average="macro")
        >>> m(ember.tensor([2, 0, 2, 1]), ember.tensor([2, 1, 2, 0]))
        tensor(0.3333)
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
            (BinaryF1Score, MulticlassF1Score, MultilabelF1Score),
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
