"""ember.vision.io (``torchvision.io``, images only): read, decode, encode and write images.

Images are uint8 tensors of shape (C, H, W), as in torchvision. The codecs are Pillow's
(``pip install 'ember[vision]'``), imported on first use; torchvision's own libpng/libjpeg
decoders may differ from Pillow's in the last bit of a JPEG, never for PNG.
"""

from __future__ import annotations

import io as _io
import os as _os
from enum import Enum as _Enum

import numpy as _np

import ember as _ember

from ._pil import array_to_pil as _array_to_pil
from ._pil import pil_module as _pil_module

__all__ = [
    "ImageReadMode",
    "decode_image",
    "decode_jpeg",
    "decode_png",
    "encode_jpeg",
    "encode_png",
    "read_file",
    "read_image",
    "write_file",
    "write_jpeg",
    "write_png",
]


class ImageReadMode(_Enum):
    """How to read an image: ``UNCHANGED`` (as stored), ``GRAY``, ``GRAY_ALPHA``, ``RGB``,
    ``RGB_ALPHA`` (alias ``RGBA``)."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = RGB_ALPHA


_PIL_MODES = {
    ImageReadMode.GRAY: "L",
    ImageReadMode.GRAY_ALPHA: "LA",
    ImageReadMode.RGB: "RGB",
    ImageReadMode.RGB_ALPHA: "RGBA",
}


def _read_mode(mode) -> ImageReadMode:
    if isinstance(mode, str):
        name = mode.upper()
        if name not in ImageReadMode.__members__:
            raise ValueError(f"Unknown image read mode {mode!r}")
        return ImageReadMode[name]
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f"mode must be an ImageReadMode or a str, got {type(mode).__name__}")
    return mode


def read_file(path) -> _ember.Tensor:
    """The bytes of the file at ``path`` as a 1-D uint8 tensor."""
    with open(_os.fspath(path), "rb") as f:
        data = bytearray(f.read())
    return _ember.from_numpy(_np.frombuffer(data, dtype=_np.uint8))


def write_file(filename, data) -> None:
    """Write the bytes of a 1-D uint8 tensor ``data`` to ``filename``."""
    with open(_os.fspath(filename), "wb") as f:
        f.write(data.detach().cpu().numpy().astype(_np.uint8, copy=False).tobytes())


def _image_bytes(input) -> bytes:
    if isinstance(input, (str, _os.PathLike)):
        with open(_os.fspath(input), "rb") as f:
            return f.read()
    if not isinstance(input, _ember.Tensor):
        raise TypeError(f"Expected a tensor or a path, got {type(input).__name__}")
    if input.dtype != _ember.uint8 or input.ndim != 1:
        raise RuntimeError("Expected a non empty 1-dimensional tensor of dtype uint8")
    return input.detach().cpu().numpy().tobytes()


def decode_image(
    input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
) -> _ember.Tensor:
    """Decode an image (PNG, JPEG, GIF, WebP, BMP, ... whatever Pillow reads) given as a 1-D
    uint8 tensor of its bytes, or as a path, into a uint8 (C, H, W) tensor.

    ``mode`` converts it (``ImageReadMode`` or its name as a string); ``UNCHANGED`` keeps the
    stored channels (palette images are expanded to RGB, or RGBA with transparency; a 16-bit
    grayscale PNG gives a uint16 tensor). ``apply_exif_orientation`` rotates/flips the image
    as its EXIF orientation tag says.
    """
    Image = _pil_module()
    mode = _read_mode(mode)
    img = Image.open(_io.BytesIO(_image_bytes(input)))
    if apply_exif_orientation:
        img = _pil_module("ImageOps").exif_transpose(img)
    if mode is not ImageReadMode.UNCHANGED:
        img = img.convert(_PIL_MODES[mode])
    elif img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode in ("I;16", "I;16B", "I;16L"):
        array = _np.asarray(img, dtype=_np.uint16)
        return _ember.from_numpy(array.copy()).unsqueeze(0)
    elif img.mode not in ("L", "LA", "RGB", "RGBA"):
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
    array = _np.asarray(img, dtype=_np.uint8)
    if array.ndim == 2:
        array = array[:, :, None]
    return _ember.from_numpy(_np.ascontiguousarray(array.transpose(2, 0, 1)))


def read_image(
    path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
) -> _ember.Tensor:
    """Read the image file at ``path`` into a uint8 (C, H, W) tensor (see :func:`decode_image`)."""
    return decode_image(path, mode, apply_exif_orientation)


def decode_png(
    input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False
) -> _ember.Tensor:
    """Decode PNG bytes (a 1-D uint8 tensor) into a (C, H, W) tensor (see :func:`decode_image`)."""
    return decode_image(input, mode, apply_exif_orientation)


def decode_jpeg(
    input, mode=ImageReadMode.UNCHANGED, device="cpu", apply_exif_orientation: bool = False
):
    """Decode JPEG bytes (a 1-D uint8 tensor, or a list of them) into (C, H, W) tensors (see
    :func:`decode_image`), placed on ``device``."""
    if isinstance(input, (list, tuple)):
        return [decode_jpeg(x, mode, device, apply_exif_orientation) for x in input]
    return decode_image(input, mode, apply_exif_orientation).to(device)


def _to_pil(input, channels: tuple[int, ...]):
    if not isinstance(input, _ember.Tensor):
        raise TypeError(f"Expected a tensor, got {type(input).__name__}")
    if input.dtype != _ember.uint8:
        raise RuntimeError("Input tensor dtype should be uint8")
    if input.ndim != 3:
        raise RuntimeError(f"Input tensor dimension should be 3, got {input.ndim}")
    if input.shape[0] not in channels:
        allowed = " or ".join(str(c) for c in channels)
        raise RuntimeError(f"The number of channels should be {allowed}, got: {input.shape[0]}")
    return _array_to_pil(input.detach().cpu().numpy().transpose(1, 2, 0))


def _bytes_tensor(data: bytes) -> _ember.Tensor:
    return _ember.from_numpy(_np.frombuffer(bytearray(data), dtype=_np.uint8))


def encode_png(input, compression_level: int = 6) -> _ember.Tensor:
    """Encode a uint8 (C, H, W) tensor with 1 or 3 channels as PNG; the bytes as a 1-D uint8
    tensor. ``compression_level`` is zlib's, 0 to 9."""
    if not 0 <= compression_level <= 9:
        raise ValueError("Compression level should be between 0 and 9")
    buf = _io.BytesIO()
    _to_pil(input, (1, 3)).save(buf, format="PNG", compress_level=compression_level)
    return _bytes_tensor(buf.getvalue())


def write_png(input, filename, compression_level: int = 6) -> None:
    """Write a uint8 (C, H, W) tensor (1 or 3 channels) to ``filename`` as PNG."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality: int = 75):
    """Encode a uint8 (C, H, W) tensor with 1 or 3 channels (or a list of them) as JPEG of
    ``quality`` 1 to 100; the bytes as a 1-D uint8 tensor (a list for a list)."""
    if not 1 <= quality <= 100:
        raise ValueError("Image quality should be a positive number between 1 and 100")
    if isinstance(input, (list, tuple)):
        return [encode_jpeg(x, quality) for x in input]
    buf = _io.BytesIO()
    _to_pil(input, (1, 3)).save(buf, format="JPEG", quality=quality)
    return _bytes_tensor(buf.getvalue())


def write_jpeg(input, filename, quality: int = 75) -> None:
    """Write a uint8 (C, H, W) tensor (1 or 3 channels) to ``filename`` as JPEG."""
    write_file(filename, encode_jpeg(input, quality))
