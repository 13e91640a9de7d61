"""Discrete Fourier transforms, as ``torch.fft``: ``ember.fft.fft``, ``rfft``, ``fftn``, ...,
``fftshift`` and ``fftfreq``. The functions live in :mod:`ember.ops.fft`, over the primitives
of :mod:`ember.ops.prims.fft`."""

from __future__ import annotations

from ..ops.fft import *  # noqa: F403
from ..ops.fft import __all__  # noqa: F401
