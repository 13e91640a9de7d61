"""Resampling and shape utilities against torch: F.interpolate (every mode), grid_sample,
affine_grid, pixel / channel shuffles, and the Upsample / padding / shuffle modules."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import vision as EV
from ember.nn.modules import channelshuffle as ECS
from ember.nn.modules import padding as EPAD
from ember.nn.modules import pixelshuffle as EPS
from ember.nn.modules import upsampling as EUP

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(7)


def F(lib):
    return EV if lib is ember else torch.nn.functional


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def grid(*shape, spread=1.2, dtype=np.float32):
    """Normalised sampling positions, some outside [-1, 1]."""
    return ((RNG.random(shape) * 2 - 1) * spread).astype(dtype)


# ---------------------------------------------------------------------------- interpolate

SIZES_2D = [
    dict(size=(7, 3)),
    dict(size=(2, 9)),
    dict(scale_factor=2),
    dict(scale_factor=(0.6, 2.3)),
    dict(scale_factor=(1.3, 0.75), recompute_scale_factor=True),
    dict(scale_factor=1.013),
]


@pytest.mark.parametrize("kw", SIZES_2D, ids=str)
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "area"])
def test_interpolate_2d_nearest_and_area(mode, kw):
    check(lambda lib, x: F(lib).interpolate(x, mode=mode, **kw), rand(2, 3, 5, 4))


@pytest.mark.parametrize("kw", SIZES_2D, ids=str)
@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align", [False, True])
def test_interpolate_2d_linear_and_cubic(mode, align, kw):
    # torch's bicubic backward copies the gradient whenever input and output sizes are equal,
    # even when a scale_factor made its forward a real resampling (its own gradcheck fails
    # there); ember's gradient follows the forward, so only values are compared then
    same_size_bug = mode == "bicubic" and kw == dict(scale_factor=1.013) and not align
    check(
        lambda lib, x: F(lib).interpolate(x, mode=mode, align_corners=align, **kw),
        rand(2, 3, 5, 4),
        atol=1e-5,
        grad=not same_size_bug,
    )
    if same_size_bug:
        check_gradcheck(
            lambda lib, x: F(lib).interpolate(x, mode=mode, **kw), rand(1, 1, 3, 2), gradgrad=False
        )


@pytest.mark.parametrize(
    "kw",
    [
        dict(size=4),
        dict(size=13),
        dict(scale_factor=2.5),
        dict(scale_factor=0.4),
        dict(size=1),
        dict(scale_factor=1.1),
    ],
    ids=str,
)
@pytest.mark.parametrize(
    "mode,align",
    [
        ("nearest", None),
        ("nearest-exact", None),
        ("linear", False),
        ("linear", True),
        ("area", None),
    ],
)
def test_interpolate_1d(mode, align, kw):
    # torch's 1-d nearest backward copies the gradient between equal sizes although its
    # forward used the scale (6 -> 6 at scale 1.1); only values are compared there
    same_size_bug = mode == "nearest" and kw == dict(scale_factor=1.1)
    check(
        lambda lib, x: F(lib).interpolate(x, mode=mode, align_corners=align, **kw),
        rand(2, 3, 6, dtype=np.float64),
        atol=1e-10,
        grad=not same_size_bug,
    )


@pytest.mark.parametrize(
    "kw", [dict(size=(3, 5, 2)), dict(scale_factor=(1.5, 0.7, 2.0)), dict(scale_factor=2)], ids=str
)
@pytest.mark.parametrize(
    "mode,align",
    [
        ("nearest", None),
        ("nearest-exact", None),
        ("trilinear", False),
        ("trilinear", True),
        ("area", None),
    ],
)
def test_interpolate_3d(mode, align, kw):
    check(
        lambda lib, x: F(lib).interpolate(x, mode=mode, align_corners=align, **kw),
        rand(1, 2, 3, 4, 2),
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "kw",
    [
        dict(size=(2, 3)),
        dict(scale_factor=0.4),
        dict(size=(9, 7)),
        dict(size=(5, 2)),
        dict(scale_factor=(0.45, 1.6)),
    ],
    ids=str,
)
@pytest.mark.parametrize(
    "mode,align",
    [
        ("bilinear", False),
        ("bilinear", True),
        ("bicubic", False),
        ("bicubic", True),
        ("lanczos", False),
    ],
)
def test_interpolate_antialias(mode, align, kw):
    check(
        lambda lib, x: F(lib).interpolate(x, mode=mode, align_corners=align, antialias=True, **kw),
        rand(2, 2, 8, 6),
        atol=1e-5,
    )


def test_interpolate_coordinates_in_float32_match_torch_exactly():
    # scales whose float32 rounding decides the nearest source pixel
    x = np.arange(2 * 37, dtype=np.float32).reshape(1, 2, 37)
    for s in (0.3, 1.0 / 3, 2.9, 7.0 / 37, 1.1):
        for mode in ("nearest", "nearest-exact"):
            check(
                lambda lib, t, s=s, mode=mode: F(lib).interpolate(t, scale_factor=s, mode=mode),
                x,
                rtol=0,
                atol=0,
            )


def test_interpolate_dtypes_and_layouts():
    x = rand(2, 3, 5, 4)
    # non-contiguous input, a tensor used twice, float64
    check(
        lambda lib, t: (
            F(lib).interpolate(t.transpose(2, 3), size=(6, 7), mode="bicubic", align_corners=False)
            * t.sum()
        ),
        x,
        atol=1e-4,
    )
    check(
        lambda lib, t: F(lib).interpolate(t, scale_factor=1.6, mode="bilinear"),
        x.astype(np.float64),
        atol=1e-12,
    )
    # empty batch
    check(lambda lib, t: F(lib).interpolate(t, size=(3, 2), mode="bilinear"), rand(0, 2, 4, 4))
    # uint8: nearest is exact; bilinear / bicubic agree to one grey level
    img = RNG.integers(0, 256, (1, 3, 9, 8)).astype(np.uint8)
    check(lambda lib, t: F(lib).interpolate(t, size=(5, 13), mode="nearest"), img, grad=False)
    for mode, aa in (("bilinear", False), ("bicubic", False), ("bilinear", True)):
        check(
            lambda lib, t, mode=mode, aa=aa: (
                F(lib).interpolate(t, size=(5, 13), mode=mode, antialias=aa).to(lib.float32)
            ),
            img,
            grad=False,
            atol=1.01,
        )
    # reduced precision computes in float32 and rounds once
    h = rand(1, 2, 4, 5).astype(np.float16)
    e = EV.interpolate(ember.tensor(h), scale_factor=1.5, mode="bilinear")
    t = torch.nn.functional.interpolate(torch.tensor(h), scale_factor=1.5, mode="bilinear")
    assert_same(e, t, rtol=1e-3, atol=1e-3)


def test_interpolate_gradcheck():
    x = rand(1, 1, 3, 4)
    for mode, kw in (
        ("bilinear", dict(size=(2, 5), align_corners=False)),
        ("bicubic", dict(size=(4, 3), align_corners=True)),
        ("nearest", dict(scale_factor=1.5)),
        ("bilinear", dict(size=(2, 2), antialias=True, align_corners=False)),
        ("area", dict(size=(2, 3))),
    ):
        check_gradcheck(lambda lib, t, mode=mode, kw=kw: F(lib).interpolate(t, mode=mode, **kw), x)
    check_gradcheck(
        lambda lib, t: F(lib).interpolate(t, size=(3, 2, 2), mode="trilinear"), rand(1, 1, 2, 2, 3)
    )
    check_gradcheck(
        lambda lib, t: F(lib).interpolate(t, scale_factor=1.7, mode="nearest-exact"), rand(1, 2, 5)
    )


def test_deprecated_upsample_aliases_warn():
    x = rand(1, 2, 3, 3)
    for name, kw in (
        ("upsample", dict(scale_factor=2, mode="bilinear")),
        ("upsample_nearest", dict(size=5)),
        ("upsample_bilinear", dict(size=4)),
    ):
        with pytest.warns(UserWarning, match="deprecated"):
            e = getattr(EV, name)(ember.tensor(x), **kw)
        with pytest.warns(UserWarning, match="deprecated"):
            t = getattr(torch.nn.functional, name)(torch.tensor(x), **kw)
        assert_same(e, t)


INTERP_ERRORS = [
    (lambda lib, x: F(lib).interpolate(x, size=(0, 3)), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, scale_factor=0.2), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=2, mode="linear"), (2, 0, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=(4, 3)), (2, 2, 0, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=(4, 3), mode="foo"), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=(4, 3)), (2, 2)),
    (lambda lib, x: F(lib).interpolate(x, size=(4.0,)), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=[4], scale_factor=2), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, recompute_scale_factor=True), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, align_corners=True), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, antialias=True), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, scale_factor=(1.7, 2, 3)), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=(1, 2, 3), mode="bilinear"), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, mode="bilinear"), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, mode="trilinear"), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, mode="linear"), (2, 2, 3, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=4, mode="bicubic"), (2, 2, 3)),
    (lambda lib, x: F(lib).interpolate(x, size=2, mode="lanczos"), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x.int(), size=2, mode="bilinear"), (2, 2, 3, 3)),
    (lambda lib, x: F(lib).interpolate(x.long(), size=2), (2, 2, 3)),
]


@pytest.mark.parametrize("fn,shape", INTERP_ERRORS)
def test_interpolate_errors(fn, shape):
    check_error(fn, np.ones(shape, np.float32))


def test_interpolate_error_messages_name_shapes():
    msg = check_error(lambda lib, x: F(lib).interpolate(x, size=(0, 3)), rand(2, 2, 3, 3))
    assert "input (H: 3, W: 3) output (H: 0, W: 3)" in msg
    msg = check_error(
        lambda lib, x: F(lib).interpolate(x, size=2, mode="trilinear"), rand(2, 0, 3, 3, 3)
    )
    assert "[2, 0, 3, 3, 3]" in msg


# ---------------------------------------------------------------------------- shuffles


def test_pixel_shuffle_and_unshuffle():
    check(lambda lib, x: F(lib).pixel_shuffle(x, 2), rand(2, 8, 3, 2))
    check(lambda lib, x: F(lib).pixel_shuffle(x, 3), rand(2, 2, 9, 2, 3))
    check(lambda lib, x: F(lib).pixel_shuffle(x, 1), rand(3, 2, 2))
    # (torch's own backward fails on an empty batch)
    check(lambda lib, x: F(lib).pixel_shuffle(x, 2), rand(0, 4, 2, 2), grad=False)
    check(lambda lib, x: F(lib).pixel_unshuffle(x, 2), rand(2, 3, 4, 6))
    check(lambda lib, x: F(lib).pixel_unshuffle(x.mT, 3), rand(2, 2, 6, 3))
    check(lambda lib, x: F(lib).pixel_unshuffle(F(lib).pixel_shuffle(x, 2), 2), rand(1, 8, 2, 3))
    ints = RNG.integers(0, 9, (1, 8, 2, 2))
    check(lambda lib, x: F(lib).pixel_shuffle(x, 2), ints, grad=False)


def test_channel_shuffle():
    check(lambda lib, x: F(lib).channel_shuffle(x, 3), rand(2, 6, 3))
    check(lambda lib, x: F(lib).channel_shuffle(x, 2), rand(2, 8, 2, 1, 3))
    check(lambda lib, x: F(lib).channel_shuffle(x * x, 4), rand(1, 4, 2, 2))
    check(lambda lib, x: F(lib).channel_shuffle(x, 2), RNG.integers(0, 5, (2, 4, 3)), grad=False)
    check_gradcheck(lambda lib, x: F(lib).channel_shuffle(x, 2), rand(1, 4, 3))
    check_gradcheck(lambda lib, x: F(lib).pixel_shuffle(x, 2), rand(1, 4, 1, 3))


SHUFFLE_ERRORS = [
    (lambda lib, x: F(lib).pixel_shuffle(x, 3), (1, 8, 3, 3)),
    (lambda lib, x: F(lib).pixel_shuffle(x, 2), (8, 3)),
    (lambda lib, x: F(lib).pixel_shuffle(x, 0), (1, 8, 3, 3)),
    (lambda lib, x: F(lib).pixel_shuffle(x, 1.5), (1, 8, 3, 3)),
    (lambda lib, x: F(lib).pixel_unshuffle(x, 2), (1, 8, 3, 4)),
    (lambda lib, x: F(lib).pixel_unshuffle(x, 4), (1, 2, 4, 6)),
    (lambda lib, x: F(lib).pixel_unshuffle(x, -2), (1, 2, 4, 6)),
    (lambda lib, x: F(lib).channel_shuffle(x, 3), (1, 8, 3, 3)),
    (lambda lib, x: F(lib).channel_shuffle(x, 0), (1, 8, 3, 3)),
    (lambda lib, x: F(lib).channel_shuffle(x, 2), (2, 8)),
    (lambda lib, x: F(lib).channel_shuffle(x, 2.0), (1, 8, 3, 3)),
]


@pytest.mark.parametrize("fn,shape", SHUFFLE_ERRORS)
def test_shuffle_errors(fn, shape):
    msg = check_error(fn, np.ones(shape, np.float32))
    try:
        fn(torch, torch.ones(shape))
    except Exception as e:  # noqa: BLE001 - we compare whatever torch raises
        if isinstance(e, RuntimeError):
            assert msg == str(e)


# ---------------------------------------------------------------------------- grid_sample


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest", "bicubic"])
def test_grid_sample_2d(mode, padding, align):
    check(
        lambda lib, x, g: F(lib).grid_sample(
            x, g, mode=mode, padding_mode=padding, align_corners=align
        ),
        rand(2, 3, 4, 5),
        grid(2, 3, 6, 2, spread=1.6),
        atol=3e-5,
        rtol=1e-4,
    )


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
def test_grid_sample_3d(mode, padding, align):
    check(
        lambda lib, x, g: F(lib).grid_sample(
            x, g, mode=mode, padding_mode=padding, align_corners=align
        ),
        rand(2, 2, 3, 4, 3),
        grid(2, 2, 3, 2, 3, spread=1.6),
        atol=1e-5,
        rtol=1e-4,
    )


@pytest.mark.parametrize("padding", ["zeros", "border", "reflection"])
def test_grid_sample_on_exact_pixel_positions(padding):
    # the identity grid lands on pixel centres and borders, where PyTorch's one-sided
    # gradient rules decide
    theta = np.array([[[1, 0, 0], [0, 1, 0]]], np.float64)
    for align in (False, True):
        g = torch.nn.functional.affine_grid(
            torch.tensor(theta), [1, 1, 3, 4], align_corners=align
        ).numpy()
        g = np.concatenate([g, g * 1.5], axis=1)
        for mode in ("bilinear", "bicubic"):
            check(
                lambda lib, x, gg, mode=mode, align=align: F(lib).grid_sample(
                    x, gg, mode=mode, padding_mode=padding, align_corners=align
                ),
                rand(1, 2, 3, 4, dtype=np.float64),
                g,
                atol=1e-9,
            )


def test_grid_sample_edge_cases_and_gradcheck():
    check(
        lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False),
        rand(0, 2, 3, 3),
        grid(0, 2, 2, 2),
    )
    check(
        lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=True),
        rand(2, 2, 1, 1),
        grid(2, 3, 1, 2),
    )
    check(
        lambda lib, x, g: F(lib).grid_sample(
            x.double(), g.double(), padding_mode="reflection", align_corners=False
        ),
        rand(1, 1, 1, 3),
        grid(1, 2, 2, 2, spread=3.0),
    )
    with pytest.warns(UserWarning, match="align_corners"):
        EV.grid_sample(ember.tensor(rand(1, 1, 2, 2)), ember.tensor(grid(1, 1, 1, 2)))
    for mode, padding in (
        ("bilinear", "zeros"),
        ("bilinear", "reflection"),
        ("bicubic", "border"),
        ("nearest", "zeros"),
    ):
        check_gradcheck(
            lambda lib, x, g, mode=mode, padding=padding: F(lib).grid_sample(
                x, g, mode=mode, padding_mode=padding, align_corners=False
            ),
            rand(1, 1, 3, 3),
            grid(1, 2, 2, 2),
            gradgrad=(mode, padding) == ("bilinear", "zeros"),
        )
    check_gradcheck(
        lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=True),
        rand(1, 1, 2, 2, 2),
        grid(1, 1, 2, 1, 3),
        gradgrad=False,
    )


GRID_ERRORS = [
    (
        lambda lib, x, g: F(lib).grid_sample(x, g[:1], align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g[..., :1], align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g.double(), align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x.int(), g, align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g, mode="bicubic", align_corners=False),
        (2, 3, 4, 5, 6),
        (2, 3, 3, 3, 3),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False),
        (2, 3, 4, 5),
        (2, 3, 3, 3, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g, mode="area", align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (
        lambda lib, x, g: F(lib).grid_sample(x, g, padding_mode="foo", align_corners=False),
        (2, 3, 4, 5),
        (2, 6, 7, 2),
    ),
    (lambda lib, x, g: F(lib).grid_sample(x, g, align_corners=False), (2, 3, 0, 5), (2, 6, 7, 2)),
]


@pytest.mark.parametrize("fn,xs,gs", GRID_ERRORS)
def test_grid_sample_errors(fn, xs, gs):
    msg = check_error(fn, np.ones(xs, np.float32), np.zeros(gs, np.float32))
    if "sizes" in msg:
        assert "sizes [" in msg


# ---------------------------------------------------------------------------- affine_grid


@pytest.mark.parametrize("align", [False, True])
def test_affine_grid(align):
    check(lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 5), align_corners=align), rand(2, 2, 3))
    check(lambda lib, t: F(lib).affine_grid(t, [2, 1, 3, 2, 2], align_corners=align), rand(2, 3, 4))
    check_gradcheck(
        lambda lib, t: F(lib).affine_grid(t, (1, 1, 2, 3), align_corners=align), rand(1, 2, 3)
    )


def test_affine_grid_then_grid_sample():
    check(
        lambda lib, t, x: F(lib).grid_sample(
            x, F(lib).affine_grid(t, (2, 3, 5, 4), align_corners=False), align_corners=False
        ),
        rand(2, 2, 3) * 0.7,
        rand(2, 3, 4, 6),
        atol=1e-5,
    )


def test_affine_grid_unit_size_warns():
    with pytest.warns(UserWarning, match="unit-size"):
        e = EV.affine_grid(ember.tensor(rand(1, 2, 3)), (1, 1, 1, 3), align_corners=True)
    with pytest.warns(UserWarning, match="unit-size"):
        t = torch.nn.functional.affine_grid(
            torch.tensor(e.numpy() * 0 + 1).new_ones(1, 2, 3), (1, 1, 1, 3), align_corners=True
        )
    e = EV.affine_grid(ember.ones(1, 2, 3), (1, 1, 1, 3), align_corners=False)
    t = torch.nn.functional.affine_grid(torch.ones(1, 2, 3), (1, 1, 1, 3), align_corners=False)
    assert_same(e, t)


AFFINE_ERRORS = [
    (lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 5, 6), align_corners=False), (2, 2, 3)),
    (lambda lib, t: F(lib).affine_grid(t.int(), (2, 3, 4, 5), align_corners=False), (2, 2, 3)),
    (lambda lib, t: F(lib).affine_grid(t, (2, 3, 4), align_corners=False), (2, 2, 3)),
    (lambda lib, t: F(lib).affine_grid(t, (2, 3, 0, 4), align_corners=False), (2, 2, 3)),
    (lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 4), align_corners=False), (3, 2, 3)),
    (lambda lib, t: F(lib).affine_grid(t, (2, 3, 4, 4), align_corners=False), (2, 3, 3)),
]


@pytest.mark.parametrize("fn,shape", AFFINE_ERRORS)
def test_affine_grid_errors(fn, shape):
    check_error(fn, np.ones(shape, np.float32))


# ---------------------------------------------------------------------------- modules


def _same_module(e_mod, t_mod, x, atol=1e-6):
    assert repr(e_mod) == repr(t_mod)
    check(lambda lib, a: (e_mod if lib is ember else t_mod)(a), x, atol=atol)


@pytest.mark.parametrize(
    "args,kw",
    [
        ((), dict(scale_factor=2)),
        ((), dict(size=(3, 7), mode="bilinear")),
        ((5,), {}),
        ((), dict(scale_factor=(2, 1.5), mode="bicubic", align_corners=True)),
        ((), dict(scale_factor=0.5, mode="area")),
        ((), dict(scale_factor=1.4, mode="bilinear", recompute_scale_factor=True)),
    ],
    ids=str,
)
def test_upsample_modules(args, kw):
    _same_module(
        EUP.Upsample(*args, **kw), torch.nn.Upsample(*args, **kw), rand(2, 2, 4, 3), atol=1e-5
    )


def test_upsampling_2d_modules():
    for name, kw in (
        ("UpsamplingNearest2d", dict(scale_factor=2)),
        ("UpsamplingBilinear2d", dict(size=(5, 4))),
        ("UpsamplingBilinear2d", dict(scale_factor=1.5)),
    ):
        _same_module(getattr(EUP, name)(**kw), getattr(torch.nn, name)(**kw), rand(1, 2, 3, 3))


def test_shuffle_modules():
    _same_module(EPS.PixelShuffle(2), torch.nn.PixelShuffle(2), rand(2, 8, 2, 3))
    _same_module(EPS.PixelUnshuffle(2), torch.nn.PixelUnshuffle(2), rand(2, 2, 4, 6))
    _same_module(ECS.ChannelShuffle(2), torch.nn.ChannelShuffle(2), rand(2, 4, 3, 3))


PADS = [
    ("ZeroPad1d", (2,), 1),
    ("ZeroPad2d", ((1, 0, 2, 1),), 2),
    ("ZeroPad3d", (1,), 3),
    ("ConstantPad1d", ((0, 2), 1.5), 1),
    ("ConstantPad2d", (1, -0.5), 2),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 3.0), 3),
    ("ReflectionPad1d", ((2, 1),), 1),
    ("ReflectionPad2d", (1,), 2),
    ("ReflectionPad3d", ([1, 0, 1, 1, 0, 1],), 3),
    ("ReplicationPad1d", (3,), 1),
    ("ReplicationPad2d", ((0, 2, 1, 0),), 2),
    ("ReplicationPad3d", (1,), 3),
    ("CircularPad1d", (2,), 1),
    ("CircularPad2d", ((1, 0, 2, 1),), 2),
    ("CircularPad3d", (1,), 3),
]


@pytest.mark.parametrize("name,args,nd", PADS)
def test_padding_modules(name, args, nd):
    e_mod, t_mod = getattr(EPAD, name)(*args), getattr(torch.nn, name)(*args)
    _same_module(e_mod, t_mod, rand(2, 2, *(3,) * nd))
    _same_module(e_mod, t_mod, rand(2, *(3,) * nd))


def test_circular_pad_checks_dims():
    for mod in ("CircularPad1d", "CircularPad2d"):
        check_error(
            lambda lib, x, mod=mod: (
                getattr(EPAD, mod) if lib is ember else getattr(torch.nn, mod)
            )(1)(x),
            rand(1, 1, 1, 2, 2),
        )
