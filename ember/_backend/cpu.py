"""The CPU backend: NumPy arrays."""

from __future__ import annotations

import numpy as np

from .._device import CPU
from ._special import CpuSpecial
from .base import Backend

# PyTorch computes 1/0 = inf and 0/0 = nan silently; so does ember.
np.seterr(all="ignore")


class CpuBackend(Backend):
    """NumPy arrays in host memory (see :class:`Backend` for the contract)."""

    xp = np
    special = CpuSpecial()
    array_type = np.ndarray
    name = "cpu"

    def device_of(self, array):
        return CPU

    def to_host(self, array):
        return array

    def from_host(self, array, dev):
        return np.asarray(array)

    def data_ptr(self, array) -> int:
        return array.__array_interface__["data"][0]


CPU_BACKEND = CpuBackend()
