"""RegNet X and Y (torchvision's ``models.regnet``): Radosavovic et al., "Designing Network
Design Spaces" (2020).

A RegNet is a stem, four stages of residual bottleneck blocks (grouped 3x3 convolutions; RegNetY
adds squeeze-and-excitation) and a linear classifier. The stage widths and depths follow from
four numbers (``w_0``, ``w_a``, ``w_m``, ``depth``): a linear ramp of block widths, quantised in
log space to powers of ``w_m`` and to multiples of 8, computed in float32 as torchvision does.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

import ember
from ember import nn

from ..ops.misc import Conv2dNormActivation, SqueezeExcitation
from ._api import WeightsEnum, register_model
from ._utils import (
    _imagenet_weights,
    _make_divisible,
    _ovewrite_named_param,
    handle_legacy_interface,
    load_weights,
)

__all__ = [
    "RegNet",
    "RegNet_Y_400MF_Weights",
    "RegNet_Y_800MF_Weights",
    "RegNet_Y_1_6GF_Weights",
    "RegNet_Y_3_2GF_Weights",
    "RegNet_Y_8GF_Weights",
    "RegNet_Y_16GF_Weights",
    "RegNet_Y_32GF_Weights",
    "RegNet_Y_128GF_Weights",
    "RegNet_X_400MF_Weights",
    "RegNet_X_800MF_Weights",
    "RegNet_X_1_6GF_Weights",
    "RegNet_X_3_2GF_Weights",
    "RegNet_X_8GF_Weights",
    "RegNet_X_16GF_Weights",
    "RegNet_X_32GF_Weights",
    "regnet_y_400mf",
    "regnet_y_800mf",
    "regnet_y_1_6gf",
    "regnet_y_3_2gf",
    "regnet_y_8gf",
    "regnet_y_16gf",
    "regnet_y_32gf",
    "regnet_y_128gf",
    "regnet_x_400mf",
    "regnet_x_800mf",
    "regnet_x_1_6gf",
    "regnet_x_3_2gf",
    "regnet_x_8gf",
    "regnet_x_16gf",
    "regnet_x_32gf",
]


class SimpleStemIN(Conv2dNormActivation):
    """Simple stem for ImageNet: 3x3 convolution (stride 2), norm, activation."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        norm_layer: Callable[..., nn.Module],
        activation_layer: Callable[..., nn.Module],
    ) -> None:
        super().__init__(
            width_in,
            width_out,
            kernel_size=3,
            stride=2,
            norm_layer=norm_layer,
            activation_layer=activation_layer,
        )


class BottleneckTransform(nn.Sequential):
    """Bottleneck transformation: 1x1 (``a``), grouped 3x3 (``b``), [SE (``se``)], 1x1 (``c``)."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        norm_layer: Callable[..., nn.Module],
        activation_layer: Callable[..., nn.Module],
        group_width: int,
        bottleneck_multiplier: float,
        se_ratio: float | None,
    ) -> None:
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        w_b = int(round(width_out * bottleneck_multiplier))
        groups = w_b // group_width
        layers["a"] = Conv2dNormActivation(
            width_in,
            w_b,
            kernel_size=1,
            stride=1,
            norm_layer=norm_layer,
            activation_layer=activation_layer,
        )
        layers["b"] = Conv2dNormActivation(
            w_b,
            w_b,
            kernel_size=3,
            stride=stride,
            groups=groups,
            norm_layer=norm_layer,
            activation_layer=activation_layer,
        )
        if se_ratio:
            # the squeeze width is a fraction of the block's input width
            layers["se"] = SqueezeExcitation(
                input_channels=w_b,
                squeeze_channels=int(round(se_ratio * width_in)),
                activation=activation_layer,
            )
        layers["c"] = Conv2dNormActivation(
            w_b, width_out, kernel_size=1, stride=1, norm_layer=norm_layer, activation_layer=None
        )
        super().__init__(layers)


class ResBottleneckBlock(nn.Module):
    """Residual bottleneck block: ``activation(proj(x) + f(x))``, the projection (1x1 conv + norm)
    only where the width or the resolution changes."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        norm_layer: Callable[..., nn.Module],
        activation_layer: Callable[..., nn.Module],
        group_width: int = 1,
        bottleneck_multiplier: float = 1.0,
        se_ratio: float | None = None,
    ) -> None:
        super().__init__()
        self.proj = None
        if width_in != width_out or stride != 1:
            self.proj = Conv2dNormActivation(
                width_in,
                width_out,
                kernel_size=1,
                stride=stride,
                norm_layer=norm_layer,
                activation_layer=None,
            )
        self.f = BottleneckTransform(
            width_in,
            width_out,
            stride,
            norm_layer,
            activation_layer,
            group_width,
            bottleneck_multiplier,
            se_ratio,
        )
        self.activation = activation_layer(inplace=True)

    def forward(self, x):
        shortcut = x if self.proj is None else self.proj(x)
        return self.activation(shortcut + self.f(x))


