"""The exact allowlist of globals a checkpoint may name, and what each one becomes in ember.

A pickle can only refer to code through GLOBAL/STACK_GLOBAL opcodes. ember's unpickler resolves
those names here and nowhere else: a name that is not a key of the tables below raises
``pickle.UnpicklingError``, whatever module it claims to come from, and nothing is imported.
Each allowed callable is wrapped in :class:`SafeCallable`, which checks its arguments' types, so
even an allowed name cannot be steered into doing something else.
"""

from __future__ import annotations

import argparse
import collections
import math
import pickle

import numpy as np

from .. import _dtype
from .._device import device as device_cls
from .._naming import public_name
from .._size import Size
from .._tensor import Tensor, _wrap
from ..nn.parameter import Parameter
from . import _program_classes, _safe_globals
from ._storage import (
    DTYPE_OF_STORAGE,
    FOREIGN_STORAGES,
    LoadedStorage,
    StorageType,
    tensor_array,
)


class SafeCallable:
    """An allowed callable global: REDUCE may call it, nothing else can be called.

    ``builds`` is ``"set"`` or ``"dict"`` for the builders that hash their argument's items
    (the unpickler then inserts them itself, with its collision bound, before the call).
    """

    __slots__ = ("qualname", "_fn", "builds")

    def __init__(self, qualname: str, fn, builds: str | None = None):
        self.qualname = qualname
        self._fn = fn
        self.builds = builds

    def __call__(self, *args):
        return self._fn(*args)

    def __repr__(self):
        return f"<allowed global {self.qualname}>"


class Marker:
    """An allowed global that is only ever an argument (a type such as ``torch.Tensor``)."""

    __slots__ = ("qualname", "new")

    def __init__(self, qualname: str, new=None):
        self.qualname = qualname
        self.new = new  # what NEWOBJ builds from it, for plain-data classes only

    def __repr__(self):
        return f"<allowed global {self.qualname}>"


def _fail(msg: str):
    raise pickle.UnpicklingError(msg)


def _check(cond, what: str) -> None:
    if not cond:
        _fail(f"invalid arguments in checkpoint: {what}")


# ---------------------------------------------------------------------------- tensor rebuilds
def _rebuild_tensor(storage, storage_offset, size, stride):
    _check(isinstance(storage, LoadedStorage), f"expected a storage, got {type(storage).__name__}")
    return _wrap(tensor_array(storage, storage_offset, size, stride))


def _rebuild_tensor_v2(
    storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None, metadata=None
):
    _check(type(requires_grad) is bool, "requires_grad must be a bool")
    t = _rebuild_tensor(storage, storage_offset, size, stride)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None):
    _check(
        isinstance(data, Tensor) and type(requires_grad) is bool,
        "_rebuild_parameter(tensor, bool, hooks)",
    )
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad)
    set_state(param, state)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    _check(
        func in (REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER)
        and new_type in (TENSOR_TYPE, PARAMETER_TYPE)
        and type(args) is tuple,
        "_rebuild_from_type_v2(rebuild function, tensor type, args, state)",
    )
    out = func(*args)
    if new_type is PARAMETER_TYPE and not isinstance(out, Parameter):
        out = Parameter(out, out.requires_grad)
    set_state(out, state)
    return out


def set_state(obj, state) -> None:
    """Set plain attributes saved with a tensor or dict (``_metadata`` of a state_dict, ...)."""
    if state is None:
        return
    if type(state) is tuple and len(state) == 2:  # (__dict__ state, slots state)
        for part in state:
            set_state(obj, part)
        return
    _check(isinstance(state, dict), f"object state must be a dict, got {type(state).__name__}")
    cls = type(obj)
    for key, value in state.items():
        _check(
            type(key) is str and not key.startswith("__") and not hasattr(cls, key),
            f"cannot restore attribute {key!r} of a {cls.__name__}",
        )
        obj.__dict__[key] = value


# ---------------------------------------------------------------------------- plain values
def _ordered_dict(*args):
    _check(
        len(args) == 0 or (len(args) == 1 and isinstance(args[0], (list, tuple, dict))),
        "OrderedDict(items)",
    )
    return collections.OrderedDict(*args)


def _counter(*args):
    _check(len(args) == 0 or (len(args) == 1 and isinstance(args[0], dict)), "Counter(dict)")
    return collections.Counter(*args)


def _set_of(kind):
    def build(*args):
        _check(
            len(args) == 0 or (len(args) == 1 and type(args[0]) in (list, tuple, set)),
            f"{kind.__name__}(items)",
        )
        return kind(*args)

    return build


def _numbers(kind, count):
    def build(*args):
        _check(
            len(args) <= count and all(type(a) in (int, float, bool) for a in args),
            f"{kind.__name__}(numbers)",
        )
        return kind(*args)

    return build


