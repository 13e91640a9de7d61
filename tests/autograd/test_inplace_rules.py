"""PyTorch's rules for in-place changes while grad mode is on, on every in-place path: a leaf
that requires grad, a view of one, and a view made under no_grad are refused with torch's error;
what is allowed gives torch's gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

# each path: (name, fn(lib, view)) changing ``view`` in place
PATHS = [
    ("mul_", lambda m, v: v.mul_(2)),
    ("operator +=", lambda m, v: v.__iadd__(1)),
    ("zero_", lambda m, v: v.zero_()),
    ("fill_", lambda m, v: v.fill_(3.0)),
    ("copy_", lambda m, v: v.copy_(m.ones(v.shape))),
    ("setitem", lambda m, v: v.__setitem__(0, 5.0)),
    ("relu_", lambda m, v: m.relu_(v)),
    ("F.relu inplace", lambda m, v: m.nn.functional.relu(v, inplace=True)),
    ("uniform_", lambda m, v: v.uniform_()),
    ("clamp_", lambda m, v: v.clamp_(0, 1)),
]
IDS = [p[0] for p in PATHS]
ALLOWED = [p for p in PATHS if p[0] != "uniform_"]  # random values: no gradient to compare


def _outcome(lib, make, change):
    try:
        change(lib, make(lib))
    except RuntimeError as e:
        return str(e)
    return None


def _view_of_leaf(m):
    return m.ones(3, 4, requires_grad=True)[:2]


def _view_made_under_no_grad(m):
    y = m.ones(3, 4, requires_grad=True) * 2
    with m.no_grad():
        return y[:2]


def _leaf(m):
    return m.ones(3, 4, requires_grad=True)


@pytest.mark.parametrize("change", [p[1] for p in PATHS], ids=IDS)
@pytest.mark.parametrize("make", [_leaf, _view_of_leaf, _view_made_under_no_grad])
def test_forbidden_inplace_changes_raise_torchs_error(make, change):
    expected = _outcome(torch, make, change)
    assert expected is not None
    assert _outcome(ember, make, change) == expected


@pytest.mark.parametrize("change", [p[1] for p in ALLOWED], ids=[p[0] for p in ALLOWED])
def test_allowed_inplace_on_a_view_gives_torchs_gradient(change):
    a = np.arange(12, dtype=np.float64).reshape(3, 4) / 7 - 0.5
    grads = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 1.5
        change(m, y[1:])
        (y * y).sum().backward()
        grads.append(np.asarray(x.grad.detach().numpy()))
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)


def test_inplace_under_no_grad_is_allowed_on_a_leaf_and_its_views():
    x = ember.ones(3, requires_grad=True)
    with ember.no_grad():
        x[:2].mul_(2)
        x.add_(1)
    assert x.tolist() == [3.0, 3.0, 2.0]
    assert x.is_leaf and x.grad_fn is None


def test_overwriting_never_turns_nan_into_the_new_value_nan():
    a = ember.tensor([float("nan"), float("inf"), 1.0], requires_grad=True)
    for change in (lambda t: t.zero_(), lambda t: t.fill_(2.0), lambda t: t.copy_(ember.ones(3))):
        y = a * 1
        change(y)
        assert np.isfinite(y.detach().numpy()).all()
        y.sum().backward()
        assert a.grad.tolist() == [0.0, 0.0, 0.0]
        a.grad = None
