"""PyTorch's CPU sampling algorithms, drawn from an :class:`~ember._mt19937.MT19937` engine.

Each function returns a host array of samples in the order torch's kernel writes them (the
caller lays them out in the tensor; NOTE [ Fill order ] in ``ops/random_ops.py``). The words
each consumes, and the arithmetic on them, are torch's (``ATen/core/DistributionsHelper.h``,
``TransformationHelper.h`` and ``native/cpu/DistributionTemplates.h``):

- a float32 (or half, bfloat16) uniform takes one 32-bit word and keeps its low 24 bits; a double
  uniform takes one 64-bit draw (two words) and keeps its low 53 bits;
- ``randn``/``normal_`` on a contiguous tensor of 16 or more elements fills uniforms and turns
  each block of 16 into normals by Box-Muller, recomputing the last 16 from fresh uniforms when
  the size is not a multiple of 16; otherwise every element is a double Box-Muller sample whose
  second half is cached in the generator for the next one;
- ``bernoulli_``, ``exponential_``, ``geometric_``, ``cauchy_``, ``log_normal_`` draw one double
  per element (MKL's generators are not used: torch disables them outside fbcode);
- integer draws take one word, or one 64-bit draw when the range is 2**28 or more.

Arithmetic that torch's compiler fuses is fused here too, and float32 log/sin/cos are the
Cephes polynomials torch's AVX2 code evaluates (``ember/_fpmath.py``).
"""

from __future__ import annotations

import math

import numpy as np

from ._fpmath import cephes_logf, cephes_sincosf, fma32, fma64, libm

__all__ = [
    "uniform",
    "normal",
    "bernoulli_scalar",
    "bernoulli_tensor",
    "exponential",
    "geometric",
    "log_normal",
    "cauchy",
    "random_from_to",
    "random_full_range",
    "random_default",
    "randperm",
    "rrelu_slopes",
    "multinomial_with_replacement",
    "poisson",
    "standard_gamma",
]

_f32, _f64 = np.float32, np.float64
_MASK24, _MASK53 = np.uint64((1 << 24) - 1), np.uint64((1 << 53) - 1)
_TWO_PI = 2.0 * math.pi
_TWO_PI_F = _f32(_TWO_PI)
_WIDE_RANGE = 1 << 28  # from this range on an integer draw takes 64 bits


def _u24(eng, n: int) -> np.ndarray:
    """``n`` float32 uniforms on [0, 1): one word each."""
    return (eng.words(n) & _MASK24).astype(_f32) * _f32(2.0**-24)


def _u53(eng, n: int) -> np.ndarray:
    """``n`` double uniforms on [0, 1): one 64-bit draw each."""
    return (eng.words64(n) & _MASK53).astype(_f64) * 2.0**-53


def cast(values, dtype) -> np.ndarray:
    """``static_cast<scalar_t>`` of float or integer values: half and bfloat16 go through
    float, as their C++ constructors do."""
    dtype = np.dtype(dtype)
    if dtype.kind == "f" and dtype.itemsize == 2 or dtype.name == "bfloat16":
        values = np.asarray(values).astype(_f32)
    return np.asarray(values).astype(dtype)


def _reduced(dtype) -> bool:
    return dtype != _f64 and dtype != _f32


# ---------------------------------------------------------------------------- uniform


