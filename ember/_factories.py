"""Tensor factories: tensor, zeros, ones, full, arange, linspace, eye, rand*, ... as in torch."""

from __future__ import annotations

import math
import numbers

import numpy as np

from . import _dtype
from ._backend import allocation_error, backend_for, is_array, to_device
from ._device import as_device
from ._factory_args import (
    checked_numbers,
    data_error,
    int_like,
    int_list,
    no_signature,
    size_arg,
    tname,
)
from ._fpmath import fma32, fma64
from ._options import check_options as _options
from ._tensor import Tensor, _wrap
from .ops._binding import tensor_method
from .ops._out import factory_out

__all__ = [
    "tensor",
    "as_tensor",
    "asarray",
    "from_numpy",
    "from_dlpack",
    "scalar_tensor",
    "zeros",
    "ones",
    "full",
    "empty",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "arange",
    "range",
    "linspace",
    "logspace",
    "eye",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
    "tril_indices",
    "triu_indices",
    "empty_strided",
]

_range = range


def _finish(arr, requires_grad=False) -> Tensor:
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _host(data):
    """Nested Python data (possibly holding tensors) as a NumPy array."""
    if isinstance(data, Tensor):
        return data.detach()._host_array()
    if is_array(data):
        return backend_for(None).xp.asarray(data) if isinstance(data, np.ndarray) else data
    if isinstance(data, (list, tuple)) and any(isinstance(x, (Tensor, list, tuple)) for x in data):
        parts = [_host(x) for x in data]
        if not parts:
            return np.asarray([])
        return np.stack([np.asarray(p) for p in parts])
    return np.asarray(data)


def _infer_dtype(data, arr) -> _dtype.dtype:
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.generic):  # a NumPy scalar keeps its dtype, as in PyTorch
        return _dtype.from_numpy_dtype(data.dtype)
    if isinstance(data, np.ndarray) or (is_array(data)):
        return _dtype.from_numpy_dtype(arr.dtype)
    kind = arr.dtype.kind
    if kind == "b":
        return _dtype.bool
    if kind in "iu":
        return _dtype.int64
    if kind == "f":
        if arr.dtype == np.float64 and not _has_numpy_float64(data):
            return _dtype.get_default_dtype()
        return _dtype.from_numpy_dtype(arr.dtype)
    if kind == "c":  # Python complex numbers: the default complex dtype
        return _dtype.default_complex_dtype()
    if arr.size == 0:
        return _dtype.get_default_dtype()
    try:
        return _dtype.from_numpy_dtype(arr.dtype)
    except TypeError:
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'") from None


def _has_numpy_float64(data) -> bool:
    return isinstance(data, np.float64) and not isinstance(data, float)


