"""F.dropout, F.dropout1d/2d/3d, F.alpha_dropout and F.feature_alpha_dropout.

Composite, as ATen's ``_dropout_impl`` on the CPU: the noise is ``empty_like(input)`` (the
input's layout) filled by ``bernoulli_(1 - p)`` and divided by ``1 - p``, then multiplied in, so
the gradient is ``g * noise`` without a primitive of its own. The mask is drawn from ember's
generator exactly as torch draws it (one double uniform per element, in the noise's memory
order), so after the same seed ember and torch drop the same elements. With ``p == 0``, outside
training or on an empty input the input itself is returned; ``p == 1`` gives ``input * 0``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ... import _dtype
from ..._factories import empty, zeros
from ..._tensor import Tensor
from ...ops.random_ops import dense_order

__all__ = [
    "dropout",
    "dropout1d",
    "dropout2d",
    "dropout3d",
    "alpha_dropout",
    "feature_alpha_dropout",
]

# SELU's scale * alpha: the value alpha dropout drops to, before its affine correction
_ALPHA = 1.7580993408473766


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _feature_shape(input: Tensor, batched: bool = True) -> tuple:  # noqa: A002
    """One mask entry per channel: ``(N, C, 1, ...)``, or ``(C, 1, ...)`` without a batch."""
    lead = 2 if batched else 1
    if input.ndim < lead:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    return tuple(input.shape[:lead]) + (1,) * (input.ndim - lead)


def _dropout_impl(
    input: Tensor,
    p: float,
    training: bool,
    inplace: bool,  # noqa: A002
    alpha: bool = False,
    mask_shape: tuple | None = None,
) -> Tensor:
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        zero = zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    if not input.is_floating_point():
        raise RuntimeError(
            f"result type Float can't be cast to the desired output type {input.dtype.legacy_name}"
        )
    keep = keep_mask(input, 1 - p, mask_shape)
    if not alpha:
        noise = scale_mask(keep, 1 - p)
        return input.mul_(noise) if inplace else input * noise
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    shift = keep.add(-1).mul_(_ALPHA * a).add_(_ALPHA * a * p)
    noise = keep.mul_(a)
    if inplace:
        return input.mul_(noise).add_(shift)
    return input * noise + shift


def keep_mask(input: Tensor, q: float, shape: tuple | None = None) -> Tensor:  # noqa: A002
    """torch's dropout noise before scaling: ``empty_like(input).bernoulli_(q)`` (or a
    ``shape`` tensor for feature dropout), in ``input``'s dtype. ``empty_like`` keeps a dense
    input's layout, and the layout decides which element each draw lands on."""
    if shape is not None:
        return empty(shape, dtype=input.dtype, device=input.device).bernoulli_(q)
    order = dense_order(input)
    if order is None:
        return empty(tuple(input.shape), dtype=input.dtype, device=input.device).bernoulli_(q)
    laid = empty(tuple(input.shape[d] for d in order), dtype=input.dtype, device=input.device)
    return laid.bernoulli_(q).permute(tuple(int(i) for i in np.argsort(order)))


def scale_mask(keep: Tensor, q: float) -> Tensor:
    """``keep.div_(q)`` as torch computes it: half and bfloat16 divide in float."""
    if keep.dtype in (_dtype.float16, _dtype.bfloat16):
        return keep.mul_(float(np.float32(1.0) / np.float32(q)))
    return keep.div_(q)


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def alpha_dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = False,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Dropout for SELU networks: dropped elements take SELU's negative saturation value and an
    affine correction keeps the mean and variance."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = False,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """:func:`alpha_dropout` of whole channels (one draw per ``(N, C)`` entry)."""
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    return _dropout_impl(input, p, training, inplace, alpha=True, mask_shape=_feature_shape(input))


def _feature_dropout(input, p, training, inplace, batched=True):  # noqa: A002
    if p == 0 or not training or input.numel() == 0:
        return input
    return _dropout_impl(input, p, training, inplace, mask_shape=_feature_shape(input, batched))


def dropout1d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Zero whole channels of a ``(N, C, L)`` or ``(C, L)`` input with probability ``p``."""
    _check_p(p)
    if input.ndim not in (2, 3):
        raise RuntimeError(
            f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D "
            "input. Note that dropout1d exists to provide channel-wise dropout on "
            "inputs with 1 spatial dimension, a channel dimension, and an optional "
            "batch dimension (i.e. 2D or 3D inputs)."
        )
    return _feature_dropout(input, p, training, inplace, batched=input.ndim == 3)


def dropout2d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Zero whole channels of a ``(N, C, H, W)`` or ``(C, H, W)`` input with probability ``p``.

    As in PyTorch, a 3-D input is (deprecatedly) read as ``(N, C, L)``.
    """
    _check_p(p)
    ndim = input.ndim
    if ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout2d "
            "exists to provide channel-wise dropout on inputs with 2 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
            "or 4D inputs).",
            UserWarning,
            stacklevel=2,
        )
    if ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
            "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
            "where C is the channel dim. This behavior will change in a future release "
            "to interpret the input as one without a batch dimension, i.e. shape (C, H, "
            "W). To maintain the 1D channel-wise dropout behavior, please switch to "
            "using dropout1d instead.",
            UserWarning,
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace)


def dropout3d(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Zero whole channels of a ``(N, C, D, H, W)`` or ``(C, D, H, W)`` input with prob. ``p``."""
    _check_p(p)
    ndim = input.ndim
    if ndim not in (4, 5):
        warnings.warn(
            f"dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated "
            "and will result in an error in a future release. To retain the behavior "
            "and silence this warning, please use dropout instead. Note that dropout3d "
            "exists to provide channel-wise dropout on inputs with 3 spatial "
            "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
            "or 5D inputs).",
            UserWarning,
            stacklevel=2,
        )
    return _feature_dropout(input, p, training, inplace, batched=ndim == 5)