def _slice(*args):
    _check(len(args) <= 3 and all(a is None or type(a) is int for a in args), "slice(ints)")
    return slice(*args)


def _range(*args):
    _check(1 <= len(args) <= 3 and all(type(a) is int for a in args), "range(ints)")
    return range(*args)


def _bytearray(*args):
    if len(args) == 2:
        return bytearray(_encode(*args))
    _check(len(args) == 0 or (len(args) == 1 and type(args[0]) is bytes), "bytearray(bytes)")
    return bytearray(*args)


def _encode(text, encoding="utf-8"):
    _check(
        type(text) is str and encoding in ("latin1", "latin-1", "utf-8"),
        "_codecs.encode(str, 'latin1')",
    )
    return text.encode(encoding)


def _size(dims=()):
    _check(type(dims) in (tuple, list) and all(type(d) is int for d in dims), "Size(ints)")
    return Size(dims)


def _device(kind, index=None):
    _check(type(kind) is str and (index is None or type(index) is int), "device(str, int)")
    return device_cls(kind, index)


# ---------------------------------------------------------------- numpy (weights_only=False)
def _np_dtype(spec, align=False, copy=True):
    _check(type(spec) is str and type(align) is bool, "numpy.dtype(str, bool, bool)")
    dt = np.dtype(spec, align=align, copy=True)
    _check(not dt.hasobject, "numpy object dtypes are not loaded")
    return dt


def _np_reconstruct(subtype, shape, typecode):
    _check(subtype is NDARRAY_TYPE and shape == (0,), "numpy _reconstruct(ndarray, (0,), b'b')")
    return np.empty((0,), np.uint8)


def _np_scalar(dt, data=b""):
    _check(
        isinstance(dt, np.dtype)
        and not dt.hasobject
        and type(data) is bytes
        and len(data) == dt.itemsize,
        "numpy scalar(dtype, bytes)",
    )
    return np.frombuffer(data, dt)[0]


def _build_ndarray(arr, state):
    _check(type(state) is tuple and len(state) == 5, "ndarray state")
    _, shape, dt, fortran, raw = state
    _check(
        type(shape) is tuple
        and all(type(n) is int and n >= 0 for n in shape)
        and isinstance(dt, np.dtype)
        and not dt.hasobject
        and type(fortran) is bool
        and len(shape) <= 64
        and type(raw) is bytes
        and len(raw) == math.prod(shape) * dt.itemsize,
        "ndarray state (version, shape, dtype, is_fortran, bytes)",
    )
    arr.__setstate__(state)


def _build_dtype(dt, state):
    _check(
        type(state) is tuple
        and len(state) == 8
        and state[2] is None
        and state[3] is None
        and state[4] is None
        and all(type(v) is int for v in (state[0], *state[5:])),
        "numpy dtype state of a plain dtype",
    )
    dt.__setstate__(state)
    _check(not dt.hasobject, "numpy object dtypes are not loaded")


def _build_attrs(obj, state):
    set_state(obj, state)


def _build_trusted(obj, state):
    """BUILD on an instance of a class the user trusts: what pickle itself would do."""
    setstate = getattr(obj, "__setstate__", None)
    if setstate is not None:
        setstate(state)
        return
    slots = None
    if type(state) is tuple and len(state) == 2:
        state, slots = state
    if state:
        obj.__dict__.update(state)
    for key, value in (slots or {}).items():
        setattr(obj, key, value)


def build(inst, state, weights_only: bool) -> None:
    """Run a BUILD opcode on ``inst``, for the few types where it is plain data."""
    kind = type(inst)
    if kind in (collections.OrderedDict, collections.Counter) or isinstance(inst, Tensor):
        set_state(inst, state)
    elif not weights_only and kind is np.ndarray:
        _build_ndarray(inst, state)
    elif not weights_only and isinstance(inst, np.dtype):
        _build_dtype(inst, state)
    elif not weights_only and kind is argparse.Namespace:
        _build_attrs(inst, state)
    elif _safe_globals.is_trusted(kind) or (
        not weights_only and _program_classes.is_module_class(kind)
    ):
        _build_trusted(inst, state)
    else:
        _fail(
            f"Unsupported BUILD of a {kind.__module__}.{kind.__qualname__} object: ember.load "
            "only restores the state of tensors and dicts"
        )


# ---------------------------------------------------------------------------- the tables
REBUILD_TENSOR_V2 = SafeCallable("torch._utils._rebuild_tensor_v2", _rebuild_tensor_v2)
REBUILD_TENSOR = SafeCallable("torch._utils._rebuild_tensor", _rebuild_tensor)
REBUILD_PARAMETER = SafeCallable("torch._utils._rebuild_parameter", _rebuild_parameter)
TENSOR_TYPE = Marker("torch.Tensor")
PARAMETER_TYPE = Marker("torch.nn.parameter.Parameter")
NDARRAY_TYPE = Marker("numpy.ndarray")


