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

from . import alexnet as _alexnet
from . import convnext as _convnext
from . import densenet as _densenet
from . import efficientnet as _efficientnet
from . import googlenet as _googlenet
from . import inception as _inception
from . import lenet as _lenet
from . import mnasnet as _mnasnet
from . import mobilenetv2 as _mobilenetv2
from . import mobilenetv3 as _mobilenetv3
from . import regnet as _regnet
from . import resnet as _resnet
from . import shufflenetv2 as _shufflenetv2
from . import squeezenet as _squeezenet
from . import swin_transformer as _swin_transformer
from . import vgg as _vgg
from . import vision_transformer as _vision_transformer
from ._api import (
    Weights,
    WeightsEnum,
    get_model,
    get_model_builder,
    get_model_weights,
    get_weight,
    list_models,
)
from .alexnet import *
from .convnext import *
from .densenet import *
from .efficientnet import *
from .googlenet import *
from .inception import *
from .lenet import *
from .mnasnet import *
from .mobilenetv2 import *
from .mobilenetv3 import *
from .regnet import *
from .resnet import *
from .shufflenetv2 import *
from .squeezenet import *
from .swin_transformer import *
from .vgg import *
from .vision_transformer import *

# The model families in torchvision's order (LeNet, ember's addition, last).
__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
    *_alexnet.__all__,
    *_convnext.__all__,
    *_densenet.__all__,
    *_efficientnet.__all__,
    *_googlenet.__all__,
    *_inception.__all__,
    *_mnasnet.__all__,
    *_mobilenetv2.__all__,
    *_mobilenetv3.__all__,
    *_regnet.__all__,
    *_resnet.__all__,
    *_shufflenetv2.__all__,
    *_squeezenet.__all__,
    *_vgg.__all__,
    *_vision_transformer.__all__,
    *_swin_transformer.__all__,
    *_lenet.__all__,
]
