"""``.grad`` as in torch: assignment is validated, reading it on a non-leaf warns, and a hook
cannot change a gradient's size (each was silently accepted before)."""

from __future__ import annotations

import warnings

import pytest
import torch

import ember


def check_error(fn):
    """ember raises torch's exception type with torch's message."""
    raised = []
    for m in (torch, ember):
        with pytest.raises(Exception) as info:  # noqa: PT011 - compared below
            fn(m)
        raised.append((type(info.value), str(info.value)))
    assert raised[1] == raised[0]


BAD_GRADS = [
    lambda m: m.ones(2),
    lambda m: m.ones(1, 3),
    lambda m: m.ones(3, dtype=m.float64),
    lambda m: m.ones(3, dtype=m.int64),
    lambda m: 5,
]


@pytest.mark.parametrize("make_grad", BAD_GRADS)
def test_assigning_a_wrong_grad_raises_torchs_error(make_grad):
    def assign(m):
        x = m.ones(3, requires_grad=True)
        x.grad = make_grad(m)

    check_error(assign)


def test_assigning_a_matching_grad_or_none_works():
    x = ember.ones(3, requires_grad=True)
    x.grad = ember.full((3,), 2.0)
    assert x.grad.tolist() == [2.0, 2.0, 2.0]
    x.grad = None
    assert x.grad is None


def _read_grad_warnings(m, retain):
    y = m.ones(3, requires_grad=True) * 2
    if retain:
        y.retain_grad()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        y.grad  # noqa: B018 - the read is the point
    return [(w.category, str(w.message).split(" (Triggered")[0]) for w in caught]


@pytest.mark.parametrize("retain", [False, True])
def test_reading_grad_of_a_non_leaf_warns_as_torch(retain):
    assert _read_grad_warnings(ember, retain) == _read_grad_warnings(torch, retain)


@pytest.mark.parametrize("leaf", [True, False])
def test_a_hook_that_changes_the_size_raises(leaf):
    def run(m):
        x = m.ones(3, requires_grad=True)
        t = x if leaf else x * 2
        t.register_hook(lambda g: m.ones(2))
        (t * 3).sum().backward()

    check_error(run)
