"""Shared helpers for the optimizer tests: twin models and state-dict conversion."""

from __future__ import annotations

import numpy as np
import torch

import ember

RTOL, ATOL = 1e-5, 1e-6


def weights(seed: int = 0, dtype=np.float32):
    """Arrays for a 4 -> 5 -> 3 tanh MLP and a batch of data."""
    rng = np.random.default_rng(seed)
    shapes = [(5, 4), (5,), (3, 5), (3,)]
    params = [rng.standard_normal(s).astype(dtype) * 0.5 for s in shapes]
    x = rng.standard_normal((16, 4)).astype(dtype)
    y = rng.standard_normal((16, 3)).astype(dtype)
    return params, x, y


def make_params(lib, arrays):
    return [lib.nn.Parameter(lib.tensor(a.copy())) for a in arrays]


def loss_fn(lib, params, x, y):
    w1, b1, w2, b2 = params
    h = (lib.tensor(x) @ w1.mT + b1).tanh()
    out = h @ w2.mT + b2
    return ((out - lib.tensor(y)) ** 2).mean()


def to_ember(value):
    """Convert a (torch) state dict tensor by tensor through NumPy."""
    if isinstance(value, torch.Tensor):
        return ember.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_ember(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_ember(v) for v in value)
    return value


def to_torch(value):
    """Convert an (ember) state dict tensor by tensor through NumPy."""
    if isinstance(value, ember.Tensor):
        return torch.tensor(value.detach().numpy().copy())
    if isinstance(value, dict):
        return {k: to_torch(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(to_torch(v) for v in value)
    return value


def assert_params_close(pe, pt, rtol=RTOL, atol=ATOL, what=""):
    for i, (a, b) in enumerate(zip(pe, pt)):
        np.testing.assert_allclose(
            a.detach().numpy(),
            b.detach().numpy(),
            rtol=rtol,
            atol=atol,
            err_msg=f"{what} parameter {i}",
        )


def assert_state_dicts_match(se, st, rtol=RTOL, atol=ATOL):
    """Same layout, keys, value types, tensor dtypes/shapes and (close) values."""
    assert type(se) is dict or isinstance(se, dict)
    _match(se, st, rtol, atol, "state_dict")


def _match(e, t, rtol, atol, path):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{path}: {type(e)} is not a Tensor"
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], f"{path}: dtype"
        assert tuple(e.shape) == tuple(t.shape), f"{path}: shape"
        np.testing.assert_allclose(
            e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol, err_msg=path
        )
    elif isinstance(t, dict):
        assert isinstance(e, dict), f"{path}: {type(e)}"
        assert sorted(e.keys(), key=str) == sorted(t.keys(), key=str), f"{path}: keys"
        for k in t:
            _match(e[k], t[k], rtol, atol, f"{path}[{k!r}]")
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) and len(e) == len(t), f"{path}: {e!r} vs {t!r}"
        for i, (a, b) in enumerate(zip(e, t)):
            _match(a, b, rtol, atol, f"{path}[{i}]")
    elif isinstance(t, float):
        assert isinstance(e, (float, int)) and not isinstance(e, bool), f"{path}: {e!r}"
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=path)
    else:
        assert type(e) is type(t) and e == t, f"{path}: {e!r} != {t!r}"
