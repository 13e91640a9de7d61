"""MobileNet V2 (torchvision's ``models.mobilenetv2``): Sandler et al., "MobileNetV2: Inverted
Residuals and Linear Bottlenecks" (2018)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ember
import ember.nn.functional as F
from ember import nn

from ..ops.misc import Conv2dNormActivation
from ._api import WeightsEnum, register_model
from ._utils import (
    _imagenet_weights,
    _make_divisible,
    _ovewrite_named_param,
    handle_legacy_interface,
    load_weights,
)

__all__ = ["MobileNetV2", "MobileNet_V2_Weights", "mobilenet_v2"]


class InvertedResidual(nn.Module):
    """Expand (1x1, ReLU6; skipped when ``expand_ratio`` is 1), 3x3 depthwise (ReLU6),
    project linearly (1x1 and batch norm); a shortcut when the shape is kept."""

    def __init__(
        self,
        inp: int,
        oup: int,
        stride: int,
        expand_ratio: int,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        self.stride = stride
        if stride not in (1, 2):
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        hidden_dim = int(round(inp * expand_ratio))
        self.use_res_connect = self.stride == 1 and inp == oup

        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(
                Conv2dNormActivation(
                    inp, hidden_dim, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.ReLU6
                )
            )
        layers += [
            Conv2dNormActivation(
                hidden_dim,
                hidden_dim,
                stride=stride,
                groups=hidden_dim,
                norm_layer=norm_layer,
                activation_layer=nn.ReLU6,
            ),
            nn.Conv2d(hidden_dim, oup, 1, 1, 0, bias=False),
            norm_layer(oup),
        ]
        self.conv = nn.Sequential(*layers)
        self.out_channels = oup
        self._is_cn = stride > 1

    def forward(self, x):
        return x + self.conv(x) if self.use_res_connect else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNet V2.

    Args:
        num_classes (int): the size of the output.
        width_mult (float): scales every layer's channels.
        inverted_residual_setting (list of [t, c, n, s]): per stage, the expansion factor,
            output channels, number of blocks and first stride.
        round_nearest (int): channel counts are rounded to multiples of this.
        block (callable, optional): the block class (default :class:`InvertedResidual`).
        norm_layer (callable, optional): the normalisation layer (default ``nn.BatchNorm2d``).
        dropout (float): dropout before the classifier.

    Convolutions start with Kaiming-normal weights (fan-out), Linear weights as N(0, 0.01),
    norms at weight 1, and every bias at 0.
    """

    def __init__(
        self,
        num_classes: int = 1000,
        width_mult: float = 1.0,
        inverted_residual_setting: list[list[int]] | None = None,
        round_nearest: int = 8,
        block: Callable[..., nn.Module] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
        dropout: float = 0.2,
    ) -> None:
        super().__init__()
        if block is None:
            block = InvertedResidual
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        input_channel = 32
        last_channel = 1280
        if inverted_residual_setting is None:
            inverted_residual_setting = [
                [1, 16, 1, 1],
                [6, 24, 2, 2],
                [6, 32, 3, 2],
                [6, 64, 4, 2],
                [6, 96, 3, 1],
                [6, 160, 3, 2],
                [6, 320, 1, 1],
            ]
        if len(inverted_residual_setting) == 0 or len(inverted_residual_setting[0]) != 4:
            raise ValueError(
                "inverted_residual_setting should be non-empty or a 4-element list, "
                f"got {inverted_residual_setting}"
            )

        input_channel = _make_divisible(input_channel * width_mult, round_nearest)
        self.last_channel = _make_divisible(last_channel * max(1.0, width_mult), round_nearest)
        features: list[nn.Module] = [
            Conv2dNormActivation(
                3, input_channel, stride=2, norm_layer=norm_layer, activation_layer=nn.ReLU6
            )
        ]
        for t, c, n, s in inverted_residual_setting:
            output_channel = _make_divisible(c * width_mult, round_nearest)
            for i in range(n):
                stride = s if i == 0 else 1
                features.append(
                    block(
                        input_channel, output_channel, stride, expand_ratio=t, norm_layer=norm_layer
                    )
                )
                input_channel = output_channel
        features.append(
            Conv2dNormActivation(
                input_channel,
                self.last_channel,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=nn.ReLU6,
            )
        )
        self.features = nn.Sequential(*features)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(self.last_channel, num_classes)
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
        x = F.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


_URL = "https://download.pytorch.org/models/"


class MobileNet_V2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mobilenet_v2-b0353104.pth",
        num_params=3504872,
        acc1=71.878,
        acc5=90.286,
        ops=0.301,
        file_size=13.555,
        recipe="https://github.com/pytorch/vision/tree/main/references/classification#mobilenetv2",
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "mobilenet_v2-7ebf99e0.pth",
        num_params=3504872,
        acc1=72.154,
        acc5=90.822,
        ops=0.301,
        file_size=13.598,
        recipe="https://github.com/pytorch/vision/issues/3995#new-recipe-with-reg-tuning",
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


@register_model()
@handle_legacy_interface(weights=("pretrained", MobileNet_V2_Weights.IMAGENET1K_V1))
def mobilenet_v2(
    *, weights: MobileNet_V2_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MobileNetV2:
    """MobileNet V2 (Sandler et al., 2018).

    Args:
        weights (MobileNet_V2_Weights, optional): pre-trained weights to load (downloaded once
            through ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`MobileNetV2` (``num_classes``, ``width_mult``, ...).
    """
    weights = MobileNet_V2_Weights.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return load_weights(MobileNetV2(**kwargs), weights, progress)
