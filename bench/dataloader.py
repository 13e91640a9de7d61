"""DataLoader throughput, ember against torch in the same run (seconds per epoch and ratio).

Run: ``python bench/dataloader.py [workers] [rounds]`` (defaults 2 workers, 5 rounds).

Cases:
- ``images``: 4096 small images (3x32x32 uint8, stored as NumPy arrays), each turned into a
  float tensor scaled to [0, 1] in ``__getitem__`` with an int label; batches of 64.
- ``images, numpy``: the same images returned as NumPy arrays, so the library only collates
  and transfers (the loader's own overhead, with no per-sample tensor op).
- ``sleepy``: 400 samples that each sleep 2 ms (I/O-bound), batches of 8.

Each case is timed with 0 workers and with N workers ("first" includes starting the workers,
"steady" reuses persistent workers). ember and torch epochs alternate, and the best of
``rounds`` epochs is kept, so that a busy machine slows both alike. ``ratio`` is ember's time
over torch's: below 1.0 ember is faster.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.utils.data as tdata

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import ember  # noqa: E402
import ember.utils.data as edata  # noqa: E402

_IMAGES = np.random.default_rng(0).integers(0, 256, (4096, 32, 32, 3), dtype=np.uint8)
_LABELS = np.random.default_rng(1).integers(0, 10, 4096)


class Images:
    """4096 HWC uint8 images; ``__getitem__`` returns (CHW float tensor in [0, 1], label)."""

    def __init__(self, lib, as_numpy: bool = False) -> None:
        self.lib, self.as_numpy = lib, as_numpy

    def __len__(self) -> int:
        return len(_IMAGES)

    def __getitem__(self, i):
        img = _IMAGES[i].transpose(2, 0, 1)
        if self.as_numpy:
            return np.ascontiguousarray(img, dtype=np.float32) / 255, int(_LABELS[i])
        return self.lib.from_numpy(np.ascontiguousarray(img)).float().div(255), int(_LABELS[i])


class Sleepy:
    """400 samples; each ``__getitem__`` sleeps 2 ms, then returns a small tensor."""

    def __init__(self, lib) -> None:
        self.lib = lib

    def __len__(self) -> int:
        return 400

    def __getitem__(self, i):
        time.sleep(0.002)
        return self.lib.full((16,), float(i))


CASES = {
    "images": (lambda lib: Images(lib), 64),
    "images, numpy": (lambda lib: Images(lib, as_numpy=True), 64),
    "sleepy": (Sleepy, 8),
}
LIBS = {"ember": (ember, edata.DataLoader), "torch": (torch, tdata.DataLoader)}


def epoch_time(loader) -> float:
    """Seconds to iterate over ``loader`` once."""
    t0 = time.perf_counter()
    count = sum(1 for _ in loader)
    elapsed = time.perf_counter() - t0
    assert count == len(loader)
    return elapsed


def run_case(name: str, workers: int, rounds: int) -> list[tuple[str, float, float]]:
    """(mode, ember seconds, torch seconds) rows of one dataset case."""
    make, batch = CASES[name]
    best = {}
    persistent = {
        lib: cls(make(mod), batch_size=batch, num_workers=workers, persistent_workers=True)
        for lib, (mod, cls) in LIBS.items()
    }
    for _ in range(rounds):
        for lib, (mod, cls) in LIBS.items():
            ds = make(mod)
            for mode, loader in (
                ("0 workers", cls(ds, batch_size=batch)),
                (f"{workers} workers, first", cls(ds, batch_size=batch, num_workers=workers)),
                (f"{workers} workers, steady", persistent[lib]),
            ):
                t = epoch_time(loader)
                best[mode, lib] = min(best.get((mode, lib), float("inf")), t)
    del persistent
    modes = dict.fromkeys(mode for mode, _ in best)
    return [(mode, best[mode, "ember"], best[mode, "torch"]) for mode in modes]


def main() -> None:
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"DataLoader, seconds per epoch (best of {rounds}), ember vs torch {torch.__version__}")
    print(f"{'case':<16}{'mode':<22}{'ember':>9}{'torch':>9}{'ratio':>8}")
    for name in CASES:
        for mode, te, tt in run_case(name, workers, rounds):
            print(f"{name:<16}{mode:<22}{te:>9.3f}{tt:>9.3f}{te / tt:>7.2f}x")


if __name__ == "__main__":
    main()
