"""The safetensors format: a JSON header describing raw little-endian tensors, no code at all.

Layout: an 8-byte little-endian header length N, then N bytes of UTF-8 JSON (padded with spaces
so the data starts at a multiple of 8) mapping each tensor name to its ``dtype`` (F64, F32, F16,
BF16, I64, I32, I16, I8, U8, BOOL), ``shape`` and ``data_offsets`` ``[begin, end)`` inside the
data section, plus an optional ``"__metadata__"`` dict of strings; then the data. Tensors are
laid out by decreasing dtype alignment and then by name, as the reference implementation does,
so files match it byte for byte.
"""

from __future__ import annotations

import functools
import json
import struct

import numpy as np

from .. import _dtype
from .._backend import backend_of
from .._tensor import Tensor, _wrap
from ._save import atomic_write

__all__ = ["SafetensorError", "load", "load_file", "safe_open", "save", "save_file"]

# dtype codes in the reference implementation's order (its sort puts larger ones first)
_CODES = ["BOOL", "U8", "I8", "I16", "F16", "BF16", "I32", "F32", "F64", "I64"]
_DTYPE_OF = {
    "BOOL": _dtype.bool,
    "U8": _dtype.uint8,
    "I8": _dtype.int8,
    "I16": _dtype.int16,
    "F16": _dtype.float16,
    "BF16": _dtype.bfloat16,
    "I32": _dtype.int32,
    "F32": _dtype.float32,
    "F64": _dtype.float64,
    "I64": _dtype.int64,
}
_CODE_OF = {dt: code for code, dt in _DTYPE_OF.items()}
_RANK = {code: i for i, code in enumerate(_CODES)}
_MAX_HEADER = 100_000_000
_MAX_DIMS = 64  # NumPy's limit, so ember's
_MAX_DIM = (1 << 63) - 1

try:  # the reference package's exception, so `except SafetensorError` catches both readers
    from safetensors import SafetensorError
except ImportError:

    class SafetensorError(Exception):
        """A malformed safetensors file or buffer (the reference package's exception name)."""


# ------------------------------------------------------------------------------ writing
def _header(tensors: dict, metadata) -> tuple[bytes, list]:
    if not isinstance(tensors, dict):
        raise ValueError(f"Expected a dict of [str, Tensor] but received {type(tensors)}")
    for name, t in tensors.items():
        if not isinstance(name, str) or not isinstance(t, Tensor):
            raise ValueError(
                f"Expected a dict of [str, Tensor] but received "
                f"{type(name).__name__}: {type(t).__name__}"
            )
        if name == "__metadata__":
            raise ValueError("'__metadata__' is reserved for the header's metadata")
    if metadata is not None and (
        not isinstance(metadata, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
    ):
        raise TypeError("metadata must be a dict of str to str")
    order = sorted(tensors, key=lambda n: (-_RANK[_CODE_OF[tensors[n].dtype]], n))
    header = {} if metadata is None else {"__metadata__": metadata}
    arrays, offset = [], 0
    for name in order:
        t = tensors[name]
        arr = backend_of(t._data).to_host(t._data)
        header[name] = {
            "dtype": _CODE_OF[t.dtype],
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + arr.nbytes],
        }
        offset += arr.nbytes
        arrays.append(arr)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text, arrays


