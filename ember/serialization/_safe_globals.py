"""Globals the user explicitly trusts (``torch.serialization.add_safe_globals`` and friends).

ember.load never resolves a global on its own beyond its fixed allowlist. These functions let a
program name extra classes or functions it trusts (its own config dataclass, say); they are then
resolved by exact name, may be called by REDUCE, created by NEWOBJ and restored by BUILD, as in
PyTorch's ``weights_only`` loader.
"""

from __future__ import annotations

import contextlib

_USER: dict[tuple[str, str], object] = {}


def _key(entry) -> tuple[tuple[str, str], object]:
    if isinstance(entry, tuple):
        obj, name = entry
        if not isinstance(name, str) or "." not in name:
            raise ValueError(f"expected (object, 'module.name'), got {entry!r}")
        module, _, qualname = name.rpartition(".")
        return (module, qualname), obj
    module = getattr(entry, "__module__", None)
    qualname = getattr(entry, "__qualname__", None)
    if not isinstance(module, str) or not isinstance(qualname, str):
        raise TypeError(f"{entry!r} has no __module__/__qualname__; pass (object, 'module.name')")
    return (module, qualname), entry


def add_safe_globals(safe_globals: list) -> None:
    """Trust these classes/functions (or ``(object, "module.name")`` pairs) in ``load``."""
    for entry in safe_globals:
        key, obj = _key(entry)
        _USER[key] = obj


def get_safe_globals() -> list:
    """The user-trusted globals, as ``add_safe_globals`` would take them."""
    return [(obj, f"{module}.{name}") for (module, name), obj in _USER.items()]


def clear_safe_globals() -> None:
    """Forget every user-trusted global."""
    _USER.clear()


@contextlib.contextmanager
def safe_globals(safe_globals: list):
    """Trust these globals only inside the ``with`` block."""
    saved = dict(_USER)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _USER.clear()
        _USER.update(saved)


def lookup(module: str, name: str):
    """The trusted object for ``module.name``, or None."""
    return _USER.get((module, name))


def is_trusted(obj) -> bool:
    """Whether ``obj`` itself was added by the user (identity, not name)."""
    return any(obj is value for value in _USER.values())
