"""The seam between ember and the array libraries: NumPy on the CPU, CuPy on CUDA devices.

What a backend provides is written down once, in :class:`~ember._backend.base.Backend` (the
checklist for a new one). Outside this package, only the functions below are used:

- :func:`backend_for` (a device) and :func:`backend_of` (an array) give the backend, whose
  ``xp`` is the array namespace, ``special`` the special functions, ``to_host``/``from_host``
  the device moves and ``data_ptr`` an array's address;
- :func:`device_of`, :func:`to_device`, :func:`is_array`, :func:`special_of` for one step;
- :func:`cache_of` and :func:`workspace_of`: per-device caches and per-thread workspaces;
- :func:`generator_for`: the random generator that serves a device;
- :func:`register_backend`: serve a new array type (vmap's batched arrays);
- ``backend_by_type``: the ``{array type: backend}`` table itself, to be read only, for the op
  wrapper's hot path (``ops/_registry.py``), where one dict subscript is cheaper than a call of
  :func:`backend_of` (and than a ``MappingProxyType`` view, which costs 10 ns more per op).

Ops never name a library: they receive ``xp`` (the array namespace of their inputs) from the
op wrapper.
"""

from __future__ import annotations

from types import MappingProxyType

from .._device import as_device, device
from .base import Backend
from .cpu import CPU_BACKEND

__all__ = [
    "Backend",
    "backend_by_type",
    "register_backend",
    "backend_for",
    "backend_of",
    "cache_of",
    "device_of",
    "generator_for",
    "is_array",
    "special_of",
    "allocation_error",
    "to_device",
    "workspace_of",
    "special_fallbacks",
    "set_scipy_enabled",
]

_BY_ARRAY_TYPE: dict[type, Backend] = {CPU_BACKEND.array_type: CPU_BACKEND}
backend_by_type = _BY_ARRAY_TYPE
_cuda_backend = None


def _cuda():
    global _cuda_backend
    if _cuda_backend is None:
        from .cuda import CudaBackend

        _cuda_backend = CudaBackend()
        _BY_ARRAY_TYPE[_cuda_backend.array_type] = _cuda_backend
    return _cuda_backend


def register_backend(backend: Backend) -> None:
    """Serve arrays of type ``backend.array_type`` with ``backend`` (ember's own are registered
    here already; ``ember.func.vmap`` adds its batched arrays)."""
    _BY_ARRAY_TYPE[backend.array_type] = backend


def backend_for(dev) -> Backend:
    """The backend that serves device ``dev`` (a :class:`device`, str or None)."""
    dev = as_device(dev)
    if dev.type == "cpu":
        return CPU_BACKEND
    return _cuda()


def backend_of(array) -> Backend:
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


def allocation_error(exc, shape=None):
    """NumPy's or CuPy's failure to allocate (``MemoryError``, ``ValueError: array is too
    big``) as the ``RuntimeError`` torch raises; ``None`` for any other exception.

    The one place where the array libraries' allocation exceptions become torch's, so callers
    that catch ``RuntimeError`` (as they do under torch) see one type.
    """
    text = str(exc)
    if isinstance(exc, MemoryError) or type(exc).__name__ == "OutOfMemoryError":
        return RuntimeError(f"DefaultCPUAllocator: not enough memory: {text}")
    if isinstance(exc, ValueError) and (
        "array is too big" in text or "Maximum allowed size exceeded" in text
    ):
        sizes = "" if shape is None else ", ".join(map(str, shape))
        return RuntimeError(f"Storage size calculation overflowed with sizes=[{sizes}]")
    return None


def special_of(xp):
    """The special-function namespace (erf, lgamma, digamma, ...) that goes with ``xp``."""
    if xp is CPU_BACKEND.xp:
        return CPU_BACKEND.special
    return _cuda().special


def cache_of(array, key: str) -> dict:
    """The shared cache named ``key`` of the device ``array`` lives on (:meth:`Backend.cache`)."""
    backend = _BY_ARRAY_TYPE[type(array)]
    return backend.cache(backend.device_of(array), key)


def workspace_of(array, key: str) -> dict:
    """The calling thread's workspace named ``key`` on the device ``array`` lives on
    (:meth:`Backend.workspace`)."""
    backend = _BY_ARRAY_TYPE[type(array)]
    return backend.workspace(backend.device_of(array), key)


def generator_for(dev):
    """The default :class:`ember.Generator` for device ``dev`` (:meth:`Backend.generator`)."""
    dev = as_device(dev)
    return backend_for(dev).generator(dev)


def special_fallbacks() -> dict:
    """The NumPy fallbacks of the CPU special functions, by name (used when SciPy is absent)."""
    from ._special_extra import FALLBACKS

    return FALLBACKS


def set_scipy_enabled(enabled: bool) -> None:
    """Use SciPy's special functions when installed (True, the default) or the NumPy fallbacks."""
    from . import _scipy

    _scipy._loaded.pop("special", None)
    if not enabled:
        _scipy._loaded["special"] = None
