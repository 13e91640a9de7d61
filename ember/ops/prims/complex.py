"""Complex-number primitives: the parts of a complex tensor as views (``real``, ``imag``,
``view_as_real``, ``view_as_complex``), building one (``complex``), ``conj_physical``, ``angle``
and ``sgn``.

NOTE [ Complex gradients ]
As in PyTorch, the gradient of a real loss ``L`` with respect to a complex ``z = x + iy`` is
``dL/dx + i dL/dy`` (the conjugate Wirtinger derivative, times two). So for a holomorphic ``f``
the backward is ``g * conj(f'(z))``, which is why the formulas of the other families write
``.conj()`` on the factor they multiply by (a no-op, returning the tensor itself, when it is
real). A real input that receives a complex gradient keeps its real part, and a complex input
that receives a real one takes it as complex; the engine does both when it casts a gradient to
its input's dtype. For a function of ``z`` and ``conj(z)`` with output ``w``, the gradient is
``conj(dw/dz) * g + (dw/dconj(z)) * conj(g)``, which is how ``sgn``'s is derived below.
"""

from __future__ import annotations

from .._registry import defop


def _real_dtype(xp, x):
    return xp.float64 if x.dtype == xp.complex128 else xp.float32


@defop("real", view=True)
def _real(xp, x):
    return x.real


@_real.vjp()
def _real_backward(ctx, g):
    return g  # the engine makes it complex: g + 0j


@defop("imag", view=True)
def _imag(xp, x):
    return x.imag


@_imag.vjp()
def _imag_backward(ctx, g):
    return g * 1j


@defop("view_as_real", view=True)
def _view_as_real(xp, x):
    # a trailing axis of size 1 may take any stride, so the byte view splits every element
    return x[..., None].view(_real_dtype(xp, x))


@_view_as_real.vjp()
def _view_as_real_backward(ctx, g):
    return _complex(g[..., 0], g[..., 1])


@defop("view_as_complex", view=True)
def _view_as_complex(xp, x):
    return x.view(xp.complex128 if x.dtype == xp.float64 else xp.complex64)[..., 0]


@_view_as_complex.vjp()
def _view_as_complex_backward(ctx, g):
    return _view_as_real(g)


@defop("complex")
def _complex(xp, re, im):
    dtype = xp.complex128 if re.dtype == xp.float64 else xp.complex64
    out = xp.empty(xp.broadcast_shapes(re.shape, im.shape), dtype=dtype)
    out.real[...] = re  # not re + 1j * im, which turns an infinite part into NaNs
    out.imag[...] = im
    return out


@_complex.vjp()
def _complex_backward(ctx, g):
    need = ctx.needs_input_grad
    return (_real(g) if need[0] else None), (_imag(g) if need[1] else None)


@defop("conj_physical")
def _conj_physical(xp, x):
    return xp.conj(x)


@_conj_physical.vjp()
def _conj_physical_backward(ctx, g):
    return _conj_physical(g)


@defop("angle")
def _angle(xp, x):
    if x.dtype.kind == "c":
        return xp.angle(x)
    # PyTorch: pi for a negative number, 0 otherwise (-0.0 included), NaN stays
    out = xp.where(x < 0, xp.pi, 0.0).astype(x.dtype, copy=False)
    return xp.where(xp.isnan(x), x, out)


@_angle.vjp(save_inputs=True)
def _angle_backward(ctx, g):
    z = ctx.inputs[0]
    if not z.is_complex():
        return g.new_zeros(g.shape)
    # angle = atan2(y, x): d/dx = -y / |z|^2, d/dy = x / |z|^2, so the gradient is g i z / |z|^2
    r2 = z.abs().square()
    grad = g * (z * 1j) / r2
    return grad.masked_fill(r2 == 0, 0.0)


@defop("sgn")
def _sgn(xp, x):
    a = xp.abs(x)
    zero = a == 0
    return xp.where(zero, 0, x / xp.where(zero, 1, a)).astype(x.dtype, copy=False)


@_sgn.vjp(save_inputs=True, save_output=True)
def _sgn_backward(ctx, g):
    # s = z / |z|: ds/dz = 1 / (2|z|), ds/dconj(z) = -s^2 / (2|z|) (NOTE [ Complex gradients ])
    z, s = ctx.inputs[0], ctx.output
    r = z.abs()
    grad = (g - s * s * g.conj()) / (2 * r)
    return grad.masked_fill(r == 0, 0.0)
