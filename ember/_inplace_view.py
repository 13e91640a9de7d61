"""In-place ops on views of tensors that take part in autograd (PyTorch's CopySlices).

NOTE [ In-place on a view ]
``v = b[0]; v.mul_(2)`` changes ``b`` too. The new value of ``v`` is computed out of place from
a snapshot (so its graph is ``f(old v)``) and written into the shared memory. ``b`` then needs a
history in which the elements ``v`` covers come from that result: we record
``b_new = index_put(b_old.flatten(), positions_of_v, result)`` where ``positions_of_v`` are the
flat positions of the view's elements inside its (contiguous) base, read off the strides.
"""

from __future__ import annotations

from ._backend import backend_of
from ._tensor import _wrap


def _flat_positions(view, base):
    """The flat index in ``base`` of every element of ``view`` (same shape as ``view``)."""
    backend = backend_of(base._data)
    xp = backend.xp
    b, v = base._data, view._data
    if not b.flags.c_contiguous:
        raise RuntimeError(
            "ember supports in-place operations on views while recording only "
            "when the view's base is contiguous; call .contiguous() on the base "
            "first"
        )
    item = b.itemsize
    start = (backend.data_ptr(v) - backend.data_ptr(b)) // item
    index = xp.arange(b.size, dtype=xp.int64)[start:]
    strides = tuple((s // item) * index.itemsize for s in v.strides)
    return xp.lib.stride_tricks.as_strided(index, shape=v.shape, strides=strides)


def _alias(t):
    a = _wrap(t._data)
    a.requires_grad, a.grad_fn, a._output_nr = t.requires_grad, t.grad_fn, t._output_nr
    return a


def refresh_view(view):
    """Give a view whose base changed in place since its history was made a history that
    reads its values from the base's current history (PyTorch regenerates it the same way)."""
    from .autograd.grad_mode import enable_grad
    from .ops.prims import shape as S

    base = view._base
    view._view_version = view._version_counter.v
    if not base.requires_grad:
        return
    positions = _flat_positions(view, base).reshape(-1)
    with enable_grad():
        new = S._advanced_index(_alias(base).reshape(-1), key=(positions,)).view(view.shape)
    view.grad_fn, view._output_nr, view.requires_grad = new.grad_fn, new._output_nr, True


def inplace_on_view(view, compute):
    """Apply ``compute(old_view) -> new value`` to ``view`` in place, updating its base's graph."""
    from ._methods import cast_for_inplace
    from .ops.prims import shape as S

    base = view._base
    if view._view_version != view._version_counter.v:
        refresh_view(view)
    snapshot = _alias(view)
    snapshot._data = view._data.copy()
    result = cast_for_inplace(view, compute(snapshot))
    positions = _flat_positions(view, base).reshape(-1)
    old_base = _alias(base)
    new_base = S._index_put(
        old_base.reshape(-1), result.reshape(-1), key=(positions,), accumulate=False
    ).view(base.shape)
    view._data[...] = result._data
    view._version_counter.v += 1
    view._view_version = view._version_counter.v
    if result.requires_grad:
        view.grad_fn, view._output_nr, view.requires_grad = result.grad_fn, result._output_nr, True
    if new_base.requires_grad:
        base.grad_fn, base._output_nr, base.requires_grad = new_base.grad_fn, 0, True
    return view
