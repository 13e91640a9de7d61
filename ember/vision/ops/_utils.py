"""Helpers shared by the RoI ops (torchvision.ops._utils)."""

from __future__ import annotations

import ember

__all__ = ["check_roi_boxes_shape", "convert_boxes_to_roi_format"]


def convert_boxes_to_roi_format(boxes):
    """A list of ``Tensor[L_i, 4]`` boxes (one per image) as one ``Tensor[K, 5]`` whose first
    column is the image index."""
    concat = ember.cat(list(boxes), dim=0)
    ids = ember.cat([ember.full_like(b[:, :1], i) for i, b in enumerate(boxes)], dim=0)
    return ember.cat([ids, concat], dim=1)


def check_roi_boxes_shape(boxes) -> None:
    """Assert ``boxes`` is a ``Tensor[K, 5]`` or a list of ``Tensor[L, 4]``, as torchvision."""
    if isinstance(boxes, (list, tuple)):
        for t in boxes:
            if t.size(1) != 4:
                raise AssertionError(
                    "The shape of the tensor in the boxes list is not correct as List[Tensor[L, 4]]"
                )
    elif isinstance(boxes, ember.Tensor):
        if boxes.size(1) != 5:
            raise AssertionError("The boxes tensor shape is not correct as Tensor[K, 5]")
    else:
        raise AssertionError("boxes is expected to be a Tensor[L, 5] or a List[Tensor[K, 4]]")


def check_same_type(op: str, input, rois) -> None:
    """torchvision's kernels require ``input`` and ``rois`` of one dtype (RuntimeError)."""
    if input.dtype != rois.dtype:
        raise RuntimeError(
            f"Expected tensor for argument #1 'input' to have the same type as tensor for "
            f"argument #2 'rois'; but type {input.type()} does not equal {rois.type()} "
            f"(while checking arguments for {op})"
        )


def as_rois(boxes):
    """Validated ``Tensor[K, 5]`` RoIs from ``boxes`` in either accepted form."""
    check_roi_boxes_shape(boxes)
    return boxes if isinstance(boxes, ember.Tensor) else convert_boxes_to_roi_format(boxes)


def pair(x) -> tuple[int, int]:
    """``(x, x)`` for an int, else ``tuple(x)`` (``torch.nn.modules.utils._pair``)."""
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x, x)
