"""ember.vision.ops.roi_align / roi_pool against the definitions of torchvision's kernels,
written here as plain loops over RoIs, bins and sampling points (torch tensors, float64)."""

from __future__ import annotations

import importlib
import math

import numpy as np
import pytest
import torch

import ember
from ember.vision import ops


def _ref_roi_align(x, rois, out_h, out_w, scale, sampling_ratio, aligned):
    """Average of the bilinear samples of each bin, sample by sample."""
    _, c, height, width = x.shape
    out = torch.zeros(len(rois), c, out_h, out_w, dtype=x.dtype)
    for k, r in enumerate(rois.tolist()):
        b, off = int(r[0]), (0.5 if aligned else 0.0)
        x0, y0, x1, y1 = (v * scale - off for v in r[1:])
        rw, rh = x1 - x0, y1 - y0
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        gh = sampling_ratio if sampling_ratio > 0 else math.ceil(rh / out_h)
        gw = sampling_ratio if sampling_ratio > 0 else math.ceil(rw / out_w)
        for p in range(out_h):
            for q in range(out_w):
                acc = torch.zeros(c, dtype=x.dtype)
                for iy in range(gh):
                    y = y0 + p * rh / out_h + (iy + 0.5) * rh / out_h / gh
                    for ix in range(gw):
                        xx = x0 + q * rw / out_w + (ix + 0.5) * rw / out_w / gw
                        if y < -1 or y > height or xx < -1 or xx > width:
                            continue
                        y, xx = max(y, 0.0), max(xx, 0.0)
                        ylo, xlo = min(int(y), height - 1), min(int(xx), width - 1)
                        yhi, xhi = min(ylo + 1, height - 1), min(xlo + 1, width - 1)
                        ly = 0.0 if ylo == height - 1 else y - ylo
                        lx = 0.0 if xlo == width - 1 else xx - xlo
                        acc = acc + (
                            (1 - ly) * (1 - lx) * x[b, :, ylo, xlo]
                            + (1 - ly) * lx * x[b, :, ylo, xhi]
                            + ly * (1 - lx) * x[b, :, yhi, xlo]
                            + ly * lx * x[b, :, yhi, xhi]
                        )
                out[k, :, p, q] = acc / max(gh * gw, 1)
    return out


def _ref_roi_pool(x, rois, out_h, out_w, scale):
    """Max over each bin's pixel window (rounded corners), with the argmax torchvision's kernel
    keeps (first strict maximum in row-major order, from -FLT_MAX; -1 when nothing is pooled)."""
    _, c, height, width = x.shape
    out = torch.zeros(len(rois), c, out_h, out_w, dtype=x.dtype)
    arg = torch.full(out.shape, -1)

    def rnd(v):
        return int(math.copysign(math.floor(abs(v) + 0.5), v))

    for k, r in enumerate(rois.tolist()):
        b = int(r[0])
        x0, y0, x1, y1 = (rnd(v * scale) for v in r[1:])
        bh, bw = max(y1 - y0 + 1, 1) / out_h, max(x1 - x0 + 1, 1) / out_w
        for p in range(out_h):
            for q in range(out_w):
                hs = min(max(math.floor(p * bh) + y0, 0), height)
                he = min(max(math.ceil((p + 1) * bh) + y0, 0), height)
                ws = min(max(math.floor(q * bw) + x0, 0), width)
                we = min(max(math.ceil((q + 1) * bw) + x0, 0), width)
                if he <= hs or we <= ws:
                    continue
                for ch in range(c):
                    best, at = -3.4028234663852886e38, -1
                    for i in range(hs, he):
                        for j in range(ws, we):
                            if x[b, ch, i, j] > best:
                                best, at = float(x[b, ch, i, j]), i * width + j
                    out[k, ch, p, q], arg[k, ch, p, q] = best, at
    return out, arg


def _rois(rng, k, n_img, lo, hi, max_wh):
    xy = rng.uniform(lo, hi, (k, 2))
    wh = rng.uniform(-1, max_wh, (k, 2))  # a few inverted boxes too
    return np.concatenate([rng.integers(0, n_img, (k, 1)), xy, xy + wh], 1)


@pytest.mark.parametrize("aligned", [False, True])
@pytest.mark.parametrize(
    ("sampling_ratio", "scale", "size"), [(-1, 1.0, (2, 3)), (2, 0.5, 3), (0, 0.7, (4, 1))]
)
def test_roi_align_matches_the_kernel_definition(aligned, sampling_ratio, scale, size):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 9, 11))
    rois = _rois(rng, 10, 2, -3, 12, 10)
    want = _ref_roi_align(
        torch.tensor(x),
        torch.tensor(rois),
        *((size, size) if isinstance(size, int) else size),
        scale,
        sampling_ratio,
        aligned,
    )
    got = ops.roi_align(ember.tensor(x), ember.tensor(rois), size, scale, sampling_ratio, aligned)
    assert got.shape == want.shape and got.dtype == ember.float64
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)


