"""Vision primitives: padding (``F.pad``) and resampling, separable 1-D interpolation along one
axis (``F.interpolate``); ``grid_sample`` is composed from ember ops. The public functions are in
:mod:`ember.nn._functional.vision` and :mod:`ember.nn.functional`.

NOTE [ Separable resampling tables ]
Every interpolation mode of ``F.interpolate`` except 'area' is separable: along one axis, output
position ``o`` is ``sum_k w[o, k] * x[idx[o, k]]`` over a few taps (1 for nearest, 2 for linear,
4 for cubic, a scale-dependent count for anti-aliased filters). A *table* ``(idx, w)`` of shape
``(out, taps)`` is built once per (mode, sizes, scale, align_corners, dtype) and cached; the
forward is one ``take`` and one multiply-add per tap. The backward is the transposed linear map,
which is again a gather: the transposed table lists, for every input position, the output
positions that read it and their weights (rows padded with zero weights). So the backward is
the same primitive with the table flipped, and double backward comes for free.

The coordinates follow ATen's ``UpSample.h`` to the bit: sizes, scales and source indices are
computed in the op's math type (float32 for float16 / bfloat16 / float32 inputs, float64 for
float64), the user's ``scale_factor`` is used as ``1 / scale`` when given, nearest uses float
arithmetic with ATen's shortcuts for equal and doubled sizes, and cubic uses ``A = -0.75`` with
clamped border taps.
"""

from __future__ import annotations

import itertools
import math

from ..._backend import cache_of
from .._registry import defop

# ---------------------------------------------------------------------------- coordinates


def _math_dtype(xp, dtype_name: str):
    return xp.float64 if dtype_name == "float64" else xp.float32


def _scales_value(xp, dt, scale, n_in, n_out):
    """ATen's compute_scales_value: ``1 / scale`` if a scale was given, else ``in / out``."""
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(n_in) / dt(n_out)


def _area_scale(xp, dt, n_in, n_out, align_corners, scale):
    """ATen's area_pixel_compute_scale."""
    if align_corners:
        return dt(n_in - 1) / dt(n_out - 1) if n_out > 1 else dt(0)
    return _scales_value(xp, dt, scale, n_in, n_out)


def _source_index(xp, dt, scale, n_out, align_corners, cubic):
    """ATen's area_pixel_compute_source_index for every output position."""
    i = xp.arange(n_out, dtype=dt)
    if align_corners:
        return scale * i
    src = scale * (i + dt(0.5)) - dt(0.5)
    return src if cubic else xp.maximum(src, dt(0))


def _guard(xp, dt, src, n_in):
    """ATen's guard_index_and_lambda: floor index (at most ``n_in - 1``) and weight in [0, 1]."""
    index = xp.minimum(xp.floor(src.astype(xp.float32)).astype(xp.int64), n_in - 1)
    lam = xp.clip(src - index.astype(dt), dt(0), dt(1))
    return index, lam


def _cubic_coefficients(xp, t, a):
    """The four Keys cubic convolution weights at fractional offset ``t``."""

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    one = t.dtype.type(1)
    return [far(t + one), near(t), near(one - t), far(one - t + one)]


# ---------------------------------------------------------------------------- tables


def _nearest(xp, n_in, n_out, scale, exact):
    s = _scales_value(xp, xp.float32, scale, n_in, n_out)
    if exact:
        pos = ((xp.arange(n_out, dtype=xp.float64) + 0.5) * xp.float64(s)).astype(xp.float32)
    else:
        pos = xp.arange(n_out, dtype=xp.float32) * s
    index = xp.minimum(xp.floor(pos).astype(xp.int64), n_in - 1)
    return index[:, None], xp.ones((n_out, 1), dtype=xp.float32)


def _linear(xp, dt, n_in, n_out, scale, align_corners):
    s = _area_scale(xp, dt, n_in, n_out, align_corners, scale)
    index, lam = _guard(xp, dt, _source_index(xp, dt, s, n_out, align_corners, False), n_in)
    upper = index + (index < n_in - 1)
    return xp.stack([index, upper], 1), xp.stack([dt(1) - lam, lam], 1)


def _cubic(xp, dt, n_in, n_out, scale, align_corners):
    s = _area_scale(xp, dt, n_in, n_out, align_corners, scale)
    index, t = _guard(xp, dt, _source_index(xp, dt, s, n_out, align_corners, True), n_in)
    taps = xp.clip(index[:, None] + xp.arange(-1, 3)[None, :], 0, n_in - 1)
    return taps, xp.stack(_cubic_coefficients(xp, t, dt(-0.75)), 1)


