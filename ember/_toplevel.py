"""Small torch-level names that are not ops: layouts and memory formats (``torch.strided``,
``torch.channels_last``, ...), ``newaxis``, type queries (``typename``, ``is_signed``,
``is_same_size``, ``can_cast``, ``broadcast_shapes``, ...), the deterministic debug mode,
``frombuffer``/``to_dlpack`` and ``get_default_device``.

ember tensors are strided and contiguous: the layout and memory-format objects exist so code can
name them (``memory_format=torch.preserve_format``, ``layout=torch.strided``); the option checks
of :mod:`ember._options` accept the ones ember has and refuse the others.
"""

from __future__ import annotations

from . import _compile, _dtype, _naming
from ._device import device
from ._size import Size
from ._tensor import Tensor
from .ops._binding import tensor_method

__all__ = [
    "layout",
    "strided",
    "memory_format",
    "contiguous_format",
    "preserve_format",
    "channels_last",
    "channels_last_3d",
    "legacy_contiguous_format",
    "newaxis",
    "typename",
    "is_signed",
    "is_same_size",
    "is_distributed",
    "is_inference",
    "get_device",
    "can_cast",
    "broadcast_shapes",
    "get_default_device",
    "set_deterministic_debug_mode",
    "get_deterministic_debug_mode",
    "set_flush_denormal",
    "frombuffer",
    "to_dlpack",
    "empty_permuted",
]


class _Named:
    """A singleton named like torch's (``torch.strided``), printed under ember's public name."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"{_naming.public_name()}.{self.name}"

    def __reduce__(self):
        return self.name


class layout(_Named):  # noqa: N801 - torch.layout
    """A tensor layout (``torch.layout``); ember has ``strided`` only."""

    __slots__ = ()


class memory_format(_Named):  # noqa: N801 - torch.memory_format
    """A memory format (``torch.memory_format``); ember makes contiguous tensors."""

    __slots__ = ()


strided = layout("strided")
contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
legacy_contiguous_format = memory_format("legacy_contiguous_format")
newaxis = None


# ---------------------------------------------------------------- type queries
def typename(obj) -> str:
    """The type name torch prints: ``'torch.FloatTensor'`` for a tensor, else the qualified
    name of ``obj`` (a class or function) or of its class (builtins unqualified)."""
    if isinstance(obj, Tensor):
        return obj.type()
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", "") if name else ""
    if not name:
        module, name = type(obj).__module__, type(obj).__qualname__
    return name if module in ("", "builtins", None) else f"{module}.{name}"


def is_signed(input) -> bool:  # noqa: A002
    """Whether ``input``'s dtype is signed."""
    return input.is_signed()


@tensor_method()
def is_same_size(input, other) -> bool:  # noqa: A002
    """Whether the two tensors have the same shape."""
    return input.shape == other.shape


@tensor_method()
def is_distributed(input) -> bool:  # noqa: A002
    """Always False: ember tensors are not distributed."""
    return False


def is_inference(input) -> bool:  # noqa: A002
    """:meth:`Tensor.is_inference` (no ember tensor is an inference tensor)."""
    return input.is_inference()


def get_device(input) -> int:  # noqa: A002
    """-1 for a CPU tensor, else its CUDA device index."""
    return input.get_device()


