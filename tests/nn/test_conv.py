"""Convolutions against torch: F.conv*, F.conv_transpose*, F.unfold/fold and the Conv modules."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import conv as EF
from ember.nn.modules import conv as EM

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(0)

# torch's own note about its implementation of padding='same' with an even kernel
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")


def F(lib):
    return EF if lib is ember else torch.nn.functional


def nn(lib):
    return ember.nn if lib is ember else torch.nn


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def same_error(fn, *arrays):
    """Both raise the same exception type with the same message."""
    msg = check_error(fn, *arrays)
    try:
        fn(torch, *[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in arrays])
    except Exception as e:  # noqa: BLE001 - we compare whatever torch raises
        assert msg.replace("ember.", "torch.") == str(e), f"ember: {msg!r}\ntorch: {str(e)!r}"


# ---------------------------------------------------------------------------- functional conv

CONV2D = [
    {},
    {"stride": 2},
    {"padding": 1},
    {"padding": (1, 2), "stride": (2, 1)},
    {"padding": "same"},
    {"padding": "same", "dilation": 2},
    {"padding": "valid"},
    {"dilation": (2, 1), "padding": 1},
    {"groups": 2, "padding": 1},
    {"groups": 4, "stride": 2},
    {"stride": 3, "padding": 2, "dilation": 2},
]


@pytest.mark.parametrize("kw", CONV2D, ids=str)
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d(kw, bias):
    g = kw.get("groups", 1)
    x, w = rand(2, 4, 7, 6), rand(8, 4 // g, 3, 2)
    b = rand(8) if bias else None
    check(lambda lib, x, w, b: F(lib).conv2d(x, w, b, **kw), x, w, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"stride": 2, "padding": 1},
        {"padding": "same", "dilation": 3},
        {"groups": 3},
        {"padding": (2,), "dilation": (2,)},
    ],
    ids=str,
)
def test_conv1d(kw):
    g = kw.get("groups", 1)
    x, w, b = rand(2, 6, 11), rand(3, 6 // g, 4), rand(3)
    check(lambda lib, x, w, b: F(lib).conv1d(x, w, b, **kw), x, w, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"stride": (1, 2, 1), "padding": 1},
        {"padding": "same", "groups": 2},
        {"dilation": (1, 1, 2)},
    ],
    ids=str,
)
def test_conv3d(kw):
    g = kw.get("groups", 1)
    x, w, b = rand(2, 4, 4, 5, 5), rand(4, 4 // g, 2, 3, 2), rand(4)
    check(lambda lib, x, w, b: F(lib).conv3d(x, w, b, **kw), x, w, b, rtol=1e-4, atol=1e-5)


def test_conv_edge_inputs():
    w, b = rand(3, 2, 3, 3), rand(3)
    # unbatched (C, H, W); non-contiguous input; a weight used twice; empty batch
    check(
        lambda lib, x, w, b: F(lib).conv2d(x, w, b, padding=1),
        rand(2, 5, 4),
        w,
        b,
        rtol=1e-4,
        atol=1e-5,
    )
    check(
        lambda lib, x, w: F(lib).conv2d(x.transpose(-1, -2), w),
        rand(2, 2, 6, 5),
        w,
        rtol=1e-4,
        atol=1e-5,
    )
    check(
        lambda lib, x, w: F(lib).conv2d(F(lib).conv2d(x, w, padding=1), w[:, :3].transpose(0, 1)),
        rand(1, 2, 5, 5),
        rand(3, 3, 3, 3)[:, :2].copy(),
        rtol=1e-4,
        atol=1e-5,
    )
    check(lambda lib, x, w, b: F(lib).conv2d(x, w, b), rand(0, 2, 5, 5), w, b)
    check(
        lambda lib, x, w: F(lib).conv2d(x, w, stride=2),
        RNG.integers(-5, 5, (2, 2, 5, 5)),
        RNG.integers(-3, 3, (3, 2, 3, 3)),
    )
    check(
        lambda lib, x, w: F(lib).conv2d(x, w),
        rand(1, 2, 4, 4, dtype=np.float64),
        rand(2, 2, 2, 2, dtype=np.float64),
    )


def test_conv_gradcheck():
    x, w, b = rand(1, 2, 3, 2), rand(2, 1, 2, 2), rand(2)
    check_gradcheck(lambda lib, x, w, b: F(lib).conv2d(x, w, b, padding=1, groups=2), x, w, b)
    check_gradcheck(
        lambda lib, x, w: F(lib).conv2d(x, w, stride=2, padding=(1, 0)),
        rand(1, 2, 3, 2),
        rand(1, 2, 2, 2),
    )
    check_gradcheck(
        lambda lib, x, w: F(lib).conv1d(x, w, padding="same", dilation=2),
        rand(1, 2, 5),
        rand(2, 2, 2),
    )
    check_gradcheck(
        lambda lib, x, w: F(lib).conv3d(x, w, padding=1, stride=2),
        rand(1, 1, 2, 2, 3),
        rand(1, 1, 2, 2, 2),
    )


def test_conv_double_backward_against_torch():
    def fn(lib, x, w):
        y = F(lib).conv2d(x, w, padding=1, stride=2)
        gx, gw = lib.autograd.grad((y * y).sum(), (x, w), create_graph=True)
        return gx, gw

    check(fn, rand(2, 2, 5, 4), rand(3, 2, 3, 2), rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------------------- transposed


CONVT2D = [
    {},
    {"stride": 2},
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"stride": (3, 1), "padding": (2, 0), "output_padding": (2, 0)},
    {"groups": 2, "dilation": 2},
    {"dilation": (1, 2), "padding": 1},
    {"stride": 1, "dilation": 2, "output_padding": 1},
    {"padding": (3, 1)},
]


@pytest.mark.parametrize("kw", CONVT2D, ids=str)
def test_conv_transpose2d(kw):
    g = kw.get("groups", 1)
    x, w, b = rand(2, 4, 5, 4), rand(4, 3, 3, 2), rand(3 * g)
    check(
        lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, **kw), x, w, b, rtol=1e-4, atol=1e-5
    )


def test_conv_transpose_1d_3d_and_gradcheck():
    check(
        lambda lib, x, w: F(lib).conv_transpose1d(x, w, stride=2, output_padding=1),
        rand(2, 3, 5),
        rand(3, 2, 3),
        rtol=1e-4,
        atol=1e-5,
    )
    check(
        lambda lib, x, w, b: F(lib).conv_transpose3d(x, w, b, stride=(2, 1, 2), padding=1),
        rand(1, 2, 3, 3, 3),
        rand(2, 2, 3, 2, 2),
        rand(2),
        rtol=1e-4,
        atol=1e-5,
    )
    check(
        lambda lib, x, w: F(lib).conv_transpose2d(x, w, padding=1),
        rand(4, 3, 3),
        rand(4, 2, 3, 3),
        rtol=1e-4,
        atol=1e-5,
    )
    check_gradcheck(
        lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b, stride=2, output_padding=1, groups=2),
        rand(1, 2, 2, 3),
        rand(2, 1, 2, 2),
        rand(2),
    )
    check_gradcheck(
        lambda lib, x, w: F(lib).conv_transpose1d(x, w, dilation=2), rand(1, 2, 4), rand(2, 1, 3)
    )


# ---------------------------------------------------------------------------- unfold / fold


def test_unfold_fold():
    kw = {"dilation": (1, 2), "padding": 1, "stride": 2}
    check(lambda lib, x: F(lib).unfold(x, (2, 3), **kw), rand(2, 3, 6, 7))
    check(lambda lib, x: F(lib).unfold(x, 2), rand(3, 4, 4))
    check(lambda lib, x: F(lib).fold(x, (5, 6), 2, padding=1, stride=2), rand(2, 8, 12))
    check(lambda lib, x: F(lib).fold(x, 4, 3, stride=1), rand(18, 4))
    check_gradcheck(lambda lib, x: F(lib).unfold(x, 2, padding=1, stride=2), rand(1, 1, 3, 4))
    check_gradcheck(lambda lib, x: F(lib).fold(x, (3, 2), (2, 1)), rand(1, 2, 4))
    check(lambda lib, x: nn(lib).Fold((5, 6), 2, padding=1, stride=2)(x), rand(2, 8, 12))
    check(lambda lib, x: nn(lib).Unfold(2, stride=2)(x), rand(2, 2, 4, 4))
    assert repr(ember.nn.Fold(3, 2)) == repr(torch.nn.Fold(3, 2))
    assert repr(ember.nn.Unfold((2, 3), padding=1)) == repr(torch.nn.Unfold((2, 3), padding=1))


# ---------------------------------------------------------------------------- modules


def copy_weights(src, dst):
    dst.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def compare_module(args, kwargs, x, forward_kw=None):
    """Same weights in torch and ember: outputs, input and parameter gradients, keys, repr."""
    name = args[0]
    t = getattr(torch.nn, name)(*args[1:], **kwargs)
    e = getattr(EM, name)(*args[1:], **kwargs)
    assert repr(e) == repr(t)
    assert [(k, tuple(p.shape)) for k, p in e.named_parameters()] == [
        (k, tuple(p.shape)) for k, p in t.named_parameters()
    ]
    copy_weights(t, e)
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    yt, ye = t(xt, **(forward_kw or {})), e(xe, **(forward_kw or {}))
    assert_same(ye, yt, rtol=1e-4, atol=1e-5)
    cot = RNG.standard_normal(tuple(yt.shape)).astype(np.float32)
    yt.backward(torch.tensor(cot))
    ye.backward(ember.tensor(cot))
    assert_same(xe.grad, xt.grad, rtol=1e-4, atol=1e-5, what="input grad")
    for (k, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(pe.grad, pt.grad, rtol=1e-4, atol=1e-4, what=f"grad of {k}")


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("padding", [1, (2, 1), "same"], ids=str)
def test_conv2d_module_padding_modes(mode, padding):
    compare_module(
        ("Conv2d", 4, 6, 3), {"padding": padding, "padding_mode": mode}, rand(2, 4, 6, 5)
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"stride": 2, "bias": False},
        {"groups": 2, "dilation": 2, "padding": 2},
        {"groups": 4, "padding": "valid"},
        {"padding": "same", "padding_mode": "reflect"},
    ],
    ids=str,
)
def test_conv_modules(kwargs):
    compare_module(("Conv2d", 4, 8, (3, 2)), kwargs, rand(2, 4, 7, 6))
    compare_module(("Conv1d", 4, 8, 3), kwargs, rand(2, 4, 9))
    compare_module(("Conv3d", 4, 4, 2), kwargs, rand(1, 4, 4, 5, 4))
    compare_module(("Conv2d", 4, 8, 3), kwargs, rand(4, 6, 6))  # unbatched


def test_conv_transpose_modules():
    compare_module(
        ("ConvTranspose2d", 4, 6, 3),
        {"stride": 2, "padding": 1, "output_padding": 1},
        rand(2, 4, 4, 3),
    )
    compare_module(
        ("ConvTranspose2d", 4, 6, 3),
        {"stride": 2, "groups": 2},
        rand(2, 4, 4, 3),
        {"output_size": (10, 8)},
    )
    compare_module(
        ("ConvTranspose2d", 4, 2, 3), {"stride": 3}, rand(4, 3, 3), {"output_size": [2, 9, 10]}
    )
    compare_module(("ConvTranspose1d", 3, 2, 3), {"dilation": 2, "bias": False}, rand(2, 3, 5))
    compare_module(("ConvTranspose3d", 2, 2, 2), {"stride": 2}, rand(1, 2, 2, 3, 2))


def test_conv_module_init_distribution():
    m = EM.Conv2d(8, 16, 3)
    fan_in = 8 * 9
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) and the bias share it
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound
    t = EM.ConvTranspose2d(8, 16, 3, groups=2)
    assert tuple(t.weight.shape) == (8, 8, 3, 3)
    assert np.abs(t.bias.detach().numpy()).max() <= 1 / math.sqrt(8 * 9)
    assert m.weight.requires_grad and m.bias.requires_grad


def test_conv_module_reprs_and_attributes():
    cases = [
        ("Conv2d", (4, 4, 3), {"padding": "same"}),
        (
            "Conv2d",
            (4, 4, (3, 2)),
            {
                "stride": (2, 1),
                "padding": (1, 0),
                "dilation": 2,
                "groups": 2,
                "bias": False,
                "padding_mode": "reflect",
            },
        ),
        ("Conv1d", (2, 3, 2), {"padding": "valid"}),
        ("Conv3d", (2, 2, 1), {}),
        ("ConvTranspose2d", (4, 4, 3), {"output_padding": 1, "stride": 2}),
        ("ConvTranspose1d", (4, 4, 3), {"groups": 4, "dilation": 2}),
    ]
    for name, args, kwargs in cases:
        e, t = getattr(EM, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
        assert repr(e) == repr(t)
        for attr in (
            "kernel_size",
            "stride",
            "padding",
            "dilation",
            "output_padding",
            "groups",
            "transposed",
            "padding_mode",
            "_reversed_padding_repeated_twice",
        ):
            assert getattr(e, attr) == getattr(t, attr), attr


# ---------------------------------------------------------------------------- errors


def test_conv_errors_match_torch():
    same_error(lambda lib, x: nn(lib).Conv2d(3, 8, 3)(x), rand(1, 4, 5, 5))
    same_error(lambda lib, x: nn(lib).Conv2d(3, 8, 3)(x), rand(4, 5, 5))
    same_error(lambda lib, x, w: F(lib).conv2d(x, w), rand(2, 3), rand(8, 3, 3, 3))
    same_error(lambda lib, x, w: F(lib).conv2d(x, w), rand(1, 3, 2, 2), rand(8, 3, 3, 3))
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, dilation=2), rand(1, 3, 4, 4), rand(8, 3, 3, 3)
    )
    same_error(lambda lib, x, w: F(lib).conv1d(x, w), rand(1, 4, 2), rand(4, 4, 3))
    same_error(lambda lib, x, w: F(lib).conv2d(x, w, groups=2), rand(1, 4, 5, 5), rand(3, 2, 3, 3))
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, padding=-1), rand(1, 4, 5, 5), rand(4, 4, 3, 3)
    )
    same_error(lambda lib, x, w: F(lib).conv2d(x, w, stride=0), rand(1, 4, 5, 5), rand(4, 4, 3, 3))
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, dilation=(1, 0)), rand(1, 4, 5, 5), rand(4, 4, 3, 3)
    )
    same_error(lambda lib, x, w: F(lib).conv2d(x, w, groups=0), rand(1, 4, 5, 5), rand(4, 4, 3, 3))
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, padding="same", stride=2),
        rand(1, 4, 5, 5),
        rand(4, 4, 3, 3),
    )
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, padding="foo"), rand(1, 4, 5, 5), rand(4, 4, 3, 3)
    )
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w, stride=(1, 2, 3)), rand(1, 4, 5, 5), rand(4, 4, 3, 3)
    )
    same_error(
        lambda lib, x, w, b: F(lib).conv2d(x, w, b), rand(1, 4, 5, 5), rand(4, 4, 3, 3), rand(5)
    )
    same_error(
        lambda lib, x, w: F(lib).conv2d(x, w), rand(1, 4, 5, 5, dtype=np.float64), rand(4, 4, 3, 3)
    )
    same_error(
        lambda lib, x, w, b: F(lib).conv2d(x, w, b),
        rand(1, 4, 5, 5),
        rand(4, 4, 3, 3),
        rand(4, dtype=np.float64),
    )
    same_error(lambda lib, x, w: F(lib).conv2d(x, w), rand(1, 3, 5, 5), rand(8, 3, 3))


def test_conv_transpose_and_fold_errors_match_torch():
    same_error(lambda lib, x, w: F(lib).conv_transpose2d(x, w), rand(1, 3, 5, 5), rand(4, 2, 3, 3))
    same_error(
        lambda lib, x, w: F(lib).conv_transpose2d(x, w, output_padding=1),
        rand(1, 4, 5, 5),
        rand(4, 2, 3, 3),
    )
    same_error(
        lambda lib, x, w: F(lib).conv_transpose1d(x, w, output_padding=1),
        rand(1, 4, 5),
        rand(4, 2, 3),
    )
    same_error(
        lambda lib, x, w: F(lib).conv_transpose2d(x, w, padding=5),
        rand(1, 4, 5, 5),
        rand(4, 2, 3, 3),
    )
    same_error(
        lambda lib, x, w: F(lib).conv_transpose2d(x, w, padding="same"),
        rand(1, 4, 5, 5),
        rand(4, 2, 3, 3),
    )
    same_error(
        lambda lib, x, w, b: F(lib).conv_transpose2d(x, w, b),
        rand(1, 4, 5, 5),
        rand(4, 2, 3, 3),
        rand(3),
    )
    same_error(
        lambda lib, x: nn(lib).ConvTranspose2d(4, 6, 3, stride=2)(x, output_size=(20, 20)),
        rand(1, 4, 5, 5),
    )
    same_error(
        lambda lib, x: nn(lib).ConvTranspose2d(4, 6, 3)(x, output_size=(1, 2, 3)), rand(1, 4, 5, 5)
    )
    same_error(lambda lib, x: F(lib).unfold(x, 2), rand(1, 2, 3, 3, 3))
    same_error(lambda lib, x: F(lib).unfold(x, 4), rand(1, 2, 3, 3))
    same_error(lambda lib, x: F(lib).fold(x, (4, 4), 2), rand(1, 5, 9))
    same_error(lambda lib, x: F(lib).fold(x, (4, 4), 2), rand(1, 8, 8))
    same_error(lambda lib, x: F(lib).fold(x, (4, 4), 2), rand(1, 8, 9, 2))


@pytest.mark.parametrize(
    "kwargs", [{"groups": 2}, {"groups": 0}, {"padding": "same", "stride": 2}], ids=str
)
def test_conv_module_constructor_errors(kwargs):
    same_error(lambda lib: nn(lib).Conv2d(3, 6, 3, **kwargs))


def test_conv_module_bad_padding_names():
    # the messages print a set, whose order depends on the process's string hashing
    msg = check_error(lambda lib: nn(lib).Conv2d(3, 6, 3, padding_mode="foo"))
    assert msg.startswith("padding_mode must be one of {") and "'circular'" in msg
    assert msg.endswith("but got padding_mode='foo'")
    msg = check_error(lambda lib: nn(lib).Conv2d(3, 6, 3, padding="foo"))
    assert msg.startswith("Invalid padding string 'foo', should be one of {")


def test_conv_transpose_module_constructor_errors():
    same_error(lambda lib: nn(lib).ConvTranspose2d(4, 6, 3, padding_mode="reflect"))
    same_error(
        lambda lib: nn(lib).Conv2d(4, 6, 3, padding_mode="reflect", padding=1)(
            lib.zeros(1, 4, 1, 5)
        )
    )