def uniform(eng, n: int, dtype, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
    """``uniform_(lo, hi)``: ``x * (hi - lo) + lo`` (fused) in double for float64, in float
    otherwise; a value that rounds up to ``hi`` in the tensor's dtype becomes ``lo``."""
    dtype = np.dtype(dtype)
    if dtype == _f64:
        x = _u53(eng, n)
        v = x if (lo, hi) == (0.0, 1.0) else fma64(x, hi - lo, lo)
    else:
        x = _u24(eng, n)
        f, t = _f32(lo), _f32(hi)
        v = x if (f, t) == (0, 1) else fma32(x, t - f, f)
    out = cast(v, dtype)
    top = cast(hi, dtype)
    if (out == top).any():
        out[out == top] = cast(lo, dtype)
    return out


def rrelu_slopes(eng, n: int, lower: float, upper: float, dtype) -> np.ndarray:
    """rrelu's training slopes: a double uniform on [lower, upper) per element, the bounds
    first rounded to the op's math type (float below double), the slope cast back to it (its
    kernel is compiled without FMA: ``u * (upper - lower) + lower`` rounds twice)."""
    dtype = np.dtype(dtype)
    if dtype != _f64:
        lower, upper = float(_f32(lower)), float(_f32(upper))
    return cast(_u53(eng, n) * (upper - lower) + lower, _f64 if dtype == _f64 else _f32)


# ---------------------------------------------------------------------------- normal


_CHUNK_ROWS = 8192  # blocks of 16 per pass: the arrays stay in cache


def _box_muller16_float(u, mean, std):
    """torch's AVX2 16-wide Box-Muller on float32 uniforms ``u`` (a multiple of 16 of them):
    the first 8 of each block give the radius, the last 8 the angle."""
    d = u.reshape(-1, 16)
    out = np.empty_like(d)
    for i in range(0, d.shape[0], _CHUNK_ROWS):
        blk, res = d[i : i + _CHUNK_ROWS], out[i : i + _CHUNK_ROWS]
        radius = np.sqrt(_f32(-2.0) * cephes_logf(_f32(1.0) - blk[:, :8]))
        sin, cos = cephes_sincosf(_TWO_PI_F * blk[:, 8:])
        np.multiply(radius, cos, out=res[:, :8])
        np.multiply(radius, sin, out=res[:, 8:])
    out = out.ravel()
    if (mean, std) == (0.0, 1.0):  # fma(x, 1, 0) is x, except that -0 (from u = 0) becomes +0
        out += _f32(0.0)
        return out
    return fma32(out, _f32(std), _f32(mean))


def _box_muller16_double(u, mean, std):
    """torch's scalar 16-wide Box-Muller on double uniforms."""
    d = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * libm("log", 1.0 - d[:, :8]))
    theta = _TWO_PI * d[:, 8:]
    out = np.concatenate([radius * libm("cos", theta), radius * libm("sin", theta)], axis=1).ravel()
    if (mean, std) == (0.0, 1.0):  # fma(x, 1, 0): -0 becomes +0
        out += 0.0
        return out
    return fma64(out, std, mean)


def _normal_fill(eng, n: int, dtype, mean: float, std: float) -> np.ndarray:
    """``normal_`` of a contiguous tensor of ``n >= 16`` elements."""
    tail = n % 16
    if dtype == _f64:
        draw, blocks = _u53, _box_muller16_double
    else:
        draw, blocks = _u24, _box_muller16_float
    # float and double fill every uniform first; half and bfloat16 draw block by block, so the
    # partial block's uniforms are never drawn
    u = draw(eng, n - tail) if _reduced(dtype) else draw(eng, n)[: n - tail]
    out = blocks(u, mean, std)
    if tail:
        out = np.concatenate([out[: n - 16], blocks(draw(eng, 16), mean, std)])
    return cast(out, dtype)


def standard_normal_serial(eng, n: int) -> np.ndarray:
    """``n`` double N(0, 1) samples of ``at::normal_distribution<double>``: each pair of
    uniforms gives ``r cos`` now and caches ``r sin`` in the generator for the next draw."""
    out = np.empty(n, _f64)
    start = 0
    if n and eng.next_double_normal is not None:
        out[0], eng.next_double_normal, start = eng.next_double_normal, None, 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = _u53(eng, 2 * pairs)
        r = np.sqrt(-2.0 * libm("log1p", -u[1::2]))
        theta = _TWO_PI * u[0::2]
        both = np.empty(2 * pairs, _f64)
        both[0::2] = r * libm("cos", theta)
        both[1::2] = r * libm("sin", theta)
        out[start:] = both[: n - start]
        if (n - start) % 2:
            eng.next_double_normal = float(both[-1])
    return out