def _array_from_data(data, dtype, device):
    python = not isinstance(data, (np.ndarray, Tensor)) and not is_array(data)
    try:
        arr = _host(data)
    except ValueError:
        error = data_error(data, dtype) if python else None
        if error is None:
            raise
        raise error from None
    if python and arr.dtype.kind in "OSU" and (error := data_error(data, dtype)) is not None:
        raise error
    if python:
        arr = checked_numbers(data, arr, dtype)
    if dtype is None:
        dtype = _infer_dtype(data, arr)
    if arr.dtype != dtype.np or not isinstance(arr, np.ndarray):
        arr = arr.astype(dtype.np)
    return to_device(arr, as_device(device))


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """A new tensor that copies ``data`` (nested lists, scalars, arrays or tensors)."""
    _options("tensor", {"pin_memory": pin_memory})
    arr = _array_from_data(data, dtype, device)
    if isinstance(data, (np.ndarray, Tensor)) or is_array(data):
        src = data._data if isinstance(data, Tensor) else data
        if arr is src or np.shares_memory(arr, src) if isinstance(arr, np.ndarray) else False:
            arr = arr.copy()
    return _finish(arr, requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Convert ``data`` to a tensor, sharing memory when dtype and device already match."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    arr = _array_from_data(data, dtype, device)
    return _wrap(arr)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """Convert ``obj`` to a tensor (``torch.asarray``), sharing memory unless ``copy=True``."""
    t = tensor(obj, dtype=dtype, device=device) if copy else as_tensor(obj, dtype, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A CPU tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dtype.from_numpy_dtype(ndarray.dtype)
    if type(ndarray) is not np.ndarray:  # np.memmap, np.matrix, ...: the same memory, plainly
        ndarray = ndarray.view(np.ndarray)
    return _wrap(ndarray)


def from_dlpack(ext_tensor) -> Tensor:
    """A tensor sharing memory with any DLPack producer (NumPy, CuPy, PyTorch)."""
    device_type, _ = ext_tensor.__dlpack_device__()
    if device_type == 1:  # kDLCPU
        return _wrap(np.from_dlpack(ext_tensor))
    return _wrap(backend_for("cuda").xp.from_dlpack(ext_tensor))


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False, **options) -> Tensor:
    """A 0-d tensor holding ``s`` (default float dtype)."""
    _options("scalar_tensor", options)
    dtype = dtype or _dtype.get_default_dtype()
    s = _dtype.check_scalar(s, dtype, numel=1)
    return _finish(to_device(np.asarray(s, dtype=dtype.np), as_device(device)), requires_grad)


def _allocated(make, size):
    """``make()``, an array of ``size`` made by the array library, whose failure to allocate is
    torch's RuntimeError (:func:`ember._backend.allocation_error`)."""
    try:
        return make()
    except (MemoryError, ValueError) as e:
        err = allocation_error(e, size)
        if err is None:
            raise
        raise err from None


def _filled(size, value, dtype, device, requires_grad) -> Tensor:
    xp = backend_for(as_device(device)).xp
    return _finish(_allocated(lambda: xp.full(size, value, dtype=dtype.np), size), requires_grad)


def zeros(*size, out=None, dtype=None, device=None, requires_grad=False, **options) -> Tensor:
    """A tensor of zeros with the given shape."""
    _options("zeros", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, zeros, *size)
    dtype = dtype or _dtype.get_default_dtype()
    return _filled(size_arg(size, "zeros"), 0, dtype, device, requires_grad)


def ones(*size, out=None, dtype=None, device=None, requires_grad=False, **options) -> Tensor:
    """A tensor of ones with the given shape."""
    _options("ones", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, ones, *size)
    dtype = dtype or _dtype.get_default_dtype()
    return _filled(size_arg(size, "ones"), 1, dtype, device, requires_grad)


def empty(*size, out=None, dtype=None, device=None, requires_grad=False, **options) -> Tensor:
    """An uninitialised tensor (ember fills it with zeros, so it is deterministic)."""
    _options("empty", options, memory_format=True)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, empty, *size)
    return zeros(size_arg(size, "empty"), dtype=dtype, device=device, requires_grad=requires_grad)


def empty_strided(
    size, stride, *, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """An uninitialised tensor of ``size`` laid out with ``stride`` (in elements) over memory
    of its own, zero-filled."""
    _options("empty_strided", options)
    size = size_arg((size,), "empty_strided", varargs=False)
    stride = int_list((stride,), "empty_strided", "stride", 2, varargs=False)
    if len(size) != len(stride):
        raise RuntimeError(
            f"dimensionality of sizes ({len(size)}) must match dimensionality of strides "
            f"({len(stride)})"
        )
    # PyTorch sums stride * (size - 1) unsigned: a negative stride on a dim longer than 1
    # overflows, as does a total past 2**64 bytes
    extent = 0 if 0 in size else 1 + sum((n - 1) * st for n, st in zip(size, stride))
    item = (dtype or _dtype.get_default_dtype()).itemsize
    negative = any(st < 0 < n - 1 for n, st in zip(size, stride))
    if 0 not in size and (negative or extent * item >= 2**64):
        raise RuntimeError(
            f"Storage size calculation overflowed with sizes={list(size)} and "
            f"strides={list(stride)}"
        )
    flat = zeros(extent, dtype=dtype, device=device)._data
    item = flat.dtype.itemsize
    xp = backend_for(as_device(device)).xp
    arr = xp.lib.stride_tricks.as_strided(flat, size, tuple(st * item for st in stride))
    return _finish(arr, requires_grad)


def full(
    size, fill_value, *, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """A tensor of ``size`` filled with ``fill_value`` (dtype inferred from the value)."""
    _options("full", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, full, size, fill_value)
    if dtype is None:
        dtype = _dtype.scalar_dtype(
            fill_value.item() if isinstance(fill_value, Tensor) else fill_value
        )
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, numbers.Number):
        raise TypeError(
            f"full(): argument 'fill_value' (position 2) must be Number, not {tname(fill_value)}"
        )
    size = size_arg((size,), "full", varargs=False)
    fill_value = _dtype.check_scalar(fill_value, dtype, math.prod(size))
    return _filled(size, fill_value, dtype, device, requires_grad)


def _like(fn, t, dtype, device, requires_grad, *args):
    return fn(*args, dtype=dtype or t.dtype, device=device or t.device, requires_grad=requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, **options) -> Tensor:  # noqa: A002
    """Zeros with the shape (and, by default, dtype and device) of ``input``."""
    _options("zeros_like", options, memory_format=True)
    return _like(zeros, input, dtype, device, requires_grad, input.shape)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, **options) -> Tensor:  # noqa: A002
    """Ones with the shape (and, by default, dtype and device) of ``input``."""
    _options("ones_like", options, memory_format=True)
    return _like(ones, input, dtype, device, requires_grad, input.shape)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, **options) -> Tensor:  # noqa: A002
    """An uninitialised tensor like ``input``."""
    _options("empty_like", options, memory_format=True)
    return _like(empty, input, dtype, device, requires_grad, input.shape)


