"""Samplers: the index streams, their lengths, reproducibility and argument errors."""

from __future__ import annotations

import collections

import pytest
import torch.utils.data as tdata

import ember
from ember.utils.data import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def gen(seed):
    return ember.Generator().manual_seed(seed)


def test_sequential_sampler():
    assert list(SequentialSampler(range(5))) == [0, 1, 2, 3, 4]
    assert len(SequentialSampler(range(5))) == 5


def test_sampler_base():
    with pytest.raises(NotImplementedError):
        iter(Sampler())
    with pytest.raises(TypeError):
        len(Sampler())


def test_random_sampler_is_permutation_and_reproducible():
    a = list(RandomSampler(range(20), generator=gen(1)))
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert list(RandomSampler(range(20), generator=gen(1))) == a
    # a shared generator advances: the next epoch is a different order
    g = gen(1)
    s = RandomSampler(range(20), generator=g)
    assert list(s) == a and list(s) != a


def test_random_sampler_without_generator_follows_manual_seed():
    ember.manual_seed(3)
    a = list(RandomSampler(range(10)))
    ember.manual_seed(3)
    assert list(RandomSampler(range(10))) == a


def test_random_sampler_num_samples_without_replacement():
    out = list(RandomSampler(range(4), num_samples=10, generator=gen(0)))
    assert len(out) == 10
    assert sorted(out[:4]) == sorted(out[4:8]) == [0, 1, 2, 3]
    assert len(set(out[8:])) == 2


def test_random_sampler_with_replacement():
    s = RandomSampler(range(3), replacement=True, num_samples=2500, generator=gen(0))
    out = list(s)
    assert len(s) == len(out) == 2500
    counts = collections.Counter(out)
    assert set(counts) == {0, 1, 2}
    assert all(700 < c < 970 for c in counts.values())


def test_random_sampler_length_follows_dataset():
    data = [1, 2, 3]
    s = RandomSampler(data)
    data.append(4)
    assert len(s) == 4 and sorted(s) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    "kwargs, exc, msg",
    [
        (
            {"replacement": 1},
            TypeError,
            "replacement should be a boolean value, but got replacement=1",
        ),
        (
            {"num_samples": 0},
            ValueError,
            "num_samples should be a positive integer value, but got num_samples=0",
        ),
        ({"num_samples": 2.0}, ValueError, "num_samples should be a positive integer value"),
    ],
)
def test_random_sampler_errors_match_torch(kwargs, exc, msg):
    with pytest.raises(exc, match=msg):
        tdata.RandomSampler(range(3), **kwargs)
    with pytest.raises(exc, match=msg):
        RandomSampler(range(3), **kwargs)


def test_subset_random_sampler():
    idx = [10, 20, 30, 40]
    out = list(SubsetRandomSampler(idx, generator=gen(0)))
    assert sorted(out) == idx
    assert list(SubsetRandomSampler(idx, generator=gen(0))) == out
    assert len(SubsetRandomSampler(idx)) == 4


def test_weighted_random_sampler_follows_weights():
    s = WeightedRandomSampler([0.0, 1.0, 3.0], 4000, generator=gen(0))
    counts = collections.Counter(s)
    assert len(s) == 4000 and 0 not in counts
    assert 2.6 < counts[2] / counts[1] < 3.4


def test_weighted_random_sampler_without_replacement():
    out = list(WeightedRandomSampler([1, 1, 1, 1, 100], 5, replacement=False, generator=gen(0)))
    assert sorted(out) == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist"):
        list(WeightedRandomSampler([1, 1], 3, replacement=False))


@pytest.mark.parametrize(
    "args, msg",
    [
        (([1.0, 2.0], 0), "num_samples should be a positive integer value, but got num_samples=0"),
        (([1.0, 2.0], True), "num_samples should be a positive integer value"),
        (([1.0, 2.0], 2, 1), "replacement should be a boolean value, but got replacement=1"),
        (
            ([[1.0, 2.0]], 2),
            r"weights should be a 1d sequence but given weights have shape \(1, 2\)",
        ),
    ],
)
def test_weighted_random_sampler_errors_match_torch(args, msg):
    with pytest.raises(ValueError, match=msg):
        tdata.WeightedRandomSampler(*args)
    with pytest.raises(ValueError, match=msg):
        WeightedRandomSampler(*args)


@pytest.mark.parametrize(
    "n, bs, drop",
    [(10, 3, False), (10, 3, True), (9, 3, True), (2, 5, False), (2, 5, True), (0, 2, False)],
)
def test_batch_sampler_matches_torch(n, bs, drop):
    ours = BatchSampler(SequentialSampler(range(n)), bs, drop)
    theirs = tdata.BatchSampler(tdata.SequentialSampler(range(n)), bs, drop)
    assert list(ours) == list(theirs)
    assert len(ours) == len(theirs)


def test_batch_sampler_takes_any_iterable():
    assert list(BatchSampler(iter([5, 6, 7]), 2, False)) == [[5, 6], [7]]


@pytest.mark.parametrize(
    "bs, drop, msg",
    [
        (0, False, "batch_size should be a positive integer value, but got batch_size=0"),
        (True, False, "batch_size should be a positive integer value, but got batch_size=True"),
        (2, 1, "drop_last should be a boolean value, but got drop_last=1"),
    ],
)
def test_batch_sampler_errors_match_torch(bs, drop, msg):
    with pytest.raises(ValueError, match=msg):
        tdata.BatchSampler(range(3), bs, drop)
    with pytest.raises(ValueError, match=msg):
        BatchSampler(range(3), bs, drop)
