"""The PIL kernels behind ``ember.vision.transforms.functional`` (torchvision's
``_functional_pil``): each calls Pillow exactly as torchvision does, so outputs are Pillow's.

Pillow is optional: it is imported by the functions that need it, and an image can only be a PIL
image if Pillow was imported by whoever made it.
"""

from __future__ import annotations

import numbers
import sys

import numpy as np

from ..io._pil import pil_module

__all__: list[str] = []


def _pil():
    """The PIL modules ``Image``, ``ImageOps`` and ``ImageEnhance``, through ember.vision's one
    lazy Pillow import (a clear ImportError without Pillow)."""
    return pil_module("Image"), pil_module("ImageOps"), pil_module("ImageEnhance")


def _is_pil_image(img) -> bool:
    image_module = sys.modules.get("PIL.Image")
    return image_module is not None and isinstance(img, image_module.Image)


def _check(img) -> None:
    if not _is_pil_image(img):
        raise TypeError(f"img should be PIL Image. Got {type(img)}")


def get_dimensions(img) -> list[int]:
    if _is_pil_image(img):
        width, height = img.size
        return [len(img.getbands()), height, width]
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_size(img) -> list[int]:
    if _is_pil_image(img):
        return list(img.size)
    raise TypeError(f"Unexpected type {type(img)}")


def get_image_num_channels(img) -> int:
    if _is_pil_image(img):
        return len(img.getbands())
    raise TypeError(f"Unexpected type {type(img)}")


def hflip(img):
    _check(img)
    return img.transpose(_pil()[0].Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    _check(img)
    return img.transpose(_pil()[0].Transpose.FLIP_TOP_BOTTOM)


def _enhance(img, kind: str, factor: float):
    _check(img)
    return getattr(_pil()[2], kind)(img).enhance(factor)


def adjust_brightness(img, brightness_factor: float):
    return _enhance(img, "Brightness", brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    return _enhance(img, "Contrast", contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    return _enhance(img, "Color", saturation_factor)


def adjust_sharpness(img, sharpness_factor: float):
    return _enhance(img, "Sharpness", sharpness_factor)


def adjust_hue(img, hue_factor: float):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check(img)
    Image = _pil()[0]
    input_mode = img.mode
    if input_mode in {"L", "1", "I", "F"}:
        return img
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    np_h += np.array(hue_factor * 255).astype(np.uint8)  # uint8 wraps around the hue circle
    h = Image.fromarray(np_h, "L")
    return Image.merge("HSV", (h, s, v)).convert(input_mode)


def adjust_gamma(img, gamma: float, gain: float = 1.0):
    _check(img)
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    input_mode = img.mode
    img = img.convert("RGB")
    gamma_map = [int((255 + 1 - 1e-3) * gain * pow(ele / 255.0, gamma)) for ele in range(256)] * 3
    return img.point(gamma_map).convert(input_mode)


def _parse_fill(fill, img, name: str = "fillcolor") -> dict:
    """Pillow's keyword for a fill colour: one value per band, ints unless the image is float."""
    num_channels = get_image_num_channels(img)
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and num_channels > 1:
        fill = tuple([fill] * num_channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * num_channels
        elif len(fill) != num_channels:
            msg = (
                "The number of elements in 'fill' does not match the number of channels of the "
                f"image ({len(fill)} != {num_channels})"
            )
            raise ValueError(msg)
        fill = tuple(fill)
    if img.mode != "F":
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    _check(img)
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if fill is not None and not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(padding, tuple) and len(padding) not in [1, 2, 4]:
        raise ValueError(
            "Padding must be an int or a 1, 2, or 4 element tuple, not a "
            f"{len(padding)} element tuple"
        )
    if isinstance(padding, tuple) and len(padding) == 1:
        padding = padding[0]
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    Image, ImageOps, _ = _pil()
    if padding_mode == "constant":
        opts = _parse_fill(fill, img, name="fill")
        if img.mode == "P":
            palette = img.getpalette()
            image = ImageOps.expand(img, border=padding, **opts)
            image.putpalette(palette)
            return image
        return ImageOps.expand(img, border=padding, **opts)
    if isinstance(padding, int):
        p = [padding] * 4
    elif len(padding) == 2:
        p = [padding[0], padding[1], padding[0], padding[1]]
    else:
        p = list(padding)  # left, top, right, bottom
    crop_left, crop_top, crop_right, crop_bottom = (-min(x, 0) for x in p)
    if crop_left or crop_top or crop_right or crop_bottom:
        img = img.crop((crop_left, crop_top, img.width - crop_right, img.height - crop_bottom))
    pad_left, pad_top, pad_right, pad_bottom = (max(x, 0) for x in p)
    pads = ((pad_top, pad_bottom), (pad_left, pad_right))
    if img.mode == "P":
        palette = img.getpalette()
        out = Image.fromarray(np.pad(np.asarray(img), pads, mode=padding_mode))
        out.putpalette(palette)
        return out
    arr = np.asarray(img)
    if arr.ndim == 3:
        pads = (*pads, (0, 0))
    return Image.fromarray(np.pad(arr, pads, mode=padding_mode))


def crop(img, top: int, left: int, height: int, width: int):
    _check(img)
    return img.crop((left, top, left + width, top + height))


def resize(img, size: list[int], interpolation: int = 2):
    _check(img)
    if not (isinstance(size, list) and len(size) == 2):
        raise TypeError(f"Got inappropriate size arg: {size}")
    return img.resize(tuple(size[::-1]), interpolation)


def affine(img, matrix: list[float], interpolation: int = 0, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    Image = _pil()[0]
    return img.transform(img.size, Image.Transform.AFFINE, matrix, interpolation, **opts)


def rotate(img, angle: float, interpolation: int = 0, expand=False, center=None, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    return img.rotate(angle, interpolation, expand, center, **opts)


def perspective(img, perspective_coeffs: list[float], interpolation: int = 3, fill=None):
    _check(img)
    opts = _parse_fill(fill, img)
    Image = _pil()[0]
    return img.transform(
        img.size, Image.Transform.PERSPECTIVE, perspective_coeffs, interpolation, **opts
    )


def to_grayscale(img, num_output_channels: int):
    _check(img)
    Image = _pil()[0]
    if num_output_channels == 1:
        return img.convert("L")
    if num_output_channels == 3:
        np_img = np.array(img.convert("L"), dtype=np.uint8)
        return Image.fromarray(np.dstack([np_img, np_img, np_img]), "RGB")
    raise ValueError("num_output_channels should be either 1 or 3")


def _ops(name: str, img, *args):
    _check(img)
    return getattr(_pil()[1], name)(img, *args)


def invert(img):
    return _ops("invert", img)


def posterize(img, bits: int):
    return _ops("posterize", img, bits)


def solarize(img, threshold: int):
    return _ops("solarize", img, threshold)


def autocontrast(img):
    return _ops("autocontrast", img)


def equalize(img):
    return _ops("equalize", img)
