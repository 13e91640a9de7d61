"""Building blocks shared by ember.vision's models (torchvision.ops.misc).

Conv-norm-activation stacks, squeeze-and-excitation, a multi-layer perceptron, a permutation layer
and a batch norm with frozen statistics. Module attribute names and the order of sub-modules are
torchvision's, so state_dicts load both ways.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from itertools import repeat

import ember
from ember import nn

__all__ = [
    "Conv2dNormActivation",
    "Conv3dNormActivation",
    "FrozenBatchNorm2d",
    "MLP",
    "Permute",
    "SqueezeExcitation",
]


def _make_ntuple(x, n: int) -> tuple:
    """``x`` as an ``n``-tuple: an iterable as a tuple, anything else repeated ``n`` times."""
    if isinstance(x, Sequence) and not isinstance(x, str):
        return tuple(x)
    return tuple(repeat(x, n))


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d whose batch statistics and affine parameters are fixed buffers.

    ``y = (x - running_mean) / sqrt(running_var + eps) * weight + bias`` per channel, in training
    and evaluation alike; nothing is learned or updated. A checkpoint's ``num_batches_tracked``
    entry is dropped on loading.

    Args:
        num_features (int): number of channels ``C`` of an input of shape ``(N, C, H, W)``.
        eps (float): added to the variance for numerical stability. Default: 1e-5
    """

    def __init__(self, num_features: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.register_buffer("weight", ember.ones(num_features))
        self.register_buffer("bias", ember.zeros(num_features))
        self.register_buffer("running_mean", ember.zeros(num_features))
        self.register_buffer("running_var", ember.ones(num_features))

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        state_dict.pop(prefix + "num_batches_tracked", None)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )

    def forward(self, x):
        scale = (
            self.weight.reshape(1, -1, 1, 1)
            * (self.running_var.reshape(1, -1, 1, 1) + self.eps).rsqrt()
        )
        shift = self.bias.reshape(1, -1, 1, 1) - self.running_mean.reshape(1, -1, 1, 1) * scale
        return x * scale + shift

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.weight.shape[0]}, eps={self.eps})"


class ConvNormActivation(nn.Sequential):
    """A convolution, then an optional normalization and an optional activation (a Sequential).

    Deprecated in torchvision; use :class:`Conv2dNormActivation` or :class:`Conv3dNormActivation`.
    ``padding=None`` pads by ``(kernel_size - 1) // 2 * dilation`` ("same" for odd kernels and
    stride 1); ``bias=None`` gives the convolution a bias only when there is no norm layer.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size=3,
        stride=1,
        padding=None,
        groups: int = 1,
        norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm2d,
        activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
        dilation=1,
        inplace: bool | None = True,
        bias: bool | None = None,
        conv_layer: Callable[..., nn.Module] = nn.Conv2d,
    ) -> None:
        if padding is None:
            if isinstance(kernel_size, int) and isinstance(dilation, int):
                padding = (kernel_size - 1) // 2 * dilation
            else:
                dims = len(kernel_size) if isinstance(kernel_size, Sequence) else len(dilation)
                kernel_size = _make_ntuple(kernel_size, dims)
                dilation = _make_ntuple(dilation, dims)
                padding = tuple((k - 1) // 2 * d for k, d in zip(kernel_size, dilation))
        if bias is None:
            bias = norm_layer is None
        layers = [
            conv_layer(
                in_channels,
                out_channels,
                kernel_size,
                stride,
                padding,
                dilation=dilation,
                groups=groups,
                bias=bias,
            )
        ]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {"inplace": inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels
        if self.__class__ is ConvNormActivation:
            warnings.warn(
                "Don't use ConvNormActivation directly, please use Conv2dNormActivation and "
                "Conv3dNormActivation instead.",
                FutureWarning,
                stacklevel=2,
            )


class Conv2dNormActivation(ConvNormActivation):
    """Conv2d, then an optional normalization (default BatchNorm2d) and activation (default ReLU).

    Args:
        in_channels (int): channels of the input image.
        out_channels (int): channels produced by the block.
        kernel_size (int or tuple): size of the convolving kernel. Default: 3
        stride (int or tuple): stride of the convolution. Default: 1
        padding (int, tuple or str, optional): padding of the convolution; ``None`` gives
            ``(kernel_size - 1) // 2 * dilation``. Default: None
        groups (int): blocked connections from input channels to output channels. Default: 1
        norm_layer (callable, optional): built as ``norm_layer(out_channels)`` after the
            convolution; ``None`` for none. Default: ``nn.BatchNorm2d``
        activation_layer (callable, optional): built as ``activation_layer(inplace=inplace)``
            (or without arguments when ``inplace`` is None); ``None`` for none. Default: ``nn.ReLU``
        dilation (int or tuple): spacing between kernel elements. Default: 1
        inplace (bool, optional): the activation's ``inplace`` argument. Default: True
        bias (bool, optional): whether the convolution has a bias; ``None`` gives one only when
            ``norm_layer`` is None. Default: None

    Example::

        >>> from ember.vision.ops import Conv2dNormActivation
        >>> block = Conv2dNormActivation(3, 8, kernel_size=3, stride=2)
        >>> block(ember.zeros(1, 3, 16, 16)).shape
        ember.Size([1, 8, 8, 8])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size=3,
        stride=1,
        padding=None,
        groups: int = 1,
        norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm2d,
        activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
        dilation=1,
        inplace: bool | None = True,
        bias: bool | None = None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            groups,
            norm_layer,
            activation_layer,
            dilation,
            inplace,
            bias,
            nn.Conv2d,
        )


