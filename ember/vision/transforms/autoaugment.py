"""Learned and random augmentation policies, as ``torchvision.transforms.autoaugment``:
AutoAugment, RandAugment, TrivialAugmentWide and AugMix.

They take PIL images or uint8 tensor images ``(..., 1 or 3, H, W)`` and draw with ember's
generator through torchvision's calls, so a seeded run picks torchvision's ops and magnitudes.

>>> import ember
>>> from ember.vision.transforms import AutoAugment, AutoAugmentPolicy
>>> aug = AutoAugment(AutoAugmentPolicy.CIFAR10)
>>> aug(ember.zeros(3, 8, 8, dtype=ember.uint8)).shape
ember.Size([3, 8, 8])
"""

from __future__ import annotations

import math
from enum import Enum

import ember as _ember
from ember import Tensor as _Tensor
from ember.nn import Module as _Module

from . import functional as F
from .functional import InterpolationMode

__all__ = ["AutoAugmentPolicy", "AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


def _affine(img, interpolation, fill, translate=(0, 0), shear=(0.0, 0.0), center=None):
    return F.affine(
        img,
        angle=0.0,
        translate=list(translate),
        scale=1.0,
        shear=list(shear),
        interpolation=interpolation,
        fill=fill,
        center=center,
    )


def _apply_op(img, op_name: str, magnitude: float, interpolation: InterpolationMode, fill):
    if op_name == "ShearX":
        # the policies' shear is a slope, torchvision's shear an angle: degrees(atan(level)),
        # about the top-left corner as in the original implementation
        shear = (math.degrees(math.atan(magnitude)), 0.0)
        return _affine(img, interpolation, fill, shear=shear, center=[0, 0])
    if op_name == "ShearY":
        shear = (0.0, math.degrees(math.atan(magnitude)))
        return _affine(img, interpolation, fill, shear=shear, center=[0, 0])
    if op_name == "TranslateX":
        return _affine(img, interpolation, fill, translate=(int(magnitude), 0))
    if op_name == "TranslateY":
        return _affine(img, interpolation, fill, translate=(0, int(magnitude)))
    if op_name == "Rotate":
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    if op_name == "Brightness":
        return F.adjust_brightness(img, 1.0 + magnitude)
    if op_name == "Color":
        return F.adjust_saturation(img, 1.0 + magnitude)
    if op_name == "Contrast":
        return F.adjust_contrast(img, 1.0 + magnitude)
    if op_name == "Sharpness":
        return F.adjust_sharpness(img, 1.0 + magnitude)
    if op_name == "Posterize":
        return F.posterize(img, int(magnitude))
    if op_name == "Solarize":
        return F.solarize(img, magnitude)
    if op_name == "AutoContrast":
        return F.autocontrast(img)
    if op_name == "Equalize":
        return F.equalize(img)
    if op_name == "Invert":
        return F.invert(img)
    if op_name == "Identity":
        return img
    raise ValueError(f"The provided operator {op_name} is not recognized.")


def _tensor_fill(fill, img, channels):
    if isinstance(img, _Tensor):
        if isinstance(fill, (int, float)):
            return [float(fill)] * channels
        if fill is not None:
            return [float(f) for f in fill]
    return fill


def _linspace(start, end, num_bins):
    return _ember.linspace(start, end, num_bins), True


def _posterize_bits(top: int, num_bins: int, span: int):
    return top - (_ember.arange(num_bins) / ((num_bins - 1) / span)).round().int(), False


def _no_magnitude():
    return _ember.tensor(0.0), False


class AutoAugmentPolicy(Enum):
    """AutoAugment policies learned on ImageNet, CIFAR10 and SVHN."""

    IMAGENET = "imagenet"
    CIFAR10 = "cifar10"
    SVHN = "svhn"


def _policy(text: str):
    """'Op p m, Op p m; ...' -> [((op, p, m or None), (op, p, m or None)), ...]."""
    pairs = []
    for pair in text.split(";"):
        subs = []
        for sub in pair.split(","):
            name, p, m = sub.split()
            subs.append((name, float(p), None if m == "-" else int(m)))
        pairs.append(tuple(subs))
    return pairs


# (op, probability, magnitude bin) pairs from the AutoAugment paper (Cubuk et al., 2019)
_POLICIES = {
    AutoAugmentPolicy.IMAGENET: (
        "Posterize 0.4 8, Rotate 0.6 9; Solarize 0.6 5, AutoContrast 0.6 -;"
        "Equalize 0.8 -, Equalize 0.6 -; Posterize 0.6 7, Posterize 0.6 6;"
        "Equalize 0.4 -, Solarize 0.2 4; Equalize 0.4 -, Rotate 0.8 8;"
        "Solarize 0.6 3, Equalize 0.6 -; Posterize 0.8 5, Equalize 1.0 -;"
        "Rotate 0.2 3, Solarize 0.6 8; Equalize 0.6 -, Posterize 0.4 6;"
        "Rotate 0.8 8, Color 0.4 0; Rotate 0.4 9, Equalize 0.6 -;"
        "Equalize 0.0 -, Equalize 0.8 -; Invert 0.6 -, Equalize 1.0 -;"
        "Color 0.6 4, Contrast 1.0 8; Rotate 0.8 8, Color 1.0 2;"
        "Color 0.8 8, Solarize 0.8 7; Sharpness 0.4 7, Invert 0.6 -;"
        "ShearX 0.6 5, Equalize 1.0 -; Color 0.4 0, Equalize 0.6 -;"
        "Equalize 0.4 -, Solarize 0.2 4; Solarize 0.6 5, AutoContrast 0.6 -;"
        "Invert 0.6 -, Equalize 1.0 -; Color 0.6 4, Contrast 1.0 8;"
        "Equalize 0.8 -, Equalize 0.6 -"
    ),
    AutoAugmentPolicy.CIFAR10: (
        "Invert 0.1 -, Contrast 0.2 6; Rotate 0.7 2, TranslateX 0.3 9;"
        "Sharpness 0.8 1, Sharpness 0.9 3; ShearY 0.5 8, TranslateY 0.7 9;"
        "AutoContrast 0.5 -, Equalize 0.9 -; ShearY 0.2 7, Posterize 0.3 7;"
        "Color 0.4 3, Brightness 0.6 7; Sharpness 0.3 9, Brightness 0.7 9;"
        "Equalize 0.6 -, Equalize 0.5 -; Contrast 0.6 7, Sharpness 0.6 5;"
        "Color 0.7 7, TranslateX 0.5 8; Equalize 0.3 -, AutoContrast 0.4 -;"
        "TranslateY 0.4 3, Sharpness 0.2 6; Brightness 0.9 6, Color 0.2 8;"
        "Solarize 0.5 2, Invert 0.0 -; Equalize 0.2 -, AutoContrast 0.6 -;"
        "Equalize 0.2 -, Equalize 0.6 -; Color 0.9 9, Equalize 0.6 -;"
        "AutoContrast 0.8 -, Solarize 0.2 8; Brightness 0.1 3, Color 0.7 0;"
        "Solarize 0.4 5, AutoContrast 0.9 -; TranslateY 0.9 9, TranslateY 0.7 9;"
        "AutoContrast 0.9 -, Solarize 0.8 3; Equalize 0.8 -, Invert 0.1 -;"
        "TranslateY 0.7 9, AutoContrast 0.9 -"
    ),
    AutoAugmentPolicy.SVHN: (
        "ShearX 0.9 4, Invert 0.2 -; ShearY 0.9 8, Invert 0.7 -;"
        "Equalize 0.6 -, Solarize 0.6 6; Invert 0.9 -, Equalize 0.6 -;"
        "Equalize 0.6 -, Rotate 0.9 3; ShearX 0.9 4, AutoContrast 0.8 -;"
        "ShearY 0.9 8, Invert 0.4 -; ShearY 0.9 5, Solarize 0.2 6;"
        "Invert 0.9 -, AutoContrast 0.8 -; Equalize 0.6 -, Rotate 0.9 3;"
        "ShearX 0.9 4, Solarize 0.3 3; ShearY 0.8 8, Invert 0.7 -;"
        "Equalize 0.9 -, TranslateY 0.6 6; Invert 0.9 -, Equalize 0.6 -;"
        "Contrast 0.3 3, Rotate 0.8 4; Invert 0.8 -, TranslateY 0.0 2;"
        "ShearY 0.7 6, Solarize 0.4 8; Invert 0.6 -, Rotate 0.8 4;"
        "ShearY 0.3 7, TranslateX 0.9 3; ShearX 0.1 6, Invert 0.6 -;"
        "Solarize 0.7 2, TranslateY 0.6 7; ShearY 0.8 4, Invert 0.8 -;"
        "ShearX 0.7 9, TranslateY 0.8 3; ShearY 0.8 5, AutoContrast 0.7 -;"
        "ShearX 0.7 2, Invert 0.1 -"
    ),
}


class AutoAugment(_Module):
    """AutoAugment (Cubuk et al., 2019): one of the ``policy``'s 25 sub-policies, picked at
    random, each of its two ops applied with its probability and magnitude."""

    def __init__(
        self,
        policy: AutoAugmentPolicy = AutoAugmentPolicy.IMAGENET,
        interpolation: InterpolationMode = InterpolationMode.NEAREST,
        fill=None,
    ) -> None:
        super().__init__()
        self.policy = policy
        self.interpolation = interpolation
        self.fill = fill
        self.policies = self._get_policies(policy)

    def _get_policies(self, policy):
        if policy not in _POLICIES:
            raise ValueError(f"The provided policy {policy} is not recognized.")
        return _policy(_POLICIES[policy])

    def _augmentation_space(self, num_bins: int, image_size):
        height, width = image_size
        return {
            "ShearX": _linspace(0.0, 0.3, num_bins),
            "ShearY": _linspace(0.0, 0.3, num_bins),
            "TranslateX": _linspace(0.0, 150.0 / 331.0 * width, num_bins),
            "TranslateY": _linspace(0.0, 150.0 / 331.0 * height, num_bins),
            "Rotate": _linspace(0.0, 30.0, num_bins),
            "Brightness": _linspace(0.0, 0.9, num_bins),
            "Color": _linspace(0.0, 0.9, num_bins),
            "Contrast": _linspace(0.0, 0.9, num_bins),
            "Sharpness": _linspace(0.0, 0.9, num_bins),
            "Posterize": _posterize_bits(8, num_bins, 4),
            "Solarize": (_ember.linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": _no_magnitude(),
            "Equalize": _no_magnitude(),
            "Invert": _no_magnitude(),
        }

    @staticmethod
    def get_params(transform_num: int):
        """``(policy_id, probs, signs)``: the sub-policy, and a probability draw and a sign
        for each of its two ops."""
        policy_id = int(_ember.randint(transform_num, (1,)).item())
        probs = _ember.rand((2,))
        signs = _ember.randint(2, (2,))
        return policy_id, probs, signs

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        transform_id, probs, signs = self.get_params(len(self.policies))
        op_meta = self._augmentation_space(10, (height, width))
        for i, (op_name, p, magnitude_id) in enumerate(self.policies[transform_id]):
            if probs[i] <= p:
                magnitudes, signed = op_meta[op_name]
                magnitude = (
                    float(magnitudes[magnitude_id].item()) if magnitude_id is not None else 0.0
                )
                if signed and signs[i] == 0:
                    magnitude *= -1.0
                img = _apply_op(
                    img, op_name, magnitude, interpolation=self.interpolation, fill=fill
                )
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(policy={self.policy}, fill={self.fill})"


def _random_space(num_bins: int, top: float, shear: float, translate, rotate: float):
    return {
        "Identity": _no_magnitude(),
        "ShearX": _linspace(0.0, shear, num_bins),
        "ShearY": _linspace(0.0, shear, num_bins),
        "TranslateX": _linspace(0.0, translate[1], num_bins),
        "TranslateY": _linspace(0.0, translate[0], num_bins),
        "Rotate": _linspace(0.0, rotate, num_bins),
        "Brightness": _linspace(0.0, top, num_bins),
        "Color": _linspace(0.0, top, num_bins),
        "Contrast": _linspace(0.0, top, num_bins),
        "Sharpness": _linspace(0.0, top, num_bins),
    }


class RandAugment(_Module):
    """RandAugment (Cubuk et al., 2020): ``num_ops`` random ops, each at the fixed
    ``magnitude`` out of ``num_magnitude_bins``."""

    def __init__(
        self,
        num_ops: int = 2,
        magnitude: int = 9,
        num_magnitude_bins: int = 31,
        interpolation: InterpolationMode = InterpolationMode.NEAREST,
        fill=None,
    ) -> None:
        super().__init__()
        self.num_ops = num_ops
        self.magnitude = magnitude
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int, image_size):
        height, width = image_size
        translate = (150.0 / 331.0 * height, 150.0 / 331.0 * width)
        ops = _random_space(num_bins, 0.9, 0.3, translate, 30.0)
        ops["Posterize"] = _posterize_bits(8, num_bins, 4)
        ops["Solarize"] = (_ember.linspace(255.0, 0.0, num_bins), False)
        ops["AutoContrast"] = _no_magnitude()
        ops["Equalize"] = _no_magnitude()
        return ops

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_index = int(_ember.randint(len(op_meta), (1,)).item())
            op_name = list(op_meta.keys())[op_index]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude].item()) if magnitudes.ndim > 0 else 0.0
            if signed and _ember.randint(2, (1,)):
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, "
            f"num_magnitude_bins={self.num_magnitude_bins}, "
            f"interpolation={self.interpolation}, fill={self.fill})"
        )


