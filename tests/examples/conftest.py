"""Fixtures for the example scripts' tests: load ``examples/<name>.py`` as a module."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from threadpoolctl import threadpool_limits

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def load_example(monkeypatch):
    """``load_example("mnist")``: the script as a module, ``examples/`` on ``sys.path`` (the
    scripts import their shared helpers as ``_common``, as they do when run as scripts).

    BLAS runs one thread meanwhile: the suite runs two pytest workers on two cores, and two
    threads each made these small GEMMs several times slower, not faster."""
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def load(name):
        spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    with threadpool_limits(limits=1):
        yield load
    sys.modules.pop("_common", None)
