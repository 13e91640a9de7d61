"""MNASNet 0.5/0.75/1.0/1.3 (torchvision's ``models.mnasnet``): Tan et al., "MnasNet:
Platform-Aware Neural Architecture Search for Mobile" (2018), the B1 network with a depth
multiplier ``alpha``."""

from __future__ import annotations

import warnings
from typing import Any

from ember import nn

from ._api import WeightsEnum, register_model
from ._utils import _imagenet_weights, _ovewrite_named_param, handle_legacy_interface, load_weights

__all__ = [
    "MNASNet",
    "MNASNet0_5_Weights",
    "MNASNet0_75_Weights",
    "MNASNet1_0_Weights",
    "MNASNet1_3_Weights",
    "mnasnet0_5",
    "mnasnet0_75",
    "mnasnet1_0",
    "mnasnet1_3",
]

# TensorFlow's batch-norm decay of 0.9997, as a PyTorch momentum.
_BN_MOMENTUM = 1 - 0.9997


class _InvertedResidual(nn.Module):
    """1x1 expansion, k x k depthwise (k = 3 or 5), linear 1x1 projection; a shortcut when
    the shape is kept."""

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel_size: int,
        stride: int,
        expansion_factor: int,
        bn_momentum: float = 0.1,
    ) -> None:
        super().__init__()
        if stride not in (1, 2):
            raise ValueError(f"stride should be 1 or 2 instead of {stride}")
        if kernel_size not in (3, 5):
            raise ValueError(f"kernel_size should be 3 or 5 instead of {kernel_size}")
        mid_ch = in_ch * expansion_factor
        self.apply_residual = in_ch == out_ch and stride == 1
        self.layers = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, 1, bias=False),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(
                mid_ch,
                mid_ch,
                kernel_size,
                padding=kernel_size // 2,
                stride=stride,
                groups=mid_ch,
                bias=False,
            ),
            nn.BatchNorm2d(mid_ch, momentum=bn_momentum),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, 1, bias=False),
            nn.BatchNorm2d(out_ch, momentum=bn_momentum),
        )

    def forward(self, input):
        if self.apply_residual:
            return self.layers(input) + input
        return self.layers(input)


def _stack(
    in_ch: int,
    out_ch: int,
    kernel_size: int,
    stride: int,
    exp_factor: int,
    repeats: int,
    bn_momentum: float,
) -> nn.Sequential:
    """``repeats`` inverted residuals; only the first changes the width and strides."""
    if repeats < 1:
        raise ValueError(f"repeats should be >= 1, instead got {repeats}")
    first = _InvertedResidual(in_ch, out_ch, kernel_size, stride, exp_factor, bn_momentum)
    rest = [
        _InvertedResidual(out_ch, out_ch, kernel_size, 1, exp_factor, bn_momentum)
        for _ in range(1, repeats)
    ]
    return nn.Sequential(first, *rest)


