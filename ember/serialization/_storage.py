"""Storages as checkpoints describe them: raw bytes read as one dtype, on one device.

A loaded storage keeps its bytes as a 1-D ``uint8`` array, and every tensor rebuilt from it is a
strided view of that array, so tensors that shared a storage in the file share memory again.
"""

from __future__ import annotations

import numpy as np

from .. import _dtype
from .._backend import backend_for, backend_of, device_of
from .._device import device as device_cls

MAX_DIMS = 64  # NumPy's limit on dimensions, so ember's
# PyTorch's legacy storage class of each dtype (the names pickles refer to).
STORAGE_NAMES = {d: f"{d.legacy_name}Storage" for d in _dtype.ALL_DTYPES}
DTYPE_OF_STORAGE = {name: dt for dt, name in STORAGE_NAMES.items()}
# torch storage classes whose dtype ember lacks: named in errors instead of silently misread
FOREIGN_STORAGES = {
    "ComplexFloatStorage": "complex64",
    "ComplexDoubleStorage": "complex128",
    "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8",
    "QInt32Storage": "qint32",
    "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
}


class StorageType:
    """Stands for a torch storage class such as ``torch.FloatStorage`` inside a pickle."""

    __slots__ = ("dtype", "name")

    def __init__(self, name: str, dtype: _dtype.dtype):
        self.name = name
        self.dtype = dtype

    def __repr__(self):
        return f"<storage type torch.{self.name}>"


class LoadedStorage:
    """The bytes of one checkpoint storage (``data``: 1-D uint8 array), typed as ``dtype``.

    This is what a ``map_location`` callable receives; it offers the moves torch storages
    offer there (``cpu()``, ``cuda(device)``, ``to(device)``).
    """

    __slots__ = ("data", "dtype")

    def __init__(self, data, dtype: _dtype.dtype):
        self.data = data
        self.dtype = dtype

    @property
    def device(self) -> device_cls:
        return device_of(self.data)

    def nbytes(self) -> int:
        """Size in bytes."""
        return self.data.size

    def element_size(self) -> int:
        """Bytes per element."""
        return self.dtype.itemsize

    def size(self) -> int:
        """Number of elements."""
        return self.data.size // self.dtype.itemsize

    __len__ = size

    def to(self, device) -> LoadedStorage:
        """This storage on ``device`` (itself if already there)."""
        dev = device_cls(device) if not isinstance(device, device_cls) else device
        if dev.type == "cuda" and dev.index is None:
            dev = device_cls("cuda", _current_cuda_index())
        if dev == self.device:
            return self
        host = backend_of(self.data).to_host(self.data)
        return LoadedStorage(backend_for(dev).from_host(host, dev), self.dtype)

    def cpu(self) -> LoadedStorage:
        """A copy on the CPU (itself if already there)."""
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False) -> LoadedStorage:
        """A copy on a CUDA device (the current one by default)."""
        index = device.index if isinstance(device, device_cls) else device
        return self.to(device_cls("cuda", index))

    def __repr__(self):
        return f"<storage of {self.size()} {self.dtype} on {self.device}>"


def _current_cuda_index() -> int:
    from .. import cuda

    return cuda.current_device()


def tensor_array(storage: LoadedStorage, offset, size, stride):
    """The strided array view of ``storage`` that a tensor with this geometry sees.

    Raises PyTorch's RuntimeError when the geometry reaches outside the storage, so a corrupt
    checkpoint can never read or write memory it does not own.
    """
    dt = storage.dtype
    if not (
        isinstance(size, (tuple, list))
        and isinstance(stride, (tuple, list))
        and len(size) == len(stride) <= MAX_DIMS
    ):
        raise RuntimeError(
            f"invalid tensor geometry in checkpoint: size and stride must be sequences of "
            f"at most {MAX_DIMS} ints"
        )
    size, stride = tuple(size), tuple(stride)
    if not all(type(v) is int for v in (offset, *size, *stride)):
        raise RuntimeError(
            f"invalid tensor geometry in checkpoint: size {size}, stride {stride}, "
            f"storage offset {offset!r}"
        )
    if any(v < 0 for v in (offset, *size, *stride)):
        raise RuntimeError(
            f"negative size, stride or offset in checkpoint: size {size}, "
            f"stride {stride}, storage offset {offset}"
        )
    numel = storage.size()
    if 0 in size:
        return backend_of(storage.data).xp.empty(size, dtype=dt.np)
    needed = offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > numel:
        raise RuntimeError(
            f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, "
            f"and itemsize {dt.itemsize} requiring a storage size of {needed * dt.itemsize} are "
            f"out of bounds for storage of size {numel * dt.itemsize}"
        )
    item = dt.itemsize
    byte_strides = tuple(s * item for s in stride)
    data = storage.data
    if isinstance(data, np.ndarray):
        return np.ndarray(size, dt.np, buffer=data, offset=offset * item, strides=byte_strides)
    xp = backend_of(data).xp
    typed = data.view(dt.np)
    return xp.lib.stride_tricks.as_strided(typed[offset:], size, byte_strides)
