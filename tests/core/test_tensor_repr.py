"""Tensor printing matches PyTorch's format exactly (with 'torch.' spelled 'ember.')."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

CASES = [
    lambda m: m.tensor([[1.0, 2.0]], requires_grad=True),
    lambda m: m.tensor([1.5, -2.25, 3.0]),
    lambda m: m.tensor(3.5),
    lambda m: m.tensor(7),
    lambda m: m.tensor([True, False]),
    lambda m: m.tensor([1, 2, 3], dtype=m.int32),
    lambda m: m.tensor([1e-5, 1.0, 300.0]),
    lambda m: m.tensor([1e10, 1.0]),
    lambda m: m.tensor([0.1, 0.2], dtype=m.float64),
    lambda m: m.tensor([1.0, 2.0], dtype=m.float16),
    lambda m: m.tensor([float("nan"), float("inf"), -float("inf"), 1.0]),
    lambda m: m.zeros(2, 0),
    lambda m: m.zeros(0),
    lambda m: m.zeros(0, dtype=m.int32),
    lambda m: m.arange(2000).reshape(40, 50),
    lambda m: m.arange(30, dtype=m.float32).reshape(2, 3, 5) / 7,
    lambda m: m.arange(100, dtype=m.float32) * 1.5,
    lambda m: m.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True) * 2,
    lambda m: m.tensor([-0.0, 0.0, 123456.789]),
    lambda m: m.ones(3, 3, dtype=m.uint8),
]


@pytest.mark.parametrize("make", CASES)
def test_repr_matches_torch(make):
    expected = repr(make(torch)).replace("torch.", "ember.")
    assert repr(make(ember)) == expected


def test_repr_with_printoptions():
    try:
        ember.set_printoptions(precision=2)
        torch.set_printoptions(precision=2)
        x = np.array([1.23456, 2.5])
        assert repr(ember.tensor(x)) == repr(torch.tensor(x)).replace("torch.", "ember.")
    finally:
        ember.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def test_dtype_device_size_repr():
    assert repr(ember.float32) == "ember.float32"
    assert repr(ember.device("cuda:1")) == repr(torch.device("cuda:1"))
    assert str(ember.device("cpu")) == "cpu"
    assert repr(ember.zeros(2, 3).shape) == "ember.Size([2, 3])"
