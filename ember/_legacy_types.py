"""The legacy typed tensor constructors (``torch.FloatTensor``, ``torch.LongTensor``, ...) and
``set_default_tensor_type``, for older programs.

``ember.FloatTensor(2, 3)`` makes an uninitialized float32 tensor of that shape,
``ember.LongTensor([1, 2])`` one from data, ``ember.FloatTensor()`` an empty one, and
``ember.FloatTensor(t)`` aliases a float32 tensor ``t``. ``isinstance(x, ember.FloatTensor)``
asks whether ``x`` is a float32 CPU tensor, as in torch.
"""

from __future__ import annotations

from . import _dtype, _naming
from ._size import Size
from ._tensor import Tensor

__all__ = [
    "FloatTensor",
    "DoubleTensor",
    "HalfTensor",
    "BFloat16Tensor",
    "ByteTensor",
    "CharTensor",
    "ShortTensor",
    "IntTensor",
    "LongTensor",
    "BoolTensor",
    "set_default_tensor_type",
]


class tensortype(type):  # noqa: N801 - torch.tensortype
    """The metaclass of the legacy tensor types: calling one constructs a tensor of its dtype,
    ``isinstance`` checks a tensor's dtype and device."""

    dtype: _dtype.dtype

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"

    def __repr__(cls) -> str:
        return f"<class '{_naming.public_name()}.{cls.__name__}'>"

    def __call__(cls, *args, device=None):
        from ._device import device as as_device
        from ._factories import empty, tensor

        if device is not None and as_device(device).type != "cpu":
            raise RuntimeError(
                f"legacy constructor expects device type: cpu but device type: "
                f"{as_device(device).type} was passed"
            )
        if not args:
            return empty(0, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Tensor):
            source = args[0]
            if source.dtype is not cls.dtype:
                raise TypeError(f"expected {cls.dtype} (got {source.dtype})")
            return source.detach()
        if all(isinstance(a, int) and not isinstance(a, bool) for a in args):
            return empty(*args, dtype=cls.dtype)
        if len(args) == 1 and isinstance(args[0], Size):
            return empty(*args[0], dtype=cls.dtype)
        if len(args) == 1 and not isinstance(args[0], (int, float, bool, complex)):
            return tensor(args[0], dtype=cls.dtype)
        raise TypeError(f"new(): data must be a sequence (got {type(args[0]).__name__})")


def _legacy(name, dt):
    cls = tensortype(name, (), {"dtype": dt, "is_cuda": False, "is_sparse": False})
    cls.__module__ = "ember"
    cls.__doc__ = f"The legacy constructor of {dt} CPU tensors (``torch.{name}``)."
    return cls


FloatTensor = _legacy("FloatTensor", _dtype.float32)
DoubleTensor = _legacy("DoubleTensor", _dtype.float64)
HalfTensor = _legacy("HalfTensor", _dtype.float16)
BFloat16Tensor = _legacy("BFloat16Tensor", _dtype.bfloat16)
ByteTensor = _legacy("ByteTensor", _dtype.uint8)
CharTensor = _legacy("CharTensor", _dtype.int8)
ShortTensor = _legacy("ShortTensor", _dtype.int16)
IntTensor = _legacy("IntTensor", _dtype.int32)
LongTensor = _legacy("LongTensor", _dtype.int64)
BoolTensor = _legacy("BoolTensor", _dtype.bool)

_BY_NAME = {
    f"torch.{c.__name__}": c
    for c in (
        FloatTensor,
        DoubleTensor,
        HalfTensor,
        BFloat16Tensor,
        ByteTensor,
        CharTensor,
        ShortTensor,
        IntTensor,
        LongTensor,
        BoolTensor,
    )
}


def set_default_tensor_type(t) -> None:
    """Deprecated in PyTorch for :func:`ember.set_default_dtype`: make the dtype of the legacy
    type ``t`` (a class or its name, ``'torch.DoubleTensor'``) the default float dtype."""
    from .ops.products import _warn_once

    _warn_once(
        "set_default_tensor_type",
        "torch.set_default_tensor_type() is deprecated as of PyTorch 2.1, please use "
        "torch.set_default_dtype() and torch.set_default_device() as alternatives.",
    )
    if isinstance(t, str):
        if t.startswith("torch.cuda."):
            raise TypeError(f"type {t} not available (ember's default device is the CPU)")
        if t not in _BY_NAME:
            raise ValueError(f"invalid type: '{t}'")
        t = _BY_NAME[t]
    if not isinstance(t, tensortype):
        raise TypeError(f"invalid type object: only floating-point types are supported, got {t}")
    if not t.dtype.is_floating_point:
        raise TypeError("only floating-point types are supported as the default type")
    _dtype.set_default_dtype(t.dtype)
