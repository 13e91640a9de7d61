"""What ``load(weights_only=False)`` admits beyond the allowlist: whole models.

``torch.save(model)`` pickles the model's classes by name (``torch.nn.modules.linear.Linear``,
``__main__.Net``, ``model.RNNModel``). With ``weights_only=False`` ember finds those names as
``torch.load`` does: ``torch...`` names are ember's stand-ins, any other module is imported (it
is the program's own code, on its ``sys.path``). What it then does is narrower than pickle: it
admits only subclasses of ``nn.Module``, creates them with ``cls.__new__`` and restores them
with their class's own ``__setstate__``; functions ember defines (a layer's ``activation=F.relu``)
are admitted as values. It never calls anything a file names, so ``os.system`` and friends are
refused whatever the mode.
"""

from __future__ import annotations

import importlib
import sys
import types

from .. import compat
from ..nn.modules.module import Module


def resolve(module: str, name: str):
    """The class or function ``module.name`` names in a whole-model pickle, or None."""
    target = compat.ember_name(module) or module
    try:
        found = sys.modules.get(target) or importlib.import_module(target)
        for part in name.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    if is_module_class(found) or _is_ember_function(found):
        return found
    return None


def is_module_class(obj) -> bool:
    """Whether ``obj`` is an ``nn.Module`` subclass (what a whole-model pickle may build)."""
    return isinstance(obj, type) and issubclass(obj, Module)


def _is_ember_function(obj) -> bool:
    return isinstance(obj, types.FunctionType) and obj.__module__.startswith("ember.")
