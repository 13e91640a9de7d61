"""ConvNeXt Tiny/Small/Base/Large (torchvision's ``models.convnext``): Liu et al., "A ConvNet
for the 2020s" (2022).

A 4x4 patchify stem, four stages of ConvNeXt blocks (7x7 depthwise convolution, LayerNorm over
channels, an MLP with GELU, a learned per-channel scale and stochastic depth) separated by 2x2
downsampling convolutions, and a LayerNorm + linear head.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import ember
from ember import nn
from ember.nn import functional as F

from ..ops.misc import Conv2dNormActivation, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import WeightsEnum, register_model
from ._utils import _imagenet_weights, _ovewrite_named_param, handle_legacy_interface, load_weights

__all__ = [
    "ConvNeXt",
    "ConvNeXt_Tiny_Weights",
    "ConvNeXt_Small_Weights",
    "ConvNeXt_Base_Weights",
    "ConvNeXt_Large_Weights",
    "convnext_tiny",
    "convnext_small",
    "convnext_base",
    "convnext_large",
]


class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an ``(N, C, H, W)`` input."""

    def forward(self, x):
        x = F.layer_norm(
            x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps
        )
        return x.permute(0, 3, 1, 2)


class CNBlock(nn.Module):
    """The ConvNeXt block: ``x + stochastic_depth(layer_scale * block(x))``, ``block`` a 7x7
    depthwise convolution, then (channels last) norm, Linear(4x), GELU, Linear."""

    def __init__(
        self,
        dim,
        layer_scale: float,
        stochastic_depth_prob: float,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        if norm_layer is None:
            norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.block = nn.Sequential(
            nn.Conv2d(dim, dim, kernel_size=7, padding=3, groups=dim, bias=True),
            Permute([0, 2, 3, 1]),
            norm_layer(dim),
            nn.Linear(in_features=dim, out_features=4 * dim, bias=True),
            nn.GELU(),
            nn.Linear(in_features=4 * dim, out_features=dim, bias=True),
            Permute([0, 3, 1, 2]),
        )
        self.layer_scale = nn.Parameter(ember.ones(dim, 1, 1) * layer_scale)
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")

    def forward(self, input):  # noqa: A002
        result = self.stochastic_depth(self.layer_scale * self.block(input))
        result += input
        return result


class CNBlockConfig:
    """One stage (the paper's section 3): its width, the width after its downsampling layer
    (None for the last stage) and its number of blocks."""

    def __init__(self, input_channels: int, out_channels: int | None, num_layers: int) -> None:
        self.input_channels = input_channels
        self.out_channels = out_channels
        self.num_layers = num_layers

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(input_channels={self.input_channels}, "
            f"out_channels={self.out_channels}, num_layers={self.num_layers})"
        )


class ConvNeXt(nn.Module):
    """ConvNeXt.

    Args:
        block_setting (list of CNBlockConfig): the stages.
        stochastic_depth_prob (float): the stochastic depth probability of the last block,
            growing linearly from 0 over the blocks. Default: 0.0
        layer_scale (float): the initial per-channel scale of each block's branch. Default: 1e-6
        num_classes (int): the size of the output. Default: 1000
        block (callable, optional): the block class (default :class:`CNBlock`).
        norm_layer (callable, optional): the channel normalisation of the stem, the downsampling
            layers and the head (default :class:`LayerNorm2d` with ``eps=1e-6``).
    """

    def __init__(
        self,
        block_setting: list[CNBlockConfig],
        stochastic_depth_prob: float = 0.0,
        layer_scale: float = 1e-6,
        num_classes: int = 1000,
        block: Callable[..., nn.Module] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__()
        if not block_setting:
            raise ValueError("The block_setting should not be empty")
        if not (
            isinstance(block_setting, Sequence)
            and all(isinstance(s, CNBlockConfig) for s in block_setting)
        ):
            raise TypeError("The block_setting should be List[CNBlockConfig]")
        block = CNBlock if block is None else block
        norm_layer = partial(LayerNorm2d, eps=1e-6) if norm_layer is None else norm_layer

        layers: list[nn.Module] = [
            Conv2dNormActivation(
                3,
                block_setting[0].input_channels,
                kernel_size=4,
                stride=4,
                padding=0,
                norm_layer=norm_layer,
                activation_layer=None,
                bias=True,
            )
        ]
        total_blocks = sum(cnf.num_layers for cnf in block_setting)
        block_id = 0
        for cnf in block_setting:
            stage: list[nn.Module] = []
            for _ in range(cnf.num_layers):
                sd_prob = stochastic_depth_prob * block_id / (total_blocks - 1.0)
                stage.append(block(cnf.input_channels, layer_scale, sd_prob))
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if cnf.out_channels is not None:
                layers.append(
                    nn.Sequential(
                        norm_layer(cnf.input_channels),
                        nn.Conv2d(cnf.input_channels, cnf.out_channels, kernel_size=2, stride=2),
                    )
                )
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        last = block_setting[-1]
        width = last.out_channels if last.out_channels is not None else last.input_channels
        self.classifier = nn.Sequential(
            norm_layer(width), nn.Flatten(1), nn.Linear(width, num_classes)
        )

        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def _forward_impl(self, x):
        return self.classifier(self.avgpool(self.features(x)))

    def forward(self, x):
        return self._forward_impl(x)


def _convnext(
    block_setting: list[CNBlockConfig],
    stochastic_depth_prob: float,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> ConvNeXt:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = ConvNeXt(block_setting, stochastic_depth_prob=stochastic_depth_prob, **kwargs)
    return load_weights(model, weights, progress)


_weights = partial(
    _imagenet_weights,
    recipe="https://github.com/pytorch/vision/tree/main/references/classification#convnext",
    min_size=(32, 32),
)
_URL = "https://download.pytorch.org/models/"


class ConvNeXt_Tiny_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        _URL + "convnext_tiny-983f1562.pth",
        num_params=28589128,
        acc1=82.520,
        acc5=96.146,
        ops=4.456,
        file_size=109.119,
        resize_size=236,
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Small_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        _URL + "convnext_small-0c510722.pth",
        num_params=50223688,
        acc1=83.616,
        acc5=96.650,
        ops=8.684,
        file_size=191.703,
        resize_size=230,
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Base_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        _URL + "convnext_base-6075fbad.pth",
        num_params=88591464,
        acc1=84.062,
        acc5=96.870,
        ops=15.355,
        file_size=338.064,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V1


class ConvNeXt_Large_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        _URL + "convnext_large-ea097f82.pth",
        num_params=197767336,
        acc1=84.414,
        acc5=96.976,
        ops=34.361,
        file_size=754.537,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V1


def _stages(widths: tuple[int, int, int, int], third: int) -> list[CNBlockConfig]:
    """Four stages of 3, 3, ``third`` and 3 blocks at ``widths``."""
    outs = (*widths[1:], None)
    return [CNBlockConfig(w, o, n) for w, o, n in zip(widths, outs, (3, 3, third, 3))]


_ARGS = """

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`ConvNeXt` (``num_classes``, ``stochastic_depth_prob``
            (default {sd}), ``layer_scale``, ...).
    """


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Tiny_Weights.IMAGENET1K_V1))
def convnext_tiny(
    *, weights: ConvNeXt_Tiny_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ConvNeXt:
    weights = ConvNeXt_Tiny_Weights.verify(weights)
    sd_prob = kwargs.pop("stochastic_depth_prob", 0.1)
    return _convnext(_stages((96, 192, 384, 768), 9), sd_prob, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Small_Weights.IMAGENET1K_V1))
def convnext_small(
    *, weights: ConvNeXt_Small_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ConvNeXt:
    weights = ConvNeXt_Small_Weights.verify(weights)
    sd_prob = kwargs.pop("stochastic_depth_prob", 0.4)
    return _convnext(_stages((96, 192, 384, 768), 27), sd_prob, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Base_Weights.IMAGENET1K_V1))
def convnext_base(
    *, weights: ConvNeXt_Base_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ConvNeXt:
    weights = ConvNeXt_Base_Weights.verify(weights)
    sd_prob = kwargs.pop("stochastic_depth_prob", 0.5)
    return _convnext(_stages((128, 256, 512, 1024), 27), sd_prob, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ConvNeXt_Large_Weights.IMAGENET1K_V1))
def convnext_large(
    *, weights: ConvNeXt_Large_Weights | None = None, progress: bool = True, **kwargs: Any
) -> ConvNeXt:
    weights = ConvNeXt_Large_Weights.verify(weights)
    sd_prob = kwargs.pop("stochastic_depth_prob", 0.5)
    return _convnext(_stages((192, 384, 768, 1536), 27), sd_prob, weights, progress, **kwargs)


for _fn, _title, _sd in (
    (convnext_tiny, "ConvNeXt Tiny", 0.1),
    (convnext_small, "ConvNeXt Small", 0.4),
    (convnext_base, "ConvNeXt Base", 0.5),
    (convnext_large, "ConvNeXt Large", 0.5),
):
    _enum = _fn.__annotations__["weights"].split(" |")[0]
    _fn.__doc__ = f"{_title} (Liu et al., 2022)." + _ARGS.format(enum=_enum, sd=_sd)
del _fn, _title, _sd, _enum
