"""The preprocessing that a model's weights expect, as ``torchvision.transforms._presets``:
``weights.transforms()`` returns one of these (e.g. ``ResNet50_Weights.DEFAULT.transforms()``)."""

from __future__ import annotations

import ember
from ember import nn

from . import functional as F
from .functional import InterpolationMode

__all__ = ["ImageClassification"]


class ImageClassification(nn.Module):
    """Resize, center-crop, scale to float in [0, 1] and normalise, for classification weights.

    Accepts a PIL image or a uint8/float tensor image ``(..., C, H, W)``; returns a float tensor.
    ``resize_size`` is the size of the smaller edge before the ``crop_size`` center crop, as
    torchvision's preset.

    Example::

        preset = ImageClassification(crop_size=224)  # resize 256, crop 224, ImageNet mean/std
        batch = preset(ember.randint(0, 256, (2, 3, 300, 400), dtype=ember.uint8))
    """

    def __init__(
        self,
        *,
        crop_size: int,
        resize_size: int = 256,
        mean: tuple[float, ...] = (0.485, 0.456, 0.406),
        std: tuple[float, ...] = (0.229, 0.224, 0.225),
        interpolation: InterpolationMode = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        super().__init__()
        self.crop_size = [crop_size]
        self.resize_size = [resize_size]
        self.mean = list(mean)
        self.std = list(std)
        self.interpolation = interpolation
        self.antialias = antialias

    def forward(self, img):
        img = F.resize(
            img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias
        )
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, ember.Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, ember.float)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        fields = (
            f"crop_size={self.crop_size}",
            f"resize_size={self.resize_size}",
            f"mean={self.mean}",
            f"std={self.std}",
            f"interpolation={self.interpolation}",
        )
        return self.__class__.__name__ + "(\n    " + "\n    ".join(fields) + "\n)"

    def describe(self) -> str:
        """What the preset does, in words (torchvision's wording of the steps)."""
        return (
            "Accepts ``PIL.Image``, batched ``(B, C, H, W)`` and single ``(C, H, W)`` image "
            "``torch.Tensor`` objects. The images are resized to ``resize_size="
            f"{self.resize_size}`` using ``interpolation={self.interpolation}``, followed by a "
            f"central crop of ``crop_size={self.crop_size}``. Finally the values are first "
            f"rescaled to ``[0.0, 1.0]`` and then normalized using ``mean={self.mean}`` and "
            f"``std={self.std}``."
        )