def normal(eng, n: int, dtype, mean: float = 0.0, std: float = 1.0, contiguous=True):
    """``normal_(mean, std)`` of ``n`` elements of ``dtype``."""
    dtype = np.dtype(dtype)
    if n >= 16 and contiguous:
        return _normal_fill(eng, n, dtype, mean, std)
    z = standard_normal_serial(eng, n)
    return cast(fma64(z, std, mean), dtype)


def log_normal(eng, n: int, dtype, mean: float, std: float) -> np.ndarray:
    """``log_normal_``: the exp of serial normal samples."""
    return cast(libm("exp", fma64(standard_normal_serial(eng, n), std, mean)), dtype)


# ---------------------------------------------------------------------------- one double each


def bernoulli_scalar(eng, n: int, p: float) -> np.ndarray:
    """``bernoulli_(p)``: ``u < p`` for a double uniform ``u`` per element (bool)."""
    return _u53(eng, n) < p


def bernoulli_tensor(eng, probs) -> np.ndarray:
    """``bernoulli_(p_tensor)`` for the flat probabilities ``probs`` (in fill order): a double
    uniform per element for double ``p``, a float uniform otherwise."""
    probs = np.asarray(probs)
    if probs.dtype == _f64:
        return _u53(eng, probs.size) < probs
    return _u24(eng, probs.size) < probs.astype(_f32)


def exponential(eng, n: int, dtype, lambd: float) -> np.ndarray:
    """``exponential_(lambd)``: ``-1/lambd * log1p(-u)``."""
    return cast((-1.0 / lambd) * libm("log1p", -_u53(eng, n)), dtype)


def geometric(eng, n: int, dtype, p: float) -> np.ndarray:
    """``geometric_(p)``: ``ceil(log(u) / log1p(-p))``."""
    return cast(np.ceil(libm("log", _u53(eng, n)) / math.log1p(-p)), dtype)


def cauchy(eng, n: int, dtype, median: float, sigma: float) -> np.ndarray:
    """``cauchy_(median, sigma)``: ``median + sigma * tan(pi * (u - 0.5))``."""
    t = libm("tan", math.pi * (_u53(eng, n) - 0.5))
    return cast(fma64(sigma, t, median), dtype)


# ---------------------------------------------------------------------------- integers


def random_from_to(eng, n: int, dtype, span: int, base: int) -> np.ndarray:
    """``random_(from, to)``: ``word % span + base`` with ``span = to - from`` (as uint64)."""
    w = eng.words64(n) if span >= _WIDE_RANGE else eng.words(n)
    v = (w % np.uint64(span) + np.uint64(base & 0xFFFF_FFFF_FFFF_FFFF)).view(np.int64)
    return _int_cast(v, dtype)


def random_full_range(eng, n: int, dtype) -> np.ndarray:
    """``random_(from=-2**63)``: a 64-bit draw per element, read as int64."""
    return _int_cast(eng.words64(n).view(np.int64), dtype)


_DEFAULT_SPAN = {  # random_() without bounds: word % span
    "float64": 2**53 + 1,
    "float32": 2**24 + 1,
    "float16": 2**11 + 1,
    "bfloat16": 2**8 + 1,
    "int64": 2**63,
    "int32": 2**31,
    "int16": 2**15,
    "int8": 2**7,
    "uint8": 2**8,
}


RANDOM_DEFAULT_TYPES = frozenset(_DEFAULT_SPAN) | {"bool"}


def random_default(eng, n: int, dtype) -> np.ndarray:
    """``random_()``: ``[0, 2**mantissa]`` for floats, ``[0, max]`` for integers, a bit for
    bool; int64 and double take 64-bit draws."""
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return (eng.words(n) & np.uint64(1)).astype(bool)
    wide = dtype in (np.int64, _f64)
    w = eng.words64(n) if wide else eng.words(n)
    return _int_cast((w % np.uint64(_DEFAULT_SPAN[dtype.name])).view(np.int64), dtype)


