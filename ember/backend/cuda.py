"""The CUDA backend: CuPy arrays (imported only when a CUDA tensor is first asked for)."""

from __future__ import annotations

from .._device import device


class CudaBackend:
    """Array namespace and device moves for CuPy."""

    name = "cuda"

    def __init__(self):
        try:
            import cupy
        except ImportError as e:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "Torch not compiled with CUDA enabled: ember needs CuPy for CUDA tensors "
                "(pip install 'ember[cuda]')") from e
        import cupyx.scipy.special

        self.xp = cupy
        self.special = cupyx.scipy.special
        self.array_type = cupy.ndarray

    @staticmethod
    def device_of(array):
        return device("cuda", array.device.id)

    def to_host(self, array):
        return self.xp.asnumpy(array)

    def from_host(self, array, dev):
        with self.xp.cuda.Device(dev.index or 0):
            return self.xp.asarray(array)

    @staticmethod
    def data_ptr(array) -> int:
        return array.data.ptr
