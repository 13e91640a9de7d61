"""The CUDA backend: CuPy arrays (imported only when a CUDA tensor is first asked for)."""

from __future__ import annotations

from .._device import device
from .base import Backend


class CudaBackend(Backend):
    """CuPy arrays on NVIDIA GPUs (see :class:`Backend` for the contract)."""

    name = "cuda"

    def __init__(self):
        super().__init__()
        try:
            import cupy
        except ImportError as e:  # pragma: no cover - depends on the machine
            # torch raises AssertionError here, and programs catch that type
            raise AssertionError(
                "Torch not compiled with CUDA enabled: ember needs CuPy for CUDA tensors "
                "(pip install 'ember[cuda]')"
            ) from e
        import cupyx.scipy.special

        self.xp = cupy
        self.special = CudaSpecial(cupy, cupyx.scipy.special)
        self.array_type = cupy.ndarray

    def device_of(self, array):
        return device("cuda", array.device.id)

    def to_host(self, array):
        return self.xp.asnumpy(array)

    def from_host(self, array, dev):
        with self.xp.cuda.Device(dev.index or 0):
            return self.xp.asarray(array)

    def data_ptr(self, array) -> int:
        return array.data.ptr


_CUPYX_SAME_NAME = [
    "i0",
    "i0e",
    "i1",
    "i1e",
    "k0",
    "k0e",
    "k1",
    "k1e",
    "j0",
    "j1",
    "y0",
    "y1",
    "erfcx",
    "gammainc",
    "gammaincc",
    "zeta",
]


def _keep_dtype(special, name):
    """``special.<name>`` keeping the dtype of the last argument; a clear error where this
    CuPy has no such function (never a silent move to the CPU)."""
    fn = getattr(special, name, None)

    def run(*arrays):
        if fn is None:
            raise NotImplementedError(f"cupyx.scipy.special.{name} is not in this CuPy version")
        return fn(*arrays).astype(arrays[-1].dtype, copy=False)

    return run


class CudaSpecial:
    """cupyx.scipy.special under the names the CPU backend uses (lgamma, polygamma(n, x))."""

    def __init__(self, cupy, special):
        self._cp = cupy
        self._sp = special
        self.erf = special.erf
        self.erfc = special.erfc
        self.erfinv = special.erfinv
        self.digamma = special.digamma
        for name in _CUPYX_SAME_NAME:
            setattr(self, name, _keep_dtype(special, name))

    def lgamma(self, x):
        return self._sp.gammaln(x)

    def airy_ai(self, x):
        if not hasattr(self._sp, "airy"):
            raise NotImplementedError("cupyx.scipy.special.airy is not in this CuPy version")
        return self._sp.airy(x)[0].astype(x.dtype, copy=False)

    def polygamma(self, n, x):
        # CuPy's polygamma broadcasts its order with the input, so it must be an array
        return self._sp.polygamma(self._cp.asarray(n, dtype=x.dtype), x).astype(x.dtype)
