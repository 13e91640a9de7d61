"""Random transforms draw what torchvision draws.

torchvision (not installable beside torch 2.13) draws every random parameter with torch's
generator: ``torch.randint``, ``torch.rand(1)``, ``torch.empty(1).uniform_(a, b)``,
``torch.randperm``, ``normal_``, ``torch._sample_dirichlet``. Each test below replays that
documented sequence of calls with real torch under a seed, and asks ember's transform for its
parameters under the same seed: ember's generator is torch's MT19937 stream, so they must agree.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import autoaugment
from ember.vision.transforms import functional as F

SEEDS = range(12)


def _seed(seed):
    torch.manual_seed(seed)
    ember.manual_seed(seed)


def _img(h=48, w=64, c=3, dtype=ember.float32):
    data = (np.arange(c * h * w) % 251).reshape(c, h, w)
    if dtype.is_floating_point:
        return ember.tensor(data / 251, dtype=dtype)
    return ember.tensor(data, dtype=dtype)


# --- torchvision's draw sequences, replayed with torch -------------------------------------


def tv_resized_crop(height, width, scale, ratio):
    area = height * width
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    in_ratio = width / height
    if in_ratio < min(ratio):
        w, h = width, int(round(width / min(ratio)))
    elif in_ratio > max(ratio):
        h, w = height, int(round(height * max(ratio)))
    else:
        h, w = height, width
    return (height - h) // 2, (width - w) // 2, h, w


def tv_uniform(a, b):
    return float(torch.empty(1).uniform_(a, b).item())


@pytest.mark.parametrize(
    ("size", "scale", "ratio"),
    [
        ((48, 64), (0.08, 1.0), (3 / 4, 4 / 3)),
        ((30, 200), (0.5, 1.0), (0.9, 1.1)),
        ((10, 100), (0.9, 1.0), (3.0, 4.0)),  # every try fails: the central-crop fallback
        ((100, 10), (0.9, 1.0), (3.0, 4.0)),
    ],
)
def test_random_resized_crop_params(size, scale, ratio):
    img = ember.zeros(3, *size)
    for seed in SEEDS:
        _seed(seed)
        expected = tv_resized_crop(*size, scale, ratio)
        got = T.RandomResizedCrop.get_params(img, scale, ratio)
        assert got == expected, seed
        assert ember.rand(1).item() == torch.rand(1).item()  # streams still in step


def test_random_resized_crop_forward_is_resized_crop_of_those_params():
    img = _img()
    tf = T.RandomResizedCrop(24)
    for seed in range(4):
        _seed(seed)
        i, j, h, w = tv_resized_crop(48, 64, (0.08, 1.0), (3 / 4, 4 / 3))
        expected = F.resized_crop(img, i, j, h, w, [24, 24])
        torch.manual_seed(seed)
        ember.manual_seed(seed)
        np.testing.assert_array_equal(tf(img).numpy(), expected.numpy())


def test_random_crop_params_and_padding():
    img = _img()
    for seed in SEEDS:
        _seed(seed)
        i = torch.randint(0, 48 - 20 + 1, size=(1,)).item()
        j = torch.randint(0, 64 - 30 + 1, size=(1,)).item()
        assert T.RandomCrop.get_params(img, (20, 30)) == (i, j, 20, 30)
    assert T.RandomCrop.get_params(img, (48, 64)) == (0, 0, 48, 64)  # draws nothing
    with pytest.raises(ValueError, match=r"Required crop size \(50, 64\) is larger"):
        T.RandomCrop.get_params(img, (50, 64))
    # padding then crop: the crop is drawn on the padded image
    _seed(3)
    i = torch.randint(0, 56 - 50 + 1, size=(1,)).item()
    j = torch.randint(0, 72 - 70 + 1, size=(1,)).item()
    _seed(3)
    out = T.RandomCrop((50, 70), padding=4, fill=0.5)(img)
    np.testing.assert_array_equal(out.numpy(), F.pad(img, 4, 0.5)[..., i : i + 50, j : j + 70])
    # pad_if_needed pads width then height, each on both sides
    _seed(5)
    out = T.RandomCrop((60, 80), pad_if_needed=True, padding_mode="edge")(img)
    padded = F.pad(F.pad(img, [16, 0], padding_mode="edge"), [0, 12], padding_mode="edge")
    torch.manual_seed(5)
    i = torch.randint(0, padded.shape[-2] - 60 + 1, size=(1,)).item()
    j = torch.randint(0, padded.shape[-1] - 80 + 1, size=(1,)).item()
    np.testing.assert_array_equal(out.numpy(), padded[..., i : i + 60, j : j + 80].numpy())


@pytest.mark.parametrize(
    ("cls", "fn"),
    [(T.RandomHorizontalFlip, F.hflip), (T.RandomVerticalFlip, F.vflip)],
)
def test_flips_draw_rand_each_call(cls, fn):
    img = _img(4, 5)
    tf = cls(p=0.3)
    _seed(7)
    flips = [torch.rand(1).item() < 0.3 for _ in range(30)]
    assert any(flips) and not all(flips)
    for flip in flips:
        np.testing.assert_array_equal(tf(img).numpy(), (fn(img) if flip else img).numpy())


def test_color_jitter_params_and_order():
    ranges = ((0.6, 1.4), (0.7, 1.3), None, (-0.1, 0.1))
    for seed in SEEDS:
        _seed(seed)
        order = torch.randperm(4).tolist()
        factors = [None if r is None else float(torch.empty(1).uniform_(*r)) for r in ranges]
        fn_idx, *got = T.ColorJitter.get_params(*ranges)
        assert fn_idx.tolist() == order
        assert got == factors
    # forward applies them in that order
    img = _img()
    _seed(11)
    order = torch.randperm(4).tolist()
    b, c, h = tv_uniform(0.6, 1.4), tv_uniform(0.7, 1.3), tv_uniform(-0.1, 0.1)
    steps = {0: (F.adjust_brightness, b), 1: (F.adjust_contrast, c), 3: (F.adjust_hue, h)}
    expected = img
    for k in order:
        if k in steps:
            expected = steps[k][0](expected, steps[k][1])
    _seed(11)
    out = T.ColorJitter(brightness=0.4, contrast=0.3, hue=0.1)(img)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


def test_rotation_affine_and_blur_params():
    for seed in SEEDS:
        _seed(seed)
        assert T.RandomRotation.get_params([-30.0, 45.0]) == tv_uniform(-30.0, 45.0)
        angle = tv_uniform(-10.0, 10.0)
        tx = int(round(tv_uniform(-6.4, 6.4)))
        ty = int(round(tv_uniform(-9.6, 9.6)))
        scale = tv_uniform(0.8, 1.2)
        shear = (tv_uniform(-5.0, 5.0), tv_uniform(2.0, 3.0))
        got = T.RandomAffine.get_params(
            [-10.0, 10.0], (0.1, 0.2), (0.8, 1.2), [-5.0, 5.0, 2.0, 3.0], [64, 48]
        )
        assert got == (angle, (tx, ty), scale, shear)
        assert T.GaussianBlur.get_params(0.1, 2.0) == torch.empty(1).uniform_(0.1, 2.0).item()


def test_random_affine_forward_fills_tensor_channels():
    img = _img()
    tf = T.RandomAffine(20, translate=(0.1, 0.1), fill=0.25)
    _seed(2)
    angle = tv_uniform(-20.0, 20.0)
    tx, ty = int(round(tv_uniform(-6.4, 6.4))), int(round(tv_uniform(-4.8, 4.8)))
    expected = F.affine(img, angle, [tx, ty], 1.0, (0.0, 0.0), fill=[0.25] * 3)
    _seed(2)
    np.testing.assert_array_equal(tf(img).numpy(), expected.numpy())


def test_random_perspective_params():
    for seed in SEEDS:
        _seed(seed)
        dx, dy = int(0.6 * 32), int(0.6 * 24)

        def r(lo, hi):
            return int(torch.randint(lo, hi, size=(1,)).item())

        tl = [r(0, dx + 1), r(0, dy + 1)]
        tr = [r(64 - dx - 1, 64), r(0, dy + 1)]
        br = [r(64 - dx - 1, 64), r(48 - dy - 1, 48)]
        bl = [r(0, dx + 1), r(48 - dy - 1, 48)]
        start, end = T.RandomPerspective.get_params(64, 48, 0.6)
        assert start == [[0, 0], [63, 0], [63, 47], [0, 47]]
        assert end == [tl, tr, br, bl]


def test_random_erasing_params():
    img = _img()
    for seed in SEEDS:
        _seed(seed)
        log_ratio = torch.log(torch.tensor((0.3, 3.3)))
        expected = None
        for _ in range(10):
            erase_area = 48 * 64 * torch.empty(1).uniform_(0.02, 0.33).item()
            aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            h = int(round(math.sqrt(erase_area * aspect)))
            w = int(round(math.sqrt(erase_area / aspect)))
            if h < 48 and w < 64:
                v = torch.empty([3, h, w], dtype=torch.float32).normal_()
                i = torch.randint(0, 48 - h + 1, size=(1,)).item()
                j = torch.randint(0, 64 - w + 1, size=(1,)).item()
                expected = (i, j, h, w, v)
                break
        i, j, h, w, v = T.RandomErasing.get_params(img, (0.02, 0.33), (0.3, 3.3), value=None)
        assert (i, j, h, w) == expected[:4]
        np.testing.assert_allclose(v.numpy(), expected[4].numpy(), rtol=1e-6, atol=1e-6)


def test_random_erasing_forward():
    img = _img()
    tf = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))
    _seed(4)
    torch.rand(1)
    log_ratio = torch.log(torch.tensor((0.3, 3.3)))
    while True:
        area = 48 * 64 * torch.empty(1).uniform_(0.02, 0.33).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        h, w = int(round(math.sqrt(area * aspect))), int(round(math.sqrt(area / aspect)))
        if h < 48 and w < 64:
            break
    i = torch.randint(0, 48 - h + 1, size=(1,)).item()
    j = torch.randint(0, 64 - w + 1, size=(1,)).item()
    v = ember.tensor([0.1, 0.2, 0.3])[:, None, None]
    expected = F.erase(img, i, j, h, w, v)
    _seed(4)
    np.testing.assert_array_equal(tf(img).numpy(), expected.numpy())
    assert not np.array_equal(expected.numpy(), img.numpy())


def test_probability_transforms_draw_one_rand():
    img = _img(dtype=ember.uint8)
    cases = [
        (T.RandomApply([T.Lambda(F.invert)], p=0.4), F.invert),
        (T.RandomGrayscale(p=0.4), lambda x: F.rgb_to_grayscale(x, 3)),
        (T.RandomInvert(p=0.4), F.invert),
        (T.RandomPosterize(3, p=0.4), lambda x: F.posterize(x, 3)),
        (T.RandomSolarize(100, p=0.4), lambda x: F.solarize(x, 100)),
        (T.RandomAdjustSharpness(2.0, p=0.4), lambda x: F.adjust_sharpness(x, 2.0)),
        (T.RandomAutocontrast(p=0.4), F.autocontrast),
        (T.RandomEqualize(p=0.4), F.equalize),
    ]
    for tf, fn in cases:
        _seed(1)
        hits = [torch.rand(1).item() < 0.4 for _ in range(8)]
        assert any(hits) and not all(hits)
        for hit in hits:
            np.testing.assert_array_equal(tf(img).numpy(), (fn(img) if hit else img).numpy())


def test_random_order_and_choice_use_python_random():
    img = _img(2, 3)
    tfs = [T.Lambda(lambda x: x + 1), T.Lambda(lambda x: x * 2), T.Lambda(lambda x: x - 3)]
    random.seed(5)
    order = list(range(3))
    random.shuffle(order)
    expected = img
    for k in order:
        expected = tfs[k](expected)
    random.seed(5)
    np.testing.assert_allclose(T.RandomOrder(tfs)(img).numpy(), expected.numpy())
    random.seed(9)
    pick = random.choices(tfs, weights=[0.2, 0.5, 0.3])[0]
    random.seed(9)
    out = T.RandomChoice(tfs, p=[0.2, 0.5, 0.3])(img)
    np.testing.assert_allclose(out.numpy(), pick(img).numpy())


# --- the augmentation policies -----------------------------------------------------------

_RAND_OPS = ["Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"]
_RAND_OPS += ["Brightness", "Color", "Contrast", "Sharpness", "Posterize", "Solarize"]
_RAND_OPS += ["AutoContrast", "Equalize"]
_SIGNED = {"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"}
_SIGNED |= {"Brightness", "Color", "Contrast", "Sharpness"}


@pytest.fixture
def recorded_ops(monkeypatch):
    calls = []

    def record(img, op_name, magnitude, interpolation, fill):
        calls.append((op_name, magnitude))
        return img

    monkeypatch.setattr(autoaugment, "_apply_op", record)
    return calls


def test_autoaugment_params_and_ops(recorded_ops):
    img = _img(dtype=ember.uint8)
    tf = T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)
    for seed in SEEDS:
        _seed(seed)
        policy_id = int(torch.randint(25, (1,)).item())
        probs, signs = torch.rand((2,)), torch.randint(2, (2,))
        pid, p2, s2 = T.AutoAugment.get_params(25)
        assert pid == policy_id
        assert p2.tolist() == probs.tolist() and s2.tolist() == signs.tolist()
        _seed(seed)
        recorded_ops.clear()
        tf(img)
        expected = [
            name for i, (name, p, _) in enumerate(tf.policies[policy_id]) if probs[i].item() <= p
        ]
        assert [name for name, _ in recorded_ops] == expected


def test_rand_augment_op_sequence(recorded_ops):
    img = _img(dtype=ember.uint8)
    tf = T.RandAugment(num_ops=3, magnitude=9)
    for seed in SEEDS:
        _seed(seed)
        expected = []
        for _ in range(3):
            name = _RAND_OPS[int(torch.randint(14, (1,)).item())]
            negate = name in _SIGNED and bool(torch.randint(2, (1,)))
            expected.append((name, negate))
        ember.manual_seed(seed)
        recorded_ops.clear()
        tf(img)
        assert [n for n, _ in recorded_ops] == [n for n, _ in expected]
        for (name, magnitude), (_, negate) in zip(recorded_ops, expected):
            if name == "Rotate":
                assert magnitude == pytest.approx(-9.0 if negate else 9.0)
            if name == "Posterize":
                assert magnitude == 7.0  # 8 - round(9 / 7.5)


def test_trivial_augment_wide_op_sequence(recorded_ops):
    img = _img(dtype=ember.uint8)
    tf = T.TrivialAugmentWide()
    for seed in SEEDS:
        _seed(seed)
        name = _RAND_OPS[int(torch.randint(14, (1,)).item())]
        bin_ = None
        if name not in ("Identity", "AutoContrast", "Equalize"):
            bin_ = int(torch.randint(31, (1,), dtype=torch.long).item())
        negate = name in _SIGNED and bool(torch.randint(2, (1,)))
        ember.manual_seed(seed)
        recorded_ops.clear()
        tf(img)
        assert [n for n, _ in recorded_ops] == [name]
        if name == "Rotate":
            assert recorded_ops[0][1] == pytest.approx((-1 if negate else 1) * 4.5 * bin_)
        if name == "Solarize":
            assert recorded_ops[0][1] == pytest.approx(255.0 - 8.5 * bin_, abs=1e-4)
    assert ember.rand(1).item() == torch.rand(1).item()


def test_augmix_draws(recorded_ops):
    img = _img()  # float, so that the mix is compared before any rounding to integers
    tf = T.AugMix(severity=3, mixture_width=2)
    ops = ["ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Posterize", "Solarize"]
    ops += ["AutoContrast", "Equalize", "Brightness", "Color", "Contrast", "Sharpness"]
    for seed in range(6):
        _seed(seed)
        m = torch._sample_dirichlet(torch.tensor([1.0, 1.0]).expand(1, -1))
        w = torch._sample_dirichlet(torch.tensor([1.0, 1.0]).expand(1, -1)) * m[:, 1].view(1, -1)
        expected = []
        for _ in range(2):
            for _ in range(int(torch.randint(low=1, high=4, size=(1,)).item())):
                name = ops[int(torch.randint(13, (1,)).item())]
                if name not in ("AutoContrast", "Equalize"):
                    torch.randint(3, (1,), dtype=torch.long)
                if name in _SIGNED:
                    torch.randint(2, (1,))
                expected.append(name)
        ember.manual_seed(seed)
        recorded_ops.clear()
        out = tf(img)  # the recorded ops return their input: the mix is the image again
        assert [n for n, _ in recorded_ops] == expected
        t_img = torch.from_numpy(img.numpy())
        mix = m[:, 0].view(1, 1, 1, 1) * t_img
        for i in range(2):
            mix.add_(w[:, i].view(1, 1, 1, 1) * t_img)
        np.testing.assert_allclose(out.numpy(), mix[0].numpy(), rtol=1e-6, atol=1e-6)
        assert ember.rand(1).item() == torch.rand(1).item()
