"""``ember.nn.functional``: activations, losses and padding in PyTorch's terms.

Thin functions: they check arguments and raise PyTorch's exceptions, then call the fused
primitives of :mod:`ember.ops.prims.activations`, :mod:`ember.ops.prims.loss` and
:mod:`ember.ops.prims.vision` (padding).
"""

from __future__ import annotations

import warnings

from .. import _dtype
from .._size import wrap_dim
from .._tensor import Tensor
from ..ops import activations as A
from ..ops._promote import cast
from ..ops.activations import (  # noqa: F401 - re-exported as F.<name>, like torch
    apply,
    celu_,
    check_float,
    hardshrink,
    prelu,
    relu_,
    selu_,
    threshold_,
)
from ..ops.prims import activations as PA
from ..ops.prims import loss as PL
from ..ops.prims import vision as PV

__all__ = [
    "relu",
    "relu_",
    "relu6",
    "hardtanh",
    "hardtanh_",
    "gelu",
    "silu",
    "mish",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "leaky_relu",
    "leaky_relu_",
    "rrelu",
    "rrelu_",
    "softplus",
    "hardsigmoid",
    "hardswish",
    "logsigmoid",
    "softsign",
    "tanhshrink",
    "hardshrink",
    "softshrink",
    "threshold",
    "threshold_",
    "glu",
    "softmax",
    "softmin",
    "log_softmax",
    "prelu",
    "sigmoid",
    "tanh",
    "pad",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "mse_loss",
    "l1_loss",
    "smooth_l1_loss",
    "huber_loss",
]

# ---------------------------------------------------------------------------- activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(input, 0)`` elementwise."""
    return A.relu_(input) if inplace else A.relu(input)


