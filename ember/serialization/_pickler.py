"""The pickler behind ``ember.save``: it writes the same opcodes ``torch.save`` writes.

Tensors become ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
OrderedDict())`` calls whose storage is a persistent id ``('storage', torch.FloatStorage, key,
location, numel)``; Parameters wrap that in ``torch._utils._rebuild_parameter``; ember dtypes,
devices and Sizes become ``torch.float32``, ``torch.device(...)`` and ``torch.Size(...)``.

NOTE [ Naming torch's globals without importing torch ]
Python's pickler writes a global by importing its module to check that the name resolves. ember
must not import torch, so torch's names are written by :class:`TorchGlobal` stand-ins that the
pure-Python pickler emits as a bare GLOBAL (or STACK_GLOBAL) opcode, memoized like any global.

NOTE [ Storages of saved tensors ]
Tensors whose arrays are views of one NumPy/CuPy base array share one storage, as in PyTorch:
the storage is the base's memory, read as the dtype of the first tensor that uses it, and each
tensor records its element offset and strides inside it. A view the storage cannot describe
(negative or fractional strides, a base that is not one dense block) is saved as its own
contiguous copy, and so is a tensor viewing memory already saved as another dtype (which
``torch.save`` refuses).
"""

from __future__ import annotations

import collections
import io
import pickle
import types

from .. import compat as _compat
from .._backend import backend_of
from .._device import device as device_cls
from .._dtype import dtype as dtype_cls
from .._size import Size
from .._tensor import Tensor
from ..nn.parameter import Parameter
from ._storage import STORAGE_NAMES


class TorchGlobal:
    """A stand-in that pickles as the global ``module.name`` (see NOTE above)."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module = module
        self.name = name

    def __call__(self, *args):  # pickle's save_reduce insists that a reduce function is callable
        raise TypeError(f"{self.module}.{self.name} is only a name for the pickler")


_GLOBALS: dict[tuple[str, str], TorchGlobal] = {}


def torch_global(module: str, name: str) -> TorchGlobal:
    """The shared stand-in for ``module.name`` (shared so the pickle memoizes it once)."""
    key = (module, name)
    if key not in _GLOBALS:
        _GLOBALS[key] = TorchGlobal(module, name)
    return _GLOBALS[key]


class _StorageRef:
    """One storage of the checkpoint; pickled as its persistent id."""

    __slots__ = ("pid", "key", "array", "dtype", "base_ptr", "nbytes")

    def __init__(self, key: str, array, base_ptr: int):
        self.key = key
        self.array = array  # 1-D contiguous uint8 view of the storage's bytes
        self.base_ptr = base_ptr
        self.nbytes = array.size
        self.dtype = None
        self.pid = None

    def bind(self, dtype: dtype_cls, location: str) -> None:
        self.dtype = dtype
        storage_type = torch_global("torch", STORAGE_NAMES[dtype])
        self.pid = ("storage", storage_type, self.key, location, self.nbytes // dtype.itemsize)


def _root(arr):
    """The array that owns ``arr``'s memory (following views and as_strided stand-ins)."""
    kind = type(arr)
    root = arr
    while True:
        base = root.base
        if isinstance(base, kind):
            root = base
        elif hasattr(base, "__array_interface__") and isinstance(getattr(base, "base", None), kind):
            root = base.base  # numpy's as_strided keeps its source behind a DummyArray
        else:
            return root


def _dense_bytes(root):
    """A 1-D uint8 view of all of ``root``'s memory, or None if it is not one dense block."""
    if root.size == 0 or any(s < 0 for s in root.strides):
        return None
    order = sorted(range(root.ndim), key=lambda d: root.strides[d], reverse=True)
    flat = root.transpose(order)
    if not flat.flags.c_contiguous:
        return None
    return flat.reshape(-1).view("uint8")


def _location(arr) -> str:
    dev = backend_of(arr).device_of(arr)
    return "cpu" if dev.type == "cpu" else f"cuda:{dev.index or 0}"


