"""Activation functions: pointwise primitives with fused backward, and the ``ember.<name>``
functions PyTorch has at top level (relu, selu, celu, threshold, hardshrink, prelu, rrelu,
softmax, log_softmax).

NOTE [ Activation backward ]
Each activation ``f`` is a primitive whose backward is a second primitive ``f_backward(g, x)``
computing ``g * f'(x)`` in one pass over the arrays. That primitive has its own backward,
written with ember ops (``h * f''(x)``), so double backward works and first-order backward
stays a single fused kernel. Piecewise-linear activations have ``f'' = 0`` almost everywhere:
their ``f_backward`` is differentiable in ``g`` only.
"""

from __future__ import annotations

import math

from .. import _dtype
from .._backend import special_of
from ._promote import FLOAT_NP
from ._registry import defop, inplace
from .prims import pointwise as E
from .prims.nn import _log_softmax, _softmax, lift_0d
from .prims.pointwise import sigmoid_kernel

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

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_A = 0.044715
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _activation(name, forward, grad, grad2=None, save_output=False):
    """Declare ``name`` and ``name_backward`` (see NOTE [ Activation backward ]).

    ``forward(xp, x, **p)`` and ``grad(xp, g, x, **p) -> g * f'(x)`` work on arrays;
    ``grad2(h, x, **p) -> h * f''(x)`` on Tensors (None: ``f''`` is zero). With
    ``save_output`` the backward reads the output instead of the input (relu's mask).
    """
    op = defop(name)(lift_0d(forward))
    bwd = defop(name + "_backward")(lift_0d(grad))

    def bwd_backward(ctx, gg):
        g, x = ctx.inputs
        need = ctx.needs_input_grad
        gg_g = bwd(gg, x, **ctx.params) if need[0] else None
        gg_x = grad2(gg * g, x, **ctx.params) if need[1] and grad2 is not None else None
        return gg_g, gg_x

    def backward(ctx, g):
        return bwd(g, ctx.output if save_output else ctx.inputs[0], **ctx.params)

    bwd_backward.__name__ = f"{name}_backward_backward"
    backward.__name__ = f"{name}_backward"
    bwd.vjp(save_inputs=True)(bwd_backward)
    op.vjp(save_inputs=not save_output, save_output=save_output)(backward)
    return op


# ---------------------------------------------------------------------------- piecewise linear
# NOTE [ Masks by multiplication ]
# The kernels multiply by a boolean mask instead of calling ``where``: on random data NumPy's
# ``where`` mispredicts a branch per element and runs ~10x slower than a multiply. The one
# difference is an inf/NaN upstream gradient at a masked position (NaN instead of 0).

_relu = _activation(
    "relu", lambda xp, x: xp.maximum(x, 0), lambda xp, g, y: g * (y > 0), save_output=True
)

_threshold = _activation(
    "threshold",
    lambda xp, x, threshold, value: xp.where(x <= threshold, value, x).astype(x.dtype, copy=False),
    lambda xp, g, x, threshold, value: g * (x > threshold),
)

_hardtanh = _activation(
    "hardtanh",
    lambda xp, x, min_val, max_val: xp.clip(x, min_val, max_val).astype(x.dtype, copy=False),
    lambda xp, g, x, min_val, max_val: g * ((x > min_val) & (x < max_val)),
)


def _leaky_relu_forward(xp, x, negative_slope):
    # for slope <= 1 the larger of x and slope * x is x when x > 0, else slope * x
    pick = xp.maximum if negative_slope <= 1 else xp.minimum
    return pick(x, x * negative_slope)


def _leaky_relu_grad(xp, g, x, negative_slope):
    out = (x > 0).astype(g.dtype)
    out *= 1 - negative_slope
    out += negative_slope
    out *= g
    return out


_leaky_relu = _activation("leaky_relu", _leaky_relu_forward, _leaky_relu_grad)


def _outside(x, lambd):
    return (x < -lambd) | (x > lambd)


_hardshrink = _activation(
    "hardshrink",
    lambda xp, x, lambd: x * _outside(x, lambd),
    lambda xp, g, x, lambd: g * _outside(x, lambd),
)

_softshrink = _activation(
    "softshrink",
    lambda xp, x, lambd: x - xp.clip(x, -lambd, lambd),
    lambda xp, g, x, lambd: g * _outside(x, lambd),
)

_hardsigmoid = _activation(
    "hardsigmoid",
    lambda xp, x: xp.clip(x + 3, 0, 6) / 6,
    lambda xp, g, x: g * ((x > -3) & (x < 3)) / 6,
)


def _hardswish_grad(xp, g, x):
    out = x / 3 + 0.5
    out *= (x > -3) & (x < 3)
    out += x >= 3
    out *= g
    return out


_hardswish = _activation(
    "hardswish",
    lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
    _hardswish_grad,
    lambda h, x: (h / 3).masked_fill((x <= -3) | (x >= 3), 0.0),
)


# ---------------------------------------------------------------------------- smooth


def _elu_forward(xp, x, alpha, scale, input_scale):
    out = xp.expm1(xp.minimum(x, 0) * input_scale)
    out *= alpha * scale
    out += xp.maximum(x, 0) * scale
    return out