def full_like(
    input,
    fill_value,
    *,
    dtype=None,
    device=None,
    requires_grad=False,  # noqa: A002
    **options,
) -> Tensor:
    """A tensor like ``input`` filled with ``fill_value``."""
    _options("full_like", options, memory_format=True)
    return full(
        input.shape,
        fill_value,
        dtype=dtype or input.dtype,
        device=device or input.device,
        requires_grad=requires_grad,
    )


def _scalar(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(
    start=0, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) spaced by ``step``."""
    _options("arange", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, arange, start, end, step)
    start, end, step = _scalar(start), _scalar(end), _scalar(step)
    if end is None:
        start, end = 0, start
    if dtype is _dtype.int64 and step != 0:  # PyTorch casts the scalars to int64 first
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("step must be nonzero")
    if not step > 0 and not step < 0:  # NaN too
        raise RuntimeError("step must be nonzero")
    if not (math.isfinite(start) and math.isfinite(end)):
        raise RuntimeError(f"unsupported range: {start:g} -> {end:g}")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        is_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = _dtype.int64 if is_int else _dtype.get_default_dtype()
    if dtype is _dtype.bool:
        raise NotImplementedError("\"arange_cpu\" not implemented for 'Bool'")
    n = math.ceil((end - start) / step)
    arr = (
        (start + np.arange(n, dtype=np.float64) * step)
        if dtype.is_floating_point
        else np.arange(start, end, step, dtype=np.int64)[:n]
    )
    return _finish(to_device(arr.astype(dtype.np), as_device(device)), requires_grad)


def range(  # noqa: A001
    start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False, layout=None
) -> Tensor:
    """Deprecated ``torch.range``: like arange but including ``end``."""
    _options("range", {"layout": layout})
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dtype = dtype or _dtype.get_default_dtype()
    arr = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np)
    return _finish(to_device(arr, as_device(device)), requires_grad)


def linspace(
    start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """``steps`` values evenly spaced from ``start`` to ``end`` inclusive."""
    _options("linspace", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, linspace, start, end, steps)
    start, end = _scalar(start), _scalar(end)
    _check_steps("linspace", start, end, steps)
    complex_ends = isinstance(start, complex) or isinstance(end, complex)
    dtype = dtype or (
        _dtype.default_complex_dtype() if complex_ends else _dtype.get_default_dtype()
    )
    if dtype is _dtype.bool:
        raise NotImplementedError("\"linspace_cpu\" not implemented for 'Bool'")
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    # PyTorch fills the first half from start and the second half from end, each value one fused
    # multiply-add (start + step * i) in the result's float type, so the bits match torch's
    integral = not (dtype.is_floating_point or dtype.is_complex)
    if integral:  # torch casts the ends to the integer type first
        start, end = float(math.trunc(start)), float(math.trunc(end))
    if dtype is _dtype.float32:
        fma, start, end = fma32, np.float32(start), np.float32(end)
        step = (end - start) / np.float32(max(steps - 1, 1))
    else:
        step = (end - start) / max(steps - 1, 1)
        fma = fma64 if not (complex_ends or dtype.is_complex) else lambda a, b, c: a * b + c
    idx = np.arange(steps, dtype=np.float64)
    back = steps - 1 - idx
    vals = np.where(idx < steps // 2, fma(step, idx, start), fma(-step, back, end))
    if steps == 1:
        vals = np.full(1, start)
    if integral:
        vals = np.trunc(vals)
    return _finish(to_device(vals.astype(dtype.np), as_device(device)), requires_grad)


def logspace(
    start,
    end,
    steps,
    base=10.0,
    *,
    out=None,
    dtype=None,
    device=None,
    requires_grad=False,
    **options,
) -> Tensor:
    """``base ** linspace(start, end, steps)``."""
    _options("logspace", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, logspace, start, end, steps, base)
    _check_steps("logspace", start, end, steps)
    dtype = dtype or _dtype.get_default_dtype()
    if dtype is _dtype.bool:
        raise NotImplementedError("\"logspace_cpu\" not implemented for 'Bool'")
    exps = linspace(start, end, steps, dtype=_dtype.float64)._data
    vals = np.power(float(base), exps)
    return _finish(to_device(vals.astype(dtype.np), as_device(device)), requires_grad)


def _check_steps(name, *args) -> None:
    """``steps`` (the third argument) is an int: PyTorch's parser matches no signature else."""
    if not int_like(args[2]):
        raise no_signature(name, *args)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False, **options) -> Tensor:
    """A 2-D tensor with ones on the diagonal."""
    _options("eye", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, eye, n, m)
    if not int_like(n) or isinstance(n, Tensor):
        raise TypeError(f"eye(): argument 'n' (position 1) must be int, not {tname(n)}")
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dtype = dtype or _dtype.get_default_dtype()
    arr = np.eye(n, n if m is None else m, dtype=dtype.np)
    return _finish(to_device(arr, as_device(device)), requires_grad)


