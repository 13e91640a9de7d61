"""``ember.vision.models`` (``torchvision.models``): the image-classification model zoo.

The same builders, classes, module names (so identical ``state_dict`` keys), weight
initialisation and weights enums as torchvision 0.28, so torchvision's checkpoints load as
they are::

    from ember.vision import models

    net = models.resnet18(num_classes=10)  # random weights, torchvision's init
    net = models.get_model("resnet50", weights="IMAGENET1K_V2")  # downloads once, via ember.hub
    names = models.list_models(include="resnet*")

``lenet`` (LeNet-5) is ember's addition; torchvision has no LeNet.
"""

from __future__ import annotations

import importlib as _importlib

from ._api import (
    Weights,
    WeightsEnum,
    get_model,
    get_model_builder,
    get_model_weights,
    get_weight,
    list_models,
)

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
]

# The model families, in torchvision's order; each module's __all__ joins this package's.
_FAMILIES = (
    "alexnet",
    "convnext",
    "densenet",
    "efficientnet",
    "googlenet",
    "inception",
    "mnasnet",
    "mobilenetv2",
    "mobilenetv3",
    "regnet",
    "resnet",
    "shufflenetv2",
    "squeezenet",
    "vgg",
    "vision_transformer",
    "swin_transformer",
    "lenet",
)
# Families still being written: skipped while their file is absent (any other error is raised).
_PENDING = frozenset({"swin_transformer"})


def _import_family(name: str) -> None:
    try:
        module = _importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as err:
        if name in _PENDING and err.name == f"{__name__}.{name}":
            return
        raise
    for public in module.__all__:
        globals()[public] = getattr(module, public)
    __all__.extend(module.__all__)


for _name in _FAMILIES:
    _import_family(_name)
del _name
