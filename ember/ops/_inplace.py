"""The one in-place mechanism: how ``x.add_(y)``, ``x[i] = v`` and ``relu_(x)`` change a tensor.

Recording is decided in exactly two places: the out-of-place op wrapper (``Op.__call__`` in
:mod:`ember.ops._registry`) and here. Every in-place change goes through one of two entries:

- :func:`inplace_method` turns a public out-of-place function ``f(self, ...)`` into the method
  ``self.f_(...)``: the result is computed out of place (from a snapshot of ``self`` when
  recording) and written back into ``self``'s memory.
- :func:`inplace_op` runs one primitive with its output written straight into the target's
  memory (no temporary), for ops whose backward does not need the overwritten input.

Both follow PyTorch's rules: a leaf that requires grad cannot be changed while grad mode is on
(:func:`check_inplace`); any other tensor takes the new node as its ``grad_fn``; the version
counter shared with views is bumped, so a backward that saved the old value raises instead of
using stale data.

NOTE [ In-place on a view ]
``v = b[0]; v.mul_(2)`` changes ``b`` too. The new value of ``v`` is computed out of place from
a snapshot (so its graph is ``f(old v)``) and written into the shared memory. ``b`` then needs a
history in which the elements ``v`` covers come from that result: we record
``b_new = index_put(b_old.flatten(), positions_of_v, result)`` where ``positions_of_v`` are the
flat positions of the view's elements inside its (contiguous) base, read off the strides
(PyTorch's CopySlices does the same job). A view of another dtype than its base (``z.real``,
``z.imag``, ``view_as_real(z)``, ``view_as_complex(x)``) is handled in real coordinates: complex
tensors are seen through ``view_as_real``, so the view and the base count the same elements.
"""

from __future__ import annotations

from .. import _dtype
from .._backend import backend_of
from .._size import shape_text
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GRAD_ENABLED
from ._binding import tensor_method
from ._out import castable

LEAF_MESSAGE = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_MESSAGE = (
    "a view of a leaf Variable that requires grad is being used in an in-place operation."
)
NO_GRAD_VIEW_MESSAGE = (
    "A view was created in no_grad mode and is being modified inplace with grad mode enabled. "
    "Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify "
    "your code by moving both the view and the inplace either both inside the no_grad block "
    "(if you don't want the inplace to be tracked) or both outside (if you want the inplace to "
    "be tracked)."
)


def check_inplace(target, basic_key=None) -> None:
    """PyTorch's rules for changing ``target`` in place while grad mode is on: never a leaf
    that requires grad, nor a view of one, nor a view made under ``no_grad`` of a tensor that
    requires grad (each would silently corrupt a gradient). ``basic_key``: the basic index of
    a write ``x[key] = v``, which torch makes through a view, and its messages say so."""
    base = target._base
    if target.requires_grad:
        if target.grad_fn is None:
            raise RuntimeError(LEAF_MESSAGE if basic_key is None else VIEW_OF_LEAF_MESSAGE)
        if base is not None and base.requires_grad and base.grad_fn is None:
            raise RuntimeError(VIEW_OF_LEAF_MESSAGE)
    elif base is not None and base.requires_grad:
        if basic_key is None:
            raise RuntimeError(NO_GRAD_VIEW_MESSAGE)
        raise RuntimeError(
            f"Output 0 of {_view_op(basic_key)} is a view of a view which was created in "
            "no_grad mode and " + NO_GRAD_VIEW_MESSAGE.split(" and ", 1)[1]
        )


def _view_op(basic_key) -> str:
    """The view op torch's ``x[key] = v`` writes through for a basic key (its last step)."""
    last = "Slice"
    for k in basic_key:
        if isinstance(k, int):
            last = "Select"
        elif isinstance(k, slice) and k != slice(None):
            last = "Slice"
    return last


def _replace(target, compute):
    """``target = compute(old target)`` in place, recorded: the one recording branch of every
    in-place path. ``compute`` sees a snapshot, so the nodes it makes never save memory that the
    write below changes."""
    if target._base is not None:
        return inplace_on_view(target, compute)
    return write_result(target, compute(_alias(target, target._data.copy())))


