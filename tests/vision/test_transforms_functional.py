"""ember.vision.transforms.functional beyond the stored references: PIL and tensor paths agree
(bit for bit where torchvision's kernels are meant to, within torchvision's test tolerances
where they are not), batched tensors ``(..., C, H, W)`` equal the per-image results, the
conversions keep torchvision's dtypes and modes, and bad arguments raise torchvision's errors.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import ember
from ember.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")

IM = F.InterpolationMode
CORNERS = [[0, 0], [33, 0], [33, 25], [0, 25]]
MOVED = [[2, 1], [30, 0], [33, 22], [1, 25]]


@pytest.fixture(scope="module")
def pil():
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (26, 34, 3), dtype=np.uint8))


def _u8(img):
    """A PIL image or a tensor as an int array (C, H, W)."""
    if not isinstance(img, ember.Tensor):
        img = F.pil_to_tensor(img)
    return img.numpy().astype(np.int64)


# (name, op, max abs difference between the PIL and the uint8 tensor result); 0 where
# torchvision's tensor kernels reproduce Pillow, else the tolerance torchvision's tests use
PIL_VS_TENSOR = [
    ("hflip", F.hflip, 0),
    ("vflip", F.vflip, 0),
    ("crop_outside", lambda x: F.crop(x, -3, 5, 20, 40), 0),
    ("center_crop_padded", lambda x: F.center_crop(x, [31, 39]), 0),
    ("pad_constant", lambda x: F.pad(x, [1, 2, 3, 4], fill=7), 0),
    ("pad_edge", lambda x: F.pad(x, 3, padding_mode="edge"), 0),
    ("pad_reflect", lambda x: F.pad(x, [2, 3], padding_mode="reflect"), 0),
    ("pad_symmetric", lambda x: F.pad(x, [4, 1, 2, 3], padding_mode="symmetric"), 0),
    ("pad_symmetric_crops", lambda x: F.pad(x, [-2, 1, 2, -3], padding_mode="symmetric"), 0),
    ("invert", F.invert, 0),
    ("posterize", lambda x: F.posterize(x, 2), 0),
    ("solarize", lambda x: F.solarize(x, 100), 0),
    ("equalize", F.equalize, 0),
    ("autocontrast", F.autocontrast, 0),
    ("brightness", lambda x: F.adjust_brightness(x, 1.4), 0),
    ("gamma", lambda x: F.adjust_gamma(x, 0.7, 1.1), 0),
    ("rotate_expand", lambda x: F.rotate(x, 90.0, expand=True), 0),
    ("rotate", lambda x: F.rotate(x, 33.0, center=[10, 4], fill=[9, 99, 199]), 0),
    ("affine", lambda x: F.affine(x, 30, [2, 3], 1.2, [10, 5]), 0),
    ("perspective", lambda x: F.perspective(x, CORNERS, MOVED, IM.NEAREST, fill=3), 0),
    ("resize_nearest", lambda x: F.resize(x, [13, 50], IM.NEAREST_EXACT), 0),
    ("blur", lambda x: F.gaussian_blur(x, [3, 5], [0.8, 1.2]), 0),
    ("grayscale", F.rgb_to_grayscale, 1),
    ("contrast", lambda x: F.adjust_contrast(x, 0.7), 1),
    ("saturation", lambda x: F.adjust_saturation(x, 0.5), 1),
    ("sharpness", lambda x: F.adjust_sharpness(x, 1.8), 1),
    ("resize_bilinear", lambda x: F.resize(x, [13, 20]), 1),
    ("resize_bicubic", lambda x: F.resize(x, [13, 20], IM.BICUBIC), 1),
    ("hue", lambda x: F.adjust_hue(x, 0.3), 16),
]


@pytest.mark.parametrize(("name", "op", "tol"), PIL_VS_TENSOR, ids=[c[0] for c in PIL_VS_TENSOR])
def test_pil_and_tensor_paths_agree(pil, name, op, tol):
    from_pil = op(pil)
    assert isinstance(from_pil, Image.Image)
    from_tensor = op(F.pil_to_tensor(pil))
    assert from_tensor.dtype == ember.uint8
    diff = np.abs(_u8(from_pil) - _u8(from_tensor))
    assert diff.max() <= tol, diff.max()


def _batch(dtype=ember.float32):
    rng = np.random.default_rng(1)
    data = rng.random((2, 2, 3, 14, 18))
    if dtype == ember.uint8:
        return ember.tensor((data * 255).astype(np.uint8))
    return ember.tensor(data, dtype=dtype)


DISPLACEMENT = ember.tensor(
    np.random.default_rng(2).normal(0, 0.05, (1, 14, 18, 2)), dtype=ember.float32
)

BATCHED = [
    ("resize_antialias", lambda x: F.resize(x, [9, 11])),
    ("resize_up_bicubic", lambda x: F.resize(x, 20, IM.BICUBIC)),
    ("resize_nearest", lambda x: F.resize(x, [5, 30], IM.NEAREST)),
    ("crop", lambda x: F.crop(x, 2, -1, 8, 12)),
    ("pad_constant", lambda x: F.pad(x, [1, 2, 3, 4], fill=0.5)),
    ("rotate", lambda x: F.rotate(x, 21.0, IM.BILINEAR, expand=True, fill=[0.1, 0.2, 0.3])),
    ("affine", lambda x: F.affine(x, 5, [1, 2], 0.9, [3, -4], IM.NEAREST, fill=1.0)),
    ("perspective", lambda x: F.perspective(x, [[0, 0], [17, 0], [17, 13], [0, 13]], MOVED)),
    ("elastic", lambda x: F.elastic_transform(x, DISPLACEMENT)),
    ("blur", lambda x: F.gaussian_blur(x, [5, 3], [1.0, 0.7])),
    ("brightness", lambda x: F.adjust_brightness(x, 0.6)),
    ("contrast", lambda x: F.adjust_contrast(x, 1.5)),
    ("saturation", lambda x: F.adjust_saturation(x, 0.3)),
    ("hue", lambda x: F.adjust_hue(x, -0.4)),
    ("gamma", lambda x: F.adjust_gamma(x, 1.7)),
    ("sharpness", lambda x: F.adjust_sharpness(x, 0.2)),
    ("grayscale", lambda x: F.rgb_to_grayscale(x, 3)),
    ("invert", F.invert),
    ("solarize", lambda x: F.solarize(x, 0.4)),
    ("autocontrast", F.autocontrast),
    ("normalize", lambda x: F.normalize(x, [0.1, 0.2, 0.3], [0.5, 0.6, 0.7])),
    ("erase", lambda x: F.erase(x, 1, 2, 3, 4, ember.tensor([1.0, 2.0, 3.0])[:, None, None])),
]


FLOAT_ONLY = {"normalize"}  # normalize takes float images only
BATCHED_CASES = [(n, op, ember.float32) for n, op in BATCHED]
BATCHED_CASES += [(n, op, ember.uint8) for n, op in BATCHED if n not in FLOAT_ONLY | {"solarize"}]
BATCHED_CASES += [("solarize", lambda x: F.solarize(x, 100), ember.uint8)]


@pytest.mark.parametrize(
    ("name", "op", "dtype"), BATCHED_CASES, ids=[f"{n}-{d}" for n, _, d in BATCHED_CASES]
)
def test_batched_equals_per_image(name, op, dtype):
    batch = _batch(dtype)
    out = op(batch)
    assert out.dtype == dtype
    for a in range(2):
        for b in range(2):
            np.testing.assert_allclose(
                out[a, b].numpy(), op(batch[a, b]).numpy(), rtol=1e-6, atol=1e-6
            )


def test_uint8_only_batched_ops():
    batch = _batch(ember.uint8)
    four = batch[0]
    np.testing.assert_array_equal(F.posterize(batch, 3)[1, 0].numpy(), F.posterize(batch[1, 0], 3))
    eq = F.equalize(four)
    for k in range(2):
        np.testing.assert_array_equal(eq[k].numpy(), F.equalize(four[k]).numpy())
    with pytest.raises(TypeError, match="Input image tensor should have 3 or 4 dimensions"):
        F.equalize(batch)


def test_to_tensor_modes():
    rgb = np.arange(5 * 7 * 3, dtype=np.uint8).reshape(5, 7, 3)
    t = F.to_tensor(rgb)
    assert t.dtype == ember.float32 and t.shape == (3, 5, 7)
    np.testing.assert_allclose(t.numpy(), rgb.transpose(2, 0, 1) / 255, atol=1e-7)
    assert F.to_tensor(np.ones((4, 4), dtype=np.int32)).dtype == ember.int32  # not scaled
    assert F.to_tensor(Image.fromarray(rgb[..., 0])).shape == (1, 5, 7)
    ember.set_default_dtype(ember.float64)
    assert F.to_tensor(Image.fromarray(rgb)).dtype == ember.float64
    ember.set_default_dtype(ember.float32)
    bw = Image.fromarray(rgb[..., 0] > 50)
    assert bw.mode == "1"
    np.testing.assert_array_equal(F.to_tensor(bw).numpy()[0], rgb[..., 0] > 50)
    i32 = Image.fromarray(np.arange(35, dtype=np.int32).reshape(5, 7))
    assert F.to_tensor(i32).dtype == ember.int32
    f32 = Image.fromarray(np.linspace(0, 3, 35, dtype=np.float32).reshape(5, 7))
    out = F.to_tensor(f32)
    assert out.dtype == ember.float32 and float(out.max()) == 3.0
    rgba = F.to_tensor(Image.fromarray(np.zeros((2, 3, 4), np.uint8)))
    assert rgba.shape == (4, 2, 3)
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray. Got <class 'list'>"):
        F.to_tensor([1, 2])
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        F.to_tensor(np.zeros((1, 2, 3, 4)))
    with pytest.raises(TypeError, match="pic should be PIL Image. Got"):
        F.pil_to_tensor(rgb)


def test_to_pil_image_modes():
    t = ember.tensor(np.random.default_rng(3).random((3, 5, 6)), dtype=ember.float32)
    im = F.to_pil_image(t)
    assert im.mode == "RGB" and im.size == (6, 5)
    np.testing.assert_array_equal(
        np.asarray(im), (t.numpy() * 255).astype(np.uint8).transpose(1, 2, 0)
    )
    assert F.to_pil_image(t[:1]).mode == "L"
    assert F.to_pil_image(t[:2]).mode == "LA"
    assert F.to_pil_image(ember.cat([t, t[:1]])).mode == "RGBA"
    assert F.to_pil_image(t[0], mode="F").mode == "F"
    assert F.to_pil_image(np.zeros((4, 4, 3), np.uint8), mode="HSV").mode == "HSV"
    i16 = F.to_pil_image(ember.arange(20, dtype=ember.int16).reshape(1, 4, 5))
    assert i16.mode == "I;16"
    np.testing.assert_array_equal(np.asarray(i16), np.arange(20).reshape(4, 5))
    assert F.to_pil_image(ember.zeros(4, 5, dtype=ember.int32)).mode == "I"
    with pytest.raises(ValueError, match=r"Incorrect mode \(RGB\) supplied for input type"):
        F.to_pil_image(t[:1], mode="RGB")
    with pytest.raises(ValueError, match=r"Only modes \['RGBA', 'CMYK', 'RGBX'\] are supported"):
        F.to_pil_image(ember.cat([t, t[:1]]), mode="RGB")
    with pytest.raises(ValueError, match="pic should not have > 4 channels. Got 5 channels."):
        F.to_pil_image(ember.zeros(5, 2, 2))
    with pytest.raises(ValueError, match="pic should be 2/3 dimensional. Got 4 dimensions."):
        F.to_pil_image(ember.zeros(1, 3, 2, 2))
    with pytest.raises(TypeError, match="pic should be Tensor or ndarray. Got <class 'int'>."):
        F.to_pil_image(3)
    with pytest.raises(TypeError, match="Input type int64 is not supported"):
        F.to_pil_image(np.zeros((2, 2, 3), np.int64))


def test_convert_image_dtype_against_torch_scaling():
    u8 = torch.arange(0, 256, dtype=torch.uint8).reshape(1, 16, 16)
    e8 = ember.tensor(u8.numpy())
    # int -> int rescales by (max + 1) ratios: * 2**23 up to int32, // 2**23 back down
    i32 = F.convert_image_dtype(e8, ember.int32)
    assert i32.dtype == ember.int32
    np.testing.assert_array_equal(i32.numpy(), u8.numpy().astype(np.int64) * 2**23)
    back = F.convert_image_dtype(i32, ember.uint8)
    np.testing.assert_array_equal(back.numpy(), u8.numpy())
    f = F.convert_image_dtype(e8, ember.float64)
    np.testing.assert_array_equal(f.numpy(), u8.numpy() / 255.0)
    # float -> int multiplies by max + 1 - 1e-3: only 1.0 reaches the top value
    x = torch.tensor([0.0, 0.5, 0.999, 1.0])
    got = F.convert_image_dtype(ember.tensor(x.numpy()), ember.uint8)
    assert got.tolist() == x.mul(255 + 1.0 - 1e-3).to(torch.uint8).tolist() == [0, 127, 255, 255]
    assert F.convert_image_dtype(e8, ember.uint8) is e8
    with pytest.raises(
        RuntimeError, match="The cast from .*float32 to .*int32 cannot be performed"
    ):
        F.convert_image_dtype(ember.zeros(3), ember.int32)
    with pytest.raises(TypeError, match="Input img should be Tensor Image"):
        F.convert_image_dtype(np.zeros(3))


def test_resize_sizes():
    img = ember.zeros(3, 40, 60)
    assert F.resize(img, 20).shape == (3, 20, 30)
    assert F.resize(img, [20]).shape == (3, 20, 30)
    assert F.resize(img, 20, max_size=25).shape == (3, 16, 25)
    assert F.resize(ember.zeros(3, 60, 40), 20).shape == (3, 30, 20)
    assert F.resize(img, [40, 60]) is img  # same size: no work
    assert F.resize(img, [10, 10], 0).shape == (3, 10, 10)  # a Pillow constant
    with pytest.raises(ValueError, match="max_size = 20 must be strictly greater"):
        F.resize(img, 20, max_size=20)
    with pytest.raises(ValueError, match="max_size should only be passed if size specifies"):
        F.resize(img, [20, 30], max_size=40)
    with pytest.raises(ValueError, match="Size must be an int or a 1 or 2 element tuple/list"):
        F.resize(img, [1, 2, 3])
    with pytest.raises(TypeError, match="Argument interpolation should be a InterpolationMode"):
        F.resize(img, 10, "bilinear")
    with pytest.raises(ValueError, match="Interpolation mode 'bicubic' is unsupported"):
        F.rotate(img, 3.0, IM.BICUBIC)


def test_resize_pil_warns_when_antialias_false(pil):
    with pytest.warns(UserWarning, match="Anti-alias option is always applied for PIL Image"):
        F.resize(pil, [10, 10], antialias=False)


def test_geometry_errors(pil):
    img = ember.zeros(3, 8, 8)
    with pytest.raises(ValueError, match="Padding mode should be either constant, edge"):
        F.pad(img, 2, padding_mode="wrap")
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4 element tuple"):
        F.pad(pil, [1, 2, 3])
    with pytest.raises(TypeError, match="Got inappropriate fill arg"):
        F.pad(img, 2, fill="red")
    with pytest.raises(ValueError, match=r"The number of elements in 'fill' does not match"):
        F.pad(pil, 2, fill=(1, 2))
    with pytest.raises(
        ValueError, match=r"'fill' cannot broadcast to match the number of channels"
    ):
        F.rotate(img, 10.0, fill=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"Requested crop size \(9, 9\) is bigger than input"):
        F.five_crop(img, 9)
    with pytest.raises(ValueError, match="Please provide only two dimensions"):
        F.ten_crop(img, [1, 2, 3])
    with pytest.raises(ValueError, match="Argument scale should be positive"):
        F.affine(img, 0, [0, 0], 0.0, 0)
    with pytest.raises(TypeError, match="Argument angle should be int or float"):
        F.rotate(img, "30")
    with pytest.raises(ValueError, match="Please provide exactly four corners"):
        F.perspective(img, CORNERS[:3], MOVED)
    with pytest.raises(ValueError, match="kernel_size should have odd and positive integers"):
        F.gaussian_blur(img, [3, 4])
    with pytest.raises(ValueError, match="sigma should have positive values"):
        F.gaussian_blur(img, 3, 0.0)
    with pytest.raises(RuntimeError, match="Symmetric padding of N-D tensors are not supported"):
        F.pad(ember.zeros(1, 1, 3, 4, 4), 1, padding_mode="symmetric")


def test_color_errors(pil):
    img = ember.zeros(3, 4, 4)
    with pytest.raises(ValueError, match=r"brightness_factor \(-1\) is not non-negative."):
        F.adjust_brightness(img, -1)
    with pytest.raises(ValueError, match=r"hue_factor \(0.6\) is not in \[-0.5, 0.5\]."):
        F.adjust_hue(pil, 0.6)
    with pytest.raises(TypeError, match=r"permitted channel values are \[1, 3\], but found 2"):
        F.adjust_saturation(ember.zeros(2, 4, 4), 0.5)
    with pytest.raises(TypeError, match="Only torch.uint8 image tensors are supported"):
        F.posterize(img, 3)
    with pytest.raises(ValueError, match="The number if bits should be between 0 and 8. Got 9"):
        F.posterize(pil, 9)
    with pytest.raises(TypeError, match="Threshold should be less than bound of img."):
        F.solarize(img, 1.5)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), [0.0], [1.0])
    with pytest.raises(RuntimeError, match="std evaluated to zero after conversion to"):
        F.normalize(img, [0.0, 0.0, 0.0], [1.0, 0.0, 1.0])
    with pytest.raises(
        ValueError, match=r"Expected tensor to be a tensor image of size \(\.\.\., C"
    ):
        F.normalize(ember.zeros(4, 4), [0.0], [1.0])
    with pytest.raises(TypeError, match="Input should be PIL Image"):
        F.to_grayscale(img)
    with pytest.raises(ValueError, match="num_output_channels should be either 1 or 3"):
        F.rgb_to_grayscale(img, 2)
    with pytest.raises(TypeError, match="img should be PIL Image. Got <class 'list'>"):
        F.hflip([1])


def test_normalize_inplace_and_default_out_of_place():
    img = ember.ones(3, 2, 2)
    out = F.normalize(img, [0.5, 0.5, 0.5], [0.25, 0.5, 1.0])
    assert float(img.sum()) == 12.0
    assert out[:, 0, 0].tolist() == [2.0, 1.0, 0.5]
    same = F.normalize(img, [0.5], [0.5], inplace=True)
    assert same is img and float(img.sum()) == 12.0


def test_grayscale_three_channels_is_expanded_view():
    img = ember.rand(3, 4, 5)
    g3 = F.rgb_to_grayscale(img, 3)
    np.testing.assert_array_equal(g3[0].numpy(), g3[2].numpy())
    np.testing.assert_array_equal(g3[:1].numpy(), F.rgb_to_grayscale(img).numpy())


def test_gaussian_blur_and_elastic_on_pil_return_pil(pil):
    out = F.gaussian_blur(pil, 5)
    assert isinstance(out, Image.Image) and out.mode == "RGB"
    tensor = F.gaussian_blur(F.pil_to_tensor(pil), 5)
    np.testing.assert_array_equal(_u8(out), _u8(tensor))
    zero = ember.zeros(1, 26, 34, 2)
    np.testing.assert_array_equal(_u8(F.elastic_transform(pil, zero)), _u8(pil))
    with pytest.raises(ValueError, match=r"Argument displacement shape should be \(1, 26, 34, 2\)"):
        F.elastic_transform(pil, ember.zeros(1, 2, 2, 2))


def test_import_without_pillow():
    code = (
        "import sys; sys.modules['PIL'] = None\n"
        "import ember\n"
        "from ember.vision import transforms as T\n"
        "t = T.Compose([T.RandomResizedCrop(8), T.ColorJitter(0.2), T.Normalize((0.5,), (0.5,))])\n"
        "assert t(ember.rand(3, 12, 12)).shape == (3, 8, 8)\n"
        "try:\n"
        "    T.ToPILImage()(ember.rand(3, 4, 4))\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "pip install 'ember[vision]'" in out.stdout
