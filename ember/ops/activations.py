"""Activation functions PyTorch has at top level: ``ember.relu``, selu, celu, threshold,
hardshrink, prelu, rrelu, softmax, log_softmax (``torch.nn.functional``'s others are in
:mod:`ember.nn.functional`). Their primitives, with the fused backwards (NOTE [ Activation
backward ]), are in :mod:`ember.ops.prims.activations`.
"""

from __future__ import annotations

from .. import _dtype
from .._dtype import kernel_not_implemented
from ._binding import tensor_method
from ._inplace import inplace_op
from ._promote import FLOAT_NP
from .prims import pointwise as E
from .prims.activations import (
    _elu,
    _hardshrink,
    _leaky_relu,
    _log_softmax,
    _prelu,
    _relu,
    _softmax,
    _threshold,
)

__all__ = [
    "softmax",
    "log_softmax",
    "relu",
    "relu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "threshold",
    "threshold_",
    "hardshrink",
    "prelu",
    "rrelu",
    "rrelu_",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# ---------------------------------------------------------------------------- checks


def check_float(x, kernel: str, complex_ok: bool = False):
    """PyTorch's NotImplementedError for a kernel with no integer or bool version (nor, unless
    ``complex_ok``, a complex one: most of torch's activation and norm kernels are real only)."""
    dtype = x._data.dtype
    if dtype not in FLOAT_NP or (dtype.kind == "c" and not complex_ok):
        raise kernel_not_implemented(f"{kernel}", x.dtype)


def apply(op, x, inplace_: bool = False, **params):
    """``op(x, **params)``, or written into ``x`` itself when ``inplace_``."""
    return inplace_op(op, x, **params) if inplace_ else op(x, **params)


# ---------------------------------------------------------------------------- public (torch.*)


@tensor_method()
def relu(input):  # noqa: A002
    """``max(input, 0)`` elementwise."""
    _check_relu(input)
    return _relu(input)


@tensor_method()
def relu_(input):  # noqa: A002
    """In-place :func:`relu`."""
    _check_relu(input)
    return inplace_op(_relu, input)


def _check_relu(input):  # noqa: A002
    if input.dtype is _dtype.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    if input.dtype.is_complex:
        raise NotImplementedError("clamp is not supported for complex types")


def _elu_params(alpha, scale, input_scale):
    return {"alpha": float(alpha), "scale": float(scale), "input_scale": float(input_scale)}


def selu_impl(input, inplace_=False):  # noqa: A002
    """selu, in place when ``inplace_`` (shared by ``ember.selu*`` and ``F.selu``)."""
    check_float(input, "elu_cpu")
    return apply(_elu, input, inplace_, **_elu_params(SELU_ALPHA, SELU_SCALE, 1.0))


def celu_impl(input, alpha=1.0, inplace_=False):  # noqa: A002
    """celu, in place when ``inplace_``."""
    check_float(input, "elu_cpu")
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return apply(_elu, input, inplace_, **_elu_params(alpha, 1.0, 1.0 / alpha))


def threshold_impl(input, threshold, value, inplace_=False):  # noqa: A002
    """threshold, in place when ``inplace_``."""
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"threshold_cpu\" not implemented for 'Bool'")
    return apply(_threshold, input, inplace_, threshold=threshold, value=value)


def selu(input):  # noqa: A002
    """Scaled ELU: ``scale * (max(0, x) + min(0, alpha * (exp(x) - 1)))``, fixed constants."""
    return selu_impl(input)


def selu_(input):  # noqa: A002
    """In-place :func:`selu`."""
    return selu_impl(input, True)


def celu(input, alpha=1.0):  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return celu_impl(input, alpha)


def celu_(input, alpha=1.0):  # noqa: A002
    """In-place :func:`celu`."""
    return celu_impl(input, alpha, True)


def threshold(input, threshold, value):  # noqa: A002
    """``input`` where it is greater than ``threshold``, else ``value``."""
    return threshold_impl(input, threshold, value)


