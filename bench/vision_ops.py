"""ember.vision.ops timings: nms on 10k boxes, box_iou, roi_align and roi_pool.

Run: ``python bench/vision_ops.py``. torchvision (whose nms/roi_align are C++ kernels) cannot be
installed beside torch 2.13, so the torch column, where there is one, is the same computation
written with torch tensor ops: box_iou by torchvision's own (pure torch) formula, and nms as the
greedy loop with its inner loop vectorised, the best a torch user can write without the kernel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_time  # noqa: E402

import ember  # noqa: E402
from ember.vision import ops  # noqa: E402


def random_boxes(rng, n, size=1000.0, max_wh=100.0):
    xy = rng.uniform(0, size, (n, 2))
    wh = rng.uniform(1, max_wh, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(np.float32)


def clustered_boxes(rng, n, objects=20):
    centres = rng.uniform(0, 900, (objects, 2))
    xy = centres[rng.integers(0, objects, n)] + rng.normal(0, 5, (n, 2))
    wh = 60 + rng.normal(0, 5, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(np.float32)


def torch_box_iou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.max(a[:, None, :2], b[:, :2])
    rb = torch.min(a[:, None, 2:], b[:, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b - inter)


def torch_greedy_nms(boxes, scores, threshold):
    order = torch.sort(scores, descending=True, stable=True).indices
    area = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    suppressed = torch.zeros(len(boxes), dtype=torch.bool)
    keep = []
    for n, i in enumerate(order.tolist()):
        if suppressed[i]:
            continue
        keep.append(i)
        j = order[n + 1 :]
        w = (
            torch.minimum(boxes[i, 2], boxes[j, 2]) - torch.maximum(boxes[i, 0], boxes[j, 0])
        ).clamp(min=0)
        h = (
            torch.minimum(boxes[i, 3], boxes[j, 3]) - torch.maximum(boxes[i, 1], boxes[j, 1])
        ).clamp(min=0)
        inter = w * h
        suppressed[j[inter / (area[i] + area[j] - inter) > threshold]] = True
    return torch.tensor(keep)


def row(name, t_ember, t_torch=None, note=""):
    torch_col = "" if t_torch is None else f"{t_torch * 1e3:>10.1f}ms{t_ember / t_torch:>7.2f}x"
    print(f"{name:<46}{t_ember * 1e3:>10.1f}ms{torch_col}  {note}")


def main() -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"{'case':<46}{'ember':>12}{'torch':>12}{'ratio':>8}")
    for label, maker in (("random", random_boxes), ("clustered", clustered_boxes)):
        b = maker(rng, 10_000)
        s = rng.random(10_000).astype(np.float32)
        eb, es, tb, ts = ember.tensor(b), ember.tensor(s), torch.tensor(b), torch.tensor(s)
        kept = ops.nms(eb, es, 0.5)
        assert kept.tolist() == torch_greedy_nms(tb, ts, 0.5).tolist()
        te = best_time(lambda eb=eb, es=es: ops.nms(eb, es, 0.5), repeat=3, number=1)
        tt = best_time(lambda tb=tb, ts=ts: torch_greedy_nms(tb, ts, 0.5), repeat=1, number=1)
        row(
            f"nms 10k {label} boxes (iou 0.5)", te, tt, f"{kept.shape[0]} kept; torch = greedy loop"
        )
        idxs = ember.tensor(rng.integers(0, 80, 10_000))
        te = best_time(
            lambda eb=eb, es=es, i=idxs: ops.batched_nms(eb, es, i, 0.5),
            repeat=3,
            number=1,
        )
        row(f"batched_nms 10k {label} boxes, 80 classes", te)
    x = np.arange(10_000, dtype=np.float32) * 0.5
    chain = ember.tensor(np.stack([x, 0 * x, x + 10, 0 * x + 10], 1))
    te = best_time(lambda: ops.nms(chain, ember.tensor(-x), 0.5), repeat=3, number=1)
    row("nms 10k chained boxes (worst case)", te)

    a, b = random_boxes(rng, 1000), random_boxes(rng, 1000)
    ea, eb, ta, tb = ember.tensor(a), ember.tensor(b), torch.tensor(a), torch.tensor(b)
    row(
        "box_iou 1000 x 1000",
        best_time(lambda: ops.box_iou(ea, eb)),
        best_time(lambda: torch_box_iou(ta, tb)),
    )

    feats = ember.randn(2, 256, 50, 50)
    k = 1000
    xy = rng.uniform(0, 700, (k, 2))
    wh = rng.uniform(16, 300, (k, 2))
    rois = ember.tensor(
        np.concatenate([rng.integers(0, 2, (k, 1)), xy, xy + wh], 1).astype(np.float32)
    )
    for sr in (2, -1):
        te = best_time(
            lambda sr=sr: ops.roi_align(feats, rois, 7, 1 / 16, sr, True), repeat=3, number=1
        )
        row(f"roi_align 1000 RoIs, (2,256,50,50), 7x7, sr={sr}", te)
    x = ember.randn(2, 256, 50, 50, requires_grad=True)

    def fwd_bwd():
        ops.roi_align(x, rois, 7, 1 / 16, 2, True).sum().backward()
        x.grad = None

    row("roi_align forward+backward (same, sr=2)", best_time(fwd_bwd, repeat=3, number=1))
    row(
        "roi_pool 1000 RoIs, (2,256,50,50), 7x7",
        best_time(lambda: ops.roi_pool(feats, rois, 7, 1 / 16), repeat=3, number=1),
    )


if __name__ == "__main__":
    main()
