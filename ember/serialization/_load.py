"""``ember.load``: read ``torch.save``/``ember.save`` checkpoints with the restricted unpickler."""

from __future__ import annotations

import io
import mmap as mmap_module
import os
import pickle
import sys
import warnings

import numpy as np

from .. import _dtype
from .._device import device as device_cls
from ._legacy import load_legacy
from ._storage import LoadedStorage, StorageType
from ._unpickler import Unpickler
from ._zip_format import ZipReader, is_zip

_SWAP_VIEW = {2: np.uint16, 4: np.uint32, 8: np.uint64}


def load(
    f,
    map_location=None,
    pickle_module=None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **pickle_load_args,
):
    """Load an object saved with ``torch.save`` or ``ember.save``, as ``torch.load`` does.

    Args:
        f: a path (str or ``os.PathLike``) or a readable, seekable binary file-like object.
        map_location: where storages go: None (where they were saved), a device or string
            (all of them there), a dict mapping saved locations to new ones, or a callable
            ``(storage, location) -> storage or None``.
        pickle_module: accepted for PyTorch's signature; only ``None`` or ``pickle``.
        weights_only: ``True`` (the default, as in torch 2.6+) rebuilds only tensors,
            Parameters, containers, plain values and what ``add_safe_globals`` trusts.
            ``False`` is for files you trust, as in torch: it also loads NumPy arrays,
            ``argparse.Namespace`` and whole models (``torch.save(model, f)``), importing the
            modules that define their classes as ``torch.load`` does. Unlike torch it still
            calls nothing the file names: only ``nn.Module`` classes are built, with their own
            ``__setstate__``. ``None`` means ``True`` unless the environment sets
            ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (then ``False``, with torch's warning);
            ``TORCH_FORCE_WEIGHTS_ONLY_LOAD=1`` forces ``True`` whatever is passed.
        mmap: map the file's storages (copy-on-write) instead of reading them; paths only.
        encoding: (keyword) how to decode Python 2 strings, as in ``pickle.load``.

    Returns the saved object with ember tensors (``torch.nn.Parameter`` becomes
    ``ember.nn.Parameter``); tensors that shared a storage share memory again. Raises
    ``pickle.UnpicklingError`` for a global outside the allowlist or a pickle past the loader's
    bounds on nesting, hash collisions and work (``_limits.py``), and ``RuntimeError`` for a
    corrupt or unsupported file (a zip record neither stored nor deflated, or one that does not
    hold the size it declares). A hostile file costs bounded time and memory: about its size in
    work units (``_limits.UNITS_PER_BYTE``), and deflated storages no more than they declare.
    """
    encoding = pickle_load_args.pop("encoding", "ASCII")
    if pickle_load_args:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(pickle_load_args)}")
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError(
            "ember.load uses its own restricted unpickler; pickle_module must be None or pickle"
        )
    restore = _restore_function(map_location)
    weights_only = _resolve_weights_only(weights_only)
    options = (restore, weights_only, encoding)
    if isinstance(f, (str, bytes, os.PathLike)):
        with open(f, "rb") as stream:
            return _load_stream(stream, options, bool(mmap), is_path=True)
    return _load_stream(f, options, bool(mmap), is_path=False)


_TRUE_VALUES = ("1", "y", "yes", "true")


def _resolve_weights_only(weights_only: bool | None) -> bool:
    """torch.load's rule: the argument, the default True, and the two environment overrides."""
    force_on = os.getenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE_VALUES
    force_off = os.getenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0").lower() in _TRUE_VALUES
    if force_on and force_off:
        raise RuntimeError(
            "Only one of `TORCH_FORCE_WEIGHTS_ONLY_LOAD` or `TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD` "
            "should be set, but both were set."
        )
    if force_on:
        return True
    if weights_only is None:
        if force_off:
            warnings.warn(
                "Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected, since the "
                "`weights_only` argument was not explicitly passed to `torch.load`, forcing "
                "weights_only=False.",
                UserWarning,
                stacklevel=3,
            )
            return False
        return True
    return bool(weights_only)


class _CallbackError(Exception):
    """Carries an exception raised by the user's map_location out of the corruption handler."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _load_stream(stream, options, mmap: bool, is_path: bool):
    try:
        zipped = is_zip(stream)
    except Exception as e:
        raise _corrupt(e) from e
    if mmap and not zipped:
        raise RuntimeError(
            "mmap can only be used with files saved with "
            "`torch.save(_use_new_zipfile_serialization=True)`, please "
            "torch.save your checkpoint with this option in order to use mmap."
        )
    if mmap and not is_path:
        raise ValueError("f must be a file path in order to use the mmap argument")
    try:
        return _load_zip(stream, options, mmap) if zipped else load_legacy(stream, *options)
    except _CallbackError as e:
        raise e.error from None
    except (pickle.UnpicklingError, RuntimeError):
        raise
    except Exception as e:
        raise _corrupt(e) from e


def _corrupt(e: Exception) -> RuntimeError:
    return RuntimeError(
        f"ember.load: the file is corrupt or not a torch.save checkpoint ({type(e).__name__}: {e})"
    )


def storage_dtype(storage_type) -> _dtype.dtype:
    """The dtype a persistent id's storage type stands for."""
    if isinstance(storage_type, StorageType):
        return storage_type.dtype
    if isinstance(storage_type, _dtype.dtype):
        return storage_type
    raise pickle.UnpicklingError(f"invalid storage type {storage_type!r} in checkpoint")


