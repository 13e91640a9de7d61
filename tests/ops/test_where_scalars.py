"""``where(condition, scalar, scalar)``: torch types two Python scalars as scalars (bool, int64,
the default float or complex dtype) and broadcasts them over the condition."""

from __future__ import annotations

import pytest
import torch

import ember


@pytest.mark.parametrize("default", ["float32", "float64"])
@pytest.mark.parametrize(
    "a, b", [(0.0, -1.0), (1, 2), (1, 2.5), (True, False), (1, True), (1j, 2), (False, 0.5)]
)
def test_where_with_two_scalars_matches_torch(default, a, b):
    ember.set_default_dtype(getattr(ember, default))
    torch.set_default_dtype(getattr(torch, default))
    try:
        cond = [[True, False, True], [False, False, True]]
        got = ember.where(ember.tensor(cond), a, b)
        want = torch.where(torch.tensor(cond), a, b)
    finally:
        torch.set_default_dtype(torch.float32)
    assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1]
    assert got.shape == want.shape and got.tolist() == want.tolist()