def _aa_filter(xp, kind, x):
    """ATen's anti-aliasing filters: triangle, Keys cubic (a = -0.5), Lanczos-3."""
    x = xp.abs(x)
    if kind == "linear":
        return xp.where(x < 1, 1 - x, 0)
    if kind == "lanczos":
        return xp.where(x < 3, xp.sinc(x) * xp.sinc(x / 3), 0)
    a = x.dtype.type(-0.5)
    near = ((a + 2) * x - (a + 3)) * x * x + 1
    far = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return xp.where(x < 1, near, xp.where(x < 2, far, 0))


def _antialiased(xp, dt, kind, n_in, n_out, scale, align_corners):
    """ATen's ``antialias=True`` windows (PIL's rule).

    The filter support widens by the scale when downsampling; windows are cut at the borders
    and their weights renormalised. Cubic uses ``a = -0.5`` here, as PIL does.
    """
    s = _area_scale(xp, dt, n_in, n_out, align_corners, scale)
    half = {"linear": 1.0, "cubic": 2.0, "lanczos": 3.0}[kind]
    support = dt(half * s) if s >= 1 else dt(half)
    taps = int(math.ceil(float(support))) * 2 + 1
    inv = dt(1) / s if s >= 1 else dt(1)
    center = s * (xp.arange(n_out, dtype=dt) + dt(0.5))
    start = xp.maximum((center - support + dt(0.5)).astype(xp.int64), 0)
    stop = xp.minimum((center + support + dt(0.5)).astype(xp.int64), n_in)
    count = xp.clip(stop - start, 0, taps)
    j = xp.arange(taps)[None, :]
    pos = ((j + start[:, None]).astype(dt) - center[:, None] + dt(0.5)) * inv
    w = _aa_filter(xp, kind, pos)
    w = xp.where(j < count[:, None], w, dt(0)).astype(dt)
    total = w.sum(1, keepdims=True)
    w = xp.where(total != 0, w / xp.where(total != 0, total, dt(1)), w)
    index = xp.minimum(start[:, None] + j, n_in - 1)
    return index, w


