"""``ember.cuda``: CUDA device queries through CuPy (``torch.cuda``). Everything answers
sensibly when CuPy or a GPU is missing: ``is_available()`` is then False."""

from __future__ import annotations

import functools

__all__ = [
    "is_available",
    "device_count",
    "current_device",
    "set_device",
    "synchronize",
    "get_device_name",
    "memory_allocated",
    "memory_reserved",
    "max_memory_allocated",
    "empty_cache",
    "manual_seed",
    "manual_seed_all",
]


@functools.lru_cache(maxsize=1)
def _cupy():
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
        return cupy
    except Exception:  # noqa: BLE001 - no CuPy, no driver or no device: CUDA is unavailable
        return None


def is_available() -> bool:
    """Whether CuPy is installed and at least one CUDA device is visible."""
    cp = _cupy()
    return cp is not None and cp.cuda.runtime.getDeviceCount() > 0


def device_count() -> int:
    """Number of visible CUDA devices (0 without CuPy)."""
    cp = _cupy()
    return 0 if cp is None else cp.cuda.runtime.getDeviceCount()


def _require():
    cp = _cupy()
    if cp is None:
        raise AssertionError(  # torch's type, which programs catch
            "Torch not compiled with CUDA enabled: ember needs CuPy and a CUDA "
            "device (pip install 'ember[cuda]')"
        )
    return cp


def current_device() -> int:
    """Index of the current CUDA device."""
    return _require().cuda.runtime.getDevice()


def set_device(device) -> None:
    """Make ``device`` the current CUDA device."""
    from .._device import as_device

    d = as_device(device) if not isinstance(device, int) else None
    _require().cuda.runtime.setDevice(device if isinstance(device, int) else (d.index or 0))


def _device_index(device) -> int:
    """The CUDA device index ``device`` names (``None``: the current one), as torch reads it."""
    from .._device import as_device

    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    d = as_device(device)
    if d.type != "cuda":
        raise ValueError(f"Expected a cuda device, but got: {d}")
    return current_device() if d.index is None else d.index


def _on(device):
    """A context in which ``device`` is CuPy's current device."""
    cp = _require()
    return cp.cuda.Device(_device_index(device))


def synchronize(device=None) -> None:
    """Wait for all kernels on ``device`` (default: the current device) to finish."""
    with _on(device):
        _require().cuda.runtime.deviceSynchronize()


def get_device_name(device=None) -> str:
    """The product name of ``device`` (default: the current device)."""
    cp = _require()
    name = cp.cuda.runtime.getDeviceProperties(_device_index(device))["name"]
    return name.decode() if isinstance(name, bytes) else name


def _pool_bytes(device, what) -> int:
    if _cupy() is None:  # torch answers 0 before CUDA is initialized, and without CUDA
        return 0
    with _on(device):
        return getattr(_cupy().get_default_memory_pool(), what)()


def memory_allocated(device=None) -> int:
    """Bytes held by tensors in CuPy's memory pool on ``device`` (0 without CUDA)."""
    return _pool_bytes(device, "used_bytes")


def memory_reserved(device=None) -> int:
    """Bytes reserved by CuPy's memory pool on ``device`` (0 without CUDA)."""
    return _pool_bytes(device, "total_bytes")


def max_memory_allocated(device=None) -> int:
    """Peak is not tracked by CuPy's pool; returns the current reserved bytes."""
    return memory_reserved(device)


def empty_cache() -> None:
    """Release unused cached blocks back to the driver."""
    cp = _cupy()
    if cp is not None:
        cp.get_default_memory_pool().free_all_blocks()


def manual_seed(seed: int) -> None:
    """Seed CUDA random numbers (ember draws on the host, so this seeds the default generator)."""
    from .. import _random

    _random.manual_seed(seed)


manual_seed_all = manual_seed


from . import amp  # noqa: E402 - torch.cuda.amp (deprecated aliases of torch.amp)
