"""Hot spots of issue 11: batched matmul with transposed operands, and the backward of indexing.

Run: ``python bench/hotspots.py [threads]``. Each case runs on ember and torch in the same process
(best of several rounds); the ratio is ember's time over torch's.

- matmul: a batched ``(B, M, K) @ (B, K, N)`` product, the attention-shaped ``q @ k^T`` (a
  transposed operand, and transposed views again in the backward), and a 2-D product, forward and
  backward with a dense cotangent.
- indexing: the backward of ``x[perm]`` (a permutation of 12.5M elements), of ``x[idx]`` with
  repeated indices, of ``index_select``, ``gather`` and ``F.embedding``: scatter-adds that must
  accumulate repeated indices.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time, report  # noqa: E402

import ember  # noqa: E402


def _fwd_bwd(lib, make, inputs, cotangent):
    def step():
        out = make(lib, *inputs)
        out.backward(cotangent)
        for t in inputs:
            if getattr(t, "requires_grad", False):
                t.grad = None

    return step


def _pair(arrays, grads):
    """The same arrays as ember and torch tensors (``grads[i]``: requires_grad)."""
    e = [ember.tensor(a, requires_grad=bool(r)) for a, r in zip(arrays, grads)]
    t = [torch.tensor(a, requires_grad=bool(r)) for a, r in zip(arrays, grads)]
    return e, t


def _case(rows, name, make, arrays, grads, out_shape, rng, repeat=5):
    cot = rng.standard_normal(out_shape).astype(np.float32)
    (e, t), ce, ct = _pair(arrays, grads), ember.tensor(cot), torch.tensor(cot)
    te = best_time(_fwd_bwd(ember, make, e, ce), repeat=repeat)
    tt = best_time(_fwd_bwd(torch, make, t, ct), repeat=repeat)
    rows.append((name, te, tt, None))


def matmul_cases(rng):
    rows = []
    f32 = np.float32
    b, m, k, n = 32, 128, 64, 128
    a, w = rng.standard_normal((b, m, k)).astype(f32), rng.standard_normal((b, k, n)).astype(f32)
    mm = lambda lib, x, y: x @ y  # noqa: E731
    _case(rows, "bmm (32,128,64)@(32,64,128) fwd+bwd", mm, [a, w], [1, 1], (b, m, n), rng)
    # small right factors: the backward's g @ b.mH has a small column-major right factor
    for shape_a, shape_b in (((500, 1792, 12), (500, 12, 7)), ((256, 64, 64), (256, 64, 64))):
        a, w = rng.standard_normal(shape_a).astype(f32), rng.standard_normal(shape_b).astype(f32)
        out = (shape_a[0], shape_a[1], shape_b[2])
        _case(rows, f"bmm {shape_a}@{shape_b} fwd+bwd", mm, [a, w], [1, 1], out, rng)
    q = rng.standard_normal((8, 8, 256, 64)).astype(f32)
    kk = rng.standard_normal((8, 8, 256, 64)).astype(f32)
    qkt = lambda lib, x, y: x @ y.transpose(-2, -1)  # noqa: E731
    _case(rows, "q @ k^T (8,8,256,64) fwd+bwd", qkt, [q, kk], [1, 1], (8, 8, 256, 256), rng)
    tq = lambda lib, x, y: x.transpose(-2, -1) @ y  # noqa: E731
    kq = [kk, q]
    _case(rows, "k^T @ q (8,8,64,256)@(..256,64) fwd+bwd", tq, kq, [1, 1], (8, 8, 64, 64), rng)
    x2 = rng.standard_normal((2048, 512)).astype(f32)
    y2 = rng.standard_normal((512, 1024)).astype(f32)
    _case(rows, "2-D (2048,512)@(512,1024) fwd+bwd", mm, [x2, y2], [1, 1], (2048, 1024), rng)
    y3 = np.ascontiguousarray(y2.T)
    _case(rows, "2-D x @ y^T (2048,512)@(1024,512)^T", qkt, [x2, y3], [1, 1], (2048, 1024), rng)
    return rows


def indexing_cases(rng):
    rows = []
    f32 = np.float32
    rows_n, width = 50_000, 250  # 12.5M elements
    x = rng.standard_normal((rows_n, width)).astype(f32)
    perm = rng.permutation(rows_n)
    dup = rng.integers(-rows_n, rows_n, rows_n)  # repeats and negative indices
    for label, idx in (("perm", perm), ("dup+neg", dup)):
        ie, it = ember.tensor(idx), torch.tensor(idx)
        xe, xt = ember.tensor(x), torch.tensor(x)
        rows.append(
            (
                f"x[{label}] forward (50000x250)",
                best_time(lambda xe=xe, ie=ie: xe[ie], repeat=3),
                best_time(lambda xt=xt, it=it: xt[it], repeat=3),
                None,
            )
        )
        for name, make in (
            (f"x[{label}] fwd+bwd", lambda lib, v, i=idx: v[_index(lib, i)]),
            (
                f"index_select(x, 0, {label}) fwd+bwd",
                lambda lib, v, i=idx: lib.index_select(v, 0, _index(lib, i % rows_n)),
            ),
        ):
            _case(rows, name, make, [x], [1], (len(idx), width), rng, repeat=3)
    wide = rng.standard_normal((1000, 256, 7, 7)).astype(f32)  # roi_align's pooled RoIs
    for label, idx in (("perm", rng.permutation(1000)), ("dup", rng.integers(0, 1000, 1000))):
        make = lambda lib, v, i=idx: v[_index(lib, i)]  # noqa: E731
        name = f"x[{label}] fwd+bwd, x (1000,256,7,7)"
        _case(rows, name, make, [wide], [1], (1000, 256, 7, 7), rng, repeat=3)
    g_idx = rng.integers(0, rows_n, (rows_n, width))
    gat = lambda lib, v: lib.gather(v, 0, _index(lib, g_idx))  # noqa: E731
    _case(rows, "gather(x, 0, random (50000,250)) fwd+bwd", gat, [x], [1], (rows_n, width), rng, 3)
    emb_w = rng.standard_normal((10_000, 256)).astype(f32)
    tokens = rng.integers(0, 10_000, (64, 512))
    emb = lambda lib, w: lib.nn.functional.embedding(_index(lib, tokens), w)  # noqa: E731
    name = "embedding 10000x256, (64,512) tokens fwd+bwd"
    _case(rows, name, emb, [emb_w], [1], (64, 512, 256), rng, 3)
    return rows


def _index(lib, a):
    return lib.tensor(a)


def main(threads: int = 1) -> None:
    torch.set_num_threads(threads)
    ember.set_num_threads(threads)
    rng = np.random.default_rng(0)
    report(matmul_cases(rng), f"matmul ({threads} thread(s))")
    report(indexing_cases(rng), f"indexing backward ({threads} thread(s))")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
