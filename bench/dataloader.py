"""DataLoader throughput: worker processes against loading in the main process.

Run: ``python bench/dataloader.py [items] [workers]`` (defaults 400 items, 2 workers). Each
sample costs 2 ms (``time.sleep(0.002)``, i.e. I/O-bound work), batches of 8. Reports the time
of one epoch with 0 workers and with N workers, both for ember and for torch, and the speed-up
of N workers over 0. "first epoch" includes starting the workers; "steady" is the best of three
later epochs with persistent workers. The target is a speed-up of at least 1.7x with 2 workers.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import torch
import torch.utils.data as tdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ember  # noqa: E402
from ember.utils.data import DataLoader, Dataset  # noqa: E402


class SlowDataset(Dataset):
    """Each ``__getitem__`` sleeps 2 ms, then returns a small tensor."""

    def __init__(self, n: int, lib) -> None:
        self.n, self.lib = n, lib

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):
        time.sleep(0.002)
        return self.lib.full((16,), float(i))


class TorchSlowDataset(SlowDataset, tdata.Dataset):
    pass


def epoch_time(loader) -> float:
    t0 = time.perf_counter()
    count = sum(1 for _ in loader)
    assert count == len(loader)
    return time.perf_counter() - t0


def measure(loader_cls, dataset, workers: int):
    """(first epoch with 0 workers, first epoch with N, steady 0 workers, steady N workers)."""
    serial = loader_cls(dataset, batch_size=8)
    parallel = loader_cls(dataset, batch_size=8, num_workers=workers, persistent_workers=True)
    first_serial = epoch_time(serial)
    first_parallel = epoch_time(parallel)
    steady_serial = min(epoch_time(serial) for _ in range(3))
    steady_parallel = min(epoch_time(parallel) for _ in range(3))
    del parallel
    return first_serial, first_parallel, steady_serial, steady_parallel


def main() -> None:
    items = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    print(f"{items} items x 2 ms, batch 8, {workers} workers vs 0 (seconds per epoch)")
    print(f"{'':<8}{'case':<14}{'0 workers':>11}{f'{workers} workers':>11}{'speed-up':>10}")
    for name, cls, ds in (
        ("ember", DataLoader, SlowDataset(items, ember)),
        ("torch", tdata.DataLoader, TorchSlowDataset(items, torch)),
    ):
        f0, fn, s0, sn = measure(cls, ds, workers)
        print(f"{name:<8}{'first epoch':<14}{f0:>11.3f}{fn:>11.3f}{f0 / fn:>9.2f}x")
        print(f"{name:<8}{'steady':<14}{s0:>11.3f}{sn:>11.3f}{s0 / sn:>9.2f}x")


if __name__ == "__main__":
    main()