class TrivialAugmentWide(_Module):
    """TrivialAugment Wide (Müller and Hutter, 2021): one random op at a random magnitude."""

    def __init__(
        self,
        num_magnitude_bins: int = 31,
        interpolation: InterpolationMode = InterpolationMode.NEAREST,
        fill=None,
    ) -> None:
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int):
        ops = _random_space(num_bins, 0.99, 0.99, (32.0, 32.0), 135.0)
        ops["Posterize"] = _posterize_bits(8, num_bins, 6)
        ops["Solarize"] = (_ember.linspace(255.0, 0.0, num_bins), False)
        ops["AutoContrast"] = _no_magnitude()
        ops["Equalize"] = _no_magnitude()
        return ops

    def forward(self, img):
        channels, height, width = F.get_dimensions(img)
        fill = _tensor_fill(self.fill, img, channels)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_index = int(_ember.randint(len(op_meta), (1,)).item())
        op_name = list(op_meta.keys())[op_index]
        magnitudes, signed = op_meta[op_name]
        magnitude = 0.0
        if magnitudes.ndim > 0:
            index = _ember.randint(len(magnitudes), (1,), dtype=_ember.long)
            magnitude = float(magnitudes[index].item())
        if signed and _ember.randint(2, (1,)):
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, "
            f"interpolation={self.interpolation}, fill={self.fill})"
        )


