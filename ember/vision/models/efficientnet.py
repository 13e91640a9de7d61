"""EfficientNet B0-B7 and EfficientNetV2 S/M/L (torchvision's ``models.efficientnet``).

Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks" (2019) and
"EfficientNetV2: Smaller Models and Faster Training" (2021). B0-B7 scale one table of MBConv
stages in width and depth; V2 starts with Fused-MBConv stages (a full k x k convolution instead of
expand + depthwise) and has tables of its own.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import ember
from ember import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ..ops.stochastic_depth import StochasticDepth
from ._api import Weights, WeightsEnum, register_model
from ._meta import _IMAGENET_CATEGORIES
from ._utils import (
    _imagenet_weights,
    _make_divisible,
    _ovewrite_named_param,
    _preset,
    handle_legacy_interface,
    load_weights,
)

__all__ = [
    "EfficientNet",
    "EfficientNet_B0_Weights",
    "EfficientNet_B1_Weights",
    "EfficientNet_B2_Weights",
    "EfficientNet_B3_Weights",
    "EfficientNet_B4_Weights",
    "EfficientNet_B5_Weights",
    "EfficientNet_B6_Weights",
    "EfficientNet_B7_Weights",
    "EfficientNet_V2_S_Weights",
    "EfficientNet_V2_M_Weights",
    "EfficientNet_V2_L_Weights",
    "efficientnet_b0",
    "efficientnet_b1",
    "efficientnet_b2",
    "efficientnet_b3",
    "efficientnet_b4",
    "efficientnet_b5",
    "efficientnet_b6",
    "efficientnet_b7",
    "efficientnet_v2_s",
    "efficientnet_v2_m",
    "efficientnet_v2_l",
]


@dataclass
class _MBConvConfig:
    expand_ratio: float
    kernel: int
    stride: int
    input_channels: int
    out_channels: int
    num_layers: int
    block: Callable[..., nn.Module]

    @staticmethod
    def adjust_channels(channels: int, width_mult: float, min_value: int | None = None) -> int:
        """``channels * width_mult`` rounded to a multiple of 8."""
        return _make_divisible(channels * width_mult, 8, min_value)


class MBConvConfig(_MBConvConfig):
    """One MBConv stage (EfficientNet's Table 1, V2's Table 4), scaled by ``width_mult`` (channels)
    and ``depth_mult`` (blocks, rounded up)."""

    def __init__(
        self,
        expand_ratio: float,
        kernel: int,
        stride: int,
        input_channels: int,
        out_channels: int,
        num_layers: int,
        width_mult: float = 1.0,
        depth_mult: float = 1.0,
        block: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__(
            expand_ratio,
            kernel,
            stride,
            self.adjust_channels(input_channels, width_mult),
            self.adjust_channels(out_channels, width_mult),
            self.adjust_depth(num_layers, depth_mult),
            MBConv if block is None else block,
        )

    @staticmethod
    def adjust_depth(num_layers: int, depth_mult: float) -> int:
        return int(math.ceil(num_layers * depth_mult))


class FusedMBConvConfig(_MBConvConfig):
    """One Fused-MBConv stage of EfficientNetV2 (Table 4)."""

    def __init__(
        self,
        expand_ratio: float,
        kernel: int,
        stride: int,
        input_channels: int,
        out_channels: int,
        num_layers: int,
        block: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__(
            expand_ratio,
            kernel,
            stride,
            input_channels,
            out_channels,
            num_layers,
            FusedMBConv if block is None else block,
        )


class _Residual(nn.Module):
    """``block(x)``, plus ``x`` (after stochastic depth of the branch) when the shape is kept."""

    def forward(self, input):  # noqa: A002
        result = self.block(input)
        if self.use_res_connect:
            result = self.stochastic_depth(result)
            result += input
        return result


class MBConv(_Residual):
    """Expand (1x1), depthwise (k x k), squeeze-and-excitation, project (1x1), all with SiLU but
    the projection."""

    def __init__(
        self,
        cnf: MBConvConfig,
        stochastic_depth_prob: float,
        norm_layer: Callable[..., nn.Module],
        se_layer: Callable[..., nn.Module] = SqueezeExcitation,
    ) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    expanded,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                )
            )
        layers.append(
            Conv2dNormActivation(
                expanded,
                expanded,
                kernel_size=cnf.kernel,
                stride=cnf.stride,
                groups=expanded,
                norm_layer=norm_layer,
                activation_layer=nn.SiLU,
            )
        )
        squeeze = max(1, cnf.input_channels // 4)
        layers.append(se_layer(expanded, squeeze, activation=partial(nn.SiLU, inplace=True)))
        layers.append(
            Conv2dNormActivation(
                expanded,
                cnf.out_channels,
                kernel_size=1,
                norm_layer=norm_layer,
                activation_layer=None,
            )
        )
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class FusedMBConv(_Residual):
    """A k x k convolution that expands (SiLU), then a 1x1 projection; without expansion, the
    k x k convolution alone."""

    def __init__(
        self,
        cnf: FusedMBConvConfig,
        stochastic_depth_prob: float,
        norm_layer: Callable[..., nn.Module],
    ) -> None:
        super().__init__()
        if not (1 <= cnf.stride <= 2):
            raise ValueError("illegal stride value")
        self.use_res_connect = cnf.stride == 1 and cnf.input_channels == cnf.out_channels
        expanded = cnf.adjust_channels(cnf.input_channels, cnf.expand_ratio)
        layers: list[nn.Module] = []
        if expanded != cnf.input_channels:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    expanded,
                    kernel_size=cnf.kernel,
                    stride=cnf.stride,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                )
            )
            layers.append(
                Conv2dNormActivation(
                    expanded,
                    cnf.out_channels,
                    kernel_size=1,
                    norm_layer=norm_layer,
                    activation_layer=None,
                )
            )
        else:
            layers.append(
                Conv2dNormActivation(
                    cnf.input_channels,
                    cnf.out_channels,
                    kernel_size=cnf.kernel,
                    stride=cnf.stride,
                    norm_layer=norm_layer,
                    activation_layer=nn.SiLU,
                )
            )
        self.block = nn.Sequential(*layers)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.out_channels = cnf.out_channels


class EfficientNet(nn.Module):
    """EfficientNet V1 and V2.

    Args:
        inverted_residual_setting (sequence of MBConvConfig / FusedMBConvConfig): the stages.
        dropout (float): the dropout probability before the classifier.
        stochastic_depth_prob (float): the stochastic depth probability of the last block, growing
            linearly from 0 over the blocks. Default: 0.2
        num_classes (int): the size of the output. Default: 1000
        norm_layer (callable, optional): the normalisation layer (default ``nn.BatchNorm2d``).
        last_channel (int, optional): the channels of the last 1x1 convolution (default 4 times
            the last stage's).
    """

    def __init__(
        self,
        inverted_residual_setting: Sequence[MBConvConfig | FusedMBConvConfig],
        dropout: float,
        stochastic_depth_prob: float = 0.2,
        num_classes: int = 1000,
        norm_layer: Callable[..., nn.Module] | None = None,
        last_channel: int | None = None,
    ) -> None:
        super().__init__()
        if not inverted_residual_setting:
            raise ValueError("The inverted_residual_setting should not be empty")
        if not (
            isinstance(inverted_residual_setting, Sequence)
            and all(isinstance(s, _MBConvConfig) for s in inverted_residual_setting)
        ):
            raise TypeError("The inverted_residual_setting should be List[MBConvConfig]")
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d

        first = inverted_residual_setting[0].input_channels
        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3, first, kernel_size=3, stride=2, norm_layer=norm_layer, activation_layer=nn.SiLU
            )
        ]
        total_blocks = sum(cnf.num_layers for cnf in inverted_residual_setting)
        block_id = 0
        for cnf in inverted_residual_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                block_cnf = copy.copy(cnf)
                if stage:  # only a stage's first block changes width or strides
                    block_cnf.input_channels = block_cnf.out_channels
                    block_cnf.stride = 1
                sd_prob = stochastic_depth_prob * float(block_id) / total_blocks
                stage.append(block_cnf.block(block_cnf, sd_prob, norm_layer))
                block_id += 1
            layers.append(nn.Sequential(*stage))
        last_in = inverted_residual_setting[-1].out_channels
        last_out = last_channel if last_channel is not None else 4 * last_in
        layers.append(
            Conv2dNormActivation(
                last_in, last_out, kernel_size=1, norm_layer=norm_layer, activation_layer=nn.SiLU
            )
        )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout, inplace=True), nn.Linear(last_out, num_classes)
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
                bound = 1.0 / math.sqrt(m.out_features)
                nn.init.uniform_(m.weight, -bound, bound)
                nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(ember.flatten(x, 1))

    def forward(self, x):
        return self._forward_impl(x)


def _efficientnet(
    inverted_residual_setting: Sequence[MBConvConfig | FusedMBConvConfig],
    dropout: float,
    last_channel: int | None,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> EfficientNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = EfficientNet(inverted_residual_setting, dropout, last_channel=last_channel, **kwargs)
    return load_weights(model, weights, progress)


def _efficientnet_conf(arch: str, **kwargs: Any):
    """The stage table of ``arch`` and its last convolution's width (None: 4x the last stage)."""
    if arch.startswith("efficientnet_b"):
        conf = partial(
            MBConvConfig, width_mult=kwargs.pop("width_mult"), depth_mult=kwargs.pop("depth_mult")
        )
        table = [
            (1, 3, 1, 32, 16, 1),
            (6, 3, 2, 16, 24, 2),
            (6, 5, 2, 24, 40, 2),
            (6, 3, 2, 40, 80, 3),
        ]
        table += [(6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4), (6, 3, 1, 192, 320, 1)]
        return [conf(*row) for row in table], None
    fused = {
        "efficientnet_v2_s": [(1, 3, 1, 24, 24, 2), (4, 3, 2, 24, 48, 4), (4, 3, 2, 48, 64, 4)],
        "efficientnet_v2_m": [(1, 3, 1, 24, 24, 3), (4, 3, 2, 24, 48, 5), (4, 3, 2, 48, 80, 5)],
        "efficientnet_v2_l": [(1, 3, 1, 32, 32, 4), (4, 3, 2, 32, 64, 7), (4, 3, 2, 64, 96, 7)],
    }
    plain = {
        "efficientnet_v2_s": [
            (4, 3, 2, 64, 128, 6),
            (6, 3, 1, 128, 160, 9),
            (6, 3, 2, 160, 256, 15),
        ],
        "efficientnet_v2_m": [
            (4, 3, 2, 80, 160, 7),
            (6, 3, 1, 160, 176, 14),
            (6, 3, 2, 176, 304, 18),
            (6, 3, 1, 304, 512, 5),
        ],
        "efficientnet_v2_l": [
            (4, 3, 2, 96, 192, 10),
            (6, 3, 1, 192, 224, 19),
            (6, 3, 2, 224, 384, 25),
            (6, 3, 1, 384, 640, 7),
        ],
    }
    for name in fused:
        if arch.startswith(name):
            setting = [FusedMBConvConfig(*row) for row in fused[name]]
            return setting + [MBConvConfig(*row) for row in plain[name]], 1280
    raise ValueError(f"Unsupported model type {arch}")


_URL = "https://download.pytorch.org/models/"
_V1 = "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v1"
_V2 = "https://github.com/pytorch/vision/tree/main/references/classification#efficientnet-v2"
_v1 = partial(_imagenet_weights, recipe=_V1, interpolation="bicubic")
_v2 = partial(_imagenet_weights, recipe=_V2, min_size=(33, 33))


class EfficientNet_B0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b0_rwightman-7f5810bc.pth",
        num_params=5288548,
        acc1=77.692,
        acc5=93.532,
        ops=0.386,
        file_size=20.451,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B1_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b1_rwightman-bac287d4.pth",
        num_params=7794184,
        acc1=78.642,
        acc5=94.186,
        ops=0.687,
        file_size=30.134,
        crop_size=240,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "efficientnet_b1-c27df63c.pth",
        num_params=7794184,
        acc1=79.838,
        acc5=94.934,
        ops=0.687,
        file_size=30.136,
        recipe="https://github.com/pytorch/vision/issues/3995#new-recipe-with-lr-wd-crop-tuning",
        crop_size=240,
        resize_size=255,
    )
    DEFAULT = IMAGENET1K_V2


