"""Functional image transforms, as ``torchvision.transforms.functional``.

Every function takes a PIL image (worked on by Pillow, as torchvision does) or a tensor image of
shape ``(..., C, H, W)`` (worked on with ember's ops, batched over the leading dims), and returns
the same kind. Argument checks raise torchvision's exception types with its messages.

>>> import ember
>>> from ember.vision.transforms import functional as F
>>> img = ember.arange(2 * 4 * 6, dtype=ember.float32).reshape(2, 4, 6) / 48
>>> F.hflip(img)[0, 0]
tensor([0.1042, 0.0833, 0.0625, 0.0417, 0.0208, 0.0000])
>>> F.center_crop(img, [2, 2]).shape
ember.Size([2, 2, 2])
"""

from __future__ import annotations

import math
import numbers
import sys
import warnings
from enum import Enum

import numpy as np

import ember as _ember
from ember import Tensor as _Tensor

from . import _functional_pil as F_pil
from . import _functional_tensor as F_t

__all__ = [
    "InterpolationMode",
    "adjust_brightness",
    "adjust_contrast",
    "adjust_gamma",
    "adjust_hue",
    "adjust_saturation",
    "adjust_sharpness",
    "affine",
    "autocontrast",
    "center_crop",
    "convert_image_dtype",
    "crop",
    "elastic_transform",
    "equalize",
    "erase",
    "five_crop",
    "gaussian_blur",
    "get_dimensions",
    "get_image_num_channels",
    "get_image_size",
    "hflip",
    "invert",
    "normalize",
    "pad",
    "perspective",
    "pil_modes_mapping",
    "pil_to_tensor",
    "posterize",
    "resize",
    "resized_crop",
    "rgb_to_grayscale",
    "rotate",
    "solarize",
    "ten_crop",
    "to_grayscale",
    "to_pil_image",
    "to_tensor",
    "vflip",
]


