"""F.batch_norm, F.instance_norm, F.layer_norm, F.group_norm, F.rms_norm, F.local_response_norm.

Thin functions: they check arguments with PyTorch's exceptions, reshape ``input`` and the
affine parameters so that the normalized axes line up, then call the fused ``native_norm``
primitive (see NOTE [ Normalization primitive ] in :mod:`ember.ops.prims.normalization`).
"""

from __future__ import annotations

import numbers

from ... import _dtype
from ..._factories import zeros
from ..._size import wrap_dim
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops.activations import check_float
from ...ops.prims.normalization import _native_norm
from ...ops.shape import cat

__all__ = [
    "batch_norm",
    "instance_norm",
    "layer_norm",
    "group_norm",
    "rms_norm",
    "local_response_norm",
]


def _affine(weight, bias, shape):
    """The present affine parameters, viewed as ``shape``, and the primitive's flags."""
    wb = [t.reshape(shape) for t in (weight, bias) if t is not None]
    return wb, {"has_weight": weight is not None, "has_bias": bias is not None}


def _verify_batch_size(size) -> None:
    prod = size[0]
    for s in size[2:]:
        prod *= s
    if prod == 1:
        raise ValueError(
            f"Expected more than 1 value per channel when training, got input size {size}"
        )


def _check_numel(name, t, expected, times=1):
    if t is not None and t.numel() * times != expected:
        raise RuntimeError(f"{name} should contain {expected} elements not {t.numel() * times}")


def _update_running(running_mean, running_var, mean, var, count, momentum):
    """``running = (1 - momentum) * running + momentum * batch`` with the unbiased variance."""
    if count == 0:  # an empty batch leaves the running statistics as they are
        return
    mean, var = mean.detach(), var.detach()
    with no_grad():
        if running_mean is not None:
            running_mean.mul_(1 - momentum).add_(mean.to(running_mean.dtype) * momentum)
        if running_var is not None:
            unbiased = var * (count / max(count - 1, 1))
            running_var.mul_(1 - momentum).add_(unbiased.to(running_var.dtype) * momentum)


def _normalize_with_stats(input, mean, var, weight, bias, eps, shape):  # noqa: A002
    """Evaluation mode: ``(input - mean) / sqrt(var + eps) * weight + bias`` per channel."""
    scale = (var + eps).rsqrt()
    if weight is not None:
        scale = scale * weight
    shift = -mean * scale
    if bias is not None:
        shift = shift + bias
    return input * scale.reshape(shape) + shift.reshape(shape)


def _channel_shape(input, channels):  # noqa: A002
    return (channels,) + (1,) * (input.ndim - 2)


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,  # noqa: A002
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each channel (dim 1) over the batch and spatial dims, then scale and shift.

    In training the batch statistics are used and ``running_mean`` / ``running_var`` (if given)
    are updated in place with ``momentum`` (unbiased variance); otherwise the running statistics
    normalize.
    """
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    if momentum is None:
        raise TypeError(
            "batch_norm(): argument 'momentum' (position 7) must be float, not NoneType"
        )
    wrap_dim(1, input.ndim)  # the channel dim: PyTorch's IndexError when there is none
    check_float(input, "batch_norm")
    channels = input.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        _check_numel(name, t, channels)
    shape = _channel_shape(input, channels)
    if not training:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        return _normalize_with_stats(input, running_mean, running_var, weight, bias, eps, shape)
    axes = (0, *range(2, input.ndim))
    wb, flags = _affine(weight, bias, shape)
    out, mean, var = _native_norm(input, *wb, axes=axes, eps=eps, **flags)
    count = input.numel() // max(channels, 1)
    _update_running(
        running_mean, running_var, mean.reshape(channels), var.reshape(channels), count, momentum
    )
    return out


def _verify_spatial_size(size) -> None:
    prod = 1
    for s in size[2:]:
        prod *= s
    if prod == 1:
        raise ValueError(
            f"Expected more than 1 spatial element when training, got input size {size}"
        )


def instance_norm(
    input: Tensor,
    running_mean: Tensor | None = None,  # noqa: A002
    running_var: Tensor | None = None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    use_input_stats: bool = True,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each channel of each sample over its spatial dims, then scale and shift.

    With ``use_input_stats`` the per-instance statistics are used and the running statistics
    (if given) are updated with their mean over the batch; otherwise the running ones are used.
    """
    if use_input_stats:
        _verify_spatial_size(input.size())
    wrap_dim(1, input.ndim)  # the channel dim: PyTorch's IndexError when there is none
    check_float(input, "batch_norm")
    n, channels = input.shape[:2]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        _check_numel(name, t, n * channels, times=n)
    shape = _channel_shape(input, channels)
    if not use_input_stats:
        for name, t in (("running_mean", running_mean), ("running_var", running_var)):
            if t is None:
                raise RuntimeError(f"{name} must be defined in evaluation mode")
        return _normalize_with_stats(input, running_mean, running_var, weight, bias, eps, shape)
    wb, flags = _affine(weight, bias, shape)
    out, mean, var = _native_norm(input, *wb, axes=tuple(range(2, input.ndim)), eps=eps, **flags)
    count = input.numel() // max(n * channels, 1)
    _update_running(
        running_mean,
        running_var,
        mean.reshape(n, channels).mean(0),
        var.reshape(n, channels).mean(0),
        count,
        momentum,
    )
    return out