class AnyStage(nn.Sequential):
    """A stage: ``depth`` blocks of one output width, named ``block{stage}-{i}``; the first may
    stride and change width."""

    def __init__(
        self,
        width_in: int,
        width_out: int,
        stride: int,
        depth: int,
        block_constructor: Callable[..., nn.Module],
        norm_layer: Callable[..., nn.Module],
        activation_layer: Callable[..., nn.Module],
        group_width: int,
        bottleneck_multiplier: float,
        se_ratio: float | None = None,
        stage_index: int = 0,
    ) -> None:
        super().__init__()
        for i in range(depth):
            block = block_constructor(
                width_in if i == 0 else width_out,
                width_out,
                stride if i == 0 else 1,
                norm_layer,
                activation_layer,
                group_width,
                bottleneck_multiplier,
                se_ratio,
            )
            self.add_module(f"block{stage_index}-{i}", block)


class BlockParams:
    """Per-stage settings of a RegNet: depths, widths, group widths, bottleneck multipliers,
    strides, and the squeeze-and-excitation ratio (None for RegNetX)."""

    def __init__(
        self,
        depths: list[int],
        widths: list[int],
        group_widths: list[int],
        bottleneck_multipliers: list[float],
        strides: list[int],
        se_ratio: float | None = None,
    ) -> None:
        self.depths = depths
        self.widths = widths
        self.group_widths = group_widths
        self.bottleneck_multipliers = bottleneck_multipliers
        self.strides = strides
        self.se_ratio = se_ratio

    @classmethod
    def from_init_params(
        cls,
        depth: int,
        w_0: int,
        w_a: float,
        w_m: float,
        group_width: int,
        bottleneck_multiplier: float = 1.0,
        se_ratio: float | None = None,
        **kwargs: Any,
    ) -> BlockParams:
        """The stages of the RegNet with initial width ``w_0``, width slope ``w_a``, log-space
        width step ``w_m`` and ``depth`` blocks: block ``j`` has width ``w_0 + j * w_a`` rounded
        to ``w_0 * w_m ** k`` (nearest ``k``) and to a multiple of 8; consecutive blocks of one
        width form a stage (stride 2 each); widths are then made divisible by the group width.
        Extra keyword arguments (the model's) are ignored."""
        quant, stride = 8, 2
        if w_a < 0 or w_0 <= 0 or w_m <= 1 or w_0 % 8 != 0:
            raise ValueError("Invalid RegNet settings")
        widths_cont = ember.arange(depth) * w_a + w_0  # float32, as torchvision's
        capacity = ember.round(ember.log(widths_cont / w_0) / math.log(w_m))
        block_widths = (
            (ember.round(ember.divide(w_0 * ember.pow(w_m, capacity), quant)) * quant)
            .int()
            .tolist()
        )
        num_stages = len(set(block_widths))
        # a stage starts wherever the width changes
        starts = [
            j for j in range(depth + 1) if j in (0, depth) or block_widths[j] != block_widths[j - 1]
        ]
        stage_widths = [block_widths[j] for j in starts[:-1]]
        stage_depths = [b - a for a, b in zip(starts, starts[1:])]
        multipliers = [bottleneck_multiplier] * num_stages
        stage_widths, group_widths = cls._adjust_widths_groups_compatibilty(
            stage_widths, multipliers, [group_width] * num_stages
        )
        return cls(
            depths=stage_depths,
            widths=stage_widths,
            group_widths=group_widths,
            bottleneck_multipliers=multipliers,
            strides=[stride] * num_stages,
            se_ratio=se_ratio,
        )

    def _get_expanded_params(self):
        return zip(
            self.widths, self.strides, self.depths, self.group_widths, self.bottleneck_multipliers
        )

    @staticmethod
    def _adjust_widths_groups_compatibilty(
        stage_widths: list[int], bottleneck_ratios: list[float], group_widths: list[int]
    ) -> tuple[list[int], list[int]]:
        """Make each stage's bottleneck width a multiple of its group width (a group width at
        most the bottleneck width)."""
        bottlenecks = [int(w * b) for w, b in zip(stage_widths, bottleneck_ratios)]
        groups = [min(g, w) for g, w in zip(group_widths, bottlenecks)]
        bottlenecks = [_make_divisible(w, g) for w, g in zip(bottlenecks, groups)]
        return [int(w / b) for w, b in zip(bottlenecks, bottleneck_ratios)], groups