def cast_for_inplace(target, result):
    """``result`` in ``target``'s dtype and shape, with PyTorch's errors when it cannot be."""
    if result.dtype is not target.dtype:
        castable(result.dtype, target.dtype)  # out='s rule: PyTorch casts in-place results alike
        result = result.to(target.dtype)
    if result.shape != target.shape:
        raise RuntimeError(
            f"output with shape {shape_text(target.shape)} doesn't match the broadcast shape "
            f"{shape_text(result.shape)}"
        )
    return result


def write_result(target, result):
    """Make ``target`` hold ``result`` in place (memory, version, autograd history)."""
    result = cast_for_inplace(target, result)
    target._data[...] = result._data
    target._version_counter.v += 1
    if result.requires_grad:
        target.grad_fn = result.grad_fn
        target._output_nr = result._output_nr
        target.requires_grad = True
    return target


def _alias(t, data=None):
    """A new Tensor object with ``t``'s history (not its version counter), over ``t``'s array
    or over ``data`` (a snapshot of it)."""
    a = _wrap(t._data if data is None else data)
    a.requires_grad, a.grad_fn, a._output_nr = t.requires_grad, t.grad_fn, t._output_nr
    return a


def inplace_method(fn):
    """The in-place method ``name_`` of a public out-of-place function ``fn(self, ...)``."""

    def method(self, *args, **kwargs):
        if GRAD_ENABLED.get():
            check_inplace(self)
            if self.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args):
                return _replace(self, lambda old: fn(old, *args, **kwargs))
        return write_result(self, fn(self, *args, **kwargs))

    method.__name__ = fn.__name__ + "_"
    method.__qualname__ = "Tensor." + method.__name__
    method.__doc__ = f"In-place version of :meth:`Tensor.{fn.__name__}`."
    method.__wrapped__ = fn
    return method


def inplace_op(op, target, *others, **params):
    """Run the primitive ``op(target, *others)`` and write its output into ``target``'s memory."""
    recording = False
    if GRAD_ENABLED.get():
        check_inplace(target)
        if op.backward is not None:
            recording = target.requires_grad or any(t.requires_grad for t in others)
    return _write_op(op, target, others, params, recording)


def _write_op(op, target, others, params, recording):
    """:func:`inplace_op` once the rules are checked and recording is decided."""
    inputs = (target, *others)
    if recording and target._base is not None:
        return inplace_on_view(target, lambda old: op(old, *others, **params))
    out, aux, xp = op.run(inputs, params)
    if recording:
        snapshot = _alias(target, target._data.copy() if op.save_inputs else None)
        node = op.record((snapshot, *others), params, aux)
    target_arr = target._data
    out_shape = getattr(out, "shape", ())
    if (target_arr.ndim == 0 and out_shape != ()) or (
        out_shape != target_arr.shape
        and xp.broadcast_shapes(out_shape, target_arr.shape) != target_arr.shape
    ):
        raise RuntimeError(
            f"output with shape {shape_text(target_arr.shape)} doesn't match the broadcast "
            f"shape {shape_text(out_shape)}"
        )
    target_arr[...] = out
    target._version_counter.v += 1
    if recording:
        target.grad_fn = node
        target.requires_grad = True
        target._output_nr = 0
        if op.save_output:
            node.output = target
            node.saved_versions = (*node.saved_versions, target._version_counter.v)
    return target


def _real_coords(t):
    """``t`` with a complex dtype seen as real numbers (``view_as_real``, keeping its history),
    else ``t``; see NOTE [ In-place on a view ]."""
    if t._data.dtype.kind != "c":
        return t
    from .prims.complex import _view_as_real

    return _view_as_real(t)


def _from_real_coords(r, like):
    """The inverse of :func:`_real_coords` for a tensor of ``like``'s dtype kind."""
    if like._data.dtype.kind != "c":
        return r
    from .prims.complex import _view_as_complex

    return _view_as_complex(r)


def _real_array(a):
    return a[..., None].view(a.real.dtype) if a.dtype.kind == "c" else a


def _flat_positions(view, base):
    """The flat index in ``base`` of every element of ``view`` (same shape as ``view``); for a
    view of another dtype, in real coordinates (of shape ``_real_coords(view).shape``)."""
    backend = backend_of(base._data)
    xp = backend.xp
    b, v = base._data, view._data
    if b.dtype != v.dtype:
        b, v = _real_array(b), _real_array(v)
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