class InterpolationMode(Enum):
    """Interpolation modes: ``nearest``, ``nearest-exact``, ``bilinear``, ``bicubic`` (tensors
    and PIL images), and ``box``, ``hamming``, ``lanczos`` (PIL images only)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _interpolation_modes_from_int(i: int) -> InterpolationMode:
    # Pillow's resampling constants
    inverse_modes_mapping = {
        0: InterpolationMode.NEAREST,
        2: InterpolationMode.BILINEAR,
        3: InterpolationMode.BICUBIC,
        4: InterpolationMode.BOX,
        5: InterpolationMode.HAMMING,
        1: InterpolationMode.LANCZOS,
    }
    return inverse_modes_mapping[i]


pil_modes_mapping = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
    InterpolationMode.NEAREST_EXACT: 0,
    InterpolationMode.BOX: 4,
    InterpolationMode.HAMMING: 5,
    InterpolationMode.LANCZOS: 1,
}

_is_pil_image = F_pil._is_pil_image


def _interpolation(interpolation) -> InterpolationMode:
    if isinstance(interpolation, int):
        return _interpolation_modes_from_int(interpolation)
    if not isinstance(interpolation, InterpolationMode):
        raise TypeError(
            "Argument interpolation should be a InterpolationMode or a corresponding Pillow "
            "integer constant"
        )
    return interpolation


def get_dimensions(img) -> list[int]:
    """The dimensions of an image as ``[channels, height, width]``."""
    if isinstance(img, _Tensor):
        return F_t.get_dimensions(img)
    return F_pil.get_dimensions(img)


def get_image_size(img) -> list[int]:
    """The size of an image as ``[width, height]``."""
    if isinstance(img, _Tensor):
        return F_t.get_image_size(img)
    return F_pil.get_image_size(img)


def get_image_num_channels(img) -> int:
    """The number of channels of an image."""
    if isinstance(img, _Tensor):
        return F_t.get_image_num_channels(img)
    return F_pil.get_image_num_channels(img)


def _is_numpy(img) -> bool:
    return isinstance(img, np.ndarray)


def to_tensor(pic) -> _Tensor:
    """Convert a PIL image or a ``numpy.ndarray`` (H x W x C) to a (C x H x W) tensor.

    uint8 data (PIL modes L, LA, P, RGB, RGBA, CMYK, YCbCr, 1, or a uint8 array) is scaled to
    ``[0, 1]`` in the default float dtype; other data keeps its values and dtype.
    """
    if not (_is_pil_image(pic) or _is_numpy(pic)):
        raise TypeError(f"pic should be PIL Image or ndarray. Got {type(pic)}")
    if _is_numpy(pic) and pic.ndim not in {2, 3}:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    default_float_dtype = _ember.get_default_dtype()
    if isinstance(pic, np.ndarray):
        if pic.ndim == 2:
            pic = pic[:, :, None]
        img = _ember.from_numpy(np.ascontiguousarray(pic.transpose((2, 0, 1))))
        if img.dtype == _ember.uint8:
            return img.to(dtype=default_float_dtype).div(255)
        return img
    i16 = "I;16" if sys.byteorder == "little" else "I;16B"
    mode_to_nptype = {"I": np.int32, i16: np.int16, "F": np.float32}
    img = _ember.from_numpy(np.array(pic, mode_to_nptype.get(pic.mode, np.uint8), copy=True))
    if pic.mode == "1":
        img = 255 * img
    img = img.view(pic.size[1], pic.size[0], F_pil.get_image_num_channels(pic))
    img = img.permute((2, 0, 1)).contiguous()  # HWC -> CHW
    if img.dtype == _ember.uint8:
        return img.to(dtype=default_float_dtype).div(255)
    return img


def pil_to_tensor(pic) -> _Tensor:
    """Convert a PIL image to a (C x H x W) tensor of the same type (a copy of its data)."""
    if not _is_pil_image(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    img = _ember.as_tensor(np.array(pic, copy=True))
    img = img.view(pic.size[1], pic.size[0], F_pil.get_image_num_channels(pic))
    return img.permute((2, 0, 1))


def convert_image_dtype(image: _Tensor, dtype=_ember.float32) -> _Tensor:
    """Convert a tensor image to ``dtype``, scaling values between the dtypes' ranges
    (``[0, 1]`` for floating point, ``[0, max]`` for integers).

    Raises RuntimeError for float32 to int32/int64 and float64 to int64, which cannot be done
    without overflow.
    """
    if not isinstance(image, _Tensor):
        raise TypeError("Input img should be Tensor Image")
    return F_t.convert_image_dtype(image, dtype)


def to_pil_image(pic, mode=None):
    """Convert a (C x H x W) tensor or an (H x W x C) ndarray to a PIL image.

    Float data is scaled by 255 to uint8 unless ``mode`` is ``"F"``; without ``mode`` it is
    inferred from the channels (1: L/I;16/I/F by dtype, 2: LA, 3: RGB, 4: RGBA).
    """
    if isinstance(pic, _Tensor):
        if pic.ndim == 3:
            pic = pic.permute((1, 2, 0))
        pic = pic.numpy(force=True)
    elif not isinstance(pic, np.ndarray):
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if pic.ndim == 2:
        pic = np.expand_dims(pic, 2)
    if pic.ndim != 3:
        raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
    if pic.shape[-1] > 4:
        raise ValueError(f"pic should not have > 4 channels. Got {pic.shape[-1]} channels.")
    npimg = pic
    if np.issubdtype(npimg.dtype, np.floating) and mode != "F":
        npimg = (npimg * 255).astype(np.uint8)
    if npimg.shape[2] == 1:
        expected_mode = None
        npimg = npimg[:, :, 0]
        if npimg.dtype == np.uint8:
            expected_mode = "L"
        elif npimg.dtype == np.int16:
            expected_mode = "I;16" if sys.byteorder == "little" else "I;16B"
        elif npimg.dtype == np.int32:
            expected_mode = "I"
        elif npimg.dtype == np.float32:
            expected_mode = "F"
        if mode is not None and mode != expected_mode:
            raise ValueError(
                f"Incorrect mode ({mode}) supplied for input type {np.dtype}. "
                f"Should be {expected_mode}"
            )
        mode = expected_mode
    elif npimg.shape[2] == 2:
        permitted_2_channel_modes = ["LA"]
        if mode is not None and mode not in permitted_2_channel_modes:
            raise ValueError(f"Only modes {permitted_2_channel_modes} are supported for 2D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "LA"
    elif npimg.shape[2] == 4:
        permitted_4_channel_modes = ["RGBA", "CMYK", "RGBX"]
        if mode is not None and mode not in permitted_4_channel_modes:
            raise ValueError(f"Only modes {permitted_4_channel_modes} are supported for 4D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGBA"
    else:
        permitted_3_channel_modes = ["RGB", "YCbCr", "HSV"]
        if mode is not None and mode not in permitted_3_channel_modes:
            raise ValueError(f"Only modes {permitted_3_channel_modes} are supported for 3D inputs")
        if mode is None and npimg.dtype == np.uint8:
            mode = "RGB"
    if mode is None:
        raise TypeError(f"Input type {npimg.dtype} is not supported")
    Image = F_pil._pil()[0]
    if mode.startswith("I;16"):  # Pillow reads 16-bit data through a raw buffer
        h, w = npimg.shape
        return Image.frombytes(mode, (w, h), np.ascontiguousarray(npimg).tobytes())
    return Image.fromarray(npimg, mode=mode)


def normalize(tensor: _Tensor, mean, std, inplace: bool = False) -> _Tensor:
    """Normalize a float tensor image ``(..., C, H, W)``: ``(input[c] - mean[c]) / std[c]``.

    Out of place unless ``inplace``. Not for PIL images.
    """
    if not isinstance(tensor, _Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    return F_t.normalize(tensor, mean=mean, std=std, inplace=inplace)


def _compute_resized_output_size(image_size, size, max_size=None) -> list[int]:
    h, w = image_size
    short, long = (w, h) if w <= h else (h, w)
    if len(size) == 1:  # the smaller edge only
        requested_new_short = size if isinstance(size, int) else size[0]
        new_short, new_long = requested_new_short, int(requested_new_short * long / short)
        if max_size is not None:
            if max_size <= requested_new_short:
                raise ValueError(
                    f"max_size = {max_size} must be strictly greater than the requested "
                    f"size for the smaller edge size = {size}"
                )
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    else:
        new_w, new_h = size[1], size[0]
    return [new_h, new_w]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize an image to ``size``: ``(h, w)``, or an int for the smaller edge (keeping the
    aspect ratio; ``max_size`` caps the longer edge).

    ``antialias`` (default True) filters tensors when downsampling with bilinear or bicubic
    interpolation, as PIL always does; it is ignored for the other modes.
    """
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)):
        if len(size) not in [1, 2]:
            raise ValueError(
                "Size must be an int or a 1 or 2 element tuple/list, not a "
                f"{len(size)} element tuple/list"
            )
        if max_size is not None and len(size) != 1:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the smaller edge, "
                "i.e. size should be an int or a sequence of length 1 in torchscript mode."
            )
    _, image_height, image_width = get_dimensions(img)
    if isinstance(size, int):
        size = [size]
    output_size = _compute_resized_output_size((image_height, image_width), size, max_size)
    if [image_height, image_width] == output_size:
        return img
    if not isinstance(img, _Tensor):
        if antialias is False:
            warnings.warn(
                "Anti-alias option is always applied for PIL Image input. Argument antialias is "
                "ignored.",
                stacklevel=2,
            )
        pil_interpolation = pil_modes_mapping[interpolation]
        return F_pil.resize(img, size=output_size, interpolation=pil_interpolation)
    return F_t.resize(img, size=output_size, interpolation=interpolation.value, antialias=antialias)


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    """Pad an image on all sides: ``padding`` is one int, ``(left/right, top/bottom)`` or
    ``(left, top, right, bottom)``; ``padding_mode`` is constant (with ``fill``), edge,
    reflect or symmetric."""
    if not isinstance(img, _Tensor):
        return F_pil.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)
    return F_t.pad(img, padding=padding, fill=fill, padding_mode=padding_mode)


