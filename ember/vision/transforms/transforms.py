"""Image transforms as classes, as ``torchvision.transforms.transforms`` (the v1 API).

Each takes a PIL image or a tensor image ``(..., C, H, W)`` (see :mod:`.functional`); those
that torchvision makes ``nn.Module`` s are ember ``nn.Module`` s. Random transforms draw their
parameters with ember's generator through torchvision's calls in torchvision's order (and
``RandomOrder``/``RandomChoice`` with Python's ``random``, as torchvision), so under the same
seed they make the same choices.

>>> import ember
>>> from ember.vision import transforms as T
>>> tf = T.Compose([T.CenterCrop(4), T.Normalize((0.5,), (0.5,))])
>>> tf(ember.ones(1, 6, 6)).shape
ember.Size([1, 4, 4])
"""

from __future__ import annotations

import math
import numbers
import random
import warnings
from collections.abc import Sequence

import ember as _ember
from ember import Tensor as _Tensor
from ember.nn import Module as _Module

from . import functional as F
from ._transforms_geometry import (
    CenterCrop,
    ElasticTransform,
    FiveCrop,
    Pad,
    RandomAffine,
    RandomCrop,
    RandomHorizontalFlip,
    RandomPerspective,
    RandomResizedCrop,
    RandomRotation,
    RandomVerticalFlip,
    Resize,
    TenCrop,
    _check_sequence_input,  # noqa: F401  (torchvision's helpers live in this module too)
    _setup_angle,  # noqa: F401
    _setup_size,
)
from .functional import InterpolationMode

__all__ = [
    "Compose",
    "ToTensor",
    "PILToTensor",
    "ConvertImageDtype",
    "ToPILImage",
    "Normalize",
    "Resize",
    "CenterCrop",
    "Pad",
    "Lambda",
    "RandomApply",
    "RandomChoice",
    "RandomOrder",
    "RandomCrop",
    "RandomHorizontalFlip",
    "RandomVerticalFlip",
    "RandomResizedCrop",
    "FiveCrop",
    "TenCrop",
    "LinearTransformation",
    "ColorJitter",
    "RandomRotation",
    "RandomAffine",
    "Grayscale",
    "RandomGrayscale",
    "RandomPerspective",
    "RandomErasing",
    "GaussianBlur",
    "InterpolationMode",
    "RandomInvert",
    "RandomPosterize",
    "RandomSolarize",
    "RandomAdjustSharpness",
    "RandomAutocontrast",
    "RandomEqualize",
    "ElasticTransform",
]


def _list_repr(name: str, items, head: str = "") -> str:
    body = head + "".join(f"\n    {t}" for t in items)
    return f"{name}({body}\n)"


class Compose:
    """Apply ``transforms`` one after the other.

    >>> from ember.vision import transforms as T
    >>> T.Compose([T.CenterCrop(10), T.ToTensor()])
    Compose(
        CenterCrop(size=(10, 10))
        ToTensor()
    )
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _list_repr(self.__class__.__name__, self.transforms)


class ToTensor:
    """Convert a PIL image or an (H x W x C) ndarray to a (C x H x W) tensor, scaling uint8
    data to ``[0, 1]`` (see :func:`functional.to_tensor`)."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class PILToTensor:
    """Convert a PIL image to a (C x H x W) tensor of the same dtype, unscaled."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class ConvertImageDtype(_Module):
    """Convert a tensor image to ``dtype``, rescaling its values (see
    :func:`functional.convert_image_dtype`)."""

    def __init__(self, dtype) -> None:
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class ToPILImage:
    """Convert a (C x H x W) tensor or an (H x W x C) ndarray to a PIL image of ``mode``
    (inferred from the channels and dtype when None)."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self) -> str:
        mode = f"mode={self.mode}" if self.mode is not None else ""
        return f"{self.__class__.__name__}({mode})"


class Normalize(_Module):
    """Normalize a float tensor image per channel: ``(input[c] - mean[c]) / std[c]``.

    Out of place unless ``inplace``."""

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor: _Tensor) -> _Tensor:
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(mean={self.mean}, std={self.std})"


class Lambda:
    """Apply a user-defined function as a transform."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got {repr(type(lambd).__name__)}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}()"


class RandomTransforms:
    """Base class of a list of transforms applied with some randomness."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError("Argument transforms should be a sequence")
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self) -> str:
        return _list_repr(self.__class__.__name__, self.transforms)


