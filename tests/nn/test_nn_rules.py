"""Standing rules of ``ember.nn``: it computes only through ember ops and public names.

1. No module under ``ember/nn`` touches a tensor's private state (``._data``, the version
   counter, ...): array work happens in an op, a primitive or a named kernel of ``ember.ops``,
   the one choke point that a graph compiler and a new backend see.
2. No module under ``ember/nn`` uses an ``_``-prefixed name of another ember module, neither
   imported (``from ...ops.activations import _cname``) nor reached through a module
   (``A._cname``). The one exception is a primitive (an ``Op`` of ``ember.ops.prims``): the
   derivative table names its ops with a leading underscore, and calling one *is* computing
   through ember ops. Private modules themselves (``ember._tensor``, ``ember._dtype``) are
   where public names live and may be imported.

3. ``ember.nn.functional`` is the public face only: its ``__all__`` is exactly the names of
   ``torch.nn.functional`` that ember implements, and it defines nothing else.

``PENDING`` lists what still breaks a rule because the fix belongs to a module outside nn; each
entry says what removes it. It may only shrink.
"""

from __future__ import annotations
import __future__

import ast
import importlib
import importlib.util
import inspect
import types
from pathlib import Path

import torch.nn.functional as TF

import ember
import ember.nn.functional as F
from ember.ops._registry import Op

ROOT = Path(ember.__file__).resolve().parent.parent
NN = ROOT / "ember" / "nn"

# A tensor's private state, as its slots name it.
TENSOR_PRIVATE = {s for s in ember.Tensor.__slots__ if s.startswith("_") and not s.startswith("__")}

# (file, what) -> why it is still there and what removes it.
PENDING: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source_module(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".")
    if not is_package:
        package = package[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _outside_nn(module: str) -> bool:
    inside = module == "ember.nn" or module.startswith("ember.nn.")
    return module.startswith("ember.") and not inside


def _private_use_allowed(module: str, name: str) -> bool:
    """A primitive of the derivative table may be called by its ``_`` name."""
    value = getattr(importlib.import_module(module), name, None)
    return isinstance(value, Op)


def violations(path: Path, module: str | None = None) -> list[tuple[int, str]]:
    """``(line, what)`` for every use of a tensor's private state or another module's private
    name in the file at ``path`` (the module ``module``, by default the one the path names)."""
    module = module or _module_name(path)
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    module_aliases: dict[str, str] = {}  # local name -> ember module outside nn
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _source_module(module, path.name == "__init__.py", node)
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if not _outside_nn(full):
                    continue
                if _is_module(full):
                    module_aliases[alias.asname or alias.name] = full
                elif alias.name.startswith("_") and not _private_use_allowed(source, alias.name):
                    found.append((node.lineno, f"from {source} import {alias.name}"))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and _outside_nn(alias.name):
                    module_aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr in TENSOR_PRIVATE:
                found.append((node.lineno, f".{node.attr}"))
            elif (
                node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in module_aliases
                and not _private_use_allowed(module_aliases[node.value.id], node.attr)
            ):
                found.append((node.lineno, f"{module_aliases[node.value.id]}.{node.attr}"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "hasattr", "setattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in TENSOR_PRIVATE
        ):
            found.append((node.lineno, f".{node.args[1].value}"))
    return sorted(found)


def _all_violations() -> dict[tuple[str, str], list[int]]:
    out: dict[tuple[str, str], list[int]] = {}
    for path in sorted(NN.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, what in violations(path):
            out.setdefault((rel, what), []).append(line)
    return out


def test_nn_computes_only_through_ops_and_public_names():
    new = {
        f"{rel}:{lines[0]}: {what}"
        for (rel, what), lines in _all_violations().items()
        if (rel, what) not in PENDING
    }
    assert not new, (
        "ember/nn must compute through ember ops (a public function, a primitive or a named "
        "kernel of ember.ops) and use only public names of other modules:\n  "
        + "\n  ".join(sorted(new))
    )


def test_pending_list_only_shrinks():
    current = _all_violations()
    fixed = [f"{rel}: {what}" for rel, what in PENDING if (rel, what) not in current]
    assert not fixed, f"fixed, so drop from PENDING: {fixed}"


def test_the_scan_sees_each_kind_of_breach(tmp_path):
    """The scanner itself: each kind of breach in a module of ember.nn is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ..ops.activations import apply, _cname\n"
        "from ..ops.prims import shape as S\n"
        "from .._tensor import Tensor, _wrap\n"
        "from . import functional as F\n"
        "def f(t):\n"
        "    hasattr(t, '_data')\n"
        "    F._reduction\n"
        "    S._cat\n"
        "    S.ufunc_at\n"
        "    return t._data, t._version_counter, _wrap, S._not_a_prim\n"
    )
    found = {what for _, what in violations(probe, "ember.nn.probe")}
    assert found == {
        "from ember.ops.activations import _cname",
        "from ember._tensor import _wrap",
        "._data",
        "._version_counter",
        "ember.ops.prims.shape._not_a_prim",
    }


def test_functional_all_is_exactly_torchs_names_that_ember_implements():
    torch_functions = {
        n for n in dir(TF) if not n.startswith("_") and inspect.isroutine(getattr(TF, n))
    }
    assert len(F.__all__) == len(set(F.__all__)), "a name is listed twice"
    assert set(F.__all__) == {n for n in torch_functions if hasattr(F, n)}


def test_functional_defines_nothing_but_its_all():
    public = {
        n
        for n, v in vars(F).items()
        if not n.startswith("_") and not isinstance(v, (types.ModuleType, __future__._Feature))
    }
    assert public == set(F.__all__), sorted(public ^ set(F.__all__))
