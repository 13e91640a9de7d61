"""ember.vision: torchvision on ember (datasets, transforms, models, ops, utils).

Under ``python -m ember.run``, ``import torchvision`` gives this package, so a program written for
torchvision runs unchanged::

    from ember.vision import datasets, models, transforms

    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST("data", train=True, download=True, transform=tf)
    net = models.resnet18(num_classes=10)

The sub-packages load on first use, so ``import ember.vision`` costs almost nothing.
"""

from __future__ import annotations

import importlib

__version__ = "0.28.0+ember"

_SUBMODULES = frozenset({"datasets", "io", "models", "ops", "transforms", "utils"})

__all__ = ["get_image_backend", "set_image_backend", *sorted(_SUBMODULES)]


def get_image_backend() -> str:
    """The name of the package used to load images (always ``"PIL"``), as torchvision's."""
    return "PIL"


def set_image_backend(backend: str) -> None:
    """Choose the image loader; ember reads images with Pillow only, as torchvision's default.

    Raises ValueError for anything but ``"PIL"`` (torchvision's ``"accimage"`` is not offered).
    """
    if backend != "PIL":
        raise ValueError(f"Invalid backend '{backend}'. ember.vision reads images with 'PIL' only")


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'ember.vision' has no attribute {name!r}")