class RegNet(nn.Module):
    """RegNet: stem, stages (``trunk_output.block1`` ...), average pool, ``fc``.

    Args:
        block_params (BlockParams): the stages.
        num_classes (int): the size of the output. Default: 1000
        stem_width (int): the stem's output channels. Default: 32
        stem_type, block_type (callable, optional): the stem and block classes (default
            :class:`SimpleStemIN`, :class:`ResBottleneckBlock`).
        norm_layer (callable, optional): the normalisation layer (default ``nn.BatchNorm2d``).
        activation (callable, optional): the activation layer (default ``nn.ReLU``).
    """

    def __init__(
        self,
        block_params: BlockParams,
        num_classes: int = 1000,
        stem_width: int = 32,
        stem_type: Callable[..., nn.Module] | None = None,
        block_type: Callable[..., nn.Module] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
        activation: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        stem_type = SimpleStemIN if stem_type is None else stem_type
        norm_layer = nn.BatchNorm2d if norm_layer is None else norm_layer
        block_type = ResBottleneckBlock if block_type is None else block_type
        activation = nn.ReLU if activation is None else activation

        self.stem = stem_type(3, stem_width, norm_layer, activation)
        width = stem_width
        stages = []
        for i, (width_out, stride, depth, group_width, multiplier) in enumerate(
            block_params._get_expanded_params()
        ):
            stage = AnyStage(
                width,
                width_out,
                stride,
                depth,
                block_type,
                norm_layer,
                activation,
                group_width,
                multiplier,
                block_params.se_ratio,
                stage_index=i + 1,
            )
            stages.append((f"block{i + 1}", stage))
            width = width_out
        self.trunk_output = nn.Sequential(OrderedDict(stages))
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(in_features=width, out_features=num_classes)

        # ResNet-style initialisation
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                fan_out = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                nn.init.normal_(m.weight, mean=0.0, std=math.sqrt(2.0 / fan_out))
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, mean=0.0, std=0.01)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.avgpool(self.trunk_output(self.stem(x)))
        return self.fc(x.flatten(start_dim=1))


def _regnet(
    block_params: BlockParams, weights: WeightsEnum | None, progress: bool, **kwargs: Any
) -> RegNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    norm_layer = kwargs.pop("norm_layer", partial(nn.BatchNorm2d, eps=1e-05, momentum=0.1))
    model = RegNet(block_params, norm_layer=norm_layer, **kwargs)
    return load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_REFS = "https://github.com/pytorch/vision/tree/main/references/classification#"