def _transpose(xp, index, weight, n_in):
    """The table of the transposed map: for each input position, who reads it and how much."""
    n_out, taps = index.shape
    src = index.reshape(-1)
    dst = xp.repeat(xp.arange(n_out), taps)
    w = weight.reshape(-1)
    keep = w != 0
    src, dst, w = src[keep], dst[keep], w[keep]
    order = xp.argsort(src, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    counts = xp.bincount(src, minlength=n_in)
    width = max(int(counts.max()) if counts.size else 0, 1)
    pos = xp.arange(src.shape[0]) - (xp.cumsum(counts) - counts)[src]
    t_index = xp.zeros((n_in, width), dtype=xp.int64)
    t_weight = xp.zeros((n_in, width), dtype=weight.dtype)
    t_index[src, pos] = dst
    t_weight[src, pos] = w
    return t_index, t_weight


def _table(xp, x, spec):
    """``(index, weight)`` arrays of shape (out, taps) for ``spec`` (see :func:`resample`),
    cached on the device of ``x``."""
    cache = cache_of(x, "vision.resample_tables")
    found = cache.get(spec)
    if found is None:
        if len(cache) >= 512:
            cache.clear()
        found = cache[spec] = _build_table(xp, x, spec)
    return found


def _build_table(xp, x, spec):
    mode, n_in, n_out, scale, align_corners, dtype_name, transposed = spec
    if transposed:
        index, weight = _table(xp, x, (mode, n_in, n_out, scale, align_corners, dtype_name, False))
        return _transpose(xp, index, weight, n_in)
    dt = _math_dtype(xp, dtype_name)
    if mode in ("nearest", "nearest-exact"):
        return _nearest(xp, n_in, n_out, scale, mode == "nearest-exact")
    if mode == "linear":
        return _linear(xp, dt, n_in, n_out, scale, align_corners)
    if mode == "cubic":
        return _cubic(xp, dt, n_in, n_out, scale, align_corners)
    return _antialiased(xp, dt, mode[3:], n_in, n_out, scale, align_corners)


# ---------------------------------------------------------------------------- the primitive


@defop("upsample_axis")
def _resample(xp, x, axis, spec):
    index, weight = _table(xp, x, spec)
    if weight.shape[1] == 1 and spec[0] in ("nearest", "nearest-exact") and not spec[-1]:
        return xp.take(x, index[:, 0], axis=axis)
    shape = [1] * x.ndim
    shape[axis] = index.shape[0]
    weight = weight.astype(x.dtype, copy=False)
    out = None
    for k in range(index.shape[1]):
        term = xp.take(x, index[:, k], axis=axis)
        term *= weight[:, k].reshape(shape)
        if out is None:
            out = term
        else:
            out += term
    return out


@_resample.vjp()
def _resample_backward(ctx, g):
    mode, n_in, n_out, scale, align_corners, dtype_name, transposed = ctx.params["spec"]
    flipped = (mode, n_in, n_out, scale, align_corners, dtype_name, not transposed)
    return _resample(g, axis=ctx.params["axis"], spec=flipped)


def resample(x, axis: int, mode: str, n_out: int, scale: float | None, align_corners: bool):
    """Interpolate ``x`` along ``axis`` to ``n_out`` positions with ATen's 1-d rules.

    ``mode``: 'nearest', 'nearest-exact', 'linear', 'cubic', 'aa-linear', 'aa-cubic' or
    'aa-lanczos' (the filters of ``antialias=True``); ``scale`` is the user's scale factor for
    this axis (None when an output size was given or it is recomputed).
    """
    n_in = x.shape[axis]
    if n_in == n_out and (
        mode == "linear" or mode.startswith("aa-") or (mode == "nearest" and scale is None)
    ):
        return x
    math_name = "float64" if x.dtype.name == "float64" else "float32"
    spec = (
        mode,
        n_in,
        n_out,
        None if scale is None else float(scale),
        bool(align_corners),
        math_name,
        False,
    )
    return _resample(x, axis=axis, spec=spec)


# ---------------------------------------------------------------------------- grid sampling
# NOTE [ Grid sampling as a composite ]
# grid_sample is written with differentiable Tensor ops (gather, where, fmod, arithmetic), so
# gradients reach both the input (through gather) and the grid (through the interpolation
# weights), and double backward works. Corner indices are computed on detached coordinates;
# a corner outside the input reads a clamped index whose weight is masked to zero. Coordinates
# follow ATen's GridSampler.h, including its gradients: clipping passes a gradient only
# strictly inside the border, and reflection's sign is +1 at the reflection point.


def _unnormalize(coord, size: int, align_corners: bool, vectorized: bool):
    """[-1, 1] -> pixel coordinates (corner pixels' centres, or their outer edges).

    The arithmetic order is ATen's, since it decides which side of a pixel an exact grid
    position falls on: the 2-d CPU kernel multiplies by a precomputed half size, the 3-d one
    follows GridSampler.h.
    """
    if vectorized:
        if align_corners:
            return (coord + 1) * ((size - 1) / 2)
        shifted = coord + 1
        plain = shifted * (size / 2) - 0.5
        # the kernel's multiply-subtract is one fused (singly rounded) operation
        return plain + (_fused_half_shift(shifted.detach(), size / 2) - plain.detach())
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _fused_half_shift(a, scale: float):
    """``fma(a, scale, -0.5)``: ``a * scale - 0.5`` rounded once (``scale`` is a half-integer).

    float32 and below: the product is exact in float64. float64: Dekker's two-product gives
    the product's rounding error ``e``; ``p - 0.5`` is exact wherever the result is near an
    integer, so ``(p - 0.5) + e`` is rounded once.
    """
    if a.dtype.itemsize < 8:
        return (a.double() * scale - 0.5).to(a.dtype)
    p = a * scale
    split = a * 134217729.0
    hi = split - (split - a)
    lo = a - hi
    s_split = scale * 134217729.0
    s_hi = s_split - (s_split - scale)
    s_lo = scale - s_hi
    err = ((hi * s_hi - p) + hi * s_lo + lo * s_hi) + lo * s_lo
    return (p - 0.5) + err


def _clip(coord, size: int):
    hi = size - 1
    inside = (coord > 0) & (coord < hi)
    return coord.where(inside, coord.detach().clamp(0, hi))


def _reflect(coord, twice_low: int, twice_high: int):
    if twice_low == twice_high:
        return coord * 0
    low = twice_low / 2
    span = (twice_high - twice_low) / 2
    d = coord - low
    d = d.where(d >= 0, -d)
    extra = d.fmod(span)
    odd = (d.detach() / span).floor().remainder(2) == 1
    return (extra + low).where(~odd, span - extra + low)


def _pad_coordinates(coord, size: int, padding_mode: str, align_corners: bool):
    """ATen's compute_coordinates: apply 'border' or 'reflection' to pixel coordinates."""
    if padding_mode == "border":
        return _clip(coord, size)
    if padding_mode == "reflection":
        if align_corners:
            coord = _reflect(coord, 0, 2 * (size - 1))
        else:
            coord = _reflect(coord, -1, 2 * size - 1)
        return _clip(coord, size)
    return coord


def _cubic_weights(t):
    """Keys cubic weights (A = -0.75) of the four taps around fractional offset ``t``."""
    a = -0.75

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a

    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _read(flat_input, corner, sizes):
    """Values at integer pixel positions ``corner`` (one float tensor (N, P) per spatial dim).

    Returns the gathered values (N, C, P) and the in-bounds mask (N, P) as 0 / 1 floats.
    """
    n, c = flat_input.shape[:2]
    flat = mask = None
    for pos, size in zip(corner, sizes):
        valid = (pos >= 0) & (pos <= size - 1)
        index = pos.clamp(0, size - 1).long()
        flat = index if flat is None else flat * size + index
        mask = valid if mask is None else mask & valid
    values = flat_input.gather(2, flat.unsqueeze(1).expand(n, c, flat.shape[1]))
    return values, mask.to(flat_input.dtype)


def grid_sample_nd(input, grid, mode: str, padding_mode: str, align_corners: bool):  # noqa: A002
    """``F.grid_sample`` on checked arguments: (N, C, *S) sampled at grid (N, *So, nd)."""
    nd = input.ndim - 2
    n, c = input.shape[:2]
    sizes = tuple(input.shape[2:])
    out_shape = tuple(grid.shape[1:-1])
    flat_input = input.reshape(n, c, math.prod(sizes))
    g = grid.reshape(n, math.prod(out_shape), nd)
    coords = [
        _unnormalize(g[..., nd - 1 - d], size, align_corners, nd == 2)
        for d, size in enumerate(sizes)
    ]
    out = None
    if mode == "bicubic":
        base = [x.detach().floor() for x in coords]
        weights = [_cubic_weights(x - b) for x, b in zip(coords, base)]
        for taps in itertools.product(range(4), repeat=nd):
            corner = [
                _pad_coordinates(b + (k - 1), size, padding_mode, align_corners)
                for b, k, size in zip(base, taps, sizes)
            ]
            values, mask = _read(flat_input, corner, sizes)
            w = mask
            for wd, k in zip(weights, taps):
                w = w * wd[k]
            term = values * w.unsqueeze(1)
            out = term if out is None else out + term
    else:
        coords = [
            _pad_coordinates(x, size, padding_mode, align_corners) for x, size in zip(coords, sizes)
        ]
        if mode == "nearest":
            values, mask = _read(flat_input, [x.detach().round() for x in coords], sizes)
            # grid still gets a (zero) gradient, as in PyTorch
            out = values * (mask + coords[0] * 0).unsqueeze(1)
        else:
            low = [x.detach().floor() for x in coords]
            for bits in itertools.product((0, 1), repeat=nd):
                corner = [lo + b for lo, b in zip(low, bits)]
                values, mask = _read(flat_input, corner, sizes)
                w = mask
                for x, lo, b in zip(coords, low, bits):
                    w = w * (x - lo if b else lo + 1 - x)
                term = values * w.unsqueeze(1)
                out = term if out is None else out + term
    return out.reshape((n, c) + out_shape)


# ---------------------------------------------------------------------------- padding
# ``pad`` holds one (before, after) pair per dimension, first dimension first; negative
# amounts crop. Constant padding by p and cropping by p are adjoint, so the backward of one is
# the other. Reflect / replicate / circular gather along each padded dim with an index vector;
# their backward sums the gathered gradient back through the same index (a 0/1 matrix product).


@defop("constant_pad_nd")
def _constant_pad(xp, x, pad, value):
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, pad))
    out = xp.full(shape, value, dtype=x.dtype)
    src = tuple(slice(max(-a, 0), n - max(-b, 0)) for n, (a, b) in zip(x.shape, pad))
    dst = tuple(slice(max(a, 0), n - max(b, 0)) for n, (a, b) in zip(shape, pad))
    out[dst] = x[src]
    return out


