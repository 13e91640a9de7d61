"""ResNet, ResNeXt and Wide ResNet (torchvision's ``models.resnet``).

He et al., "Deep Residual Learning for Image Recognition" (2015); Xie et al., "Aggregated
Residual Transformations for Deep Neural Networks" (2016); Zagoruyko and Komodakis, "Wide
Residual Networks" (2016). As in torchvision (ResNet V1.5), a Bottleneck block strides in its
3x3 convolution, not in the first 1x1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ember
from ember import nn

from ._api import WeightsEnum, register_model
from ._utils import _imagenet_weights, _ovewrite_named_param, handle_legacy_interface, load_weights

__all__ = [
    "ResNet",
    "ResNet18_Weights",
    "ResNet34_Weights",
    "ResNet50_Weights",
    "ResNet101_Weights",
    "ResNet152_Weights",
    "ResNeXt50_32X4D_Weights",
    "ResNeXt101_32X8D_Weights",
    "ResNeXt101_64X4D_Weights",
    "Wide_ResNet50_2_Weights",
    "Wide_ResNet101_2_Weights",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnet101",
    "resnet152",
    "resnext50_32x4d",
    "resnext101_32x8d",
    "resnext101_64x4d",
    "wide_resnet50_2",
    "wide_resnet101_2",
]


def conv3x3(in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1):
    """A 3x3 convolution without bias, padded to keep the size (at stride 1)."""
    return nn.Conv2d(
        in_planes,
        out_planes,
        kernel_size=3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes: int, out_planes: int, stride: int = 1):
    """A 1x1 convolution without bias."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions and a shortcut (ResNet-18/34)."""

    expansion: int = 1

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise NotImplementedError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 (reduce), 3x3 (grouped for ResNeXt, carries the stride), 1x1 (expand by 4)."""

    expansion: int = 4

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """A residual network: a 7x7 stem, four stages of ``block``s, average pooling, one Linear.

    Args:
        block: ``BasicBlock`` or ``Bottleneck``.
        layers: the number of blocks in each of the four stages.
        num_classes: the size of the output.
        zero_init_residual: start each block's last BatchNorm at zero, so every residual
            branch begins as the identity.
        groups, width_per_group: ResNeXt's cardinality and bottleneck width.
        replace_stride_with_dilation: three booleans; ``True`` makes stage 2, 3 or 4 dilate
            instead of striding.
        norm_layer: the normalisation layer (default ``nn.BatchNorm2d``).
    """

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: list[int],
        num_classes: int = 1000,
        zero_init_residual: bool = False,
        groups: int = 1,
        width_per_group: int = 64,
        replace_stride_with_dilation: list[bool] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError(
                "replace_stride_with_dilation should be None "
                f"or a 3-element tuple, got {replace_stride_with_dilation}"
            )
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(
            block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0]
        )
        self.layer3 = self._make_layer(
            block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1]
        )
        self.layer4 = self._make_layer(
            block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2]
        )
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(
        self,
        block: type[BasicBlock | Bottleneck],
        planes: int,
        blocks: int,
        stride: int = 1,
        dilate: bool = False,
    ) -> nn.Sequential:
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                norm_layer(planes * block.expansion),
            )
        layers = [
            block(
                self.inplanes,
                planes,
                stride,
                downsample,
                self.groups,
                self.base_width,
                previous_dilation,
                norm_layer,
            )
        ]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(
                block(
                    self.inplanes,
                    planes,
                    groups=self.groups,
                    base_width=self.base_width,
                    dilation=self.dilation,
                    norm_layer=norm_layer,
                )
            )
        return nn.Sequential(*layers)

    def _forward_impl(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = ember.flatten(self.avgpool(x), 1)
        return self.fc(x)

    def forward(self, x):
        return self._forward_impl(x)


def _resnet(
    block: type[BasicBlock | Bottleneck],
    layers: list[int],
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> ResNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return load_weights(ResNet(block, layers, **kwargs), weights, progress)


_URL = "https://download.pytorch.org/models/"
_RECIPE_V1 = "https://github.com/pytorch/vision/tree/main/references/classification#resnet"
_RECIPE_XT = "https://github.com/pytorch/vision/tree/main/references/classification#resnext"
_RECIPE_NEW = "https://github.com/pytorch/vision/issues/3995#new-recipe"
_RECIPE_FIXRES = "https://github.com/pytorch/vision/issues/3995#new-recipe-with-fixres"
_RECIPE_WIDE = "https://github.com/pytorch/vision/pull/912#issue-445437439"


class ResNet18_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnet18-f37072fd.pth",
        num_params=11689512,
        acc1=69.758,
        acc5=89.078,
        ops=1.814,
        file_size=44.661,
        recipe=_RECIPE_V1,
    )
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnet34-b627a593.pth",
        num_params=21797672,
        acc1=73.314,
        acc5=91.420,
        ops=3.664,
        file_size=83.275,
        recipe=_RECIPE_V1,
    )
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnet50-0676ba61.pth",
        num_params=25557032,
        acc1=76.130,
        acc5=92.862,
        ops=4.089,
        file_size=97.781,
        recipe=_RECIPE_V1,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "resnet50-11ad3fa6.pth",
        num_params=25557032,
        acc1=80.858,
        acc5=95.434,
        ops=4.089,
        file_size=97.79,
        recipe="https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621",
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnet101-63fe2227.pth",
        num_params=44549160,
        acc1=77.374,
        acc5=93.546,
        ops=7.801,
        file_size=170.511,
        recipe=_RECIPE_V1,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "resnet101-cd907fc2.pth",
        num_params=44549160,
        acc1=81.886,
        acc5=95.780,
        ops=7.801,
        file_size=170.53,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnet152-394f9c45.pth",
        num_params=60192808,
        acc1=78.312,
        acc5=94.046,
        ops=11.514,
        file_size=230.434,
        recipe=_RECIPE_V1,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "resnet152-f82ba261.pth",
        num_params=60192808,
        acc1=82.284,
        acc5=96.002,
        ops=11.514,
        file_size=230.474,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class ResNeXt50_32X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnext50_32x4d-7cdf4587.pth",
        num_params=25028904,
        acc1=77.618,
        acc5=93.698,
        ops=4.23,
        file_size=95.789,
        recipe=_RECIPE_XT,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "resnext50_32x4d-1a0047aa.pth",
        num_params=25028904,
        acc1=81.198,
        acc5=95.340,
        ops=4.23,
        file_size=95.833,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_32X8D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnext101_32x8d-8ba56ff5.pth",
        num_params=88791336,
        acc1=79.312,
        acc5=94.526,
        ops=16.414,
        file_size=339.586,
        recipe=_RECIPE_XT,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "resnext101_32x8d-110c445d.pth",
        num_params=88791336,
        acc1=82.834,
        acc5=96.228,
        ops=16.414,
        file_size=339.673,
        recipe=_RECIPE_FIXRES,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class ResNeXt101_64X4D_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "resnext101_64x4d-173b62eb.pth",
        num_params=83455272,
        acc1=83.246,
        acc5=96.454,
        ops=15.46,
        file_size=319.318,
        recipe="https://github.com/pytorch/vision/pull/5935",
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V1


class Wide_ResNet50_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "wide_resnet50_2-95faca4d.pth",
        num_params=68883240,
        acc1=78.468,
        acc5=94.086,
        ops=11.398,
        file_size=131.82,
        recipe=_RECIPE_WIDE,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "wide_resnet50_2-9ba9bcbe.pth",
        num_params=68883240,
        acc1=81.602,
        acc5=95.758,
        ops=11.398,
        file_size=263.124,
        recipe=_RECIPE_FIXRES,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


class Wide_ResNet101_2_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "wide_resnet101_2-32ee1156.pth",
        num_params=126886696,
        acc1=78.848,
        acc5=94.284,
        ops=22.753,
        file_size=242.896,
        recipe=_RECIPE_WIDE,
    )
    IMAGENET1K_V2 = _imagenet_weights(
        _URL + "wide_resnet101_2-d733dc28.pth",
        num_params=126886696,
        acc1=82.510,
        acc5=96.020,
        ops=22.753,
        file_size=484.747,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V2


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet18_Weights.IMAGENET1K_V1))
def resnet18(
    *, weights: ResNet18_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-18 (He et al., 2015).

    Args:
        weights (ResNet18_Weights, optional): pre-trained weights to load (downloaded once
            through ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`ResNet` (``num_classes``, ``zero_init_residual``, ...).
    """
    weights = ResNet18_Weights.verify(weights)
    return _resnet(BasicBlock, [2, 2, 2, 2], weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet34_Weights.IMAGENET1K_V1))