_NEW = "https://github.com/pytorch/vision/issues/3995#new-recipe"
_SWAG = {"license": "https://github.com/facebookresearch/SWAG/blob/main/LICENSE"}


def _v1(name, digest, params, acc, ops, size, models):
    return _imagenet_weights(
        f"{_URL}{name}-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe=_REFS + f"{models}-models",
    )


def _v2(name, digest, params, acc, ops, size, recipe=_NEW):
    return _imagenet_weights(
        f"{_URL}{name}-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe=recipe,
        resize_size=232,
    )


def _swag(name, digest, params, acc, ops, size, linear=False):
    return _imagenet_weights(
        f"{_URL}{name}_{'lc_' if linear else ''}swag-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe="https://github.com/pytorch/vision/pull/5793"
        if linear
        else "https://github.com/facebookresearch/SWAG",
        crop_size=224 if linear else 384,
        resize_size=224 if linear else 384,
        interpolation="bicubic",
        **_SWAG,
    )


class RegNet_Y_400MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_400mf", "c65dace8", 4344144, (74.046, 91.716), 0.402, 16.806, "small"
    )
    IMAGENET1K_V2 = _v2("regnet_y_400mf", "e6988f5f", 4344144, (75.804, 92.742), 0.402, 16.806)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_800MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_800mf", "1b27b58c", 6432512, (76.420, 93.136), 0.834, 24.774, "small"
    )
    IMAGENET1K_V2 = _v2("regnet_y_800mf", "58fc7688", 6432512, (78.828, 94.502), 0.834, 24.774)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_1_6GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_1_6gf", "b11a554e", 11202430, (77.950, 93.966), 1.612, 43.152, "small"
    )
    IMAGENET1K_V2 = _v2("regnet_y_1_6gf", "0d7bc02a", 11202430, (80.876, 95.444), 1.612, 43.152)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_3_2GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_3_2gf", "b5a9779c", 19436338, (78.948, 94.576), 3.176, 74.567, "medium"
    )
    IMAGENET1K_V2 = _v2("regnet_y_3_2gf", "9180c971", 19436338, (81.982, 95.972), 3.176, 74.567)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_8GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_8gf", "d0d0e4a8", 39381472, (80.032, 95.048), 8.473, 150.701, "medium"
    )
    IMAGENET1K_V2 = _v2("regnet_y_8gf", "dc2b1b54", 39381472, (82.828, 96.330), 8.473, 150.701)
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_16GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_16gf", "9e6ed7dd", 83590140, (80.424, 95.240), 15.912, 319.49, "large"
    )
    IMAGENET1K_V2 = _v2("regnet_y_16gf", "3e4a00f9", 83590140, (82.886, 96.328), 15.912, 319.49)
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "regnet_y_16gf", "43afe44d", 83590140, (86.012, 98.054), 46.735, 319.49
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "regnet_y_16gf", "f3ec0043", 83590140, (83.976, 97.244), 15.912, 319.49, linear=True
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_32GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_y_32gf", "4dee3f7a", 145046770, (80.878, 95.340), 32.28, 554.076, "large"
    )
    IMAGENET1K_V2 = _v2("regnet_y_32gf", "8db6d4b5", 145046770, (83.368, 96.498), 32.28, 554.076)
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "regnet_y_32gf", "04fdfa75", 145046770, (86.838, 98.362), 94.826, 554.076
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "regnet_y_32gf", "e1583746", 145046770, (84.622, 97.480), 32.28, 554.076, linear=True
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_Y_128GF_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "regnet_y_128gf", "c8ce3e52", 644812894, (88.228, 98.682), 374.57, 2461.564
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "regnet_y_128gf", "cbe8ce12", 644812894, (86.068, 97.844), 127.518, 2461.564, linear=True
    )
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


_FIXRES = _NEW + "-with-fixres"


