"""Saving and loading: PyTorch's checkpoint format (both ways) and safetensors.

``save``/``load`` are ``torch.save``/``torch.load``: ``save`` writes PyTorch's zip checkpoint
(``torch.load`` reads it) atomically, and ``load`` reads zip and legacy checkpoints written by
``torch.save`` or ``ember.save`` through a restricted unpickler: by default it never imports
or calls anything outside an exact allowlist (which a program may extend with
``add_safe_globals`` / ``safe_globals``, as in PyTorch); ``weights_only=False`` also rebuilds
whole models (see ``load``). ``save_file``/``load_file``/``safe_open`` (and ``save``/``load`` on
bytes, in :mod:`ember.serialization.safetensors`, imported on first use) handle safetensors.
"""

from __future__ import annotations

from ._load import load
from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._save import save

__all__ = [
    "SafetensorError",
    "add_safe_globals",
    "clear_safe_globals",
    "get_safe_globals",
    "load",
    "load_file",
    "safe_globals",
    "safe_open",
    "safetensors",
    "save",
    "save_file",
]

_SAFETENSORS = frozenset({"SafetensorError", "load_file", "safe_open", "save_file", "safetensors"})


def __getattr__(name):
    if name in _SAFETENSORS:
        import importlib

        module = importlib.import_module(f"{__name__}.safetensors")
        return module if name == "safetensors" else getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
