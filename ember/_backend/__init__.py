"""The seam between ember and the array libraries: NumPy on the CPU, CuPy on CUDA devices.

Ops never name a library: they receive ``xp`` (the array namespace of their inputs) from the
op wrapper, which finds it with :func:`backend_of`. A backend also moves arrays between devices.
"""

from __future__ import annotations

from .._device import as_device, device
from .cpu import CPU_BACKEND

_BY_ARRAY_TYPE = {CPU_BACKEND.array_type: CPU_BACKEND}
_cuda_backend = None


def _cuda():
    global _cuda_backend
    if _cuda_backend is None:
        from .cuda import CudaBackend

        _cuda_backend = CudaBackend()
        _BY_ARRAY_TYPE[_cuda_backend.array_type] = _cuda_backend
    return _cuda_backend


def backend_for(dev) -> object:
    """The backend that serves device ``dev`` (a :class:`device`, str or None)."""
    dev = as_device(dev)
    if dev.type == "cpu":
        return CPU_BACKEND
    return _cuda()


def backend_of(array) -> object:
    """The backend that owns ``array`` (by its type: numpy.ndarray or cupy.ndarray)."""
    return _BY_ARRAY_TYPE[type(array)]


def device_of(array) -> device:
    """The ember device an array lives on."""
    return _BY_ARRAY_TYPE[type(array)].device_of(array)


def to_device(array, dev: device):
    """``array`` on device ``dev``, copied only when it is elsewhere."""
    src = _BY_ARRAY_TYPE[type(array)]
    if src.device_of(array) == dev:
        return array
    host = src.to_host(array)
    return backend_for(dev).from_host(host, dev)


def is_array(obj) -> bool:
    """Whether ``obj`` is an array of a loaded backend."""
    return type(obj) in _BY_ARRAY_TYPE


def special_of(xp):
    """The special-function namespace (erf, lgamma, digamma, ...) that goes with ``xp``."""
    if xp is CPU_BACKEND.xp:
        return CPU_BACKEND.special
    return _cuda().special