def _normalized_shape(normalized_shape, op):
    if isinstance(normalized_shape, numbers.Integral):
        raise TypeError(
            f"{op}(): argument 'normalized_shape' (position 2) must be tuple of ints, "
            f"not {type(normalized_shape).__name__}"
        )
    return tuple(int(s) for s in normalized_shape)


def _check_normalized(input, shape, weight, bias, sep):  # noqa: A002
    """PyTorch's layer_norm / rms_norm argument checks (``sep``: how each prints ``[*, ...]``)."""
    if not shape:
        raise RuntimeError(
            "Expected normalized_shape to be at least 1-dimensional, i.e., "
            "containing at least one element, but got normalized_shape = []"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(
                f"Expected {name} to be of same shape as normalized_shape, but got "
                f"{name} of shape {list(t.shape)} and normalized_shape = "
                f"{list(shape)}"
            )
    k = len(shape)
    if input.ndim < k or tuple(input.shape[input.ndim - k :]) != shape:
        dims = ", ".join(map(str, shape))
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*{sep}{dims}], but got input of size{list(input.shape)}"
        )


def layer_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,  # noqa: A002
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize over the trailing ``normalized_shape`` dims, then apply ``weight`` / ``bias``."""
    shape = _normalized_shape(normalized_shape, "layer_norm")
    _check_normalized(input, shape, weight, bias, ", ")
    check_float(input, "LayerNormKernelImpl")
    wb, flags = _affine(weight, bias, shape)
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    return _native_norm(input, *wb, axes=axes, eps=eps, **flags)[0]


def group_norm(
    input: Tensor,
    num_groups: int,
    weight: Tensor | None = None,  # noqa: A002
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Normalize each group of ``C // num_groups`` channels per sample, then scale and shift."""
    if input.ndim < 2:
        raise RuntimeError(
            f"Expected at least 2 dimensions for input tensor but received {input.ndim}"
        )
    n, channels = input.shape[:2]
    _verify_batch_size([n * channels // num_groups, num_groups, *input.shape[2:]])
    if channels % num_groups:
        raise RuntimeError(
            f"Expected number of channels in input to be divisible by num_groups, "
            f"but got input of shape {list(input.shape)} and num_groups="
            f"{num_groups}"
        )
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t.ndim != 1 or t.numel() != channels):
            raise RuntimeError(
                f"Expected {name} to be a vector of size equal to the number of "
                f"channels in input, but got {name} of shape {list(t.shape)} and "
                f"input of shape {list(input.shape)}"
            )
    check_float(input, "GroupNormKernelImpl")
    per_group = channels // num_groups
    grouped = input.reshape(n, num_groups, per_group, -1)
    wb, flags = _affine(weight, bias, (num_groups, per_group, 1))
    out = _native_norm(grouped, *wb, axes=(2, 3), eps=eps, **flags)[0]
    return out.reshape(input.shape)


def rms_norm(
    input: Tensor,
    normalized_shape,
    weight: Tensor | None = None,  # noqa: A002
    eps: float | None = None,
) -> Tensor:
    """``input / sqrt(mean(input**2) + eps) * weight`` over the trailing ``normalized_shape``.

    ``eps=None`` uses the machine epsilon of the (at least single precision) compute dtype.
    """
    shape = _normalized_shape(normalized_shape, "rms_norm")
    _check_normalized(input, shape, weight, None, "")
    check_float(input, "rms_norm", complex_ok=True)
    compute = input
    if input.dtype in (_dtype.float16, _dtype.bfloat16):
        compute = input.to(_dtype.float32)
    if eps is None:
        eps = _dtype.finfo(compute.dtype).eps
    dims = tuple(range(input.ndim - len(shape), input.ndim))
    out = compute * ((compute * compute).mean(dims, keepdim=True) + eps).rsqrt()
    out = out.to(input.dtype)
    return out if weight is None else out * weight


def local_response_norm(
    input: Tensor,
    size: int,
    alpha: float = 1e-4,  # noqa: A002
    beta: float = 0.75,
    k: float = 1.0,
) -> Tensor:
    """Divide by ``(k + alpha * mean of squares over size neighbouring channels) ** beta``."""
    dim = input.ndim
    if dim < 3:
        raise ValueError(
            "Expected 3D or higher dimensionality                          input "
            f"(got {dim} dimensions)"
        )
    if input.numel() == 0:
        return input
    if not input.is_floating_point():
        raise RuntimeError(f"\"avg_pool2d\" not implemented for '{input.dtype.legacy_name}'")
    sq = input * input
    rest = tuple(input.shape[2:])
    n = input.shape[0]
    before = zeros((n, size // 2, *rest), dtype=input.dtype, device=input.device)
    after = zeros((n, (size - 1) // 2, *rest), dtype=input.dtype, device=input.device)
    windows = cat([before, sq, after], 1).unfold(1, size, 1)
    div = (windows.mean(-1) * alpha + k) ** beta
    return input / div
