"""Broadcasting: random shape pairs give torch's result or torch's error."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

from ..oracle import check

dims = st.lists(st.integers(min_value=0, max_value=3), min_size=0, max_size=4)


@settings(max_examples=80, deadline=None)
@given(a=dims, b=dims, op=st.sampled_from(["add", "mul", "sub", "maximum", "atan2"]))
def test_binary_broadcasting_matches_torch(a, b, op):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 2, size=a).astype(np.float32)
    y = rng.uniform(0.5, 2, size=b).astype(np.float32)
    try:
        np.broadcast_shapes(tuple(a), tuple(b))
    except ValueError:
        with pytest.raises(RuntimeError, match="must match the size of tensor b"):
            getattr(ember, op)(ember.tensor(x), ember.tensor(y))
        with pytest.raises(RuntimeError):
            getattr(torch, op)(torch.tensor(x), torch.tensor(y))
        return
    check(lambda m, p, q: getattr(m, op)(p, q), x, y)


def test_broadcast_error_message_names_sizes():
    with pytest.raises(RuntimeError) as e:
        ember.ones(2, 3) + ember.ones(4)
    with pytest.raises(RuntimeError) as t:
        torch.ones(2, 3) + torch.ones(4)
    assert str(e.value) == str(t.value)


def test_broadcast_tensors_and_shapes():
    a, b = ember.broadcast_tensors(ember.ones(3, 1), ember.ones(1, 4))
    assert a.shape == (3, 4) and b.shape == (3, 4)
    with pytest.raises(RuntimeError):
        ember.ones(2).expand(3)