class EfficientNet_B2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b2_rwightman-c35c1473.pth",
        num_params=9109994,
        acc1=80.608,
        acc5=95.310,
        ops=1.088,
        file_size=35.174,
        crop_size=288,
        resize_size=288,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B3_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b3_rwightman-b3899882.pth",
        num_params=12233232,
        acc1=82.008,
        acc5=96.054,
        ops=1.827,
        file_size=47.184,
        crop_size=300,
        resize_size=320,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B4_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b4_rwightman-23ab8bcd.pth",
        num_params=19341616,
        acc1=83.384,
        acc5=96.594,
        ops=4.394,
        file_size=74.489,
        crop_size=380,
        resize_size=384,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b5_lukemelas-1a07897c.pth",
        num_params=30389784,
        acc1=83.444,
        acc5=96.628,
        ops=10.266,
        file_size=116.864,
        crop_size=456,
        resize_size=456,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B6_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b6_lukemelas-24a108a5.pth",
        num_params=43040704,
        acc1=84.008,
        acc5=96.916,
        ops=19.068,
        file_size=165.362,
        crop_size=528,
        resize_size=528,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_B7_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        _URL + "efficientnet_b7_lukemelas-c5b4e57e.pth",
        num_params=66347960,
        acc1=84.122,
        acc5=96.908,
        ops=37.746,
        file_size=254.675,
        crop_size=600,
        resize_size=600,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v2(
        _URL + "efficientnet_v2_s-dd5fe13b.pth",
        num_params=21458488,
        acc1=84.228,
        acc5=96.878,
        ops=8.366,
        file_size=82.704,
        crop_size=384,
        resize_size=384,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_M_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v2(
        _URL + "efficientnet_v2_m-dc08266a.pth",
        num_params=54139356,
        acc1=85.112,
        acc5=97.156,
        ops=24.582,
        file_size=208.01,
        crop_size=480,
        resize_size=480,
    )
    DEFAULT = IMAGENET1K_V1


class EfficientNet_V2_L_Weights(WeightsEnum):
    # ported from the paper's weights, which expect inputs normalised to [-1, 1]
    IMAGENET1K_V1 = Weights(
        url=_URL + "efficientnet_v2_l-59c71312.pth",
        transforms=_preset(
            "ImageClassification",
            crop_size=480,
            resize_size=480,
            interpolation="bicubic",
            mean=(0.5, 0.5, 0.5),
            std=(0.5, 0.5, 0.5),
        ),
        meta={
            "categories": _IMAGENET_CATEGORIES,
            "min_size": (33, 33),
            "recipe": _V2,
            "num_params": 118515272,
            "_metrics": {"ImageNet-1K": {"acc@1": 85.808, "acc@5": 97.788}},
            "_ops": 56.08,
            "_file_size": 454.573,
        },
    )
    DEFAULT = IMAGENET1K_V1


_BN_V1_PORTED = partial(nn.BatchNorm2d, eps=0.001, momentum=0.01)  # b5-b7's ported statistics
_BN_V2 = partial(nn.BatchNorm2d, eps=1e-03)


def _build_v1(arch, weights, progress, width, depth, dropout, kwargs, norm_layer=None):
    setting, last_channel = _efficientnet_conf(arch, width_mult=width, depth_mult=depth)
    if norm_layer is not None:
        kwargs = {"norm_layer": norm_layer, **kwargs}
    return _efficientnet(
        setting, kwargs.pop("dropout", dropout), last_channel, weights, progress, **kwargs
    )


def _build_v2(arch, weights, progress, dropout, kwargs):
    setting, last_channel = _efficientnet_conf(arch)
    return _efficientnet(
        setting,
        kwargs.pop("dropout", dropout),
        last_channel,
        weights,
        progress,
        norm_layer=_BN_V2,
        **kwargs,
    )


_ARGS = """

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`EfficientNet` (``num_classes``, ``dropout``,
            ``stochastic_depth_prob``, ...).
    """


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B0_Weights.IMAGENET1K_V1))
def efficientnet_b0(
    *, weights: EfficientNet_B0_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B0_Weights.verify(weights)
    return _build_v1("efficientnet_b0", weights, progress, 1.0, 1.0, 0.2, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B1_Weights.IMAGENET1K_V1))
