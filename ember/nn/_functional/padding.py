"""``F.pad``: constant, reflect, replicate and circular padding (negative amounts crop).

A thin function: PyTorch's argument checks and messages, then the padding primitives of
:mod:`ember.ops.prims.vision` (``constant_pad_nd`` for 'constant', a gather along each padded
dim for the other modes).
"""

from __future__ import annotations

from ... import _dtype
from ..._tensor import Tensor
from ...ops.prims import vision as PV

__all__ = ["pad"]


_PAD_SUPPORT = (
    "\nSupported combinations for non-constant padding:\n"
    "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
    "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
    "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)"
)


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:  # noqa: A002
    """Pad (or, with negative amounts, crop) the last ``len(pad) // 2`` dims of ``input``.

    ``pad = (last_before, last_after, second_last_before, ...)``. Modes: 'constant' (any
    dims, fills ``value``), 'reflect', 'replicate', 'circular' (last 1-3 dims of a batched or
    unbatched input).
    """
    if not isinstance(pad, (tuple, list)):
        raise TypeError(
            f"pad(): argument 'pad' (position 2) must be tuple of ints, not {type(pad).__name__}"
        )
    for i, p in enumerate(pad):
        if not isinstance(p, int):
            raise TypeError(
                "pad(): argument 'pad' (position 2) must be tuple of ints, but "
                f"found element of type {type(p).__name__} at pos {i}"
            )
    if mode not in ("constant", "reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    shape, ndim, k = tuple(input.shape), input.ndim, len(pad) // 2
    if k > ndim:
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension "
            f"{ndim}"
        )
    full = [(0, 0)] * ndim
    for i in range(k):
        full[ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    out = [n + a + b for n, (a, b) in zip(shape, full)]
    if mode == "constant":
        if min(out, default=0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        return PV._constant_pad(input, pad=tuple(full), value=0 if value is None else value)
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if k not in (1, 2, 3) or ndim not in (k + 1, k + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {ndim}D input tensor.{_PAD_SUPPORT}"
        )
    if mode == "circular":
        for (a, b), n, o in zip(full[-k:], shape[-k:], out[-k:]):
            if a > n or b > n:
                raise RuntimeError("Padding value causes wrapping around more than once.")
            if o < 0:
                raise RuntimeError("Negative padding value is resulting in an empty dimension")
        return PV._index_pad(input, pad=tuple(full), mode=mode)
    if input.dtype is _dtype.bool:
        kernel = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f"\"{kernel}_pad{k}d\" not implemented for 'Bool'")
    if 0 in (shape[1:] if ndim == k + 2 else shape):
        raise RuntimeError(
            f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 "
            "batch size and other non-zero dimensions for input, but got: "
            f"{list(shape)}"
        )
    names = "DHW"[3 - k :]
    for i in range(k):
        d = ndim - 1 - i
        (a, b), n = full[d], shape[d]
        if mode == "reflect" and (a >= n or b >= n):
            raise RuntimeError(
                f"Argument #{4 + 2 * i}: Padding size should be less than the "
                "corresponding input dimension, but got: padding "
                f"({a}, {b}) at dimension {d} of input {list(shape)}"
            )
    if min(out[-k:]) < 1:
        sizes = ", ".join(f"{c}: {n}" for c, n in zip(names, shape[-k:]))
        outs = ", ".join(f"{c}: {n}" for c, n in zip(names, out[-k:]))
        raise RuntimeError(f"input ({sizes}) is too small. Calculated output {outs}")
    return PV._index_pad(input, pad=tuple(full), mode=mode)
