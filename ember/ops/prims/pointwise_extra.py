"""More elementwise primitives: ``logaddexp``, ``logaddexp2``, ``copysign``, ``frexp`` (with
backwards) and the integer and bit-level ones PyTorch does not differentiate (``gcd``, ``lcm``,
``heaviside``, ``nextafter``, ``isin``). The public functions are in
:mod:`ember.ops.pointwise_extra`."""

from __future__ import annotations

import math

from .._registry import defop


@defop("logaddexp")
def _logaddexp(xp, a, b):
    return xp.logaddexp(a, b)


@_logaddexp.vjp(save_inputs=True)
def _logaddexp_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    return (
        g / (1 + (b - a).exp()) if need[0] else None,
        g / (1 + (a - b).exp()) if need[1] else None,
    )


@defop("logaddexp2")
def _logaddexp2(xp, a, b):
    return xp.logaddexp2(a, b)


@_logaddexp2.vjp(save_inputs=True)
def _logaddexp2_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    return (
        g / (1 + ((b - a) * math.log(2)).exp()) if need[0] else None,
        g / (1 + ((a - b) * math.log(2)).exp()) if need[1] else None,
    )


@defop("copysign")
def _copysign(xp, a, b):
    return xp.copysign(a, b)


@_copysign.vjp(save_inputs=True, save_output=True)
def _copysign_backward(ctx, g):
    a = ctx.inputs[0]
    zero = a == 0
    # d/da copysign(a, b) = sign(a) sign(b) = out / a; PyTorch takes 0 where a is 0
    slope = (ctx.output / a.masked_fill(zero, 1.0)).masked_fill(zero, 0.0)
    need = ctx.needs_input_grad
    return (g * slope if need[0] else None), (g.new_zeros(g.shape) if need[1] else None)


@defop("frexp", n_outputs=2)
def _frexp(xp, x):
    mantissa, exponent = xp.frexp(x)
    return mantissa, exponent.astype(xp.int32)


@_frexp.vjp(save_inputs=True)
def _frexp_backward(ctx, g_mantissa, g_exponent=None):
    x = ctx.inputs[0]
    _, exponent = _frexp(x.detach())
    return g_mantissa / exponent.to(g_mantissa.dtype).exp2()


_gcd = defop("gcd")(lambda xp, a, b: xp.gcd(a, b))
_lcm = defop("lcm")(lambda xp, a, b: xp.lcm(a, b))
_nextafter = defop("nextafter")(lambda xp, a, b: xp.nextafter(a, b))


@defop("heaviside")
def _heaviside(xp, x, values):
    return xp.where(x == 0, values, (x > 0).astype(x.dtype))


@defop("isin")
def _isin(xp, elements, test_elements, invert):
    return xp.isin(elements, test_elements, invert=invert)
