"""Signal windows (``torch.hann_window`` and friends): factories composed of ember ops.

Each takes ``(window_length, periodic=True, *, dtype=None, layout=torch.strided, device=None,
requires_grad=False)``. A periodic window of length ``N`` is the symmetric window of length
``N + 1`` without its last point (the form spectral analysis wants); lengths 0 and 1 give an
empty tensor and ``[1]``."""

from __future__ import annotations

import math

from .. import _dtype, _factories
from .._options import check_layout
from . import pointwise as P
from .special_fns import i0

__all__ = [
    "bartlett_window",
    "blackman_window",
    "hamming_window",
    "hann_window",
    "kaiser_window",
]


def _window(name, window_length, periodic, dtype, layout, device, requires_grad, shape):
    """The window ``shape(n, m)`` of the points ``n = 0..m`` of a symmetric window."""
    check_layout(layout)
    dtype = _dtype.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dtype}")
    if window_length < 0:
        raise RuntimeError(
            f"{name} requires non-negative window_length, got window_length={window_length}"
        )
    if window_length <= 1:
        out = _factories.ones(window_length, dtype=dtype, device=device)
    else:
        m = window_length if periodic else window_length - 1  # the symmetric window's last index
        n = _factories.arange(window_length, dtype=_dtype.float64, device=device)
        out = shape(n, m).to(dtype)
    return out.requires_grad_(requires_grad)


def hann_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """The Hann window ``0.5 - 0.5 cos(2 pi n / (N - 1))``."""
    return _window(
        "hann_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        lambda n, m: 0.5 - 0.5 * P.cos(n * (2 * math.pi / m)),
    )


def hamming_window(
    window_length,
    periodic=True,
    alpha=0.54,
    beta=0.46,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """The Hamming window ``alpha - beta cos(2 pi n / (N - 1))``."""
    return _window(
        "hamming_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        lambda n, m: alpha - beta * P.cos(n * (2 * math.pi / m)),
    )


def blackman_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """The Blackman window ``0.42 - 0.5 cos(2 pi n / (N - 1)) + 0.08 cos(4 pi n / (N - 1))``."""
    return _window(
        "blackman_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        lambda n, m: (
            0.42 - 0.5 * P.cos(n * (2 * math.pi / m)) + 0.08 * P.cos(n * (4 * math.pi / m))
        ),
    )


def bartlett_window(
    window_length, periodic=True, *, dtype=None, layout=None, device=None, requires_grad=False
):
    """The Bartlett (triangular) window ``1 - |2n / (N - 1) - 1|``."""
    return _window(
        "bartlett_window",
        window_length,
        periodic,
        dtype,
        layout,
        device,
        requires_grad,
        lambda n, m: 1 - P.abs(n * (2 / m) - 1),
    )


def kaiser_window(
    window_length,
    periodic=True,
    beta=12.0,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
):
    """The Kaiser window ``I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta)``, ``a = (N - 1) / 2``."""

    def shape(n, m):
        a = m / 2
        ratio = (n - a) / a
        arg = P.sqrt(P.clamp(1 - ratio * ratio, min=0.0)) * beta
        return i0(arg) / float(i0(_factories.tensor(float(beta), dtype=_dtype.float64)))

    return _window(
        "kaiser_window", window_length, periodic, dtype, layout, device, requires_grad, shape
    )
