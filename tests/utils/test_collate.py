"""default_collate / default_convert against torch on the same samples."""

from __future__ import annotations

import collections
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch.utils.data import default_collate as t_collate
from torch.utils.data import default_convert as t_convert

import ember
from ember.utils.data import default_collate, default_convert

from ._structure import assert_same_structure, to_torch

Point = collections.namedtuple("Point", "x y")


def _batches():
    r = np.random.default_rng(0)
    return {
        "tensors": [ember.tensor(r.standard_normal(3).astype(np.float32)) for _ in range(4)],
        "int_tensors_2d": [ember.arange(6).reshape(2, 3) + i for i in range(3)],
        "scalars_0d": [ember.tensor(1.5), ember.tensor(2.5)],
        "ndarrays": [r.standard_normal((2, 2)), r.standard_normal((2, 2))],
        "ndarray_int32": [np.arange(3, dtype=np.int32), np.arange(3, dtype=np.int32)],
        "np_scalars_f32": [np.float32(1), np.float32(2)],
        "np_scalars_i16": [np.int16(1), np.int16(-2)],
        "np_bool": [np.bool_(True), np.bool_(False)],
        "ints": [1, 2, 3],
        "floats": [1.0, 2.5],
        "bools": [True, False],
        "strings": ["a", "bc"],
        "bytes": [b"x", b"y"],
        "tuples": [(1, "a", 2.0), (2, "b", 3.0)],
        "lists": [[1, 2], [3, 4]],
        "dicts": [{"a": 1, "b": [1.0, 2.0]}, {"a": 2, "b": [3.0, 4.0]}],
        "ordered": [OrderedDict(x=1, y=ember.zeros(2)), OrderedDict(x=2, y=ember.ones(2))],
        "namedtuples": [Point(1, 2.0), Point(3, 4.0)],
        "nested": [
            ({"img": ember.ones(2, 2), "id": 0}, [1, 2]),
            ({"img": ember.zeros(2, 2), "id": 1}, [3, 4]),
        ],
        "ranges": [range(2), range(2)],
        "empty_tensors": [ember.zeros(0, 3), ember.zeros(0, 3)],
        # off the NumPy fast path: mixed dtypes are promoted as torch.stack promotes them
        "mixed_dtype_tensors": [ember.ones(2, dtype=ember.int32), ember.ones(2)],
        "mixed_dtype_ndarrays": [np.ones(2, dtype=np.int64), np.ones(2, dtype=np.float32)],
        "transposed_views": [ember.arange(6.0).reshape(2, 3).t() + i for i in range(2)],
        "images_uint8": [
            ember.from_numpy(r.integers(0, 255, (3, 4, 4), np.uint8)) for _ in range(3)
        ],
    }


@pytest.mark.parametrize("name", list(_batches()))
def test_default_collate_matches_torch(name):
    batch = _batches()[name]
    assert_same_structure(default_collate(batch), t_collate(to_torch(batch)))


@pytest.mark.parametrize(
    "sample",
    [
        np.arange(3),
        np.float64(2.0),
        np.int32(3),
        np.array(["a"]),
        (1, 2),
        [np.arange(2), "a", 3],
        {"a": np.ones(2, dtype=np.float32), "b": "s"},
        Point(np.int64(1), 2.0),
        "text",
        3,
        ember.ones(2),
    ],
)
def test_default_convert_matches_torch(sample):
    assert_same_structure(default_convert(sample), t_convert(to_torch(sample)))


def test_collate_keeps_dtypes():
    out = default_collate([{"f": 1.0, "i": 1, "b": True}] * 2)
    assert out["f"].dtype == ember.float64
    assert out["i"].dtype == ember.int64
    assert out["b"].dtype == ember.bool


@pytest.mark.parametrize(
    "batch",
    [
        [np.zeros(2), np.zeros(3)],
        [[1, 2], [3]],
        [object(), object()],
        [np.array(["a"]), np.array(["b"])],
        [np.array([None], dtype=object)] * 2,
    ],
)
def test_collate_errors_match_torch(batch):
    def tb(b):
        return [
            torch.from_numpy(x) if isinstance(x, np.ndarray) and x.dtype.kind in "fiu" else x
            for x in b
        ]

    with pytest.raises(Exception) as te:
        t_collate(tb(batch))
    with pytest.raises(type(te.value)) as ee:
        default_collate(
            [
                ember.as_tensor(x) if isinstance(x, np.ndarray) and x.dtype.kind in "fiu" else x
                for x in batch
            ]
        )
    assert str(ee.value) == str(te.value)


def test_collate_tensor_shape_mismatch_message():
    with pytest.raises(
        RuntimeError,
        match=r"stack expects each tensor to be equal size, but got "
        r"\[2\] at entry 0 and \[3\] at entry 1",
    ):
        default_collate([ember.zeros(2), ember.zeros(3)])


def test_collate_custom_mapping_falls_back_to_dict():
    class Frozen(collections.abc.Mapping):
        def __init__(self, d):
            self._d = dict(d)

        def __getitem__(self, k):
            return self._d[k]

        def __iter__(self):
            return iter(self._d)

        def __len__(self):
            return len(self._d)

    out = default_collate([Frozen({"a": 1}), Frozen({"a": 2})])
    assert type(out) is Frozen
    assert out["a"].tolist() == [1, 2]


def test_collate_copies_samples_and_keeps_autograd():
    samples = [ember.ones(2), ember.zeros(2)]
    out = default_collate(samples)
    out[0, 0] = 5.0  # the batch owns its memory
    assert samples[0].tolist() == [1.0, 1.0]
    assert out.grad_fn is None and not out.requires_grad
    leaves = [ember.ones(2, requires_grad=True), ember.zeros(2, requires_grad=True)]
    out = default_collate(leaves)
    assert out.requires_grad and out.grad_fn is not None
    out.sum().backward()
    assert leaves[1].grad.tolist() == [1.0, 1.0]
