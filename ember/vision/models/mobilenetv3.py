"""MobileNet V3 Large and Small (torchvision's ``models.mobilenetv3``): Howard et al.,
"Searching for MobileNetV3" (2019)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import ember
from ember import nn

from ..ops.misc import Conv2dNormActivation
from ..ops.misc import SqueezeExcitation as SElayer
from ._api import WeightsEnum, register_model
from ._utils import (
    _imagenet_weights,
    _make_divisible,
    _ovewrite_named_param,
    handle_legacy_interface,
    load_weights,
)

__all__ = [
    "MobileNetV3",
    "MobileNet_V3_Large_Weights",
    "MobileNet_V3_Small_Weights",
    "mobilenet_v3_large",
    "mobilenet_v3_small",
]


class InvertedResidualConfig:
    """One block of the architecture table: channels (scaled by ``width_mult`` and rounded to
    multiples of 8), kernel size, squeeze-and-excitation, activation (``"RE"`` for ReLU,
    ``"HS"`` for hard swish), stride and dilation."""

    def __init__(
        self,
        input_channels: int,
        kernel: int,
        expanded_channels: int,
        out_channels: int,
        use_se: bool,
        activation: str,
        stride: int,
        dilation: int,
        width_mult: float,
    ):
        self.input_channels = self.adjust_channels(input_channels, width_mult)
        self.kernel = kernel
        self.expanded_channels = self.adjust_channels(expanded_channels, width_mult)
        self.out_channels = self.adjust_channels(out_channels, width_mult)
        self.use_se = use_se
        self.use_hs = activation == "HS"
        self.stride = stride
        self.dilation = dilation

    @staticmethod
    def adjust_channels(channels: int, width_mult: float) -> int:
        """``channels * width_mult`` rounded to a multiple of 8."""
        return _make_divisible(channels * width_mult, 8)


# Squeeze-and-excitation gated by a hard sigmoid, MobileNet V3's.
_HARD_SE = partial(SElayer, scale_activation=nn.Hardsigmoid)


class InvertedResidual(nn.Module):
    """Expand (1x1), depthwise (k x k, strided or dilated), squeeze-and-excitation (hard
    sigmoid gate), project (1x1, no activation); a shortcut when the shape is kept."""

    def __init__(
        self,
        cnf: InvertedResidualConfig,
        norm_layer: Callable[..., nn.Module],
        se_layer: Callable[..., nn.Module] = _HARD_SE,
    ):
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        activation_layer = nn.Hardswish if cnf.use_hs else nn.ReLU

        layers: list[nn.Module] = []
        if cnf.expanded_channels != cnf.input_channels:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    cnf.expanded_channels,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=activation_layer,
                )
            )
        stride = 1 if cnf.dilation > 1 else cnf.stride
        layers.append(
            Conv2dNormActivation(
                cnf.expanded_channels,
                cnf.expanded_channels,
                kernel_size=cnf.kernel,
                stride=stride,
                dilation=cnf.dilation,
                groups=cnf.expanded_channels,
                norm_layer=norm_layer,
                activation_layer=activation_layer,
            )
        )
        if cnf.use_se:
            squeeze_channels = _make_divisible(cnf.expanded_channels // 4, 8)
            layers.append(se_layer(cnf.expanded_channels, squeeze_channels))
        layers.append(
            Conv2dNormActivation(
                cnf.expanded_channels,
                cnf.out_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=None,
            )
        )
        self.block = nn.Sequential(*layers)
        self.out_channels = cnf.out_channels
        self._is_cn = cnf.stride > 1

    def forward(self, input):
        result = self.block(input)
        if self.use_res_connect:
            result += input
        return result


class MobileNetV3(nn.Module):
    """MobileNet V3.

    Args:
        inverted_residual_setting (list of InvertedResidualConfig): the blocks.
        last_channel (int): width of the classifier's hidden layer.
        num_classes (int): the size of the output.
        block (callable, optional): the block class (default :class:`InvertedResidual`).
        norm_layer (callable, optional): the normalisation layer (default
            ``BatchNorm2d(eps=0.001, momentum=0.01)``).
        dropout (float): dropout in the classifier.

    Convolutions start with Kaiming-normal weights (fan-out), Linear weights as N(0, 0.01),
    norms at weight 1, and every bias at 0.
    """

    def __init__(
        self,
        inverted_residual_setting: list[InvertedResidualConfig],
        last_channel: int,
        num_classes: int = 1000,
        block: Callable[..., nn.Module] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
        dropout: float = 0.2,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (
            isinstance(inverted_residual_setting, Sequence)
            and all(isinstance(s, InvertedResidualConfig) for s in inverted_residual_setting)
        ):
            raise TypeError("The inverted_residual_setting should be List[InvertedResidualConfig]")
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)

        first_out = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                first_out,
                kernel_size=3,
                stride=2,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
            )
        ]
        layers += [block(cnf, norm_layer) for cnf in inverted_residual_setting]
        lastconv_input_channels = inverted_residual_setting[-1].out_channels
        lastconv_output_channels = 6 * lastconv_input_channels
        layers.append(
            Conv2dNormActivation(
                lastconv_input_channels,
                lastconv_output_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.Hardswish,
            )
        )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Linear(lastconv_output_channels, last_channel),
            nn.Hardswish(inplace=True),
            nn.Dropout(p=dropout, inplace=True),
            nn.Linear(last_channel, num_classes),
        )

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


def _mobilenet_v3_conf(
    arch: str,
    width_mult: float = 1.0,
    reduced_tail: bool = False,
    dilated: bool = False,
    **kwargs: Any,
) -> tuple[list[InvertedResidualConfig], int]:
    """The block table of ``arch`` (``"mobilenet_v3_large"`` or ``"mobilenet_v3_small"``) and
    the classifier's hidden width. ``reduced_tail`` halves the last stage's channels,
    ``dilated`` dilates it instead of striding (for segmentation backbones)."""
    rd = 2 if reduced_tail else 1
    dil = 2 if dilated else 1
    conf = partial(InvertedResidualConfig, width_mult=width_mult)
    adjust = partial(InvertedResidualConfig.adjust_channels, width_mult=width_mult)
    # in, kernel, expanded, out, SE, activation, stride, dilation
    if arch == "mobilenet_v3_large":
        table = [
            (16, 3, 16, 16, False, "RE", 1, 1),
            (16, 3, 64, 24, False, "RE", 2, 1),
            (24, 3, 72, 24, False, "RE", 1, 1),
            (24, 5, 72, 40, True, "RE", 2, 1),
            (40, 5, 120, 40, True, "RE", 1, 1),
            (40, 5, 120, 40, True, "RE", 1, 1),
            (40, 3, 240, 80, False, "HS", 2, 1),
            (80, 3, 200, 80, False, "HS", 1, 1),
            (80, 3, 184, 80, False, "HS", 1, 1),
            (80, 3, 184, 80, False, "HS", 1, 1),
            (80, 3, 480, 112, True, "HS", 1, 1),
            (112, 3, 672, 112, True, "HS", 1, 1),
            (112, 5, 672, 160 // rd, True, "HS", 2, dil),
            (160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil),
            (160 // rd, 5, 960 // rd, 160 // rd, True, "HS", 1, dil),
        ]
        last_channel = adjust(1280 // rd)
    elif arch == "mobilenet_v3_small":
        table = [
            (16, 3, 16, 16, True, "RE", 2, 1),
            (16, 3, 72, 24, False, "RE", 2, 1),
            (24, 3, 88, 24, False, "RE", 1, 1),
            (24, 5, 96, 40, True, "HS", 2, 1),
            (40, 5, 240, 40, True, "HS", 1, 1),
            (40, 5, 240, 40, True, "HS", 1, 1),
            (40, 5, 120, 48, True, "HS", 1, 1),
            (48, 5, 144, 48, True, "HS", 1, 1),
            (48, 5, 288, 96 // rd, True, "HS", 2, dil),
            (96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil),
            (96 // rd, 5, 576 // rd, 96 // rd, True, "HS", 1, dil),
        ]
        last_channel = adjust(1024 // rd)
    else:
        raise ValueError(f"Unsupported model type {arch}")
    return [conf(*row) for row in table], last_channel


def _mobilenet_v3(
    inverted_residual_setting: list[InvertedResidualConfig],
    last_channel: int,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> MobileNetV3:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = MobileNetV3(inverted_residual_setting, last_channel, **kwargs)
    return load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_RECIPE = (
    "https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv3-large--small"
)


class MobileNet_V3_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mobilenet_v3_large-8738ca79.pth",
        num_params=5483032,
        acc1=74.042,
        acc5=91.340,
        ops=0.217,
        file_size=21.114,
        recipe=_RECIPE,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "mobilenet_v3_large-5c1a4163.pth",
        num_params=5483032,
        acc1=75.274,
        acc5=92.566,
        ops=0.217,
        file_size=21.107,
        recipe="https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning",
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class MobileNet_V3_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mobilenet_v3_small-047dcff4.pth",
        num_params=2542856,
        acc1=67.668,
        acc5=87.402,
        ops=0.057,
        file_size=9.829,
        recipe=_RECIPE,
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V3_Large_Weights.IMAGENET1K_V1))
def mobilenet_v3_large(
    *, weights: MobileNet_V3_Large_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MobileNetV3:
    """MobileNet V3 Large (Howard et al., 2019).

    Args:
        weights (MobileNet_V3_Large_Weights, optional): pre-trained weights to load
            (downloaded once through ``ember.hub``); ``None`` (default) keeps the random
            initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: ``width_mult``, ``reduced_tail``, ``dilated`` shape the block table; the
            others go to :class:`MobileNetV3` (``num_classes``, ``dropout``, ...).
    """
    weights = MobileNet_V3_Large_Weights.verify(weights)
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_large", **kwargs)
    return _mobilenet_v3(setting, last_channel, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V3_Small_Weights.IMAGENET1K_V1))
def mobilenet_v3_small(
    *, weights: MobileNet_V3_Small_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MobileNetV3:
    """MobileNet V3 Small (Howard et al., 2019); arguments as :func:`mobilenet_v3_large`."""
    weights = MobileNet_V3_Small_Weights.verify(weights)
    setting, last_channel = _mobilenet_v3_conf("mobilenet_v3_small", **kwargs)
    return _mobilenet_v3(setting, last_channel, weights, progress, **kwargs)
