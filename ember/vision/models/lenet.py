"""LeNet-5, ember's addition to the model zoo (torchvision has no LeNet).

LeCun et al., "Gradient-Based Learning Applied to Document Recognition" (1998): the classic
network for 32x32 grey images. MNIST's 28x28 digits are padded by 2 first (as in the paper),
e.g. with ``transforms.Pad(2)``. No pre-trained weights are published; :class:`LeNet_Weights`
has no members, so ``weights`` can only be ``None``.
"""

from __future__ import annotations

from typing import Any

import ember
from ember import nn

from ._api import WeightsEnum, register_model
from ._utils import load_weights

__all__ = ["LeNet", "LeNet_Weights", "lenet"]


class LeNet(nn.Module):
    """LeNet-5: C1 (6 maps, 5x5), S2 (2x2 average pooling), C3 (16 maps, 5x5), S4, C5 (120
    maps, 5x5, which sees the whole 5x5 input), F6 (84 units) and the output layer, with tanh
    activations. Layers keep PyTorch's default initialisation.

    The paper's scaled tanh, trainable subsampling coefficients, sparse C3 connections and RBF
    output are replaced by their usual modern stand-ins (tanh, average pooling, full
    connections, a Linear layer), as in most re-implementations.

    Args:
        num_classes (int): the size of the output. Default: 10
        in_channels (int): channels of the 32x32 input. Default: 1

    Example::

        >>> import ember
        >>> from ember.vision.models import lenet
        >>> lenet()(ember.zeros(4, 1, 32, 32)).shape
        ember.Size([4, 10])
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5),
            nn.Tanh(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.Tanh(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(16, 120, kernel_size=5),
            nn.Tanh(),
        )
        self.classifier = nn.Sequential(
            nn.Linear(120, 84),
            nn.Tanh(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(ember.flatten(self.features(x), 1))


class LeNet_Weights(WeightsEnum):
    """No pre-trained LeNet weights are published: this enum has no members."""


@register_model()
def lenet(*, weights: LeNet_Weights | None = None, progress: bool = True, **kwargs: Any) -> LeNet:
    """LeNet-5 (LeCun et al., 1998), registered as ``"lenet"``; not part of torchvision.

    Args:
        weights (LeNet_Weights, optional): must be ``None`` (there are no published weights).
        progress (bool): unused, for the builders' common signature.
        **kwargs: passed to :class:`LeNet` (``num_classes``, ``in_channels``).
    """
    weights = LeNet_Weights.verify(weights)
    return load_weights(LeNet(**kwargs), weights, progress)
