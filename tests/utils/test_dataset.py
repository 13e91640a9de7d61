"""Datasets and random_split, against torch's on the same data."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
from ember.utils.data import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    StackDataset,
    Subset,
    TensorDataset,
    random_split,
)

from ._structure import assert_same_structure


class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i * i


class Stream(IterableDataset):
    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


class TStream(tdata.IterableDataset):
    def __init__(self, items):
        self.items = list(items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def test_tensor_dataset_matches_torch():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.arange(4)
    ds = TensorDataset(ember.tensor(x), ember.tensor(y))
    tds = tdata.TensorDataset(torch.tensor(x), torch.tensor(y))
    assert len(ds) == len(tds) == 4
    for i in [0, 3, -1, slice(1, 3)]:
        assert_same_structure(ds[i], tds[i])


def test_tensor_dataset_size_mismatch():
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(ember.zeros(3), ember.zeros(4))


def test_concat_dataset_indexing_matches_torch():
    parts = [list(range(3)), list(range(10, 12)), [], list(range(20, 24))]
    ds, tds = ConcatDataset(parts), tdata.ConcatDataset(parts)
    assert len(ds) == len(tds) == 9
    assert ds.cumulative_sizes == tds.cumulative_sizes
    for i in range(-9, 9):
        assert ds[i] == tds[i]
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        ds[-10]
    with pytest.raises(IndexError):
        ds[9]


def test_concat_dataset_errors_and_add():
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        ConcatDataset([])
    with pytest.raises(AssertionError, match="does not support IterableDataset"):
        ConcatDataset([Stream([1])])
    both = Squares(3) + Squares(2)
    assert isinstance(both, ConcatDataset)
    assert [both[i] for i in range(len(both))] == [0, 1, 4, 0, 1]


def test_chain_dataset():
    ds = Stream([1, 2]) + Stream([3])
    assert isinstance(ds, ChainDataset)
    assert list(ds) == list(tdata.ChainDataset([TStream([1, 2]), TStream([3])]))
    assert len(ds) == 3
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        list(ChainDataset([Stream([1]), [2]]))
    with pytest.raises(AssertionError, match="ChainDataset only supports IterableDataset"):
        len(ChainDataset([[2]]))


def test_stack_dataset_matches_torch():
    a, b = list(range(4)), [str(i) for i in range(4)]
    assert StackDataset(a, b)[2] == tdata.StackDataset(a, b)[2] == (2, "2")
    assert StackDataset(x=a, y=b)[1] == tdata.StackDataset(x=a, y=b)[1]
    assert StackDataset(a, b).__getitems__([0, 3]) == tdata.StackDataset(a, b).__getitems__([0, 3])
    assert StackDataset(x=a, y=b).__getitems__([1, 2]) == tdata.StackDataset(x=a, y=b).__getitems__(
        [1, 2]
    )
    assert len(StackDataset(a, b)) == 4


def test_stack_dataset_uses_nested_getitems():
    class Batched(Squares):
        def __getitems__(self, idx):
            return [-i for i in idx]

    assert StackDataset(Batched(3), Squares(3)).__getitems__([1, 2]) == [(-1, 1), (-2, 4)]

    class Bad(Squares):
        def __getitems__(self, idx):
            return []

    with pytest.raises(ValueError, match="output size mismatch. Expected 2, got 0"):
        StackDataset(Bad(3)).__getitems__([0, 1])


@pytest.mark.parametrize(
    "args, kwargs, msg",
    [
        ((), {}, "At least one dataset should be passed"),
        (([1, 2], [1]), {}, "Size mismatch between datasets"),
        (([1],), {"b": [1]}, "but both types are given"),
    ],
)
def test_stack_dataset_errors(args, kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        StackDataset(*args, **kwargs)


def test_subset():
    sub = Subset(Squares(10), [7, 2, 5])
    assert len(sub) == 3
    assert [sub[i] for i in range(3)] == [49, 4, 25]
    assert sub.__getitems__([2, 0]) == [25, 49]
    nested = Subset(ember.arange(10), [1, 3, 5])
    assert nested[[0, 2]].tolist() == [1, 5]


def test_subset_subclass_must_override_getitems():
    class Mine(Subset):
        def __getitem__(self, idx):
            return 0

    with pytest.raises(NotImplementedError, match="overrides __getitem__ but not __getitems__"):
        Mine([1], [0])


def test_dataset_base_and_len():
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        Dataset()[0]
    with pytest.raises(TypeError):
        len(Dataset())


def test_random_split_lengths_partition_and_reproducible():
    parts = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(42))
    assert [len(p) for p in parts] == [3, 7]
    assert sorted(parts[0].indices + parts[1].indices) == list(range(10))
    again = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(42))
    assert again[0].indices == parts[0].indices
    other = random_split(range(10), [3, 7], generator=ember.Generator().manual_seed(7))
    assert other[0].indices != parts[0].indices or other[1].indices != parts[1].indices


@pytest.mark.parametrize(
    "n, fracs",
    [(30, [0.3, 0.3, 0.4]), (10, [0.33, 0.33, 0.34]), (11, [0.5, 0.5]), (7, [0.1, 0.2, 0.7])],
)
def test_random_split_fractions_match_torch_lengths(n, fracs):
    ours = random_split(range(n), fracs, generator=ember.Generator().manual_seed(0))
    theirs = tdata.random_split(range(n), fracs, generator=torch.Generator().manual_seed(0))
    assert [len(p) for p in ours] == [len(p) for p in theirs]
    assert sorted(i for p in ours for i in p.indices) == list(range(n))


def test_random_split_errors_and_warning():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="Fraction at index 1 is not between 0 and 1"):
        random_split(range(10), [0.5, 1.5, -1.0])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        parts = random_split(range(2), [0.9, 0.1])
    assert [len(p) for p in parts] == [2, 0]
