"""The restricted unpickler: a small pickle interpreter that never imports or calls user code.

Python's own unpickler resolves any global a pickle names and calls it, which is how a
checkpoint runs code. This one understands the data opcodes of protocols 0-5; it resolves globals
only through ``_allowlist.find_global``, calls only the ``SafeCallable`` objects that returns,
appends/sets items only on real lists/dicts/sets, and runs BUILD only on the plain-data types
``_allowlist.build`` accepts. Opcodes that reach code in other ways (INST, OBJ, the extension
registry, out-of-band buffers) are refused. Every opcode consumes input, so a corrupt pickle
ends in ``pickle.UnpicklingError`` rather than a hang.

With ``weights_only=True`` it also refuses, as torch's weights-only unpickler does, the opcodes
only protocols 0 and 1 and Python 2 write (``_TEXT_OPCODES``); it keeps those of protocols 2 to 5,
which ``ember.save`` writes. Nesting depth, hash collisions and total work are bounded
(NOTE [ Bounds on a hostile pickle ] in ``_limits.py``).
"""

from __future__ import annotations

import codecs
import pickle
import struct

from . import _allowlist, _limits, _program_classes, _safe_globals

_LARGE_READ = 1 << 20
_FOLD = 1 << 16


class Unpickler:
    """Load one pickle from ``stream`` (an object with ``read`` and ``readline``).

    ``persistent_load(pid)`` resolves persistent ids (storages); ``weights_only=False`` also
    admits the few extra plain-data types listed in ``_allowlist``; ``encoding`` decodes
    Python 2 ``str`` objects (as in :class:`pickle.Unpickler`). ``size_limit`` is where the
    stream ends; ``source_bytes`` the size of the file the pickle came from, which sets its work
    budget (default: the stream's remaining length when it can seek).
    """

    def __init__(
        self,
        stream,
        *,
        persistent_load=None,
        weights_only: bool = True,
        encoding: str = "ASCII",
        size_limit: int | None = None,
        source_bytes: int | None = None,
    ):
        self._stream = stream
        self._read_raw = stream.read
        self._readline = stream.readline
        self._persistent_load = persistent_load
        self._weights_only = weights_only
        self._encoding = encoding
        self._size_limit = size_limit
        self.stack = []
        self.metastack = []
        self.memo = {}
        if source_bytes is None:
            source_bytes = _remaining(stream)
        self.bounds = _limits.Bounds(source_bytes)

    # ------------------------------------------------------------------ driver
    def load(self):
        """Run the pickle to its STOP opcode and return the object it builds."""
        dispatch = _WEIGHTS_ONLY_DISPATCH if self._weights_only else _DISPATCH
        read = self._read_raw
        bounds = self.bounds
        weight = _WEIGHT
        work = 0  # opcode weights, folded into the budget every _FOLD units
        try:
            while True:
                op = read(1)
                if op == b".":
                    if not self.stack:
                        raise pickle.UnpicklingError("STOP with an empty stack")
                    bounds.measure(self.stack[-1])  # a tuple nothing else measured
                    return self.stack.pop()
                if not op:
                    raise EOFError("Ran out of input")
                code = op[0]
                handler = dispatch.get(code)
                if handler is None:
                    raise pickle.UnpicklingError(_unsupported(op, self._weights_only))
                work += weight[code]
                if work > _FOLD:
                    bounds.charge(work)
                    work = 0
                handler(self)
        except (pickle.UnpicklingError, EOFError, RuntimeError):
            raise
        except (
            IndexError,
            KeyError,
            ValueError,
            TypeError,
            struct.error,
            UnicodeError,
            OverflowError,
            AttributeError,
            RecursionError,
        ) as e:
            raise pickle.UnpicklingError(f"invalid pickle data ({type(e).__name__}: {e})") from e

    # ------------------------------------------------------------------ input helpers
    def _read(self, n: int) -> bytes:
        if n < 0:
            raise pickle.UnpicklingError(f"negative length {n} in pickle data")
        limit = self._size_limit
        if n > _LARGE_READ and limit is not None and n > limit - self._stream.tell():
            raise EOFError(f"pickle claims {n} bytes past the end of the data")
        data = self._read_raw(n)
        if len(data) != n:
            raise EOFError("pickle data was truncated")
        return data

    def _line(self) -> bytes:
        line = self._readline()
        if not line.endswith(b"\n"):
            raise EOFError("pickle data was truncated")
        return line[:-1]

    def _unpack(self, fmt: str, size: int):
        data = self._read_raw(size)
        if len(data) != size:
            raise EOFError("pickle data was truncated")
        return struct.unpack(fmt, data)[0]

    def _pop_mark(self) -> list:
        items = self.stack
        self.stack = self.metastack.pop()
        return items

    def _decode_str(self, data: bytes):
        if self._encoding == "bytes":
            return data
        return data.decode(self._encoding, "strict")

    # ------------------------------------------------------------------ globals and calls
    def _push_global(self, module, name):
        self.stack.append(_allowlist.find_global(module, name, self._weights_only))

    def _call(self, func, args):
        allowed = isinstance(func, _allowlist.SafeCallable) or _safe_globals.is_trusted(func)
        if not allowed or type(args) is not tuple:
            raise pickle.UnpicklingError(f"REDUCE may only call an allowed global, not {func!r}")
        self.bounds.charge_call(args)
        builds = func.builds if isinstance(func, _allowlist.SafeCallable) else None
        if builds is not None and len(args) == 1 and type(args[0]) in (list, tuple):
            args = (self._prebuild(builds, args[0]),)
        result = func(*args)
        self._made(result, args)
        return result

    def _prebuild(self, kind: str, items):
        """set(items) / dict(pairs), built with bounded hashing before the real builder copies
        it (set and dict copies reuse the stored hashes)."""
        bounds = self.bounds
        if kind == "set":
            out = set()
            bounds.insert(out, items)
            bounds.nest(out, items)
            return out
        keys, values = [], []
        for pair in items:
            if len(pair) != 2:
                raise pickle.UnpicklingError("OrderedDict(items) needs (key, value) pairs")
            key, value = pair
            keys.append(key)
            values.append(value)
        out = {}
        bounds.insert(out, keys, values)
        bounds.nest(out, items)
        bounds.charge(bounds.hash_cost(out))  # the builder hashes every key once more
        return out

    def _made(self, obj, args) -> None:
        """Record a new object built from ``args`` (REDUCE, NEWOBJ): as deep as they are."""
        if isinstance(obj, (list, dict, set)):  # tuples are measured lazily, tensors are leaves
            self.bounds.forget(obj)
            self.bounds.nest(obj, args)

    def _persistent(self, pid):
        if self._persistent_load is None:
            raise pickle.UnpicklingError(
                "A load persistent id instruction was encountered, but "
                "no persistent_load function was specified."
            )
        self.stack.append(self._persistent_load(pid))


