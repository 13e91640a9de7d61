"""The optimizers' rule: their array work goes through ``ember/optim/_kernels.py``.

Every file of ``ember/optim`` other than ``_kernels.py`` reaches a tensor's memory only through
the kernels (``array_of``, ``mark_modified``, ...), never through ``._data`` or the version
counter, and imports no underscore-prefixed name from a sibling module of ``ember.optim``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import ember.optim

OPTIM = Path(ember.optim.__file__).parent
KERNELS = OPTIM / "_kernels.py"
FILES = sorted(p for p in OPTIM.glob("*.py") if p != KERNELS)
PRIVATE_STORAGE = re.compile(r"\._data\b|\._version_counter\b")


def storage_accesses(source: str) -> list[str]:
    """Lines that reach a tensor's array or version counter directly."""
    return [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(source.splitlines(), 1)
        if PRIVATE_STORAGE.search(line)
    ]


def private_sibling_imports(source: str) -> list[str]:
    """Underscore-prefixed names imported from ``ember.optim``'s own modules."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom):
            continue
        module = node.module or ""
        sibling = node.level == 1 or (node.level == 0 and module.startswith("ember.optim"))
        if not sibling:
            continue
        for alias in node.names:
            if alias.name.startswith("_"):
                found.append(f"line {node.lineno}: {alias.name} from {'.' * node.level}{module}")
    return found


def test_the_scan_covers_the_optimizers():
    names = {p.name for p in FILES}
    assert {"optimizer.py", "sgd.py", "adam.py", "lbfgs.py", "swa_utils.py"} <= names
    assert KERNELS.exists()


def test_the_checks_catch_what_they_forbid():
    # the rule checks themselves, on snippets that break the rule
    assert storage_accesses("buf = state['exp_avg']._data\n")
    assert storage_accesses("p._version_counter.v += 1\n")
    assert not storage_accesses("buf = array_of(state['exp_avg'])\n")
    assert private_sibling_imports("from .optimizer import Optimizer, _value\n")
    assert private_sibling_imports("from ._kernels import _add\n")
    assert private_sibling_imports("from ember.optim.optimizer import _s\n")
    assert not private_sibling_imports("from ._kernels import add_, lerp_\n")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_direct_storage_access(path):
    found = storage_accesses(path.read_text())
    assert not found, f"{path.name} touches tensor storage outside _kernels.py: {found}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_private_names_from_sibling_modules(path):
    found = private_sibling_imports(path.read_text())
    assert not found, f"{path.name} imports private helpers of ember.optim modules: {found}"
