"""Compare a nested ember result with the nested torch result of the same call."""

from __future__ import annotations

import numpy as np
import torch

import ember


def dtype_name(d) -> str:
    return str(d).split(".")[-1]


def assert_same_structure(e, t, path="out"):
    """Same container types, same keys/lengths, tensors with equal dtype, shape and values."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{path}: expected a Tensor, got {type(e).__name__}"
        assert dtype_name(e.dtype) == dtype_name(t.dtype), f"{path}: {e.dtype} vs {t.dtype}"
        assert tuple(e.shape) == tuple(t.shape), f"{path}: {tuple(e.shape)} vs {tuple(t.shape)}"
        np.testing.assert_array_equal(e.numpy(), t.numpy(), err_msg=path)
        return
    assert type(e) is type(t), f"{path}: {type(e).__name__} vs {type(t).__name__}"
    if isinstance(t, dict):
        assert list(e) == list(t), f"{path}: keys {list(e)} vs {list(t)}"
        for k in t:
            assert_same_structure(e[k], t[k], f"{path}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert len(e) == len(t), f"{path}: length {len(e)} vs {len(t)}"
        for i, (a, b) in enumerate(zip(e, t)):
            assert_same_structure(a, b, f"{path}[{i}]")
    elif isinstance(t, np.ndarray):
        np.testing.assert_array_equal(e, t, err_msg=path)
    else:
        assert e == t, f"{path}: {e!r} vs {t!r}"


def to_torch(x):
    """The torch twin of a nested sample built from ember tensors."""
    if isinstance(x, ember.Tensor):
        return torch.from_numpy(x.numpy().copy())
    if isinstance(x, dict):
        return type(x)({k: to_torch(v) for k, v in x.items()})
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*(to_torch(v) for v in x))
    if isinstance(x, (list, tuple)):
        return type(x)(to_torch(v) for v in x)
    return x
