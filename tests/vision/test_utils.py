"""ember.vision.utils against expectations computed here: grid placement in NumPy, box outlines
from their documented geometry (Pillow's outline grows inward from the corners), mask blending
with torch's arithmetic on the documented formula."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from PIL import Image, ImageFont

import ember
from ember.vision.utils import (
    draw_bounding_boxes,
    draw_segmentation_masks,
    make_grid,
    save_image,
)


def grid_reference(batch: np.ndarray, nrow: int, padding: int, pad_value: float) -> np.ndarray:
    """Images left to right, top to bottom, ``padding`` pixels around and between them."""
    b, c, h, w = batch.shape
    cols = min(nrow, b)
    rows = math.ceil(b / cols)
    out = np.full((c, rows * (h + padding) + padding, cols * (w + padding) + padding), pad_value)
    for k in range(b):
        y, x = divmod(k, cols)
        top, left = padding + y * (h + padding), padding + x * (w + padding)
        out[:, top : top + h, left : left + w] = batch[k]
    return out.astype(batch.dtype)


@pytest.mark.parametrize(
    ("b", "nrow", "padding", "pad_value"), [(5, 2, 1, 0.5), (3, 8, 2, 0.0), (4, 4, 0, 1.0)]
)
def test_make_grid_layout(b, nrow, padding, pad_value):
    batch = np.random.default_rng(b).random((b, 3, 4, 3), dtype=np.float32)
    grid = make_grid(ember.from_numpy(batch), nrow=nrow, padding=padding, pad_value=pad_value)
    np.testing.assert_array_equal(grid.numpy(), grid_reference(batch, nrow, padding, pad_value))
    listed = make_grid([ember.from_numpy(x) for x in batch], nrow=nrow, padding=padding)
    np.testing.assert_array_equal(listed.numpy(), grid_reference(batch, nrow, padding, 0.0))


def test_make_grid_gray_single_and_uint8():
    gray = np.arange(2 * 1 * 2 * 2, dtype=np.uint8).reshape(2, 1, 2, 2)
    grid = make_grid(ember.from_numpy(gray), padding=1, pad_value=9)
    assert grid.dtype == ember.uint8
    np.testing.assert_array_equal(grid.numpy(), grid_reference(gray.repeat(3, 1), 8, 1, 9))
    one = ember.rand(1, 5, 6)
    out = make_grid(one)  # a single image comes back as it is, as 3 channels
    assert tuple(out.shape) == (3, 5, 6) and ember.equal(out[2], one[0])
    assert tuple(make_grid(ember.rand(5, 6)).shape) == (3, 5, 6)


def test_make_grid_normalize():
    rng = np.random.default_rng(0)
    batch = (rng.random((2, 3, 2, 2), dtype=np.float32) * 10 - 3).astype(np.float32)
    x = ember.from_numpy(batch.copy())
    out = make_grid(x, normalize=True, padding=0, nrow=2).numpy()
    lo, hi = batch.min(), batch.max()
    expected = grid_reference((batch - lo) / (hi - lo), 2, 0, 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(x.numpy(), batch)  # the input is left alone
    out = make_grid(x, normalize=True, value_range=(0.0, 5.0), padding=0).numpy()
    expected = grid_reference((np.clip(batch, 0, 5) - 0) / 5, 8, 0, 0.0)
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)
    out = make_grid(x, normalize=True, scale_each=True, padding=0).numpy()
    each = np.stack([(im - im.min()) / (im.max() - im.min()) for im in batch])
    np.testing.assert_allclose(out, grid_reference(each, 8, 0, 0.0), rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        make_grid(x, normalize=True, value_range=[0, 1])
    with pytest.raises(TypeError, match="tensor or list of tensors expected"):
        make_grid(batch)
    with pytest.warns(UserWarning, match="range will be deprecated"):
        make_grid(x, normalize=True, range=(0.0, 1.0))


def test_save_image_rounds_to_nearest(tmp_path):
    values = np.array([[0.0, 0.5 / 255, 1.4 / 255, 0.999], [1.2, -0.3, 0.25, 1.0]], np.float32)
    img = ember.from_numpy(np.stack([values, values * 0.5, values[::-1]]))
    save_image(img, tmp_path / "a.png")
    with Image.open(tmp_path / "a.png") as im:
        got = np.asarray(im.convert("RGB"))
    expected = np.clip(np.floor(img.numpy() * 255 + 0.5), 0, 255).astype(np.uint8)
    np.testing.assert_array_equal(got, expected.transpose(1, 2, 0))
    buf = io.BytesIO()
    save_image(ember.rand(3, 1, 4, 4), buf, format="PNG", nrow=3, padding=1)
    with Image.open(buf) as im:
        assert im.size == (1 + 3 * 5, 1 + 5) and im.format == "PNG"


# ---------------------------------------------------------------- boxes
def outline(h, w, box, width):
    """The pixels of a box outline ``width`` wide, inside (x0, y0)-(x1, y1) inclusive."""
    yy, xx = np.mgrid[:h, :w]
    x0, y0, x1, y1 = box
    inside = (xx >= x0) & (xx <= x1) & (yy >= y0) & (yy <= y1)
    return inside & (np.minimum.reduce([xx - x0, x1 - xx, yy - y0, y1 - yy]) < width)


@pytest.mark.parametrize("width", [1, 3])
def test_draw_boxes_outlines(width):
    base = np.random.default_rng(width).integers(0, 256, (3, 20, 24), dtype=np.uint8)
    boxes = [(2, 3, 10, 12), (8.7, 1.2, 22.9, 18.0)]  # coordinates are cut to integers
    out = draw_bounding_boxes(
        ember.from_numpy(base), ember.tensor(boxes), colors=["red", (0, 128, 255)], width=width
    )
    assert out.dtype == ember.uint8 and tuple(out.shape) == (3, 20, 24)
    expected = base.copy()
    for box, color in zip([(2, 3, 10, 12), (8, 1, 22, 18)], [(255, 0, 0), (0, 128, 255)]):
        expected[:, outline(20, 24, box, width)] = np.array(color, np.uint8)[:, None]
    np.testing.assert_array_equal(out.numpy(), expected)


def test_draw_boxes_fill_gray_and_float():
    base = np.full((1, 10, 10), 50, np.uint8)
    out = draw_bounding_boxes(
        ember.from_numpy(base), ember.tensor([[1, 1, 8, 8]]), colors="#00FF00", fill=True
    ).numpy()
    assert out.shape == (3, 10, 10)  # gray in, RGB out
    ring = outline(10, 10, (1, 1, 8, 8), 1)
    assert (out[:, ring].T == [0, 255, 0]).all()
    interior = outline(10, 10, (2, 2, 7, 7), 6)
    blended = np.array([50 * 155, 255 * 100 + 50 * 155, 50 * 155]) / 255  # alpha 100 over 50
    assert np.abs(out[:, interior].T - blended).max() <= 1
    assert (out[:, ~outline(10, 10, (1, 1, 8, 8), 10)] == 50).all()
    img = ember.full((3, 6, 6), 0.5)
    f = draw_bounding_boxes(img, ember.tensor([[0, 0, 5, 5]]), colors=(255, 0, 0))
    assert f.dtype == ember.float32
    assert f[:, 0, 0].tolist() == [1.0, 0.0, 0.0]
    assert abs(f[0, 3, 3].item() - 0.5) < 1 / 255 + 1e-6  # untouched, up to the uint8 round trip


def test_draw_boxes_labels():
    h, w = 40, 60
    image = ember.zeros(3, h, w, dtype=ember.uint8)
    box = (2, 3, 55, 35)
    out = draw_bounding_boxes(
        image, ember.tensor([box]), labels=["Ab"], colors="white", label_colors=[(0, 0, 255)]
    ).numpy()
    text = (out.sum(0) > 0) & ~outline(h, w, box, 1)
    assert text.any()
    font = ImageFont.load_default()
    left, top, right, bottom = font.getbbox("Ab")
    margin = 1 + 1  # width + 1: the text starts just inside the box
    ys, xs = np.nonzero(text)
    assert xs.min() >= box[0] + margin + left and xs.max() < box[0] + margin + right
    assert ys.min() >= box[1] + margin + top and ys.max() < box[1] + margin + bottom
    assert (out[0][text] == 0).all() and (out[1][text] == 0).all()  # blue text
    filled = draw_bounding_boxes(
        image, ember.tensor([box]), labels=["Ab"], colors="white", fill_labels=True
    ).numpy()
    corner_y, corner_x = box[1] + margin + top - 1, box[0] + margin + left - 1
    assert (filled[:, corner_y, corner_x] == 255).all()  # the label's background, 1 px around
    assert (filled[:, corner_y + 1, box[0] + margin + right + 2] == 0).all()  # just right of it


def test_draw_boxes_errors_and_default_colors():
    img = ember.zeros(3, 8, 8, dtype=ember.uint8)
    box = ember.tensor([[1, 1, 5, 5]])
    with pytest.raises(ValueError, match="Pass individual images, not batches"):
        draw_bounding_boxes(img[None], box)
    with pytest.raises(ValueError, match="The image dtype must be uint8 or float"):
        draw_bounding_boxes(img.int(), box)
    with pytest.raises(ValueError, match="Only grayscale and RGB images are supported"):
        draw_bounding_boxes(ember.zeros(2, 8, 8, dtype=ember.uint8), box)
    with pytest.raises(TypeError, match="Tensor expected"):
        draw_bounding_boxes(img.numpy(), box)
    with pytest.raises(ValueError, match=r"Boxes need to be in \(xmin, ymin, xmax, ymax\)"):
        draw_bounding_boxes(img, ember.tensor([[5, 1, 1, 5]]))
    with pytest.raises(ValueError, match=r"Number of boxes \(1\) and labels \(2\) mismatch"):
        draw_bounding_boxes(img, box, labels=["a", "b"])
    with pytest.raises(ValueError, match="Number of colors must be equal or larger"):
        draw_bounding_boxes(img, ember.cat([box, box]), colors=["red"])
    with pytest.raises(ValueError, match="RGB triplet"):
        draw_bounding_boxes(img, box, colors=(1, 2))
    with pytest.warns(UserWarning, match="No box was drawn"):
        assert draw_bounding_boxes(img, ember.zeros(0, 4)) is img
    # torchvision's default palette: color i is (i * (2**25 - 1, 2**15 - 1, 2**21 - 1)) % 255
    out = draw_bounding_boxes(img, ember.cat([box, box + 1])).numpy()
    palette = torch.tensor([2**25 - 1, 2**15 - 1, 2**21 - 1])
    assert out[:, 6, 6].tolist() == ((1 * palette) % 255).tolist()


# ---------------------------------------------------------------- masks
def reference_masks(image, masks, colors, alpha):
    """The documented blend, in torch: each mask painted in its color, overlaps black, then
    image * (1 - alpha) + painted * alpha, cast back to uint8."""
    img = torch.from_numpy(image)
    painted = img.clone()
    for mask, color in zip(masks, colors):
        painted[:, torch.from_numpy(mask)] = torch.tensor(color, dtype=torch.uint8)[:, None]
    painted[:, torch.from_numpy(masks.sum(0) > 1)] = 0
    return (img * (1 - alpha) + painted * alpha).to(torch.uint8).numpy()


@pytest.mark.parametrize("alpha", [0.8, 0.3, 1.0])
def test_draw_segmentation_masks(alpha):
    rng = np.random.default_rng(7)
    image = rng.integers(0, 256, (3, 9, 11), dtype=np.uint8)
    masks = rng.random((3, 9, 11)) > 0.6
    colors = ["red", (12, 200, 7), "#0A0B0C"]
    out = draw_segmentation_masks(
        ember.from_numpy(image), ember.from_numpy(masks), alpha=alpha, colors=colors
    )
    rgb = [(255, 0, 0), (12, 200, 7), (10, 11, 12)]
    np.testing.assert_array_equal(out.numpy(), reference_masks(image, masks, rgb, alpha))
    one = draw_segmentation_masks(
        ember.from_numpy(image), ember.from_numpy(masks[0]), colors="blue"
    )
    np.testing.assert_array_equal(
        one.numpy(), reference_masks(image, masks[:1], [(0, 0, 255)], 0.8)
    )
    palette = torch.tensor([2**25 - 1, 2**15 - 1, 2**21 - 1])
    default = [tuple(((i * palette) % 255).tolist()) for i in range(3)]
    out = draw_segmentation_masks(ember.from_numpy(image), ember.from_numpy(masks), alpha=alpha)
    np.testing.assert_array_equal(out.numpy(), reference_masks(image, masks, default, alpha))


def test_draw_segmentation_masks_float_and_errors():
    image = ember.full((3, 2, 2), 0.5)
    masks = ember.tensor([[True, False], [False, False]])
    out = draw_segmentation_masks(image, masks, alpha=0.5, colors=(255, 0, 0))
    assert out.dtype == ember.float32
    assert out[:, 0, 0].tolist() == [0.75, 0.25, 0.25] and out[:, 1, 1].tolist() == [0.5] * 3
    img = ember.zeros(3, 2, 2, dtype=ember.uint8)
    with pytest.raises(ValueError, match="The masks must be of dtype bool"):
        draw_segmentation_masks(img, ember.zeros(2, 2))
    with pytest.raises(ValueError, match="same height and width"):
        draw_segmentation_masks(img, ember.zeros(3, 3, dtype=ember.bool))
    with pytest.raises(ValueError, match="Pass an RGB image"):
        draw_segmentation_masks(ember.zeros(1, 2, 2, dtype=ember.uint8), masks)
    with pytest.raises(
        ValueError, match=r"masks must be of shape \(H, W\) or \(batch_size, H, W\)"
    ):
        draw_segmentation_masks(img, ember.zeros(1, 1, 2, 2, dtype=ember.bool))
    with pytest.warns(UserWarning, match="No mask was drawn"):
        assert draw_segmentation_masks(img, ember.zeros(0, 2, 2, dtype=ember.bool)) is img
