"""The public namespace is exactly the intended one.

Every public name of ember's torch-like namespaces (and every public attribute of ``Tensor``) is
also a public name of torch's counterpart, apart from the short list of deliberate ember extras
below. A helper imported into a public module (``cast``, ``promote2``, ``wrap_dim``, a
``typing`` name, ...) shows up here as a leak: make it private (``import x as _x``) or keep it
out of the star import with ``__all__``; do not list it as an extra.
"""

import __future__

import ast
import importlib
import inspect
import pathlib
import types

import pytest
import torch

import ember

ROOT = pathlib.Path(ember.__file__).parent

NAMESPACES = [
    ("ember", "torch"),
    ("ember.nn", "torch.nn"),
    ("ember.nn.functional", "torch.nn.functional"),
    ("ember.linalg", "torch.linalg"),
    ("ember.special", "torch.special"),
    ("ember.optim", "torch.optim"),
    ("ember.utils.data", "torch.utils.data"),
]

# Deliberate ember additions that torch's namespace lacks: name -> why. Keep this short.
EXTRAS: dict[str, dict[str, str]] = {
    "ember": {},
    "ember.Tensor": {},
}


def _public(obj) -> list[str]:
    """The public names of a module or class: not ``_``-prefixed, not a submodule, not the
    ``__future__`` feature a ``from __future__ import`` leaves behind (a compiler directive)."""
    names = []
    for name in dir(obj):
        if name.startswith("_"):
            continue
        value = inspect.getattr_static(obj, name, None)
        if isinstance(value, (types.ModuleType, __future__._Feature)):
            continue
        names.append(name)
    return names


def _has(obj, name) -> bool:
    return name in dir(obj) or hasattr(obj, name)


@pytest.mark.parametrize(("ember_name", "torch_name"), NAMESPACES)
def test_every_public_name_is_torchs(ember_name, torch_name):
    em, tm = importlib.import_module(ember_name), importlib.import_module(torch_name)
    extras = EXTRAS.get(ember_name, {})
    leaked = [n for n in _public(em) if n not in extras and not _has(tm, n)]
    assert not leaked, f"{ember_name} exports names {torch_name} does not have: {leaked}"


def test_every_public_tensor_attribute_is_torchs():
    extras = EXTRAS["ember.Tensor"]
    leaked = [n for n in _public(ember.Tensor) if n not in extras and not _has(torch.Tensor, n)]
    assert not leaked, f"ember.Tensor has public attributes torch.Tensor lacks: {leaked}"


@pytest.mark.parametrize("ember_name", [e for e, _ in NAMESPACES])
def test_exported_functions_and_classes_are_embers_own(ember_name):
    """A name torch happens to leak too (``Callable``, ``Sequence``) is still not ember's API."""
    em = importlib.import_module(ember_name)
    foreign = []
    for name in _public(em):
        value = getattr(em, name)
        if inspect.isclass(value) or inspect.isroutine(value):
            module = getattr(value, "__module__", None) or ""
            if module != "ember" and not module.startswith("ember."):
                foreign.append(f"{name} (from {module})")
    assert not foreign, f"{ember_name} re-exports what is not ember's: {foreign}"


def test_extras_are_real_extras():
    """Each listed extra exists in ember and is still missing from torch: the list stays true."""
    targets = dict(NAMESPACES)
    for ember_name, extras in EXTRAS.items():
        if ember_name == "ember.Tensor":
            em, tm = ember.Tensor, torch.Tensor
        else:
            em = importlib.import_module(ember_name)
            tm = importlib.import_module(targets[ember_name])
        for name, why in extras.items():
            assert why, f"{ember_name}.{name}: say why it is an extra"
            assert _has(em, name), f"{ember_name}.{name} is listed as an extra but does not exist"
            assert not _has(tm, name), f"{ember_name}.{name} is torch's too: drop it from EXTRAS"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _star_imported() -> set[str]:
    """Every module that some ember module imports with ``from ... import *``."""
    found = set()
    for path in ROOT.rglob("*.py"):
        package = _module_name(path)
        if path.name != "__init__.py":
            package = package.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
                found.add(name if node.level else node.module)
    return found


def test_star_imported_modules_declare_all():
    """A star import without ``__all__`` re-exports every helper the module imported."""
    missing = sorted(m for m in _star_imported() if "__all__" not in vars(_import(m)))
    assert not missing, f"star-imported without __all__: {missing}"


def _import(name):
    return importlib.import_module(name)


# Packages whose __init__ only gathers submodules (their names are checked against torch above).
GATHERING_PACKAGES = {"ember", "ember.nn", "ember.ops", "ember.utils"}


def _public_modules() -> list[str]:
    """ember's public modules: no ``_``-prefixed part in the dotted name. The primitives
    (``ember.ops.prims``) are the derivative table, whose ops are all ``_``-named and reached
    by ``ember.ops`` only, so they are not a namespace anyone star-imports."""
    names = []
    for path in sorted(ROOT.rglob("*.py")):
        name = _module_name(path)
        if any(p.startswith("_") for p in name.split(".")) or name.startswith("ember.ops.prims"):
            continue
        if name not in GATHERING_PACKAGES:
            names.append(name)
    return names


@pytest.mark.parametrize("module", _public_modules())
def test_public_module_declares_all(module):
    """``__all__`` everywhere: each public module says what it exports, and means it."""
    mod = _import(module)
    if "__all__" not in vars(mod):
        pytest.fail(f"{module} has no __all__")
    absent = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not absent, f"{module}.__all__ names what it does not define: {absent}"
    private = [n for n in mod.__all__ if n.startswith("_")]
    assert not private, f"{module}.__all__ exports private names: {private}"
