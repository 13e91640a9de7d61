"""Activation primitives: pointwise activations with a fused backward, and the softmax family.

The public functions are in :mod:`ember.ops.activations` (``ember.relu``, ``ember.softmax``, ...)
and :mod:`ember.nn.functional`.

NOTE [ Activation backward ]
Each activation ``f`` is a primitive whose backward is a second primitive ``f_backward(g, x)``
computing ``g * f'(x)`` in one pass over the arrays. That primitive has its own backward,
written with ember ops (``h * f''(x)``), so double backward works and first-order backward
stays a single fused kernel. Piecewise-linear activations have ``f'' = 0`` almost everywhere:
their ``f_backward`` is differentiable in ``g`` only. softmax and log_softmax are fused the same
way (``_softmax_backward_data`` / ``_log_softmax_backward_data``, PyTorch's names).
"""

from __future__ import annotations

import math

from ..._backend import special_of
from .._registry import defop
from .pointwise import sigmoid_kernel


def lift_0d(fn):
    """Run ``fn`` on 1-element views of 0-d arrays: NumPy turns 0-d results into scalars,
    which the in-place steps of the kernels cannot write to."""

    def run(xp, *arrays, **params):
        if arrays[0].ndim:
            return fn(xp, *arrays, **params)
        return fn(xp, *(a.reshape(1) for a in arrays), **params).reshape(())

    run.__name__ = fn.__name__
    run.__doc__ = fn.__doc__
    return run


def _dot_along(xp, a, b, dim):
    """``sum(a * b, dim, keepdims=True)``; a batched matrix product when ``dim`` is last."""
    if dim == a.ndim - 1 and a.shape == b.shape:
        return xp.matmul(a[..., None, :], b[..., :, None])[..., 0]
    return xp.sum(a * b, axis=dim, keepdims=True)


# ---------------------------------------------------------------------------- softmax family


@defop("_softmax")
@lift_0d
def _softmax(xp, x, dim):
    if x.size == 0:
        return xp.empty_like(x)
    out = x - xp.max(x, axis=dim, keepdims=True)
    xp.exp(out, out=out)
    out /= xp.sum(out, axis=dim, keepdims=True)
    return out


@_softmax.vjp(save_output=True)
def _softmax_vjp(ctx, g):
    return _softmax_backward(g, ctx.output, dim=ctx.params["dim"])


@defop("_softmax_backward_data")
@lift_0d
def _softmax_backward(xp, g, y, dim):
    out = g - _dot_along(xp, g, y, dim)
    out *= y
    return out


@_softmax_backward.vjp(save_inputs=True)
def _softmax_backward_vjp(ctx, gg):
    g, y = ctx.inputs
    dim = ctx.params["dim"]
    need = ctx.needs_input_grad
    grad_g = _softmax_backward(gg, y, dim=dim) if need[0] else None
    grad_y = None
    if need[1]:
        s = (g * y).sum(dim, keepdim=True)
        grad_y = gg * (g - s) - g * (gg * y).sum(dim, keepdim=True)
    return grad_g, grad_y


@defop("_log_softmax")
@lift_0d
def _log_softmax(xp, x, dim):
    if x.size == 0:
        return xp.empty_like(x)
    out = x - xp.max(x, axis=dim, keepdims=True)
    out -= xp.log(xp.sum(xp.exp(out), axis=dim, keepdims=True))
    return out


@_log_softmax.vjp(save_output=True)
def _log_softmax_vjp(ctx, g):
    return _log_softmax_backward(g, ctx.output, dim=ctx.params["dim"])


@defop("_log_softmax_backward_data")
@lift_0d
def _log_softmax_backward(xp, g, y, dim):
    out = xp.exp(y)
    out *= xp.sum(g, axis=dim, keepdims=True)
    return xp.subtract(g, out, out=out)


@_log_softmax_backward.vjp(save_inputs=True)
def _log_softmax_backward_vjp(ctx, gg):
    g, y = ctx.inputs
    dim = ctx.params["dim"]
    need = ctx.needs_input_grad
    p = y.exp()
    grad_g = gg - (gg * p).sum(dim, keepdim=True) if need[0] else None
    grad_y = -gg * p * g.sum(dim, keepdim=True) if need[1] else None
    return grad_g, grad_y


# ---------------------------------------------------------------------------- activations

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_A = 0.044715


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
        inner *= x
        inner *= 0.5
        return inner
    inner = _erf(xp, x * (1 / _SQRT_2))
    inner += 1
    inner *= x
    inner *= 0.5
    inner[inner == xp.inf] = xp.nan  # torch's exact gelu gives nan at +inf (its CPU kernel)
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