def _int_cast(v, dtype) -> np.ndarray:
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return v != 0
    if dtype.kind == "f" or dtype.name == "bfloat16":
        return cast(v, dtype)
    return v.astype(dtype)


def randperm(eng, n: int) -> np.ndarray:
    """torch's CPU ``randperm``: a forward Fisher-Yates shuffle (step ``i`` swaps positions
    ``i`` and ``i + word % (n - i)``) below ``2**32 / 20`` elements, else the inside-out
    shuffle with 64-bit draws."""
    if n < 0xFFFF_FFFF // 20:
        if n < 2:
            return np.arange(n, dtype=np.int64)
        offsets = eng.words(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)
        if n <= _SWAP_LOOP_MAX:
            out = list(range(n))
            for i, z in enumerate(offsets.tolist()):
                j = i + z
                out[i], out[j] = out[j], out[i]
            return np.array(out, dtype=np.int64)
        return _forward_shuffle(offsets.astype(np.int64))
    out = np.empty(n, np.int64)  # pragma: no cover - over 200 million elements
    picks = eng.words64(n)
    for i in range(n):
        z = int(picks[i]) % (i + 1)
        out[i] = out[z]
        out[z] = i
    return out


_SWAP_LOOP_MAX = 30_000  # above this the vectorised replay below is faster than the loop


def _forward_shuffle(offsets) -> np.ndarray:
    """The permutation the swaps ``(i, i + offsets[i])``, applied in order to ``0..n-1``, make,
    computed without a loop over the swaps.

    Step ``i`` finalises position ``i`` (later steps only touch higher positions) with the value
    then at its target, and moves the value then at ``i`` to the target. So the value at a
    position before step ``i`` is the one the last earlier step aiming at that position moved
    there, or the position's own index if none did; following those "moved here by" links back
    (pointer jumping, a few rounds since a value moves about ``log n`` times) finds it.
    """
    n = offsets.size + 1
    steps = np.arange(n - 1)
    target = steps + offsets
    order = np.argsort(target, kind="stable")  # steps grouped by target, in step order
    grouped = target[order]
    same = grouped[1:] == grouped[:-1]
    prev = np.full(n - 1, -1, np.int64)  # the previous step aiming at the same target
    prev[order[1:][same]] = order[:-1][same]
    last = np.full(n, -1, np.int64)  # the last step aiming at each position
    ends = np.append(~same, True)
    last[grouped[ends]] = order[ends]
    # the step that moved the value found at position i before step i (-1: none, value i)
    mover = np.where(last[:-1] == steps, prev, last[:-1])
    origin = np.where(mover >= 0, mover, steps)
    while True:
        further = origin[origin]
        if np.array_equal(further, origin):
            break
        origin = further
    out = np.empty(n, np.int64)
    out[:-1] = np.where(prev >= 0, origin[np.maximum(prev, 0)], target)
    out[-1] = origin[last[-1]] if last[-1] >= 0 else n - 1
    return out


# ---------------------------------------------------------------------------- categorical


def multinomial_with_replacement(eng, rows, n_sample: int) -> np.ndarray:
    """torch's CPU kernel: per row, the running sum in the row's precision (float for half and
    bfloat16) divided by the total, its last entry set to 1, and for each sample a double
    uniform looked up by binary search (the first entry ``>= u``)."""
    rows = np.asarray(rows)
    acc = _f64 if rows.dtype == _f64 else _f32
    out = np.empty((rows.shape[0], n_sample), np.int64)
    for i, row in enumerate(rows.astype(acc)):
        cum = np.cumsum(row, dtype=acc)
        cum /= cum[-1]
        cum[-1] = 1
        out[i] = np.searchsorted(cum, _u53(eng, n_sample), side="left")
    return out


# ---------------------------------------------------------------------------- rejection samplers


def _uniform_source(eng, chunk: int = 64):
    """Double uniforms one at a time (drawn in small batches: the samplers below consume a
    data-dependent number of them, as torch's do)."""
    while True:
        yield from _u53(eng, chunk).tolist()