def efficientnet_b1(
    *, weights: EfficientNet_B1_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B1_Weights.verify(weights)
    return _build_v1("efficientnet_b1", weights, progress, 1.0, 1.1, 0.2, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B2_Weights.IMAGENET1K_V1))
def efficientnet_b2(
    *, weights: EfficientNet_B2_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B2_Weights.verify(weights)
    return _build_v1("efficientnet_b2", weights, progress, 1.1, 1.2, 0.3, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B3_Weights.IMAGENET1K_V1))
def efficientnet_b3(
    *, weights: EfficientNet_B3_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B3_Weights.verify(weights)
    return _build_v1("efficientnet_b3", weights, progress, 1.2, 1.4, 0.3, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B4_Weights.IMAGENET1K_V1))
def efficientnet_b4(
    *, weights: EfficientNet_B4_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B4_Weights.verify(weights)
    return _build_v1("efficientnet_b4", weights, progress, 1.4, 1.8, 0.4, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B5_Weights.IMAGENET1K_V1))
def efficientnet_b5(
    *, weights: EfficientNet_B5_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B5_Weights.verify(weights)
    return _build_v1("efficientnet_b5", weights, progress, 1.6, 2.2, 0.4, kwargs, _BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B6_Weights.IMAGENET1K_V1))
