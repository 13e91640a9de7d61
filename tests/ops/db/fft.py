"""OpInfo entries: ``ember.fft`` (the primitives ``_fft_c2c``, ``_fft_r2c``, ``_fft_c2r``).

The op database compares real tensors, so complex spectra are seen through ``view_as_real`` and
complex inputs are built with ``complex(a, b)``; torch's lazy conjugate and negative bits are
resolved (ember sets none, so both are no-ops there). ``b * 1.0`` in the ``hfft`` entry gives
torch a gradient without the negative bit, which the oracle's NumPy conversion refuses.
``tests/ops/test_fft.py`` covers every function, norm and size against torch on complex tensors.
"""

from __future__ import annotations

from ..op_db import OpInfo, Sample, arr, register
from . import isolated


def _one(*shape):
    return lambda: [Sample((arr(*shape),), name=str(shape))]


def _two(*shape):
    return lambda: [Sample((arr(*shape), arr(*shape)), name=str(shape))]


def _z(m, a, b):
    return m.complex(a, b)


register(
    *isolated(
        OpInfo("fft.fft", lambda m, x: m.view_as_real(m.fft.fft(x, n=6)), _one(2, 5)),
        OpInfo(
            "fft.ifft_complex",
            lambda m, a, b: m.view_as_real(m.fft.ifft(_z(m, a, b), dim=0, norm="ortho")),
            _two(4, 3),
        ),
        OpInfo("fft.rfft", lambda m, x: m.view_as_real(m.fft.rfft(x, norm="forward")), _one(3, 6)),
        OpInfo("fft.irfft", lambda m, a, b: m.fft.irfft(_z(m, a, b), n=7), _two(2, 4)),
        OpInfo("fft.irfft_even", lambda m, a, b: m.fft.irfft(_z(m, a, b)), _two(2, 4)),
        OpInfo(
            "fft.hfft",
            lambda m, a, b: m.fft.hfft(_z(m, a, b * 1.0), norm="ortho").resolve_neg(),
            _two(5),
        ),
        OpInfo(
            "fft.ihfft", lambda m, x: m.view_as_real(m.fft.ihfft(x, n=5).resolve_conj()), _one(2, 4)
        ),
        OpInfo(
            "fft.fftn",
            lambda m, a, b: m.view_as_real(m.fft.fftn(_z(m, a, b), s=(3, 4))),
            _two(2, 3, 2),
        ),
        OpInfo("fft.rfft2", lambda m, x: m.view_as_real(m.fft.rfft2(x)), _one(3, 4)),
        OpInfo(
            "fft.irfftn",
            lambda m, a, b: m.fft.irfftn(_z(m, a, b), s=(3, 5), norm="forward"),
            _two(2, 3),
        ),
        OpInfo("fft.fftshift", lambda m, x: m.fft.ifftshift(m.fft.fftshift(x) * x), _one(3, 4)),
    )
)
