"""The backend contract: everything ember asks of an array library on one kind of device.

ember computes on raw arrays (``numpy.ndarray`` on the CPU, ``cupy.ndarray`` on CUDA) and never
names a library outside ``ember/_backend/``: primitives receive the namespace ``xp`` from the op
wrapper, and the rest of the package goes through the module-level functions of
``ember._backend`` (``backend_for``, ``backend_of``, ``device_of``, ``to_device``, ``is_array``,
``special_of``, ``cache_of``, ``workspace_of``, ``generator_for``). The class below is the one place
that says what a backend provides.

Checklist for a new backend (say, for a new device type ``"xpu"``):

1. Subclass :class:`Backend` in ``ember/_backend/<name>.py``: set ``name``, ``xp``, ``special``
   and ``array_type``, implement the four abstract methods, and call ``super().__init__()``
   if you define ``__init__``. Import the library lazily if it is optional (see ``cuda.py``).
2. Register it in ``ember/_backend/__init__.py``: ``backend_for`` maps the device type to an
   instance, and the instance's ``array_type`` goes into the type table so that ``backend_of``
   finds it from an array. The device type itself is parsed in ``ember/_device.py``.
3. ``xp`` must cover the NumPy API the primitives use (``ember/ops/prims/``); an op that needs
   a kernel the namespace lacks gets one implementation written against ``xp``, or a kernel
   beside NumPy's, never a silent CPU fallback.
4. Run every op_db sample on the new device against the CPU result (``tests/gpu/test_cuda.py``
   is the template).
"""

from __future__ import annotations

import abc
import threading
from typing import Any


class Backend(abc.ABC):
    """One array library serving one device type. Subclass it for a new device.

    Attributes every backend sets (as class attributes or in ``__init__``):

    ``name``
        The device type it serves: ``"cpu"``, ``"cuda"``.
    ``xp``
        The array namespace (the NumPy API). Primitives receive it as their first argument
        and compute through it only, so one code path serves every device.
    ``special``
        Special functions on arrays of ``xp``, keeping the input's dtype: ``erf``, ``erfc``,
        ``erfinv``, ``lgamma``, ``digamma`` and ``polygamma(n, x)`` (see ``_special.py``), and
        ``i0 i0e i1 i1e k0 k0e k1 k1e j0 j1 y0 y1 erfcx airy_ai gammainc(a, x) gammaincc(a, x)
        zeta(s, q)`` (``_special_extra.py``).
    ``array_type``
        The exact array class of ``xp`` (``type(array) is array_type``): ``backend_of`` finds
        the backend of an array by it.
    """

    name: str
    xp: Any
    special: Any
    array_type: type

    def __init__(self) -> None:
        self._caches: dict = {}
        self._workspaces = threading.local()

    # ------------------------------------------------------------------ arrays and devices

    @abc.abstractmethod
    def device_of(self, array):
        """The :class:`ember.device` that ``array`` lives on."""

    @abc.abstractmethod
    def to_host(self, array):
        """``array`` as a NumPy array in host memory (no copy when it is one already)."""

    @abc.abstractmethod
    def from_host(self, array, dev):
        """A host (NumPy) array as an array of this backend on device ``dev``."""

    @abc.abstractmethod
    def data_ptr(self, array) -> int:
        """The address of ``array``'s first element (``Tensor.data_ptr``, view offsets)."""

    # ------------------------------------------------------------------ per-device state

    def cache(self, dev, key: str) -> dict:
        """The dict named ``key`` for device ``dev``, shared by all threads: constants an op
        builds once and reuses (ones vectors, index tables). Callers treat the arrays in it as
        read-only and bound its size. Keyed by device, so an array made for one GPU is never
        handed to another."""
        k = (dev.index or 0, key)  # one device type per backend: the index tells devices apart
        found = self._caches.get(k)
        if found is None:
            found = self._caches.setdefault(k, {})
        return found

    def workspace(self, dev, key: str) -> dict:
        """The dict named ``key`` for device ``dev`` and the calling thread: scratch buffers an
        op overwrites on its next call (the im2col columns of a convolution)."""
        pools = self._workspaces.__dict__
        k = (dev.index or 0, key)
        found = pools.get(k)
        if found is None:
            found = pools[k] = {}
        return found

    def generator(self, dev):
        """The default :class:`ember.Generator` that random ops on ``dev`` draw from.

        ember draws random numbers on the host with the CPU's default generator and moves them
        to the device, so one seed gives the same numbers on every device. A backend with its
        own device-side generator overrides this (one generator per device, as in PyTorch).
        """
        from .._random import default_generator

        return default_generator
