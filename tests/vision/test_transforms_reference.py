"""ember.vision.transforms.functional against torchvision 0.28's own outputs.

``vision-ref/transforms.npz`` (see its README) holds torchvision's result of 38 functional calls
on a fixed 48x64 RGB image. Each key below is the same call through ember; every stored key must
have a case here (a key without one fails), and each must agree: PIL paths bit for bit (uint8),
float tensor paths to float32 rounding, and the antialiased / bicubic resizes within the 1e-5
torchvision's own tests allow between its resize kernels.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import ember
from ember.vision.transforms import functional as F

PIL = pytest.importorskip("PIL.Image")

IM = F.InterpolationMode
STARTS = [[0, 0], [63, 0], [63, 47], [0, 47]]
ENDS = [[4, 2], [60, 1], [62, 44], [1, 46]]
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]

# key -> (call on (PIL image, float tensor), tolerance); PIL results become uint8 CHW tensors
CASES = {
    "to_tensor": (lambda im, t: F.to_tensor(im), 0),
    "pil_to_tensor": (lambda im, t: F.pil_to_tensor(im), 0),
    "resize_pil_32x40": (lambda im, t: F.resize(im, [32, 40]), 0),
    "resize_pil_short24": (lambda im, t: F.resize(im, 24), 0),
    "resize_pil_nearest_100x90": (lambda im, t: F.resize(im, [100, 90], IM.NEAREST), 0),
    "resize_tensor_antialias_32x40": (lambda im, t: F.resize(t, [32, 40], antialias=True), 1e-5),
    "resize_tensor_bicubic_96x80": (lambda im, t: F.resize(t, [96, 80], IM.BICUBIC), 1e-5),
    "center_crop_30": (lambda im, t: F.center_crop(im, 30), 0),
    "center_crop_tensor_70": (lambda im, t: F.center_crop(t, [70, 50]), 0),
    "pad_reflect": (lambda im, t: F.pad(im, [3, 5], padding_mode="reflect"), 0),
    "pad_edge_tensor": (lambda im, t: F.pad(t, [2, 1, 4, 3], padding_mode="edge"), 0),
    "pad_constant": (lambda im, t: F.pad(im, 4, fill=(10, 20, 30)), 0),
    "hflip": (lambda im, t: F.hflip(im), 0),
    "vflip_tensor": (lambda im, t: F.vflip(t), 0),
    "rotate_pil_30": (lambda im, t: F.rotate(im, 30.0), 0),
    "rotate_tensor_bilinear_expand": (
        lambda im, t: F.rotate(t, 17.0, IM.BILINEAR, expand=True),
        1e-6,
    ),
    "affine_tensor": (
        lambda im, t: F.affine(t, 10, [3, -2], 1.1, [5, 2], interpolation=IM.BILINEAR),
        1e-6,
    ),
    "affine_pil": (lambda im, t: F.affine(im, -12, [1, 2], 0.9, [0, 0]), 0),
    "perspective_tensor": (lambda im, t: F.perspective(t, STARTS, ENDS, IM.BILINEAR), 1e-6),
    "brightness_1.3": (lambda im, t: F.adjust_brightness(t, 1.3), 1e-6),
    "contrast_0.6": (lambda im, t: F.adjust_contrast(t, 0.6), 1e-6),
    "saturation_1.7": (lambda im, t: F.adjust_saturation(t, 1.7), 1e-6),
    "hue_0.2": (lambda im, t: F.adjust_hue(t, 0.2), 1e-6),
    "gamma_0.8": (lambda im, t: F.adjust_gamma(t, 0.8), 1e-6),
    "sharpness_2": (lambda im, t: F.adjust_sharpness(t, 2), 1e-6),
    "grayscale_tensor": (lambda im, t: F.rgb_to_grayscale(t), 1e-6),
    "grayscale_pil_3": (lambda im, t: F.to_grayscale(im, 3), 0),
    "gaussian_blur_5_1.5": (lambda im, t: F.gaussian_blur(t, [5, 5], [1.5, 1.5]), 1e-6),
    "normalize": (lambda im, t: F.normalize(t, MEAN, STD), 1e-6),
    "invert": (lambda im, t: F.invert(t), 1e-6),
    "posterize_pil_3": (lambda im, t: F.posterize(im, 3), 0),
    "solarize": (lambda im, t: F.solarize(t, 0.5), 1e-6),
    "autocontrast": (lambda im, t: F.autocontrast(t), 1e-6),
    "equalize_uint8": (lambda im, t: F.equalize(F.pil_to_tensor(im)), 0),
    "erase": (lambda im, t: F.erase(t, 5, 6, 10, 12, ember.tensor(0.0)), 0),
    "five_crop_0": (lambda im, t: F.five_crop(im, 20)[4], 0),
    "convert_dtype_uint8_to_float": (
        lambda im, t: F.convert_image_dtype(F.pil_to_tensor(im), ember.float32),
        1e-6,
    ),
    "to_pil_roundtrip": (lambda im, t: F.to_pil_image(t), 0),
}


def _keys():
    """The stored keys (read at collection, so that a key without a case fails); without the
    data folder, the cases' keys (their tests then skip through the data_dir fixture)."""
    root = Path(os.environ.get("EMBER_DATA", Path(__file__).parents[3] / "shared" / "data"))
    path = root / "vision-ref" / "transforms.npz"
    if not path.is_file():
        return sorted(CASES)
    with np.load(path) as d:
        return sorted(k for k in d.files if k != "__image__")


@pytest.mark.parametrize("key", _keys())
def test_matches_torchvision(key, data_dir):
    with np.load(data_dir / "vision-ref" / "transforms.npz") as d:
        image, expected = d["__image__"], d[key]
    assert key in CASES, f"no ember call for the reference entry {key!r}"
    call, tol = CASES[key]
    pil = PIL.fromarray(image)
    out = call(pil, F.to_tensor(pil))
    if not isinstance(out, ember.Tensor):
        assert isinstance(out, PIL.Image), type(out)
        out = F.pil_to_tensor(out)
    got = out.numpy()
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    if tol == 0:
        np.testing.assert_array_equal(got, expected)
    else:
        np.testing.assert_allclose(got, expected, rtol=0, atol=tol)


def test_every_case_has_a_reference(data_dir):
    with np.load(data_dir / "vision-ref" / "transforms.npz") as d:
        assert set(CASES) == set(d.files) - {"__image__"}
