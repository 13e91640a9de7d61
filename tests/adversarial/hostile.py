"""Hostile checkpoints for ember.load: hand-assembled pickles and zip archives.

Shared by the adversarial suite (``tests/adversarial``), the regression tests of
``tests/serialization`` and ``bench/adversarial_report.py``. Every generator returns the bytes
of a file; none of them imports ember, so a subprocess can build and load them cheaply.
"""

from __future__ import annotations

import bz2
import dataclasses
import io
import os
import pickle
import struct
import zipfile
import zlib

P = (1 << 61) - 1  # the modulus of Python's int hash: k * P all hash to 0
PROTO2 = b"\x80\x02"
STOP = b"."


# ------------------------------------------------------------------------- pickle assembly
def pk_int(n: int) -> bytes:
    """The shortest pickle opcode pushing the int ``n``."""
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if -(2**31) <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    raw = pickle.encode_long(n)
    if len(raw) < 256:
        return b"\x8a" + bytes([len(raw)]) + raw
    return b"\x8b" + struct.pack("<i", len(raw)) + raw


def pk_str(text: str) -> bytes:
    """BINUNICODE (what protocol 2 writes)."""
    raw = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(raw)) + raw


def pk_bytes(raw: bytes) -> bytes:
    """BINBYTES (protocol 3)."""
    return b"B" + struct.pack("<I", len(raw)) + raw


def pk_global(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def pk_put(index: int) -> bytes:
    return b"q" + bytes([index]) if index < 256 else b"r" + struct.pack("<I", index)


def pk_get(index: int) -> bytes:
    return b"h" + bytes([index]) if index < 256 else b"j" + struct.pack("<I", index)


def pk_tensor(numel: int, key: str = "0", storage: str = "FloatStorage", size=None) -> bytes:
    """``torch._utils._rebuild_tensor_v2`` of a 1-D tensor on storage ``key`` (no STOP)."""
    size = (numel,) if size is None else size
    pid = b"(" + pk_str("storage") + pk_global("torch", storage) + pk_str(key)
    pid += pk_str("cpu") + pk_int(numel) + b"tQ"
    shape = b"(" + b"".join(pk_int(n) for n in size) + b"t"
    stride = b"(" + b"".join(pk_int(1) for _ in size) + b"t"
    hooks = pk_global("collections", "OrderedDict") + b")R"
    return (
        pk_global("torch._utils", "_rebuild_tensor_v2")
        + b"("
        + pid
        + pk_int(0)
        + shape
        + stride
        + b"\x89"
        + hooks
        + b"tR"
    )


def tensor_pickle(numel: int, key: str = "0") -> bytes:
    """A whole data.pkl holding one float32 tensor of ``numel`` elements."""
    return PROTO2 + pk_tensor(numel, key) + STOP


# ------------------------------------------------------------------------- zip assembly
@dataclasses.dataclass
class Record:
    """One zip record. ``payload`` (the bytes as stored) defaults to ``data`` compressed with
    ``method``; ``file_size`` and ``crc`` default to those of ``data``."""

    name: str
    data: bytes = b""
    method: int = zipfile.ZIP_STORED
    payload: bytes | None = None
    file_size: int | None = None
    crc: int | None = None


def compress(data: bytes, method: int) -> bytes:
    """``data`` as a zip record of ``method`` stores it."""
    if method == zipfile.ZIP_STORED:
        return data
    if method == zipfile.ZIP_DEFLATED:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush()
    if method == zipfile.ZIP_BZIP2:
        return bz2.compress(data)
    if method == zipfile.ZIP_LZMA:
        c = zipfile.LZMACompressor()
        return c.compress(data) + c.flush()
    return data  # an unknown method: the bytes as they are


def build_zip(records: list[Record]) -> bytes:
    """A zip archive of ``records``, written field by field (any sizes, CRCs, methods)."""
    out = io.BytesIO()
    central = []
    for r in records:
        payload = compress(r.data, r.method) if r.payload is None else r.payload
        size = len(r.data) if r.file_size is None else r.file_size
        crc = zlib.crc32(r.data) if r.crc is None else r.crc
        name = r.name.encode()
        offset = out.tell()
        version = 46 if r.method == zipfile.ZIP_BZIP2 else 20
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                version,
                0,
                r.method,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(name),
                0,
            )
        )
        out.write(name + payload)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                version,
                version,
                0,
                r.method,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    size = out.tell() - start
    out.write(
        struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), size, start, 0)
    )
    return out.getvalue()