class StorageTable:
    """The storages of one checkpoint, keyed by the identity of their base arrays."""

    def __init__(self):
        self.refs: list[_StorageRef] = []
        self._by_root: dict[int, _StorageRef] = {}
        self._keep = []  # keeps bases alive while ids identify them

    def _new_ref(self, flat_bytes) -> _StorageRef:
        backend = backend_of(flat_bytes)
        ref = _StorageRef(str(len(self.refs)), flat_bytes, backend.data_ptr(flat_bytes))
        self.refs.append(ref)
        return ref

    def tensor_args(self, t: Tensor):
        """``(storage ref, storage_offset, size, stride)`` describing tensor ``t``."""
        arr = t._data
        dt = t.dtype
        item = dt.itemsize
        shape = tuple(arr.shape)
        if arr.size:
            root = _root(arr)
            ref = self._by_root.get(id(root))
            if ref is None:
                flat = _dense_bytes(root)
                if flat is not None:
                    ref = self._by_root[id(root)] = self._new_ref(flat)
                    self._keep.append(root)
            # a view of the same memory as another dtype gets its own copy (PyTorch refuses it)
            if ref is not None and ref.dtype in (None, dt) and ref.nbytes % item == 0:
                offset = backend_of(arr).data_ptr(arr) - ref.base_ptr
                strides = arr.strides
                if offset % item == 0 and all(s >= 0 and s % item == 0 for s in strides):
                    if ref.dtype is None:
                        ref.bind(dt, _location(arr))
                    return ref, offset // item, shape, tuple(s // item for s in strides)
        xp = backend_of(arr).xp
        own = xp.ascontiguousarray(arr).reshape(-1).view("uint8")
        ref = self._new_ref(own)
        ref.bind(dt, _location(arr))
        return ref, 0, shape, _contiguous_strides(shape)


def _contiguous_strides(shape) -> tuple:
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


class TorchPickler(pickle._Pickler):
    """A pickler that emits PyTorch's reduce calls for ember tensors, dtypes, devices, Sizes."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol: int, storages: StorageTable):
        super().__init__(file, protocol)
        self.storages = storages

    def persistent_id(self, obj):
        if type(obj) is _StorageRef:
            return obj.pid
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            return self._reduce_tensor(obj)
        if isinstance(obj, Size):
            return torch_global("torch", "Size"), (tuple(obj),)
        if isinstance(obj, device_cls):
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return torch_global("torch", "device"), args
        return NotImplemented

    def _reduce_tensor(self, t: Tensor):
        hooks = collections.OrderedDict()
        if isinstance(t, Parameter):
            return (
                torch_global("torch._utils", "_rebuild_parameter"),
                (t.detach(), t.requires_grad, hooks),
            )
        ref, offset, size, stride = self.storages.tensor_args(t)
        return (
            torch_global("torch._utils", "_rebuild_tensor_v2"),
            (ref, offset, size, stride, t.requires_grad, hooks),
        )

    def save_global(self, obj, name=None):
        module = getattr(obj, "__module__", None) or ""
        if name is None and module.startswith("ember") and _compat.installed():
            # under the torch alias a class or function pickles by torch's name for it
            self._write_global(*_compat.public_path(obj))
            self.memoize(obj)
            return
        super().save_global(obj, name)

    def _write_global(self, module: str, name: str) -> None:
        if self.proto >= 4:
            self.save(module)
            self.save(name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("ascii"))

    def _save_torch_global(self, obj: TorchGlobal):
        self._write_global(obj.module, obj.name)
        self.memoize(obj)

    def _save_dtype(self, obj: dtype_cls):
        self.save(torch_global("torch", obj.name))

    dispatch[TorchGlobal] = _save_torch_global
    dispatch[types.FunctionType] = save_global
    dispatch[dtype_cls] = _save_dtype


def dump(obj, protocol: int) -> tuple[bytes, list[_StorageRef]]:
    """Pickle ``obj`` as ``torch.save`` would; returns the pickle and the storages it names."""
    buffer = io.BytesIO()
    storages = StorageTable()
    TorchPickler(buffer, protocol, storages).dump(obj)
    return buffer.getvalue(), storages.refs