def byteswap(data, dtype: _dtype.dtype) -> None:
    """Reverse the byte order of every element of a uint8 storage buffer, in place."""
    kind = _SWAP_VIEW.get(dtype.itemsize)
    if kind is not None:
        data.view(kind).byteswap(inplace=True)


def _load_zip(stream, options, use_mmap: bool):
    restore, weights_only, encoding = options
    reader = ZipReader(stream)
    byteorder = (
        reader.read("byteorder").decode("ascii") if reader.has_record("byteorder") else "little"
    )
    if byteorder not in ("little", "big"):
        raise ValueError("Unknown endianness type: " + byteorder)
    mapped = (
        mmap_module.mmap(stream.fileno(), 0, access=mmap_module.ACCESS_COPY) if use_mmap else None
    )
    loaded = {}

    def persistent_load(pid):
        if type(pid) is not tuple or len(pid) != 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"invalid persistent id in checkpoint: {pid!r}")
        _, storage_type, key, location, numel = pid
        if type(key) is not str or type(location) is not str or type(numel) is not int or numel < 0:
            raise pickle.UnpicklingError(f"invalid storage description in checkpoint: {pid!r}")
        if key in loaded:
            return loaded[key]
        dtype = storage_dtype(storage_type)
        name = f"data/{key}"
        nbytes = numel * dtype.itemsize
        if reader.size(name) != nbytes:  # checked before allocating anything
            raise RuntimeError(f"record {name} holds {reader.size(name)} bytes, expected {nbytes}")
        if mapped is not None:
            data = np.frombuffer(mapped, np.uint8, nbytes, reader.data_offset(name))
        else:
            data = np.empty(nbytes, np.uint8)
            reader.read_into(name, data)
        if byteorder != sys.byteorder:
            byteswap(data, dtype)
        storage = restore(LoadedStorage(data, dtype), location)
        loaded[key] = storage
        return storage

    pickle_bytes = reader.read("data.pkl")
    unpickler = Unpickler(
        io.BytesIO(pickle_bytes),
        persistent_load=persistent_load,
        weights_only=weights_only,
        encoding=encoding,
        size_limit=len(pickle_bytes),
        source_bytes=reader.compressed_size("data.pkl"),
    )
    return unpickler.load()


# ------------------------------------------------------------------------------ map_location
def _restore_function(map_location):
    """``restore(storage, location) -> storage`` implementing torch.load's map_location."""
    if map_location is None:
        return default_restore
    if isinstance(map_location, (str, bytes, device_cls)):
        target = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
        return lambda storage, location: default_restore(storage, target)
    if isinstance(map_location, dict):
        return lambda storage, location: default_restore(
            storage, str(map_location.get(location, location))
        )
    if callable(map_location):

        def restore(storage, location):
            try:
                result = map_location(storage, location)
            except Exception as e:
                raise _CallbackError(e) from e
            if result is None:
                return default_restore(storage, location)
            if not isinstance(result, LoadedStorage):
                raise _CallbackError(
                    TypeError(
                        f"map_location must return a storage or None, got {type(result).__name__}"
                    )
                )
            return result

        return restore
    raise TypeError(
        "map_location should be None, a str, a device, a dict or a callable, got "
        f"{type(map_location).__name__}"
    )


def default_restore(storage: LoadedStorage, location: str) -> LoadedStorage:
    """Put ``storage`` at ``location`` ('cpu', 'cuda', 'cuda:N'), as torch does by default."""
    if location == "cpu":
        return storage.cpu()
    if location.startswith("cuda"):
        from .. import cuda

        dev = device_cls(location)
        if not cuda.is_available():
            raise RuntimeError(
                "Attempting to deserialize object on a CUDA device but "
                "torch.cuda.is_available() is False. If you are running on a CPU-only machine, "
                "please use torch.load with map_location=torch.device('cpu') to map your "
                "storages to the CPU."
            )
        index = cuda.current_device() if dev.index is None else dev.index
        count = cuda.device_count()
        if index >= count:
            raise RuntimeError(
                f"Attempting to deserialize object on CUDA device {index} but "
                f"torch.cuda.device_count() is {count}. Please use torch.load with map_location "
                "to map your storages to an existing device."
            )
        return storage.to(device_cls("cuda", index))
    raise RuntimeError(
        f"don't know how to restore data location of a storage (tagged with {location})"
    )