def checkpoint(
    data_pkl: bytes, storages: dict | None = None, method: int = 0, pkl_method: int = 0
) -> bytes:
    """A torch.save-shaped zip: data.pkl, byteorder and one record per storage.

    ``storages`` maps keys to bytes or to ready-made :class:`Record` objects.
    """
    records = [
        Record("archive/data.pkl", data_pkl, pkl_method),
        Record("archive/byteorder", b"little"),
        Record("archive/version", b"3\n"),
    ]
    for key, value in (storages or {}).items():
        if isinstance(value, Record):
            records.append(value)
        else:
            records.append(Record(f"archive/data/{key}", value, method))
    return build_zip(records)


def bomb_payload(nbytes: int, method: int, chunk: int = 1 << 24) -> bytes:
    """``nbytes`` zero bytes compressed with ``method``, streamed (never all in memory)."""
    if method == zipfile.ZIP_DEFLATED:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
    elif method == zipfile.ZIP_BZIP2:
        c = bz2.BZ2Compressor(9)
    else:
        c = zipfile.LZMACompressor()
    zeros = bytes(min(chunk, nbytes))
    parts, left = [], nbytes
    while left:
        n = min(left, len(zeros))
        parts.append(c.compress(zeros[:n]))
        left -= n
    parts.append(c.flush())
    return b"".join(parts)


_ZERO_CRC: dict[int, int] = {}


def zeros_crc(nbytes: int) -> int:
    """CRC-32 of ``nbytes`` zero bytes (cached)."""
    if nbytes not in _ZERO_CRC:
        crc, left, block = 0, nbytes, bytes(1 << 22)
        while left:
            n = min(left, len(block))
            crc = zlib.crc32(block[:n], crc)
            left -= n
        _ZERO_CRC[nbytes] = crc
    return _ZERO_CRC[nbytes]


