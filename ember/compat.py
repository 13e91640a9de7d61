"""Run PyTorch programs unchanged: ``torch``, ``torchvision`` and ``torchtext`` resolve to ember.

``install()`` puts an import hook first on ``sys.meta_path`` so that ``import torch``,
``import torch.nn.functional as F`` and ``from torch.utils.data import DataLoader`` give ember's own
module objects (``torch.nn is ember.nn``); ``torchvision`` maps to ``ember.vision`` and
``torchtext`` to ``ember.text``. ``python -m ember.run script.py`` calls it before running the
script; call it yourself in a notebook or a test runner, before anything imports the real torch::

    import ember.compat

    ember.compat.install()  # from here on, `import torch` gives ember: torch.nn is ember.nn

Under the alias ember names itself ``torch`` where a program can see it: ``torch.Size([2, 3])``,
``torch.float32``, and ``torch.save`` pickles naming ``torch.nn.modules.linear.Linear``, so real
torch reads them back. A name ember lacks fails with one line naming it, ``ember does not
implement torch.fft.hfftn yet``, as an ``AttributeError`` (or ``ModuleNotFoundError`` for a module),
so ``hasattr`` and ``try: import ... except ImportError`` behave as with torch.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types

__all__ = ["install", "uninstall", "installed", "torch_name", "ember_name", "public_path"]

# torch's top-level package name -> ember's package that stands in for it
ALIASES = {"torch": "ember", "torchvision": "ember.vision", "torchtext": "ember.text"}

_state = {"finder": None}


def torch_name(ember_module: str) -> str:
    """The torch-side name of an ember module: ``ember.nn.modules.linear`` -> ``torch.nn....``."""
    for alias, target in sorted(ALIASES.items(), key=lambda kv: -len(kv[1])):
        if ember_module == target or ember_module.startswith(target + "."):
            return alias + ember_module[len(target) :]
    return ember_module


def ember_name(torch_module: str) -> str | None:
    """The ember module that stands in for a torch-side module name, or None if not aliased."""
    head, _, rest = torch_module.partition(".")
    target = ALIASES.get(head)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target


# ember namespaces with no torch counterpart of the same name (torch.ops is something else)
_EMBER_ONLY = ("ember.ops",)


def public_path(obj) -> tuple[str, str]:
    """Where torch keeps ``obj`` (an ember class or function): ``(module, qualname)``, torch-named.

    ember's file layout follows torch's where torch's internal path is public knowledge
    (``torch.nn.modules.linear.Linear``); where ember keeps a name in a private file
    (``ember.ops.pointwise.exp``, ``ember._tensor.Tensor``) it is found in the nearest public
    namespace holding it (``torch.exp``, ``torch.Tensor``). Pickles name this path.
    """
    module, name = obj.__module__, obj.__qualname__
    parts = module.split(".")
    candidates = [".".join(parts[:n]) for n in range(len(parts), 0, -1)]
    public = [
        c
        for c in candidates
        if not any(p.startswith("_") for p in c.split(".")) and not c.startswith(_EMBER_ONLY)
    ]
    if isinstance(obj, type):
        if public and public[0] == module:
            return torch_name(module), name
        homes = [*public, "ember"]
    else:  # torch's functions mostly live in C modules: the namespace users call them from
        homes = ["ember", "ember.nn.functional", "ember.nn.init", *public]
    for home in homes:
        namespace = sys.modules.get(home)
        if namespace is not None and getattr(namespace, obj.__name__, None) is obj:
            return torch_name(home), obj.__name__
    return torch_name(module), name


def not_implemented_message(torch_qualified_name: str) -> str:
    return f"ember does not implement {torch_qualified_name} yet"


def _existing(target: str):
    """The module ``target`` if it is already loaded, or a module object its parent holds under
    that name (``ember.backends.cudnn``: made in code, with no file); else None."""
    module = sys.modules.get(target)
    if module is None:
        parent, _, child = target.rpartition(".")
        found = getattr(sys.modules.get(parent), child, None)
        module = found if isinstance(found, types.ModuleType) else None
    return module


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec):
        return _existing(self.target) or importlib.import_module(self.target)

    def exec_module(self, module):
        _guard_attributes(module)


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch...`` names as the ember modules that stand in for them."""

    def find_spec(self, fullname, path=None, target=None):
        mapped = ember_name(fullname)
        if mapped is None:
            return None
        module = _existing(mapped)
        if module is not None:
            is_package = hasattr(module, "__path__")
        else:
            spec = importlib.util.find_spec(mapped)
            if spec is None:
                raise ModuleNotFoundError(not_implemented_message(fullname), name=fullname)
            is_package = spec.submodule_search_locations is not None
        return importlib.util.spec_from_loader(
            fullname, _AliasLoader(mapped), is_package=is_package
        )


def _guard_attributes(module: types.ModuleType) -> None:
    """Give ``module`` a ``__getattr__`` whose AttributeError names the missing torch name."""
    if getattr(module, "_ember_compat_guarded", False):
        return
    previous = module.__dict__.get("__getattr__")
    qualified = torch_name(module.__name__)

    def __getattr__(name):
        if previous is not None:
            try:
                return previous(name)
            except AttributeError:
                pass
        if name.startswith("__"):
            raise AttributeError(f"module {qualified!r} has no attribute {name!r}")
        raise AttributeError(not_implemented_message(f"{qualified}.{name}"))

    module.__getattr__ = __getattr__
    module._ember_compat_guarded = True
    module._ember_compat_previous_getattr = previous


def _unguard_attributes(module: types.ModuleType) -> None:
    if not getattr(module, "_ember_compat_guarded", False):
        return
    previous = module.__dict__.pop("_ember_compat_previous_getattr", None)
    if previous is None:
        module.__dict__.pop("__getattr__", None)
    else:
        module.__getattr__ = previous
    del module._ember_compat_guarded


def installed() -> bool:
    """Whether the torch alias is active."""
    return _state["finder"] is not None


def install() -> None:
    """Make ``import torch`` (and torchvision, torchtext) give ember's modules in this process.

    Raises ``RuntimeError`` if the real torch is already imported: two libraries cannot answer to
    one name. Calling it twice is harmless; ``uninstall()`` undoes it.
    """
    if installed():
        return
    for alias in ALIASES:
        present = sys.modules.get(alias)
        if present is not None and not getattr(present, "__name__", "").startswith("ember"):
            raise RuntimeError(
                f"ember.compat.install(): the real {alias} is already imported in this process; "
                "install the alias before anything imports it"
            )
    import ember

    finder = _AliasFinder()
    sys.meta_path.insert(0, finder)
    _state["finder"] = finder
    ember._naming.set_public_name("torch")
    for alias in ALIASES:
        try:
            module = importlib.import_module(alias)
        except ModuleNotFoundError:  # ember.vision / ember.text not built yet
            continue
        sys.modules[alias] = module
    for name, module in list(sys.modules.items()):
        if name == "ember" or name.startswith("ember."):
            _guard_attributes(module)


def uninstall() -> None:
    """Undo ``install()``: ``torch`` names leave ``sys.modules`` and ember names itself again."""
    finder = _state["finder"]
    if finder is None:
        return
    sys.meta_path.remove(finder)
    _state["finder"] = None
    import ember

    ember._naming.set_public_name("ember")
    for name in list(sys.modules):
        if ember_name(name) is not None:
            del sys.modules[name]
    for name, module in list(sys.modules.items()):
        if name == "ember" or name.startswith("ember."):
            _unguard_attributes(module)