class Conv3dNormActivation(ConvNormActivation):
    """Conv3d, then an optional normalization (default BatchNorm3d) and activation (default ReLU).

    The arguments are :class:`Conv2dNormActivation`'s, for volumes ``(N, C, D, H, W)``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size=3,
        stride=1,
        padding=None,
        groups: int = 1,
        norm_layer: Callable[..., nn.Module] | None = nn.BatchNorm3d,
        activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
        dilation=1,
        inplace: bool | None = True,
        bias: bool | None = None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            groups,
            norm_layer,
            activation_layer,
            dilation,
            inplace,
            bias,
            nn.Conv3d,
        )


class SqueezeExcitation(nn.Module):
    """Squeeze-and-Excitation (https://arxiv.org/abs/1709.01507): channels rescaled by a gate.

    The gate is ``scale_activation(fc2(activation(fc1(avgpool(x)))))`` with 1x1 convolutions
    ``fc1`` (input_channels -> squeeze_channels) and ``fc2`` (back), and the output is
    ``gate * x``.

    Args:
        input_channels (int): channels of the input.
        squeeze_channels (int): channels of the bottleneck.
        activation (callable): built with no arguments, after ``fc1``. Default: ``nn.ReLU``
        scale_activation (callable): built with no arguments, after ``fc2``.
            Default: ``nn.Sigmoid``
    """

    def __init__(
        self,
        input_channels: int,
        squeeze_channels: int,
        activation: Callable[..., nn.Module] = nn.ReLU,
        scale_activation: Callable[..., nn.Module] = nn.Sigmoid,
    ) -> None:
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def _scale(self, input):  # noqa: A002
        scale = self.fc1(self.avgpool(input))
        scale = self.fc2(self.activation(scale))
        return self.scale_activation(scale)

    def forward(self, input):  # noqa: A002
        return self._scale(input) * input


class MLP(nn.Sequential):
    """A multi-layer perceptron: Linear, [norm], activation, Dropout for each hidden layer, then a
    last Linear and Dropout.

    Args:
        in_channels (int): features of the input.
        hidden_channels (list of int): features of each layer; the last is the output's.
        norm_layer (callable, optional): built as ``norm_layer(features)`` after each hidden
            Linear. Default: None
        activation_layer (callable, optional): built after each hidden layer's norm.
            Default: ``nn.ReLU``
        inplace (bool, optional): the ``inplace`` argument of the activation and Dropout layers;
            None leaves their defaults. Default: None
        bias (bool): whether the Linear layers have biases. Default: True
        dropout (float): the Dropout probability. Default: 0.0
    """

    def __init__(
        self,
        in_channels: int,
        hidden_channels: list[int],
        norm_layer: Callable[..., nn.Module] | None = None,
        activation_layer: Callable[..., nn.Module] | None = nn.ReLU,
        inplace: bool | None = None,
        bias: bool = True,
        dropout: float = 0.0,
    ):
        params = {} if inplace is None else {"inplace": inplace}
        layers = []
        width = in_channels
        for hidden in hidden_channels[:-1]:
            layers.append(nn.Linear(width, hidden, bias=bias))
            if norm_layer is not None:
                layers.append(norm_layer(hidden))
            layers.append(activation_layer(**params))
            layers.append(nn.Dropout(dropout, **params))
            width = hidden
        layers.append(nn.Linear(width, hidden_channels[-1], bias=bias))
        layers.append(nn.Dropout(dropout, **params))
        super().__init__(*layers)


class Permute(nn.Module):
    """Permutes the dimensions of its input (``torch.permute(x, dims)``) as a layer.

    Args:
        dims (list of int): the desired ordering of dimensions.
    """

    def __init__(self, dims: list[int]):
        super().__init__()
        self.dims = dims

    def forward(self, x):
        return ember.permute(x, self.dims)