class AugMix(_Module):
    """AugMix (Hendrycks et al., 2020): ``mixture_width`` chains of random ops (depth
    ``chain_depth``, or 1-3 at random), mixed with Dirichlet weights and blended back into the
    original with a Beta weight."""

    def __init__(
        self,
        severity: int = 3,
        mixture_width: int = 3,
        chain_depth: int = -1,
        alpha: float = 1.0,
        all_ops: bool = True,
        interpolation: InterpolationMode = InterpolationMode.BILINEAR,
        fill=None,
    ) -> None:
        super().__init__()
        self._PARAMETER_MAX = 10
        if not (1 <= severity <= self._PARAMETER_MAX):
            raise ValueError(
                f"The severity must be between [1, {self._PARAMETER_MAX}]. Got {severity} instead."
            )
        self.severity = severity
        self.mixture_width = mixture_width
        self.chain_depth = chain_depth
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.fill = fill

    def _augmentation_space(self, num_bins: int, image_size):
        height, width = image_size
        ops = {
            "ShearX": _linspace(0.0, 0.3, num_bins),
            "ShearY": _linspace(0.0, 0.3, num_bins),
            "TranslateX": _linspace(0.0, width / 3.0, num_bins),
            "TranslateY": _linspace(0.0, height / 3.0, num_bins),
            "Rotate": _linspace(0.0, 30.0, num_bins),
            "Posterize": _posterize_bits(4, num_bins, 4),
            "Solarize": (_ember.linspace(255.0, 0.0, num_bins), False),
            "AutoContrast": _no_magnitude(),
            "Equalize": _no_magnitude(),
        }
        if self.all_ops:
            for name in ("Brightness", "Color", "Contrast", "Sharpness"):
                ops[name] = _linspace(0.0, 0.9, num_bins)
        return ops

    def _pil_to_tensor(self, img):
        return F.pil_to_tensor(img)

    def _tensor_to_pil(self, img):
        return F.to_pil_image(img)

    def _sample_dirichlet(self, params):
        # torch._sample_dirichlet: one draw per row of concentrations
        return _ember.distributions.Dirichlet(params).sample()

    def forward(self, orig_img):
        channels, height, width = F.get_dimensions(orig_img)
        if isinstance(orig_img, _Tensor):
            img = orig_img
            fill = _tensor_fill(self.fill, img, channels)
        else:
            img = self._pil_to_tensor(orig_img)
            fill = self.fill
        op_meta = self._augmentation_space(self._PARAMETER_MAX, (height, width))
        orig_dims = list(img.shape)
        batch = img.view([1] * max(4 - img.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)
        # Beta(alpha, alpha) weights of the original (column 0) and the mixture (column 1), as a
        # two-parameter Dirichlet; then Dirichlet weights of the chains, scaled by column 1
        alpha2 = _ember.tensor([self.alpha, self.alpha], device=batch.device)
        m = self._sample_dirichlet(alpha2.expand(batch_dims[0], -1))
        alphas = _ember.tensor([self.alpha] * self.mixture_width, device=batch.device)
        combined_weights = self._sample_dirichlet(alphas.expand(batch_dims[0], -1))
        combined_weights = combined_weights * m[:, 1].view([batch_dims[0], -1])
        mix = m[:, 0].view(batch_dims) * batch
        for i in range(self.mixture_width):
            aug = batch
            depth = self.chain_depth
            if depth <= 0:
                depth = int(_ember.randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                op_index = int(_ember.randint(len(op_meta), (1,)).item())
                op_name = list(op_meta.keys())[op_index]
                magnitudes, signed = op_meta[op_name]
                magnitude = 0.0
                if magnitudes.ndim > 0:
                    index = _ember.randint(self.severity, (1,), dtype=_ember.long)
                    magnitude = float(magnitudes[index].item())
                if signed and _ember.randint(2, (1,)):
                    magnitude *= -1.0
                aug = _apply_op(
                    aug, op_name, magnitude, interpolation=self.interpolation, fill=fill
                )
            mix.add_(combined_weights[:, i].view(batch_dims) * aug)
        mix = mix.view(orig_dims).to(dtype=img.dtype)
        if not isinstance(orig_img, _Tensor):
            return self._tensor_to_pil(mix)
        return mix

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(severity={self.severity}, "
            f"mixture_width={self.mixture_width}, chain_depth={self.chain_depth}, "
            f"alpha={self.alpha}, all_ops={self.all_ops}, interpolation={self.interpolation}, "
            f"fill={self.fill})"
        )
