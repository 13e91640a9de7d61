"""ember.vision.ops box functions, NMS and sigmoid_focal_loss against their definitions written
independently here with torch (IoU by its formula, NMS by the greedy loop of torchvision's kernel,
the focal loss by RetinaNet's formula)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from ember.vision import ops
from ember.vision.ops import boxes as box_ops


def _boxes(rng, n, size=50.0, max_wh=20.0, dtype=np.float32):
    xy = rng.uniform(0, size, (n, 2))
    wh = rng.uniform(0.5, max_wh, (n, 2))
    return np.concatenate([xy, xy + wh], 1).astype(dtype)


def _e(x):
    return ember.tensor(np.asarray(x))


def _ref_inter_union(a, b):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    iw = (
        torch.minimum(a[:, None, 2], b[None, :, 2]) - torch.maximum(a[:, None, 0], b[None, :, 0])
    ).clamp(min=0)
    ih = (
        torch.minimum(a[:, None, 3], b[None, :, 3]) - torch.maximum(a[:, None, 1], b[None, :, 1])
    ).clamp(min=0)
    area = lambda t: (t[:, 2] - t[:, 0]) * (t[:, 3] - t[:, 1])  # noqa: E731
    inter = iw * ih
    return inter, area(a)[:, None] + area(b)[None, :] - inter


def _ref_enclosing(a, b):
    a, b = torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64)
    ew = torch.maximum(a[:, None, 2], b[None, :, 2]) - torch.minimum(a[:, None, 0], b[None, :, 0])
    eh = torch.maximum(a[:, None, 3], b[None, :, 3]) - torch.minimum(a[:, None, 1], b[None, :, 1])
    return ew, eh


def test_box_iou_and_generalized_iou_by_formula():
    rng = np.random.default_rng(0)
    a, b = _boxes(rng, 7), _boxes(rng, 5)
    b[0] = a[0]  # identical pair: IoU 1
    b[1] = [200, 200, 210, 210]  # disjoint from everything: IoU 0
    inter, union = _ref_inter_union(a, b)
    np.testing.assert_allclose(
        ops.box_iou(_e(a), _e(b)).numpy(), inter / union, rtol=1e-5, atol=1e-7
    )
    ew, eh = _ref_enclosing(a, b)
    want = inter / union - (ew * eh - union) / (ew * eh)
    got = ops.generalized_box_iou(_e(a), _e(b)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert got[1, 1] < 0 and abs(ops.box_iou(_e(a), _e(b)).numpy()[0, 0] - 1) < 1e-6


def test_distance_and_complete_iou_by_formula():
    rng = np.random.default_rng(1)
    a, b = _boxes(rng, 4).astype(np.float64), _boxes(rng, 6).astype(np.float64)
    inter, union = _ref_inter_union(a, b)
    iou = inter / union
    ew, eh = _ref_enclosing(a, b)
    ta, tb = torch.tensor(a), torch.tensor(b)
    cx = (ta[:, None, 0] + ta[:, None, 2]) / 2 - (tb[None, :, 0] + tb[None, :, 2]) / 2
    cy = (ta[:, None, 1] + ta[:, None, 3]) / 2 - (tb[None, :, 1] + tb[None, :, 3]) / 2
    diou = iou - (cx**2 + cy**2) / (ew**2 + eh**2 + 1e-7)
    np.testing.assert_allclose(ops.distance_box_iou(_e(a), _e(b)).numpy(), diou, rtol=1e-10)
    ra = (ta[:, 2] - ta[:, 0]) / (ta[:, 3] - ta[:, 1])
    rb = (tb[:, 2] - tb[:, 0]) / (tb[:, 3] - tb[:, 1])
    v = 4 / math.pi**2 * (torch.atan(ra)[:, None] - torch.atan(rb)[None, :]) ** 2
    ciou = diou - v / (1 - iou + v + 1e-7) * v
    np.testing.assert_allclose(ops.complete_box_iou(_e(a), _e(b)).numpy(), ciou, rtol=1e-10)


def test_box_iou_gradcheck_and_integer_boxes():
    rng = np.random.default_rng(2)
    a = ember.tensor(_boxes(rng, 3, size=5, max_wh=6).astype(np.float64), requires_grad=True)
    b = ember.tensor(_boxes(rng, 4, size=5, max_wh=6).astype(np.float64), requires_grad=True)
    assert ember.autograd.gradcheck(ops.box_iou, (a, b))
    assert ember.autograd.gradcheck(ops.generalized_box_iou, (a, b))
    ints = ember.tensor([[0, 0, 4, 4], [2, 2, 6, 6]], dtype=ember.int16)
    assert ops.box_area(ints).dtype == ember.int32  # upcast against overflow, as torchvision
    assert ops.box_area(ints).tolist() == [16, 16]
    iou = ops.box_iou(ints, ints)
    assert iou.dtype == ember.float32
    np.testing.assert_allclose(iou.numpy(), [[1, 4 / 28], [4 / 28, 1]], rtol=1e-6)


def test_box_convert_all_formats():
    xyxy = np.array([[1.0, 2.0, 4.0, 8.0], [0.0, 0.0, 10.0, 5.0]], dtype=np.float32)
    forms = {
        "xyxy": xyxy,
        "xywh": np.array([[1, 2, 3, 6], [0, 0, 10, 5]], dtype=np.float32),
        "cxcywh": np.array([[2.5, 5, 3, 6], [5, 2.5, 10, 5]], dtype=np.float32),
    }
    for fin, x in forms.items():
        for fout, y in forms.items():
            got = ops.box_convert(_e(x), fin, fout)
            np.testing.assert_allclose(got.numpy(), y, rtol=1e-6, err_msg=f"{fin}->{fout}")
    t = _e(xyxy)
    assert ops.box_convert(t, "xyxy", "xyxy") is not t
    with pytest.raises(
        ValueError, match="Unsupported Bounding Box Conversions for given in_fmt and out_fmt"
    ):
        ops.box_convert(t, "xyxy", "yxyx")


def test_clip_remove_small_and_masks_to_boxes():
    b = np.array([[-5.0, 3, 20, 40], [1, -2, 5, 3], [0, 0, 0.5, 10]], dtype=np.float32)
    got = ops.clip_boxes_to_image(_e(b), (30, 15)).numpy()
    want = torch.tensor(b)
    want[:, 0::2] = want[:, 0::2].clamp(0, 15)
    want[:, 1::2] = want[:, 1::2].clamp(0, 30)
    np.testing.assert_array_equal(got, want.numpy())
    batched = ops.clip_boxes_to_image(_e(np.stack([b, b])), (30, 15))
    assert batched.shape == (2, 3, 4)
    np.testing.assert_array_equal(batched.numpy()[1], want.numpy())
    assert ops.remove_small_boxes(_e(b), 1.0).tolist() == [0, 1]
    rng = np.random.default_rng(3)
    masks = rng.random((4, 9, 11)) > 0.93
    masks[3] = False
    masks[3, 4, 6] = True  # a single pixel: x1 == x2
    want = []
    for m in torch.tensor(masks):
        ys, xs = torch.where(m)
        want.append([xs.min(), ys.min(), xs.max(), ys.max()])
    got = ops.masks_to_boxes(_e(masks))
    assert got.dtype == ember.float32
    np.testing.assert_array_equal(got.numpy(), np.array(want, dtype=np.float32))


def _ref_nms(boxes, scores, threshold, groups=None):
    """The greedy loop of torchvision's CPU kernel, in the boxes' dtype (the inner loop over the
    lower-scoring boxes written as one torch expression)."""
    b, s = torch.as_tensor(boxes), torch.as_tensor(scores)
    g = None if groups is None else torch.as_tensor(groups)
    order = torch.sort(s, descending=True, stable=True).indices
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    suppressed = torch.zeros(len(b), dtype=torch.bool)
    keep = []
    for n, i in enumerate(order.tolist()):
        if suppressed[i]:
            continue
        keep.append(i)
        j = order[n + 1 :]
        w = (torch.minimum(b[i, 2], b[j, 2]) - torch.maximum(b[i, 0], b[j, 0])).clamp(min=0)
        h = (torch.minimum(b[i, 3], b[j, 3]) - torch.maximum(b[i, 1], b[j, 1])).clamp(min=0)
        inter = w * h
        hit = inter / (area[i] + area[j] - inter) > threshold
        if g is not None:
            hit &= g[j] == g[i]
        suppressed[j[hit]] = True
    return keep


@pytest.mark.parametrize("threshold", [0.0, 0.3, 0.5, 0.9, 1.0, -0.1])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nms_is_the_greedy_definition(threshold, dtype, monkeypatch):
    monkeypatch.setattr(box_ops, "_NMS_BLOCK", 16)  # several blocks: the cross-block path runs
    monkeypatch.setattr(box_ops, "_DENSE_BELOW", 0)  # and searches windows of the kept boxes
    rng = np.random.default_rng(int(threshold * 10) + 7)
    b = _boxes(rng, 90, size=40.0, dtype=dtype)
    scores = rng.integers(0, 30, 90).astype(dtype)  # many ties: equal scores keep input order
    b[5] = b[6]  # an exact duplicate
    b[7] = [3, 3, 3, 9]  # zero area
    got = ops.nms(_e(b), _e(scores), threshold)
    assert got.dtype == ember.int64
    assert got.tolist() == _ref_nms(b, scores, threshold)


@pytest.mark.parametrize("threshold", [0.0, 0.1, 0.5, 0.8])
def test_nms_mixed_shapes(threshold, monkeypatch):
    # flat, tall, tiny and huge boxes: the windows of the kept boxes span several rows
    monkeypatch.setattr(box_ops, "_NMS_BLOCK", 24)
    monkeypatch.setattr(box_ops, "_DENSE_BELOW", 0)
    rng = np.random.default_rng(11)
    n = 150
    xy = rng.uniform(-20, 60, (n, 2))
    wh = np.exp(rng.uniform(-2, 4, (n, 2)))
    b = np.concatenate([xy, xy + wh], 1).astype(np.float32)
    s = rng.random(n).astype(np.float32)
    assert ops.nms(_e(b), _e(s), threshold).tolist() == _ref_nms(b, s, threshold)
    idxs = rng.integers(0, 2, n)
    got = ops.batched_nms(_e(b), _e(s), _e(idxs), threshold).tolist()
    assert got == _ref_nms(b, s, threshold, groups=idxs.tolist())


def test_nms_clustered_chained_and_empty(monkeypatch):
    monkeypatch.setattr(box_ops, "_NMS_BLOCK", 32)
    monkeypatch.setattr(box_ops, "_DENSE_BELOW", 0)
    rng = np.random.default_rng(5)
    centres = rng.uniform(0, 80, (4, 2))
    xy = centres[rng.integers(0, 4, 150)] + rng.normal(0, 2, (150, 2))
    wh = 20 + rng.normal(0, 2, (150, 2))
    b = np.concatenate([xy, xy + wh], 1).astype(np.float32)
    s = rng.random(150).astype(np.float32)
    assert ops.nms(_e(b), _e(s), 0.5).tolist() == _ref_nms(b, s, 0.5)
    x = np.arange(120, dtype=np.float32) * 0.5  # a chain: each box overlaps the next ones
    chain = np.stack([x, 0 * x, x + 10, 0 * x + 10], 1)
    assert ops.nms(_e(chain), _e(-x), 0.5).tolist() == _ref_nms(chain, -x, 0.5)
    empty = ops.nms(ember.zeros((0, 4)), ember.zeros(0), 0.5)
    assert empty.shape == (0,) and empty.dtype == ember.int64


def test_nms_errors():
    b, s = ember.zeros(3, 4), ember.zeros(3)
    with pytest.raises(RuntimeError, match="boxes should be a 2d tensor, got 1D"):
        ops.nms(ember.zeros(4), s, 0.5)
    with pytest.raises(RuntimeError, match="boxes should have 4 elements in dimension 1, got 5"):
        ops.nms(ember.zeros(3, 5), s, 0.5)
    with pytest.raises(RuntimeError, match="scores should be a 1d tensor, got 2D"):
        ops.nms(b, ember.zeros(3, 1), 0.5)
    with pytest.raises(RuntimeError, match="same number of elements in dimension 0, got 3 and 2"):
        ops.nms(b, ember.zeros(2), 0.5)
    with pytest.raises(RuntimeError, match="dets should have the same type as scores"):
        ops.nms(b, s.double(), 0.5)
    with pytest.raises(RuntimeError, match="\"nms_kernel\" not implemented for 'Long'"):
        ops.nms(b.long(), s.long(), 0.5)


def test_batched_nms_is_nms_per_category(monkeypatch):
    monkeypatch.setattr(box_ops, "_NMS_BLOCK", 16)
    monkeypatch.setattr(box_ops, "_DENSE_BELOW", 0)
    rng = np.random.default_rng(6)
    b = _boxes(rng, 80, size=30.0)
    s = rng.random(80).astype(np.float32)
    idxs = rng.integers(0, 3, 80)
    got = ops.batched_nms(_e(b), _e(s), _e(idxs), 0.4).tolist()
    assert got == _ref_nms(b, s, 0.4, groups=idxs.tolist())
    # the same as running nms on each category and merging by score
    per_class = []
    for k in range(3):
        where = np.nonzero(idxs == k)[0]
        per_class += where[ops.nms(_e(b[where]), _e(s[where]), 0.4).numpy()].tolist()
    assert got == sorted(per_class, key=lambda i: -s[i])
    assert ops.batched_nms(ember.zeros((0, 4)), ember.zeros(0), ember.zeros(0), 0.5).shape == (0,)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize(("alpha", "gamma"), [(0.25, 2.0), (-1.0, 0.5), (0.7, 0.0)])
def test_sigmoid_focal_loss_formula(reduction, alpha, gamma):
    rng = np.random.default_rng(7)
    x = rng.normal(0, 2, (4, 5))
    t = (rng.random((4, 5)) > 0.6).astype(np.float64)
    xt = torch.tensor(x, requires_grad=True)
    tt = torch.tensor(t)
    p = torch.sigmoid(xt)
    ce = -(tt * torch.log(p) + (1 - tt) * torch.log(1 - p))
    p_t = p * tt + (1 - p) * (1 - tt)
    want = ce * (1 - p_t) ** gamma
    if alpha >= 0:
        want = (alpha * tt + (1 - alpha) * (1 - tt)) * want
    want = {"none": want, "mean": want.mean(), "sum": want.sum()}[reduction]
    xe = ember.tensor(x, requires_grad=True)
    got = ops.sigmoid_focal_loss(xe, ember.tensor(t), alpha, gamma, reduction)
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-10)
    g = np.random.default_rng(8).standard_normal(want.shape)
    want.backward(torch.tensor(g))
    got.backward(ember.tensor(g))
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-8, atol=1e-12)


def test_sigmoid_focal_loss_gradcheck_and_error():
    x = ember.tensor([[0.3, -1.2], [2.0, 0.1]], dtype=ember.float64, requires_grad=True)
    t = ember.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=ember.float64)
    assert ember.autograd.gradcheck(lambda a: ops.sigmoid_focal_loss(a, t, 0.25, 2.0, "sum"), (x,))
    assert ember.autograd.gradgradcheck(lambda a: ops.sigmoid_focal_loss(a, t), (x,))
    with pytest.raises(ValueError, match="Invalid Value for arg 'reduction': 'avg \n Supported"):
        ops.sigmoid_focal_loss(x, t, reduction="avg")
