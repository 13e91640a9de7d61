"""Op inputs that ember accepted silently, or refused where torch computes (issue 8, item 6).

Each case runs on torch and on ember: both raise the same exception type with the same message
(its first line), or both return the same values.
"""

from __future__ import annotations

import pytest
import torch

import ember

from ..oracle import check_same_outcome

NAN, INF = float("nan"), float("inf")


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.zeros(2, dtype=m.int8).masked_fill(m.tensor([True, False]), 300),
        lambda m: m.zeros(2, dtype=m.uint8).masked_fill(m.tensor([True, False]), -1),
        lambda m: m.zeros(1, dtype=m.float16).masked_fill(m.tensor([True]), 1e5),
        lambda m: m.zeros(2).masked_fill(m.ones(2, dtype=m.int64), 1.0),
        lambda m: m.zeros(2, dtype=m.int8).index_fill(0, m.tensor([0]), 300),
        lambda m: m.zeros(2, dtype=m.uint8).index_fill(0, m.tensor([0]), -1),
        lambda m: m.zeros(2, dtype=m.int8).clamp(max=300),
        lambda m: m.zeros(2, dtype=m.uint8).clamp(min=-1),
        lambda m: m.zeros(2).clamp(max=1e39),
    ],
)
def test_op_fill_values_check_as_torch(fn):
    check_same_outcome(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.zeros(2, dtype=m.int8) + 300,
        lambda m: m.ones(2, dtype=m.int8) * 1000,
        lambda m: m.zeros(2, dtype=m.uint8) + (-1),
        lambda m: m.ones(2, dtype=m.int32) + 2**40,
        lambda m: m.ones(2, dtype=m.int8) + 2**63,
        lambda m: m.ones(2, dtype=m.int8) + 2**64,
        lambda m: m.ones(2, dtype=m.int8) + (-(2**63) - 1),
        lambda m: m.zeros(2, dtype=m.int64) - 2**63,
    ],
)
def test_arithmetic_with_an_int_the_dtype_cannot_hold_wraps_as_torch(fn):
    check_same_outcome(fn)  # NumPy 2 raised OverflowError


# ---------------------------------------------------------------------------- ops


def _x(m):
    return m.arange(6.0).reshape(2, 3)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: _x(m).flip(0, 1),
        lambda m: _x(m).flip(dims=(0,)),
        lambda m: _x(m).flip(m.tensor(0)),
        lambda m: _x(m).flip(0, 0),
        lambda m: _x(m).flip(),
        lambda m: _x(m).tile(2),
        lambda m: _x(m).tile(2, 1, 1),
        lambda m: _x(m).tile(m.tensor(2)),
        lambda m: _x(m).tile(-1),
        lambda m: m.tile(_x(m), (2,)),
    ],
)
def test_flip_and_tile_take_torchs_argument_forms(fn):
    check_same_outcome(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.tensor([2]).pow(m.tensor([-1])),
        lambda m: m.tensor([1, -1, 2, 0, -2, 3]).pow(m.tensor([-1, -3, -2, -1, -2, 2])),
        lambda m: m.tensor([2, 1]).pow(m.tensor(-1)),
        lambda m: m.pow(2, m.tensor([-1, 2])),
        lambda m: 2 ** m.tensor([-1, 3]),
        lambda m: m.tensor([2, -1], dtype=m.int8) ** m.tensor([-1], dtype=m.int8),
        lambda m: m.tensor([2]).pow(-1),
        lambda m: m.ones(2, dtype=m.int64).pow(m.ones(3, dtype=m.int64)),
    ],
)
def test_integer_tensors_to_negative_tensor_powers_as_torch(fn):
    check_same_outcome(fn)  # was "shapes (1,) and (1,) cannot be broadcast"


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.add(m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64), alpha=0.5),
        lambda m: m.sub(m.ones(2, dtype=m.int64), 1, alpha=1.5),
        lambda m: m.add(m.ones(2), m.ones(2), alpha=True),
        lambda m: m.add(m.ones(2, dtype=m.bool), m.ones(2, dtype=m.bool), alpha=True),
        lambda m: m.add(m.ones(2, dtype=m.int8), m.ones(2, dtype=m.int8), alpha=300),
        lambda m: m.add(m.ones(2, dtype=m.int64), 1.0, alpha=0.5),
        lambda m: m.add(m.ones(2, dtype=m.uint8), 1, alpha=-1),
    ],
)
def test_add_and_sub_check_alpha_as_torch(fn):
    check_same_outcome(fn)  # a float alpha for integers was taken; a Python other was refused


DIM_OPS = {
    "scatter": lambda m, x, d: x.scatter(d, m.zeros(2, 3, dtype=m.int64), 1.0),
    "glu": lambda m, x, d: m.nn.functional.glu(m.ones(2, 4), d),
    "tensor_split": lambda m, x, d: x.tensor_split(2, d),
    "repeat_interleave": lambda m, x, d: x.repeat_interleave(2, d),
    "diff": lambda m, x, d: x.diff(dim=d),
    "flip": lambda m, x, d: x.flip(d),
    "softmax": lambda m, x, d: x.softmax(d),
    "index_add": lambda m, x, d: x.index_add(d, m.tensor([0]), m.ones(1, 3)),
}


@pytest.mark.parametrize("dim", [True, 1.5, "a"])
@pytest.mark.parametrize("op", DIM_OPS.values(), ids=DIM_OPS.keys())
def test_a_dim_that_is_no_int_is_a_type_error(op, dim):
    for m in (torch, ember):  # torch's parser words it naming the function: the type is compared
        with pytest.raises(TypeError):
            op(m, m.arange(6.0).reshape(2, 3), dim)
