"""The CPU backend: NumPy arrays."""

from __future__ import annotations

import numpy as np

from .._device import CPU
from ._special import CpuSpecial

# PyTorch computes 1/0 = inf and 0/0 = nan silently; so does ember.
np.seterr(all="ignore")


class CpuBackend:
    """Array namespace and device moves for NumPy."""

    xp = np
    special = CpuSpecial()
    array_type = np.ndarray
    name = "cpu"

    @staticmethod
    def device_of(array):
        return CPU

    @staticmethod
    def to_host(array):
        return array

    @staticmethod
    def from_host(array, dev):
        return np.asarray(array)

    @staticmethod
    def data_ptr(array) -> int:
        return array.__array_interface__["data"][0]


CPU_BACKEND = CpuBackend()
