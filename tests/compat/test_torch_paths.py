"""Every public class and function sits at torch's path under the alias, so pickles name it there.

A whole-model pickle written by ``torch.save`` names ``torch.nn.modules.linear.Linear``; one
written by ember under ``ember.run`` must name the same path (for real torch to read it), and
``safe_globals`` lists naming torch's internal paths must find the class. Checked against torch.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
import torch

from ember.compat import public_path

NAMESPACES = ["", "nn", "nn.functional", "optim", "optim.lr_scheduler", "utils.data", "nn.init"]


def _pairs():
    for namespace in NAMESPACES:
        suffix = f".{namespace}" if namespace else ""
        torch_ns = importlib.import_module("torch" + suffix)
        ember_ns = importlib.import_module("ember" + suffix)
        for name in sorted(dir(torch_ns)):
            ours = getattr(ember_ns, name, None)
            if name.startswith("_") or not (inspect.isclass(ours) or inspect.isfunction(ours)):
                continue
            if inspect.isclass(ours) != inspect.isclass(getattr(torch_ns, name)):
                continue
            yield f"torch{suffix}.{name}", ours


PAIRS = list(_pairs())


def test_enough_names_are_checked():
    assert len(PAIRS) > 600


@pytest.mark.parametrize(("public", "ours"), PAIRS, ids=[p for p, _ in PAIRS])
def test_the_path_ember_pickles_resolves_in_torch(public, ours):
    module, qualname = public_path(ours)
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    expected = eval(public, {"torch": torch})  # noqa: S307 - a dotted name we built
    if inspect.isclass(ours):
        assert found is expected
    else:  # an alias (torch.absolute) pickles under the name of the function it is (torch.abs)
        assert callable(found) and found.__name__ in (ours.__name__, expected.__name__)


@pytest.mark.parametrize(
    "path",
    [
        "torch.nn.modules.activation.MultiheadAttention",
        "torch.nn.modules.linear.NonDynamicallyQuantizableLinear",
        "torch.nn.modules.fold.Unfold",
        "torch.nn.modules.instancenorm.InstanceNorm2d",
        "torch.optim.adamw.AdamW",
        "torch.optim.lr_scheduler.StepLR",
        "torch.Size",
    ],
)
def test_internal_paths_programs_name(path):
    module, _, name = path.rpartition(".")
    ours = getattr(importlib.import_module(module.replace("torch", "ember", 1)), name)
    theirs = getattr(importlib.import_module(module), name)
    assert ours.__name__ == theirs.__name__
    assert public_path(ours) == (theirs.__module__, theirs.__qualname__) or path == "torch.Size"