def test_roi_align_float32_list_boxes_module_and_chunks(monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 12, 10)).astype(np.float32)
    per_image = [_rois(rng, 7, 1, 0, 20, 12)[:, 1:].astype(np.float32) for _ in range(2)]
    rois = np.concatenate(
        [np.concatenate([np.full((7, 1), i), b], 1) for i, b in enumerate(per_image)]
    )
    want = _ref_roi_align(
        torch.tensor(x, dtype=torch.float64),
        torch.tensor(rois, dtype=torch.float64),
        3,
        3,
        0.5,
        -1,
        True,
    )
    layer = ops.RoIAlign((3, 3), spatial_scale=0.5, sampling_ratio=-1, aligned=True)
    assert (
        repr(layer)
        == "RoIAlign(output_size=(3, 3), spatial_scale=0.5, sampling_ratio=-1, aligned=True)"
    )
    monkeypatch.setattr(
        importlib.import_module("ember.vision.ops.roi_align"), "_CHUNK_ELEMENTS", 200
    )  # one RoI per chunk
    got = layer(ember.tensor(x), [ember.tensor(b) for b in per_image])
    assert got.dtype == ember.float32
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-4, atol=1e-5)


def test_roi_align_gradient():
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((2, 1, 5, 6)), requires_grad=True)
    rois = ember.tensor(_rois(rng, 5, 2, -1, 5, 4))
    assert ember.autograd.gradcheck(lambda t: ops.roi_align(t, rois, 2, 1.0, -1, True), (x,))
    small = ember.tensor(rng.standard_normal((1, 1, 3, 4)), requires_grad=True)
    box = ember.tensor([[0, 0.5, 0.2, 3.0, 2.5]]).double()
    assert ember.autograd.gradgradcheck(lambda t: ops.roi_align(t, box, (2, 1), 0.8, 2), (small,))
    # the gradient is the adjoint of the sampling: compare with torch autograd through the loops
    xt = torch.tensor(x.detach().numpy(), requires_grad=True)
    want = _ref_roi_align(xt, torch.tensor(rois.numpy()), 2, 2, 1.0, -1, False)
    g = rng.standard_normal(want.shape)
    want.backward(torch.tensor(g))
    ops.roi_align(x, rois, 2).backward(ember.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_roi_checks():
    x = ember.zeros(1, 1, 4, 4)
    with pytest.raises(
        AssertionError, match=r"The boxes tensor shape is not correct as Tensor\[K, 5\]"
    ):
        ops.roi_align(x, ember.zeros(2, 4), 2)
    with pytest.raises(AssertionError, match=r"List\[Tensor\[L, 4\]\]"):
        ops.roi_pool(x, [ember.zeros(2, 5)], 2)
    with pytest.raises(AssertionError, match="boxes is expected to be a Tensor"):
        ops.roi_align(x, "boxes", 2)
    with pytest.raises(
        RuntimeError, match="'input' to have the same type as tensor for argument #2 'rois'"
    ):
        ops.roi_align(x, ember.zeros(1, 5, dtype=ember.float64), 2)
    assert ops.roi_align(x, ember.zeros(0, 5), (2, 3)).shape == (0, 1, 2, 3)
    assert ops.roi_pool(x, ember.zeros(0, 5), 2).shape == (0, 1, 2, 2)


@pytest.mark.parametrize(("scale", "size"), [(1.0, 2), (0.5, (3, 4)), (0.8, (5, 1))])
def test_roi_pool_matches_the_kernel_with_its_argmax(scale, size):
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, (2, 3, 9, 11)).astype(np.float64)  # many ties
    x[0, 1, 2:5, 3:6] = -np.inf  # never a strict maximum: -FLT_MAX and no gradient
    x[1, 2, 4, 4] = np.nan  # never compared greater: skipped
    rois = _rois(rng, 10, 2, -3, 12, 9)
    rois[0] = [0, 3, 2, 5, 4]
    out_h, out_w = (size, size) if isinstance(size, int) else size
    want, arg = _ref_roi_pool(torch.tensor(x), torch.tensor(rois), out_h, out_w, scale)
    xe = ember.tensor(x, requires_grad=True)
    got = ops.roi_pool(xe, ember.tensor(rois), size, scale)
    np.testing.assert_array_equal(got.detach().numpy(), want.numpy())
    with ember.no_grad():  # the maximum alone, without the argmax
        np.testing.assert_array_equal(
            ops.roi_pool(xe, ember.tensor(rois), size, scale).numpy(), want.numpy()
        )
    g = rng.standard_normal(got.shape)
    got.backward(ember.tensor(g))
    grad = torch.zeros(x.shape, dtype=torch.float64).view(2, 3, -1)
    for k, b in enumerate(rois[:, 0].astype(int)):
        for ch in range(3):
            hit = arg[k, ch].reshape(-1)
            ok = hit >= 0
            grad[b, ch].index_add_(0, hit[ok], torch.tensor(g[k, ch]).reshape(-1)[ok])
    np.testing.assert_allclose(xe.grad.numpy(), grad.view(x.shape).numpy(), rtol=1e-12)


def test_roi_pool_module_list_boxes_and_gradcheck():
    layer = ops.RoIPool(output_size=(2, 2), spatial_scale=0.5)
    assert repr(layer) == "RoIPool(output_size=(2, 2), spatial_scale=0.5)"
    rng = np.random.default_rng(4)
    x = ember.tensor(rng.standard_normal((2, 1, 6, 6)), requires_grad=True)  # no ties
    boxes = [
        ember.tensor([[0.0, 0.0, 8.0, 8.0]]).double(),
        ember.tensor([[2.0, 4.0, 10.0, 11.0], [0, 0, 3, 3]]).double(),
    ]
    rois = ember.tensor([[0, 0.0, 0, 8, 8], [1, 2, 4, 10, 11], [1, 0, 0, 3, 3]]).double()
    np.testing.assert_array_equal(layer(x, boxes).detach().numpy(), layer(x, rois).detach().numpy())
    assert ember.autograd.gradcheck(lambda t: layer(t, rois), (x,))