def bomb_checkpoint(nbytes: int, method: int, declared: int | None = None) -> bytes:
    """One storage record of ``nbytes`` zeros, compressed with ``method``.

    ``declared`` (default ``nbytes``) is the size both the pickle and the zip directory give
    it; when smaller, the record inflates past what it declares.
    """
    declared = nbytes if declared is None else declared
    record = Record(
        "archive/data/0",
        method=method,
        payload=bomb_payload(nbytes, method),
        file_size=declared,
        crc=zeros_crc(declared),
    )
    return checkpoint(tensor_pickle(declared // 4), {"0": record})


# ------------------------------------------------------------------------- hostile pickles
def deep_chain(depth: int, opcode: bytes = b"\x85") -> bytes:
    """((((0,),),),) ``depth`` tuples deep (TUPLE1 by default)."""
    return pk_int(0) + opcode * depth


def shared_tuple(levels: int) -> bytes:
    """t(n) = (t(n-1), t(n-1)): ``levels`` distinct tuples whose hash visits 2**levels nodes."""
    body = pk_int(0) + b"\x85"
    for _ in range(levels):
        body += pk_put(1) + pk_get(1) + b"\x86"
    return body


def deep_pickles(depth: int) -> dict[str, bytes]:
    """Containers nested ``depth`` deep, in every place a loader may hash or walk them."""
    return {
        "tuple_in_set": b"\x80\x04\x8f(" + deep_chain(depth) + b"\x90.",
        "tuple_dict_key": PROTO2 + b"}" + deep_chain(depth) + b"Ns.",
        "tuple_dict_keys_setitems": PROTO2 + b"}(" + deep_chain(depth) + b"Nu.",
        "tuple_in_frozenset": b"\x80\x04(" + deep_chain(depth) + b"\x91.",
        "tuple_in_builtins_set": PROTO2
        + pk_global("builtins", "set")
        + b"]("
        + deep_chain(depth)
        + b"e\x85R.",
        "tuple_ordered_dict_key": PROTO2
        + pk_global("collections", "OrderedDict")
        + b"]("
        + deep_chain(depth)
        + b"N\x86e\x85R.",
        "tuple_root": PROTO2 + deep_chain(depth) + STOP,
        "tuple_value": PROTO2 + b"}" + pk_str("k") + deep_chain(depth) + b"s.",
        "mark_tuples": PROTO2 + b"(" * depth + b"t" * depth + STOP,
        "lists": PROTO2 + b"]" * depth + b"a" * (depth - 1) + STOP,
        "dicts": PROTO2 + b"}" + (pk_int(0) + b"}") * (depth - 1) + b"s" * (depth - 1) + STOP,
    }


def colliding_ints(n: int) -> list[bytes]:
    """``n`` distinct ints with the same hash (multiples of 2**61 - 1), as pickle opcodes."""
    return [pk_int(k * P) for k in range(1, n + 1)]


def colliding_tuples(bits: int) -> list[bytes]:
    """2**bits distinct tuples of -1/-2 (hash(-1) == hash(-2)): all with the same hash."""
    out = []
    for i in range(1 << bits):
        out.append(b"(" + b"".join(pk_int(-1 - ((i >> b) & 1)) for b in range(bits)) + b"t")
    return out


def _batches(items: list[bytes], size: int = 1000):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def collision_pickles(n: int) -> dict[str, bytes]:
    """Hash-flooding pickles: ``n`` colliding keys, in each way a pickle can insert them."""
    keys = colliding_ints(n)
    setitems = b"".join(b"(" + b"".join(k + b"N" for k in batch) + b"u" for batch in _batches(keys))
    additems = b"".join(b"(" + b"".join(batch) + b"\x90" for batch in _batches(keys))
    as_list = b"]" + b"".join(b"(" + b"".join(batch) + b"e" for batch in _batches(keys))
    pairs = b"]" + b"".join(
        b"(" + b"".join(k + b"N\x86" for k in batch) + b"e" for batch in _batches(keys)
    )
    bits = max(1, (n - 1).bit_length())
    tuples = colliding_tuples(bits)
    return {
        "int_dict_setitems": PROTO2 + b"}" + setitems + STOP,
        "int_dict_setitem": PROTO2 + b"}" + b"".join(k + b"Ns" for k in keys) + STOP,
        "int_set_additems": b"\x80\x04\x8f" + additems + STOP,
        "int_frozenset": b"\x80\x04(" + b"".join(keys) + b"\x91.",
        "int_builtins_set": PROTO2 + pk_global("builtins", "set") + as_list + b"\x85R.",
        "int_ordered_dict": PROTO2 + pk_global("collections", "OrderedDict") + pairs + b"\x85R.",
        "int_counter": PROTO2 + pk_global("collections", "Counter") + b"}" + setitems + b"\x85R.",
        "tuple_dict": PROTO2
        + b"}"
        + b"".join(
            b"(" + b"".join(k + b"N" for k in batch) + b"u" for batch in _batches(tuples[:n])
        )
        + STOP,
    }


def work_pickles(count: int, width: int) -> dict[str, bytes]:
    """Pickles whose few bytes make an allowed callable or BUILD copy a big object many times."""
    items = b"]" + b"".join(b"(" + pk_int(0) * len(b) + b"e" for b in _batches([b""] * width))
    ints = b"]" + b"".join(
        b"(" + b"".join(pk_int(i) for i in range(j, j + 1000)[: width - j]) + b"e"
        for j in range(0, width, 1000)
    )
    keys = b"}" + b"".join(
        b"(" + b"".join(pk_str(f"k{i}") + b"N" for i in range(j, min(j + 1000, width))) + b"u"
        for j in range(0, width, 1000)
    )
    repeat = lambda body: body * count  # noqa: E731
    return {
        "set_of_memo_list": PROTO2
        + b"]"
        + pk_global("builtins", "set")
        + pk_put(1)
        + b"0"
        + ints
        + b"\x85"
        + pk_put(2)
        + b"0"
        + repeat(pk_get(1) + pk_get(2) + b"Ra")
        + STOP,
        "bytearray_of_memo_bytes": PROTO2
        + b"]"
        + pk_global("builtins", "bytearray")
        + pk_put(1)
        + b"0"
        + pk_bytes(bytes(width))
        + b"\x85"
        + pk_put(2)
        + b"0"
        + repeat(pk_get(1) + pk_get(2) + b"Ra")
        + STOP,
        "build_with_memo_state": PROTO2
        + b"]"
        + keys
        + pk_put(1)
        + b"0"
        + repeat(pk_global("collections", "OrderedDict") + b")R" + pk_get(1) + b"ba")
        + STOP,
        "size_of_memo_list": PROTO2
        + b"]"
        + items
        + pk_put(1)
        + b"0"
        + repeat(pk_global("torch", "Size") + pk_get(1) + b"\x85Ra")
        + STOP,
        "hash_exponential_tuple": PROTO2 + b"}" + shared_tuple(count) + b"Ns.",
        "empty_sets": b"\x80\x04" + b"\x8f" * (count * width // 500 - 8) + b"].",
        "marks": PROTO2 + b"(" * (count * width // 500 - 8) + b"N.",
    }


def geometry_pickles() -> dict[str, bytes]:
    """Tensor rebuilds whose size or stride makes a naive loader allocate or loop forever."""
    big_range = pk_global("builtins", "range") + b"(" + pk_int(10**12) + b"tR"
    base = pk_global("torch._utils", "_rebuild_tensor_v2") + b"(" + b"(" + pk_str("storage")
    base += pk_global("torch", "FloatStorage") + pk_str("0") + pk_str("cpu") + pk_int(1) + b"tQ"
    hooks = pk_global("collections", "OrderedDict") + b")R"
    wide = b"(" + pk_int(1) * 100_000 + b"t"
    return {
        "range_size": PROTO2 + base + pk_int(0) + big_range + big_range + b"\x89" + hooks + b"tR.",
        "ndim_100000": PROTO2 + base + pk_int(0) + wide + wide + b"\x89" + hooks + b"tR.",
    }


# ------------------------------------------------------------------------- code execution
def evil_pickles(marker: str) -> dict[str, bytes]:
    """Pickles that would create ``marker`` if a loader ran any code they name."""
    cmd = f"touch {marker}"
    quoted = cmd.encode()
    arg = pk_str(cmd)
    py = f"open({marker!r}, 'w').close()"

    class _Reduce:
        def __init__(self, fn, args):
            self.fn, self.args = fn, args

        def __reduce__(self):
            return self.fn, self.args

    import subprocess

    out = {
        "global_os_system": b"cos\nsystem\n(S'" + quoted + b"'\ntR.",
        "global_posix_system": PROTO2 + pk_global("posix", "system") + arg + b"\x85R.",
        "stack_global": b"\x80\x04\x8c\x02os\x8c\x06system\x93" + arg + b"\x85R.",
        "inst": b"(S'" + quoted + b"'\nios\nsystem\n.",
        "obj": b"(cos\nsystem\nS'" + quoted + b"'\no.",
        "builtins_eval": PROTO2 + pk_global("builtins", "eval") + pk_str(py) + b"\x85R.",
        "builtins_exec": PROTO2 + pk_global("builtins", "exec") + pk_str(py) + b"\x85R.",
        "__builtin__eval": PROTO2 + pk_global("__builtin__", "eval") + pk_str(py) + b"\x85R.",
        "builtins_getattr": PROTO2
        + pk_global("builtins", "getattr")
        + b"("
        + pk_global("torch._utils", "_rebuild_tensor_v2")
        + pk_str("__globals__")
        + b"tR.",
        "builtins_import": PROTO2 + pk_global("builtins", "__import__") + pk_str("os") + b"\x85R.",
        "subprocess_call": PROTO2
        + pk_global("subprocess", "call")
        + b"("
        + pk_str("sh")
        + pk_str("-c")
        + arg
        + b"l\x85R.",
        "newobj_on_system": PROTO2 + pk_global("os", "system") + b"(" + arg + b"t\x81.",
        "build_setstate": PROTO2
        + pk_global("collections", "OrderedDict")
        + b")R}"
        + pk_str("__setstate__")
        + pk_global("os", "system")
        + b"sb.",
        "build_class_attr": PROTO2
        + pk_global("collections", "OrderedDict")
        + b")R}"
        + pk_str("__class__")
        + pk_global("os", "system")
        + b"sb.",
        "ext_registry": PROTO2 + b"\x82\x01.",
        "next_buffer": b"\x80\x05\x97.",
        "persid_text": b"Pos.system\n.",
        "reduce_on_marker": PROTO2 + pk_global("torch", "Tensor") + arg + b"\x85R.",
        "rebuild_from_type_steered": PROTO2
        + pk_global("torch._tensor", "_rebuild_from_type_v2")
        + b"("
        + pk_global("os", "system")
        + pk_global("torch", "Tensor")
        + b"("
        + arg
        + b"tNtR.",
        "numpy_object_array": PROTO2 + pk_global("numpy", "dtype") + pk_str("O") + b"\x85R.",
        "torch_load_nested": PROTO2 + pk_global("torch", "load") + arg + b"\x85R.",
        "functools_partial": PROTO2
        + pk_global("functools", "partial")
        + b"("
        + pk_global("os", "system")
        + arg
        + b"tR)R.",
        "operator_attrgetter": PROTO2
        + pk_global("operator", "attrgetter")
        + pk_str("system")
        + b"\x85R.",
        "codecs_to_eval": PROTO2
        + pk_global("_codecs", "encode")
        + b"("
        + pk_str(py)
        + pk_str("rot13")
        + b"tR.",
        "pickle_loads": PROTO2
        + pk_global("pickle", "loads")
        + pk_bytes(b"cos\nsystem\n(S'" + quoted + b"'\ntR.")
        + b"\x85R.",
    }
    for proto in (0, 1, 2, 3, 4, 5):
        out[f"python_reduce_p{proto}"] = pickle.dumps(_Reduce(os.system, (cmd,)), protocol=proto)
        out[f"python_subprocess_p{proto}"] = pickle.dumps(
            _Reduce(subprocess.call, (["sh", "-c", cmd],)), protocol=proto
        )
        out[f"python_nested_p{proto}"] = pickle.dumps(
            {"w": [1, {"x": _Reduce(os.system, (cmd,))}]}, protocol=proto
        )
    return out


# ------------------------------------------------------------------------- damage
def flips(raw: bytes, rng, count: int) -> list[bytes]:
    """``count`` copies of ``raw`` with 1 to 5 random bytes replaced."""
    out = []
    for _ in range(count):
        data = bytearray(raw)
        for pos in rng.integers(0, len(raw), int(rng.integers(1, 6))):
            data[pos] = int(rng.integers(0, 256))
        out.append(bytes(data))
    return out


def truncations(raw: bytes, rng, count: int) -> list[bytes]:
    """``count`` random prefixes of ``raw``."""
    return [raw[:n] for n in sorted(set(rng.integers(0, len(raw), count).tolist()))]