def _round_to_multiple_of(val: float, divisor: int, round_up_bias: float = 0.9) -> int:
    """``val`` rounded to the nearest multiple of ``divisor``, up one step if that would lose
    more than ``1 - round_up_bias`` of it."""
    if not 0.0 < round_up_bias < 1.0:
        raise ValueError(
            "round_up_bias should be greater than 0.0 and smaller than 1.0 instead of "
            f"{round_up_bias}"
        )
    new_val = max(divisor, int(val + divisor / 2) // divisor * divisor)
    return new_val if new_val >= round_up_bias * val else new_val + divisor


def _get_depths(alpha: float) -> list[int]:
    """The channels of each stage, scaled by ``alpha`` and rounded to multiples of 8."""
    depths = [32, 16, 24, 40, 80, 96, 192, 320]
    return [_round_to_multiple_of(depth * alpha, 8) for depth in depths]


class MNASNet(nn.Module):
    """MNASNet with depth multiplier ``alpha``.

    Args:
        alpha (float): scales every stage's channels (> 0).
        num_classes (int): the size of the output.
        dropout (float): dropout before the classifier.

    Convolutions start with Kaiming-normal weights (fan-out, ReLU gain), the Linear layer with
    Kaiming-uniform (fan-out, sigmoid gain), batch norms at weight 1, every bias at 0.

    Version 2 of this module (torchvision 0.5 on) scales the stem with ``alpha`` too; a
    version-1 checkpoint of a model with ``alpha != 1`` loads into the old stem, with a warning.
    """

    _version = 2

    def __init__(self, alpha: float, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        if alpha <= 0.0:
            raise ValueError(f"alpha should be greater than 0.0 instead of {alpha}")
        self.alpha = alpha
        self.num_classes = num_classes
        depths = _get_depths(alpha)
        layers = [
            # First layer: regular conv.
            nn.Conv2d(3, depths[0], 3, padding=1, stride=2, bias=False),
            nn.BatchNorm2d(depths[0], momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            # Depthwise separable, no skip.
            nn.Conv2d(depths[0], depths[0], 3, padding=1, stride=1, groups=depths[0], bias=False),
            nn.BatchNorm2d(depths[0], momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
            nn.Conv2d(depths[0], depths[1], 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(depths[1], momentum=_BN_MOMENTUM),
            # MNASNet blocks: stacks of inverted residuals.
            _stack(depths[1], depths[2], 3, 2, 3, 3, _BN_MOMENTUM),
            _stack(depths[2], depths[3], 5, 2, 3, 3, _BN_MOMENTUM),
            _stack(depths[3], depths[4], 5, 2, 6, 3, _BN_MOMENTUM),
            _stack(depths[4], depths[5], 3, 1, 6, 2, _BN_MOMENTUM),
            _stack(depths[5], depths[6], 5, 2, 6, 4, _BN_MOMENTUM),
            _stack(depths[6], depths[7], 3, 1, 6, 1, _BN_MOMENTUM),
            # Final mapping to classifier input.
            nn.Conv2d(depths[7], 1280, 1, padding=0, stride=1, bias=False),
            nn.BatchNorm2d(1280, momentum=_BN_MOMENTUM),
            nn.ReLU(inplace=True),
        ]
        self.layers = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout, inplace=True), nn.Linear(1280, num_classes)
        )

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Linear):
                nn.init.kaiming_uniform_(m.weight, mode="fan_out", nonlinearity="sigmoid")
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.layers(x)
        # Global average pooling: (N, C, H, W) -> (N, C).
        return self.classifier(x.mean([2, 3]))

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        version = local_metadata.get("version", None)
        if version not in (1, 2):
            raise ValueError(f"version shluld be set to 1 or 2 instead of {version}")
        if version == 1 and self.alpha != 1.0:
            # Version 1 kept the stem at 32 and 16 channels whatever alpha was; rebuild that
            # stem so the old checkpoint's shapes fit.
            depths = _get_depths(self.alpha)
            v1_stem = [
                nn.Conv2d(3, 32, 3, padding=1, stride=2, bias=False),
                nn.BatchNorm2d(32, momentum=_BN_MOMENTUM),
                nn.ReLU(inplace=True),
                nn.Conv2d(32, 32, 3, padding=1, stride=1, groups=32, bias=False),
                nn.BatchNorm2d(32, momentum=_BN_MOMENTUM),
                nn.ReLU(inplace=True),
                nn.Conv2d(32, 16, 1, padding=0, stride=1, bias=False),
                nn.BatchNorm2d(16, momentum=_BN_MOMENTUM),
                _stack(16, depths[2], 3, 2, 3, 3, _BN_MOMENTUM),
            ]
            for idx, layer in enumerate(v1_stem):
                self.layers[idx] = layer
            self._version = 1
            warnings.warn(
                "A new version of MNASNet model has been implemented. Your checkpoint was saved "
                "using the previous version. This checkpoint will load and work as before, but "
                "you may want to upgrade by training a newer model or transfer learning from an "
                "updated ImageNet checkpoint.",
                UserWarning,
                stacklevel=2,
            )
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


def _mnasnet(alpha: float, weights: WeightsEnum | None, progress: bool, **kwargs: Any) -> MNASNet:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return load_weights(MNASNet(alpha, **kwargs), weights, progress)


_URL = "https://download.pytorch.org/models/"
_RECIPE_V1 = "https://github.com/1e100/mnasnet_trainer"
_RECIPE_NEW = "https://github.com/pytorch/vision/pull/6019"


class MNASNet0_5_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mnasnet0.5_top1_67.823-3ffadce67e.pth",
        num_params=2218512,
        acc1=67.734,
        acc5=87.490,
        ops=0.104,
        file_size=8.591,
        recipe=_RECIPE_V1,
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet0_75_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mnasnet0_75-7090bc5f.pth",
        num_params=3170208,
        acc1=71.180,
        acc5=90.496,
        ops=0.215,
        file_size=12.303,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_0_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mnasnet1.0_top1_73.512-f206786ef8.pth",
        num_params=4383312,
        acc1=73.456,
        acc5=91.510,
        ops=0.314,
        file_size=16.915,
        recipe=_RECIPE_V1,
    )
    DEFAULT = IMAGENET1K_V1


class MNASNet1_3_Weights(WeightsEnum):
    IMAGENET1K_V1 = _imagenet_weights(
        _URL + "mnasnet1_3-a4c69d6f.pth",
        num_params=6282256,
        acc1=76.506,
        acc5=93.522,
        ops=0.526,
        file_size=24.246,
        recipe=_RECIPE_NEW,
        resize_size=232,
    )
    DEFAULT = IMAGENET1K_V1


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet0_5_Weights.IMAGENET1K_V1))
def mnasnet0_5(
    *, weights: MNASNet0_5_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MNASNet:
    """MNASNet with depth multiplier 0.5 (Tan et al., 2018).

    Args:
        weights (MNASNet0_5_Weights, optional): pre-trained weights to load (downloaded once
            through ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`MNASNet` (``num_classes``, ``dropout``).
    """
    weights = MNASNet0_5_Weights.verify(weights)
    return _mnasnet(0.5, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet0_75_Weights.IMAGENET1K_V1))
def mnasnet0_75(
    *, weights: MNASNet0_75_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MNASNet:
    """MNASNet with depth multiplier 0.75; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet0_75_Weights.verify(weights)
    return _mnasnet(0.75, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet1_0_Weights.IMAGENET1K_V1))
def mnasnet1_0(
    *, weights: MNASNet1_0_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MNASNet:
    """MNASNet with depth multiplier 1.0; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet1_0_Weights.verify(weights)
    return _mnasnet(1.0, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", MNASNet1_3_Weights.IMAGENET1K_V1))
def mnasnet1_3(
    *, weights: MNASNet1_3_Weights | None = None, progress: bool = True, **kwargs: Any
) -> MNASNet:
    """MNASNet with depth multiplier 1.3; arguments as :func:`mnasnet0_5`."""
    weights = MNASNet1_3_Weights.verify(weights)
    return _mnasnet(1.3, weights, progress, **kwargs)
