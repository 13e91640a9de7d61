"""The discrete Fourier transforms of ``torch.fft`` (``ember.fft.fft``, ``rfft``, ``fftn``, ...):
arguments in PyTorch's terms, the signal padded with zeros or trimmed to the requested sizes
(differentiably), then one primitive of :mod:`ember.ops.prims.fft`.

Real input is taken as complex where the transform is complex-to-complex; integer and bool input
is first converted to the default float dtype, as in PyTorch. ``hfft``/``ihfft`` and their n-d
forms are the ``irfft``/``rfft`` ones of the conjugate signal with the scaling on the other side.
"""

from __future__ import annotations

import math

from .. import _dtype, _factories
from .._dtype import kernel_not_implemented
from .._options import check_layout
from .._size import wrap_dim
from ._out import OutRule, factory_out, unless, with_out
from ._promote import cast
from .prims import fft as F
from .shape import cat, roll

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "hfft",
    "ihfft",
    "fft2",
    "ifft2",
    "rfft2",
    "irfft2",
    "hfft2",
    "ihfft2",
    "fftn",
    "ifftn",
    "rfftn",
    "irfftn",
    "hfftn",
    "ihfftn",
    "fftshift",
    "ifftshift",
    "fftfreq",
    "rfftfreq",
]

_NORMS = ("backward", "ortho", "forward")


# ---------------------------------------------------------------------------- arguments


def _norm(norm) -> str:
    if norm is None:
        return "backward"
    if norm not in _NORMS:
        raise RuntimeError(f'Invalid normalization mode: "{norm}"')
    return norm


def _floating(x):
    """``x`` in a dtype the transforms take: float32/float64/complex as is, integers and bools
    in the default float dtype; half precision is refused as on PyTorch's CPU."""
    d = x.dtype
    if d is _dtype.float16 or d is _dtype.bfloat16:
        raise RuntimeError(f"Unsupported dtype {d.legacy_name}")
    if d.category < 2:
        return cast(x, _dtype.get_default_dtype())
    return x


def _as_complex(x):
    x = _floating(x)
    return x if x.is_complex() else cast(x, x.dtype.to_complex())


def _as_real(name, x):
    if x.is_complex():
        got = x.dtype.legacy_name
        if name == "ihfftn":
            raise RuntimeError(f"Only supports floating-point dtypes, but found: {got}")
        kind = "real-valued" if name == "rfftn" else "real"
        raise RuntimeError(f"{name} expects a {kind} input tensor, but got {got}")
    return _floating(x)


def _points(n: int) -> int:
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return n


def _dim(x, dim) -> int:
    if x.ndim == 0:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return wrap_dim(dim, x.ndim)


def _dims_and_sizes(x, s, dim):
    """The transformed dims and the signal size along each, by PyTorch's rules: ``dim`` (all
    dims, or the last ``len(s)`` when only ``s`` is given) and ``s`` (-1 keeps a size)."""
    if dim is not None:
        dims = tuple(_dim(x, d) for d in ((dim,) if isinstance(dim, int) else dim))
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
        if s is not None and len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
    elif s is not None:
        if len(s) > x.ndim:
            raise RuntimeError(
                f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions."
            )
        dims = tuple(range(x.ndim - len(s), x.ndim))
    else:
        dims = tuple(range(x.ndim))
    if s is None:
        return dims, [_points(x.shape[d]) for d in dims]
    return dims, [_points(x.shape[d] if n == -1 else n) for d, n in zip(dims, s)]


def _resized(x, dims, sizes):
    """``x`` trimmed or zero-padded at the end of each of ``dims`` to ``sizes``."""
    for d, n in zip(dims, sizes):
        have = x.shape[d]
        if n < have:
            x = x.narrow(d, 0, n)
        elif n > have:
            shape = list(x.shape)
            shape[d] = n - have
            x = cat([x, x.new_zeros(shape)], d)
    return x


def _complex_out(name, op):
    check = unless(
        lambda want, got: got.is_complex, name + " expects a complex output tensor, but got {got}"
    )
    return OutRule(op, check)


def _real_out(name, op):
    check = unless(
        lambda want, got: got.is_floating_point,
        name + " expects a floating point output tensor, but got {got}",
    )
    return OutRule(op, check)


def _c2c_op(input):  # noqa: A002
    """The primitive PyTorch names when it refuses ``out=`` under autograd."""
    return "_fft_c2c" if input.is_complex() else "_fft_r2c"


# ---------------------------------------------------------------------------- kernels


def _c2c(x, dims, sizes, norm, forward):
    x = _as_complex(x)
    if not dims:
        return x.clone()
    return F._fft_c2c(_resized(x, dims, sizes), dims=dims, norm=norm, forward=forward)