def refresh_view(view):
    """Give a view whose base changed in place since its history was made a history that
    reads its values from the base's current history (PyTorch regenerates it the same way)."""
    from ..autograd.grad_mode import enable_grad
    from .prims import shape as S

    base = view._base
    view._view_version = view._version_counter.v
    if not base.requires_grad:
        return
    positions = _flat_positions(view, base)
    shape = positions.shape
    with enable_grad():
        flat = _real_coords(_alias(base)).reshape(-1)
        new = S._advanced_index(flat, key=(positions.reshape(-1),)).view(shape)
        if base._data.dtype != view._data.dtype:
            new = _from_real_coords(new, view)
    view.grad_fn, view._output_nr, view.requires_grad = new.grad_fn, new._output_nr, True


def inplace_on_view(view, compute):
    """Apply ``compute(old_view) -> new value`` to ``view`` in place, updating its base's graph."""
    from .prims import shape as S

    base = view._base
    if view._view_version != view._version_counter.v:
        refresh_view(view)
    result = cast_for_inplace(view, compute(_alias(view, view._data.copy())))
    positions = _flat_positions(view, base).reshape(-1)
    if base._data.dtype == view._data.dtype:
        new_base = S._index_put(
            _alias(base).reshape(-1), result.reshape(-1), key=(positions,), accumulate=False
        ).view(base.shape)
    else:  # a view of another dtype: in real coordinates
        flat = _real_coords(_alias(base))
        new_base = S._index_put(
            flat.reshape(-1), _real_coords(result).reshape(-1), key=(positions,), accumulate=False
        ).view(flat.shape)
        new_base = _from_real_coords(new_base, base)
    view._data[...] = result._data
    view._version_counter.v += 1
    view._view_version = view._version_counter.v
    if result.requires_grad:
        view.grad_fn, view._output_nr, view.requires_grad = result.grad_fn, result._output_nr, True
    if new_base.requires_grad:
        base.grad_fn, base._output_nr, base.requires_grad = new_base.grad_fn, 0, True
    return view


def assign(target, key, value, basic=False) -> None:
    """``target[key] = value`` for an already converted array ``key`` and a ``value`` of
    ``target``'s dtype, recorded as ``index_put`` when autograd needs it. ``basic``: ``key``
    is a basic index (torch writes through a view; see :func:`check_inplace`)."""
    if GRAD_ENABLED.get():
        check_inplace(target, key if basic else None)
        if target.requires_grad or value.requires_grad:
            from .prims import shape as S

            params = {"key": key, "accumulate": False}
            _write_op(S._index_put, target, (value,), params, recording=True)
            return
    target._data[key] = value._data
    target._version_counter.v += 1


def _overwritten(old, new):
    """``new`` broadcast to ``old``'s shape, recorded so that ``old`` gets a zero gradient
    (exactly zero, even where ``old`` holds inf or NaN, unlike ``old * 0 + new``)."""
    from .._factories import zeros
    from .pointwise import where

    keep_old = zeros(old.shape, dtype=_dtype.bool, device=old.device)
    return where(keep_old, old, new)


@tensor_method()
def zero_(self):
    """Fill ``self`` with zeros, in place."""
    if GRAD_ENABLED.get():
        check_inplace(self)
        if self.requires_grad:
            return _replace(self, lambda old: _overwritten(old, 0))
    self._data[...] = 0
    self._version_counter.v += 1
    return self


@tensor_method()
def fill_(self, value):
    """Fill ``self`` with ``value`` (a number or a one-element tensor), in place."""
    if isinstance(value, Tensor):
        value = value.item()
    value = _dtype.check_scalar(value, self.dtype, self.numel())
    if GRAD_ENABLED.get():
        check_inplace(self)
        if self.requires_grad:
            return _replace(self, lambda old: _overwritten(old, value))
    self._data[...] = value
    self._version_counter.v += 1
    return self


@tensor_method()
def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast and moved to ``self``'s device) into ``self``, in place."""
    recording = False
    if GRAD_ENABLED.get():
        check_inplace(self)
        recording = self.requires_grad or src.requires_grad
    src = src.to(self.device)
    if src.dtype is not self.dtype:
        from ._promote import cast

        src = cast(src, self.dtype)
    if recording:
        return _replace(self, lambda old: _overwritten(old, src))
    try:
        self._data[...] = src._data
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must "
            f"match the size of tensor b ({src.shape[-1] if src.ndim else 1}) "
            "at non-singleton dimension"
        ) from None
    self._version_counter.v += 1
    return self