# -------------------------------------------------------------------------------- opcodes
def _proto(u):
    proto = u._read(1)[0]
    if proto > pickle.HIGHEST_PROTOCOL:
        raise pickle.UnpicklingError(f"unsupported pickle protocol: {proto}")


def _frame(u):
    u._read(8)  # frames only batch reads; the opcodes inside are read one by one anyway


def _mark(u):
    u.metastack.append(u.stack)
    u.stack = []


def _pop(u):
    if u.stack:
        u.stack.pop()
    else:
        u._pop_mark()


def _int_line(u):
    line = u._line()
    if line == b"00":
        u.stack.append(False)
    elif line == b"01":
        u.stack.append(True)
    else:
        u.stack.append(int(line))


def _long_line(u):
    line = u._line()
    value = int(line[:-1] if line.endswith(b"L") else line)
    u.bounds.big_int(value, len(line) // 2)
    u.stack.append(value)


def _long_n(fmt, size):
    def load(u):
        n = u._unpack(fmt, size)
        if n < 0:
            raise pickle.UnpicklingError("LONG pickle has negative byte count")
        u.bounds.charge(n >> 3)
        value = int.from_bytes(u._read(n), "little", signed=True)
        u.bounds.big_int(value, n)
        u.stack.append(value)

    return load


def _string_line(u):
    data = u._line()
    if len(data) < 2 or data[0] != data[-1] or data[:1] not in (b'"', b"'"):
        raise pickle.UnpicklingError("the STRING opcode argument must be quoted")
    u.stack.append(u._decode_str(codecs.escape_decode(data[1:-1])[0]))


def _counted(fmt, size, convert):
    def load(u):
        n = u._unpack(fmt, size)
        u.bounds.charge(n >> 3)
        u.stack.append(convert(u, u._read(n)))

    return load


def _as_str(u, data):
    return str(data, "utf-8", "surrogatepass")


def _as_bytes(u, data):
    return data


def _as_bytearray(u, data):
    return bytearray(data)


def _as_py2_str(u, data):
    return u._decode_str(data)


def _get(u, index):
    try:
        u.stack.append(u.memo[index])
    except KeyError:
        raise pickle.UnpicklingError(f"Memo value not found at index {index}") from None


def _put(u, index):
    if not 0 <= index < _limits.HASH_MODULUS:  # memo keys must not collide
        raise ValueError(f"PUT argument {index} out of range")
    u.memo[index] = u.stack[-1]


def _tuple_n(n):
    def load(u):
        if n == 0:
            u.stack.append(())
            return
        items = tuple(u.stack[-n:])
        if len(items) != n:
            raise pickle.UnpicklingError("stack underflow in TUPLE")
        del u.stack[-n:]
        u.stack.append(items)

    return load


# NOTE: pop the mark before touching u.stack: popping it replaces u.stack
def _list_from_mark(u):
    items = u._pop_mark()
    u.bounds.forget(items)
    u.bounds.nest(items, items)
    u.stack.append(items)


def _tuple_from_mark(u):
    items = tuple(u._pop_mark())
    u.stack.append(items)


def _frozenset_from_mark(u):
    items = u._pop_mark()
    members = set()
    u.bounds.insert(members, items)
    u.stack.append(frozenset(members))


def _dict_from_mark(u):
    items = u._pop_mark()
    if len(items) % 2:
        raise pickle.UnpicklingError("odd number of items for DICT")
    result = {}
    u.bounds.insert(result, items[::2], items[1::2])
    u.bounds.forget(result)
    u.bounds.nest(result, items)
    u.stack.append(result)


def _target(u, kinds, op):
    target = u.stack[-1]
    if type(target) not in kinds:
        raise pickle.UnpicklingError(f"{op} on a {type(target).__name__} object is not allowed")
    return target


_DICTS = (dict, _allowlist.collections.OrderedDict, _allowlist.collections.Counter)


def _append(u):
    value = u.stack.pop()
    target = _target(u, (list,), "APPEND")
    target.append(value)
    if type(value) not in _limits.LEAVES:
        u.bounds.nest(target, (value,))


def _appends(u):
    items = u._pop_mark()
    target = _target(u, (list,), "APPENDS")
    target.extend(items)
    u.bounds.nest(target, items)


def _setitem(u):
    value = u.stack.pop()
    key = u.stack.pop()
    target = _target(u, _DICTS, "SETITEM")
    if type(key) is str:
        target[key] = value
    else:
        u.bounds.insert(target, (key,), (value,))
    if type(key) not in _limits.LEAVES or type(value) not in _limits.LEAVES:
        u.bounds.nest(target, (key, value))


def _setitems(u):
    items = u._pop_mark()
    if len(items) % 2:
        raise pickle.UnpicklingError("odd number of items for SETITEMS")
    target = _target(u, _DICTS, "SETITEMS")
    u.bounds.insert(target, items[::2], items[1::2])
    u.bounds.nest(target, items)


def _additems(u):
    items = u._pop_mark()
    target = _target(u, (set,), "ADDITEMS")
    u.bounds.insert(target, items)
    u.bounds.nest(target, items)


def _reduce(u):
    args = u.stack.pop()
    u.stack[-1] = u._call(u.stack[-1], args)


def _newobj(u, kwargs=None):
    args = u.stack.pop()
    cls = u.stack.pop()
    trusted = _safe_globals.is_trusted(cls) or (
        not u._weights_only and _program_classes.is_module_class(cls)
    )
    if isinstance(cls, type) and trusted and type(args) is tuple:
        u.bounds.charge_call(args)
        obj = cls.__new__(cls, *args, **(kwargs or {}))
        u._made(obj, args)
        u.stack.append(obj)
        return
    if not isinstance(cls, _allowlist.Marker) or cls.new is None or args or kwargs:
        raise pickle.UnpicklingError(
            f"NEWOBJ may only create an allowed plain-data class, not {cls!r}"
        )
    obj = cls.new.__new__(cls.new)
    u.bounds.forget(obj)
    u.stack.append(obj)


def _newobj_ex(u):
    kwargs = u.stack.pop()
    _newobj(u, kwargs)


def _build(u):
    state = u.stack.pop()
    u.bounds.charge_call(state if type(state) is tuple else (state,))
    inst = u.stack[-1]
    _allowlist.build(inst, state, u._weights_only)
    u.bounds.nest(inst, (state,))


def _global_line(u):
    module = u._line().decode("utf-8")
    name = u._line().decode("utf-8")
    u._push_global(module, name)


def _stack_global(u):
    name = u.stack.pop()
    module = u.stack.pop()
    u._push_global(module, name)


def _persid_line(u):
    u._persistent(u._line().decode("ascii"))


def _unicode_line(u):
    u.stack.append(str(u._line(), "raw-unicode-escape"))


def _push(value):
    def load(u):
        u.stack.append(value)

    return load


def _u8(u):
    return u._read(1)[0]


def _remaining(stream) -> int | None:
    """Bytes left in a seekable stream (None when it cannot tell)."""
    try:
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return max(end - here, 0)


def _unsupported(op: bytes, weights_only: bool) -> str:
    if weights_only and op[0] in _TEXT_OPCODES:
        return (
            f"Unsupported operand {op[0]} ({op!r}) in pickle data: a protocol 0/1 or Python 2 "
            "opcode, refused with weights_only=True as torch.load refuses it (load with "
            "weights_only=False if you trust the file)"
        )
    return f"Unsupported operand {op[0]} ({op!r}) in pickle data"


_DISPATCH = {
    0x80: _proto,
    0x95: _frame,
    0x28: _mark,  # (
    0x30: _pop,  # 0
    0x31: lambda u: u._pop_mark(),  # 1 POP_MARK
    0x32: lambda u: u.stack.append(u.stack[-1]),  # 2 DUP
    0x4E: _push(None),  # N
    0x88: _push(True),
    0x89: _push(False),
    0x49: _int_line,  # I
    0x4A: lambda u: u.stack.append(u._unpack("<i", 4)),  # J BININT
    0x4B: lambda u: u.stack.append(_u8(u)),  # K BININT1
    0x4D: lambda u: u.stack.append(u._unpack("<H", 2)),  # M BININT2
    0x4C: _long_line,  # L
    0x8A: _long_n("<B", 1),  # LONG1
    0x8B: _long_n("<i", 4),  # LONG4
    0x46: lambda u: u.stack.append(float(u._line())),  # F
    0x47: lambda u: u.stack.append(u._unpack(">d", 8)),  # G BINFLOAT
    0x53: _string_line,  # S
    0x54: _counted("<i", 4, _as_py2_str),  # T BINSTRING
    0x55: _counted("<B", 1, _as_py2_str),  # U SHORT_BINSTRING
    0x56: _unicode_line,  # V
    0x58: _counted("<I", 4, _as_str),  # X BINUNICODE
    0x8C: _counted("<B", 1, _as_str),  # SHORT_BINUNICODE
    0x8D: _counted("<Q", 8, _as_str),  # BINUNICODE8
    0x42: _counted("<I", 4, _as_bytes),  # B BINBYTES
    0x43: _counted("<B", 1, _as_bytes),  # C SHORT_BINBYTES
    0x8E: _counted("<Q", 8, _as_bytes),  # BINBYTES8
    0x96: _counted("<Q", 8, _as_bytearray),  # BYTEARRAY8
    0x5D: lambda u: u.stack.append([]),  # ] EMPTY_LIST
    0x6C: _list_from_mark,  # l LIST
    0x29: _tuple_n(0),  # ) EMPTY_TUPLE
    0x85: _tuple_n(1),
    0x86: _tuple_n(2),
    0x87: _tuple_n(3),
    0x74: _tuple_from_mark,  # t TUPLE
    0x7D: lambda u: u.stack.append({}),  # } EMPTY_DICT
    0x64: _dict_from_mark,  # d DICT
    0x8F: lambda u: u.stack.append(set()),  # EMPTY_SET
    0x91: _frozenset_from_mark,
    0x61: _append,  # a
    0x65: _appends,  # e
    0x73: _setitem,  # s
    0x75: _setitems,  # u
    0x90: _additems,
    0x67: lambda u: _get(u, int(u._line())),  # g GET
    0x68: lambda u: _get(u, _u8(u)),  # h BINGET
    0x6A: lambda u: _get(u, u._unpack("<I", 4)),  # j LONG_BINGET
    0x70: lambda u: _put(u, int(u._line())),  # p PUT
    0x71: lambda u: _put(u, _u8(u)),  # q BINPUT
    0x72: lambda u: _put(u, u._unpack("<I", 4)),  # r LONG_BINPUT
    0x94: lambda u: _put(u, len(u.memo)),  # MEMOIZE
    0x63: _global_line,  # c GLOBAL
    0x93: _stack_global,
    0x52: _reduce,  # R
    0x81: _newobj,
    0x92: _newobj_ex,
    0x62: _build,  # b
    0x50: _persid_line,  # P
    0x51: lambda u: u._persistent(u.stack.pop()),  # Q BINPERSID
}

# Written only by protocols 0/1 and Python 2 (and DUP, by no pickler): torch's weights-only
# unpickler refuses them, and so does ember's with weights_only=True.
_TEXT_OPCODES = frozenset(b"ILFSTVgpPld2")
_WEIGHTS_ONLY_DISPATCH = {k: v for k, v in _DISPATCH.items() if k not in _TEXT_OPCODES}

# Work units (about 8 bytes of memory each) charged per opcode: what it allocates.
_WEIGHT = bytearray([1]) * 256
for _op, _units in {
    b"\x8f": 32,  # EMPTY_SET
    b"}": 8,  # EMPTY_DICT
    b"]": 8,  # EMPTY_LIST
    b"(": 8,  # MARK: a new stack
    b"\x85": 8,  # TUPLE1
    b"\x86": 8,  # TUPLE2
    b"\x87": 8,  # TUPLE3
    b"\x94": 8,  # MEMOIZE
    b"q": 8,  # BINPUT
    b"r": 8,  # LONG_BINPUT
    b"p": 8,  # PUT
    b"G": 4,  # BINFLOAT
    b"J": 4,  # BININT
    b"\x8a": 4,  # LONG1
}.items():
    _WEIGHT[_op[0]] = _units