def _le_bytes(arr):
    """The array's bytes, C order, little-endian (a view when already so)."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return memoryview(arr.reshape(-1).view(np.uint8))


def save(tensors: dict[str, Tensor], metadata: dict[str, str] | None = None) -> bytes:
    """The safetensors serialization of a dict of tensors (``safetensors.torch.save``)."""
    head, arrays = _header(tensors, metadata)
    return head + b"".join(_le_bytes(a) for a in arrays)


def save_file(tensors: dict[str, Tensor], filename, metadata: dict[str, str] | None = None) -> None:
    """Write a dict of tensors to ``filename`` in safetensors format (atomically)."""
    head, arrays = _header(tensors, metadata)
    with atomic_write(filename) as stream:
        stream.write(head)
        for a in arrays:
            stream.write(_le_bytes(a))


# ------------------------------------------------------------------------------ reading
def _parse_header(prefix: bytes, total: int, read_header):
    """``(metadata, [(name, dtype, shape, begin, end)] by offset, data start)``, validated."""
    if len(prefix) < 8:
        raise SafetensorError("Error while deserializing: header too small")
    (n,) = struct.unpack("<Q", prefix[:8])
    if n > _MAX_HEADER:
        raise SafetensorError("Error while deserializing: header too large")
    if 8 + n > total:
        raise SafetensorError("Error while deserializing: invalid header length")
    raw = read_header(n)
    try:
        header = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:  # RecursionError: [[[[...
        raise SafetensorError(f"Error while deserializing header: {e}") from None
    if not isinstance(header, dict):
        raise SafetensorError("Error while deserializing header: expected a JSON object")
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        raise SafetensorError(
            "Error while deserializing header: __metadata__ must map strings to strings"
        )
    entries = [_entry(name, info) for name, info in header.items()]
    entries.sort(key=lambda e: (e[3], e[4]))
    position = 0
    for name, _, _, begin, end in entries:
        if begin != position:
            raise SafetensorError(
                f"Error while deserializing header: invalid offset for "
                f"tensor {name!r} (data must be contiguous, no holes)"
            )
        position = end
    if 8 + n + position != total:
        raise SafetensorError(
            "Error while deserializing header: the data section does not "
            "match the tensors it describes (incomplete or extra data)"
        )
    return metadata, entries, 8 + n


def _entry(name, info):
    if not isinstance(info, dict) or set(info) - {"dtype", "shape", "data_offsets"}:
        raise SafetensorError(f"Error while deserializing header: bad entry for {name!r}")
    code, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if code not in _DTYPE_OF:
        raise SafetensorError(f"tensor {name!r} has dtype {code!r}, which ember does not support")
    if isinstance(shape, list) and len(shape) > _MAX_DIMS:
        raise SafetensorError(
            f"tensor {name!r} has {len(shape)} dimensions, more than ember supports ({_MAX_DIMS})"
        )
    ints = (
        isinstance(shape, list)
        and isinstance(offsets, list)
        and len(offsets) == 2
        and all(type(v) is int and 0 <= v <= _MAX_DIM for v in (*shape, *offsets))
    )
    if not ints or offsets[0] > offsets[1]:
        raise SafetensorError(
            f"Error while deserializing header: bad shape or data_offsets for tensor {name!r}"
        )
    dt = _DTYPE_OF[code]
    if int(np.prod(shape, dtype=object)) * dt.itemsize != offsets[1] - offsets[0]:
        raise SafetensorError(
            f"Error while deserializing header: tensor {name!r} of shape "
            f"{shape} and dtype {code} does not fill data_offsets {offsets}"
        )
    return name, dt, tuple(shape), offsets[0], offsets[1]


def _tensor(buffer: np.ndarray, dt, shape, device) -> Tensor:
    arr = buffer.view(dt.np.newbyteorder("<")).astype(dt.np, copy=False).reshape(shape)
    t = _wrap(arr)
    return t if str(device) == "cpu" else t.to(device)


def _reader(fn):
    """Any other failure on malformed input leaves as SafetensorError, never NumPy's errors."""

    @functools.wraps(fn)
    def read(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ValueError, RecursionError, OverflowError, struct.error) as e:
            if isinstance(e, SafetensorError):
                raise
            raise SafetensorError(f"Error while deserializing: {type(e).__name__}: {e}") from e

    return read


@_reader
def load(data: bytes) -> dict[str, Tensor]:
    """The dict of tensors in a safetensors buffer (``safetensors.torch.load``)."""
    data = memoryview(data).cast("B")
    metadata, entries, start = _parse_header(
        bytes(data[:8]), data.nbytes, lambda n: bytes(data[8 : 8 + n])
    )
    out = {}
    for name, dt, shape, begin, end in entries:
        buffer = np.frombuffer(data[start + begin : start + end], np.uint8).copy()
        out[name] = _tensor(buffer, dt, shape, "cpu")
    return out


class safe_open:
    """Read tensors one at a time from a safetensors file: ``with safe_open(f, "pt") as s``.

    Offers ``keys()``, ``metadata()`` and ``get_tensor(name)``, as the reference reader does.
    """

    @_reader
    def __init__(self, filename, framework: str = "pt", device="cpu"):
        if framework not in ("pt", "torch", "pytorch"):  # the reference reader's names
            if framework in ("np", "numpy", "tf", "tensorflow", "jax", "flax", "mlx", "paddle"):
                raise NotImplementedError(
                    f"ember's safe_open gives ember tensors: framework {framework} is not "
                    "supported, use framework='pt'"
                )
            raise SafetensorError(f"framework {framework} is invalid")
        self._file = open(filename, "rb")  # noqa: SIM115 - closed by __exit__/close
        try:
            total = self._file.seek(0, 2)
            self._file.seek(0)
            self._metadata, entries, self._start = _parse_header(
                self._file.read(8), total, self._file.read
            )
        except BaseException:
            self._file.close()
            raise
        self._entries = {e[0]: e for e in entries}
        self._device = device

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def keys(self) -> list[str]:
        """The tensor names, sorted."""
        return sorted(self._entries)

    def offset_keys(self) -> list[str]:
        """The tensor names in the order their data is stored."""
        return list(self._entries)

    def metadata(self) -> dict[str, str] | None:
        """The header's ``__metadata__`` (None if absent)."""
        return self._metadata

    @_reader
    def get_tensor(self, name: str) -> Tensor:
        """Read the tensor ``name``."""
        if name not in self._entries:
            raise SafetensorError(f"File does not contain tensor {name}")
        _, dt, shape, begin, end = self._entries[name]
        buffer = np.empty(end - begin, np.uint8)
        self._file.seek(self._start + begin)
        if self._file.readinto(buffer) != buffer.size:
            raise SafetensorError(f"the file ends inside tensor {name!r}")
        return _tensor(buffer, dt, shape, self._device)


def load_file(filename, device="cpu") -> dict[str, Tensor]:
    """The dict of tensors stored in a safetensors file (``safetensors.torch.load_file``)."""
    with safe_open(filename, "pt", device) as f:
        return {name: f.get_tensor(name) for name in f.offset_keys()}
