"""VGG 11/13/16/19, with and without batch normalisation (torchvision's ``models.vgg``):
Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition"
(2014)."""

from __future__ import annotations

from typing import Any

import ember
from ember import nn

from ._api import Weights, WeightsEnum, register_model
from ._utils import (
    _imagenet_weights,
    _ovewrite_named_param,
    _preset,
    handle_legacy_interface,
    load_weights,
)

__all__ = [
    "VGG",
    "VGG11_Weights",
    "VGG11_BN_Weights",
    "VGG13_Weights",
    "VGG13_BN_Weights",
    "VGG16_Weights",
    "VGG16_BN_Weights",
    "VGG19_Weights",
    "VGG19_BN_Weights",
    "vgg11",
    "vgg11_bn",
    "vgg13",
    "vgg13_bn",
    "vgg16",
    "vgg16_bn",
    "vgg19",
    "vgg19_bn",
]


class VGG(nn.Module):
    """A VGG network: ``features`` (from :func:`make_layers`), 7x7 adaptive pooling and three
    Linear layers with dropout.

    With ``init_weights`` (default), convolutions start with Kaiming-normal weights (fan-out,
    ReLU gain), Linear weights as N(0, 0.01), batch norms at weight 1, and every bias at 0.
    """

    def __init__(
        self,
        features: nn.Module,
        num_classes: int = 1000,
        init_weights: bool = True,
        dropout: float = 0.5,
    ) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))


def make_layers(cfg: list[str | int], batch_norm: bool = False) -> nn.Sequential:
    """The convolutional part of a VGG: each number in ``cfg`` is a 3x3 convolution (then
    BatchNorm2d if ``batch_norm``) and ReLU with that many channels, each ``"M"`` a 2x2 max
    pooling."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        conv = nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1)
        if batch_norm:
            layers += [conv, nn.BatchNorm2d(int(v)), nn.ReLU(inplace=True)]
        else:
            layers += [conv, nn.ReLU(inplace=True)]
        in_channels = int(v)
    return nn.Sequential(*layers)


cfgs: dict[str, list[str | int]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M"]
    + [512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


def _vgg(cfg: str, batch_norm: bool, weights: WeightsEnum | None, progress: bool, **kwargs):
    if weights is not None:
        kwargs["init_weights"] = False
        if weights.meta["categories"] is not None:
            _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)
    return load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"


def _vgg_weights(file: str, num_params: int, acc1, acc5, ops, file_size):
    return _imagenet_weights(
        _URL + file,
        num_params=num_params,
        acc1=acc1,
        acc5=acc5,
        ops=ops,
        file_size=file_size,
        recipe=_RECIPE,
        min_size=(32, 32),
    )


class VGG11_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg11-8a719046.pth", 132863336, 69.020, 88.628, 7.609, 506.84)
    DEFAULT = IMAGENET1K_V1


class VGG11_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg11_bn-6002323d.pth", 132868840, 70.370, 89.810, 7.609, 506.881)
    DEFAULT = IMAGENET1K_V1


class VGG13_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg13-19584684.pth", 133047848, 69.928, 89.246, 11.308, 507.545)
    DEFAULT = IMAGENET1K_V1


class VGG13_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374, 11.308, 507.59)
    DEFAULT = IMAGENET1K_V1


class VGG16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg16-397923af.pth", 138357544, 71.592, 90.382, 15.47, 527.796)
    # The features of amdegroot's SSD backbone: its classifier holds no trained values, and
    # it expects 0-255 inputs less the mean (hence a std of 1/255 after ToTensor's scaling).
    IMAGENET1K_FEATURES = Weights(
        url=_URL + "vgg16_features-amdegroot-88682ab5.pth",
        transforms=_preset(
            "ImageClassification",
            crop_size=224,
            mean=(0.48235, 0.45882, 0.40784),
            std=(1.0 / 255.0, 1.0 / 255.0, 1.0 / 255.0),
        ),
        meta={
            "min_size": (32, 32),
            "categories": None,
            "num_params": 138357544,
            "recipe": "https://github.com/amdegroot/ssd.pytorch#training-ssd",
            "_metrics": {"ImageNet-1K": {"acc@1": float("nan"), "acc@5": float("nan")}},
            "_ops": 15.47,
            "_file_size": 527.802,
        },
    )
    DEFAULT = IMAGENET1K_V1


class VGG16_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg16_bn-6c64b313.pth", 138365992, 73.360, 91.516, 15.47, 527.866)
    DEFAULT = IMAGENET1K_V1


class VGG19_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights("vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876, 19.632, 548.051)
    DEFAULT = IMAGENET1K_V1


class VGG19_BN_Weights(WeightsEnum):
    IMAGENET1K_V1 = _vgg_weights(
        "vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842, 19.632, 548.143
    )
    DEFAULT = IMAGENET1K_V1


_DOC = """VGG-{depth}{bn} (Simonyan and Zisserman, 2014){note}.

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`VGG` (``num_classes``, ``init_weights``, ``dropout``).
    """


def _builder(name: str, cfg: str, batch_norm: bool, enum: type[WeightsEnum], depth: int):
    def builder(*, weights=None, progress: bool = True, **kwargs: Any) -> VGG:
        weights = enum.verify(weights)
        return _vgg(cfg, batch_norm, weights, progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__annotations__ = {"weights": enum | None, "progress": bool, "return": VGG}
    builder.__doc__ = _DOC.format(
        depth=depth,
        bn=" with batch normalisation" if batch_norm else "",
        enum=enum.__name__,
        note=f", configuration {cfg!r}",
    )
    legacy = handle_legacy_interface(weights=("pretrained", enum.IMAGENET1K_V1))
    return register_model()(legacy(builder))


vgg11 = _builder("vgg11", "A", False, VGG11_Weights, 11)
vgg11_bn = _builder("vgg11_bn", "A", True, VGG11_BN_Weights, 11)
vgg13 = _builder("vgg13", "B", False, VGG13_Weights, 13)
vgg13_bn = _builder("vgg13_bn", "B", True, VGG13_BN_Weights, 13)
vgg16 = _builder("vgg16", "D", False, VGG16_Weights, 16)
vgg16_bn = _builder("vgg16_bn", "D", True, VGG16_BN_Weights, 16)
vgg19 = _builder("vgg19", "E", False, VGG19_Weights, 19)
vgg19_bn = _builder("vgg19_bn", "E", True, VGG19_BN_Weights, 19)
