"""Conv2d / pooling benchmarks: ember against torch in the same run, printed as time ratios.

Run: ``python bench/nn_conv.py``. Target: Conv2d forward+backward on (32, 64, 32, 32) with 64
3x3 filters within ~1.5x of torch's time on the CPU (one thread each).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time, report  # noqa: E402

import ember  # noqa: E402
from ember.nn._functional import conv as EF  # noqa: E402
from ember.nn._functional import pooling as EP  # noqa: E402


def fwd_bwd(conv, x, w, b):
    y = conv(x, w, b, padding=1)
    y.sum().backward()
    x.grad = w.grad = b.grad = None


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 64, 32, 32)).astype(np.float32)
    w = (rng.standard_normal((64, 64, 3, 3)) * 0.05).astype(np.float32)
    b = rng.standard_normal(64).astype(np.float32)
    xe, we, be = (ember.tensor(a, requires_grad=True) for a in (x, w, b))
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    rows = []
    with ember.no_grad(), torch.no_grad():
        rows.append(
            (
                "conv2d 32x64x32x32, 64 3x3, forward",
                best_time(lambda: EF.conv2d(xe, we, be, padding=1), repeat=3),
                best_time(lambda: torch.nn.functional.conv2d(xt, wt, bt, padding=1), repeat=3),
                None,
            )
        )
    rows.append(
        (
            "conv2d 32x64x32x32, 64 3x3, fwd+bwd",
            best_time(lambda: fwd_bwd(EF.conv2d, xe, we, be), repeat=3),
            best_time(lambda: fwd_bwd(torch.nn.functional.conv2d, xt, wt, bt), repeat=3),
            1.5,
        )
    )

    def pool(lib_pool, t):
        y = lib_pool(t, 2)
        y.sum().backward()
        t.grad = None

    rows.append(
        (
            "max_pool2d 2x2 on 32x64x32x32, fwd+bwd",
            best_time(lambda: pool(EP.max_pool2d, xe), repeat=3),
            best_time(lambda: pool(torch.nn.functional.max_pool2d, xt), repeat=3),
            None,
        )
    )
    rows.append(
        (
            "avg_pool2d 2x2 on 32x64x32x32, fwd+bwd",
            best_time(lambda: pool(EP.avg_pool2d, xe), repeat=3),
            best_time(lambda: pool(torch.nn.functional.avg_pool2d, xt), repeat=3),
            None,
        )
    )
    report(rows, f"conv / pooling, {threads} thread(s)")


if __name__ == "__main__":
    main()
