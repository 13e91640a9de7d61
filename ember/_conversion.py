"""``Tensor.to``: dtype and device conversion, recorded for autograd."""

from __future__ import annotations

from . import _dtype
from ._backend import to_device
from ._device import as_device, device
from ._options import check_memory_format
from ._tensor import Tensor, _wrap
from .autograd.function import Function
from .autograd.grad_mode import GRAD_ENABLED


def parse_to(args, kwargs):
    """``(device, dtype, copy)`` from the arguments of ``Tensor.to`` / ``Module.to``."""
    dev = kwargs.pop("device", None)
    dt = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    check_memory_format(kwargs.pop("memory_format", None))
    if kwargs:
        raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for a in args:
        if isinstance(a, _dtype.dtype):
            dt = a
        elif isinstance(a, (str, device, int)) and not isinstance(a, bool):
            dev = a
        elif isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, bool):
            continue
        else:
            raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
    return (as_device(dev) if dev is not None else None), dt, copy


def tensor_to(t: Tensor, *args, **kwargs) -> Tensor:
    """``t.to(...)``: returns ``t`` itself when nothing changes (unless ``copy=True``)."""
    from .ops._promote import cast

    dev, dt, copy = parse_to(args, kwargs)
    out = t
    if dev is not None and dev != t.device:
        out = _to_device(out, dev)
    if dt is not None and dt is not out.dtype:
        out = cast(out, dt)
    if copy and out is t:
        out = t.clone()
    return out


def _to_device(t, dev):
    if GRAD_ENABLED.get() and t.requires_grad:
        return ToCopyBackward.apply(t, dev)
    return _wrap(to_device(t._data, dev))


class ToCopyBackward(Function):
    """A device move inside the graph: the gradient moves back to the source device."""

    @staticmethod
    def forward(ctx, x, dev):
        ctx.src = x.device
        return _wrap(to_device(x._data, dev))

    @staticmethod
    def backward(ctx, g):
        return _to_device(g, ctx.src), None