def _callables(table):
    return {tuple(name.rsplit(".", 1)): SafeCallable(name, fn) for name, fn in table.items()}


_ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"): REBUILD_TENSOR_V2,
    ("torch._utils", "_rebuild_tensor"): REBUILD_TENSOR,
    ("torch._utils", "_rebuild_parameter"): REBUILD_PARAMETER,
    ("torch", "Tensor"): TENSOR_TYPE,
    ("torch._tensor", "Tensor"): TENSOR_TYPE,
    ("torch.nn.parameter", "Parameter"): PARAMETER_TYPE,
    ("torch.storage", "UntypedStorage"): StorageType("UntypedStorage", _dtype.uint8),
    **_callables(
        {
            "torch._utils._rebuild_parameter_with_state": _rebuild_parameter_with_state,
            "torch._tensor._rebuild_from_type_v2": _rebuild_from_type_v2,
            "collections.OrderedDict": _ordered_dict,
            "collections.Counter": _counter,
            "builtins.set": _set_of(set),
            "builtins.frozenset": _set_of(frozenset),
            "builtins.complex": _numbers(complex, 2),
            "builtins.slice": _slice,
            "builtins.range": _range,
            "builtins.bytearray": _bytearray,
            "_codecs.encode": _encode,
            "torch.Size": _size,
            "torch.device": _device,
        }
    ),
}
for _key, _kind in (
    (("builtins", "set"), "set"),
    (("builtins", "frozenset"), "set"),
    (("collections", "OrderedDict"), "dict"),
):
    _ALLOWED[_key].builds = _kind
for _name, _dt in DTYPE_OF_STORAGE.items():
    _ALLOWED["torch", _name] = _ALLOWED["torch.cuda", _name] = StorageType(_name, _dt)
    _ALLOWED["torch", _dt.name] = _dt

_EXTRA = {  # plain data that only weights_only=False loads
    ("argparse", "Namespace"): Marker("argparse.Namespace", new=argparse.Namespace),
    ("numpy", "ndarray"): NDARRAY_TYPE,
    **_callables(
        {
            "numpy.dtype": _np_dtype,
            "numpy._core.multiarray._reconstruct": _np_reconstruct,
            "numpy._core.multiarray.scalar": _np_scalar,
        }
    ),
}
_MODULE_ALIASES = {"__builtin__": "builtins", "numpy.core.multiarray": "numpy._core.multiarray"}
_TORCH_DTYPE_NAMES = {
    "uint16",
    "uint32",
    "uint64",
    "complex32",
    "complex64",
    "complex128",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
    "float8_e8m0fnu",
    "qint8",
    "quint8",
    "qint32",
    "bits8",
    "bits16",
}


def find_global(module: str, name: str, weights_only: bool):
    """What the global ``module.name`` becomes; UnpicklingError for anything not allowed."""
    if type(module) is not str or type(name) is not str:
        _fail("GLOBAL names must be strings")
    key = (_MODULE_ALIASES.get(module, module), name)
    if key == ("builtins", "xrange"):
        key = ("builtins", "range")
    found = _ALLOWED.get(key)
    if found is None and not weights_only:
        found = _EXTRA.get(key)
    if found is None:
        found = _safe_globals.lookup(module, name)
    if found is None and not weights_only:
        found = _program_classes.resolve(module, name)
    if found is not None:
        return found
    if key[0] in ("torch", "torch.cuda") and (
        name in FOREIGN_STORAGES or name in _TORCH_DTYPE_NAMES
    ):
        dt = FOREIGN_STORAGES.get(name, name)
        _fail(
            f"The checkpoint holds data of dtype torch.{dt} ({module}.{name}), which ember "
            "does not support"
        )
    if weights_only:
        qualified = f"{module}.{name}"
        ns = public_name()
        return _fail(
            "Weights only load failed. This file can still be loaded with weights_only=False "
            "if you trust its source: ember then also rebuilds whole models (nn.Module classes "
            f"of the program or of ember) and still calls nothing the file names.\n"
            f"Unsupported global: GLOBAL {qualified} was not an allowed global by default. "
            f"Please use `{ns}.serialization.add_safe_globals([{qualified}])` or the "
            f"`{ns}.serialization.safe_globals([{qualified}])` context manager to allowlist "
            "this global if you trust this class/function."
        )
    return _fail(
        f"Unsupported global: GLOBAL {module}.{name} was not an allowed global. "
        "ember.load rebuilds tensors, containers, plain values and nn.Module classes; it never "
        "calls anything else."
    )