def threshold_(input, threshold, value):  # noqa: A002
    """In-place :func:`threshold`."""
    return threshold_impl(input, threshold, value, True)


@tensor_method()
def hardshrink(input, lambd=0.5):  # noqa: A002
    """``input`` where ``|input| > lambd``, else 0."""
    check_float(input, "hardshrink_cpu")
    return _hardshrink(input, lambd=lambd)


@tensor_method()
def prelu(input, weight):  # noqa: A002
    """``max(0, x) + weight * min(0, x)`` with one weight, or one per channel (dim 1)."""
    if weight.ndim > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {input.dtype.legacy_name} and "
            f"{weight.dtype.legacy_name}"
        )
    n = weight.numel()
    channels = input.shape[1] if input.ndim >= 2 else 1
    if n != 1 and n != channels:
        raise RuntimeError(
            "Mismatch of parameter numbers and input channel size. Found parameter "
            f"numbers = {n} and channel size = {channels}."
        )
    if n == 1 or input.ndim < 2:
        w = weight.reshape(())
    else:
        w = weight.reshape((n,) + (1,) * (input.ndim - 2))
    return _prelu(input, w)


def rrelu_impl(input, lower, upper, training, inplace_, generator=None):  # noqa: A002
    """rrelu, in place when ``inplace_``; training draws one slope per non-positive element."""
    check_float(input, "leaky_relu_cpu")
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return apply(_leaky_relu, input, inplace_, negative_slope=(lower + upper) / 2)
    noise = _rrelu_noise(input, lower, upper, generator)
    return inplace_op(E._mul, input, noise) if inplace_ else E._mul(input, noise)


def _rrelu_noise(input, lower, upper, generator):  # noqa: A002
    """torch's training noise: 1, or for each element ``<= 0`` in C order a slope drawn as
    ``uniform_real_distribution<double>(lower, upper)`` (bounds in the op's math type)."""
    from .. import _sampling as S
    from .._factories import ones, tensor
    from .._random import generator_of

    neg = (input <= 0).detach()
    with generator_of(generator) as eng:
        slopes = S.rrelu_slopes(eng, int(neg.sum().item()), lower, upper, input.dtype.np)
    noise = ones(tuple(input.shape), dtype=input.dtype, device=input.device)
    noise[neg] = tensor(slopes, dtype=input.dtype, device=input.device)
    return noise


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):  # noqa: A002
    """Randomized leaky ReLU: slope ~ U(lower, upper) when training, else their mean."""
    return rrelu_impl(input, lower, upper, training, False, generator)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):  # noqa: A002
    """In-place :func:`rrelu`."""
    return rrelu_impl(input, lower, upper, training, True, generator)


def _softmax_common(input, dim, dtype, kernel):
    from .._size import wrap_dim
    from .._tensor import Tensor
    from ._promote import cast

    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{kernel}(): argument 'dim' must be int, not {type(dim).__name__}")
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{kernel}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    d = wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = cast(input, dtype)
    if input._data.dtype not in FLOAT_NP or input._data.dtype.kind == "c":
        last = "lastdim_" if d == input.ndim - 1 or input.ndim == 0 else ""
        raise kernel_not_implemented(f"{kernel}_{last}kernel_impl", input.dtype)
    return input, d


def softmax(input, dim, dtype=None):  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably; ``dtype`` casts first."""
    x, d = _softmax_common(input, dim, dtype, "softmax")
    return _softmax(x, dim=d)


def log_softmax(input, dim, dtype=None):  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``, computed stably; ``dtype`` casts first."""
    x, d = _softmax_common(input, dim, dtype, "log_softmax")
    return _log_softmax(x, dim=d)


@tensor_method("softmax")
def _softmax_method(self, dim, dtype=None):
    return softmax(self, dim, dtype)


@tensor_method("log_softmax")
def _log_softmax_method(self, dim, dtype=None):
    return log_softmax(self, dim, dtype)
