"""Dropout family: statistics of the mask, scaling, gradients, edge cases and errors like torch.

The random streams of ember and torch differ, so values are checked by their laws: the fraction
of zeros, that kept elements are scaled by exactly 1/(1-p), that whole channels go together, that
the gradient is the same mask, and that eval mode, p=0 and p=1 behave as in torch.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import dropout as EF
from ember.nn.modules import dropout as ED

from ..oracle import check_error

ALPHA = 1.7580993408473766  # SELU scale * alpha


def F(lib):
    return EF if lib is ember else torch.nn.functional


def M(lib):
    return ED if lib is ember else torch.nn


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_fraction_scaling_and_gradient(p):
    x = ember.rand(200, 100) + 0.5
    x.requires_grad_(True)
    y = EF.dropout(x, p)
    zeros = (y == 0).float().mean().item()
    assert abs(zeros - p) < 0.02
    kept = y != 0
    np.testing.assert_allclose((y[kept] / x[kept]).detach().numpy(), 1 / (1 - p), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (kept.float() / (1 - p)).numpy(), rtol=1e-6)
    assert y.dtype is ember.float32 and y.shape == x.shape


def test_dropout_identity_cases_like_torch():
    for lib in (ember, torch):
        x = lib.ones(3, 4)
        assert F(lib).dropout(x, 0.5, training=False) is x
        assert F(lib).dropout(x, 0.0) is x
        assert F(lib).alpha_dropout(x, 0.5) is x  # training defaults to False
        assert F(lib).feature_alpha_dropout(x, 0.5) is x
        assert F(lib).dropout(lib.ones(0, 3), 0.5).shape == (0, 3)


def test_p_one_zeroes_everything_with_zero_grad():
    for fn in (
        lambda x: EF.dropout(x, 1.0),
        lambda x: EF.dropout2d(x, 1.0),
        lambda x: EF.alpha_dropout(x, 1.0, True),
    ):
        x = ember.randn(2, 3, 4, 2, requires_grad=True)
        y = fn(x)
        assert float(y.abs().sum()) == 0
        y.sum().backward()
        assert float(x.grad.abs().sum()) == 0


def test_manual_seed_reproduces():
    ember.manual_seed(123)
    a = EF.dropout(ember.ones(50), 0.5)
    ember.manual_seed(123)
    b = EF.dropout(ember.ones(50), 0.5)
    assert a.tolist() == b.tolist()
    assert EF.dropout(ember.ones(50), 0.5).tolist() != a.tolist()


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_bad_probability_raises_value_error(p):
    for fn in (
        lambda lib, x: F(lib).dropout(x, p),
        lambda lib, x: F(lib).dropout2d(x, p),
        lambda lib, x: F(lib).alpha_dropout(x, p),
        lambda lib, x: F(lib).dropout1d(x, p),
        lambda lib, x: F(lib).dropout3d(x, p),
        lambda lib, x: F(lib).feature_alpha_dropout(x, p),
        lambda lib, x: M(lib).Dropout(p),
        lambda lib, x: M(lib).AlphaDropout(p),
    ):
        msg = check_error(fn, np.ones((2, 3, 4), np.float32))
        assert msg == f"dropout probability has to be between 0 and 1, but got {p}"


def _channels_all_or_nothing(y, x, p, channel_shape):
    ratio = (y / x).detach().numpy().reshape(*channel_shape, -1)
    first = ratio[..., :1]
    np.testing.assert_allclose(ratio, np.broadcast_to(first, ratio.shape), rtol=1e-6)
    assert np.all(np.isclose(first, 0) | np.isclose(first, 1 / (1 - p)))
    return float((first == 0).mean())


@pytest.mark.parametrize(
    "fn,shape,channels",
    [
        (EF.dropout1d, (40, 30, 5), (40, 30)),
        (EF.dropout1d, (300, 4), (300,)),
        (EF.dropout2d, (30, 40, 3, 2), (30, 40)),
        (EF.dropout2d, (300, 3, 2), (300,)),
        (EF.dropout3d, (20, 30, 2, 2, 2), (20, 30)),
        (EF.dropout3d, (600, 2, 2, 2), (600,)),
    ],
)
def test_channel_dropout_zeroes_whole_channels(fn, shape, channels):
    p = 0.4
    x = ember.rand(*shape) + 0.5
    x.requires_grad_(True)
    if fn is EF.dropout2d and len(shape) == 3:
        with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
            y = fn(x, p)
        channels = shape[:2]
    else:
        y = fn(x, p)
    frac = _channels_all_or_nothing(y, x, p, channels)
    assert abs(frac - p) < 0.06
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ((y != 0).float() / (1 - p)).numpy(), rtol=1e-6)


def test_channel_dropout_shape_errors_and_warnings_like_torch():
    x1 = np.ones(5, np.float32)
    msg = check_error(lambda lib, x: F(lib).dropout1d(x, 0.5), x1)
    assert msg.startswith("dropout1d: Expected 2D or 3D input, but received a 1D input.")
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        EF.dropout2d(ember.ones(3, 4), 0.5)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        EF.dropout3d(ember.ones(3, 4, 2), 0.5)


def test_dropout_rejects_integer_input_like_torch():
    check_error(lambda lib, x: F(lib).dropout(x, 0.5), np.arange(6))
    assert F(ember).dropout(ember.arange(6), 0.0).tolist() == list(range(6))


def test_inplace_variants_modify_input():
    x = ember.ones(100, 10)
    y = EF.dropout(x, 0.5, inplace=True)
    assert y is x and float((x == 0).float().mean()) > 0.3
    x = ember.ones(30, 20, 3, 2)
    y = EF.dropout2d(x, 0.5, inplace=True)
    assert y is x and set(np.unique(x.numpy()).tolist()) == {0.0, 2.0}
    x = ember.randn(4, 5, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        EF.dropout(x, 0.5, inplace=True)
    h = x * 1
    EF.dropout(h, 0.5, inplace=True).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (h != 0).float().numpy() * 2, rtol=1e-6)


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout_values_and_moments(p):
    a = 1.0 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    x = ember.randn(400, 250, requires_grad=True)
    y = EF.alpha_dropout(x, p, training=True)
    keep = (y - (x * a + ALPHA * a * p)).abs() < 1e-5
    dropped = (y - ALPHA * a * (p - 1)).abs() < 1e-5
    assert bool((keep | dropped).all())
    assert abs(float(dropped.float().mean()) - p) < 0.02
    assert abs(float(y.mean())) < 0.02 and abs(float(y.var()) - 1) < 0.03
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), keep.float().numpy() * a, rtol=1e-6)


def test_feature_alpha_dropout_per_channel():
    p = 0.3
    a = 1.0 / math.sqrt((ALPHA * ALPHA * p + 1) * (1 - p))
    x = ember.zeros(100, 20, 3)
    y = EF.feature_alpha_dropout(x, p, training=True).numpy()
    assert np.all(y == y[:, :, :1])
    assert np.all(np.isclose(y, ALPHA * a * p) | np.isclose(y, ALPHA * a * (p - 1)))


@pytest.mark.parametrize(
    "name",
    ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"],
)
def test_modules_repr_train_eval(name):
    e_mod, t_mod = getattr(ED, name)(0.3), getattr(torch.nn, name)(0.3)
    assert repr(e_mod) == repr(t_mod)
    assert repr(getattr(ED, name)(0.1, True)) == repr(getattr(torch.nn, name)(0.1, True))
    shape = (40, 6, 5, 2, 2) if name in ("Dropout3d", "FeatureAlphaDropout") else (40, 6, 5, 2)
    if name == "Dropout1d":
        shape = (40, 6, 5)
    x = ember.rand(*shape) + 1
    y = e_mod(x)
    assert y.shape == x.shape and float((y == x).float().mean()) < 0.5
    e_mod.eval()
    assert e_mod(x) is x
    assert list(e_mod.state_dict()) == []
