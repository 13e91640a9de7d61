"""The factories' arguments checked as PyTorch checks them: its argument parser's errors for
sizes, and its number-by-number conversion of Python data (``torch.tensor([300],
dtype=torch.int8)`` raises where NumPy's cast would wrap)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from . import _dtype
from ._tensor import Tensor


def int_like(s) -> bool:
    """An int where PyTorch's parser takes one: not a bool; a one-element integer tensor."""
    if isinstance(s, Tensor):
        return s.numel() == 1 and not s.dtype.is_floating_point and s.dtype is not _dtype.bool
    return isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_))


def int_list(args, name: str, arg: str = "size", pos: int = 1, varargs: bool = True) -> tuple:
    """An int-list argument of function ``name``: the positional ``args`` that make it (ints, or
    one sequence of them; one sequence only unless ``varargs``), refused with the errors of
    PyTorch's argument parser."""
    head = f"{name}(): argument '{arg}'"
    if len(args) == 1 and not (varargs and int_like(args[0])):
        if not isinstance(args[0], Sequence) or isinstance(args[0], str):
            raise TypeError(f"{head} (position {pos}) must be tuple of ints, not {tname(args[0])}")
        args = tuple(args[0])
        if args and not int_like(args[0]):
            raise TypeError(
                f"{head} (position {pos}) must be tuple of ints, but found element of type "
                f"{tname(args[0])} at pos 0"
            )
    elif len(args) > 1 and not int_like(args[0]):
        if name in ("rand", "randn"):  # several signatures: the parser matches none
            raise no_signature(name, *args)
        raise TypeError(f"{name}() takes 1 positional argument but {len(args)} were given")
    for i, s in enumerate(args):
        error = None if int_like(s) else f"type must be tuple of ints,but got {tname(s)}"
        if error is None and not -(2**63) <= int(s) < 2**63:
            error = "Overflow when unpacking long long\n"  # PyTorch's goes on with a traceback
        if error:
            raise TypeError(
                f'{head} failed to unpack the object at pos {i + 1} with error "{error}"'
            )
    return tuple(int(s) for s in args)


def size_arg(args, name: str, varargs: bool = True) -> tuple:
    """A factory's ``size`` (see :func:`int_list`), and PyTorch's error for a negative one."""
    size = int_list(args, name, varargs=varargs)
    bad = next((s for s in size if s < 0), None)
    if bad is not None and name == "zeros":
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    if bad is not None:
        raise RuntimeError(f"Trying to create tensor with negative dimension {bad}: {list(size)}")
    return size


def no_signature(name, *args) -> TypeError:
    """PyTorch's parser's error when the positional ``args`` match none of its signatures."""
    return TypeError(
        f"{name}() received an invalid combination of arguments - got "
        f"({', '.join(tname(a) for a in args)}), but expected one of:"
    )


def tname(x) -> str:
    return type(x).__name__


_FLOATS = (_dtype.float16, _dtype.bfloat16, _dtype.float32, _dtype.float64)


def _leaves(data):
    """The numbers of nested Python data, in order (arrays and tensors inside it as lists)."""
    if isinstance(data, Tensor):
        data = data.detach()._host_array()
    if isinstance(data, np.ndarray):
        data = data.tolist()
    if isinstance(data, (list, tuple)):
        for x in data:
            yield from _leaves(x)
    else:
        yield data


def checked_numbers(data, arr, dtype):
    """``arr`` (NumPy's array of Python ``data``) as PyTorch converts each number on its own,
    where NumPy's cast would wrap: an int beyond int64 for an integer result ("Overflow when
    unpacking long long"), or a number the integer dtype cannot hold, is refused. The array
    decides alone unless it is of objects, or of floats past 2**63 or below 0 for uint8 (then
    NumPy may have turned ints into floats, and the numbers themselves are looked at)."""
    kind = arr.dtype.kind
    if kind == "c" and dtype is not None and dtype is not _dtype.bool and not dtype.is_complex:
        raise TypeError(
            "must be real number, not complex"
            if dtype.is_floating_point
            else "'complex' object cannot be interpreted as an integer"
        )
    if kind not in "iufO" or arr.size == 0 or dtype in (_dtype.bool, *_FLOATS):
        return arr
    exact = kind in "uO" or (
        kind == "f"
        and (np.abs(arr).max() >= 2.0**63 or (dtype is _dtype.uint8 and (arr < 0).any()))
    )
    if not exact:
        if dtype is not None and _dtype.overflows(arr, dtype).any():
            raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
        return arr
    numbers_ = list(_leaves(data))
    if not all(isinstance(v, numbers.Number) for v in numbers_):
        return arr  # not numbers: the conversion below says what they are
    if dtype is None and not all(isinstance(v, numbers.Integral) for v in numbers_):
        return arr.astype(np.float64)  # a float among them: a float tensor
    for v in numbers_:
        if isinstance(v, numbers.Integral) and not -(2**63) <= v < 2**63:
            raise ValueError("Overflow when unpacking long long")
        if dtype is not None and _dtype.overflows(v, dtype):
            raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow")
    # 2.0**63 passes the check (int64's max rounds up to it as a double); the cast gives min
    ints = [int(v) if v < 2**63 else -(2**63) for v in numbers_]
    return np.array(ints, dtype=np.int64).reshape(arr.shape)


def data_error(data, dtype) -> Exception | None:
    """PyTorch's error for Python ``data`` that is no nested list of numbers, in its order: a
    string, a value it cannot infer a dtype from, lists of different lengths, a value it cannot
    convert (None if ``data`` is such a list; arrays and tensors inside it count as numbers)."""
    if isinstance(data, str):
        return TypeError("new(): invalid data type 'str'")
    sizes, obj = [], data
    while isinstance(obj, Sequence):
        if isinstance(obj, str):
            return ValueError("too many dimensions 'str'")
        sizes.append(len(obj))
        if not obj:
            break
        obj = obj[0]
    bad = [v for v in _leaves_of(data) if not _scalar_like(v)][:1]
    if dtype is None and bad:
        if isinstance(bad[0], str):
            return TypeError("new(): invalid data type 'str'")
        return RuntimeError(f"Could not infer dtype of {tname(bad[0])}")
    error = _ragged(data, sizes, 0)
    if error is not None or not bad:
        return error
    bad = bad[0]
    if dtype.is_floating_point:
        return TypeError(f"must be real number, not {tname(bad)}")
    return TypeError(f"'{tname(bad)}' object cannot be interpreted as an integer")


def _scalar_like(v) -> bool:
    return isinstance(v, (numbers.Number, Tensor, np.ndarray))


def _leaves_of(data):
    if isinstance(data, (list, tuple)):
        for x in data:
            yield from _leaves_of(x)
    else:
        yield data


def _ragged(obj, sizes, dim) -> Exception | None:
    if dim == len(sizes):
        return None
    if not isinstance(obj, Sequence) or isinstance(obj, str):
        return TypeError("not a sequence")
    if len(obj) != sizes[dim]:
        return ValueError(f"expected sequence of length {sizes[dim]} at dim {dim} (got {len(obj)})")
    for x in obj:
        error = _ragged(x, sizes, dim + 1)
        if error is not None:
            return error
    return None
