"""Discrete Fourier transform primitives (PyTorch's ``_fft_c2c``, ``_fft_r2c``, ``_fft_c2r``),
forward and backward side by side.

Each transforms a tensor over ``dims`` whose sizes are already the signal sizes (the public
functions of :mod:`ember.ops.fft` pad or trim first, with differentiable ops), through the
array namespace's ``fft`` module. ``norm`` is the NumPy / PyTorch name of the scaling:
``"backward"`` scales the inverse transform by ``1/n``, ``"forward"`` the forward one, and
``"ortho"`` both by ``1/sqrt(n)``.

NOTE [ FFT adjoints ]
A transform is linear, so its gradient (PyTorch's conjugate convention, NOTE [ Complex
gradients ] in :mod:`ember.ops.prims.complex`) is its adjoint applied to the cotangent. The
adjoint of the DFT is the unscaled inverse DFT, so the adjoint of a transform is the transform
in the other direction with the scaling moved to the other side (``"backward"`` and
``"forward"`` swap, ``"ortho"`` stays):

- ``c2c``: the opposite ``c2c``;
- ``r2c`` (one-sided): the cotangent zero-padded back to the full last dimension, then the
  opposite ``c2c``; the engine keeps its real part for the real input;
- ``c2r``: an ``r2c`` of the cotangent, with every bin that stands for two (its own and its
  mirror image: all but the first and, for an even length, the last) doubled.
"""

from __future__ import annotations

from ... import _factories
from .._registry import defop
from .shape import _cat

_SWAP = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _complex_of(xp, x):
    return xp.complex128 if x.dtype in (xp.float64, xp.complex128) else xp.complex64


def _real_of(xp, x):
    return xp.float64 if x.dtype in (xp.float64, xp.complex128) else xp.float32


@defop("_fft_c2c")
def _fft_c2c(xp, x, dims, norm, forward):
    """The complex transform over ``dims`` (``forward``: the sign of the exponent is -1)."""
    fn = xp.fft.fftn if forward else xp.fft.ifftn
    return fn(x, axes=dims, norm=norm).astype(x.dtype, copy=False)


@_fft_c2c.vjp()
def _fft_c2c_backward(ctx, g):
    p = ctx.params
    return _fft_c2c(g, dims=p["dims"], norm=_SWAP[p["norm"]], forward=not p["forward"])


@defop("_fft_r2c")
def _fft_r2c(xp, x, dims, norm):
    """The forward transform of a real tensor over ``dims``, one-sided over the last of them
    (``n // 2 + 1`` bins)."""
    return xp.fft.rfftn(x, axes=dims, norm=norm).astype(_complex_of(xp, x), copy=False)


@_fft_r2c.vjp()
def _fft_r2c_backward(ctx, g):
    dims, norm = ctx.params["dims"], ctx.params["norm"]
    last = dims[-1]
    missing = ctx.in_meta[0][0][last] - g.shape[last]
    if missing > 0:
        shape = list(g.shape)
        shape[last] = missing
        zeros = g.new_zeros(shape)
        g = _cat(g, zeros, dim=last, shapes=(tuple(g.shape), tuple(shape)))
    return _fft_c2c(g, dims=dims, norm=_SWAP[norm], forward=False).real


@defop("_fft_c2r")
def _fft_c2r(xp, x, dims, norm, last_size):
    """The inverse transform over ``dims`` of a one-sided (Hermitian) spectrum, real, with
    ``last_size`` points along the last of them."""
    sizes = [x.shape[d] for d in dims[:-1]] + [last_size]
    return xp.fft.irfftn(x, s=sizes, axes=dims, norm=norm).astype(_real_of(xp, x), copy=False)


@_fft_c2r.vjp()
def _fft_c2r_backward(ctx, g):
    dims, norm = ctx.params["dims"], ctx.params["norm"]
    last = dims[-1]
    grad = _fft_r2c(g, dims=dims, norm=_SWAP[norm])
    bins = grad.shape[last]
    twice = ctx.params["last_size"] - bins  # the bins with a mirror image
    if twice > 0:
        weight = _factories.ones(bins, dtype=g.dtype, device=g.device)
        weight[1 : 1 + twice] = 2.0
        shape = [1] * grad.ndim
        shape[last] = bins
        grad = grad * weight.view(shape)
    return grad
