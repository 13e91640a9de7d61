"""Special functions for the CPU backend: SciPy's when installed, else NumPy fallbacks.

erf, erfc, lgamma, digamma, polygamma and erfinv are not in NumPy. SciPy is optional; the
fallbacks are accurate to float64 rounding in the ranges deep learning uses.
"""

from __future__ import annotations

import math

import numpy as np

from ._scipy import scipy_special
from ._special_extra import ExtraSpecial

_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)
_lgamma = np.frompyfunc(math.lgamma, 1, 1)


def _typed(fn, x):
    return np.asarray(fn(x), dtype=np.float64).astype(x.dtype, copy=False)


def _digamma(x):
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    reflect = x < 0.5
    y = np.where(reflect, 1.0 - x, x)
    acc = np.zeros_like(y)
    while True:  # recurrence psi(y) = psi(y + 1) - 1/y until the asymptotic series is accurate
        small = y < 6.0
        if not small.any():
            break
        acc -= np.where(small, 1.0 / y, 0.0)
        y = np.where(small, y + 1.0, y)
    inv2 = 1.0 / (y * y)
    series = (
        np.log(y)
        - 0.5 / y
        - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    )
    out = acc + series
    with np.errstate(all="ignore"):
        out = np.where(reflect, out - np.pi / np.tan(np.pi * x), out)
    return np.where((x <= 0) & (x == np.floor(x)), np.nan, out)


def _trigamma(x):
    x = np.asarray(x, dtype=np.float64)
    y = x.copy()
    acc = np.zeros_like(y)
    while True:
        small = y < 6.0
        if not small.any():
            break
        acc += np.where(small, 1.0 / (y * y), 0.0)
        y = np.where(small, y + 1.0, y)
    inv = 1.0 / y
    inv2 = inv * inv
    series = inv + inv2 / 2 + inv * inv2 * (1 / 6 - inv2 * (1 / 30 - inv2 * (1 / 42 - inv2 / 30)))
    return acc + series


def _erfinv(y):
    y = np.asarray(y, dtype=np.float64)
    w = -np.log((1.0 - y) * (1.0 + y))
    # Giles' single-precision approximation, then Newton steps on erf
    w1 = w - 2.5
    p1 = 2.81022636e-08
    for c in (
        3.43273939e-07,
        -3.5233877e-06,
        -4.39150654e-06,
        0.00021858087,
        -0.00125372503,
        -0.00417768164,
        0.246640727,
        1.50140941,
    ):
        p1 = c + p1 * w1
    w2 = np.sqrt(np.maximum(w, 0)) - 3.0
    p2 = -0.000200214257
    for c in (
        0.000100950558,
        0.00134934322,
        -0.00367342844,
        0.00573950773,
        -0.0076224613,
        0.00943887047,
        1.00167406,
        2.83297682,
    ):
        p2 = c + p2 * w2
    x = np.where(w < 5.0, p1, p2) * y
    finite = np.abs(y) < 1
    for _ in range(3):
        err = np.asarray(_erf(np.where(finite, x, 0.0)), dtype=np.float64) - y
        x = np.where(finite, x - err / (2 / math.sqrt(math.pi) * np.exp(-x * x)), x)
    return np.where(np.abs(y) == 1, np.copysign(np.inf, y), np.where(np.abs(y) > 1, np.nan, x))


class CpuSpecial(ExtraSpecial):
    """erf/erfc/erfinv/lgamma/digamma/polygamma on NumPy arrays, keeping the input dtype (and,
    from :class:`ExtraSpecial`, the Bessel, Airy, zeta, incomplete gamma and erfcx functions)."""

    @staticmethod
    def erf(x):
        return scipy_special().erf(x) if scipy_special() else _typed(_erf, x)

    @staticmethod
    def erfc(x):
        return scipy_special().erfc(x) if scipy_special() else _typed(_erfc, x)

    @staticmethod
    def erfinv(x):
        if scipy_special():
            return scipy_special().erfinv(x)
        return _erfinv(x).astype(x.dtype, copy=False)

    @staticmethod
    def lgamma(x):
        if scipy_special():
            return scipy_special().gammaln(x)
        return _typed(_lgamma, x)

    @staticmethod
    def digamma(x):
        if scipy_special():
            return scipy_special().digamma(x)
        return _digamma(x).astype(x.dtype, copy=False)

    @staticmethod
    def polygamma(n, x):
        if scipy_special():
            return scipy_special().polygamma(n, x).astype(x.dtype, copy=False)
        if n == 0:
            return _digamma(x).astype(x.dtype, copy=False)
        if n == 1:
            return _trigamma(x).astype(x.dtype, copy=False)
        raise NotImplementedError("polygamma of order > 1 needs SciPy on the CPU")
