"""Reading PyTorch's legacy (pre-1.6, non-zip) checkpoint format.

``torch.save(obj, f, _use_new_zipfile_serialization=False)`` writes, back to back: a pickled
magic number, a pickled protocol version (1001), a pickled ``sys_info`` dict, the pickled object
(storages as persistent ids ``('storage', type, key, location, numel, view_metadata)``), a
pickled list of storage keys, and then for each key in that order an int64 element count
followed by the storage's raw little-endian bytes.

The storages are created, placed by ``map_location`` and viewed by tensors while the object is
unpickled; their bytes arrive afterwards and are written into them in place.
"""

from __future__ import annotations

import pickle
import struct
import sys

import numpy as np

from .._backend import backend_of
from ._limits import HASH_MODULUS
from ._storage import LoadedStorage
from ._unpickler import Unpickler

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001


def _ascii(value):
    return value.decode("ascii") if isinstance(value, bytes) else value


def load_legacy(stream, restore, weights_only: bool, encoding: str):
    """The object stored in a legacy-format checkpoint read from ``stream``."""
    from ._load import byteswap, storage_dtype

    start = stream.tell()
    end = stream.seek(0, 2)
    stream.seek(start + 257)
    if stream.read(5) == b"ustar":
        raise RuntimeError(
            "this is a tar checkpoint from PyTorch < 0.4, which ember.load "
            "does not read; re-save it with a recent torch.save"
        )
    stream.seek(start)

    def unpickle(persistent_load=None):
        return Unpickler(
            stream,
            persistent_load=persistent_load,
            weights_only=weights_only,
            encoding=encoding,
            size_limit=end,
            source_bytes=end - start,
        ).load()

    if unpickle() != MAGIC_NUMBER:
        raise RuntimeError("Invalid magic number; corrupt file?")
    protocol = unpickle()
    if protocol != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol}")
    unpickle()  # sys_info: storage bytes are little-endian whatever machine wrote them

    roots = {}  # key -> (storage as restored, dtype)

    def persistent_load(pid):
        if type(pid) is not tuple or not pid or _ascii(pid[0]) != "storage" or len(pid) != 6:
            if type(pid) is tuple and pid and _ascii(pid[0]) == "module":
                raise pickle.UnpicklingError(
                    "the checkpoint stores a whole nn.Module (its "
                    "class); save and load model.state_dict() instead"
                )
            raise pickle.UnpicklingError(f"invalid persistent id in checkpoint: {pid!r}")
        _, storage_type, key, location, numel, view = pid
        dtype = storage_dtype(storage_type)
        if type(numel) is not int or numel < 0 or not _plain_key(key):
            raise pickle.UnpicklingError(f"invalid storage description in checkpoint: {pid!r}")
        if key not in roots:
            if numel * dtype.itemsize > end - start:
                raise RuntimeError(
                    f"storage {key!r} claims {numel} elements, more than the "
                    "file holds: corrupt file?"
                )
            data = np.empty(numel * dtype.itemsize, np.uint8)
            storage = restore(LoadedStorage(data, dtype), _ascii(location))
            roots[key] = storage
        storage = roots[key]
        if view is None:
            return storage
        view_key, offset, size = view  # a PyTorch < 1.0 storage view into the root
        item = dtype.itemsize
        if not (
            type(offset) is int
            and type(size) is int
            and offset >= 0
            and offset + size <= storage.size()
        ):
            raise pickle.UnpicklingError(f"invalid storage view in checkpoint: {view!r}")
        return LoadedStorage(storage.data[offset * item : (offset + size) * item], dtype)

    result = unpickle(persistent_load)
    keys = unpickle()
    if type(keys) is not list:
        raise pickle.UnpicklingError("the legacy checkpoint's storage key list is missing")
    readinto = getattr(stream, "readinto", None)
    for key in keys:
        if not _plain_key(key) or key not in roots:
            raise RuntimeError(f"storage {key!r} is listed but no tensor uses it: corrupt file?")
        storage = roots[key]
        (numel,) = struct.unpack("<q", _read_exact(stream, 8))
        if numel != storage.size():
            raise RuntimeError(
                f"storage {key!r} holds {numel} elements in the file but "
                f"{storage.size()} in its description: corrupt file?"
            )
        on_host = isinstance(storage.data, np.ndarray)
        host = storage.data if on_host else np.empty(storage.nbytes(), np.uint8)
        _fill(stream, readinto, host)
        if sys.byteorder != "little":
            byteswap(host, storage.dtype)
        if not on_host:
            storage.data[...] = backend_of(storage.data).xp.asarray(host)
    return result


def _plain_key(key) -> bool:
    """A storage key: a str, or an int whose hash cannot collide (the roots dict's keys)."""
    return type(key) is str or (type(key) is int and -HASH_MODULUS < key < HASH_MODULUS)


def _read_exact(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise EOFError("the checkpoint is truncated")
    return data


def _fill(stream, readinto, out) -> None:
    view = memoryview(out)
    if readinto is None:
        view[:] = _read_exact(stream, view.nbytes)
        return
    got = 0
    while got < view.nbytes:
        n = readinto(view[got:])
        if not n:
            raise EOFError("the checkpoint is truncated")
        got += n
