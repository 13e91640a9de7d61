"""Turning what a user logs (ember tensors, NumPy arrays, Python numbers) into NumPy, and the
NumPy-only encoders the writer needs (PNG images, WAV audio, embedding sprites), so that no
image library is required."""

from __future__ import annotations

import io
import math
import struct
import wave
import zlib

import numpy as np

from ..._tensor import Tensor


def to_numpy(x) -> np.ndarray:
    """An ember tensor (any device, with or without grad), array or number as a NumPy array."""
    if isinstance(x, Tensor):
        return x.detach().cpu().numpy()
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def to_python(x):
    """A one-element tensor or NumPy scalar as a Python number; anything else unchanged."""
    if isinstance(x, (Tensor, np.ndarray, np.generic)):
        return to_numpy(x).reshape(-1)[0].item()
    return x


def scale_to_uint8(img: np.ndarray) -> np.ndarray:
    """uint8 pixels stay as they are; anything else is read as [0, 1] and scaled to [0, 255]."""
    if img.dtype == np.uint8:
        return img
    return (img.astype(np.float32) * 255).clip(0, 255).astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


_PNG_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> grey, grey+alpha, RGB, RGBA


def encode_png(hwc: np.ndarray) -> bytes:
    """An 8-bit PNG of an HxWxC uint8 image (C = 1, 2, 3 or 4)."""
    h, w, c = hwc.shape
    rows = np.ascontiguousarray(hwc, dtype=np.uint8).reshape(h, w * c)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1).tobytes()  # filter 0
    header = struct.pack(">IIBBBBB", w, h, 8, _PNG_COLOR_TYPE[c], 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 6))
        + _chunk(b"IEND", b"")
    )


def encode_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """A mono 16-bit PCM WAV file of samples in [-1, 1]."""
    pcm = (samples * np.iinfo(np.int16).max).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def draw_boxes(hwc: np.ndarray, boxes: np.ndarray, thickness: int = 2) -> np.ndarray:
    """Red rectangle outlines for ``boxes`` (N x 4, xmin ymin xmax ymax in pixels)."""
    out = hwc.copy()
    h, w = out.shape[:2]
    red = np.array([255, 0, 0, 255][: out.shape[2]], np.uint8)
    for x0, y0, x1, y1 in np.asarray(boxes, dtype=np.float64).reshape(-1, 4):
        x0, x1 = sorted((int(np.clip(x0, 0, w - 1)), int(np.clip(x1, 0, w - 1))))
        y0, y1 = sorted((int(np.clip(y0, 0, h - 1)), int(np.clip(y1, 0, h - 1))))
        t = thickness
        out[y0 : min(y0 + t, y1 + 1), x0 : x1 + 1] = red
        out[max(y1 - t + 1, y0) : y1 + 1, x0 : x1 + 1] = red
        out[y0 : y1 + 1, x0 : min(x0 + t, x1 + 1)] = red
        out[y0 : y1 + 1, max(x1 - t + 1, x0) : x1 + 1] = red
    return out


def sprite(label_img: np.ndarray) -> np.ndarray:
    """The projector's sprite: N CxHxW thumbnails in rows on a square RGB canvas (HxWx3)."""
    n, c, h, w = label_img.shape
    if c == 1:
        label_img = np.repeat(label_img, 3, axis=1)
    per_row = math.ceil(math.sqrt(n * h * w) / w)
    side = per_row * w
    canvas = np.zeros((side, side, 3), np.uint8)
    tiles = scale_to_uint8(label_img[:, :3].transpose(0, 2, 3, 1))
    for i in range(n):
        r, col = divmod(i, per_row)
        canvas[r * h : (r + 1) * h, col * w : (col + 1) * w] = tiles[i]
    return canvas


def figure_to_chw(figure) -> np.ndarray:
    """A matplotlib figure rendered to a 3xHxW uint8 array."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    return np.ascontiguousarray(rgba[:, :, :3].transpose(2, 0, 1))
