"""Shared fixtures: the real-data folder, and fixed seeds for every test."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import ember

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir() -> Path:
    """The shared real-data folder (EMBER_DATA, default ../shared/data); skips if absent."""
    root = Path(os.environ.get("EMBER_DATA", REPO.parent / "shared" / "data"))
    if not root.is_dir():
        pytest.skip(f"real data folder {root} not found (set EMBER_DATA)")
    return root


@pytest.fixture(autouse=True)
def _seed():
    ember.manual_seed(0)
    np.random.seed(0)
    yield
    ember.set_default_dtype(ember.float32)
    ember.set_grad_enabled(True)


def pytest_collection_modifyitems(config, items):
    try:
        import cupy  # noqa: F401

        has_gpu = cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        has_gpu = False
    skip = pytest.mark.skip(reason="needs CuPy and a CUDA device")
    for item in items:
        if "gpu" in item.keywords and not has_gpu:
            item.add_marker(skip)