def _elu_grad(xp, g, x, alpha, scale, input_scale):
    out = xp.exp(xp.minimum(x, 0) * input_scale)
    out *= alpha * scale * input_scale
    pos = x > 0
    out *= ~pos
    out += pos * scale
    out *= g
    return out


def _elu_grad2(h, x, alpha, scale, input_scale):
    curve = (x.clamp(max=0) * input_scale).exp() * (alpha * scale * input_scale * input_scale)
    return (h * curve).masked_fill(x > 0, 0.0)


_elu = _activation("elu", _elu_forward, _elu_grad, _elu_grad2)


def _erf(xp, x):
    """erf. Below float64 it is PyTorch's own vectorised CPU formula (Abramowitz & Stegun
    7.1.26, error < 1.5e-7), a few array passes instead of SciPy's slow scalar loop."""
    if x.dtype.itemsize >= 8:
        return special_of(xp).erf(x)
    a = xp.abs(x)
    t = a * 0.3275911
    t += 1
    t = xp.reciprocal(t, out=t)
    r = t * 1.061405429
    for c in (-1.453152027, 1.421413741, -0.284496736):
        r += c
        r *= t
    r += 0.254829592
    r *= t
    a *= a
    a *= -1
    r *= xp.exp(a, out=a)
    xp.subtract(1, r, out=r)
    return xp.copysign(r, x, out=r)


def _gelu_forward(xp, x, approximate):
    if approximate == "tanh":
        inner = xp.tanh(_SQRT_2_OVER_PI * (x + _GELU_A * x * x * x))
        inner += 1
    else:
        inner = _erf(xp, x * (1 / _SQRT_2))
        inner += 1
    inner *= x
    inner *= 0.5
    return inner


def _gelu_grad(xp, g, x, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = xp.tanh(_SQRT_2_OVER_PI * x * (1 + _GELU_A * x2))
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_A * x2)
        out = 0.5 * x * (1 - t * t) * du
        out += 0.5 * (1 + t)
    else:
        out = xp.exp(-0.5 * x * x)
        out *= x * _INV_SQRT_2PI
        cdf = _erf(xp, x * (1 / _SQRT_2))
        cdf += 1
        cdf *= 0.5
        out += cdf
    out *= g
    return out


