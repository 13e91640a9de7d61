"""The restricted unpickler: a small pickle interpreter that never imports or calls user code.

Python's own unpickler resolves any global a pickle names and calls it, which is how a
checkpoint runs code. This one understands the data opcodes of protocols 0-5; it resolves globals
only through ``_allowlist.find_global``, calls only the ``SafeCallable`` objects that returns,
appends/sets items only on real lists/dicts/sets, and runs BUILD only on the plain-data types
``_allowlist.build`` accepts. Opcodes that reach code in other ways (INST, OBJ, the extension
registry, out-of-band buffers) are refused. Every opcode consumes input, so a corrupt pickle
ends in ``pickle.UnpicklingError`` rather than a hang.
"""

from __future__ import annotations

import codecs
import pickle
import struct

from . import _allowlist, _safe_globals

_LARGE_READ = 1 << 20


class Unpickler:
    """Load one pickle from ``stream`` (an object with ``read`` and ``readline``).

    ``persistent_load(pid)`` resolves persistent ids (storages); ``weights_only=False`` also
    admits the few extra plain-data types listed in ``_allowlist``; ``encoding`` decodes
    Python 2 ``str`` objects (as in :class:`pickle.Unpickler`).
    """

    def __init__(
        self,
        stream,
        *,
        persistent_load=None,
        weights_only: bool = True,
        encoding: str = "ASCII",
        size_limit: int | None = None,
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

    # ------------------------------------------------------------------ driver
    def load(self):
        """Run the pickle to its STOP opcode and return the object it builds."""
        dispatch = _DISPATCH
        read = self._read_raw
        try:
            while True:
                op = read(1)
                if op == b".":
                    if not self.stack:
                        raise pickle.UnpicklingError("STOP with an empty stack")
                    return self.stack.pop()
                if not op:
                    raise EOFError("Ran out of input")
                handler = dispatch.get(op[0])
                if handler is None:
                    raise pickle.UnpicklingError(
                        f"Unsupported operand {op[0]} ({op!r}) in pickle data"
                    )
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
        return struct.unpack(fmt, self._read(size))[0]

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
        return func(*args)

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
    u.stack.append(int(line[:-1] if line.endswith(b"L") else line))


def _long_n(fmt, size):
    def load(u):
        n = u._unpack(fmt, size)
        if n < 0:
            raise pickle.UnpicklingError("LONG pickle has negative byte count")
        u.stack.append(int.from_bytes(u._read(n), "little", signed=True))

    return load


def _string_line(u):
    data = u._line()
    if len(data) < 2 or data[0] != data[-1] or data[:1] not in (b'"', b"'"):
        raise pickle.UnpicklingError("the STRING opcode argument must be quoted")
    u.stack.append(u._decode_str(codecs.escape_decode(data[1:-1])[0]))


def _counted(fmt, size, convert):
    def load(u):
        u.stack.append(convert(u, u._read(u._unpack(fmt, size))))

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
    if index < 0:
        raise ValueError("negative PUT argument")
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
    u.stack.append(items)


def _tuple_from_mark(u):
    items = tuple(u._pop_mark())
    u.stack.append(items)


def _frozenset_from_mark(u):
    items = frozenset(u._pop_mark())
    u.stack.append(items)


def _dict_from_mark(u):
    items = u._pop_mark()
    if len(items) % 2:
        raise pickle.UnpicklingError("odd number of items for DICT")
    u.stack.append({items[i]: items[i + 1] for i in range(0, len(items), 2)})


def _target(u, kinds, op):
    target = u.stack[-1]
    if type(target) not in kinds:
        raise pickle.UnpicklingError(f"{op} on a {type(target).__name__} object is not allowed")
    return target


_DICTS = (dict, _allowlist.collections.OrderedDict, _allowlist.collections.Counter)


def _append(u):
    value = u.stack.pop()
    _target(u, (list,), "APPEND").append(value)


def _appends(u):
    items = u._pop_mark()
    _target(u, (list,), "APPENDS").extend(items)


def _setitem(u):
    value = u.stack.pop()
    key = u.stack.pop()
    _target(u, _DICTS, "SETITEM")[key] = value


def _setitems(u):
    items = u._pop_mark()
    if len(items) % 2:
        raise pickle.UnpicklingError("odd number of items for SETITEMS")
    target = _target(u, _DICTS, "SETITEMS")
    for i in range(0, len(items), 2):
        target[items[i]] = items[i + 1]


def _additems(u):
    items = u._pop_mark()
    _target(u, (set,), "ADDITEMS").update(items)


def _reduce(u):
    args = u.stack.pop()
    u.stack[-1] = u._call(u.stack[-1], args)


def _newobj(u, kwargs=None):
    args = u.stack.pop()
    cls = u.stack.pop()
    if isinstance(cls, type) and _safe_globals.is_trusted(cls) and type(args) is tuple:
        u.stack.append(cls.__new__(cls, *args, **(kwargs or {})))
        return
    if not isinstance(cls, _allowlist.Marker) or cls.new is None or args or kwargs:
        raise pickle.UnpicklingError(
            f"NEWOBJ may only create an allowed plain-data class, not {cls!r}"
        )
    u.stack.append(cls.new.__new__(cls.new))


def _newobj_ex(u):
    kwargs = u.stack.pop()
    _newobj(u, kwargs)


def _build(u):
    state = u.stack.pop()
    _allowlist.build(u.stack[-1], state, u._weights_only)


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
