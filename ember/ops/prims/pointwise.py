"""Elementwise primitives: arithmetic, powers, exponentials, trigonometry, rounding.

Each primitive's forward (on arrays, through ``xp``) sits next to its backward (on Tensors).
Broadcasting is undone by the engine, so no formula here sums over broadcast dimensions.
"""

from __future__ import annotations

import math

from ..._backend import special_of
from .._registry import defop

_COMPLEX_NAMES = {"complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _no_complex(x, message, exc=NotImplementedError):
    """PyTorch's refusal of a complex array by an op that needs an order (``<``, ``floor``,
    ``clamp``, ``maximum``); ``{dtype}`` in ``message`` is its scalar-type name."""
    if x.dtype.kind == "c":
        raise exc(message.format(dtype=_COMPLEX_NAMES[x.dtype.name]))


def _unordered(name):
    return f"{name} not implemented for complex tensors."


# ---------------------------------------------------------------------------- dtype cast


@defop("_to_copy")
def _cast(xp, x, dtype):
    if x.dtype.kind == "c" and dtype.kind != "c":
        if dtype.kind == "b":
            return x != 0
        x = x.real  # complex to real keeps the real part (the public cast warns)
    return x.astype(dtype)


@_cast.vjp()
def _cast_backward(ctx, g):
    return g  # the engine casts the gradient back to the input's dtype


# ---------------------------------------------------------------------------- arithmetic


@defop("add")
def _add(xp, a, b):
    return a + b


@_add.vjp()
def _add_backward(ctx, g):
    return g, g


@defop("sub")
def _sub(xp, a, b):
    return a - b


@_sub.vjp()
def _sub_backward(ctx, g):
    return g, (-g if ctx.needs_input_grad[1] else None)


@defop("mul")
def _mul(xp, a, b):
    return a * b


@_mul.vjp(save_inputs=True)
def _mul_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    return (g * b.conj() if need[0] else None), (g * a.conj() if need[1] else None)


@defop("div")
def _div(xp, a, b):
    return a / b


@_div.vjp(save_inputs=True)
def _div_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    ga = g / b.conj() if need[0] else None
    gb = -g * (a / (b * b)).conj() if need[1] else None
    return ga, gb


@defop("neg")
def _neg(xp, x):
    return -x


@_neg.vjp()
def _neg_backward(ctx, g):
    return -g


@defop("pow")
def _pow(xp, a, b):
    if b.dtype.kind == "i" and a.dtype.kind in "iu" and (b < 0).any():
        # PyTorch's powi, where NumPy refuses integers to negative powers: 1 ** -n is 1,
        # (-1) ** -n is +-1, anything else ** -n truncates to 0
        neg = b < 0
        ones = xp.where(b % 2 == 0, 1, -1)
        small = xp.where(a == 1, 1, xp.where(a == -1, ones, 0)).astype(a.dtype)
        return xp.where(neg, small, a ** xp.where(neg, 0, b))
    return a**b


@_pow.vjp(save_inputs=True, save_output=True)
def _pow_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    ga = gb = None
    if need[0]:
        # d/da a^b = b * a^(b-1), defined as 0 where b == 0 (PyTorch's convention)
        ga = (g * (b * a ** (b - 1)).conj()).masked_fill(b == 0, 0.0)
    if need[1]:
        gb = (g * (ctx.output * a.log()).conj()).masked_fill((a == 0) & (b.real >= 0), 0.0)
    return ga, gb


@defop("floor_divide")
def _floor_divide(xp, a, b):
    return xp.floor_divide(a, b)


@defop("remainder")
def _remainder(xp, a, b):
    _no_complex(a, "\"remainder_cpu\" not implemented for '{dtype}'")
    return xp.remainder(a, b)


@_remainder.vjp(save_inputs=True)
def _remainder_backward(ctx, g):
    a, b = ctx.inputs
    return g, (-g * (a / b).floor() if ctx.needs_input_grad[1] else None)


@defop("fmod")
def _fmod(xp, a, b):
    _no_complex(a, "\"fmod_cpu\" not implemented for '{dtype}'")
    return xp.fmod(a, b)


@_fmod.vjp(save_inputs=True)
def _fmod_backward(ctx, g):
    a, b = ctx.inputs
    return g, (-g * (a / b).trunc() if ctx.needs_input_grad[1] else None)


@defop("atan2")
def _atan2(xp, a, b):
    return xp.arctan2(a, b)


@_atan2.vjp(save_inputs=True)
def _atan2_backward(ctx, g):
    a, b = ctx.inputs
    denom = a * a + b * b
    return g * b / denom, -g * a / denom


@defop("hypot")
def _hypot(xp, a, b):
    return xp.hypot(a, b)


@_hypot.vjp(save_inputs=True, save_output=True)
def _hypot_backward(ctx, g):
    a, b = ctx.inputs
    return g * a / ctx.output, g * b / ctx.output


@defop("maximum")
def _maximum(xp, a, b):
    _no_complex(a, _unordered("maximum"), RuntimeError)
    return xp.maximum(a, b)


@_maximum.vjp(save_inputs=True)
def _maximum_backward(ctx, g):
    a, b = ctx.inputs
    return _select_grad(g, a, b, a > b)


@defop("minimum")
def _minimum(xp, a, b):
    _no_complex(a, _unordered("minimum"), RuntimeError)
    return xp.minimum(a, b)


@_minimum.vjp(save_inputs=True)
def _minimum_backward(ctx, g):
    a, b = ctx.inputs
    return _select_grad(g, a, b, a < b)


@defop("fmax")
def _fmax(xp, a, b):
    _no_complex(a, _unordered("fmax"), RuntimeError)
    return xp.fmax(a, b)


@_fmax.vjp(save_inputs=True)
def _fmax_backward(ctx, g):
    a, b = ctx.inputs
    return _select_grad(g, a, b, (a > b) | b.isnan())


@defop("fmin")
def _fmin(xp, a, b):
    _no_complex(a, _unordered("fmin"), RuntimeError)
    return xp.fmin(a, b)


@_fmin.vjp(save_inputs=True)
def _fmin_backward(ctx, g):
    a, b = ctx.inputs
    return _select_grad(g, a, b, (a < b) | b.isnan())


def _select_grad(g, a, b, a_wins):
    """Gradient routing for max/min: the winner gets it, ties split it in half (as PyTorch)."""
    tie = a == b
    half = g * 0.5
    ga = g.where(a_wins, g.new_zeros(g.shape)).where(~tie, half)
    gb = g.where(~a_wins, g.new_zeros(g.shape)).where(~tie, half)
    return ga, gb


@defop("where")
def _where(xp, cond, a, b):
    return xp.where(cond, a, b)


@_where.vjp(save_inputs=True)
def _where_backward(ctx, g):
    cond = ctx.inputs[0]
    zero = g.new_zeros(g.shape)
    need = ctx.needs_input_grad
    return (
        None,
        g.where(cond, zero) if need[1] else None,
        zero.where(cond, g) if need[2] else None,
    )


@defop("lerp")
def _lerp(xp, a, b, w):
    return a + w * (b - a)


@_lerp.vjp(save_inputs=True)
def _lerp_backward(ctx, g):
    a, b, w = ctx.inputs
    need = ctx.needs_input_grad
    return (
        g * (1 - w).conj() if need[0] else None,
        g * w.conj() if need[1] else None,
        g * (b - a).conj() if need[2] else None,
    )


# ---------------------------------------------------------------------------- unary math
# name: (forward on arrays, backward from (x, out, g), saves input, saves output)


def _unary(name, forward, backward, save_input=False, save_output=False):
    op = defop(name)(forward)

    def vjp(ctx, g):
        x = ctx.inputs[0] if save_input else None
        return backward(x, ctx.output, g)

    vjp.__name__ = f"{name}_backward"
    if backward is not None:
        op.vjp(save_inputs=save_input, save_output=save_output)(vjp)
    return op


def _zero_grad(x, out, g):
    return g.new_zeros(g.shape)


_abs = _unary("abs", lambda xp, x: xp.abs(x), lambda x, o, g: g * x.sgn(), save_input=True)


def _sign_forward(xp, x):
    _no_complex(
        x,
        "Unlike NumPy, torch.sign is not intended to support complex numbers. Please use "
        "torch.sgn instead.",
    )
    out = xp.sign(x)
    if out.dtype.kind == "f":
        out = xp.nan_to_num(out, nan=0.0)  # torch: sign(nan) is 0
    return out


_sign = _unary("sign", _sign_forward, _zero_grad)
_reciprocal = _unary(
    "reciprocal", lambda xp, x: 1 / x, lambda x, o, g: -g * (o * o).conj(), save_output=True
)
_sqrt = _unary(
    "sqrt", lambda xp, x: xp.sqrt(x), lambda x, o, g: g / (2 * o.conj()), save_output=True
)
_rsqrt = _unary(
    "rsqrt",
    lambda xp, x: 1 / xp.sqrt(x),
    lambda x, o, g: -0.5 * g * (o * o * o).conj(),
    save_output=True,
)
_exp = _unary("exp", lambda xp, x: xp.exp(x), lambda x, o, g: g * o.conj(), save_output=True)
_exp2 = _unary(
    "exp2", lambda xp, x: xp.exp2(x), lambda x, o, g: g * o.conj() * math.log(2), save_output=True
)
_expm1 = _unary(
    "expm1", lambda xp, x: xp.expm1(x), lambda x, o, g: g * (o + 1).conj(), save_output=True
)
_log = _unary("log", lambda xp, x: xp.log(x), lambda x, o, g: g / x.conj(), save_input=True)
_log2 = _unary(
    "log2", lambda xp, x: xp.log2(x), lambda x, o, g: g / (x.conj() * math.log(2)), save_input=True
)
_log10 = _unary(
    "log10",
    lambda xp, x: xp.log10(x),
    lambda x, o, g: g / (x.conj() * math.log(10)),
    save_input=True,
)
_log1p = _unary(
    "log1p", lambda xp, x: xp.log1p(x), lambda x, o, g: g / (x + 1).conj(), save_input=True
)
_sin = _unary("sin", lambda xp, x: xp.sin(x), lambda x, o, g: g * x.cos().conj(), save_input=True)
_cos = _unary("cos", lambda xp, x: xp.cos(x), lambda x, o, g: -g * x.sin().conj(), save_input=True)
_tan = _unary(
    "tan", lambda xp, x: xp.tan(x), lambda x, o, g: g * (1 + o * o).conj(), save_output=True
)
_asin = _unary(
    "asin",
    lambda xp, x: xp.arcsin(x),
    lambda x, o, g: g * (1 - x * x).rsqrt().conj(),
    save_input=True,
)
_acos = _unary(
    "acos",
    lambda xp, x: xp.arccos(x),
    lambda x, o, g: -g * (1 - x * x).rsqrt().conj(),
    save_input=True,
)
_atan = _unary(
    "atan", lambda xp, x: xp.arctan(x), lambda x, o, g: g / (1 + x * x).conj(), save_input=True
)
_sinh = _unary(
    "sinh", lambda xp, x: xp.sinh(x), lambda x, o, g: g * x.cosh().conj(), save_input=True
)
_cosh = _unary(
    "cosh", lambda xp, x: xp.cosh(x), lambda x, o, g: g * x.sinh().conj(), save_input=True
)
_tanh = _unary(
    "tanh", lambda xp, x: xp.tanh(x), lambda x, o, g: g * (1 - o * o).conj(), save_output=True
)
_asinh = _unary(
    "asinh",
    lambda xp, x: xp.arcsinh(x),
    lambda x, o, g: g * (x * x + 1).rsqrt().conj(),
    save_input=True,
)
_acosh = _unary(
    "acosh",
    lambda xp, x: xp.arccosh(x),
    lambda x, o, g: g * (x * x - 1).rsqrt().conj(),
    save_input=True,
)
_atanh = _unary(
    "atanh", lambda xp, x: xp.arctanh(x), lambda x, o, g: g / (1 - x * x).conj(), save_input=True
)


def sigmoid_kernel(xp, x):
    """``1 / (1 + exp(-x))`` on an array: the one sigmoid kernel (the sigmoid op, and silu, mish,
    softplus and logsigmoid in :mod:`ember.ops.prims.activations`, compute with it).

    As PyTorch's CPU kernel: for very negative x, ``exp(-x)`` overflows to inf and the result is
    exactly 0; half precision is computed in float32.
    """
    if x.dtype.itemsize < 4:
        return sigmoid_kernel(xp, x.astype(xp.float32)).astype(x.dtype)
    e = xp.exp(-x)
    e += 1
    return xp.reciprocal(e, out=e) if e.ndim else 1 / e


_sigmoid = _unary(
    "sigmoid", sigmoid_kernel, lambda x, o, g: g * (o * (1 - o)).conj(), save_output=True
)
_erf = _unary(
    "erf",
    lambda xp, x: special_of(xp).erf(x),
    lambda x, o, g: g * (2 / math.sqrt(math.pi)) * (-x * x).exp(),
    save_input=True,
)
_erfc = _unary(
    "erfc",
    lambda xp, x: special_of(xp).erfc(x),
    lambda x, o, g: -g * (2 / math.sqrt(math.pi)) * (-x * x).exp(),
    save_input=True,
)
_erfinv = _unary(
    "erfinv",
    lambda xp, x: special_of(xp).erfinv(x),
    lambda x, o, g: g * (math.sqrt(math.pi) / 2) * (o * o).exp(),
    save_output=True,
)
_lgamma = _unary(
    "lgamma",
    lambda xp, x: special_of(xp).lgamma(x),
    lambda x, o, g: g * x.digamma(),
    save_input=True,
)
_digamma = _unary(
    "digamma",
    lambda xp, x: special_of(xp).digamma(x),
    lambda x, o, g: g * x.polygamma(1),
    save_input=True,
)


def _rounding(name):
    def forward(xp, x):
        _no_complex(x, f"{name} is not supported for complex inputs")
        return getattr(xp, name)(x)

    return forward


def _frac_forward(xp, x):
    _no_complex(x, "\"frac_cpu\" not implemented for '{dtype}'")
    return x - xp.trunc(x)


_floor = _unary("floor", _rounding("floor"), _zero_grad)
_ceil = _unary("ceil", _rounding("ceil"), _zero_grad)
_trunc = _unary("trunc", _rounding("trunc"), _zero_grad)
_frac = _unary("frac", _frac_forward, lambda x, o, g: g)


@defop("polygamma")
def _polygamma(xp, x, n):
    return special_of(xp).polygamma(n, x).astype(x.dtype, copy=False)


@_polygamma.vjp(save_inputs=True)
def _polygamma_backward(ctx, g):
    return g * ctx.inputs[0].polygamma(ctx.params["n"] + 1)


@defop("round")
def _round(xp, x, decimals):
    _no_complex(x, "\"round_vml_cpu\" not implemented for '{dtype}'")
    return xp.round(x, decimals)


@_round.vjp()
def _round_backward(ctx, g):
    return g.new_zeros(g.shape)


@defop("logit")
def _logit(xp, x, eps):
    if eps is not None:
        x = xp.clip(x, eps, 1 - eps)
    return xp.log(x / (1 - x))


@_logit.vjp(save_inputs=True)
def _logit_backward(ctx, g):
    x = ctx.inputs[0]
    eps = ctx.params["eps"]
    grad = g / (x * (1 - x))
    if eps is not None:
        grad = grad.masked_fill((x < eps) | (x > 1 - eps), 0.0)
    return grad


_CLAMP_COMPLEX = "clamp is not supported for complex types"


@defop("clamp")
def _clamp(xp, x, lo, hi):
    _no_complex(x, _CLAMP_COMPLEX)
    if lo is not None:
        x = xp.maximum(x, lo)
    if hi is not None:
        x = xp.minimum(x, hi)
    return x


@_clamp.vjp(save_inputs=True)
def _clamp_backward(ctx, g):
    x = ctx.inputs[0]
    lo, hi = ctx.params["lo"], ctx.params["hi"]
    keep = None
    if lo is not None:
        keep = x >= lo
    if hi is not None:
        keep = (x <= hi) if keep is None else keep & (x <= hi)
    return g if keep is None else g.where(keep, g.new_zeros(g.shape))


@defop("clamp_tensor")
def _clamp_tensor(xp, x, lo, hi):
    _no_complex(x, _CLAMP_COMPLEX)
    return xp.minimum(xp.maximum(x, lo), hi)


@_clamp_tensor.vjp(save_inputs=True)
def _clamp_tensor_backward(ctx, g):
    x, lo, hi = ctx.inputs
    zero = g.new_zeros(g.shape)
    need = ctx.needs_input_grad
    above = x.maximum(lo) > hi  # the result is hi (also wherever lo > hi, as in PyTorch)
    below = (x < lo) & ~above
    inside = ~below & ~above
    return (
        g.where(inside, zero) if need[0] else None,
        g.where(below, zero) if need[1] else None,
        g.where(above, zero) if need[2] else None,
    )


@defop("nan_to_num")
def _nan_to_num(xp, x, nan, posinf, neginf):
    return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


@_nan_to_num.vjp(save_inputs=True)
def _nan_to_num_backward(ctx, g):
    x = ctx.inputs[0]
    return g.masked_fill(~x.isfinite(), 0.0)


# ---------------------------------------------------------------------------- no gradient


def _nograd(name, fn):
    return defop(name)(fn)


_eq = _nograd("eq", lambda xp, a, b: a == b)
_ne = _nograd("ne", lambda xp, a, b: a != b)


def _ordered(name, compare):
    message = f'"{name}_cpu" not implemented for ' + "'{dtype}'"

    def forward(xp, a, b):
        _no_complex(a, message)
        return compare(a, b)

    return forward


_lt = _nograd("lt", _ordered("lt", lambda a, b: a < b))
_le = _nograd("le", _ordered("le", lambda a, b: a <= b))
_gt = _nograd("gt", _ordered("gt", lambda a, b: a > b))
_ge = _nograd("ge", _ordered("ge", lambda a, b: a >= b))
_logical_and = _nograd("logical_and", lambda xp, a, b: xp.logical_and(a, b))
_logical_or = _nograd("logical_or", lambda xp, a, b: xp.logical_or(a, b))
_logical_xor = _nograd("logical_xor", lambda xp, a, b: xp.logical_xor(a, b))
_logical_not = _nograd("logical_not", lambda xp, x: xp.logical_not(x))
_bitwise_and = _nograd("bitwise_and", lambda xp, a, b: a & b)
_bitwise_or = _nograd("bitwise_or", lambda xp, a, b: a | b)
_bitwise_xor = _nograd("bitwise_xor", lambda xp, a, b: a ^ b)
_bitwise_not = _nograd("bitwise_not", lambda xp, x: ~x)
_left_shift = _nograd("bitwise_left_shift", lambda xp, a, b: xp.left_shift(a, b))
_right_shift = _nograd("bitwise_right_shift", lambda xp, a, b: xp.right_shift(a, b))
_isnan = _nograd("isnan", lambda xp, x: xp.isnan(x))
_isinf = _nograd("isinf", lambda xp, x: xp.isinf(x))
_isfinite = _nograd("isfinite", lambda xp, x: xp.isfinite(x))
_isposinf = _nograd("isposinf", lambda xp, x: xp.isposinf(x))
_isneginf = _nograd("isneginf", lambda xp, x: xp.isneginf(x))
_signbit = _nograd("signbit", lambda xp, x: xp.signbit(x))
_isclose = _nograd(
    "isclose",
    lambda xp, a, b, rtol, atol, equal_nan: xp.isclose(
        a, b, rtol=rtol, atol=atol, equal_nan=equal_nan
    ),
)
