"""Exception types that callers catch, and edge values, as torch has them."""

from __future__ import annotations

import math

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


@pytest.mark.parametrize(
    "alloc",
    [
        lambda m: m.empty(2**62),
        lambda m: m.zeros(2**62, dtype=m.int8),
        lambda m: m.ones(10).expand(2**40, 10).clone(),
    ],
)
def test_allocation_failures_are_runtime_errors(alloc):
    for m in (ember, torch):
        with pytest.raises(RuntimeError):
            alloc(m)


def test_an_overflowing_size_says_so_like_torch():
    check_error(lambda m: m.empty(2**62))


@pytest.mark.skipif(ember.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_an_assertion_error():
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        ember.ones(2).cuda()


def test_sign_of_nan_is_zero():
    x = [math.nan, -2.0, 0.0, 3.0]
    assert ember.sign(ember.tensor(x)).tolist() == torch.sign(torch.tensor(x)).tolist()


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_at_infinities_follows_torch(approximate):
    x = [math.inf, -math.inf, 1.0]
    got = ember.nn.functional.gelu(ember.tensor(x), approximate=approximate).tolist()
    want = torch.nn.functional.gelu(torch.tensor(x), approximate=approximate).tolist()
    assert [str(round(v, 5)) for v in got] == [str(round(v, 5)) for v in want]
