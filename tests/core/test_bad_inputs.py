"""Invalid input that ember accepted silently, or refused where torch computes (issue 8, item 6).

Each case runs on torch and on ember: both raise the same exception type with the same message
(its first line), or both return the same values.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import check_same_outcome

NAN, INF = float("nan"), float("inf")


# ---------------------------------------------------------------------------- tensor(data)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize(
    "value", [300, -129, 256, -256, -255, 40000, 2**31, 2**63 - 1, -(2**63), 127.5, -1.5, NAN, INF]
)
def test_tensor_refuses_numbers_its_integer_dtype_cannot_hold(value, dtype):
    check_same_outcome(lambda m: m.tensor([value], dtype=getattr(m, dtype)))
    check_same_outcome(lambda m: m.tensor([[1], [value]], dtype=getattr(m, dtype)))


def test_tensor_of_an_out_of_range_int_raises_instead_of_wrapping():
    with pytest.raises(RuntimeError, match="value cannot be converted to type int8 without"):
        ember.tensor([300], dtype=ember.int8)  # was [44]
    assert ember.tensor([-1], dtype=ember.uint8).tolist() == [255]  # torch wraps -255..-1
    assert ember.tensor(np.array([300]), dtype=ember.int8).tolist() == [44]  # arrays are cast


@pytest.mark.parametrize(
    "data",
    [
        [2**63],
        [-(2**63) - 1],
        [2**64],
        [[1], [2**63]],
        [2**63, -1],
        [True, 2**63],
        [1.5, 2**64],
        [1.5, 2**1100],
        [1.5, 2**63 - 1],
        [np.int64(300)],
        [ember.tensor(300)],
        [None],
        [1, None],
        ["a"],
        [1, "a"],
        [[1, 2], [3]],
        [[1, 2], 3],
        "abc",
        {1: 2},
    ],
)
@pytest.mark.parametrize("dtype", [None, "int8", "int64", "float32", "bool"])
def test_tensor_of_python_data_converts_each_number_as_torch(data, dtype):
    def make(m):
        d = m.tensor(300) if isinstance(data, list) and isinstance(data[0], ember.Tensor) else None
        items = [d] if d is not None else data
        return m.tensor(items, dtype=dtype and getattr(m, dtype))

    check_same_outcome(make)


def test_tensor_int64_past_2_63_is_torchs_value_error():
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        ember.tensor([2**63])  # was -2**63
    assert ember.tensor([1.5, 2**63 - 1], dtype=ember.int64).tolist()[1] == 2**63 - 1


# ---------------------------------------------------------------------------- fills


@pytest.mark.parametrize(
    "dtype", ["int8", "uint8", "int16", "int32", "int64", "bool", "float16", "bfloat16", "float32"]
)
@pytest.mark.parametrize("value", [300, -1, -256, 1.5, -1.5, 1e5, 1e39, NAN, INF, 2**63, True])
@pytest.mark.parametrize("shape", [(2,), (1,), (0,)])
def test_full_checks_its_fill_value_as_torch(value, dtype, shape):
    check_same_outcome(lambda m: m.full(shape, value, dtype=getattr(m, dtype)))


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.scalar_tensor(300, dtype=m.int8),
        lambda m: m.scalar_tensor(-1, dtype=m.uint8),
        lambda m: m.scalar_tensor(1e5, dtype=m.float16),
        lambda m: m.ones(2).new_full((2,), 300, dtype=m.int8),
        lambda m: m.full_like(m.ones(2, dtype=m.uint8), 256),
        lambda m: m.full((2,), None),
        lambda m: m.full((2,), "a"),
        lambda m: m.full((2,), 2**64),
    ],
)
def test_scalar_fills_check_as_torch(fn):
    check_same_outcome(fn)


# ---------------------------------------------------------------------------- factories


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.randperm(-1),
        lambda m: m.randperm(-5, dtype=m.bool),
        lambda m: m.randperm(3.0),
        lambda m: m.randperm(True),
        lambda m: m.randperm(2**63),
        lambda m: m.randperm(300, dtype=m.int8),
        lambda m: m.randperm(257, dtype=m.uint8),
        lambda m: m.randperm(5000, dtype=m.float16),
        lambda m: m.randperm(0),
        lambda m: m.empty_strided((2,), (-1,)),
        lambda m: m.empty_strided((2, 3), (3, -1)),
        lambda m: m.empty_strided((2,), (2**62,)),
        lambda m: m.empty_strided((2,), (1, 1)),
        lambda m: m.empty_strided((2,), (2.5,)),
        lambda m: m.empty_strided(2, 1),
        lambda m: m.empty_strided((1,), (-1,)).shape,
        lambda m: m.empty_strided((3, 0), (-1, 1)).shape,
        lambda m: m.eye(-1),
        lambda m: m.eye(2, -1),
        lambda m: m.eye(2.5),
        lambda m: m.tril_indices(-1, 3),
        lambda m: m.triu_indices(3, -1),
        lambda m: m.linspace(0, 1, 2.5),
        lambda m: m.logspace(0, 1, 2.5),
        lambda m: m.arange(NAN),
        lambda m: m.arange(INF),
        lambda m: m.arange(0, 5, NAN),
        lambda m: m.arange(5, 0),
        lambda m: m.randint(0, 5, (-1,)),
        lambda m: m.randint(0, 5, 3),
        lambda m: m.randint(0, 300, (2,), dtype=m.int8),
        lambda m: m.normal(0.0, 1.0, 3),
        lambda m: m.normal(0.0, -1.0, (2,)),
        lambda m: m.bernoulli(m.ones(2), p=2.0),
    ],
)
def test_factories_refuse_bad_arguments_as_torch(fn):
    check_same_outcome(fn)


def test_randperm_and_empty_strided_no_longer_accept_nonsense():
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        ember.randperm(-1)  # was an empty tensor
    with pytest.raises(RuntimeError, match="Storage size calculation overflowed"):
        ember.empty_strided((2,), (-1,))  # was a tensor reading outside its memory


@pytest.mark.parametrize(
    "size",
    [(-1,), (2, -3), (2.5,), ((2.5,),), ((2, 2.5),), (2, 2.5), (None,), ("3",), (True,)]
    + [(2**63,), ((2,), 3), (2.5, 2)],
)
@pytest.mark.parametrize("name", ["zeros", "ones", "empty", "rand", "randn"])
def test_sizes_are_refused_with_torchs_parser_messages(name, size):
    check_same_outcome(lambda m: getattr(m, name)(*size).shape)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.zeros(m.tensor(3)),
        lambda m: m.zeros(m.tensor([3])),
        lambda m: m.zeros(m.tensor(3.0)),
        lambda m: m.zeros(m.tensor([3, 2])),
        lambda m: m.ones(2, m.tensor(2)),
        lambda m: m.zeros([m.tensor(2), 3]),
        lambda m: m.ones(2).new_zeros(-1),
    ],
)
def test_a_size_may_be_a_one_element_integer_tensor(fn):
    check_same_outcome(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.rand(2**50),
        lambda m: m.randn(2**50),
        lambda m: m.randint(0, 5, (2**50,)),
        lambda m: m.normal(0.0, 1.0, (2**50,)),
        lambda m: m.randperm(2**50),
    ],
)
def test_random_factories_that_cannot_allocate_raise_runtime_error(fn):
    for m in (torch, ember):  # the allocator's words differ: torch's name its source file
        with pytest.raises(RuntimeError, match="DefaultCPUAllocator"):
            fn(m)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.rand(2**60, 2**10),
        lambda m: m.randn(2**60, 2**10),
        lambda m: m.randint(0, 5, (2**60, 2**10)),
        lambda m: m.normal(0.0, 1.0, (2**60, 2**10)),
        lambda m: m.randint(0, 5, (2.5,)),
        lambda m: m.normal(0.0, 1.0, ((2,), 3)),
    ],
)
def test_random_factories_refuse_sizes_as_torch(fn):
    check_same_outcome(fn)