def resnet34(
    *, weights: ResNet34_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-34 (He et al., 2015); arguments as :func:`resnet18`."""
    weights = ResNet34_Weights.verify(weights)
    return _resnet(BasicBlock, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet50_Weights.IMAGENET1K_V1))
def resnet50(
    *, weights: ResNet50_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-50 (He et al., 2015; V1.5: the 3x3 convolution strides); arguments as
    :func:`resnet18`."""
    weights = ResNet50_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet101_Weights.IMAGENET1K_V1))
def resnet101(
    *, weights: ResNet101_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-101 (He et al., 2015); arguments as :func:`resnet18`."""
    weights = ResNet101_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNet152_Weights.IMAGENET1K_V1))
def resnet152(
    *, weights: ResNet152_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-152 (He et al., 2015); arguments as :func:`resnet18`."""
    weights = ResNet152_Weights.verify(weights)
    return _resnet(Bottleneck, [3, 8, 36, 3], weights, progress, **kwargs)


def _resnext(weights, progress, layers, groups, width_per_group, kwargs) -> ResNet:
    _ovewrite_named_param(kwargs, "groups", groups)
    _ovewrite_named_param(kwargs, "width_per_group", width_per_group)
    return _resnet(Bottleneck, layers, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNeXt50_32X4D_Weights.IMAGENET1K_V1))
