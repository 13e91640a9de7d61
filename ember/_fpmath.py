"""Floating-point arithmetic exactly as PyTorch's CPU random kernels do it, on NumPy arrays.

Three things NumPy does not give directly:

- **Fused multiply-add.** torch's kernels are compiled with FMA contraction (and some call
  ``std::fma``), so ``x * a + b`` is rounded once. :func:`fma32` and :func:`fma64` compute the
  correctly rounded ``a * b + c`` with error-free transformations and a round-to-odd step
  (Boldo and Melquiond, "Emulation of FMA and correctly rounded sums: proved algorithms using
  rounding to odd", IEEE Trans. Computers 57(4), 2008).
- **The vectorised float32 log and sine/cosine of torch's ``randn``.** On x86 builds with AVX2
  (every AVX2 or AVX-512 machine) torch's float32 Box-Muller uses ``log256_ps`` and
  ``sincos256_ps`` of ``avx_mathfun.h``: Cephes' single-precision algorithms (Stephen Moshier's
  range reductions and minimax polynomials), vectorised by Julien Pommier and Giovanni
  Garberoglio, as GCC compiles them with FMA contraction. :func:`cephes_logf` and
  :func:`cephes_sincosf` evaluate the same polynomials with the same roundings, fused where the
  compiled code fuses, so every bit agrees.
- **The C library's double functions.** torch's double-precision paths call glibc's ``log``,
  ``log1p``, ``exp``, ``tan``, ``sin``, ``cos`` and ``lgamma``; NumPy has its own SIMD versions of
  some of them, which differ from glibc's in the last bit now and then. :func:`libm` applies
  Python's ``math`` functions (the same C library torch calls) element by element, or NumPy's
  ufunc when it agrees with them on a probe of the domain (checked once per function).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["fma32", "fma64", "cephes_logf", "cephes_sincosf", "libm"]

_f32 = np.float32
_f64 = np.float64


def _round_to_odd(s, err):
    """``s + err`` (``s = fl(s + err)``, ``err`` its exact rounding error) rounded to odd: the
    value truncated toward zero, with its last bit set when inexact."""
    inexact = err != 0
    toward_zero = np.where((err > 0) == (s > 0), s, np.nextafter(s, 0))
    odd = (toward_zero.view(np.int64) | 1).view(_f64)
    return np.where(inexact, odd, s)


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma32(a, b, c) -> np.ndarray:
    """``a * b + c`` on float32 values, rounded once (as ``fmaf``)."""
    a, b, c = (np.asarray(v, _f32).astype(_f64) for v in (a, b, c))
    p = a * b  # exact: 24 + 24 bits
    s, err = _two_sum(p, c)
    with np.errstate(invalid="ignore"):
        out = _round_to_odd(s, err)  # 53 >= 24 + 2 bits, so rounding it to float32 is exact
    return np.where(np.isfinite(s), out, s).astype(_f32)


_SPLIT = 134217729.0  # 2**27 + 1: Veltkamp's splitter for doubles


def _split(a):
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def fma64(a, b, c) -> np.ndarray:
    """``a * b + c`` on float64 values, rounded once (as ``fma``)."""
    a, b, c = np.broadcast_arrays(*(np.asarray(v, _f64) for v in (a, b, c)))
    p = a * b
    with np.errstate(invalid="ignore", over="ignore"):
        ah, al = _split(a)
        bh, bl = _split(b)
        perr = ((ah * bh - p) + ah * bl + al * bh) + al * bl  # a * b = p + perr exactly
        sh, sl = _two_sum(c, p)
        u, uerr = _two_sum(sl, perr)
        out = sh + _round_to_odd(u, uerr)
        plain = p + c
    ok = np.isfinite(out) & np.isfinite(p) & (np.abs(p) < 2.0**995)
    return np.where(ok, out, plain)


# ---------------------------------------------------------------------------- Cephes float32

# logf: log(1 + x) = x - x^2/2 + x^3 P(x) on [sqrt(1/2) - 1, sqrt(2) - 1]
_LOG_P = tuple(
    _f32(v)
    for v in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
)
_LN2_LO, _LN2_HI = _f32(-2.12194440e-4), _f32(0.693359375)  # ln 2 = hi + lo
_SQRT_HALF = _f32(0.707106781186547524)


def cephes_logf(x) -> np.ndarray:
    """Natural log of positive normal float32 values, bit for bit as torch's AVX2
    ``log256_ps``."""
    x = np.asarray(x, _f32)
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_f32) + _f32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_f32)  # x = m * 2**e, m in [0.5, 1)
    low = m < _SQRT_HALF  # then use 2m - 1 and e - 1
    m = (m - _f32(1)) + np.where(low, m, _f32(0))
    e = e - low.astype(_f32)
    z = m * m
    y = np.full_like(m, _LOG_P[0])
    for coeff in _LOG_P[1:]:
        y = fma32(y, m, coeff)
    y = fma32(y * m, z, e * _LN2_LO)
    y = fma32(z, _f32(-0.5), y)
    return fma32(e, _LN2_HI, m + y)


_FOUR_OVER_PI = _f32(1.27323954473516)
_PIO4 = (_f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(-3.77489497744594108e-8))
_COS_P = (_f32(2.443315711809948e-5), _f32(-1.388731625493765e-3), _f32(4.166664568298827e-2))
_SIN_P = (_f32(-1.9515295891e-4), _f32(8.3321608736e-3), _f32(-1.6666654611e-1))


def cephes_sincosf(x):
    """``(sin x, cos x)`` of non-negative float32 values (below 2**31), bit for bit as torch's
    AVX2 ``sincos256_ps``."""
    x = np.asarray(x, _f32)
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j = (j + 1) & ~1  # the octant, rounded up to even
    y = j.astype(_f32)
    r = x
    for part in _PIO4:  # x - j * pi/4 in three pieces (Cody and Waite)
        r = fma32(y, part, r)
    z = r * r
    c = fma32(fma32(_COS_P[0], z, _COS_P[1]), z, _COS_P[2])
    c = fma32(c * z, z, -(z * _f32(0.5))) + _f32(1)
    s = fma32(fma32(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2])
    s = fma32(s * z, r, r)
    swap = (j & 2) != 0
    sin = np.where(swap, c, s)
    cos = np.where(swap, s, c)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((j - 2) & 4) == 0, -cos, cos)
    return sin, cos


# ---------------------------------------------------------------------------- the C library

_PROBES = {  # the domains torch's kernels call them on
    "log": (1e-300, 1.0),
    "log1p": (-1.0, 0.0),
    "exp": (-50.0, 50.0),
    "tan": (-1.6, 1.6),
    "sin": (0.0, 6.3),
    "cos": (0.0, 6.3),
}
_VECTORISED: dict[str, bool] = {}


def _numpy_agrees(name: str) -> bool:
    found = _VECTORISED.get(name)
    if found is None:
        lo, hi = _PROBES[name]
        probe = np.random.Generator(np.random.PCG64(12345)).uniform(lo, hi, 4096)
        ref = np.fromiter(map(getattr(math, name), probe.tolist()), _f64, probe.size)
        found = _VECTORISED[name] = bool(np.array_equal(getattr(np, name)(probe), ref))
    return found


def libm(name: str, x) -> np.ndarray:
    """The C library's double function ``name`` applied to each element of ``x``."""
    x = np.asarray(x, _f64)
    if name in _PROBES and _numpy_agrees(name):
        return getattr(np, name)(x)
    fn = getattr(math, name)
    flat = x.ravel().tolist()
    try:
        out = np.fromiter(map(fn, flat), _f64, x.size)
    except (ValueError, OverflowError):  # C returns inf or nan where ``math`` raises
        out = np.fromiter((_c_value(fn, name, v) for v in flat), _f64, x.size)
    return out.reshape(x.shape)


def _c_value(fn, name: str, v: float) -> float:
    try:
        return fn(v)
    except OverflowError:
        return math.inf
    except ValueError:
        if name == "lgamma":
            return math.inf
        pole = {"log": 0.0, "log1p": -1.0}.get(name)
        return -math.inf if v == pole else math.nan
