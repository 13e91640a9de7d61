"""ember.vision.io: images written and read back, compared with what Pillow itself stores and
decodes (the file formats are the reference: PNG is lossless, so pixels must match exactly)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision.io import (
    ImageReadMode,
    decode_image,
    decode_jpeg,
    decode_png,
    encode_jpeg,
    encode_png,
    read_file,
    read_image,
    write_file,
    write_jpeg,
    write_png,
)

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, (5, 7, 3), dtype=np.uint8)
RGBA = RNG.integers(0, 256, (5, 7, 4), dtype=np.uint8)
GRAY = RNG.integers(0, 256, (5, 7), dtype=np.uint8)


def pil_png(tmp_path, array, mode, name="x.png"):
    img = Image.frombytes(mode, (array.shape[1], array.shape[0]), array.tobytes())
    img.save(tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize(("array", "mode"), [(RGB, "RGB"), (RGBA, "RGBA"), (GRAY, "L")])
def test_read_image_unchanged(tmp_path, array, mode):
    out = read_image(pil_png(tmp_path, array, mode))
    assert out.dtype == ember.uint8
    chw = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    np.testing.assert_array_equal(out.numpy(), chw)


def test_read_modes_convert_as_pillow(tmp_path):
    path = pil_png(tmp_path, RGBA, "RGBA")
    with Image.open(path) as im:
        for mode, pil_mode in [
            (ImageReadMode.GRAY, "L"),
            (ImageReadMode.GRAY_ALPHA, "LA"),
            (ImageReadMode.RGB, "RGB"),
            ("RGB_ALPHA", "RGBA"),
            ("rgba", "RGBA"),
        ]:
            expected = np.asarray(im.convert(pil_mode))
            expected = expected[None] if expected.ndim == 2 else expected.transpose(2, 0, 1)
            np.testing.assert_array_equal(read_image(path, mode).numpy(), expected)
    assert ImageReadMode.RGBA is ImageReadMode.RGB_ALPHA and ImageReadMode.RGB.value == 3
    with pytest.raises(ValueError, match="Unknown image read mode"):
        read_image(path, "CMYK")


def test_palette_image_is_expanded(tmp_path):
    img = Image.frombytes("L", (7, 5), GRAY.tobytes()).convert("P")
    img.save(tmp_path / "p.png")
    out = read_image(tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as im:
        expected = np.asarray(im.convert("RGB")).transpose(2, 0, 1)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_write_png_and_bytes_round_trip(tmp_path):
    chw = ember.from_numpy(RGB.transpose(2, 0, 1).copy())
    write_png(chw, tmp_path / "w.png", compression_level=9)
    with Image.open(tmp_path / "w.png") as im:
        assert im.format == "PNG" and im.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(im), RGB)
    data = read_file(tmp_path / "w.png")
    assert data.dtype == ember.uint8 and data.ndim == 1
    assert bytes(data.numpy()) == (tmp_path / "w.png").read_bytes()
    np.testing.assert_array_equal(decode_png(data).numpy(), chw.numpy())
    np.testing.assert_array_equal(decode_image(data, ImageReadMode.RGB).numpy(), chw.numpy())
    encoded = encode_png(ember.from_numpy(GRAY[None].copy()))
    np.testing.assert_array_equal(decode_image(encoded).numpy(), GRAY[None])
    write_file(tmp_path / "copy.png", encoded)
    assert (tmp_path / "copy.png").read_bytes() == bytes(encoded.numpy())


def test_jpeg(tmp_path):
    smooth = np.add.outer(np.arange(16), np.arange(16)).astype(np.uint8) * 7
    chw = ember.from_numpy(np.stack([smooth, smooth[::-1], smooth.T]).copy())
    write_jpeg(chw, tmp_path / "a.jpg", quality=95)
    with Image.open(tmp_path / "a.jpg") as im:
        assert im.format == "JPEG"
        decoded = np.asarray(im).transpose(2, 0, 1)
    out = read_image(tmp_path / "a.jpg")
    np.testing.assert_array_equal(out.numpy(), decoded)
    assert np.abs(out.numpy().astype(int) - chw.numpy()).max() <= 8  # lossy, but close
    encoded = encode_jpeg([chw, chw], quality=50)
    assert isinstance(encoded, list) and len(decode_jpeg(encoded)) == 2
    with pytest.raises(ValueError, match="between 1 and 100"):
        encode_jpeg(chw, quality=0)


def test_encode_errors():
    with pytest.raises(RuntimeError, match="Input tensor dtype should be uint8"):
        encode_png(ember.zeros(3, 2, 2))
    with pytest.raises(RuntimeError, match="Input tensor dimension should be 3"):
        encode_png(ember.zeros(2, 2, dtype=ember.uint8))
    with pytest.raises(RuntimeError, match="The number of channels should be 1 or 3, got: 2"):
        encode_png(ember.zeros(2, 2, 2, dtype=ember.uint8))
    with pytest.raises(ValueError, match="Compression level should be between 0 and 9"):
        encode_png(ember.zeros(1, 2, 2, dtype=ember.uint8), compression_level=10)
    with pytest.raises(RuntimeError, match="1-dimensional tensor of dtype uint8"):
        decode_image(ember.zeros(2, 2, dtype=ember.uint8))


def test_exif_orientation(tmp_path):
    img = Image.frombytes("RGB", (7, 5), RGB.tobytes())
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    buf = io.BytesIO()
    img.save(buf, format="PNG", exif=exif)
    data = ember.from_numpy(np.frombuffer(bytearray(buf.getvalue()), dtype=np.uint8))
    assert tuple(decode_image(data).shape) == (3, 5, 7)
    rotated = decode_image(data, apply_exif_orientation=True)
    expected = np.rot90(RGB, k=-1).transpose(2, 0, 1)  # clockwise
    np.testing.assert_array_equal(rotated.numpy(), expected)


def test_without_pillow_the_error_names_the_extra(monkeypatch):
    import sys

    from ember.vision.datasets import FakeData
    from ember.vision.utils import make_grid

    monkeypatch.setitem(sys.modules, "PIL.Image", None)  # as if Pillow were not installed
    with pytest.raises(ImportError, match=r"pip install 'ember\[vision\]'"):
        FakeData(size=1)[0]
    with pytest.raises(ImportError, match="Pillow"):
        encode_png(ember.zeros(1, 2, 2, dtype=ember.uint8))
    assert tuple(make_grid(ember.ones(2, 3, 2, 2)).shape) == (3, 6, 10)  # needs no Pillow
