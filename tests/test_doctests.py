"""The examples in ember's docstrings run, and show what they say (``doctest``).

Every module of the package with a ``>>>`` example is collected, so a new example is checked as
soon as it is written. A failing example is corrected, never deleted or skipped.
"""

from __future__ import annotations

import doctest
import importlib
import pathlib

import pytest

import ember

ROOT = pathlib.Path(ember.__file__).parent


def _modules_with_examples() -> list[str]:
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        if ">>>" in path.read_text():
            parts = path.relative_to(ROOT.parent).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_examples_are_found():
    assert len(_modules_with_examples()) > 10


@pytest.mark.parametrize("module", _modules_with_examples())
def test_docstring_examples(module):
    mod = importlib.import_module(module)
    state = ember.get_rng_state()
    try:
        result = doctest.testmod(
            mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=False
        )
    finally:
        ember.set_rng_state(state)  # examples may seed or draw; later tests see no difference
    assert result.attempted > 0, f"{module} has '>>>' but no example doctest runs"
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module} fail (see above)"
