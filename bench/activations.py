"""Activation and loss kernels: ember against torch in the same run, as time ratios.

Run: ``python bench/activations.py [threads] [device]`` (device 'cpu' or 'cuda'). Cases:
softmax, log_softmax and cross_entropy on 256 x 10000 logits (forward + backward), relu and
gelu on 1M elements (forward, and forward + backward).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from _timing import best_time, report  # noqa: E402

import ember  # noqa: E402
import ember.nn.functional  # noqa: E402, F401


def fwd_bwd(fn, x, *args):
    def run():
        fn(x, *args).sum().backward()
        x.grad = None

    return run


def synced(lib, fn):
    """``fn`` followed by a device synchronisation (CUDA work is asynchronous)."""

    def run():
        fn()
        lib.cuda.synchronize()

    return run


def cases(lib, logits, target, flat, device):
    """(name, callable) pairs for one library."""
    F = lib.nn.functional
    x = lib.tensor(logits, device=device, requires_grad=True)
    t = lib.tensor(target, device=device)
    v = lib.tensor(flat, device=device, requires_grad=True)
    vd = v.detach()
    return [
        ("softmax 256x10000 fwd+bwd", fwd_bwd(lambda a: F.softmax(a, dim=1) * a, x)),
        ("log_softmax 256x10000 fwd+bwd", fwd_bwd(lambda a: F.log_softmax(a, dim=1), x)),
        ("cross_entropy 256x10000 fwd+bwd", fwd_bwd(lambda a: F.cross_entropy(a, t), x)),
        (
            "cross_entropy smooth=0.1 fwd+bwd",
            fwd_bwd(lambda a: F.cross_entropy(a, t, label_smoothing=0.1), x),
        ),
        ("relu 1M fwd", lambda: F.relu(vd)),
        ("relu 1M fwd+bwd", fwd_bwd(F.relu, v)),
        ("gelu 1M fwd", lambda: F.gelu(vd)),
        ("gelu 1M fwd+bwd", fwd_bwd(F.gelu, v)),
        ("gelu tanh 1M fwd+bwd", fwd_bwd(lambda a: F.gelu(a, approximate="tanh"), v)),
        ("silu 1M fwd+bwd", fwd_bwd(F.silu, v)),
    ]


def main(threads: int = 1, device: str = "cpu") -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rng = np.random.default_rng(0)
    logits = (rng.standard_normal((256, 10000)) * 3).astype(np.float32)
    target = rng.integers(0, 10000, size=256)
    flat = rng.standard_normal(1_000_000).astype(np.float32)
    rows = []
    for lib in (ember, torch):
        for i, (name, fn) in enumerate(cases(lib, logits, target, flat, device)):
            if device != "cpu":
                fn = synced(lib, fn)
            if lib is ember:
                rows.append([name, best_time(fn, repeat=5), None, None])
            else:
                rows[i][2] = best_time(fn, repeat=5)
    report(rows, f"activations and losses on {device}, {threads} thread(s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1, sys.argv[2] if len(sys.argv) > 2 else "cpu")