def resnext50_32x4d(
    *, weights: ResNeXt50_32X4D_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNeXt-50 32x4d (Xie et al., 2016): 32 groups of width 4; arguments as
    :func:`resnet18`."""
    weights = ResNeXt50_32X4D_Weights.verify(weights)
    return _resnext(weights, progress, [3, 4, 6, 3], 32, 4, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ResNeXt101_32X8D_Weights.IMAGENET1K_V1))
def resnext101_32x8d(
    *, weights: ResNeXt101_32X8D_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNeXt-101 32x8d (Xie et al., 2016); arguments as :func:`resnet18`."""
    weights = ResNeXt101_32X8D_Weights.verify(weights)
    return _resnext(weights, progress, [3, 4, 23, 3], 32, 8, kwargs)


@register_model()
def resnext101_64x4d(
    *, weights: ResNeXt101_64X4D_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNeXt-101 64x4d (Xie et al., 2016); arguments as :func:`resnet18`."""
    weights = ResNeXt101_64X4D_Weights.verify(weights)
    return _resnext(weights, progress, [3, 4, 23, 3], 64, 4, kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Wide_ResNet50_2_Weights.IMAGENET1K_V1))
def wide_resnet50_2(
    *, weights: Wide_ResNet50_2_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """Wide ResNet-50-2 (Zagoruyko and Komodakis, 2016): ResNet-50 with bottlenecks twice as
    wide; arguments as :func:`resnet18`."""
    weights = Wide_ResNet50_2_Weights.verify(weights)
    _ovewrite_named_param(kwargs, "width_per_group", 64 * 2)
    return _resnet(Bottleneck, [3, 4, 6, 3], weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", Wide_ResNet101_2_Weights.IMAGENET1K_V1))
def wide_resnet101_2(
    *, weights: Wide_ResNet101_2_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """Wide ResNet-101-2 (Zagoruyko and Komodakis, 2016); arguments as :func:`resnet18`."""
    weights = Wide_ResNet101_2_Weights.verify(weights)
    _ovewrite_named_param(kwargs, "width_per_group", 64 * 2)
    return _resnet(Bottleneck, [3, 4, 23, 3], weights, progress, **kwargs)