@_constant_pad.vjp()
def _constant_pad_vjp(ctx, g):
    return _constant_pad(g, pad=tuple((-a, -b) for a, b in ctx.params["pad"]), value=0)


def _gather_index(xp, n, before, after, mode):
    j = xp.arange(-before, n + after)
    if mode == "reflect":
        return (n - 1) - xp.abs((n - 1) - xp.abs(j))
    if mode == "replicate":
        return xp.clip(j, 0, n - 1)
    return j % n


@defop("index_pad")
def _index_pad(xp, x, pad, mode):
    for d, (a, b) in enumerate(pad):
        if a or b:
            x = xp.take(x, _gather_index(xp, x.shape[d], a, b, mode), axis=d)
    return x


@_index_pad.vjp()
def _index_pad_vjp(ctx, g):
    return _index_pad_backward(g, **ctx.params)


@defop("index_pad_backward")
def _index_pad_backward(xp, g, pad, mode):
    for d, (a, b) in enumerate(pad):
        if a or b:
            n = g.shape[d] - a - b
            idx = _gather_index(xp, n, a, b, mode)
            onehot = (idx[:, None] == xp.arange(n)[None, :]).astype(g.dtype)
            g = xp.moveaxis(xp.matmul(xp.moveaxis(g, d, -1), onehot), -1, d)
    return g


@_index_pad_backward.vjp()
def _index_pad_backward_vjp(ctx, gg):
    return _index_pad(gg, **ctx.params)