def crop(img, top: int, left: int, height: int, width: int):
    """Crop the box at ``(top, left)`` of size ``(height, width)``; parts outside the image
    are zero-padded."""
    if not isinstance(img, _Tensor):
        return F_pil.crop(img, top, left, height, width)
    return F_t.crop(img, top, left, height, width)


def center_crop(img, output_size):
    """Crop the centre ``(height, width)`` of an image (an int for a square), zero-padding an
    image smaller than the crop."""
    if isinstance(output_size, numbers.Number):
        output_size = (int(output_size), int(output_size))
    elif isinstance(output_size, (tuple, list)) and len(output_size) == 1:
        output_size = (output_size[0], output_size[0])
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = output_size
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [
            (crop_width - image_width) // 2 if crop_width > image_width else 0,
            (crop_height - image_height) // 2 if crop_height > image_height else 0,
            (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
            (crop_height - image_height + 1) // 2 if crop_height > image_height else 0,
        ]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(
    img,
    top: int,
    left: int,
    height: int,
    width: int,
    size,
    interpolation=InterpolationMode.BILINEAR,
    antialias=True,
):
    """Crop a box (as :func:`crop`) and resize it to ``size`` (as :func:`resize`)."""
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Flip an image horizontally."""
    if not isinstance(img, _Tensor):
        return F_pil.hflip(img)
    return F_t.hflip(img)


def vflip(img):
    """Flip an image vertically."""
    if not isinstance(img, _Tensor):
        return F_pil.vflip(img)
    return F_t.vflip(img)


def _get_perspective_coeffs(startpoints, endpoints) -> list[float]:
    """The eight coefficients (a..h) that map each output pixel (x, y) to the input point
    ``((a x + b y + c) / (g x + h y + 1), (d x + e y + f) / (g x + h y + 1))``."""
    if len(startpoints) != 4 or len(endpoints) != 4:
        raise ValueError(
            f"Please provide exactly four corners, got {len(startpoints)} startpoints and "
            f"{len(endpoints)} endpoints."
        )
    rows = []
    for p1, p2 in zip(endpoints, startpoints):
        rows.append([p1[0], p1[1], 1, 0, 0, 0, -p2[0] * p1[0], -p2[0] * p1[1]])
        rows.append([0, 0, 0, p1[0], p1[1], 1, -p2[1] * p1[0], -p2[1] * p1[1]])
    a_matrix = _ember.tensor(rows, dtype=_ember.float64)
    b_matrix = _ember.tensor(startpoints, dtype=_ember.float64).view(8)
    # least squares in double precision, then float32 coefficients as torchvision's
    res = _ember.linalg.lstsq(a_matrix, b_matrix, driver="gels").solution.to(_ember.float32)
    return res.tolist()


def perspective(img, startpoints, endpoints, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Perspective transform taking the four corners ``startpoints`` (top-left, top-right,
    bottom-right, bottom-left) to ``endpoints``; ``fill`` colours the area outside the input."""
    coeffs = _get_perspective_coeffs(startpoints, endpoints)
    interpolation = _interpolation(interpolation)
    if not isinstance(img, _Tensor):
        pil_interpolation = pil_modes_mapping[interpolation]
        return F_pil.perspective(img, coeffs, interpolation=pil_interpolation, fill=fill)
    return F_t.perspective(img, coeffs, interpolation=interpolation.value, fill=fill)


def five_crop(img, size):
    """The four corner crops and the centre crop of ``size``: ``(tl, tr, bl, br, center)``."""
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    _, image_height, image_width = get_dimensions(img)
    crop_height, crop_width = size
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(
            f"Requested crop size {size} is bigger than input size {(image_height, image_width)}"
        )
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    center = center_crop(img, [crop_height, crop_width])
    return tl, tr, bl, br, center


def ten_crop(img, size, vertical_flip: bool = False):
    """:func:`five_crop` of the image, then of its flip (horizontal unless ``vertical_flip``)."""
    if isinstance(size, numbers.Number):
        size = (int(size), int(size))
    elif isinstance(size, (tuple, list)) and len(size) == 1:
        size = (size[0], size[0])
    if len(size) != 2:
        raise ValueError("Please provide only two dimensions (h, w) for size.")
    first_five = five_crop(img, size)
    img = vflip(img) if vertical_flip else hflip(img)
    return first_five + five_crop(img, size)


def adjust_brightness(img, brightness_factor: float):
    """Scale the brightness: 0 gives black, 1 the original, 2 twice as bright."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_brightness(img, brightness_factor)
    return F_t.adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    """Scale the contrast about the mean grey: 0 gives solid grey, 1 the original."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_contrast(img, contrast_factor)
    return F_t.adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    """Scale the colour saturation: 0 gives the grey image, 1 the original."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_saturation(img, saturation_factor)
    return F_t.adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor: float):
    """Shift the hue cyclically by ``hue_factor`` (in ``[-0.5, 0.5]``) in HSV space."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_hue(img, hue_factor)
    return F_t.adjust_hue(img, hue_factor)


def adjust_gamma(img, gamma: float, gain: float = 1):
    """Gamma correction: ``out = 255 * gain * (in / 255) ** gamma`` (in the image's range)."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_gamma(img, gamma, gain)
    return F_t.adjust_gamma(img, gamma, gain)


def _get_inverse_affine_matrix(center, angle, translate, scale, shear, inverted=True):
    """The 2x3 matrix (row-major, 6 floats) of ``T * C * RotateScaleShear * C^-1`` about
    ``center``, or of its inverse (what PIL and the sampling grids need) when ``inverted``.

    RotateScaleShear = R(angle) * S(scale) * SHy(shear_y) * SHx(shear_x), angles in degrees."""
    rot = math.radians(angle)
    sx = math.radians(shear[0])
    sy = math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    # rotation and shear, without the scale
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    if inverted:
        # det([[a, b], [c, d]]) == 1, so the inverse is the adjugate
        matrix = [x / scale for x in [d, -b, 0.0, -c, a, 0.0]]
        matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
        matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
        matrix[2] += cx
        matrix[5] += cy
    else:
        matrix = [x * scale for x in [a, b, 0.0, c, d, 0.0]]
        matrix[2] += matrix[0] * (-cx) + matrix[1] * (-cy)
        matrix[5] += matrix[3] * (-cx) + matrix[4] * (-cy)
        matrix[2] += cx + tx
        matrix[5] += cy + ty
    return matrix


def _center_offset(img, center) -> list[float]:
    """``center`` in pixels, relative to the image centre (what the tensor grids use)."""
    if center is None:
        return [0.0, 0.0]
    _, height, width = get_dimensions(img)
    return [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]


def rotate(
    img, angle: float, interpolation=InterpolationMode.NEAREST, expand=False, center=None, fill=None
):
    """Rotate an image by ``angle`` degrees counter-clockwise about ``center`` (default: the
    image centre); ``expand`` grows the output to hold the whole rotated image."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    if not isinstance(img, _Tensor):
        pil_interpolation = pil_modes_mapping[interpolation]
        return F_pil.rotate(
            img,
            angle=angle,
            interpolation=pil_interpolation,
            expand=expand,
            center=center,
            fill=fill,
        )
    center_f = _center_offset(img, center)
    # the tensor grid turns the other way round from PIL's: negate the angle
    matrix = _get_inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return F_t.rotate(
        img, matrix=matrix, interpolation=interpolation.value, expand=expand, fill=fill
    )


def affine(
    img,
    angle: float,
    translate,
    scale: float,
    shear,
    interpolation=InterpolationMode.NEAREST,
    fill=None,
    center=None,
):
    """Affine transform keeping ``center`` (default: the image centre) fixed: rotation by
    ``angle`` degrees (clockwise), ``translate`` (post-rotation), ``scale``, and ``shear``
    degrees (a number: parallel to x; a pair: x then y)."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError("Argument angle should be int or float")
    if not isinstance(translate, (list, tuple)):
        raise TypeError("Argument translate should be a sequence")
    if len(translate) != 2:
        raise ValueError("Argument translate should be a sequence of length 2")
    if scale <= 0.0:
        raise ValueError("Argument scale should be positive")
    if not isinstance(shear, (numbers.Number, (list, tuple))):
        raise TypeError("Shear should be either a single value or a sequence of two values")
    angle = float(angle)
    translate = list(translate)
    shear = [shear, 0.0] if isinstance(shear, numbers.Number) else list(shear)
    if len(shear) == 1:
        shear = [shear[0], shear[0]]
    if len(shear) != 2:
        raise ValueError(f"Shear should be a sequence containing two values. Got {shear}")
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError("Argument center should be a sequence")
    _, height, width = get_dimensions(img)
    if not isinstance(img, _Tensor):
        # PIL's centre has no half-pixel offset, so a 90 degree turn matches the tensor one
        if center is None:
            center = [width * 0.5, height * 0.5]
        matrix = _get_inverse_affine_matrix(center, angle, translate, scale, shear)
        pil_interpolation = pil_modes_mapping[interpolation]
        return F_pil.affine(img, matrix=matrix, interpolation=pil_interpolation, fill=fill)
    center_f = _center_offset(img, center)
    translate_f = [1.0 * t for t in translate]
    matrix = _get_inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    return F_t.affine(img, matrix=matrix, interpolation=interpolation.value, fill=fill)


def to_grayscale(img, num_output_channels: int = 1):
    """Convert a PIL image of any mode to greyscale (1 or 3 identical channels)."""
    if _is_pil_image(img):
        return F_pil.to_grayscale(img, num_output_channels)
    raise TypeError("Input should be PIL Image")


def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Convert an RGB image to greyscale (``0.2989 r + 0.587 g + 0.114 b``) with 1 or 3
    channels."""
    if not isinstance(img, _Tensor):
        return F_pil.to_grayscale(img, num_output_channels)
    return F_t.rgb_to_grayscale(img, num_output_channels)


def erase(img: _Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> _Tensor:
    """Set the ``(h, w)`` box at ``(i, j)`` of a tensor image to ``v``. Not for PIL images."""
    if not isinstance(img, _Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(img)}")
    return F_t.erase(img, i, j, h, w, v, inplace=inplace)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel of odd ``kernel_size`` ``(kx, ky)`` and std ``sigma``
    ``(sx, sy)`` (default ``0.3 * ((k - 1) * 0.5 - 1) + 0.8``), reflecting at the borders."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(
            f"kernel_size should be int or a sequence of integers. Got {type(kernel_size)}"
        )
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) != 2:
        raise ValueError(
            f"If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}"
        )
    for ksize in kernel_size:
        if ksize % 2 == 0 or ksize < 0:
            raise ValueError(
                f"kernel_size should have odd and positive integers. Got {kernel_size}"
            )
    if sigma is None:
        sigma = [ksize * 0.15 + 0.35 for ksize in kernel_size]
    if not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f"sigma should be either float or sequence of floats. Got {type(sigma)}")
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if isinstance(sigma, (list, tuple)) and len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f"If sigma is a sequence, its length should be 2. Got {len(sigma)}")
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f"sigma should have positive values. Got {sigma}")
    t_img = img
    if not isinstance(img, _Tensor):
        if not _is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    output = F_t.gaussian_blur(t_img, kernel_size, sigma)
    if not isinstance(img, _Tensor):
        output = to_pil_image(output, mode=img.mode)
    return output


