"""``as_strided`` (a view with arbitrary element strides into a tensor's storage) and the
element-wise Python callables of ``apply_``/``map_``/``map2_``. The public functions are in
:mod:`ember.ops.shape_extra`.

NOTE [ as_strided and its gradient ]
The storage is the root array that owns the tensor's memory (the end of its ``.base`` chain);
the view starts ``offset`` elements into it. PyTorch's rule that the view stay inside the
storage is checked by the public function, so the view never reaches outside the allocation.
The gradient works on the flat storage: the output's element ``i`` reads storage position
``P[i] = offset + sum_k i_k stride_k``, so the gradient of the storage is ``g`` scatter-added at
``P``, and the input's gradient reads that at the input's own positions ``Q`` (from its offset
and strides). Overlapping outputs (sliding windows) accumulate, as they should.
"""

from __future__ import annotations

from .._registry import defop


def storage_of(a):
    """The array owning ``a``'s memory, flattened (its ``.base`` chain's end)."""
    root = a
    while getattr(root, "base", None) is not None and hasattr(root.base, "dtype"):
        root = root.base
    return root


def positions(xp, shape, strides, offset):
    """Flat storage positions of the elements of a (shape, strides, offset) view."""
    pos = xp.full(tuple(shape), offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        step = xp.arange(n, dtype=xp.int64) * s
        pos = pos + step.reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


@defop("as_strided", view=True)
def _as_strided(xp, x, size, stride, offset, in_strides, in_offset):
    root = storage_of(x)
    flat = root.reshape(-1)  # the public function checked that the root is contiguous
    item = x.itemsize
    start = flat[offset:] if offset < flat.size else flat[flat.size :]
    return xp.lib.stride_tricks.as_strided(start, tuple(size), tuple(s * item for s in stride))


@_as_strided.vjp()
def _as_strided_backward(ctx, g):
    from ..._tensor import _wrap

    p = ctx.params
    shape = ctx.in_meta[0][0]
    xp = _backend_xp(g)
    out_pos = _wrap(positions(xp, p["size"], p["stride"], p["offset"]).reshape(-1))
    in_pos = _wrap(positions(xp, shape, p["in_strides"], p["in_offset"]).reshape(-1))
    size = max(int(out_pos._data.max(initial=0)), int(in_pos._data.max(initial=0))) + 1
    flat = g.new_zeros((size,)).index_add(0, out_pos, g.reshape(-1))
    return flat.index_select(0, in_pos).reshape(shape)


def _backend_xp(t):
    from ..._backend import backend_of

    return backend_of(t._data).xp


# ---------------------------------------------------------------- Python callables (CPU)
@defop("apply_")
def _apply(xp, x, fn):
    flat = [fn(v) for v in x.reshape(-1).tolist()]
    return xp.asarray(flat, dtype=x.dtype).reshape(x.shape)


@defop("map_")
def _map(xp, x, other, fn):
    a, b = xp.broadcast_arrays(x, other)
    flat = [fn(u, v) for u, v in zip(a.reshape(-1).tolist(), b.reshape(-1).tolist())]
    return xp.asarray(flat, dtype=x.dtype).reshape(x.shape)


@defop("map2_")
def _map2(xp, x, a, b, fn):
    x, a, b = xp.broadcast_arrays(x, a, b)
    flat = [
        fn(u, v, w)
        for u, v, w in zip(x.reshape(-1).tolist(), a.reshape(-1).tolist(), b.reshape(-1).tolist())
    ]
    return xp.asarray(flat, dtype=x.dtype).reshape(x.shape)
