"""Stateful confusion matrices and the scores computed from one: Matthews correlation
coefficient and Cohen's kappa (torchmetrics' families)."""

from __future__ import annotations

import ember

from ..functional.classification import _input
from ..functional.classification.cohen_kappa import check_weights, cohen_kappa_reduce
from ..functional.classification.confusion_matrix import (
    binary_confmat_update,
    confusion_matrix_reduce,
    multiclass_confmat_update,
    multilabel_confmat_update,
)
from ..functional.classification.matthews_corrcoef import matthews_corrcoef_reduce
from ..metric import Metric
from ._base import ClassificationTaskWrapper, build_task_metric

__all__ = [
    "BinaryConfusionMatrix",
    "MulticlassConfusionMatrix",
    "MultilabelConfusionMatrix",
    "ConfusionMatrix",
    "BinaryMatthewsCorrCoef",
    "MulticlassMatthewsCorrCoef",
    "MultilabelMatthewsCorrCoef",
    "MatthewsCorrCoef",
    "BinaryCohenKappa",
    "MulticlassCohenKappa",
    "CohenKappa",
]


class BinaryConfusionMatrix(Metric):
    """``[[tn, fp], [fn, tp]]`` of a binary task, accumulated over batches.

    Args:
        threshold: probability above which a float prediction is positive.
        ignore_index: target value whose elements are left out.
        normalize: None, "true" (rows), "pred" (columns) or "all".
        validate_args: check the arguments and inputs.

    Example:
        >>> import ember
        >>> m = BinaryConfusionMatrix()
        >>> m(ember.tensor([0.8, 0.2, 0.6, 0.1]), ember.tensor([1, 1, 0, 0]))
        tensor([[1, 1],
                [1, 1]])
    """

    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def __init__(
        self,
        threshold: float = 0.5,
        ignore_index: int | None = None,
        normalize: str | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.check_threshold(threshold)
            _input.check_ignore_index(ignore_index)
            _input.check_normalize(normalize)
        self.threshold = threshold
        self.ignore_index = ignore_index
        self.normalize = normalize
        self.validate_args = validate_args
        self.add_state("confmat", ember.zeros(2, 2, dtype=ember.int64), dist_reduce_fx="sum")

    def update(self, preds, target) -> None:
        """Count one batch."""
        self.confmat = self.confmat + binary_confmat_update(
            preds, target, self.threshold, self.normalize, self.ignore_index, self.validate_args
        )

    def compute(self):
        """The (normalised) confusion matrix."""
        return confusion_matrix_reduce(self.confmat, self.normalize)


class MulticlassConfusionMatrix(Metric):
    """``(C, C)`` confusion matrix of a multiclass task (row: target, column: prediction)."""

    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def __init__(
        self,
        num_classes: int,
        ignore_index: int | None = None,
        normalize: str | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.check_num("num_classes", num_classes)
            _input.check_ignore_index(ignore_index)
            _input.check_normalize(normalize)
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.normalize = normalize
        self.validate_args = validate_args
        self.add_state(
            "confmat",
            ember.zeros(num_classes, num_classes, dtype=ember.int64),
            dist_reduce_fx="sum",
        )

    def update(self, preds, target) -> None:
        """Count one batch."""
        self.confmat = self.confmat + multiclass_confmat_update(
            preds, target, self.num_classes, self.normalize, self.ignore_index, self.validate_args
        )

    def compute(self):
        """The (normalised) confusion matrix."""
        return confusion_matrix_reduce(self.confmat, self.normalize)


class MultilabelConfusionMatrix(Metric):
    """``(L, 2, 2)`` confusion matrices of a multilabel task, one per label."""

    is_differentiable = False
    higher_is_better = None
    full_state_update = False

    def __init__(
        self,
        num_labels: int,
        threshold: float = 0.5,
        ignore_index: int | None = None,
        normalize: str | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if validate_args:
            _input.check_num("num_labels", num_labels)
            _input.check_threshold(threshold)
            _input.check_ignore_index(ignore_index)
            _input.check_normalize(normalize)
        self.num_labels = num_labels
        self.threshold = threshold
        self.ignore_index = ignore_index
        self.normalize = normalize
        self.validate_args = validate_args
        self.add_state(
            "confmat", ember.zeros(num_labels, 2, 2, dtype=ember.int64), dist_reduce_fx="sum"
        )

    def update(self, preds, target) -> None:
        """Count one batch."""
        self.confmat = self.confmat + multilabel_confmat_update(
            preds,
            target,
            self.num_labels,
            self.threshold,
            self.normalize,
            self.ignore_index,
            self.validate_args,
        )

    def compute(self):
        """The (normalised) confusion matrices."""
        return confusion_matrix_reduce(self.confmat, self.normalize)


class ConfusionMatrix(ClassificationTaskWrapper):
    """Confusion matrix for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        threshold: float = 0.5,
        num_classes: int | None = None,
        num_labels: int | None = None,
        normalize: str | None = None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(
            ignore_index=ignore_index, normalize=normalize, validate_args=validate_args, **kwargs
        )
        return build_task_metric(
            task,
            (BinaryConfusionMatrix, MulticlassConfusionMatrix, MultilabelConfusionMatrix),
            common,
            binary=(threshold,),
            multilabel=(threshold,),
            num_classes=num_classes,
            num_labels=num_labels,
        )


class BinaryMatthewsCorrCoef(BinaryConfusionMatrix):
    """Matthews correlation coefficient of a binary task."""

    higher_is_better = True

    def __init__(
        self,
        threshold: float = 0.5,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(threshold, ignore_index, None, validate_args, **kwargs)

    def compute(self):
        """MCC of everything seen since the last reset."""
        return matthews_corrcoef_reduce(self.confmat)


class MulticlassMatthewsCorrCoef(MulticlassConfusionMatrix):
    """Matthews correlation coefficient of a multiclass task."""

    higher_is_better = True

    def __init__(
        self,
        num_classes: int,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(num_classes, ignore_index, None, validate_args, **kwargs)

    def compute(self):
        """MCC of everything seen since the last reset."""
        return matthews_corrcoef_reduce(self.confmat)


class MultilabelMatthewsCorrCoef(MultilabelConfusionMatrix):
    """Matthews correlation coefficient of a multilabel task (all labels pooled)."""

    higher_is_better = True

    def __init__(
        self,
        num_labels: int,
        threshold: float = 0.5,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(num_labels, threshold, ignore_index, None, validate_args, **kwargs)

    def compute(self):
        """MCC of everything seen since the last reset."""
        return matthews_corrcoef_reduce(self.confmat)


class MatthewsCorrCoef(ClassificationTaskWrapper):
    """Matthews correlation coefficient for ``task`` "binary", "multiclass" or "multilabel"."""

    def __new__(
        cls,
        task: str,
        threshold: float = 0.5,
        num_classes: int | None = None,
        num_labels: int | None = None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(ignore_index=ignore_index, validate_args=validate_args, **kwargs)
        return build_task_metric(
            task,
            (BinaryMatthewsCorrCoef, MulticlassMatthewsCorrCoef, MultilabelMatthewsCorrCoef),
            common,
            binary=(threshold,),
            multilabel=(threshold,),
            num_classes=num_classes,
            num_labels=num_labels,
        )


class BinaryCohenKappa(BinaryConfusionMatrix):
    """Cohen's kappa of a binary task (``weights`` None, "linear" or "quadratic")."""

    higher_is_better = True

    def __init__(
        self,
        threshold: float = 0.5,
        ignore_index: int | None = None,
        weights: str | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(threshold, ignore_index, None, validate_args, **kwargs)
        if validate_args:
            check_weights(weights)
        self.weights = weights

    def compute(self):
        """Kappa of everything seen since the last reset."""
        return cohen_kappa_reduce(self.confmat, self.weights)


class MulticlassCohenKappa(MulticlassConfusionMatrix):
    """Cohen's kappa of a multiclass task (``weights`` None, "linear" or "quadratic")."""

    higher_is_better = True

    def __init__(
        self,
        num_classes: int,
        ignore_index: int | None = None,
        weights: str | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        super().__init__(num_classes, ignore_index, None, validate_args, **kwargs)
        if validate_args:
            check_weights(weights)
        self.weights = weights

    def compute(self):
        """Kappa of everything seen since the last reset."""
        return cohen_kappa_reduce(self.confmat, self.weights)


class CohenKappa(ClassificationTaskWrapper):
    """Cohen's kappa for ``task`` "binary" or "multiclass"."""

    def __new__(
        cls,
        task: str,
        threshold: float = 0.5,
        num_classes: int | None = None,
        weights: str | None = None,
        ignore_index: int | None = None,
        validate_args: bool = True,
        **kwargs,
    ):
        common = dict(
            ignore_index=ignore_index, weights=weights, validate_args=validate_args, **kwargs
        )
        return build_task_metric(
            task,
            (BinaryCohenKappa, MulticlassCohenKappa),
            common,
            binary=(threshold,),
            num_classes=num_classes,
        )