def invert(img):
    """Invert the colours of an RGB or greyscale image."""
    if not isinstance(img, _Tensor):
        return F_pil.invert(img)
    return F_t.invert(img)


def posterize(img, bits: int):
    """Keep the top ``bits`` (0-8) bits of each channel (uint8 tensors or PIL images)."""
    if not (0 <= bits <= 8):
        raise ValueError(f"The number if bits should be between 0 and 8. Got {bits}")
    if not isinstance(img, _Tensor):
        return F_pil.posterize(img, bits)
    return F_t.posterize(img, bits)


def solarize(img, threshold: float):
    """Invert every pixel value at or above ``threshold``."""
    if not isinstance(img, _Tensor):
        return F_pil.solarize(img, threshold)
    return F_t.solarize(img, threshold)


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with a smoothed image: 0 gives the blurred image, 1 the original, 2 sharper."""
    if not isinstance(img, _Tensor):
        return F_pil.adjust_sharpness(img, sharpness_factor)
    return F_t.adjust_sharpness(img, sharpness_factor)


def autocontrast(img):
    """Stretch each channel so that its darkest pixel becomes black and its lightest white."""
    if not isinstance(img, _Tensor):
        return F_pil.autocontrast(img)
    return F_t.autocontrast(img)


def equalize(img):
    """Equalize the histogram of each channel (uint8 tensors or PIL images)."""
    if not isinstance(img, _Tensor):
        return F_pil.equalize(img)
    return F_t.equalize(img)


def elastic_transform(img, displacement, interpolation=InterpolationMode.BILINEAR, fill=None):
    """Resample an image at the identity grid plus ``displacement`` (shape ``[1, H, W, 2]``,
    in grid_sample's normalised coordinates)."""
    if isinstance(interpolation, int):
        warnings.warn(
            "Argument interpolation should be of type InterpolationMode instead of int. "
            "Please, use InterpolationMode enum.",
            stacklevel=2,
        )
        interpolation = _interpolation_modes_from_int(interpolation)
    if not isinstance(displacement, _Tensor):
        raise TypeError("Argument displacement should be a Tensor")
    t_img = img
    if not isinstance(img, _Tensor):
        if not _is_pil_image(img):
            raise TypeError(f"img should be PIL Image or Tensor. Got {type(img)}")
        t_img = pil_to_tensor(img)
    shape = (1, *t_img.shape[-2:], 2)
    if shape != tuple(displacement.shape):
        raise ValueError(
            f"Argument displacement shape should be {shape}, but given {displacement.shape}"
        )
    output = F_t.elastic_transform(
        t_img, displacement, interpolation=interpolation.value, fill=fill
    )
    if not isinstance(img, _Tensor):
        output = to_pil_image(output, mode=img.mode)
    return output