def can_cast(from_, to) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` in an in-place op: never
    floating point to integral, nor non-bool to bool."""
    if not isinstance(from_, _dtype.dtype) or not isinstance(to, _dtype.dtype):
        raise TypeError("can_cast(): argument 'from_' and 'to' must be dtypes")
    return from_.category <= to.category


def broadcast_shapes(*shapes) -> Size:
    """The shape all of ``shapes`` broadcast to (a number is a 1-D shape), raising PyTorch's
    error when they do not."""
    dims = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    out: list[int] = []
    for i, shape in enumerate(dims):
        if any(n < 0 for n in shape):
            raise ValueError("Attempting to broadcast a dimension with negative length!")
        out = [1] * (len(shape) - len(out)) + out
        for k in range(1, len(shape) + 1):
            n, have = shape[-k], out[-k]
            if n != 1 and have not in (1, n):
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {n} at -{k}! Mismatching "
                    f"argument at index {i} had {shape}; but expected shape should be "
                    f"broadcastable to {out}"
                )
            if n != 1:
                out[-k] = n
    return Size(out)


def get_default_device() -> device:
    """The device factories use by default: the CPU (``set_default_device`` is not
    supported)."""
    return device("cpu")


# ---------------------------------------------------------------- global switches
_DEBUG_MODES = {"default": 0, "warn": 1, "error": 2}


def set_deterministic_debug_mode(debug_mode) -> None:
    """``0``/``'default'``, ``1``/``'warn'`` or ``2``/``'error'``: the same switch as
    :func:`ember.use_deterministic_algorithms` (off, warn only, on)."""
    if isinstance(debug_mode, str):
        if debug_mode not in _DEBUG_MODES:
            raise RuntimeError(
                "invalid value of debug_mode, expected one of `default`, `warn`, `error`, but "
                f"got {debug_mode}"
            )
        debug_mode = _DEBUG_MODES[debug_mode]
    elif not isinstance(debug_mode, int) or isinstance(debug_mode, bool):
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    if debug_mode not in (0, 1, 2):
        raise RuntimeError(
            f"invalid value of debug_mode, expected 0, 1, or 2, but got {debug_mode}"
        )
    _compile.use_deterministic_algorithms(debug_mode > 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """The mode :func:`set_deterministic_debug_mode` set: 0, 1 (warn) or 2 (error)."""
    if not _compile.are_deterministic_algorithms_enabled():
        return 0
    return 1 if _compile.is_deterministic_algorithms_warn_only_enabled() else 2


def set_flush_denormal(mode) -> bool:
    """Flushing denormal numbers to zero is not available to NumPy, so this returns False
    (PyTorch's answer where the CPU does not support it) and changes nothing."""
    return False


# ---------------------------------------------------------------- buffers and DLPack
def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False) -> Tensor:
    """A 1-D tensor over the memory of an object that implements the buffer protocol (shared
    when the buffer is writable; a read-only buffer is copied)."""
    import numpy as np

    from ._factories import from_numpy

    view = memoryview(buffer)
    length = view.nbytes
    if length == 0 or count == 0:
        raise ValueError(f"both buffer length ({length}) and count ({count}) must not be 0")
    if not 0 <= offset < length:
        raise ValueError(
            f"offset ({offset} bytes) must be non-negative and no greater than buffer length "
            f"({length} bytes) minus 1"
        )
    itemsize = dtype.itemsize
    if count < 0 and (length - offset) % itemsize:
        raise ValueError(
            f"buffer length ({length - offset} bytes) after offset ({offset} bytes) must be a "
            f"multiple of element size ({itemsize})"
        )
    array = np.frombuffer(view, dtype=dtype.np, count=count, offset=offset)
    if not array.flags.writeable:
        array = array.copy()
    return from_numpy(array).requires_grad_(requires_grad)


def to_dlpack(tensor):
    """A DLPack capsule sharing ``tensor``'s memory (autograd history is not exported)."""
    return tensor.detach().__dlpack__()


def empty_permuted(
    size,
    physical_layout,
    *,
    dtype=None,
    layout=None,
    device=None,
    requires_grad=False,
    pin_memory=False,
) -> Tensor:
    """An uninitialized tensor of shape ``size`` whose memory is laid out in the dim order
    ``physical_layout`` (outermost first): ``empty_permuted((2, 3, 4), (0, 2, 1))`` has strides
    (12, 1, 3)."""
    from ._factories import empty

    size, order = tuple(size), tuple(physical_layout)
    if sorted(order) != list(range(len(size))):
        raise RuntimeError(
            f"Number of dimensions in size does not match the length of the physical_layout; "
            f"i.e. len(size) = {len(size)} is not equal to len(physical_layout) = {len(order)}"
        )
    inverse = [order.index(d) for d in range(len(order))]
    memory = empty(
        *(size[d] for d in order),
        dtype=dtype,
        layout=layout,
        device=device,
        pin_memory=pin_memory,
    )
    return memory.permute(*inverse).requires_grad_(requires_grad)
