"""Pillow, imported on first use: ember.vision reads and writes images with it (an optional
dependency, ``pip install 'ember[vision]'``), and ``import ember`` never needs it."""

from __future__ import annotations

import importlib

import numpy as np

__all__: list[str] = []

_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def pil_module(name: str = "Image"):
    """``PIL.<name>`` (``Image``, ``ImageDraw``, ...), or an ImportError saying how to get it."""
    try:
        return importlib.import_module(f"PIL.{name}")
    except ImportError as e:  # pragma: no cover - Pillow is in the test extras
        raise ImportError(
            "ember.vision needs Pillow to read and write images: pip install 'ember[vision]'"
        ) from e


def array_to_pil(array):
    """A PIL image of a uint8 array: HW (mode ``L``), or HWC with 1 (``L``), 2 (``LA``), 3
    (``RGB``) or 4 (``RGBA``) channels."""
    Image = pil_module()
    array = np.ascontiguousarray(array, dtype=np.uint8)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return Image.frombytes("L", (array.shape[1], array.shape[0]), array.tobytes())
    if array.ndim != 3 or array.shape[2] not in _MODES:
        raise ValueError(
            f"an image array must be HW or HWC with 1 to 4 channels, got {array.shape}"
        )
    mode = _MODES[array.shape[2]]
    return Image.frombytes(mode, (array.shape[1], array.shape[0]), array.tobytes())


def tensor_to_pil(pic):
    """A PIL image of a CHW (or HW) tensor, as ``transforms.ToPILImage()`` converts one: a
    floating tensor is taken to be in [0, 1] and becomes ``pic.mul(255).byte()`` (torch's
    truncating, wrapping cast), then 1/2/3/4 channels give mode L/LA/RGB/RGBA."""
    if pic.ndim == 2:
        pic = pic.unsqueeze(0)
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.is_floating_point():
        pic = pic.mul(255).byte()
    return array_to_pil(np.transpose(pic.detach().cpu().numpy(), (1, 2, 0)))