def hardtanh(
    input: Tensor,
    min_val: float = -1.0,
    max_val: float = 1.0,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``input`` clamped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is _dtype.bool:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    return apply(PA._hardtanh, input, inplace, min_val=min_val, max_val=max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``min(max(input, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """``x * Phi(x)`` (Phi the normal CDF), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    check_float(input, "GeluKernelImpl")
    return PA._gelu(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * sigmoid(x)`` (swish)."""
    check_float(input, "silu_cpu")
    return apply(PA._silu, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * tanh(softplus(x))``."""
    check_float(input, "mish_cpu")
    return apply(PA._mish, input, inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    check_float(input, "elu_cpu")
    return apply(PA._elu, input, inplace, alpha=float(alpha), scale=1.0, input_scale=1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place :func:`elu`."""
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """Scaled ELU with PyTorch's fixed alpha and scale."""
    return A.selu_impl(input, inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return A.celu_impl(input, alpha, inplace)


def leaky_relu(
    input: Tensor,
    negative_slope: float = 0.01,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    check_float(input, "leaky_relu_cpu")
    return apply(PA._leaky_relu, input, inplace, negative_slope=negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, True)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,  # noqa: A002
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU (random negative slopes in training, their mean otherwise)."""
    return A.rrelu_impl(input, lower, upper, training, inplace)


def rrelu_(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,  # noqa: A002
    training: bool = False,
) -> Tensor:
    """In-place :func:`rrelu`."""
    return A.rrelu_impl(input, lower, upper, training, True)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    check_float(input, "softplus_cpu")
    return PA._softplus(input, beta=beta, threshold=threshold)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``clamp(x + 3, 0, 6) / 6``."""
    check_float(input, "hardsigmoid_cpu")
    return apply(PA._hardsigmoid, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * clamp(x + 3, 0, 6) / 6``."""
    check_float(input, "hardswish_cpu")
    return apply(PA._hardswish, input, inplace)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(x))``, computed without overflow."""
    check_float(input, "log_sigmoid_cpu")
    return PA._log_sigmoid(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``."""
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    check_float(input, "softshrink_check")
    if lambd < 0:
        raise RuntimeError(
            "lambda must be in range [0, 3.40282e+38] for input dtype "
            f"{A._cname(input.dtype)}, but found {lambd:g}"
        )
    return PA._softshrink(input, lambd=lambd)


def threshold(
    input: Tensor,
    threshold: float,
    value: float,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``input`` where greater than ``threshold``, else ``value``."""
    return A.threshold_impl(input, threshold, value, inplace)


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)`` with ``a, b`` the halves of ``input`` on ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    check_float(input, "glu_cpu")
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    return input.narrow(d, 0, n // 2) * input.narrow(d, n // 2, n // 2).sigmoid()


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim`` (implicit dim: PyTorch's deprecated rule)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return A.softmax(input, dim, dtype)


def softmin(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``softmax(-input)`` along ``dim``."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return A.softmax(-input, dim, dtype)


def log_softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``log(softmax(input))`` along ``dim``, computed stably."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return A.log_softmax(input, dim, dtype)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-x))``."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent."""
    return input.tanh()


# ---------------------------------------------------------------------------- padding

_PAD_SUPPORT = (
    "\nSupported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad (or, with negative amounts, crop) the last ``len(pad) // 2`` dims of ``input``.

    ``pad = (last_before, last_after, second_last_before, ...)``. Modes: 'constant' (any
    dims, fills ``value``), 'reflect', 'replicate', 'circular' (last 1-3 dims of a batched or
    unbatched input).
    """
    if not isinstance(pad, (tuple, list)):
        raise TypeError(
            f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}"
        )
    for i, p in enumerate(pad):
        if not isinstance(p, int):
            raise TypeError(
                "pad(): argument 'pad' (position 2) must be tuple of ints, but "
                f"found element of type {type(p).__name__} at pos {i}"
            )
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    shape, ndim, k = tuple(input.shape), input.ndim, len(pad) // 2
    if k > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension "
            f"{ndim}"
        )
    full = [(0, 0)] * ndim
    for i in range(k):
        full[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    out = [n + a + b for n, (a, b) in zip(shape, full)]
    if mode == "constant":
        if min(out, default=0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        return PV._constant_pad(input, pad=tuple(full), value=0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if k not in (1, 2, 3) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.{_PAD_SUPPORT}"
        )
    if mode == "circular":
        for (a, b), n, o in zip(full[-k:], shape[-k:], out[-k:]):
            if a > n or b > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if o < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return PV._index_pad(input, pad=tuple(full), mode=mode)
    if input.dtype is _dtype.bool:
        kernel = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f"\"{kernel}_pad{k}d\" not implemented for 'Bool'")
    if 0 in (shape[1:] if ndim == k + 2 else shape):
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
            "batch size and other non-zero dimensions for input, but got: "
            f"{list(shape)}"
        )
    names = "DHW"[3 - k :]
    for i in range(k):
        d = ndim - 1 - i
        (a, b), n = full[d], shape[d]
        if mode == "reflect" and (a >= n or b >= n):
            raise RuntimeError(
                f"Argument #{4 + 2 * i}: Padding size should be less than the "
                "corresponding input dimension, but got: padding "
                f"({a}, {b}) at dimension {d} of input {list(shape)}"
            )
    if min(out[-k:]) < 1:
        sizes = ", ".join(f"{c}: {n}" for c, n in zip(names, shape[-k:]))
        outs = ", ".join(f"{c}: {n}" for c, n in zip(names, out[-k:]))
        raise RuntimeError(f"input ({sizes}) is too small. Calculated output {outs}")
    return PV._index_pad(input, pad=tuple(full), mode=mode)


# ---------------------------------------------------------------------------- losses


def _reduction(size_average, reduce, reduction: str) -> str:
    """PyTorch's ``_Reduction``: the legacy flags win (with their warning), then validation."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = ("mean" if size_average else "sum") if reduce else "none"
        warnings.warn(
            "size_average and reduce args will be deprecated, please use "
            f"reduction='{reduction}' instead.",
            UserWarning,
            stacklevel=3,
        )
    if reduction == "elementwise_mean":
        warnings.warn(
            "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
            UserWarning,
            stacklevel=3,
        )
        reduction = "mean"
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _classes_last(x: Tensor) -> Tensor:
    """``(N, C, d1, ...)`` -> ``(N * d1 * ..., C)``; ``(C,)`` -> ``(1, C)``."""
    if x.ndim == 1:
        return x.reshape(1, -1)
    if x.ndim == 2:
        return x
    return x.movedim(1, -1).reshape(-1, x.shape[1])


def _check_weight(weight, n_classes: int, prefix: str = "") -> None:
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise RuntimeError(
            f"{prefix}weight tensor should be defined either for all {n_classes} "
            f"classes or no classes but got weight tensor of shape: "
            f"{list(weight.shape)}"
        )


def _class_index_targets(input, target, weight, ignore_index):
    """PyTorch's nll_loss_nd checks; returns the 2-d input, target arrays and output shape."""
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    t_batch = target.shape[0] if target.ndim else 0
    if input.ndim != 1 and input.shape[0] != t_batch:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({t_batch})."
        )
    if input.ndim <= 2:
        if target.ndim > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
            raise ValueError(
                f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}"
            )
        out_shape = () if input.ndim == 1 else (input.shape[0],)
    elif input.ndim == 4 and target.ndim != 3:
        raise RuntimeError(
            "only batches of spatial targets supported (3D tensors) but got "
            f"targets of dimension: {target.ndim}"
        )
    elif tuple(target.shape[1:]) != tuple(input.shape[2:]):
        out_shape = [input.shape[0], *input.shape[2:]]
        raise RuntimeError(f"Expected target size {out_shape}, got {list(target.shape)}")
    else:
        out_shape = tuple(target.shape)
    if target.dtype not in (_dtype.int64, _dtype.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {A._cname(target.dtype)}"
        )
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    _check_weight(weight, n_classes)
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {A._cname(input.dtype)} but found {A._cname(weight.dtype)}"
        )
    x = _classes_last(input)
    w = None if weight is None else weight.to(input.device)._data
    safe, wy, valid, denom = PL.class_targets(
        _xp(x), target._data.reshape(-1), n_classes, ignore_index, w, x._data.dtype
    )
    return x, dict(w=w, safe=safe, wy=wy, valid=valid, denom=denom), out_shape


def _xp(t: Tensor):
    from .._backend import backend_of

    return backend_of(t._data).xp


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross entropy between logits ``input`` (class dim 1) and class indices or probabilities.

    Fused log-softmax + negative log likelihood, with class ``weight``, ``ignore_index``,
    ``label_smoothing`` and reductions 'none' | 'mean' | 'sum', as ``torch``.
    """
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(input.shape) == tuple(target.shape):
        return _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    class_dim = wrap_dim(0 if input.ndim == 1 else 1, input.ndim)
    last = "lastdim_" if class_dim == input.ndim - 1 else ""
    check_float(input, f"log_softmax_{last}kernel_impl")
    x, par, out_shape = _class_index_targets(input, target, weight, ignore_index)
    out = PL._cross_entropy(x, reduction=reduction, smoothing=max(label_smoothing, 0.0), **par)
    return out.reshape(out_shape) if reduction == "none" else out


def _cross_entropy_probs(input, target, weight, ignore_index, reduction, label_smoothing):
    if not target.is_floating_point():
        raise RuntimeError(
            "Expected floating point type for target with class probabilities, "
            f"got {A._cname(target.dtype)}"
        )
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if input.ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    _check_weight(weight, input.shape[1 if input.ndim > 1 else 0], "cross_entropy: ")
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")
    check_float(input, "log_softmax_lastdim_kernel_impl")
    dt = _dtype.result_type(input, target, *(() if weight is None else (weight,)))
    x, t = _classes_last(cast(input, dt)), _classes_last(cast(target, dt))
    w = None if weight is None else cast(weight, dt)._data
    denom = _xp(x).asarray(x.shape[0], dtype=x._data.dtype)
    out = PL._cross_entropy(
        x,
        t,
        w=w,
        safe=None,
        wy=None,
        valid=None,
        denom=denom,
        reduction=reduction,
        smoothing=max(label_smoothing, 0.0),
    )
    if reduction != "none":
        return out
    return out.reshape(()) if input.ndim == 1 else out.reshape(input.shape[:1] + input.shape[2:])


def nll_loss(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    ignore_index: int = -100,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log likelihood of log-probabilities ``input`` (class dim 1) at ``target``."""
    reduction = _reduction(size_average, reduce, reduction)
    x, par, out_shape = _class_index_targets(input, target, weight, ignore_index)
    out = PL._nll_loss(x, safe=par["safe"], wy=par["wy"], denom=par["denom"], reduction=reduction)
    return out.reshape(out_shape) if reduction == "none" else out


def _size_warning(input, target) -> None:
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            f"Using a target size ({target.size()}) that is different to the input "
            f"size ({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def _weighted(loss, weight, input, reduction, divide_by_weight=True):
    """PyTorch's optional per-element ``weight`` of mse / l1 / huber."""
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(
            f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'."
        )
    if reduction == "mean" and divide_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)


def mse_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean squared error ``(input - target) ** 2`` (optionally weighted), reduced."""
    _size_warning(input, target)
    check_float(input, "mse_cpu")
    if size_average is not None or reduce is not None or weight is None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target) ** 2
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, input, reduction)


def l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:
    """Mean absolute error ``|input - target|`` (optionally weighted), reduced."""
    _size_warning(input, target)
    if size_average is not None or reduce is not None or weight is None:
        reduction = _reduction(size_average, reduce, reduction)
    loss = (input - target).abs()
    return _reduce(loss, reduction) if weight is None else _weighted(loss, weight, input, reduction)


def smooth_l1_loss(
    input: Tensor,
    target: Tensor,
    size_average=None,
    reduce=None,  # noqa: A002
    reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2``, ``d = input - target``."""
    _size_warning(input, target)
    reduction = _reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    d = input - target
    ad = d.abs()
    if beta == 0:
        return _reduce(ad, reduction)
    return _reduce((d * d * (0.5 / beta)).where(ad < beta, ad - 0.5 * beta), reduction)


def huber_loss(
    input: Tensor,
    target: Tensor,
    reduction: str = "mean",  # noqa: A002
    delta: float = 1.0,
    weight: Tensor | None = None,
) -> Tensor:
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - delta / 2)``."""
    _size_warning(input, target)
    if weight is None:
        reduction = _reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    d = input - target
    ad = d.abs()
    loss = (d * d * 0.5).where(ad < delta, (ad - 0.5 * delta) * delta)
    if weight is None:
        return _reduce(loss, reduction)
    return _weighted(loss, weight, input, reduction, divide_by_weight=False)


def binary_cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,  # noqa: A002
    size_average=None,
    reduce=None,
    reduction: str = "mean",
) -> Tensor:
    """``-w * (t * log(x) + (1 - t) * log(1 - x))`` on probabilities, logs clamped at -100."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({target.size()}) that is different to the input "
            f"size ({input.size()}) is deprecated. Please ensure they have the same "
            "size."
        )
    if bool(((input < 0) | (input > 1)).any()):
        raise RuntimeError("all elements of input should be between 0 and 1")
    if bool(((target < 0) | (target > 1)).any()):
        raise RuntimeError("all elements of target should be between 0 and 1")
    loss = PL._binary_cross_entropy(input, cast(target, input.dtype))
    if weight is not None:
        loss = loss * weight.expand(loss.shape)
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,  # noqa: A002
    weight: Tensor | None = None,
    size_average=None,
    reduce=None,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid + binary cross entropy in one stable expression, with ``pos_weight``."""
    reduction = _reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Target size ({target.size()}) must be the same as input size ({input.size()})"
        )
    log_sig = PA._log_sigmoid(input) if input.is_floating_point() else logsigmoid(input)
    if pos_weight is not None:
        log_sig = log_sig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * input - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


# ---------------------------------------------------------------------------- other families
# Functional forms that live beside their modules are re-exported here, as torch has them all
# under torch.nn.functional.
from ._functional import attention as _attention  # noqa: E402
from ._functional import conv as _conv  # noqa: E402
from ._functional import distance as _distance  # noqa: E402
from ._functional import dropout as _dropout  # noqa: E402
from ._functional import embedding as _embedding  # noqa: E402
from ._functional import loss as _loss  # noqa: E402
from ._functional import normalization as _normalization  # noqa: E402
from ._functional import pooling as _pooling  # noqa: E402
from ._functional import vision as _vision  # noqa: E402
from ._functional.attention import *  # noqa: E402, F403
from ._functional.conv import *  # noqa: E402, F403
from ._functional.distance import *  # noqa: E402, F403
from ._functional.dropout import *  # noqa: E402, F403
from ._functional.embedding import *  # noqa: E402, F403
from ._functional.loss import *  # noqa: E402, F403
from ._functional.normalization import *  # noqa: E402, F403
from ._functional.pooling import *  # noqa: E402, F403
from ._functional.vision import *  # noqa: E402, F403
from ._linear_fn import bilinear, linear  # noqa: E402

__all__ += [
    "linear",
    "bilinear",
    *_conv.__all__,
    *_pooling.__all__,
    *_dropout.__all__,
    *_embedding.__all__,
    *_normalization.__all__,
    *_loss.__all__,
    *_distance.__all__,
    *_vision.__all__,
    *_attention.__all__,
]
