"""Factories, conversions and tensor attributes, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import assert_same


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.tensor([1, 2, 3]),
        lambda m: m.tensor([1.0, 2]),
        lambda m: m.tensor([[True], [False]]),
        lambda m: m.tensor(np.arange(6, dtype=np.float64).reshape(2, 3)),
        lambda m: m.tensor(np.arange(3, dtype=np.int32)),
        lambda m: m.tensor([]),
        lambda m: m.tensor(2.5, dtype=m.float64),
        lambda m: m.zeros(2, 3),
        lambda m: m.zeros((2, 3), dtype=m.int64),
        lambda m: m.ones([4]),
        lambda m: m.full((2, 2), 7),
        lambda m: m.full((2, 2), 7.5),
        lambda m: m.full((2,), True),
        lambda m: m.zeros_like(m.ones(2, 3, dtype=m.int32)),
        lambda m: m.ones_like(m.ones(2, 3), dtype=m.float64),
        lambda m: m.full_like(m.ones(3), 4),
        lambda m: m.arange(5),
        lambda m: m.arange(1, 4, 0.5),
        lambda m: m.arange(0, 1, 0.1),
        lambda m: m.arange(10, 0, -3),
        lambda m: m.arange(5.0),
        lambda m: m.linspace(0, 1, 7),
        lambda m: m.linspace(-3, 3, 10),
        lambda m: m.linspace(0, 10, 5, dtype=m.int64),
        lambda m: m.linspace(0, 1, 1),
        lambda m: m.logspace(0, 2, 5),
        lambda m: m.logspace(0, 3, 4, base=2),
        lambda m: m.eye(3),
        lambda m: m.eye(2, 4, dtype=m.int64),
        lambda m: m.tril_indices(4, 3, -1),
        lambda m: m.triu_indices(3, 5, 1),
        lambda m: m.scalar_tensor(3),
        lambda m: m.empty(2, 3).shape,
    ],
)
def test_factory_matches_torch(make):
    e, t = make(ember), make(torch)
    if isinstance(t, torch.Size):
        assert tuple(e) == tuple(t)
        return
    assert_same(e, t, rtol=1e-6, atol=1e-7)


def test_from_numpy_and_numpy_share_memory():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    a[0] = 5
    assert t[0].item() == 5
    t.numpy()[1] = 7
    assert a[1] == 7
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        ember.ones(2, requires_grad=True).numpy()


def test_tensor_copies_but_as_tensor_shares():
    a = np.zeros(3, dtype=np.float32)
    assert ember.tensor(a).data_ptr() != a.ctypes.data
    assert ember.as_tensor(a).data_ptr() == a.ctypes.data


def test_dlpack_round_trips_with_numpy_and_torch():
    x = ember.arange(6, dtype=ember.float32).reshape(2, 3)
    n = np.from_dlpack(x)
    assert n.ctypes.data == x.data_ptr()
    t = torch.from_dlpack(x)
    assert t.data_ptr() == x.data_ptr() and t.tolist() == x.tolist()
    back = ember.from_dlpack(t)
    assert back.data_ptr() == t.data_ptr()
    assert np.asarray(x).tolist() == x.tolist()


def test_attributes_match_torch():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    e, t = ember.tensor(a), torch.tensor(a)
    for f in (
        lambda x: x.shape,
        lambda x: x.size(),
        lambda x: x.size(-1),
        lambda x: x.dim(),
        lambda x: x.ndim,
        lambda x: x.numel(),
        lambda x: x.stride(),
        lambda x: x.transpose(0, 2).stride(),
        lambda x: x[:, 1:, ::2].stride(),
        lambda x: x[1, 1:].storage_offset(),
        lambda x: x.is_contiguous(),
        lambda x: x.transpose(0, 1).is_contiguous(),
        lambda x: x.element_size(),
        lambda x: x.T.shape if x.ndim == 2 else x.mT.shape,
        lambda x: x.tolist(),
        lambda x: x[0, 0, 1].item(),
        lambda x: len(x),
        lambda x: x.is_leaf,
        lambda x: x.is_floating_point(),
        lambda x: x.nbytes,
    ):
        assert f(e) == f(t)


def test_item_tolist_and_scalar_conversions():
    x = ember.tensor([[1.5]])
    assert x.item() == 1.5 and float(x) == 1.5 and int(x) == 1 and bool(x)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        ember.ones(2).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.ones(2))
    assert [int(v) for v in ember.arange(3)] == [0, 1, 2]
    assert f"{ember.tensor(2.5):.2f}" == "2.50"


def test_to_and_casts():
    x = ember.tensor([1.7, -2.2])
    assert x.to(ember.int64).tolist() == [1, -2]
    assert x.long().dtype is ember.int64 and x.double().dtype is ember.float64
    assert x.half().dtype is ember.float16 and x.bfloat16().dtype is ember.bfloat16
    assert x.to("cpu") is x and x.to(ember.float32) is x
    assert x.to(ember.float32, copy=True) is not x
    assert x.to(ember.ones(1, dtype=ember.float64)).dtype is ember.float64
    assert x.type_as(ember.ones(1, dtype=ember.int32)).dtype is ember.int32
    y = ember.tensor([1.0, 2.0], requires_grad=True)
    z = y.double() * 3
    z.sum().backward()
    assert y.grad.dtype is ember.float32 and y.grad.tolist() == [3.0, 3.0]


def test_clone_detach_contiguous():
    x = ember.arange(6.0).reshape(2, 3).requires_grad_()
    c = x.clone()
    assert c.grad_fn is not None and c.data_ptr() != x.data_ptr()
    d = x.detach()
    assert d.data_ptr() == x.data_ptr() and not d.requires_grad
    t = x.t()
    assert not t.is_contiguous() and t.contiguous().is_contiguous()
    assert x.contiguous() is x


def test_data_property_get_and_set():
    x = ember.ones(2, requires_grad=True)
    d = x.data
    assert not d.requires_grad and d.data_ptr() == x.data_ptr()
    x.data = ember.zeros(3)
    assert x.shape == (3,) and x.requires_grad


def test_size_is_a_tuple():
    s = ember.zeros(2, 3, 4).shape
    assert isinstance(s, tuple) and isinstance(s, ember.Size)
    assert s == (2, 3, 4) and s[1:] == ember.Size([3, 4]) and s.numel() == 24


def test_device_parsing():
    assert ember.device("cuda:1").index == 1 and ember.device("cuda", 0).type == "cuda"
    assert ember.device("cpu") == "cpu" and ember.zeros(1).device == ember.device("cpu")
    with pytest.raises(RuntimeError):
        ember.device("tpu")


def test_is_tensor_and_isinstance():
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor([1])
    assert isinstance(ember.ones(1), ember.Tensor)
    assert ember.Tensor([1, 2]).dtype is ember.float32
    assert ember.numel(ember.ones(2, 3)) == 6


def test_new_factories_follow_the_tensor():
    x = ember.ones(2, dtype=ember.float64)
    assert x.new_zeros(3).dtype is ember.float64 and x.new_ones((2, 2)).shape == (2, 2)
    assert x.new_full((2,), 3).tolist() == [3.0, 3.0]
    assert x.new_tensor([1, 2]).dtype is ember.float64


def test_pickle_and_deepcopy():
    import copy
    import pickle

    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == [1.0, 2.0] and y.requires_grad
    z = copy.deepcopy(x)
    assert z.tolist() == [1.0, 2.0] and z.data_ptr() != x.data_ptr()


def test_num_threads():
    n = ember.get_num_threads()
    ember.set_num_threads(1)
    assert ember.get_num_threads() == 1
    ember.set_num_threads(n)


@pytest.mark.parametrize(
    "value", [np.float64(2.0), np.int32(3), np.bool_(True), np.float32(1.5), np.uint8(7)]
)
def test_numpy_scalars_keep_their_dtype(value):
    assert ember.tensor(value).dtype.name == str(torch.tensor(value).dtype).replace("torch.", "")


def test_legacy_type_strings_match_torch():
    for name in ("float32", "float64", "int64", "bool", "uint8"):
        e = ember.zeros(2, dtype=getattr(ember, name))
        t = torch.zeros(2, dtype=getattr(torch, name))
        assert e.type() == t.type()
    assert ember.zeros(2).type("torch.LongTensor").dtype is ember.int64
    assert ember.zeros(2).type(ember.float64).dtype is ember.float64


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "uint8"])
def test_linspace_is_bit_exact_with_torch(dtype):
    # torch computes each value as one fused multiply-add in the result type; magnitude tables
    # built with linspace (e.g. the augmentation policies) must give torch's exact values
    rng = np.random.default_rng(0)
    for _ in range(200):
        start, end = rng.normal(size=2) * 10
        if dtype == "uint8":
            start, end = abs(start), abs(end)
        steps = int(rng.integers(1, 300))
        got = ember.linspace(start, end, steps, dtype=getattr(ember, dtype)).numpy()
        want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        np.testing.assert_array_equal(got, want, err_msg=f"linspace({start}, {end}, {steps})")


@pytest.mark.parametrize(
    "start, end, steps, dtype",
    [(0, 1 + 1j, 3, None), (0, 1, 5, "complex64"), (1j, 2, 4, "complex128"), (2, 2, 1, None)],
)
def test_linspace_complex_ends_and_dtypes(start, end, steps, dtype):
    # complex ends give the default complex dtype, as torch's
    got = ember.linspace(start, end, steps, dtype=getattr(ember, dtype) if dtype else None)
    want = torch.linspace(start, end, steps, dtype=getattr(torch, dtype) if dtype else None)
    assert str(got.dtype).split(".")[1] == str(want.dtype).split(".")[1]
    np.testing.assert_array_equal(got.numpy(), want.numpy())
