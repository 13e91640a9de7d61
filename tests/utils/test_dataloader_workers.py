"""DataLoader with worker processes: order, errors, dead workers, shutdown, seeding, sharding.

Datasets live at module level so that the spawn start method can pickle them.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import random
import re
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import DataLoader, Dataset, IterableDataset, get_worker_info
from ember.utils.data._worker import WorkerInfo  # torch keeps it private too (data._utils.worker)


class Probe(Dataset):
    """Sample i reports who loaded it and the random state it saw there."""

    def __init__(self, n, delay=0.0):
        self.n, self.delay = n, delay
        self.tag = ""

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if self.delay:
            time.sleep(self.delay * ((i * 7) % 3))  # uneven: workers finish out of order
        info = get_worker_info()
        return {
            "i": i,
            "pid": os.getpid(),
            "worker": -1 if info is None else info.id,
            "seed": -1 if info is None else info.seed,
            "initial_seed": ember.initial_seed(),
            "ember": float(ember.rand(()).item()),
            "numpy": float(np.random.rand()),
            "random": random.random(),
            "tag": self.tag,
        }


class Failing(Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3:
            raise ValueError(f"bad sample {i}")
        return i


class Sleepy(Dataset):
    def __init__(self, seconds):
        self.seconds = seconds

    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(self.seconds)
        return i


class Sharded(IterableDataset):
    def __init__(self, n, shard=True):
        self.n, self.shard = n, shard

    def __iter__(self):
        info = get_worker_info()
        if info is None or not self.shard:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def tag_with_worker_id(worker_id):
    get_worker_info().dataset.tag = f"w{worker_id}"


def failing_init(worker_id):
    raise KeyError("no config")


def unpicklable_collate(batch):
    return lambda: batch


def _children():
    return {p.pid for p in multiprocessing.active_children()}


def _flat(batches, key):
    return [v for b in batches for v in b[key].tolist()]


def _load(**kwargs):
    return list(DataLoader(Probe(12, delay=0.004), batch_size=2, num_workers=2, **kwargs))


def test_order_and_seeding_fork():
    before = _children()
    batches = _load(generator=ember.Generator().manual_seed(5))
    assert _flat(batches, "i") == list(range(12))  # the order of num_workers=0
    pids = set(_flat(batches, "pid"))
    assert len(pids) == 2 and os.getpid() not in pids
    seeds = {w: s for w, s in zip(_flat(batches, "worker"), _flat(batches, "seed"))}
    assert seeds[1] == seeds[0] + 1  # seed = base_seed + worker_id
    # ember is seeded with the worker seed; each worker's streams differ
    assert _flat(batches, "initial_seed") == _flat(batches, "seed")
    for key in ("ember", "numpy", "random"):
        first_of = {w: v for w, v in zip(_flat(batches, "worker")[::-1], _flat(batches, key)[::-1])}
        assert first_of[0] != first_of[1], key
    # the same generator seed reproduces every random draw; another seed does not
    again = _load(generator=ember.Generator().manual_seed(5))
    other = _load(generator=ember.Generator().manual_seed(6))
    for key in ("seed", "ember", "numpy", "random"):
        assert _flat(again, key) == _flat(batches, key)
        assert _flat(other, key) != _flat(batches, key)
    assert not _children() - before


def test_base_seed_comes_from_default_generator():
    ember.manual_seed(11)
    a = _load()
    ember.manual_seed(11)
    b = _load()
    assert _flat(a, "ember") == _flat(b, "ember")


def test_in_order_false_yields_everything():
    batches = _load(in_order=False)
    assert sorted(_flat(batches, "i")) == list(range(12))


def test_no_auto_batching_and_prefetch_factor():
    loader = DataLoader(Probe(5, delay=0.002), batch_size=None, num_workers=2, prefetch_factor=1)
    assert [s["i"] for s in loader] == list(range(5))


def test_worker_exception_is_reraised_with_traceback():
    loader = DataLoader(Failing(), batch_size=2, num_workers=2)
    with pytest.raises(ValueError) as err:
        list(loader)
    msg = str(err.value)
    assert "Caught ValueError in DataLoader worker process 1." in msg
    assert "Original Traceback (most recent call last):" in msg
    assert "bad sample 3" in msg and "__getitem__" in msg


def test_worker_init_fn_error_and_dataset_copy():
    with pytest.raises(KeyError, match="Caught KeyError in DataLoader worker process"):
        list(DataLoader(Probe(4), num_workers=1, worker_init_fn=failing_init))
    batches = list(
        DataLoader(Probe(4), batch_size=1, num_workers=2, worker_init_fn=tag_with_worker_id)
    )
    assert [b["tag"] for b in batches] == [["w0"], ["w1"], ["w0"], ["w1"]]


def test_unpicklable_batch_is_an_error_not_a_hang():
    loader = DataLoader(range(4), batch_size=2, num_workers=1, collate_fn=unpicklable_collate)
    with pytest.raises(Exception, match="in DataLoader worker process 0"):
        list(loader)


def test_killed_worker_raises_instead_of_hanging():
    before = _children()
    loader = DataLoader(Probe(40, delay=0.02), batch_size=1, num_workers=2, persistent_workers=True)
    it = iter(loader)
    victim = next(it)["pid"].item()
    os.kill(victim, signal.SIGKILL)
    start = time.monotonic()
    with pytest.raises(
        RuntimeError,
        match=rf"DataLoader worker \(pid\(s\) {victim}\) exited "
        "unexpectedly",
    ):
        for _ in it:
            pass
    assert time.monotonic() - start < 30  # bounded, not a hang
    assert not _children() - before
    # the next epoch starts fresh workers
    assert [b["i"].item() for b in loader] == list(range(40))
    assert victim not in _children()
    del loader, it
    gc.collect()
    assert not _children() - before


def test_abandoned_iterator_shuts_workers_down():
    before = _children()
    it = iter(DataLoader(Probe(100, delay=0.01), batch_size=2, num_workers=2))
    next(it)
    assert len(_children() - before) == 2
    next(it)
    del it
    gc.collect()
    assert not _children() - before


def test_timeout():
    before = _children()
    loader = DataLoader(Sleepy(0.6), num_workers=1, timeout=0.2)
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0.2 seconds"):
        list(loader)
    assert not _children() - before


def ignore_sigterm(worker_id):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


@pytest.mark.parametrize("init", [None, ignore_sigterm])
def test_timeout_fires_on_time(init):
    # The error comes at the deadline: hung workers are terminated (killed if they ignore
    # SIGTERM), not joined for seconds before the raise.
    before = _children()
    it = iter(DataLoader(Sleepy(30), num_workers=2, timeout=0.3, worker_init_fn=init))
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.3 seconds$"):
        next(it)
    assert 0.3 <= time.monotonic() - start < 0.8
    assert not _children() - before
    with pytest.raises(RuntimeError, match="DataLoader iterator was shut down after an error"):
        next(it)


def exit_in_worker(worker_id):
    os._exit(3)


@pytest.mark.parametrize(
    ("how", "detail"),
    [
        ("kill", r"is killed by signal: Killed\. $"),
        (
            "exit",
            r"exited unexpectedly with exit code 3\. Details are lost due to "
            r"multiprocessing\. Rerunning with num_workers=0 may give better error trace\.$",
        ),
    ],
)
def test_dead_worker_detected_at_once(how, detail):
    # torch learns of a dead worker from SIGCHLD within milliseconds; polling took 0.25 s.
    before = _children()
    init = exit_in_worker if how == "exit" else None
    it = iter(DataLoader(Sleepy(30), num_workers=2, worker_init_fn=init))
    time.sleep(0.3)  # let the workers start (and, for "exit", die)
    victim = min(_children() - before) if how == "kill" else None
    if victim is not None:
        os.kill(victim, signal.SIGKILL)
        time.sleep(0.05)  # SIGKILL is delivered: the worker is gone before next() waits
    start = time.monotonic()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) [\d, ]+\) exited") as err:
        next(it)
    assert time.monotonic() - start < 0.2
    cause = str(err.value.__cause__)
    assert re.match(rf"DataLoader worker \(pid \d+\) {detail}", cause), cause
    if victim is not None:
        assert f"pid {victim})" in cause
    assert not _children() - before


def test_iterable_dataset_sharding():
    loader = DataLoader(Sharded(11), batch_size=3, num_workers=2)
    values = [v for b in loader for v in b.tolist()]
    assert sorted(values) == list(range(11))
    # without sharding every worker replays the whole stream, as in PyTorch
    dup = [
        v
        for b in DataLoader(Sharded(5, shard=False), batch_size=2, num_workers=2)
        for v in b.tolist()
    ]
    assert sorted(dup) == sorted(list(range(5)) * 2)


def test_persistent_workers_survive_epochs():
    before = _children()
    loader = DataLoader(Probe(8, delay=0.002), batch_size=2, num_workers=2, persistent_workers=True)
    first = list(loader)
    workers = _children() - before
    assert len(workers) == 2
    it = iter(loader)
    next(it)  # abandon this epoch midway: its leftovers must not leak into the next one
    for _ in range(2):
        epoch = list(loader)
        assert _flat(epoch, "i") == list(range(8))
        assert set(_flat(epoch, "pid")) == set(_flat(first, "pid")) == workers
    del loader, it
    gc.collect()
    assert not _children() - before
    stream = DataLoader(Sharded(6), batch_size=4, num_workers=2, persistent_workers=True)
    for _ in range(2):
        assert sorted(v for b in stream for v in b.tolist()) == list(range(6))
    del stream
    gc.collect()
    assert not _children() - before


def test_spawn_start_method():
    before = _children()
    # one worker: a spawned child re-imports ember, which is slow on a busy machine
    batches = list(
        DataLoader(
            Probe(6),
            batch_size=2,
            num_workers=1,
            multiprocessing_context="spawn",
            worker_init_fn=tag_with_worker_id,
            generator=ember.Generator().manual_seed(1),
        )
    )
    assert _flat(batches, "i") == list(range(6))
    assert [b["tag"] for b in batches] == [["w0", "w0"]] * 3
    assert _flat(batches, "initial_seed") == _flat(batches, "seed")
    assert not _children() - before


def test_worker_info_in_main_process():
    assert get_worker_info() is None
    info = WorkerInfo(id=1, num_workers=2, seed=7, dataset=None)
    assert repr(info) == "WorkerInfo(id=1, num_workers=2, seed=7, dataset=None)"
    with pytest.raises(RuntimeError, match="Cannot assign attributes to WorkerInfo objects"):
        info.id = 3
