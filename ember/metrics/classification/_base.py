"""Shared pieces of the stateful classification metrics: the task wrappers (``Accuracy(task=...)``
builds a ``BinaryAccuracy``, ``MulticlassAccuracy`` or ``MultilabelAccuracy``)."""

from __future__ import annotations

from ..functional.classification import _input
from ..metric import Metric


class ClassificationTaskWrapper(Metric):
    """Base of the ``task=`` front ends; ``__new__`` returns the task-specific metric, so an
    instance of the wrapper itself never exists."""

    def update(self, *args, **kwargs) -> None:
        """Not available: the task-specific metric does the work."""
        raise NotImplementedError(
            f"{type(self).__name__} metric does not have a global `update` method. Use the task "
            "specific metric."
        )

    def compute(self) -> None:
        """Not available: the task-specific metric does the work."""
        raise NotImplementedError(
            f"{type(self).__name__} metric does not have a global `compute` method. Use the task "
            "specific metric."
        )


def build_task_metric(
    task,
    classes,
    common,
    binary=(),
    multiclass=(),
    multilabel=(),
    num_classes=None,
    num_labels=None,
):
    """Instantiate ``classes[i]`` for ``task`` ("binary", "multiclass", "multilabel" in that
    order): the positional arguments of that task, then the keyword arguments ``common``."""
    tasks = _input.TASKS[: len(classes)]
    _input.check_task(task, tasks)
    if task == "binary":
        return classes[0](*binary, **common)
    if task == "multiclass":
        _input.check_int_arg("num_classes", num_classes)
        return classes[1](num_classes, *multiclass, **common)
    _input.check_int_arg("num_labels", num_labels)
    return classes[2](num_labels, *multilabel, **common)
