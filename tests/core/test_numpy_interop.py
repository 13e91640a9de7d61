"""``from_numpy`` takes any ndarray subclass (``np.memmap`` slices included) and shares its
memory, as torch does; ``Tensor.is_inference`` is a method, as torch's."""

from __future__ import annotations

import numpy as np
import torch

import ember


def _memmap(tmp_path):
    m = np.memmap(tmp_path / "data.bin", dtype=np.float32, mode="w+", shape=(4, 3))
    m[:] = np.arange(12, dtype=np.float32).reshape(4, 3)
    return m


def test_from_numpy_on_a_memmap_slice_computes_and_shares_memory(tmp_path):
    m = _memmap(tmp_path)
    results = []
    for lib in (ember, torch):
        t = lib.from_numpy(m[1:3])
        results.append(((t * 2).sum(0).tolist(), t.dtype is lib.float32))
    assert results[0] == results[1]
    ember.from_numpy(m[1:3]).add_(100)
    assert m[1, 0] == 103.0


class _Tagged(np.ndarray):
    """A user's ndarray subclass."""


def test_from_numpy_on_any_ndarray_subclass():
    a = np.eye(2, dtype=np.float64).view(_Tagged)
    assert (ember.from_numpy(a) + 1).tolist() == (torch.from_numpy(a) + 1).tolist()


def test_is_inference_is_a_method():
    assert ember.ones(2).is_inference() is torch.ones(2).is_inference()
    with ember.inference_mode():
        assert ember.ones(2).is_inference() is False
