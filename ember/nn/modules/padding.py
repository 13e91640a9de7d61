"""Padding layers: Zero / Constant / Reflection / Replication / Circular Pad 1d, 2d, 3d.

Each is ``F.pad`` with a fixed padding tuple ``(left, right, top, bottom, front, back)``
(a single int pads every side); the printed form is PyTorch's.
"""

from __future__ import annotations

from ..functional import pad
from .module import Module

__all__ = [
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
]


def _sides(padding, n: int) -> tuple:
    """``padding`` as a tuple: an iterable is kept as given, a single value repeats ``n`` times."""
    if isinstance(padding, (tuple, list)):
        return tuple(padding)
    return (padding,) * n


class _PadNd(Module):
    """Shared body: ``pad(input, self.padding, mode)``; the repr shows the padding tuple."""

    mode = "constant"
    dims = 1

    def __init__(self, padding):
        super().__init__()
        self.padding = _sides(padding, 2 * self.dims)

    def forward(self, input):  # noqa: A002
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _CircularPadNd(_PadNd):
    mode = "circular"

    def forward(self, input):  # noqa: A002
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(
                f"expected {self.dims + 1}D or {self.dims + 2}D input (got {input.ndim}D input)"
            )
        return pad(input, self.padding, "circular")


class CircularPad1d(_CircularPadNd):
    """Pads the last dim of (C, W) / (N, C, W) with wrap-around copies."""

    dims = 1


class CircularPad2d(_CircularPadNd):
    """Pads the last 2 dims of (C, H, W) / (N, C, H, W) with wrap-around copies."""

    dims = 2


class CircularPad3d(_CircularPadNd):
    """Pads the last 3 dims of (C, D, H, W) / (N, C, D, H, W) with wrap-around copies."""

    dims = 3


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float):
        super().__init__(padding)
        self.value = value

    def forward(self, input):  # noqa: A002
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pads the last dim with the constant ``value``."""

    dims = 1


class ConstantPad2d(_ConstantPadNd):
    """Pads the last 2 dims with the constant ``value``."""

    dims = 2


class ConstantPad3d(_ConstantPadNd):
    """Pads the last 3 dims with the constant ``value``."""

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pads the last dim with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad2d(ConstantPad2d):
    """Pads the last 2 dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad3d(ConstantPad3d):
    """Pads the last 3 dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ReflectionPad1d(_PadNd):
    """Pads the last dim with its reflection about the border (the border is not repeated)."""

    mode = "reflect"
    dims = 1


class ReflectionPad2d(_PadNd):
    """Pads the last 2 dims by reflection about the border."""

    mode = "reflect"
    dims = 2


class ReflectionPad3d(_PadNd):
    """Pads the last 3 dims by reflection about the border."""

    mode = "reflect"
    dims = 3


class ReplicationPad1d(_PadNd):
    """Pads the last dim by repeating the border value."""

    mode = "replicate"
    dims = 1


class ReplicationPad2d(_PadNd):
    """Pads the last 2 dims by repeating the border values."""

    mode = "replicate"
    dims = 2


class ReplicationPad3d(_PadNd):
    """Pads the last 3 dims by repeating the border values."""

    mode = "replicate"
    dims = 3