class RandomApply(_Module):
    """Apply all of ``transforms`` with probability ``p``, or none of them."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < _ember.rand(1):
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self) -> str:
        return _list_repr(self.__class__.__name__, self.transforms, head=f"\n    p={self.p}")


class RandomOrder(RandomTransforms):
    """Apply ``transforms`` in a random order (drawn with Python's ``random``)."""

    def __call__(self, img):
        order = list(range(len(self.transforms)))
        random.shuffle(order)
        for i in order:
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one of ``transforms``, picked with Python's ``random`` (weights ``p``)."""

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError("Argument p should be a sequence")
        self.p = p

    def __call__(self, *args):
        t = random.choices(self.transforms, weights=self.p)[0]
        return t(*args)

    def __repr__(self) -> str:
        return f"{super().__repr__()}(p={self.p})"


class LinearTransformation(_Module):
    """Subtract ``mean_vector`` from the flattened image and multiply by the square
    ``transformation_matrix`` (e.g. ZCA whitening)."""

    def __init__(self, transformation_matrix, mean_vector):
        super().__init__()
        size = tuple(transformation_matrix.size())
        if transformation_matrix.size(0) != transformation_matrix.size(1):
            raise ValueError(
                f"transformation_matrix should be square. Got {size} rectangular matrix."
            )
        if mean_vector.size(0) != transformation_matrix.size(0):
            raise ValueError(
                f"mean_vector should have the same length {mean_vector.size(0)} as any one of the "
                f"dimensions of the transformation_matrix [{size}]"
            )
        if transformation_matrix.device != mean_vector.device:
            raise ValueError(
                "Input tensors should be on the same device. Got "
                f"{transformation_matrix.device} and {mean_vector.device}"
            )
        if transformation_matrix.dtype != mean_vector.dtype:
            raise ValueError(
                "Input tensors should have the same dtype. Got "
                f"{transformation_matrix.dtype} and {mean_vector.dtype}"
            )
        self.transformation_matrix = transformation_matrix
        self.mean_vector = mean_vector

    def forward(self, tensor: _Tensor) -> _Tensor:
        shape = tensor.shape
        n = shape[-3] * shape[-2] * shape[-1]
        if n != self.transformation_matrix.shape[0]:
            raise ValueError(
                "Input tensor and transformation matrix have incompatible shape."
                f"[{shape[-3]} x {shape[-2]} x {shape[-1]}] != "
                f"{self.transformation_matrix.shape[0]}"
            )
        if tensor.device.type != self.mean_vector.device.type:
            raise ValueError(
                "Input tensor should be on the same device as transformation matrix and mean "
                f"vector. Got {tensor.device} vs {self.mean_vector.device}"
            )
        flat_tensor = tensor.view(-1, n) - self.mean_vector
        transformation_matrix = self.transformation_matrix.to(flat_tensor.dtype)
        return _ember.mm(flat_tensor, transformation_matrix).view(shape)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(transformation_matrix="
            f"{self.transformation_matrix.tolist()}, mean_vector={self.mean_vector.tolist()})"
        )


class ColorJitter(_Module):
    """Randomly change brightness, contrast, saturation and hue, in a random order.

    Each factor is drawn uniformly from ``[max(0, 1 - x), 1 + x]`` for a number ``x`` (hue:
    ``[-x, x]`` with ``x <= 0.5``) or from a given ``(min, max)``."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self.brightness = self._check_input(brightness, "brightness")
        self.contrast = self._check_input(contrast, "contrast")
        self.saturation = self._check_input(saturation, "saturation")
        self.hue = self._check_input(
            hue, "hue", center=0, bound=(-0.5, 0.5), clip_first_on_zero=False
        )

    def _check_input(self, value, name, center=1, bound=(0, float("inf")), clip_first_on_zero=True):
        if isinstance(value, numbers.Number):
            if value < 0:
                raise ValueError(f"If {name} is a single number, it must be non negative.")
            value = [center - float(value), center + float(value)]
            if clip_first_on_zero:
                value[0] = max(value[0], 0.0)
        elif isinstance(value, (tuple, list)) and len(value) == 2:
            value = [float(value[0]), float(value[1])]
        else:
            raise TypeError(f"{name} should be a single number or a list/tuple with length 2.")
        if not bound[0] <= value[0] <= value[1] <= bound[1]:
            raise ValueError(f"{name} values should be between {bound}, but got {value}.")
        # a range that is only the centre means: leave this property alone
        if value[0] == value[1] == center:
            return None
        return tuple(value)

    @staticmethod
    def get_params(brightness, contrast, saturation, hue):
        """``(fn_idx, b, c, s, h)``: the order of the four adjustments and their factors (None
        for an adjustment that is off)."""
        fn_idx = _ember.randperm(4)

        def draw(rng):
            return None if rng is None else float(_ember.empty(1).uniform_(rng[0], rng[1]))

        b, c, s, h = draw(brightness), draw(contrast), draw(saturation), draw(hue)
        return fn_idx, b, c, s, h

    def forward(self, img):
        fn_idx, b, c, s, h = self.get_params(
            self.brightness, self.contrast, self.saturation, self.hue
        )
        steps = (
            (b, F.adjust_brightness),
            (c, F.adjust_contrast),
            (s, F.adjust_saturation),
            (h, F.adjust_hue),
        )
        for fn_id in fn_idx.tolist():
            factor, adjust = steps[fn_id]
            if factor is not None:
                img = adjust(img, factor)
        return img

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(brightness={self.brightness}, contrast={self.contrast}, "
            f"saturation={self.saturation}, hue={self.hue})"
        )


class Grayscale(_Module):
    """Convert an image to greyscale with ``num_output_channels`` (1 or 3) channels."""

    def __init__(self, num_output_channels=1):
        super().__init__()
        self.num_output_channels = num_output_channels

    def forward(self, img):
        return F.rgb_to_grayscale(img, num_output_channels=self.num_output_channels)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(num_output_channels={self.num_output_channels})"


class RandomGrayscale(_Module):
    """Convert to greyscale (keeping the number of channels) with probability ``p``."""

    def __init__(self, p=0.1):
        super().__init__()
        self.p = p

    def forward(self, img):
        num_output_channels, _, _ = F.get_dimensions(img)
        if _ember.rand(1) < self.p:
            return F.rgb_to_grayscale(img, num_output_channels=num_output_channels)
        return img

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(p={self.p})"


class RandomErasing(_Module):
    """With probability ``p``, erase a random rectangle of a tensor image (area fraction from
    ``scale``, aspect ratio log-uniform in ``ratio``) with ``value``: a number, one per
    channel, or ``"random"`` for normal noise (Zhong et al., 2017)."""

    def __init__(self, p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False):
        super().__init__()
        if not isinstance(value, (numbers.Number, str, tuple, list)):
            raise TypeError("Argument value should be either a number or str or a sequence")
        if isinstance(value, str) and value != "random":
            raise ValueError("If value is str, it should be 'random'")
        if not isinstance(scale, Sequence):
            raise TypeError("Scale should be a sequence")
        if not isinstance(ratio, Sequence):
            raise TypeError("Ratio should be a sequence")
        if (scale[0] > scale[1]) or (ratio[0] > ratio[1]):
            warnings.warn("Scale and ratio should be of kind (min, max)", stacklevel=2)
        if scale[0] < 0 or scale[1] > 1:
            raise ValueError("Scale should be between 0 and 1")
        if p < 0 or p > 1:
            raise ValueError("Random erasing probability should be between 0 and 1")
        self.p = p
        self.scale = scale
        self.ratio = ratio
        self.value = value
        self.inplace = inplace

    @staticmethod
    def get_params(img, scale, ratio, value=None):
        """``(i, j, h, w, v)`` of the box to erase and its value (the whole image, unchanged,
        after ten failed tries)."""
        img_c, img_h, img_w = img.shape[-3], img.shape[-2], img.shape[-1]
        area = img_h * img_w
        log_ratio = _ember.log(_ember.tensor(ratio))
        lo, hi = float(log_ratio[0]), float(log_ratio[1])
        for _ in range(10):
            erase_area = area * _ember.empty(1).uniform_(scale[0], scale[1]).item()
            aspect_ratio = _ember.exp(_ember.empty(1).uniform_(lo, hi)).item()
            h = int(round(math.sqrt(erase_area * aspect_ratio)))
            w = int(round(math.sqrt(erase_area / aspect_ratio)))
            if not (h < img_h and w < img_w):
                continue
            if value is None:
                v = _ember.empty([img_c, h, w], dtype=_ember.float32).normal_()
            else:
                v = _ember.tensor(value)[:, None, None]
            i = _ember.randint(0, img_h - h + 1, size=(1,)).item()
            j = _ember.randint(0, img_w - w + 1, size=(1,)).item()
            return i, j, h, w, v
        return 0, 0, img_h, img_w, img

    def forward(self, img):
        if _ember.rand(1) < self.p:
            if isinstance(self.value, (int, float)):
                value = [float(self.value)]
            elif isinstance(self.value, str):
                value = None
            elif isinstance(self.value, (list, tuple)):
                value = [float(v) for v in self.value]
            else:
                value = self.value
            if value is not None and len(value) not in (1, img.shape[-3]):
                raise ValueError(
                    "If value is a sequence, it should have either a single value or "
                    f"{img.shape[-3]} (number of input channels)"
                )
            x, y, h, w, v = self.get_params(img, scale=self.scale, ratio=self.ratio, value=value)
            return F.erase(img, x, y, h, w, v, self.inplace)
        return img

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(p={self.p}, scale={self.scale}, ratio={self.ratio}, "
            f"value={self.value}, inplace={self.inplace})"
        )


class GaussianBlur(_Module):
    """Gaussian blur with an odd ``kernel_size`` and a std drawn uniformly from ``sigma``
    (``(min, max)``, or a fixed number)."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0)):
        super().__init__()
        self.kernel_size = _setup_size(
            kernel_size, "Kernel size should be a tuple/list of two integers"
        )
        for ks in self.kernel_size:
            if ks <= 0 or ks % 2 == 0:
                raise ValueError("Kernel size value should be an odd and positive number.")
        if isinstance(sigma, numbers.Number):
            if sigma <= 0:
                raise ValueError("If sigma is a single number, it must be positive.")
            sigma = (sigma, sigma)
        elif isinstance(sigma, Sequence) and len(sigma) == 2:
            if not 0.0 < sigma[0] <= sigma[1]:
                raise ValueError("sigma values should be positive and of the form (min, max).")
        else:
            raise ValueError("sigma should be a single number or a list/tuple with length 2.")
        self.sigma = sigma

    @staticmethod
    def get_params(sigma_min: float, sigma_max: float) -> float:
        """A random std in ``[sigma_min, sigma_max]``."""
        return _ember.empty(1).uniform_(sigma_min, sigma_max).item()

    def forward(self, img):
        sigma = self.get_params(self.sigma[0], self.sigma[1])
        return F.gaussian_blur(img, self.kernel_size, [sigma, sigma])

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}(kernel_size={self.kernel_size}, sigma={self.sigma})"


