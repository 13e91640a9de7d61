"""The transform classes of ember.vision.transforms: which are nn.Modules, their reprs and
constructor checks (torchvision's strings and exception types), their attributes, and whole
pipelines on PIL images and on uint8 / float tensors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

Image = pytest.importorskip("PIL.Image")

IM = T.InterpolationMode


@pytest.fixture(scope="module")
def pil():
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (40, 52, 3), dtype=np.uint8))


MODULES = [
    T.ConvertImageDtype(ember.float32),
    T.Normalize([0.5], [0.5]),
    T.Resize(8),
    T.CenterCrop(8),
    T.Pad(2),
    T.RandomApply([T.RandomInvert()]),
    T.RandomCrop(8),
    T.RandomHorizontalFlip(),
    T.RandomVerticalFlip(),
    T.RandomResizedCrop(8),
    T.FiveCrop(8),
    T.TenCrop(8),
    T.LinearTransformation(ember.eye(3), ember.zeros(3)),
    T.ColorJitter(),
    T.RandomRotation(3),
    T.RandomAffine(3),
    T.Grayscale(),
    T.RandomGrayscale(),
    T.RandomPerspective(),
    T.RandomErasing(),
    T.GaussianBlur(3),
    T.RandomInvert(),
    T.RandomPosterize(2),
    T.RandomSolarize(128),
    T.RandomAdjustSharpness(2),
    T.RandomAutocontrast(),
    T.RandomEqualize(),
    T.ElasticTransform(),
    T.AutoAugment(),
    T.RandAugment(),
    T.TrivialAugmentWide(),
    T.AugMix(),
]
PLAIN = [
    T.Compose([]),
    T.ToTensor(),
    T.PILToTensor(),
    T.ToPILImage(),
    T.Lambda(abs),
    T.RandomOrder([]),
    T.RandomChoice([abs]),
]


def test_which_are_modules():
    assert all(isinstance(t, ember.nn.Module) for t in MODULES)
    assert not any(isinstance(t, ember.nn.Module) for t in PLAIN)
    assert {type(t).__name__ for t in MODULES + PLAIN} | {
        "InterpolationMode",
        "AutoAugmentPolicy",
    } >= set(T.__all__)
    assert T.RandomCrop.__module__ == "ember.vision.transforms.transforms"
    assert T.transforms.RandomCrop is T.RandomCrop and T.autoaugment.AugMix is T.AugMix


REPRS = [
    (T.Resize(8), "Resize(size=8, interpolation=bilinear, max_size=None, antialias=True)"),
    (T.CenterCrop(8), "CenterCrop(size=(8, 8))"),
    (T.Pad([1, 2], fill=3), "Pad(padding=[1, 2], fill=3, padding_mode=constant)"),
    (T.RandomCrop([8], padding=2), "RandomCrop(size=(8, 8), padding=2)"),
    (T.RandomHorizontalFlip(0.3), "RandomHorizontalFlip(p=0.3)"),
    (
        T.RandomResizedCrop(8),
        "RandomResizedCrop(size=(8, 8), scale=(0.08, 1.0), ratio=(0.75, 1.3333), "
        "interpolation=bilinear, antialias=True)",
    ),
    (T.TenCrop(4, True), "TenCrop(size=(4, 4), vertical_flip=True)"),
    (
        T.ColorJitter(0.5, hue=0.1),
        "ColorJitter(brightness=(0.5, 1.5), contrast=None, saturation=None, hue=(-0.1, 0.1))",
    ),
    (
        T.RandomRotation(10),
        "RandomRotation(degrees=[-10.0, 10.0], interpolation=nearest, expand=False, fill=0)",
    ),
    (
        T.RandomAffine(5, translate=(0.1, 0.2), shear=3, interpolation=IM.BILINEAR, fill=1),
        "RandomAffine(degrees=[-5.0, 5.0], translate=(0.1, 0.2), shear=[-3.0, 3.0], "
        "interpolation=bilinear, fill=1)",
    ),
    (T.Grayscale(3), "Grayscale(num_output_channels=3)"),
    (
        T.RandomErasing(),
        "RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)",
    ),
    (T.GaussianBlur(3), "GaussianBlur(kernel_size=(3, 3), sigma=(0.1, 2.0))"),
    (T.RandomPosterize(3), "RandomPosterize(bits=3,p=0.5)"),
    (T.RandomEqualize(0.2), "RandomEqualize(p=0.2)"),
    (T.Normalize((0.5,), (0.2,)), "Normalize(mean=(0.5,), std=(0.2,))"),
    (T.ToPILImage("L"), "ToPILImage(mode=L)"),
    (T.Compose([T.ToTensor(), T.Lambda(abs)]), "Compose(\n    ToTensor()\n    Lambda()\n)"),
    (T.RandomApply([T.ToTensor()], p=0.2), "RandomApply(\n    p=0.2\n    ToTensor()\n)"),
    (T.RandomChoice([T.ToTensor()]), "RandomChoice(\n    ToTensor()\n)(p=None)"),
    (T.AutoAugment(), "AutoAugment(policy=AutoAugmentPolicy.IMAGENET, fill=None)"),
    (
        T.RandAugment(),
        "RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31, "
        "interpolation=InterpolationMode.NEAREST, fill=None)",
    ),
    (
        T.AugMix(),
        "AugMix(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True, "
        "interpolation=InterpolationMode.BILINEAR, fill=None)",
    ),
]


@pytest.mark.parametrize(("tf", "text"), REPRS, ids=[type(t).__name__ for t, _ in REPRS])
def test_repr(tf, text):
    assert repr(tf) == text


ERRORS = [
    (lambda: T.Resize(2.5), TypeError, "Size should be int or sequence. Got <class 'float'>"),
    (lambda: T.Resize([1, 2, 3]), ValueError, "If size is a sequence, it should have 1 or 2"),
    (lambda: T.CenterCrop([1, 2, 3]), ValueError, "Please provide only two dimensions"),
    (lambda: T.Pad("2"), TypeError, "Got inappropriate padding arg"),
    (lambda: T.Pad(2, padding_mode="wrap"), ValueError, "Padding mode should be either"),
    (lambda: T.Lambda(3), TypeError, "Argument lambd should be callable, got 'int'"),
    (lambda: T.RandomOrder(abs), TypeError, "Argument transforms should be a sequence"),
    (lambda: T.RandomChoice([abs], p=3), TypeError, "Argument p should be a sequence"),
    (lambda: T.ColorJitter(-1), ValueError, "If brightness is a single number, it must be non"),
    (lambda: T.ColorJitter(hue=0.6), ValueError, r"hue values should be between \(-0.5, 0.5\)"),
    (lambda: T.ColorJitter(contrast="x"), TypeError, "contrast should be a single number or a"),
    (
        lambda: T.RandomRotation(-3),
        ValueError,
        "If degrees is a single number, it must be positive",
    ),
    (
        lambda: T.RandomRotation(3, center=[1]),
        ValueError,
        "center should be a sequence of length 2",
    ),
    (lambda: T.RandomRotation(3, fill={}), TypeError, "Fill should be either a sequence or a"),
    (lambda: T.RandomAffine(3, translate=(0.1, 2)), ValueError, "translation values should be"),
    (lambda: T.RandomAffine(3, scale=(0, 1)), ValueError, "scale values should be positive"),
    (
        lambda: T.RandomAffine(3, shear=[1, 2, 3]),
        ValueError,
        "shear should be a sequence of length 2 or 4",
    ),
    (
        lambda: T.RandomAffine(3, translate=1),
        TypeError,
        "translate should be a sequence of length 2",
    ),
    (lambda: T.RandomResizedCrop(8, scale=0.5), TypeError, "Scale should be a sequence"),
    (lambda: T.RandomErasing(value="x"), ValueError, "If value is str, it should be 'random'"),
    (lambda: T.RandomErasing(scale=(0.1, 2)), ValueError, "Scale should be between 0 and 1"),
    (lambda: T.RandomErasing(p=2), ValueError, "Random erasing probability should be between"),
    (lambda: T.RandomErasing(value={}), TypeError, "Argument value should be either a number"),
    (lambda: T.GaussianBlur(4), ValueError, "Kernel size value should be an odd and positive"),
    (lambda: T.GaussianBlur(3, sigma=-1), ValueError, "If sigma is a single number, it must be"),
    (lambda: T.GaussianBlur(3, sigma=(2, 1)), ValueError, r"sigma values should be positive and"),
    (lambda: T.GaussianBlur(3, sigma=[1]), ValueError, "sigma should be a single number or a"),
    (lambda: T.ElasticTransform(alpha=3), TypeError, "alpha should be float or a sequence of"),
    (lambda: T.ElasticTransform(sigma=[1.0]), ValueError, "If sigma is a sequence its length"),
    (lambda: T.ElasticTransform(fill="x"), TypeError, "fill should be int or float or a list"),
    (lambda: T.AugMix(severity=11), ValueError, r"The severity must be between \[1, 10\]"),
    (lambda: T.AutoAugment("imagenet"), ValueError, "The provided policy imagenet is not"),
    (
        lambda: T.LinearTransformation(ember.zeros(2, 3), ember.zeros(2)),
        ValueError,
        r"transformation_matrix should be square. Got \(2, 3\) rectangular matrix.",
    ),
    (
        lambda: T.LinearTransformation(ember.zeros(2, 2), ember.zeros(3)),
        ValueError,
        "mean_vector should have the same length 3",
    ),
    (
        lambda: T.LinearTransformation(ember.zeros(2, 2), ember.zeros(2, dtype=ember.float64)),
        ValueError,
        "Input tensors should have the same dtype",
    ),
]


@pytest.mark.parametrize(("make", "exc", "match"), ERRORS, ids=[e[2][:40] for e in ERRORS])
def test_constructor_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_forward_errors():
    with pytest.raises(ValueError, match="If value is a sequence, it should have either a single"):
        T.RandomErasing(p=1.0, value=[1, 2])(ember.zeros(3, 8, 8))
    with pytest.raises(
        ValueError, match="Input tensor and transformation matrix have incompatible"
    ):
        T.LinearTransformation(ember.eye(4), ember.zeros(4))(ember.zeros(3, 2, 2))
    with pytest.raises(NotImplementedError):
        T.transforms.RandomTransforms([abs])(1)


def test_attributes():
    cj = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.9), saturation=0, hue=0.1)
    assert cj.brightness == (0.5, 1.5) and cj.contrast == (0.2, 0.9)
    assert cj.saturation is None and cj.hue == (-0.1, 0.1)
    assert T.ColorJitter(brightness=2).brightness == (0.0, 3.0)  # clipped at zero
    assert T.RandomRotation((-5, 20)).degrees == [-5.0, 20.0]
    assert T.RandomAffine(0, shear=(1, 2, 3, 4)).shear == [1.0, 2.0, 3.0, 4.0]
    assert T.RandomRotation(3, fill=None).fill == 0
    assert T.Resize(8, interpolation=3).interpolation is IM.BICUBIC  # a Pillow constant
    assert T.GaussianBlur(5, 1.5).sigma == (1.5, 1.5)
    assert T.ElasticTransform(alpha=(1.0, 2.0), fill=3).fill == [3.0]
    assert T.RandomCrop(5).size == (5, 5)


def test_linear_transformation_against_torch():
    rng = np.random.default_rng(0)
    w, mean, x = rng.random((12, 12)), rng.random(12), rng.random((2, 3, 2, 2))
    tf = T.LinearTransformation(
        ember.tensor(w, dtype=ember.float32), ember.tensor(mean, dtype=ember.float32)
    )
    expected = (
        torch.tensor(x, dtype=torch.float32).view(-1, 12) - torch.tensor(mean, dtype=torch.float32)
    ) @ torch.tensor(w, dtype=torch.float32)
    out = tf(ember.tensor(x, dtype=ember.float32))
    assert out.shape == (2, 3, 2, 2)
    np.testing.assert_allclose(out.numpy().reshape(2, 12), expected.numpy(), rtol=1e-5, atol=1e-6)


def test_normalize_in_sequential_and_state_dict():
    seq = ember.nn.Sequential(T.CenterCrop(4), T.Normalize([0.5] * 3, [0.25] * 3))
    out = seq(ember.ones(2, 3, 6, 6))
    assert out.shape == (2, 3, 4, 4) and float(out.max()) == 2.0
    assert seq.state_dict() == {}


def test_crops_return_tuples():
    img = ember.rand(3, 10, 12)
    five = T.FiveCrop(4)(img)
    ten = T.TenCrop((4, 6), vertical_flip=True)(img)
    assert len(five) == 5 and len(ten) == 10
    np.testing.assert_array_equal(five[0].numpy(), img[:, :4, :4].numpy())
    np.testing.assert_array_equal(five[3].numpy(), img[:, -4:, -4:].numpy())
    np.testing.assert_array_equal(ten[5].numpy(), F.vflip(img)[:, :4, :6].numpy())


def test_elastic_transform_draws_two_fields():
    img = ember.rand(3, 10, 12)
    tf = T.ElasticTransform(alpha=20.0, sigma=1.5)
    torch.manual_seed(3)
    dx = ember.tensor(torch.rand([1, 1, 10, 12]).numpy()) * 2 - 1
    dy = ember.tensor(torch.rand([1, 1, 10, 12]).numpy()) * 2 - 1
    dx = F.gaussian_blur(dx, [13, 13], [1.5, 1.5]) * 20.0 / 10
    dy = F.gaussian_blur(dy, [13, 13], [1.5, 1.5]) * 20.0 / 12
    expected = F.elastic_transform(img, ember.cat([dx, dy], 1).permute([0, 2, 3, 1]), fill=[0.0])
    ember.manual_seed(3)
    np.testing.assert_allclose(tf(img).numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)


PIPELINE = [
    T.RandomResizedCrop(24),
    T.RandomHorizontalFlip(),
    T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
    T.RandomGrayscale(0.2),
    T.RandomRotation(15),
    T.RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=(-5, 5, -3, 3)),
    T.RandomPerspective(p=1.0),
    T.GaussianBlur(3),
    T.RandomPosterize(4),
    T.RandomSolarize(128),
    T.RandomAdjustSharpness(2.0),
    T.RandomAutocontrast(),
    T.RandomEqualize(),
    T.RandomInvert(),
    T.Pad(2, padding_mode="symmetric"),
    T.RandomCrop(20),
]
POLICIES = [
    T.AutoAugment(T.AutoAugmentPolicy.IMAGENET),
    T.AutoAugment(T.AutoAugmentPolicy.CIFAR10, fill=[1, 2, 3]),
    T.AutoAugment(T.AutoAugmentPolicy.SVHN, interpolation=IM.BILINEAR),
    T.RandAugment(num_ops=4, fill=7),
    T.TrivialAugmentWide(),
    T.AugMix(chain_depth=2),
]


@pytest.mark.parametrize("kind", ["pil", "uint8"])
def test_pipelines_run_on_pil_and_uint8(pil, kind):
    img = pil if kind == "pil" else F.pil_to_tensor(pil)
    tf = T.Compose([*PIPELINE, *POLICIES])
    for seed in range(3):
        ember.manual_seed(seed)
        out = tf(img)
        if kind == "pil":
            assert isinstance(out, Image.Image) and out.size == (20, 20) and out.mode == "RGB"
        else:
            assert out.dtype == ember.uint8 and out.shape == (3, 20, 20)


def test_policies_agree_between_pil_and_tensor(pil):
    # with the same draws, an op applied to a PIL image and to its uint8 tensor stays close
    # (torchvision's tests allow a few grey levels for the colour ops)
    t = F.pil_to_tensor(pil)
    for policy in POLICIES[:5]:
        for seed in range(4):
            ember.manual_seed(seed)
            a = F.pil_to_tensor(policy(pil)).numpy().astype(int)
            ember.manual_seed(seed)
            b = policy(t).numpy().astype(int)
            assert np.abs(a - b).mean() < 2, (policy, seed)


def test_float_pipeline_keeps_float():
    img = ember.rand(3, 30, 30)
    tf = T.Compose(
        [*PIPELINE[:8], T.RandomErasing(p=1.0, value="random"), T.Normalize([0.5] * 3, [0.5] * 3)]
    )
    out = tf(img)
    assert out.dtype == ember.float32 and out.shape == (3, 24, 24)
    to_tensor = T.Compose([T.ToTensor(), T.ConvertImageDtype(ember.float64)])
    assert to_tensor(F.to_pil_image(img)).dtype == ember.float64
