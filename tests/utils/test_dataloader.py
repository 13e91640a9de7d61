"""DataLoader in the main process (num_workers=0), against torch's DataLoader."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.utils.data as tdata

import ember
from ember.utils.data import (
    BatchSampler,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    TensorDataset,
)

from ._structure import assert_same_structure

R = np.random.default_rng(0)
X = R.standard_normal((10, 3)).astype(np.float32)
Y = R.integers(0, 5, 10)


class Records(Dataset):
    """Dict samples mixing tensors, numbers and strings."""

    def __init__(self, n, lib):
        self.n, self.lib = n, lib

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {"x": self.lib.tensor(X[i]), "y": int(Y[i]), "w": float(i) / 2, "name": f"s{i}"}


class Counter(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


class TCounter(tdata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return iter(range(self.n))

    def __len__(self):
        return self.n


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"batch_size": 3},
        {"batch_size": 3, "drop_last": True},
        {"batch_size": 4},
        {"batch_size": 20},
        {"batch_size": None},
    ],
)
def test_batches_match_torch(kwargs):
    ours = list(DataLoader(Records(10, ember), **kwargs))
    theirs = list(tdata.DataLoader(Records(10, torch), **kwargs))
    assert len(ours) == len(theirs) == len(DataLoader(Records(10, ember), **kwargs))
    assert_same_structure(ours, theirs)


def test_tensor_dataset_batches_match_torch():
    ours = list(DataLoader(TensorDataset(ember.tensor(X), ember.tensor(Y)), batch_size=4))
    theirs = list(
        tdata.DataLoader(tdata.TensorDataset(torch.tensor(X), torch.tensor(Y)), batch_size=4)
    )
    assert_same_structure(ours, theirs)


@pytest.mark.parametrize(
    "kwargs", [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}, {}]
)
def test_iterable_dataset_matches_torch(kwargs):
    ours = DataLoader(Counter(7), **kwargs)
    theirs = tdata.DataLoader(TCounter(7), **kwargs)
    assert_same_structure(list(ours), list(theirs))
    assert len(ours) == len(theirs)


def test_iterable_dataset_longer_than_reported_warns():
    class Liar(Counter):
        def __len__(self):
            return 2

    loader = DataLoader(Liar(3), batch_size=None)
    assert len(loader) == 2
    with pytest.warns(UserWarning, match="was reported to be 2"):
        assert list(loader) == [0, 1, 2]


def test_shuffle_is_a_permutation_each_epoch_and_reproducible():
    loader = DataLoader(
        range(12), batch_size=5, shuffle=True, generator=ember.Generator().manual_seed(0)
    )
    epoch1 = [b.tolist() for b in loader]
    epoch2 = [b.tolist() for b in loader]
    assert [len(b) for b in epoch1] == [5, 5, 2]
    assert sorted(sum(epoch1, [])) == sorted(sum(epoch2, [])) == list(range(12))
    assert epoch1 != epoch2
    again = DataLoader(
        range(12), batch_size=5, shuffle=True, generator=ember.Generator().manual_seed(0)
    )
    assert [b.tolist() for b in again] == epoch1


def test_custom_sampler_batch_sampler_and_collate():
    loader = DataLoader(range(6), sampler=[5, 0, 3], batch_size=2)
    assert [b.tolist() for b in loader] == [[5, 0], [3]]
    loader = DataLoader(range(10), batch_sampler=[[1, 2], [9]])
    assert [b.tolist() for b in loader] == [[1, 2], [9]]
    loader = DataLoader(range(5), batch_size=2, collate_fn=lambda b: sum(b))
    assert list(loader) == [1, 5, 4]
    assert isinstance(loader.sampler, SequentialSampler)
    assert isinstance(loader.batch_sampler, BatchSampler)
    shuffled = DataLoader(range(5), shuffle=True)
    assert isinstance(shuffled.sampler, RandomSampler)


def test_getitems_is_used_for_batches():
    class Batched(Dataset):
        def __len__(self):
            return 5

        def __getitems__(self, idx):
            return [i * 10 for i in idx]

    assert [b.tolist() for b in DataLoader(Batched(), batch_size=2)] == [[0, 10], [20, 30], [40]]


def test_numpy_samples_become_tensors():
    data = [np.full(2, i, dtype=np.float32) for i in range(4)]
    batches = list(DataLoader(data, batch_size=2))
    assert batches[0].dtype == ember.float32 and batches[0].shape == (2, 2)
    unbatched = list(DataLoader(data, batch_size=None))
    assert isinstance(unbatched[0], ember.Tensor) and unbatched[0].shape == (2,)


def test_pin_memory_warns_without_accelerator():
    if ember.cuda.is_available():
        pytest.skip("an accelerator is present")
    with pytest.warns(
        UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"
    ):
        batches = list(DataLoader(range(3), batch_size=2, pin_memory=True))
    assert [b.tolist() for b in batches] == [[0, 1], [2]]


def test_attributes_frozen_after_init():
    loader = DataLoader(range(3))
    for attr in (
        "batch_size",
        "sampler",
        "batch_sampler",
        "drop_last",
        "dataset",
        "persistent_workers",
    ):
        with pytest.raises(
            ValueError, match=f"{attr} attribute should not be set after DataLoader is initialized"
        ):
            setattr(loader, attr, None)
    loader.num_workers = 0  # other attributes stay writable


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_workers": -1},
        {"timeout": -1},
        {"prefetch_factor": 2},
        {"num_workers": 1, "prefetch_factor": -1},
        {"persistent_workers": True},
        {"sampler": [0], "shuffle": True},
        {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_sampler": [[0]], "drop_last": True},
        {"batch_sampler": [[0]], "shuffle": True},
        {"batch_sampler": [[0]], "sampler": [0]},
        {"batch_size": None, "drop_last": True},
        {"multiprocessing_context": "fork"},
        {"num_workers": 1, "multiprocessing_context": "nope"},
        {"num_workers": 1, "multiprocessing_context": 3},
    ],
)
def test_argument_errors_match_torch(kwargs):
    with pytest.raises(Exception) as te:
        tdata.DataLoader(range(3), **kwargs)
    with pytest.raises(type(te.value)) as ee:
        DataLoader(range(3), **kwargs)
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("kwargs", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_argument_errors_match_torch(kwargs):
    with pytest.raises(ValueError) as te:
        tdata.DataLoader(TCounter(3), **kwargs)
    with pytest.raises(ValueError) as ee:
        DataLoader(Counter(3), **kwargs)
    assert str(ee.value).split(", but got")[0] == str(te.value).split(", but got")[0]


def test_timeout_requires_workers_like_torch():
    with pytest.raises(AssertionError, match="requires timeout == 0"):
        iter(DataLoader(range(3), timeout=1))


def test_errors_propagate_unchanged_in_main_process():
    class Broken(Dataset):
        def __len__(self):
            return 2

        def __getitem__(self, i):
            raise KeyError(i)

    with pytest.raises(KeyError):
        next(iter(DataLoader(Broken())))


def test_iterator_not_picklable_and_len():
    import pickle

    it = iter(DataLoader(range(5), batch_size=2))
    assert len(it) == 3
    with pytest.raises(NotImplementedError, match="cannot be pickled"):
        pickle.dumps(it)
