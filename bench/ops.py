"""Op benchmarks: ember against torch in the same run, printed as time ratios.

Run: ``python bench/ops.py``. Targets (issue #2): per-op overhead at most 3x torch's; large
elementwise ops, reductions and a 1024x1024 matmul at most 1.2x torch's time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time, report  # noqa: E402

import ember  # noqa: E402


def chain(lib, x):
    """100 small elementwise ops, then backward."""
    y = x
    for i in range(25):
        y = y * 1.01
        y = y + x
        y = y.tanh()
        y = y - 0.5 if i % 2 else y.sin()
    y.sum().backward()
    x.grad = None


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rows = []
    a = np.random.default_rng(0).standard_normal((4, 4)).astype(np.float32)
    xe = ember.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    rows.append(
        (
            "chain of 100 ops on 4x4, fwd+bwd",
            best_time(lambda: chain(ember, xe)),
            best_time(lambda: chain(torch, xt)),
            3.0,
        )
    )

    big = np.random.default_rng(1).standard_normal((1000, 1000)).astype(np.float32)
    big2 = np.random.default_rng(2).standard_normal((1000, 1000)).astype(np.float32)
    be, be2 = ember.tensor(big), ember.tensor(big2)
    bt, bt2 = torch.tensor(big), torch.tensor(big2)
    for name, f in [
        ("add 1M", lambda m, x, y: x + y),
        ("mul 1M", lambda m, x, y: x * y),
        ("exp 1M", lambda m, x, y: x.exp()),
        ("tanh 1M", lambda m, x, y: x.tanh()),
        ("sum 1M", lambda m, x, y: x.sum()),
        ("sum dim=1 1000x1000", lambda m, x, y: x.sum(1)),
        ("mean dim=0 1000x1000", lambda m, x, y: x.mean(0)),
    ]:
        rows.append(
            (
                name,
                best_time(lambda f=f: f(ember, be, be2)),
                best_time(lambda f=f: f(torch, bt, bt2)),
                1.2,
            )
        )
    if hasattr(ember.Tensor, "amax"):
        rows.append(
            (
                "amax dim=1 1000x1000",
                best_time(lambda: be.amax(1)),
                best_time(lambda: bt.amax(1)),
                1.2,
            )
        )
    m = np.random.default_rng(3).standard_normal((1024, 1024)).astype(np.float32)
    me, mt = ember.tensor(m), torch.tensor(m)
    rows.append(
        (
            "matmul 1024x1024",
            best_time(lambda: me @ me, repeat=5),
            best_time(lambda: mt @ mt, repeat=5),
            1.2,
        )
    )
    report(rows, f"ember vs torch (CPU, {threads} thread(s)); ratio = ember / torch")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
