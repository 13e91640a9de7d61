"""ember.vision.ops: torchvision.ops on ember (box ops, RoI pooling, losses and layers for models).

Every op computes through ember's tensor ops, vectorised over boxes (no per-box Python loops), and
the differentiable ones (``roi_align``, ``roi_pool``, ``sigmoid_focal_loss``, ``box_iou``, ...)
record autograd graphs like any other ember code.
"""

from __future__ import annotations

from .misc import (
    MLP,
    Conv2dNormActivation,
    Conv3dNormActivation,
    FrozenBatchNorm2d,
    Permute,
    SqueezeExcitation,
)
from .stochastic_depth import StochasticDepth, stochastic_depth

__all__ = [
    "Conv2dNormActivation",
    "Conv3dNormActivation",
    "FrozenBatchNorm2d",
    "MLP",
    "Permute",
    "SqueezeExcitation",
    "StochasticDepth",
    "stochastic_depth",
]
