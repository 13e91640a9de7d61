"""dtypes and promotion: ember.result_type equals torch.result_type for every pairing."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

NAMES = [
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
]
SCALARS = [True, 3, 2.5]


def _operand(lib, name, zero_dim):
    dt = getattr(lib, name)
    return lib.ones(() if zero_dim else (2,), dtype=dt)


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_matches_torch(a, b):
    assert ember.promote_types(getattr(ember, a), getattr(ember, b)).name == str(
        torch.promote_types(getattr(torch, a), getattr(torch, b))
    ).replace("torch.", "")


@settings(max_examples=150, deadline=None)
@given(
    a=st.sampled_from(NAMES), b=st.sampled_from(NAMES + SCALARS), za=st.booleans(), zb=st.booleans()
)
def test_result_type_matches_torch(a, b, za, zb):
    def operands(lib):
        x = _operand(lib, a, za)
        y = b if not isinstance(b, str) else _operand(lib, b, zb)
        return x, y

    expected = str(torch.result_type(*operands(torch))).replace("torch.", "")
    assert ember.result_type(*operands(ember)).name == expected


@settings(max_examples=60, deadline=None)
@given(
    a=st.sampled_from(["float32", "float64", "int32", "int64", "uint8", "bool"]),
    b=st.sampled_from(["float32", "float64", "int32", "int64", "bool"] + SCALARS),
    op=st.sampled_from(["add", "mul", "maximum", "eq", "div"]),
)
def test_binary_op_result_dtype_matches_torch(a, b, op):
    def run(lib):
        x = lib.ones(3, dtype=getattr(lib, a))
        y = b if not isinstance(b, str) else lib.ones(3, dtype=getattr(lib, b))
        if op == "maximum" and not isinstance(y, lib.Tensor):
            y = lib.tensor(y)
        return getattr(lib, op)(x, y).dtype

    assert ember_name(run(ember)) == str(run(torch)).replace("torch.", "")


def ember_name(d):
    return d.name


def test_default_dtype_round_trip():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    assert ember.tensor([1.0]).dtype is ember.float64
    assert (ember.tensor([1, 2]) / 2).dtype is ember.float64
    ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_matches_torch(name):
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "resolution"):
        assert getattr(e, field) == getattr(t, field), field


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8"])
def test_iinfo_matches_torch(name):
    e, t = ember.iinfo(getattr(ember, name)), torch.iinfo(getattr(torch, name))
    assert (e.bits, e.min, e.max) == (t.bits, t.min, t.max)


def test_dtype_attributes():
    assert ember.float32.is_floating_point and not ember.int32.is_floating_point
    assert ember.float32.itemsize == 4 and ember.bfloat16.itemsize == 2
    assert ember.float == ember.float32 and ember.long is ember.int64
    assert not ember.uint8.is_signed


@pytest.mark.parametrize("name", NAMES)
def test_casts_round_trip(name):
    vals = np.array([0, 1, 3, 100], dtype=np.float32)
    e = ember.tensor(vals).to(getattr(ember, name))
    t = torch.tensor(vals).to(getattr(torch, name))
    assert e.dtype.name == str(t.dtype).replace("torch.", "")
    assert e.tolist() == t.tolist()
