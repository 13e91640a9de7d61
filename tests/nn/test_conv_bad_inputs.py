"""Convolution arguments that ember accepted silently (issue 8, item 6).

Each case runs on torch and on ember: both raise the same exception type with the same message
(its first line), or both return the same values.
"""

from __future__ import annotations

import pytest

import ember

from ..oracle import check_same_outcome

CONV = {
    "conv1d k0": ("conv1d", (1, 1, 4), (1, 1, 0), {}),
    "conv1d k0 unbatched": ("conv1d", (1, 4), (1, 1, 0), {}),
    "conv1d k0 dilated": ("conv1d", (1, 1, 4), (1, 1, 0), {"dilation": 2}),
    "conv1d k0 same": ("conv1d", (1, 1, 4), (1, 1, 0), {"padding": "same"}),
    "conv2d k0": ("conv2d", (1, 1, 4, 4), (1, 1, 0, 2), {}),
    "conv2d k0 width": ("conv2d", (1, 1, 4, 4), (1, 1, 2, 0), {"stride": 2, "padding": 1}),
    "conv2d k0 dilated": ("conv2d", (1, 1, 4, 4), (1, 1, 0, 2), {"dilation": (1, 2)}),
    "conv3d k0": ("conv3d", (1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {}),
    "conv3d k0 dilated": ("conv3d", (1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {"dilation": 2}),
    "conv_transpose1d k0": ("conv_transpose1d", (1, 1, 4), (1, 1, 0), {"dilation": 2}),
    "conv_transpose2d k0": ("conv_transpose2d", (1, 1, 4, 4), (1, 1, 0, 2), {"padding": 1}),
    "conv_transpose2d k0 small": ("conv_transpose2d", (1, 1, 1, 1), (1, 1, 0, 2), {"padding": 1}),
    "conv_transpose3d k0": ("conv_transpose3d", (1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {}),
    "conv2d no out channels": ("conv2d", (1, 1, 4, 4), (0, 1, 2, 2), {}),
    "conv2d out < groups": ("conv2d", (1, 2, 4, 4), (1, 1, 2, 2), {"groups": 2}),
    "conv_transpose1d empty weight": ("conv_transpose1d", (1, 1, 4), (1, 0, 2), {}),
    "conv_transpose2d empty weight": ("conv_transpose2d", (1, 1, 4, 4), (1, 0, 2, 2), {}),
    "conv_transpose3d empty weight": ("conv_transpose3d", (1, 1, 4, 4, 4), (1, 0, 2, 2, 2), {}),
    "conv_transpose2d empty input": ("conv_transpose2d", (1, 1, 0, 4), (1, 1, 1, 1), {}),
    "conv2d dilation -1": ("conv2d", (1, 1, 4, 4), (1, 1, 2, 2), {"dilation": -1}),
    "conv1d dilation 0": ("conv1d", (1, 1, 4), (1, 1, 2), {"dilation": 0}),
    "conv_transpose2d dilation 0": (
        "conv_transpose2d",
        (1, 1, 4, 4),
        (1, 1, 2, 2),
        {"dilation": 0},
    ),
    "conv_transpose2d output_padding -1": (
        "conv_transpose2d",
        (1, 1, 4, 4),
        (1, 1, 2, 2),
        {"output_padding": -1, "stride": 0},
    ),
    "conv2d stride (1, 1.5)": ("conv2d", (1, 1, 4, 4), (1, 1, 2, 2), {"stride": (1, 1.5)}),
    "conv_transpose2d stride 1.5": (
        "conv_transpose2d",
        (1, 1, 4, 4),
        (1, 1, 2, 2),
        {"stride": 1.5},
    ),
}


@pytest.mark.parametrize("case", CONV.values(), ids=CONV.keys())
def test_convolution_refuses_what_torch_refuses(case):
    op, x, w, kwargs = case
    check_same_outcome(lambda m: getattr(m.nn.functional, op)(m.ones(x), m.ones(w), **kwargs))


def test_a_zero_size_kernel_no_longer_returns_zeros():
    with pytest.raises(RuntimeError, match="kernel size should be greater than zero"):
        ember.nn.functional.conv2d(ember.ones(1, 1, 4, 4), ember.ones(1, 1, 0, 2))
