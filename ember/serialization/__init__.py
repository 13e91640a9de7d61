"""Saving and loading: PyTorch's checkpoint format (both ways) and safetensors.

``save``/``load`` are ``torch.save``/``torch.load``: ``save`` writes PyTorch's zip checkpoint
(``torch.load`` reads it) atomically, and ``load`` reads zip and legacy checkpoints written by
``torch.save`` or ``ember.save`` through a restricted unpickler that never imports or calls
anything outside an exact allowlist (which a program may extend with ``add_safe_globals`` /
``safe_globals``, as in PyTorch). ``save_file``/``load_file``/``safe_open`` (and ``save``/
``load`` on bytes, in :mod:`ember.serialization.safetensors`) handle the safetensors format.
"""

from __future__ import annotations

from . import safetensors
from ._load import load
from ._safe_globals import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._save import save
from .safetensors import SafetensorError, load_file, safe_open, save_file

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