def poisson(eng, rates) -> np.ndarray:
    """torch's ``sample_poisson`` for each rate (doubles, in fill order): Hoermann's transformed
    rejection for rates of 10 or more, the product of uniforms below."""
    rates = np.asarray(rates, _f64).ravel()
    out = np.zeros(rates.size, _f64)
    if not rates.size:
        return out
    draws = _Exact(eng)
    for idx, lam in enumerate(rates.tolist()):
        if lam >= 10:
            out[idx] = _poisson_ptrs(draws, lam)
        elif lam > 0:
            enlam, x, prod = math.exp(-lam), 0, 1.0
            while True:
                prod *= draws.uniform()
                if prod > enlam:
                    x += 1
                else:
                    break
            out[idx] = x
        elif lam < 0 or lam != lam:
            raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    return out


def _poisson_ptrs(draws, lam: float) -> int:
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    invalpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = draws.uniform() - 0.5
        v = draws.uniform()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        lhs = _log(v) + math.log(invalpha) - math.log(a / (us * us) + b)
        if lhs <= -lam + k * loglam - math.lgamma(k + 1.0):
            return k


def _log(v: float) -> float:
    """C's ``log``: -inf at 0, NaN below."""
    if v > 0:
        return math.log(v)
    return -math.inf if v == 0 else math.nan


class _Exact:
    """One-at-a-time double draws that leave the engine exactly where torch's would: the
    uniforms are taken one 64-bit draw at a time, normals through the generator's cache."""

    __slots__ = ("eng",)

    def __init__(self, eng) -> None:
        self.eng = eng

    def uniform(self) -> float:
        return (self.eng.word64() & ((1 << 53) - 1)) * 2.0**-53

    def normal(self) -> float:
        return float(standard_normal_serial(self.eng, 1)[0])


def standard_gamma(eng, alphas, dtype) -> np.ndarray:
    """torch's CPU ``_standard_gamma``: Marsaglia and Tsang's method with the ``U**(1/alpha)``
    boost below 1, per element in fill order; the result is at least the dtype's tiny."""
    dtype = np.dtype(dtype)
    single = dtype != _f64  # alpha is the tensor's scalar type: float arithmetic for float
    flat = np.asarray(alphas).ravel().astype(_f32 if single else _f64)
    draws = _Exact(eng)
    out = np.empty(flat.size, _f64)
    third = float(_f32(1.0) / _f32(3.0))
    for idx, alpha in enumerate(flat.tolist()):
        out[idx] = _gamma_one(draws, alpha, single, third)
    tiny = (np.finfo(dtype) if dtype.name != "bfloat16" else _bf16_info()).tiny
    res = cast(out, dtype)
    return np.where(res > tiny, res, np.asarray(tiny, dtype)).astype(dtype)


def _bf16_info():
    import ml_dtypes

    return ml_dtypes.finfo(ml_dtypes.bfloat16)


_GAMMA_SQUEEZE = float(_f32(0.0331))  # torch writes it as a float literal


def _gamma_one(draws, alpha: float, single: bool, third: float) -> float:
    scale = 1.0
    rnd = (lambda v: float(_f32(v))) if single else (lambda v: v)
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        scale *= (1.0 - draws.uniform()) ** rnd(1.0 / alpha)
        alpha = rnd(alpha + 1.0)
    d = rnd(alpha - third)
    c = 1.0 / _sqrt(9.0 * d)
    while True:
        while True:  # C's do { ... } while (y <= 0): a NaN leaves the loop
            x = draws.normal()
            y = 1.0 + c * x
            if not y <= 0:
                break
        v = y * y * y
        u = 1.0 - draws.uniform()
        xx = x * x
        if u < 1.0 - _GAMMA_SQUEEZE * xx * xx:
            return scale * d * v
        if _log(u) < 0.5 * xx + d * (1.0 - v + _log(v)):
            return scale * d * v


def _sqrt(v: float) -> float:
    return math.sqrt(v) if v >= 0 else math.nan