def _random_result(arr, dtype, device, requires_grad):
    return _finish(
        to_device(np.array(arr, dtype=dtype.np, order="C"), as_device(device)), requires_grad
    )


def tril_indices(row, col, offset=0, *, dtype=None, device=None, **options) -> Tensor:
    """The 2 x N coordinates of the lower triangle of a row x col matrix."""
    _options("tril_indices", options)
    _check_triangle(row, col)
    r, c = np.tril_indices(row, offset, col)
    return _random_result(np.stack([r, c]), dtype or _dtype.int64, device, False)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, **options) -> Tensor:
    """The 2 x N coordinates of the upper triangle of a row x col matrix."""
    _options("triu_indices", options)
    _check_triangle(row, col)
    r, c = np.triu_indices(row, offset, col)
    return _random_result(np.stack([r, c]), dtype or _dtype.int64, device, False)


def _check_triangle(row, col) -> None:
    for name, v in (("row", row), ("col", col)):
        if v < 0:
            raise RuntimeError(f"{name} must be non-negative, got{v}")


@tensor_method()
def new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of zeros with ``self``'s dtype and device unless given."""
    size = size_arg(size, "new_zeros")
    return zeros(size, requires_grad=requires_grad, **_like_self(self, dtype, device), **kwargs)


@tensor_method()
def new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """A tensor of ones with ``self``'s dtype and device unless given."""
    size = size_arg(size, "new_ones")
    return ones(size, requires_grad=requires_grad, **_like_self(self, dtype, device), **kwargs)


@tensor_method()
def new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
    """An uninitialised tensor with ``self``'s dtype and device unless given."""
    size = size_arg(size, "new_empty")
    return empty(size, requires_grad=requires_grad, **_like_self(self, dtype, device), **kwargs)


@tensor_method()
def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``, with ``self``'s dtype and device unless given."""
    return full(size, fill_value, requires_grad=requires_grad, **_like_self(self, dtype, device))


@tensor_method()
def new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    """A tensor copied from ``data``, with ``self``'s dtype and device unless given."""
    return tensor(data, requires_grad=requires_grad, **_like_self(self, dtype, device))


def _like_self(self, dtype, device):
    return {"dtype": dtype or self.dtype, "device": device or self.device}


# the random factories live in their own module (PyTorch's streams); re-exported from here
from ._random_factories import (  # noqa: E402
    bernoulli,
    multinomial,
    normal,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
