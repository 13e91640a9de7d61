"""Pooling against torch: max / avg / adaptive / lp pooling, max unpooling, and their modules."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import pooling as EP
from ember.nn.modules import pooling as EM

from ..oracle import check, check_error, check_gradcheck

RNG = np.random.default_rng(1)


def F(lib):
    return EP if lib is ember else torch.nn.functional


def nn(lib):
    return EM if lib is ember else torch.nn


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def distinct(*shape):
    """Values without ties (a max pooling gradient is then well defined for gradcheck)."""
    return (RNG.permutation(int(np.prod(shape))).reshape(shape) / 7.0).astype(np.float32)


def same_error(fn, *arrays):
    msg = check_error(fn, *arrays)
    try:
        fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays])
    except Exception as e:  # noqa: BLE001 - we compare whatever torch raises
        assert msg == str(e), f"ember: {msg!r}\ntorch: {str(e)!r}"


# ---------------------------------------------------------------------------- max pooling

MAX2D = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 1},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": (3, 2), "stride": 2, "ceil_mode": True},
    {"kernel_size": 2, "dilation": 2, "padding": 1},
    {"kernel_size": 3, "stride": (2, 1), "padding": 1, "ceil_mode": True, "dilation": (1, 2)},
]


@pytest.mark.parametrize("kw", MAX2D, ids=str)
def test_max_pool2d(kw):
    check(lambda lib, x: F(lib).max_pool2d(x, return_indices=True, **kw), distinct(2, 3, 7, 6))


def test_max_pool_1d_3d_unbatched_and_dtypes():
    check(lambda lib, x: F(lib).max_pool1d(x, 3, 2, 1, return_indices=True), distinct(2, 3, 9))
    check(lambda lib, x: F(lib).max_pool1d(x, 2, ceil_mode=True), distinct(3, 7))
    check(
        lambda lib, x: F(lib).max_pool3d(
            x, (2, 3, 2), (1, 2, 2), 1, ceil_mode=True, return_indices=True
        ),
        distinct(2, 2, 4, 5, 6),
    )
    check(lambda lib, x: F(lib).max_pool2d(x, 2, return_indices=True), distinct(3, 4, 4))
    check(lambda lib, x: F(lib).max_pool2d(x.transpose(-1, -2), 2), distinct(2, 2, 5, 4))
    check(lambda lib, x: F(lib).max_pool2d(x, 2, padding=1), RNG.integers(-9, 9, (1, 2, 5, 5)))
    check(
        lambda lib, x: F(lib).max_pool2d(x, 3, 1, 1, return_indices=True),
        rand(2, 2, 4, 4, dtype=np.float64),
    )
    check(lambda lib, x: F(lib).max_pool2d(x, 2), rand(0, 2, 4, 4))


def test_max_pool_ties_nan_and_inf_follow_torch():
    ties = np.zeros((1, 2, 5, 5), np.float32)
    ties[0, 1, 1:4, 1:4] = 1.0
    check(lambda lib, x: F(lib).max_pool2d(x, 3, 1, 1, return_indices=True), ties)
    ninf = np.full((1, 1, 4, 4), -np.inf, np.float32)
    check(
        lambda lib, x: F(lib).max_pool2d(x, 3, 2, 1, dilation=2, return_indices=True),
        ninf,
        grad=False,
    )
    nan = rand(1, 2, 5, 5)
    nan[0, 0, 1, 1] = nan[0, 0, 2, 2] = nan[0, 1, 0, 0] = np.nan
    check(lambda lib, x: F(lib).max_pool2d(x, 3, 1, 1, return_indices=True), nan, grad=False)
    check(
        lambda lib, x: F(lib).adaptive_max_pool2d(x, (2, 3), return_indices=True), nan, grad=False
    )


def test_max_pool_gradcheck():
    check_gradcheck(lambda lib, x: F(lib).max_pool2d(x, 2, 1, 1), distinct(1, 1, 3, 4))
    check_gradcheck(lambda lib, x: F(lib).max_pool1d(x, 3, 2, ceil_mode=True), distinct(1, 2, 6))
    check_gradcheck(lambda lib, x: F(lib).max_pool3d(x, 2, 1), distinct(1, 1, 2, 2, 3))
    check_gradcheck(lambda lib, x: F(lib).adaptive_max_pool2d(x, (2, 3)), distinct(1, 1, 3, 4))


def test_max_pool_double_backward_against_torch():
    def fn(lib, x):
        y = F(lib).max_pool2d(x, 3, 1, 1)
        (gx,) = lib.autograd.grad((y * y).sum(), (x,), create_graph=True)
        return gx

    check(fn, distinct(2, 2, 4, 5))


# ---------------------------------------------------------------------------- average pooling

AVG2D = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 1},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": (3, 2), "stride": 2, "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "divisor_override": 5},
]


@pytest.mark.parametrize("kw", AVG2D, ids=str)
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool2d(kw, count_include_pad):
    check(
        lambda lib, x: F(lib).avg_pool2d(x, count_include_pad=count_include_pad, **kw),
        rand(2, 3, 7, 6),
    )


def test_avg_pool_1d_3d_unbatched_and_dtypes():
    check(lambda lib, x: F(lib).avg_pool1d(x, 3, 2, 1, True, False), rand(2, 3, 9))
    check(lambda lib, x: F(lib).avg_pool1d(x, 2), rand(3, 8))
    check(
        lambda lib, x: F(lib).avg_pool3d(x, (2, 3, 2), (1, 2, 2), 1, True, False),
        rand(2, 2, 4, 5, 6),
    )
    check(lambda lib, x: F(lib).avg_pool3d(x, 2, divisor_override=3), rand(2, 4, 4, 4))
    check(lambda lib, x: F(lib).avg_pool2d(x.transpose(-1, -2), 2), rand(2, 2, 5, 4))
    check(lambda lib, x: F(lib).avg_pool2d(x, 3, 1, 1), np.arange(-8, 8).reshape(1, 1, 4, 4))


def test_avg_pool_gradcheck():
    check_gradcheck(
        lambda lib, x: F(lib).avg_pool2d(x, 2, 1, 1, count_include_pad=False), rand(1, 1, 3, 4)
    )
    check_gradcheck(lambda lib, x: F(lib).avg_pool1d(x, 3, 2, 1, ceil_mode=True), rand(1, 2, 6))
    check_gradcheck(
        lambda lib, x: F(lib).avg_pool3d(x, 2, 1, divisor_override=3), rand(1, 1, 2, 2, 3)
    )


# ---------------------------------------------------------------------------- adaptive


@pytest.mark.parametrize("size", [(3, 4), (2, 2), 1, (None, 4), (7, 6), (5, 5)], ids=str)
def test_adaptive_pool2d(size):
    x = distinct(2, 3, 7, 6)
    check(lambda lib, x: F(lib).adaptive_avg_pool2d(x, size), x)
    check(lambda lib, x: F(lib).adaptive_max_pool2d(x, size, return_indices=True), x)


def test_adaptive_pool_1d_3d_and_gradcheck():
    check(lambda lib, x: F(lib).adaptive_avg_pool1d(x, 4), rand(2, 3, 9))
    check(lambda lib, x: F(lib).adaptive_max_pool1d(x, 4, True), distinct(3, 9))
    check(lambda lib, x: F(lib).adaptive_avg_pool3d(x, (2, 3, None)), rand(2, 2, 4, 5, 6))
    check(lambda lib, x: F(lib).adaptive_max_pool3d(x, (2, 3, 4), True), distinct(2, 4, 5, 6))
    check(lambda lib, x: F(lib).adaptive_avg_pool2d(x, 0), rand(1, 2, 3, 3), grad=False)
    check_gradcheck(lambda lib, x: F(lib).adaptive_avg_pool2d(x, (2, 3)), rand(1, 1, 3, 4))
    check_gradcheck(lambda lib, x: F(lib).adaptive_avg_pool1d(x, 4), rand(1, 2, 5))


# ---------------------------------------------------------------------------- unpool and lp


def test_max_unpool():
    def unpool2d(lib, x):
        y, i = F(lib).max_pool2d(x, 2, return_indices=True)
        return F(lib).max_unpool2d(y * 2, i, 2, output_size=x.shape)

    def unpool1d(lib, x):
        y, i = F(lib).max_pool1d(x, 3, 2, 1, return_indices=True)
        return F(lib).max_unpool1d(y, i, 3, 2, 1)

    def unpool3d(lib, x):
        y, i = F(lib).max_pool3d(x, 2, return_indices=True)
        return nn(lib).MaxUnpool3d(2)(y, i)

    check(unpool2d, distinct(2, 3, 5, 5))
    check(unpool1d, distinct(2, 9))
    check(unpool3d, distinct(1, 2, 4, 4, 4))
    check_gradcheck(unpool2d, distinct(1, 1, 2, 4))


def test_lp_pool():
    pos = np.abs(rand(2, 3, 6, 7)) + 0.1
    check(lambda lib, x: F(lib).lp_pool2d(x, 2, (2, 3), 1), pos, rtol=1e-4)
    check(lambda lib, x: F(lib).lp_pool1d(x, 3, 3, 2, True), np.abs(rand(2, 3, 8)) + 0.1, rtol=1e-4)
    check(lambda lib, x: F(lib).lp_pool3d(x, 1.5, 2), np.abs(rand(1, 2, 4, 4, 4)) + 0.1, rtol=1e-4)
    check(lambda lib, x: F(lib).lp_pool2d(x, float("inf"), 2), distinct(1, 2, 4, 4))
    check_gradcheck(lambda lib, x: F(lib).lp_pool2d(x, 2, 2, 1), np.abs(rand(1, 1, 3, 3)) + 0.5)


# ---------------------------------------------------------------------------- modules

MODULES = [
    ("MaxPool1d", (3,), {"stride": 2, "padding": 1, "return_indices": True}, (2, 3, 9)),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 7, 6)),
    ("MaxPool2d", ((2, 3),), {"dilation": (1, 2), "return_indices": True}, (3, 7, 8)),
    ("MaxPool3d", (2,), {}, (1, 2, 4, 4, 4)),
    ("AvgPool1d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 9)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True}, (2, 3, 7, 6)),
    ("AvgPool2d", (2,), {"divisor_override": 3}, (3, 4, 4)),
    (
        "AvgPool3d",
        ((2, 1, 2),),
        {"count_include_pad": False, "padding": (1, 0, 1)},
        (1, 2, 4, 4, 4),
    ),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((None, 3),), {}, (2, 3, 7, 6)),
    ("AdaptiveAvgPool3d", (2,), {}, (1, 2, 4, 5, 3)),
    ("AdaptiveMaxPool1d", (4,), {"return_indices": True}, (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((3, 2),), {}, (2, 3, 7, 6)),
    ("AdaptiveMaxPool3d", (2,), {}, (1, 2, 4, 5, 3)),
    ("LPPool1d", (2, 3), {"stride": 2}, (2, 3, 9)),
    ("LPPool2d", (2, 3), {"ceil_mode": True}, (2, 3, 7, 6)),
    ("LPPool3d", (1.5, 2), {}, (1, 2, 4, 4, 4)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", MODULES, ids=lambda v: str(v))
def test_pooling_modules(name, args, kwargs, shape):
    e, t = getattr(EM, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict()) == []
    x = np.abs(distinct(*shape)) + 0.1 if name.startswith("LP") else distinct(*shape)
    check(lambda lib, x: (e if lib is ember else t)(x), x, rtol=1e-4)


def test_unpool_module_reprs():
    for name in ("MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d"):
        assert repr(getattr(EM, name)(3, 2, 1)) == repr(getattr(torch.nn, name)(3, 2, 1))
    assert EM.MaxUnpool2d(2).stride == torch.nn.MaxUnpool2d(2).stride


# ---------------------------------------------------------------------------- errors


def test_pooling_errors_match_torch():
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2, padding=2), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 3), rand(1, 1, 2, 2))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2, stride=0), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, (2, 2, 2)), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2, padding=-1), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2), rand(1, 0, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool1d(x, 2, stride=0), rand(1, 1, 4))
    same_error(lambda lib, x: F(lib).max_pool1d(x, (2, 2)), rand(1, 1, 4))
    same_error(lambda lib, x: F(lib).max_pool1d(x, 2), rand(4))
    same_error(lambda lib, x: F(lib).max_pool3d(x, (2, 2)), rand(1, 1, 4, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2), np.ones((1, 1, 4, 4), bool))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 2, padding=2), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 3), rand(1, 1, 2, 2))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 2, divisor_override=0), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 2, stride=(1, 2, 3)), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2, dilation=(1, 1, 1)), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2, padding=(1, 1, 1)), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).avg_pool1d(x, 2), rand(4))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 2), rand(4, 4))
    same_error(lambda lib, x: F(lib).max_pool2d(x, 2), rand(4, 4))
    same_error(lambda lib, x: F(lib).max_pool3d(x, 2), rand(4, 4))
    same_error(lambda lib, x: F(lib).max_pool1d(x, 2), rand(1, 0, 4))
    same_error(lambda lib, x: F(lib).avg_pool3d(x, 2), rand(1, 0, 4, 4, 4))
    check_error(lambda lib, x: F(lib).max_pool3d(x, 2), rand(1, 1, 0, 4, 4))
    same_error(lambda lib, x: F(lib).avg_pool2d(x, 2), np.ones((1, 1, 4, 4), bool))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool2d(x, (2, 2, 2)), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool2d(x, 2), rand(4, 4))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool2d(x, 2), rand(1, 1, 0, 4))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool2d(x, -1), rand(1, 1, 4, 4))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool2d(x, 2), np.ones((1, 4, 4), np.int64))
    same_error(lambda lib, x: F(lib).adaptive_max_pool2d(x, 2), rand(4, 4))
    same_error(lambda lib, x: F(lib).adaptive_avg_pool1d(x, (2, 2)), rand(1, 1, 4))
    same_error(lambda lib, x: F(lib).adaptive_max_pool1d(x, 2), rand(4))


def test_unpool_errors_match_torch():
    x, i = rand(1, 1, 2, 2), np.zeros((1, 1, 2, 2), np.int64)
    same_error(lambda lib, x, i: F(lib).max_unpool2d(x, i + 20, 2), x, i)
    same_error(lambda lib, x, i: F(lib).max_unpool2d(x, i, 2, output_size=(7, 7)), x, i)
    same_error(lambda lib, x, i: F(lib).max_unpool2d(x, i, 2), x, np.zeros((1, 1, 2, 3), np.int64))
    same_error(lambda lib, x, i: F(lib).max_unpool2d(x, i, 2), x, i.astype(np.int32))
    same_error(lambda lib, x, i: F(lib).max_unpool2d(x, i, 2), rand(4, 2), i[0, 0])
    same_error(lambda lib, x, i: F(lib).max_unpool1d(x, i + 9, 2), rand(1, 1, 2), i[:, :, 0])
    same_error(lambda lib, x, i: F(lib).max_unpool1d(x, i, 2), rand(1, 1, 2), i[0])
