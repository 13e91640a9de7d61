"""The backend contract (ember/_backend/base.py), checked on the CPU."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import ember
from ember import _backend
from ember._backend import Backend


def test_cpu_backend_fulfils_the_contract():
    b = _backend.backend_for("cpu")
    assert isinstance(b, Backend)
    assert b.name == "cpu" and b.xp is np and b.array_type is np.ndarray
    x = np.arange(6.0).reshape(2, 3)
    assert _backend.backend_of(x) is b
    assert _backend.device_of(x) == ember.device("cpu")
    assert b.to_host(x) is x
    assert b.data_ptr(x[1]) == b.data_ptr(x) + 3 * x.itemsize
    for name in ("erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma"):
        assert callable(getattr(b.special, name))
    assert _backend.special_of(np) is b.special
    assert _backend.generator_for("cpu") is ember.default_generator


def test_a_backend_missing_a_method_cannot_be_made():
    class Half(Backend):
        name, xp, special, array_type = "half", np, None, np.ndarray

        def device_of(self, array):
            return ember.device("cpu")

    with pytest.raises(TypeError, match="abstract"):
        Half()


def test_caches_are_per_device_and_key_and_workspaces_per_thread():
    x = np.zeros(3)
    cache = _backend.cache_of(x, "test.cache")
    assert cache is _backend.cache_of(np.ones(5), "test.cache")
    assert cache is _backend.backend_for("cpu").cache(ember.device("cpu"), "test.cache")
    assert cache is not _backend.cache_of(x, "test.other")
    mine = _backend.workspace_of(x, "test.ws")
    assert mine is _backend.workspace_of(x, "test.ws")
    seen = []
    t = threading.Thread(target=lambda: seen.append(_backend.workspace_of(x, "test.ws")))
    t.start()
    t.join()
    assert seen[0] is not mine