class _RandomOp(_Module):
    """Apply one functional op with probability ``p``."""

    _args: tuple[str, ...] = ()

    def __init__(self, *args, p=0.5):
        super().__init__()
        for name, value in zip(self._args, args):
            setattr(self, name, value)
        self.p = p

    def _transform(self, img):
        raise NotImplementedError

    def forward(self, img):
        if _ember.rand(1).item() < self.p:
            return self._transform(img)
        return img

    def __repr__(self) -> str:
        args = "".join(f"{name}={getattr(self, name)}," for name in self._args)
        return f"{self.__class__.__name__}({args}p={self.p})"


class RandomInvert(_RandomOp):
    """Invert the colours with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def _transform(self, img):
        return F.invert(img)


class RandomPosterize(_RandomOp):
    """Posterize to ``bits`` bits per channel with probability ``p``."""

    _args = ("bits",)

    def __init__(self, bits, p=0.5):
        super().__init__(bits, p=p)

    def _transform(self, img):
        return F.posterize(img, self.bits)


class RandomSolarize(_RandomOp):
    """Invert the pixels at or above ``threshold`` with probability ``p``."""

    _args = ("threshold",)

    def __init__(self, threshold, p=0.5):
        super().__init__(threshold, p=p)

    def _transform(self, img):
        return F.solarize(img, self.threshold)


class RandomAdjustSharpness(_RandomOp):
    """Adjust the sharpness by ``sharpness_factor`` with probability ``p``."""

    _args = ("sharpness_factor",)

    def __init__(self, sharpness_factor, p=0.5):
        super().__init__(sharpness_factor, p=p)

    def _transform(self, img):
        return F.adjust_sharpness(img, self.sharpness_factor)


class RandomAutocontrast(_RandomOp):
    """Autocontrast the image with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def _transform(self, img):
        return F.autocontrast(img)


class RandomEqualize(_RandomOp):
    """Equalize the histogram with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__(p=p)

    def _transform(self, img):
        return F.equalize(img)