class RegNet_X_400MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_400mf", "adf1edd5", 5495976, (72.834, 90.950), 0.414, 21.258, "small"
    )
    IMAGENET1K_V2 = _v2(
        "regnet_x_400mf", "62229a5f", 5495976, (74.864, 92.322), 0.414, 21.257, _FIXRES
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_800MF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_800mf", "ad17e45c", 7259656, (75.212, 92.348), 0.8, 27.945, "small"
    )
    IMAGENET1K_V2 = _v2(
        "regnet_x_800mf", "94a99ebd", 7259656, (77.522, 93.826), 0.8, 27.945, _FIXRES
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_1_6GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_1_6gf", "e3633e7f", 9190136, (77.040, 93.440), 1.603, 35.339, "small"
    )
    IMAGENET1K_V2 = _v2(
        "regnet_x_1_6gf", "a12f2b72", 9190136, (79.668, 94.922), 1.603, 35.339, _FIXRES
    )
    DEFAULT = IMAGENET1K_V2


class RegNet_X_3_2GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_3_2gf", "f342aeae", 15296552, (78.364, 93.992), 3.177, 58.756, "medium"
    )
    IMAGENET1K_V2 = _v2("regnet_x_3_2gf", "7071aa85", 15296552, (81.196, 95.430), 3.177, 58.756)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_8GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_8gf", "03ceed89", 39572648, (79.344, 94.686), 7.995, 151.456, "medium"
    )
    IMAGENET1K_V2 = _v2("regnet_x_8gf", "2b70d774", 39572648, (81.682, 95.678), 7.995, 151.456)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_16GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_16gf", "2007eb11", 54278536, (80.058, 94.944), 15.941, 207.627, "medium"
    )
    IMAGENET1K_V2 = _v2("regnet_x_16gf", "ba3796d7", 54278536, (82.716, 96.196), 15.941, 207.627)
    DEFAULT = IMAGENET1K_V2


class RegNet_X_32GF_Weights(WeightsEnum):
    IMAGENET1K_V1 = _v1(
        "regnet_x_32gf", "9d47f8d0", 107811560, (80.622, 95.248), 31.736, 412.039, "large"
    )
    IMAGENET1K_V2 = _v2("regnet_x_32gf", "6eb8fdc6", 107811560, (83.014, 96.288), 31.736, 412.039)
    DEFAULT = IMAGENET1K_V2


_DOC = """RegNet{kind}_{size} (Radosavovic et al., 2020).

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`RegNet` (``num_classes``, ``norm_layer``, ...).
    """


def _builder(name: str, enum: type[WeightsEnum], legacy: WeightsEnum | None, **design: Any):
    """Register the builder ``name`` of the RegNet with the design parameters ``design``."""

    def builder(
        *, weights: WeightsEnum | None = None, progress: bool = True, **kwargs: Any
    ) -> RegNet:
        weights = enum.verify(weights)
        params = BlockParams.from_init_params(**design, **kwargs)
        return _regnet(params, weights, progress, **kwargs)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__annotations__ = {
        "weights": enum | None,
        "progress": bool,
        "kwargs": Any,
        "return": RegNet,
    }
    kind, size = name.split("_", 2)[1:]
    builder.__doc__ = _DOC.format(kind=kind.upper(), size=size.upper(), enum=enum.__name__)
    return register_model(name)(handle_legacy_interface(weights=("pretrained", legacy))(builder))


