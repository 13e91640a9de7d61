"""nn benchmarks (issue #3): ember against torch in the same run, as time ratios.

Run: ``python bench/nn.py [threads]``. Targets: each case at most 1.5x torch's time on the CPU.
Both libraries get identical weights and inputs; each case is forward + backward.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time, report  # noqa: E402

import ember  # noqa: E402


def _copy(src, dst):
    dst.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def _step(model, x, loss_of=lambda out: out.sum()):
    def run():
        for p in model.parameters():
            p.grad = None
        out = model(x)
        loss_of(out[0] if isinstance(out, tuple) else out).backward()

    return run


def case(name, make, shape, target=1.5, with_grad_input=False):
    rng = np.random.default_rng(0)
    data = rng.standard_normal(shape).astype(np.float32)
    tm = make(torch)
    em = make(ember)
    _copy(tm, em)
    xt = torch.tensor(data, requires_grad=with_grad_input)
    xe = ember.tensor(data, requires_grad=with_grad_input)
    return (name, best_time(_step(em, xe), repeat=3), best_time(_step(tm, xt), repeat=3), target)


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rows = [
        case(
            "Conv2d 64->64 3x3 on (32,64,32,32)",
            lambda m: m.nn.Conv2d(64, 64, 3, padding=1),
            (32, 64, 32, 32),
        ),
        case(
            "LSTM 2 layers h256, seq 35, batch 20",
            lambda m: m.nn.LSTM(256, 256, num_layers=2),
            (35, 20, 256),
        ),
        case(
            "TransformerEncoderLayer d256 h4 (16,128)",
            lambda m: m.nn.TransformerEncoderLayer(256, 4, batch_first=True, dropout=0.0),
            (16, 128, 256),
        ),
        case(
            "BatchNorm2d(64) on (32,64,32,32)",
            lambda m: m.nn.BatchNorm2d(64),
            (32, 64, 32, 32),
            with_grad_input=True,
        ),
        case(
            "LayerNorm(512) on (64,128,512)",
            lambda m: m.nn.LayerNorm(512),
            (64, 128, 512),
            with_grad_input=True,
        ),
    ]
    rng = np.random.default_rng(1)
    logits = rng.standard_normal((256, 10000)).astype(np.float32)
    target = rng.integers(0, 10000, 256)
    lt, le = torch.tensor(logits, requires_grad=True), ember.tensor(logits, requires_grad=True)
    tt, te = torch.tensor(target), ember.tensor(target)

    def ce(lib, x, t):
        return lambda: lib.nn.functional.cross_entropy(x, t).backward()

    rows.append(
        (
            "cross_entropy (256, 10000 classes)",
            best_time(ce(ember, le, te), repeat=3),
            best_time(ce(torch, lt, tt), repeat=3),
            1.5,
        )
    )
    report(rows, f"nn: ember vs torch (CPU, {threads} thread(s)), forward + backward")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
