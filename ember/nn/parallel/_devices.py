"""How ``nn.parallel`` reads the devices it is given (shared by its modules)."""

from __future__ import annotations

from ..._device import device as _device


def as_target(d) -> _device:
    """A device argument as ``nn.parallel`` reads it: an int names a CUDA device (``-1``, the
    CPU), a string or a device names itself."""
    if isinstance(d, int) and not isinstance(d, bool):
        return _device("cpu") if d == -1 else _device("cuda", d)
    return _device(d)


def cuda_available() -> bool:
    """Whether ember can run on a CUDA device here."""
    from ... import cuda

    return cuda.is_available()


def all_cuda_ids() -> list[int]:
    """The indices of every visible CUDA device."""
    from ... import cuda

    return list(range(cuda.device_count()))