def _r2c(name, x, s, dim, norm, n_dims):
    """The one-sided forward transform (``rfftn``; ``ihfftn`` conjugates it, scaled the other
    way); ``n_dims`` is 1 for the one-dimensional forms, whose ``s`` and ``dim`` are ints."""
    norm = _norm(norm)
    x = _as_real(name, x)
    if n_dims == 1:
        d = _dim(x, dim)
        dims, sizes = (d,), [_points(x.shape[d] if s is None else s)]
    else:
        dims, sizes = _dims_and_sizes(x, s, dim)
        if not dims:
            raise RuntimeError(f"{name} must transform at least one axis")
    scaling = norm if name.startswith("r") else F._SWAP[norm]
    out = F._fft_r2c(_resized(x, dims, sizes), dims=dims, norm=scaling)
    return out if name.startswith("r") else out.conj()


def _c2r(name, x, s, dim, norm, n_dims):
    """The inverse transform of a one-sided spectrum to a real signal (``irfftn``; ``hfftn``
    transforms the conjugate, scaled the other way)."""
    norm = _norm(norm)
    x = _as_complex(x)
    if n_dims == 1:
        d = _dim(x, dim)
        dims, sizes, given = (d,), [x.shape[d]], s
    else:
        dims, sizes = _dims_and_sizes(x, s, dim)
        if not dims:
            raise RuntimeError(f"{name} must transform at least one axis")
        given = None if s is None or s[-1] == -1 else s[-1]
    last = _points(2 * (x.shape[dims[-1]] - 1) if given is None else given)
    sizes[-1] = last // 2 + 1
    x = _resized(x, dims, sizes)
    if name.startswith("h"):
        x, norm = x.conj(), F._SWAP[norm]
    return F._fft_c2r(x, dims=dims, norm=norm, last_size=last)


# ---------------------------------------------------------------------------- one dimension


def fft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The one-dimensional discrete Fourier transform of ``input`` along ``dim``
    (``torch.fft.fft``), over ``n`` points (the signal is zero-padded or trimmed to ``n``).
    ``norm``: ``"backward"`` (no scaling, the default), ``"ortho"`` (``1/sqrt(n)``) or
    ``"forward"`` (``1/n``). The result is complex."""
    if out is not None:
        return with_out(out, _complex_out("fft", _c2c_op(input)), fft, input, n, dim, norm)
    norm = _norm(norm)
    d = _dim(input, dim)
    return _c2c(input, (d,), [_points(input.shape[d] if n is None else n)], norm, True)


def ifft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The one-dimensional inverse discrete Fourier transform (``torch.fft.ifft``); with the
    default ``norm="backward"`` it is scaled by ``1/n``."""
    if out is not None:
        return with_out(out, _complex_out("ifft", _c2c_op(input)), ifft, input, n, dim, norm)
    norm = _norm(norm)
    d = _dim(input, dim)
    return _c2c(input, (d,), [_points(input.shape[d] if n is None else n)], norm, False)


def rfft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The Fourier transform of a real signal, one-sided: the ``n // 2 + 1`` non-negative
    frequencies (``torch.fft.rfft``)."""
    if out is not None:
        return with_out(out, _complex_out("rfft", "_fft_r2c"), rfft, input, n, dim, norm)
    return _r2c("rfft", input, n, dim, norm, 1)


def irfft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The inverse of :func:`rfft`: a real signal of ``n`` points (default ``2 * (m - 1)`` for
    ``m`` input frequencies) from its one-sided spectrum (``torch.fft.irfft``)."""
    if out is not None:
        return with_out(out, _real_out("irfft", "_fft_c2r"), irfft, input, n, dim, norm)
    return _c2r("irfft", input, n, dim, norm, 1)


def hfft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The Fourier transform of a Hermitian-symmetric signal given by its one-sided half: a
    real result of ``n`` points (default ``2 * (m - 1)``) (``torch.fft.hfft``)."""
    if out is not None:
        return with_out(out, _real_out("hfft", "_fft_c2r"), hfft, input, n, dim, norm)
    return _c2r("hfft", input, n, dim, norm, 1)


def ihfft(input, n=None, dim=-1, norm=None, *, out=None):  # noqa: A002
    """The inverse of :func:`hfft`: the one-sided inverse transform of a real signal
    (``torch.fft.ihfft``)."""
    if out is not None:
        return with_out(out, _complex_out("ihfft", "_fft_r2c"), ihfft, input, n, dim, norm)
    return _r2c("ihfft", input, n, dim, norm, 1)


# ---------------------------------------------------------------------------- n dimensions


def fftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The n-dimensional discrete Fourier transform over ``dim`` (all dims by default, or the
    last ``len(s)``), the signal resized to ``s`` (-1 keeps a size) (``torch.fft.fftn``)."""
    if out is not None:
        return with_out(out, _complex_out("fftn", "_fft_c2c"), fftn, input, s, dim, norm)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(input, s, dim)
    return _c2c(input, dims, sizes, norm, True)


def ifftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The n-dimensional inverse discrete Fourier transform (``torch.fft.ifftn``)."""
    if out is not None:
        return with_out(out, _complex_out("ifftn", "_fft_c2c"), ifftn, input, s, dim, norm)
    norm = _norm(norm)
    dims, sizes = _dims_and_sizes(input, s, dim)
    return _c2c(input, dims, sizes, norm, False)


def rfftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The n-dimensional transform of a real signal, one-sided over the last of ``dim``
    (``torch.fft.rfftn``)."""
    if out is not None:
        return with_out(out, _complex_out("rfftn", "_fft_r2c"), rfftn, input, s, dim, norm)
    return _r2c("rfftn", input, s, dim, norm, 2)


def irfftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The inverse of :func:`rfftn`: a real signal whose last transformed dim has ``s[-1]``
    points (default ``2 * (m - 1)``) (``torch.fft.irfftn``)."""
    if out is not None:
        return with_out(out, _real_out("irfftn", "_fft_c2r"), irfftn, input, s, dim, norm)
    return _c2r("irfftn", input, s, dim, norm, 2)


def hfftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The n-dimensional transform of a Hermitian-symmetric signal given by its one-sided half
    over the last of ``dim``; the result is real (``torch.fft.hfftn``)."""
    if out is not None:
        return with_out(out, _real_out("hfftn", "_fft_c2r"), hfftn, input, s, dim, norm)
    return _c2r("hfftn", input, s, dim, norm, 2)


def ihfftn(input, s=None, dim=None, norm=None, *, out=None):  # noqa: A002
    """The inverse of :func:`hfftn`: the one-sided n-dimensional inverse transform of a real
    signal (``torch.fft.ihfftn``)."""
    if out is not None:
        return with_out(out, _complex_out("ihfftn", "_fft_r2c"), ihfftn, input, s, dim, norm)
    return _r2c("ihfftn", input, s, dim, norm, 2)


def fft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`fftn` over two dims, the last two by default (``torch.fft.fft2``)."""
    return fftn(input, s, dim, norm, out=out)


def ifft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`ifftn` over two dims, the last two by default (``torch.fft.ifft2``)."""
    return ifftn(input, s, dim, norm, out=out)


def rfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`rfftn` over two dims, the last two by default (``torch.fft.rfft2``)."""
    return rfftn(input, s, dim, norm, out=out)


def irfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`irfftn` over two dims, the last two by default (``torch.fft.irfft2``)."""
    return irfftn(input, s, dim, norm, out=out)


def hfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`hfftn` over two dims, the last two by default (``torch.fft.hfft2``)."""
    return hfftn(input, s, dim, norm, out=out)


def ihfft2(input, s=None, dim=(-2, -1), norm=None, *, out=None):  # noqa: A002
    """:func:`ihfftn` over two dims, the last two by default (``torch.fft.ihfft2``)."""
    return ihfftn(input, s, dim, norm, out=out)


# ---------------------------------------------------------------------------- helpers


def _shift(input, dim, inverse):  # noqa: A002
    if dim is None:
        dims = tuple(range(input.ndim))
    else:
        dims = tuple(wrap_dim(d, input.ndim) for d in ((dim,) if isinstance(dim, int) else dim))
    if not dims:
        raise RuntimeError("`shifts` required")  # torch's roll with no dims
    shifts = [(input.shape[d] + inverse) // 2 for d in dims]
    return roll(input, shifts, dims)


def fftshift(input, dim=None):  # noqa: A002
    """Move the zero frequency to the middle of ``dim`` (all dims by default): a roll by half
    the size, as ``torch.fft.fftshift``."""
    return _shift(input, dim, 0)


def ifftshift(input, dim=None):  # noqa: A002
    """The inverse of :func:`fftshift` (``torch.fft.ifftshift``)."""
    return _shift(input, dim, 1)


def _spacing(n, d) -> float:
    """``1 / (n * d)`` as a double, infinite for a zero product (as PyTorch's)."""
    return 1.0 / (n * d) if n * d else math.inf


def _frequencies(name, ints, scale, dtype, device, requires_grad):
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    if dtype.category < 2:
        raise RuntimeError(f"{name} requires a floating point or complex dtype")
    if dtype.is_complex:  # torch makes the integers with arange in the dtype itself
        raise kernel_not_implemented("arange_cpu", dtype)
    out = cast(ints.to(device) if device is not None else ints, dtype) * scale
    return out.requires_grad_() if requires_grad else out


def fftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The sample frequencies of an ``n``-point transform with sample spacing ``d``:
    ``[0, 1, ..., (n - 1) // 2, -(n // 2), ..., -1] / (d * n)`` (``torch.fft.fftfreq``)."""
    check_layout(layout)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, fftfreq, n, d)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    ints = cat([_factories.arange((n + 1) // 2), _factories.arange(-(n // 2), 0)])
    return _frequencies("fftfreq", ints, _spacing(n, d), dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of :func:`ember.fft.rfft` on ``n`` points:
    ``[0, 1, ..., n // 2] / (d * n)`` (``torch.fft.rfftfreq``)."""
    check_layout(layout)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, rfftfreq, n, d)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    ints = _factories.arange(n // 2 + 1)
    return _frequencies("rfftfreq", ints, _spacing(n, d), dtype, device, requires_grad)