def efficientnet_b6(
    *, weights: EfficientNet_B6_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B6_Weights.verify(weights)
    return _build_v1("efficientnet_b6", weights, progress, 1.8, 2.6, 0.5, kwargs, _BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_B7_Weights.IMAGENET1K_V1))
def efficientnet_b7(
    *, weights: EfficientNet_B7_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_B7_Weights.verify(weights)
    return _build_v1("efficientnet_b7", weights, progress, 2.0, 3.1, 0.5, kwargs, _BN_V1_PORTED)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_S_Weights.IMAGENET1K_V1))
def efficientnet_v2_s(
    *, weights: EfficientNet_V2_S_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_V2_S_Weights.verify(weights)
    return _build_v2("efficientnet_v2_s", weights, progress, 0.2, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_M_Weights.IMAGENET1K_V1))
def efficientnet_v2_m(
    *, weights: EfficientNet_V2_M_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_V2_M_Weights.verify(weights)
    return _build_v2("efficientnet_v2_m", weights, progress, 0.3, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", EfficientNet_V2_L_Weights.IMAGENET1K_V1))
def efficientnet_v2_l(
    *, weights: EfficientNet_V2_L_Weights | None = None, progress: bool = True, **kwargs: Any
) -> EfficientNet:
    weights = EfficientNet_V2_L_Weights.verify(weights)
    return _build_v2("efficientnet_v2_l", weights, progress, 0.4, kwargs)


for _fn, _title in (
    (efficientnet_b0, "EfficientNet B0"),
    (efficientnet_b1, "EfficientNet B1"),
    (efficientnet_b2, "EfficientNet B2"),
    (efficientnet_b3, "EfficientNet B3"),
    (efficientnet_b4, "EfficientNet B4"),
    (efficientnet_b5, "EfficientNet B5"),
    (efficientnet_b6, "EfficientNet B6"),
    (efficientnet_b7, "EfficientNet B7"),
    (efficientnet_v2_s, "EfficientNetV2 S"),
    (efficientnet_v2_m, "EfficientNetV2 M"),
    (efficientnet_v2_l, "EfficientNetV2 L"),
):
    _enum = _fn.__annotations__["weights"].split(" |")[0]
    _fn.__doc__ = f"{_title} (Tan and Le, 2019/2021)." + _ARGS.format(enum=_enum)
del _fn, _title, _enum
