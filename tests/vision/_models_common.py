"""Shared by the model tests: the vision-ref references and their deterministic weights.

``vision-ref/README.md`` (beside the reference files) gives the rule that fills a model's
state_dict and the fixed input; ``reference(data_dir)`` reads ``models.json``/``models.npz``
once per process.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ember import nn

# Every classification model of vision-ref, and the models.json field names.
REFERENCE_MODELS = [
    "alexnet",
    "vgg11",
    "vgg11_bn",
    "vgg16",
    "resnet18",
    "resnet34",
    "resnet50",
    "resnext50_32x4d",
    "wide_resnet50_2",
    "mobilenet_v2",
    "mobilenet_v3_small",
    "mobilenet_v3_large",
    "efficientnet_b0",
    "densenet121",
    "squeezenet1_0",
    "squeezenet1_1",
    "shufflenet_v2_x1_0",
    "mnasnet1_0",
    "googlenet",
    "inception_v3",
    "regnet_y_400mf",
    "convnext_tiny",
    "vit_b_16",
    "swin_t",
]


# Logits are compared to within this fraction of their largest magnitude. The README suggests
# about 1e-3; ember's float32 results are within 1e-5 of torchvision's (vgg16: 7e-6), and 1e-3
# would let a wrong BatchNorm eps through (GoogLeNet with 1e-5 for 0.001 is off by 3e-4).
TOLERANCE = 1e-4


@functools.lru_cache(maxsize=2)
def _load(folder: str):
    root = Path(folder) / "vision-ref"
    with open(root / "models.json") as f:
        meta = json.load(f)
    with np.load(root / "models.npz") as npz:
        logits = {k: npz[k] for k in npz.files}
    return meta, logits


def reference(data_dir: Path):
    """(models.json as a dict, {name: logits array}) from the shared data folder."""
    return _load(str(data_dir))


_CHUNK = 1 << 20
_COS = np.cos(0.7 * np.arange(_CHUNK))
_SIN = np.sin(0.7 * np.arange(_CHUNK))


def _rule(name: str, shape) -> Callable[[np.ndarray], np.ndarray]:
    """The README's map from ``base`` to the entry's values, its cases in its order."""
    if name.endswith("running_var"):
        return lambda base: 1 + 0.5 * np.abs(base)
    if name.endswith("running_mean"):
        return lambda base: 0.1 * base
    if len(shape) >= 2:
        scale = np.sqrt(1 / np.prod(shape[1:]))
        return lambda base: base * scale
    if len(shape) == 1 and name.endswith("weight"):
        return lambda base: 1 + 0.1 * base
    return lambda base: 0.1 * base


def _fill(name: str, shape, dtype: str, phase: int) -> np.ndarray:
    """``rule(sin(arange(n) * 0.7 + phase))`` cast to ``dtype``, a block at a time: the sines
    by the angle-addition formula (two multiply-adds each instead of a sine; they agree with
    NumPy's to ~1e-9), and no float64 copy of a whole tensor (vgg16: 138M values)."""
    rule = _rule(name, shape)
    n = int(np.prod(shape)) if shape else 1
    out = np.empty(n, dtype=dtype)
    for start in range(0, n, _CHUNK):
        k = min(n - start, _CHUNK)
        a = 0.7 * start + phase
        out[start : start + k] = rule(_COS[:k] * np.sin(a) + _SIN[:k] * np.cos(a))
    return out.reshape(shape)


def deterministic_state(entries) -> dict[str, np.ndarray]:
    """The README's values for a state_dict given as models.json's [name, shape, dtype] rows
    (entry ``j`` gets phase ``j``); ``num_batches_tracked`` entries are left out (the rule
    leaves them as they are)."""
    return {
        name: _fill(name, shape, dtype, j)
        for j, (name, shape, dtype) in enumerate(entries)
        if not name.endswith("num_batches_tracked")
    }


def fixed_input(size: int) -> np.ndarray:
    """The README's input: sin(arange(2*3*S*S) * 0.01) as (2, 3, S, S), float32."""
    return np.sin(np.arange(2 * 3 * size * size) * 0.01).reshape(2, 3, size, size).astype("f4")


_RANDOM_FILLS = (
    "uniform_",
    "normal_",
    "trunc_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "xavier_uniform_",
    "xavier_normal_",
    "orthogonal_",
)


@contextlib.contextmanager
def no_random_init(monkeypatch):
    """Build models without drawing their random initial weights (the tests overwrite them
    all): ``nn.init``'s random fills do nothing inside. Drawing vgg16's 138M values costs
    ember about 15 s; the initialisation itself is tested on small models."""
    with monkeypatch.context() as m:
        for name in _RANDOM_FILLS:
            m.setattr(nn.init, name, lambda tensor, *args, **kwargs: tensor)
        yield
