"""PyTorch's tensor options that ember has one value of, checked in one place.

ember tensors are strided (``layout``), made contiguous (``memory_format``: contiguous, and
``preserve_format`` keeps whatever the input has) and never pinned (``pin_memory``). Every
function that takes one of these keywords, as its PyTorch counterpart does, accepts PyTorch's
default values and refuses the others here, instead of ignoring them.
"""

from __future__ import annotations

_PLAIN_FORMATS = ("contiguous_format", "preserve_format")  # torch's, or ember's own objects


def check_layout(layout) -> None:
    """Refuse a layout other than strided."""
    if layout is not None and str(layout).rpartition(".")[2] != "strided":
        raise NotImplementedError(f"ember tensors are strided: layout={layout} is not supported")


def check_memory_format(memory_format) -> None:
    """Refuse a memory format other than contiguous (or preserve)."""
    if memory_format is not None and str(memory_format).rpartition(".")[2] not in _PLAIN_FORMATS:
        raise NotImplementedError(
            f"ember makes contiguous tensors: memory_format={memory_format} is not supported"
        )


def check_pin_memory(pin_memory) -> None:
    """Refuse pinned memory, with PyTorch's error on a machine without an accelerator."""
    if pin_memory:
        raise RuntimeError(
            "pin_memory=True requires a CUDA or other accelerator backend; no pinned memory "
            "allocator is available on this system."
        )


def check_options(fn, options, memory_format=False) -> None:
    """A factory's ``**options``: ``layout`` and ``pin_memory`` (and ``memory_format`` where
    PyTorch's ``fn`` takes it) are checked; any other keyword is PyTorch's TypeError."""
    for key, value in options.items():
        if key == "layout":
            check_layout(value)
        elif key == "pin_memory":
            check_pin_memory(value)
        elif key == "memory_format" and memory_format:
            check_memory_format(value)
        else:
            raise TypeError(f"{fn}() got an unexpected keyword argument '{key}'")
