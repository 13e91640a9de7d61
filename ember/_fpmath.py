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
    """``a * b + c`` on float32 values, rounded once (as ``fmaf``).

    The product of two floats is exact in double; rounding the double sum to float then gives
    the single rounding except when that sum is halfway between two floats or below float's
    normal range, and only those elements take the exact (round-to-odd) path.
    """
    a, b, c = np.broadcast_arrays(*(np.asarray(v, _f32) for v in (a, b, c)))
    s = np.multiply(a, b, dtype=_f64)
    s += c
    bits = s.view(np.int64)
    suspect = ((bits & 0x1FFFFFFF) == 0x10000000) | ((bits & 0x7FF0000000000000) < (897 << 52))
    out = s.astype(_f32)
    if suspect.any():
        out[suspect] = _fma32_exact(a[suspect], b[suspect], c[suspect])
    return out


def _fma32_exact(a, b, c) -> np.ndarray:
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


class _FastFma32:
    """``fmaf`` through float64 for arrays whose results are normal floats: the product of two
    floats is exact in double, the sum is rounded to double and then to float. The two roundings
    give the single one except when the double sum is halfway between two floats, so such
    elements are flagged in ``suspect`` (one in about 2**29) for an exact recomputation."""

    __slots__ = ("suspect",)

    def __init__(self, shape) -> None:
        self.suspect = np.zeros(shape, bool)

    def __call__(self, a, b, c):
        s = np.multiply(a, b, dtype=_f64)
        s += c
        self.suspect |= (s.view(np.int64) & 0x1FFFFFFF) == 0x10000000
        return s.astype(_f32)


def _fast_then_exact(fn, x):
    """``fn(x, fma)`` with the fast FMA, its flagged elements redone with the exact one."""
    fast = _FastFma32(x.shape)
    out = fn(x, fast)
    if fast.suspect.any():
        redo = fn(x[fast.suspect], _fma32_exact)
        for o, r in zip(
            out if isinstance(out, tuple) else (out,), redo if isinstance(redo, tuple) else (redo,)
        ):
            o[fast.suspect] = r
    return out


def cephes_logf(x) -> np.ndarray:
    """Natural log of positive normal float32 values, bit for bit as torch's AVX2
    ``log256_ps``."""
    return _fast_then_exact(_logf, np.asarray(x, _f32))


def _logf(x, fma):
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_f32) + _f32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_f32)  # x = m * 2**e, m in [0.5, 1)
    low = m < _SQRT_HALF  # then use 2m - 1 and e - 1
    m = (m - _f32(1)) + np.where(low, m, _f32(0))
    e = e - low.astype(_f32)
    z = m * m
    y = fma(_LOG_P[0], m, _LOG_P[1])
    for coeff in _LOG_P[2:]:
        y = fma(y, m, coeff)
    y = fma(y * m, z, e * _LN2_LO)
    y = y - z * _f32(0.5)  # fused in torch, but z / 2 is exact: one rounding either way
    return (m + y) + e * _LN2_HI  # likewise: e * ln2_hi is exact (9 + 5 bits)


_FOUR_OVER_PI = _f32(1.27323954473516)
_PIO4 = (_f32(-0.78515625), _f32(-2.4187564849853515625e-4), _f32(-3.77489497744594108e-8))
_COS_P = (_f32(2.443315711809948e-5), _f32(-1.388731625493765e-3), _f32(4.166664568298827e-2))
_SIN_P = (_f32(-1.9515295891e-4), _f32(8.3321608736e-3), _f32(-1.6666654611e-1))


def cephes_sincosf(x):
    """``(sin x, cos x)`` of float32 values in [0, 2 pi], bit for bit as torch's AVX2
    ``sincos256_ps``."""
    return _fast_then_exact(_sincosf, np.asarray(x, _f32))


def _sincosf(x, fma):
    j = (x * _FOUR_OVER_PI).astype(np.int32)
    j = (j + 1) & ~1  # the octant, rounded up to even
    y = j.astype(_f32)
    # x - j * pi/4 in three pieces (Cody and Waite); j <= 8 times the first two pieces is exact
    # in float, so their fused steps round once either way
    r = (x + y * _PIO4[0]) + y * _PIO4[1]
    r = fma(y, _PIO4[2], r)
    z = r * r
    c = fma(fma(_COS_P[0], z, _COS_P[1]), z, _COS_P[2])
    c = fma(c * z, z, -(z * _f32(0.5))) + _f32(1)
    s = fma(fma(_SIN_P[0], z, _SIN_P[1]), z, _SIN_P[2])
    s = fma(s * z, r, r)
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
