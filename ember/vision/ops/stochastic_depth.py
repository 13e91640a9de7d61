"""Stochastic depth (torchvision.ops.stochastic_depth): randomly drop residual branches."""

from __future__ import annotations

import ember
from ember import nn

__all__ = ["StochasticDepth", "stochastic_depth"]


def stochastic_depth(input, p: float, mode: str, training: bool = True):  # noqa: A002
    """Stochastic Depth (https://arxiv.org/abs/1603.09382): zero a residual branch at random.

    Args:
        input (Tensor[N, ...]): the branch's output; its first dimension is the batch.
        p (float): probability of zeroing.
        mode (str): ``"batch"`` zeroes the whole input or nothing, ``"row"`` zeroes each sample
            of the batch independently.
        training (bool): apply stochastic depth only when True. Default: True

    Returns:
        Tensor[N, ...]: ``input * noise / (1 - p)`` with ``noise`` Bernoulli(1 - p) of shape
        ``[1] * ndim`` (batch) or ``[N, 1, ...]`` (row); ``input`` itself when not training or
        ``p == 0``.

    Example::

        >>> from ember.vision.ops import stochastic_depth
        >>> x = ember.ones(4, 3)
        >>> stochastic_depth(x, 0.5, "row", training=False) is x
        True
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"drop probability has to be between 0 and 1, but got {p}")
    if mode not in ("batch", "row"):
        raise ValueError(f"mode has to be either 'batch' or 'row', but got {mode}")
    if not training or p == 0.0:
        return input
    survival = 1.0 - p
    size = [input.shape[0]] + [1] * (input.ndim - 1) if mode == "row" else [1] * input.ndim
    noise = ember.empty(size, dtype=input.dtype, device=input.device).bernoulli_(survival)
    if survival > 0.0:
        noise.div_(survival)
    return input * noise


class StochasticDepth(nn.Module):
    """Module form of :func:`stochastic_depth`, active in training mode.

    Args:
        p (float): probability of zeroing.
        mode (str): ``"batch"`` or ``"row"``.
    """

    def __init__(self, p: float, mode: str) -> None:
        super().__init__()
        self.p = p
        self.mode = mode

    def forward(self, input):  # noqa: A002
        return stochastic_depth(input, self.p, self.mode, self.training)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p}, mode={self.mode})"