_Y = {"se_ratio": 0.25}
regnet_y_400mf = _builder(
    "regnet_y_400mf",
    RegNet_Y_400MF_Weights,
    RegNet_Y_400MF_Weights.IMAGENET1K_V1,
    depth=16,
    w_0=48,
    w_a=27.89,
    w_m=2.09,
    group_width=8,
    **_Y,
)
regnet_y_800mf = _builder(
    "regnet_y_800mf",
    RegNet_Y_800MF_Weights,
    RegNet_Y_800MF_Weights.IMAGENET1K_V1,
    depth=14,
    w_0=56,
    w_a=38.84,
    w_m=2.4,
    group_width=16,
    **_Y,
)
regnet_y_1_6gf = _builder(
    "regnet_y_1_6gf",
    RegNet_Y_1_6GF_Weights,
    RegNet_Y_1_6GF_Weights.IMAGENET1K_V1,
    depth=27,
    w_0=48,
    w_a=20.71,
    w_m=2.65,
    group_width=24,
    **_Y,
)
regnet_y_3_2gf = _builder(
    "regnet_y_3_2gf",
    RegNet_Y_3_2GF_Weights,
    RegNet_Y_3_2GF_Weights.IMAGENET1K_V1,
    depth=21,
    w_0=80,
    w_a=42.63,
    w_m=2.66,
    group_width=24,
    **_Y,
)
regnet_y_8gf = _builder(
    "regnet_y_8gf",
    RegNet_Y_8GF_Weights,
    RegNet_Y_8GF_Weights.IMAGENET1K_V1,
    depth=17,
    w_0=192,
    w_a=76.82,
    w_m=2.19,
    group_width=56,
    **_Y,
)
regnet_y_16gf = _builder(
    "regnet_y_16gf",
    RegNet_Y_16GF_Weights,
    RegNet_Y_16GF_Weights.IMAGENET1K_V1,
    depth=18,
    w_0=200,
    w_a=106.23,
    w_m=2.48,
    group_width=112,
    **_Y,
)
regnet_y_32gf = _builder(
    "regnet_y_32gf",
    RegNet_Y_32GF_Weights,
    RegNet_Y_32GF_Weights.IMAGENET1K_V1,
    depth=20,
    w_0=232,
    w_a=115.89,
    w_m=2.53,
    group_width=232,
    **_Y,
)
regnet_y_128gf = _builder(
    "regnet_y_128gf",
    RegNet_Y_128GF_Weights,
    None,
    depth=27,
    w_0=456,
    w_a=160.83,
    w_m=2.52,
    group_width=264,
    **_Y,
)
regnet_x_400mf = _builder(
    "regnet_x_400mf",
    RegNet_X_400MF_Weights,
    RegNet_X_400MF_Weights.IMAGENET1K_V1,
    depth=22,
    w_0=24,
    w_a=24.48,
    w_m=2.54,
    group_width=16,
)
regnet_x_800mf = _builder(
    "regnet_x_800mf",
    RegNet_X_800MF_Weights,
    RegNet_X_800MF_Weights.IMAGENET1K_V1,
    depth=16,
    w_0=56,
    w_a=35.73,
    w_m=2.28,
    group_width=16,
)
regnet_x_1_6gf = _builder(
    "regnet_x_1_6gf",
    RegNet_X_1_6GF_Weights,
    RegNet_X_1_6GF_Weights.IMAGENET1K_V1,
    depth=18,
    w_0=80,
    w_a=34.01,
    w_m=2.25,
    group_width=24,
)
regnet_x_3_2gf = _builder(
    "regnet_x_3_2gf",
    RegNet_X_3_2GF_Weights,
    RegNet_X_3_2GF_Weights.IMAGENET1K_V1,
    depth=25,
    w_0=88,
    w_a=26.31,
    w_m=2.25,
    group_width=48,
)
regnet_x_8gf = _builder(
    "regnet_x_8gf",
    RegNet_X_8GF_Weights,
    RegNet_X_8GF_Weights.IMAGENET1K_V1,
    depth=23,
    w_0=80,
    w_a=49.56,
    w_m=2.88,
    group_width=120,
)
regnet_x_16gf = _builder(
    "regnet_x_16gf",
    RegNet_X_16GF_Weights,
    RegNet_X_16GF_Weights.IMAGENET1K_V1,
    depth=22,
    w_0=216,
    w_a=55.59,
    w_m=2.1,
    group_width=128,
)
regnet_x_32gf = _builder(
    "regnet_x_32gf",
    RegNet_X_32GF_Weights,
    RegNet_X_32GF_Weights.IMAGENET1K_V1,
    depth=23,
    w_0=320,
    w_a=69.86,
    w_m=2.0,
    group_width=168,
)
