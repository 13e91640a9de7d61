"""Attention / Transformer benchmarks: ember against torch in the same run, as time ratios.

Run: ``python bench/nn_transformer.py``. Main case: TransformerEncoderLayer(d_model=256,
nhead=4, batch_first=True) on (16, 128, 256), forward + backward in training mode, one thread
each. Also: scaled_dot_product_attention forward+backward on (16, 4, 128, 64), against torch and
against the same attention composed of ember's separate ops (what the fused primitive saves).
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import report  # noqa: E402

import ember  # noqa: E402
from ember.nn._functional import attention as EA  # noqa: E402
from ember.nn.modules import transformer as ET  # noqa: E402

N, L, D, HEADS = 16, 128, 256, 4


def layer_pair(dropout):
    t = torch.nn.TransformerEncoderLayer(D, HEADS, dropout=dropout, batch_first=True)
    e = ET.TransformerEncoderLayer(D, HEADS, dropout=dropout, batch_first=True)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def paired(fe, ft, repeat: int = 7) -> tuple[float, float]:
    """Best CPU times of ``fe`` and ``ft`` (one thread each), run alternately.

    CPU time rather than wall time: on a shared machine the process is descheduled at random,
    which wall time counts and CPU time does not.
    """
    fe()
    ft()
    best_e = best_t = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        fe()
        t1 = time.process_time()
        ft()
        t2 = time.process_time()
        best_e, best_t = min(best_e, t1 - t0), min(best_t, t2 - t1)
    return best_e, best_t


def fwd_bwd(layer, x):
    layer(x).sum().backward()
    x.grad = None
    for p in layer.parameters():
        p.grad = None


def composite_sdpa(q, k, v):
    """The same attention from ember's separate ops (matmul, scale, softmax, matmul)."""
    s = (q @ k.mT) * (1.0 / math.sqrt(q.shape[-1]))
    return ember.softmax(s, -1) @ v


def attention_fwd_bwd(fn, q, k, v):
    fn(q, k, v).sum().backward()
    q.grad = k.grad = v.grad = None


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, L, D)).astype(np.float32)
    rows = []
    for dropout in (0.1, 0.0):
        e, t = layer_pair(dropout)
        xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        rows.append(
            (
                f"encoder layer fwd+bwd, dropout {dropout}",
                *paired(lambda e=e, xe=xe: fwd_bwd(e, xe), lambda t=t, xt=xt: fwd_bwd(t, xt)),
                None,
            )
        )
    e, t = layer_pair(0.1)
    e.eval()
    t.eval()
    with ember.no_grad(), torch.no_grad():
        rows.append(
            (
                "encoder layer forward, eval, no grad",
                *paired(lambda: e(ember.tensor(x)), lambda: t(torch.tensor(x))),
                None,
            )
        )
    qkv = [rng.standard_normal((N, HEADS, L, D // HEADS)).astype(np.float32) for _ in range(3)]
    qe = [ember.tensor(a, requires_grad=True) for a in qkv]
    qt = [torch.tensor(a, requires_grad=True) for a in qkv]
    torch_sdpa = torch.nn.functional.scaled_dot_product_attention
    rows.append(
        (
            "sdpa (16,4,128,64) fwd+bwd",
            *paired(
                lambda: attention_fwd_bwd(EA.scaled_dot_product_attention, *qe),
                lambda: attention_fwd_bwd(torch_sdpa, *qt),
                repeat=15,
            ),
            None,
        )
    )
    rows.append(
        (
            "  same, composed of separate ember ops",
            *paired(
                lambda: attention_fwd_bwd(composite_sdpa, *qe),
                lambda: attention_fwd_bwd(torch_sdpa, *qt),
                repeat=15,
            ),
            None,
        )
    )
    report(rows, f"attention / transformer, {threads} thread(s)")


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        main()
