"""How much of torch's public API ember has, and an honest list of what it leaves out.

``tests/test_public_namespace.py`` checks one direction: every name ember exports is torch's.
This module checks the other: every public name of torch's user-facing modules (listed in
:data:`NAMESPACES`) is either implemented by ember's counterpart or listed, with a reason, in
``tests/torch_coverage_exclusions.py``. The list stays true both ways:

- a torch name neither implemented nor excluded fails (implement it, or exclude it and say why);
- an excluded name that ember has (or that torch no longer has) fails: drop it from the list.

What counts as a torch name: ``dir(module)`` without ``_``-prefixed names, submodules, and the
helpers a module merely imported from outside torch (``Callable``, ``functools.partial``,
``typing.cast``, a ``from __future__`` feature). Whatever else torch leaks (a re-exported
``Tensor``, docstring templates) is excluded in the list, under its own reason.

``python bench/torch_coverage.py`` prints the same numbers as a table.
"""

from __future__ import annotations
import __future__

import dataclasses
import importlib
import inspect
import types

import pytest
import torch

import ember

from .torch_coverage_exclusions import EXCLUDED, IN_PROGRESS

# torch module -> its ember counterpart ("torch.Tensor" is the class's methods and attributes)
NAMESPACES = {
    "torch": "ember",
    "torch.Tensor": "ember.Tensor",
    "torch.nn": "ember.nn",
    "torch.nn.functional": "ember.nn.functional",
    "torch.nn.init": "ember.nn.init",
    "torch.nn.utils": "ember.nn.utils",
    "torch.linalg": "ember.linalg",
    "torch.special": "ember.special",
    "torch.fft": "ember.fft",
    "torch.optim": "ember.optim",
    "torch.optim.lr_scheduler": "ember.optim.lr_scheduler",
    "torch.utils.data": "ember.utils.data",
    "torch.autograd": "ember.autograd",
    "torch.distributions": "ember.distributions",
    "torch.func": "ember.func",
    "torch.cuda": "ember.cuda",
}

# torch.cuda is mostly driver and allocator plumbing; these are the calls programs make.
_CUDA_CALLS = """
    is_available device_count current_device set_device device device_of synchronize
    get_device_name get_device_capability get_device_properties get_arch_list is_initialized init
    is_bf16_supported empty_cache mem_get_info memory_allocated max_memory_allocated
    memory_reserved max_memory_reserved reset_peak_memory_stats reset_max_memory_allocated
    memory_stats memory_summary manual_seed manual_seed_all seed seed_all initial_seed
    get_rng_state set_rng_state get_rng_state_all set_rng_state_all Stream Event stream
    current_stream default_stream OutOfMemoryError
"""
CUDA_SUBSET = frozenset(_CUDA_CALLS.split())

# helpers a torch module imported from these places are not torch's API
_FOREIGN_HELPERS = ("typing", "typing_extensions", "collections", "functools", "weakref")


def _resolve(dotted: str):
    """The module or class named ``dotted``; ``None`` if it does not exist (yet)."""
    if dotted in ("torch.Tensor", "ember.Tensor"):
        return torch.Tensor if dotted.startswith("torch") else ember.Tensor
    try:
        return importlib.import_module(dotted)
    except ImportError:
        return None


def _is_torch_api(value) -> bool:
    if isinstance(value, (types.ModuleType, __future__._Feature)):
        return False
    module = getattr(value, "__module__", None)
    helper = inspect.isclass(value) or inspect.isroutine(value) or module in _FOREIGN_HELPERS
    return not (helper and isinstance(module, str) and not module.startswith("torch"))


def torch_names(namespace: str) -> list[str]:
    """The public names of the torch module ``namespace``, as this module counts them."""
    obj = _resolve(namespace)
    names = []
    for name in dir(obj):
        if name.startswith("_"):
            continue
        if namespace == "torch.cuda" and name not in CUDA_SUBSET:
            continue
        value = inspect.getattr_static(obj, name, None)
        if namespace == "torch.Tensor" or _is_torch_api(value):
            names.append(name)
    return sorted(names)


def ember_has(ember_obj, name: str) -> bool:
    if ember_obj is None:
        return False
    try:
        return hasattr(ember_obj, name)
    except Exception:  # noqa: BLE001 - a lazy attribute that fails to import is not there
        return False


@dataclasses.dataclass
class Coverage:
    namespace: str
    total: int
    implemented: list[str]
    excluded: list[str]
    in_progress: list[str]
    missing: list[str]  # neither implemented nor listed: the test fails on these
    stale: list[str]  # listed, but ember has it or torch does not: the test fails on these


def coverage(namespace: str) -> Coverage:
    names = torch_names(namespace)
    em = _resolve(NAMESPACES[namespace])
    excluded, progress = EXCLUDED.get(namespace, {}), IN_PROGRESS.get(namespace, {})
    have = [n for n in names if ember_has(em, n)]
    listed = set(excluded) | set(progress)
    missing = [n for n in names if n not in listed and not ember_has(em, n)]
    known = set(names)
    stale = sorted(n for n in listed if ember_has(em, n) or n not in known)
    return Coverage(
        namespace,
        len(names),
        have,
        sorted(n for n in excluded if n in known and n not in have),
        sorted(n for n in progress if n in known and n not in have),
        missing,
        stale,
    )


@pytest.mark.parametrize("namespace", list(NAMESPACES))
def test_every_torch_name_is_implemented_or_excluded(namespace):
    cov = coverage(namespace)
    assert not cov.missing, (
        f"{namespace}: {len(cov.missing)} public names are neither in "
        f"{NAMESPACES[namespace]} nor in tests/torch_coverage_exclusions.py: {cov.missing}"
    )


@pytest.mark.parametrize("namespace", list(NAMESPACES))
def test_no_stale_exclusions(namespace):
    cov = coverage(namespace)
    em = _resolve(NAMESPACES[namespace])
    landed = [n for n in cov.stale if ember_has(em, n)]
    assert not landed, (
        f"{namespace}: excluded in tests/torch_coverage_exclusions.py but implemented by "
        f"{NAMESPACES[namespace]} (remove them from the list): {landed}"
    )
    gone = [n for n in cov.stale if n not in landed]
    assert not gone, f"{namespace}: excluded names torch does not have: {gone}"


def test_exclusions_say_why_and_are_listed_once():
    assert set(EXCLUDED) | set(IN_PROGRESS) <= set(NAMESPACES)
    for table in (EXCLUDED, IN_PROGRESS):
        for namespace, names in table.items():
            blank = [n for n, why in names.items() if not why.strip()]
            assert not blank, f"{namespace}: excluded without a reason: {blank}"
    for namespace in NAMESPACES:
        both = set(EXCLUDED.get(namespace, {})) & set(IN_PROGRESS.get(namespace, {}))
        assert not both, f"{namespace}: both excluded and in progress: {sorted(both)}"


def test_the_count_sees_what_it_should():
    """The filter keeps torch's own names and drops its imported helpers (the test can fail)."""
    assert "matmul" in torch_names("torch") and "Linear" in torch_names("torch.nn")
    assert "Callable" not in torch_names("torch.nn.functional")
    assert "partial" not in torch_names("torch.optim.lr_scheduler")
    assert "annotations" not in torch_names("torch.optim.lr_scheduler")
    assert "float32" in torch_names("torch") and "pi" in torch_names("torch")
    assert "clone" in torch_names("torch.Tensor") and "grad" in torch_names("torch.Tensor")
    assert set(torch_names("torch.cuda")) <= CUDA_SUBSET
    assert ember_has(ember, "matmul") and not ember_has(None, "matmul")
