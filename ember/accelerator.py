"""``torch.accelerator``: the device-generic view of the current accelerator (CUDA, on CuPy).

Without CUDA there is no accelerator: ``is_available()`` is False, ``current_accelerator()``
is None, ``device_count()`` is 0, and the calls that need a device raise torch's error.
"""

from __future__ import annotations

from . import cuda
from ._device import device

__all__ = [
    "is_available",
    "current_accelerator",
    "device_count",
    "current_device_index",
    "set_device_index",
    "synchronize",
]

_NONE = "Cannot access accelerator device when none is available."


def is_available() -> bool:
    """Whether an accelerator (a CUDA device with CuPy) is present."""
    return cuda.is_available()


def current_accelerator(check_available: bool = False):
    """The accelerator's device type as a ``device`` (``device(type='cuda')``), or None."""
    return device("cuda") if cuda.is_available() else None


def device_count() -> int:
    """How many accelerator devices there are (0 without one)."""
    return cuda.device_count() if cuda.is_available() else 0


def _require() -> None:
    if not cuda.is_available():
        raise RuntimeError(_NONE)


def current_device_index() -> int:
    """The index of the current accelerator device."""
    _require()
    return cuda.current_device()


def set_device_index(device) -> None:
    """Make ``device`` (an index or a device) the current accelerator device."""
    _require()
    cuda.set_device(device)


def synchronize(device=None) -> None:
    """Wait for all work queued on the accelerator device."""
    _require()
    cuda.synchronize(device)
