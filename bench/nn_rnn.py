"""Recurrent-layer benchmarks: ember against torch in the same run, printed as time ratios.

Run: ``python bench/nn_rnn.py``. Target: nn.LSTM (2 layers, hidden 256) on a (35, 20, 256)
sequence, forward+backward, within ~1.5x of torch's time on the CPU (one thread each).

Times are the best of interleaved runs, in CPU time of the calling thread
(``time.thread_time``): with one BLAS thread that is all the work, and it stays meaningful on a
machine shared with other jobs, where wall-clock times swing by 2x from run to run.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import report  # noqa: E402

import ember  # noqa: E402
from ember.nn.modules.rnn import GRU, LSTM, RNN  # noqa: E402


def _pair(torch_cls, ember_cls, *args, **kwargs):
    t = torch_cls(*args, **kwargs)
    e = ember_cls(*args, **kwargs)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


def _fwd_bwd(module, x):
    out, _ = module(x)
    out.sum().backward()
    x.grad = None
    for p in module.parameters():
        p.grad = None


def _forward(lib, module, x):
    with lib.no_grad():
        module(x)


def cpu_times(fe, ft, rounds: int = 12) -> tuple[float, float]:
    """Best thread CPU time of ``fe`` and ``ft``, run alternately ``rounds`` times."""
    fe()
    ft()
    be = bt = float("inf")
    for _ in range(rounds):
        t0 = time.thread_time()
        fe()
        t1 = time.thread_time()
        ft()
        t2 = time.thread_time()
        be, bt = min(be, t1 - t0), min(bt, t2 - t1)
    return be, bt


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    x = np.random.default_rng(0).standard_normal((35, 20, 256)).astype(np.float32)
    xe = ember.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    rows = []
    for name, tc, ec in (
        ("LSTM", torch.nn.LSTM, LSTM),
        ("GRU", torch.nn.GRU, GRU),
        ("RNN", torch.nn.RNN, RNN),
    ):
        t, e = _pair(tc, ec, 256, 256, num_layers=2)
        te, tt = cpu_times(lambda e=e: _forward(ember, e, xe), lambda t=t: _forward(torch, t, xt))
        rows.append((f"{name} 2x256, (35, 20, 256), forward", te, tt, None))
        te, tt = cpu_times(lambda e=e: _fwd_bwd(e, xe), lambda t=t: _fwd_bwd(t, xt))
        rows.append(
            (f"{name} 2x256, (35, 20, 256), fwd+bwd", te, tt, 1.5 if name == "LSTM" else None)
        )
    report(rows, f"recurrent layers, {threads} thread(s), thread CPU time")


if __name__ == "__main__":
    main()