def _gelu_grad2(h, x, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = (_SQRT_2_OVER_PI * x * (1 + _GELU_A * x2)).tanh()
        du = _SQRT_2_OVER_PI * (1 + 3 * _GELU_A * x2)
        ddu = (6 * _SQRT_2_OVER_PI * _GELU_A) * x
        return h * (1 - t * t) * (du + 0.5 * x * (ddu - 2 * t * du * du))
    pdf = (-0.5 * x * x).exp() * _INV_SQRT_2PI
    return h * pdf * (2 - x * x)


_gelu = _activation("gelu", _gelu_forward, _gelu_grad, _gelu_grad2)


def _silu_grad(xp, g, x):
    s = sigmoid_kernel(xp, x)
    out = 1 - s
    out *= x
    out += 1
    out *= s
    out *= g
    return out


def _silu_grad2(h, x):
    s = x.sigmoid()
    return h * s * (1 - s) * (2 + x * (1 - 2 * s))


_silu = _activation("silu", lambda xp, x: x * sigmoid_kernel(xp, x), _silu_grad, _silu_grad2)


def _softplus_raw(xp, x):
    """``log(1 + exp(x))`` without overflow."""
    out = xp.log1p(xp.exp(-xp.abs(x)))
    out += xp.maximum(x, 0)
    return out


def _mish_grad(xp, g, x):
    t = xp.tanh(_softplus_raw(xp, x))
    out = x * (1 - t * t)
    out *= sigmoid_kernel(xp, x)
    out += t
    out *= g
    return out


def _mish_grad2(h, x):
    s = x.sigmoid()
    t = (x.clamp(min=0) + (-x.abs()).exp().log1p()).tanh()
    return h * (1 - t * t) * s * (2 + x * (1 - s - 2 * t * s))


_mish = _activation(
    "mish", lambda xp, x: x * xp.tanh(_softplus_raw(xp, x)), _mish_grad, _mish_grad2
)


def _softplus_forward(xp, x, beta, threshold):
    bx = x * beta
    return xp.where(bx > threshold, x, _softplus_raw(xp, bx) / beta)


def _softplus_grad(xp, g, x, beta, threshold):
    bx = x * beta
    return xp.where(bx > threshold, g, g * sigmoid_kernel(xp, bx))


def _softplus_grad2(h, x, beta, threshold):
    s = (x * beta).sigmoid()
    return (h * beta * s * (1 - s)).masked_fill(x * beta > threshold, 0.0)


_softplus = _activation("softplus", _softplus_forward, _softplus_grad, _softplus_grad2)


def _log_sigmoid_forward(xp, x):
    return -_softplus_raw(xp, -x)


def _log_sigmoid_grad2(h, x):
    s = x.sigmoid()
    return -h * s * (1 - s)


_log_sigmoid = _activation(
    "log_sigmoid",
    _log_sigmoid_forward,
    lambda xp, g, x: g * sigmoid_kernel(xp, -x),
    _log_sigmoid_grad2,
)


# ---------------------------------------------------------------------------- prelu


@defop("prelu")
def _prelu(xp, x, w):
    return xp.where(x > 0, x, w * x)


@_prelu.vjp(save_inputs=True)
def _prelu_backward(ctx, g):
    x, w = ctx.inputs
    need = ctx.needs_input_grad
    pos = x > 0
    gx = g.where(pos, g * w) if need[0] else None
    gw = (g * x).masked_fill(pos, 0.0) if need[1] else None
    return gx, gw


# ---------------------------------------------------------------------------- checks


def check_float(x, kernel: str):
    """PyTorch's NotImplementedError for a kernel that has no integer or bool version."""
    if x._data.dtype not in FLOAT_NP:
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{_cname(x.dtype)}'")


def _cname(d) -> str:
    return {
        "int64": "Long",
        "int32": "Int",
        "int16": "Short",
        "int8": "Char",
        "uint8": "Byte",
        "bool": "Bool",
        "float32": "Float",
        "float64": "Double",
        "float16": "Half",
        "bfloat16": "BFloat16",
    }[d.name]


def apply(op, x, inplace_: bool = False, **params):
    """``op(x, **params)``, or written into ``x`` itself when ``inplace_``."""
    return inplace(op, x, **params) if inplace_ else op(x, **params)


# ---------------------------------------------------------------------------- public (torch.*)


def relu(input):  # noqa: A002
    """``max(input, 0)`` elementwise."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return _relu(input)


def relu_(input):  # noqa: A002
    """In-place :func:`relu`."""
    if input.dtype is _dtype.bool:
        raise RuntimeError("Boolean inputs not supported for relu")
    return inplace(_relu, input)


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


def hardshrink(input, lambd=0.5):  # noqa: A002
    """``input`` where ``|input| > lambd``, else 0."""
    check_float(input, "hardshrink_cpu")
    return _hardshrink(input, lambd=lambd)


def prelu(input, weight):  # noqa: A002
    """``max(0, x) + weight * min(0, x)`` with one weight, or one per channel (dim 1)."""
    if weight.ndim > 1:
        raise RuntimeError(
            f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}"
        )
    if input.dtype is not weight.dtype:
        raise RuntimeError(
            f"prelu: Type promoting not supported. Got {_cname(input.dtype)} and "
            f"{_cname(weight.dtype)}"
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
    from .._factories import rand

    noise = rand(input.shape, dtype=input.dtype, device=input.device, generator=generator)
    noise = (noise * (upper - lower) + lower).masked_fill(input > 0, 1.0)
    return inplace(E._mul, input, noise) if inplace_ else E._mul(input, noise)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):  # noqa: A002
    """Randomized leaky ReLU: slope ~ U(lower, upper) when training, else their mean."""
    return rrelu_impl(input, lower, upper, training, False, generator)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):  # noqa: A002
    """In-place :func:`rrelu`."""
    return rrelu_impl(input, lower, upper, training, True, generator)


def _softmax_common(input, dim, dtype, kernel):
    from .._tensor import Tensor
    from ._promote import cast, wrap_dim

    if not isinstance(dim, int) or isinstance(dim, bool):
        raise TypeError(f"{kernel}(): argument 'dim' must be int, not {type(dim).__name__}")
    if not isinstance(input, Tensor):
        raise TypeError(
            f"{kernel}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}"
        )
    d = wrap_dim(dim, input.ndim)
    if dtype is not None:
        input = cast(input, dtype)
    if input._data.dtype not in FLOAT_NP:
        last = "lastdim_" if d == input.ndim - 1 or input.ndim == 0 else ""
        raise NotImplementedError(
            f"\"{kernel}_{last}kernel_impl\" not implemented for '{_cname(input.dtype)}'"
        )
    return input, d


def softmax(input, dim, dtype=None):  # noqa: A002
    """``exp(x) / sum(exp(x))`` along ``dim``, computed stably; ``dtype`` casts first."""
    x, d = _softmax_common(input, dim, dtype, "softmax")
    return _softmax(x, dim=d)


def log_softmax(input, dim, dtype=None):  # noqa: A002
    """``x - logsumexp(x)`` along ``dim``, computed stably; ``dtype`` casts first."""
    x, d = _softmax_common(input, dim, dtype, "log_softmax")
    return _log_softmax(x, dim=d)


def _softmax_method(self, dim, dtype=None):
    return softmax(self, dim, dtype)


def _log_softmax_method(self, dim, dtype=None):
    return log_softmax(self, dim, dtype)


# Tensor methods bound by ember._methods.install(): name -> function(self, ...)
METHODS: dict = {
    "softmax": _softmax_method,
    "log_softmax": _log_softmax_method,
    "relu": relu,
    "relu_": relu_,
    "hardshrink": hardshrink,
    "prelu": prelu,
}
# names in METHODS that also get an in-place variant `name_` (relu_ is bound directly above:
# relu saves its output, so writing in place needs no snapshot copy)
INPLACE: list[str] = []
