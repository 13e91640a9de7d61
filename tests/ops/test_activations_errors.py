"""Bad input to activations, losses and F.pad: same exception type and message as torch."""

from __future__ import annotations

import numpy as np
import pytest

import ember.nn.functional  # noqa: F401 - makes ``ember.nn`` reachable as ``m.nn``

from ..oracle import check_error
from .op_db import arr, iarr


def F(m):
    return m.nn.functional


X = arr(3, 5)
T = np.array([1, 4, 2])

# (name, fn(lib, *arrays), arrays, expected message (or None: compare the type only))
CASES = [
    (
        "ce_target_high",
        lambda m, x: F(m).cross_entropy(x, m.tensor([1, 5, 2])),
        (X,),
        "Target 5 is out of bounds.",
    ),
    (
        "ce_target_negative",
        lambda m, x: F(m).cross_entropy(x, m.tensor([1, -1, 2])),
        (X,),
        "Target -1 is out of bounds.",
    ),
    (
        "ce_target_high_nd",
        lambda m, x: F(m).cross_entropy(x, m.tensor([[0, 1, 2, 3]])),
        (arr(1, 3, 4),),
        "Target 3 is out of bounds.",
    ),
    (
        "nll_target_high",
        lambda m, x: F(m).nll_loss(x, m.tensor([1, 7, 2])),
        (X,),
        "Target 7 is out of bounds.",
    ),
    (
        "ce_target_1d_high",
        lambda m, x: F(m).cross_entropy(x, m.tensor(7)),
        (arr(5),),
        "Target 7 is out of bounds.",
    ),
    (
        "ce_batch",
        lambda m, x: F(m).cross_entropy(x, m.tensor([1, 2])),
        (X,),
        "Expected input batch_size (3) to match target batch_size (2).",
    ),
    (
        "ce_batch_0d_target",
        lambda m, x: F(m).cross_entropy(x, m.tensor(1)),
        (X,),
        "Expected input batch_size (3) to match target batch_size (0).",
    ),
    (
        "nll_batch",
        lambda m, x, t: F(m).nll_loss(x, t),
        (X, np.array([1, 2, 3, 4])),
        "Expected input batch_size (3) to match target batch_size (4).",
    ),
    (
        "ce_float_target",
        lambda m, x: F(m).cross_entropy(x, m.tensor([1.0, 2.0, 3.0])),
        (X,),
        "expected target dtype to be Long or Byte, but got Float",
    ),
    (
        "ce_int32_target",
        lambda m, x, t: F(m).cross_entropy(x, t),
        (X, T.astype(np.int32)),
        "expected target dtype to be Long or Byte, but got Int",
    ),
    (
        "ce_multi_target",
        lambda m, x, t: F(m).cross_entropy(x, t),
        (X, arr(3, 4)),
        "0D or 1D target tensor expected, multi-target not supported",
    ),
    (
        "ce_probs_long",
        lambda m, x, t: F(m).cross_entropy(x, t),
        (X, iarr(3, 5, low=0)),
        "Expected floating point type for target with class probabilities, got Long",
    ),
    (
        "ce_probs_ignore_index",
        lambda m, x, t: F(m).cross_entropy(x, t, ignore_index=1),
        (X, arr(3, 5)),
        "ignore_index is not supported for floating point target",
    ),
    (
        "ce_probs_weight",
        lambda m, x, t: F(m).cross_entropy(x, t, weight=m.ones(4)),
        (X, arr(3, 5)),
        "cross_entropy: weight tensor should be defined either for all 5 classes "
        "or no classes but got weight tensor of shape: [4]",
    ),
    (
        "ce_weight_size",
        lambda m, x, t: F(m).cross_entropy(x, t, weight=m.ones(4)),
        (X, T),
        "weight tensor should be defined either for all 5 classes or no classes but got weight "
        "tensor of shape: [4]",
    ),
    (
        "nll_weight_2d",
        lambda m, x, t: F(m).nll_loss(x, t, weight=m.ones(5, 1)),
        (X, T),
        "weight tensor should be defined either for all 5 classes or no classes but got weight "
        "tensor of shape: [5, 1]",
    ),
    (
        "ce_weight_dtype",
        lambda m, x, t: F(m).cross_entropy(x, t, weight=m.ones(5).double()),
        (X, T),
        "expected scalar type Float but found Double",
    ),
    (
        "ce_reduction",
        lambda m, x, t: F(m).cross_entropy(x, t, reduction="foo"),
        (X, T),
        "foo is not a valid value for reduction",
    ),
    (
        "ce_smoothing",
        lambda m, x, t: F(m).cross_entropy(x, t, label_smoothing=1.5),
        (X, T),
        "label_smoothing must be between 0.0 and 1.0. Got: 1.5",
    ),
    (
        "ce_nd_target_size",
        lambda m, x, t: F(m).cross_entropy(x, t),
        (arr(2, 3, 4), iarr(2, 3)),
        "Expected target size [2, 4], got [2, 3]",
    ),
    (
        "nll_4d_target_dim",
        lambda m, x, t: F(m).nll_loss(x, t),
        (arr(2, 3, 4, 5), iarr(2, 4)),
        "only batches of spatial targets supported (3D tensors) but got targets of dimension: 2",
    ),
    (
        "nll_0d_input",
        lambda m, x, t: F(m).nll_loss(x, t),
        (arr(), np.array(0)),
        "Expected 1 or more dimensions (got 0)",
    ),
    (
        "nll_1d_input_target_size",
        lambda m, x, t: F(m).nll_loss(x, t),
        (arr(5), np.array([1, 2])),
        "For 1D input, 1D target must have size 1, but got target size: 2",
    ),
    (
        "ce_long_input",
        lambda m, x, t: F(m).cross_entropy(x, t),
        (iarr(3, 5), T),
        "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "bce_size",
        lambda m, x, t: F(m).binary_cross_entropy(x, t),
        (arr(3, low=0.1, high=0.9), arr(3, 1, low=0, high=1)),
        None,
    ),
    (
        "bce_input_range",
        lambda m, x, t: F(m).binary_cross_entropy(x + 1, t),
        (arr(3, low=0.1, high=0.9), arr(3, low=0, high=1)),
        "all elements of input should be between 0 and 1",
    ),
    (
        "bce_target_range",
        lambda m, x, t: F(m).binary_cross_entropy(x, t + 1),
        (arr(3, low=0.1, high=0.9), arr(3, low=0.1, high=1)),
        "all elements of target should be between 0 and 1",
    ),
    (
        "bce_logits_size",
        lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t),
        (arr(3), arr(3, 1)),
        None,
    ),
    (
        "bce_logits_pos_weight",
        lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t, pos_weight=m.ones(2)),
        (arr(3), arr(3)),
        None,
    ),
    (
        "mse_weight_size",
        lambda m, x, t: F(m).mse_loss(x, t, weight=m.ones(2)),
        (arr(3), arr(3)),
        "Weights and input must have the same size.",
    ),
    (
        "mse_weight_reduction",
        lambda m, x, t: F(m).mse_loss(x, t, reduction="foo", weight=m.ones(3)),
        (arr(3), arr(3)),
        "Invalid reduction mode: foo. Expected one of 'none', 'mean', 'sum'.",
    ),
    (
        "mse_long",
        lambda m, x, t: F(m).mse_loss(x, t),
        (iarr(3), iarr(3)),
        "\"mse_cpu\" not implemented for 'Long'",
    ),
    (
        "l1_reduction",
        lambda m, x, t: F(m).l1_loss(x, t, reduction="avg"),
        (arr(3), arr(3)),
        "avg is not a valid value for reduction",
    ),
    (
        "smooth_l1_beta",
        lambda m, x, t: F(m).smooth_l1_loss(x, t, beta=-1.0),
        (arr(3), arr(3)),
        "smooth_l1_loss does not support negative values for beta.",
    ),
    (
        "huber_delta",
        lambda m, x, t: F(m).huber_loss(x, t, delta=0.0),
        (arr(3), arr(3)),
        "huber_loss does not support non-positive values for delta.",
    ),
    ("mse_no_broadcast", lambda m, x, t: F(m).mse_loss(x, t), (arr(2, 3), arr(2, 3)[:, :2]), None),
    # activations
    (
        "glu_odd",
        lambda m, x: F(m).glu(x),
        (arr(2, 3, 5),),
        "Halving dimension must be even, but dimension 2 is size 5",
    ),
    (
        "glu_scalar",
        lambda m, x: F(m).glu(x),
        (arr(),),
        "glu does not support scalars because halving size must be even",
    ),
    (
        "glu_dim",
        lambda m, x: F(m).glu(x, 3),
        (arr(2, 4),),
        "Dimension out of range (expected to be in range of [-2, 1], but got 3)",
    ),
    (
        "prelu_channels",
        lambda m, x: F(m).prelu(x, m.tensor([0.1, 0.2])),
        (arr(2, 3, 4),),
        "Mismatch of parameter numbers and input channel size. Found parameter numbers = 2 and "
        "channel size = 3.",
    ),
    (
        "prelu_2d_weight",
        lambda m, x: F(m).prelu(x, m.ones(1, 3)),
        (arr(2, 3),),
        "prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2",
    ),
    (
        "prelu_dtype",
        lambda m, x: F(m).prelu(x, m.ones(1).double()),
        (arr(2, 3),),
        "prelu: Type promoting not supported. Got Float and Double",
    ),
    (
        "hardtanh_bounds",
        lambda m, x: F(m).hardtanh(x, 2.0, 1.0),
        (arr(3),),
        "min_val cannot be greater than max_val",
    ),
    (
        "gelu_approximate",
        lambda m, x: F(m).gelu(x, approximate="fast"),
        (arr(3),),
        "approximate argument must be either none or tanh.",
    ),
    (
        "gelu_long",
        lambda m, x: F(m).gelu(x),
        (iarr(3),),
        "\"GeluKernelImpl\" not implemented for 'Long'",
    ),
    ("silu_long", lambda m, x: F(m).silu(x), (iarr(3),), "\"silu_cpu\" not implemented for 'Long'"),
    ("elu_long", lambda m, x: F(m).elu(x), (iarr(3),), "\"elu_cpu\" not implemented for 'Long'"),
    ("relu_bool", lambda m, x: m.relu(x > 0), (arr(3),), "Boolean inputs not supported for relu"),
    (
        "hardtanh_bool",
        lambda m, x: F(m).relu6(x > 0),
        (arr(3),),
        "Bool inputs not supported for hardtanh",
    ),
    (
        "rrelu_bounds",
        lambda m, x: F(m).rrelu(x, 0.3, 0.1),
        (arr(3),),
        "Lower bound should be less than or equal to the upper bound",
    ),
    (
        "softshrink_lambda",
        lambda m, x: F(m).softshrink(x, -1.0),
        (arr(3),),
        "lambda must be in range [0, 3.40282e+38] for input dtype Float, but found -1",
    ),
    (
        "softmax_dim",
        lambda m, x: F(m).softmax(x, 3),
        (arr(2, 3, 4),),
        "Dimension out of range (expected to be in range of [-3, 2], but got 3)",
    ),
    (
        "softmax_0d_dim",
        lambda m, x: m.softmax(x, 1),
        (arr(),),
        "Dimension out of range (expected to be in range of [-1, 0], but got 1)",
    ),
    (
        "softmax_long",
        lambda m, x: m.softmax(x, 1),
        (iarr(2, 3),),
        "\"softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "softmax_long_dim0",
        lambda m, x: F(m).softmax(x, 0),
        (iarr(2, 3),),
        "\"softmax_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "log_softmax_long",
        lambda m, x: m.log_softmax(x, 0),
        (iarr(3),),
        "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'",
    ),
    (
        "softmax_dim_none",
        lambda m, x: m.softmax(x, None),
        (arr(3),),
        "softmax(): argument 'dim' must be int, not NoneType",
    ),
    (
        "relu_leaf_inplace",
        lambda m, x: F(m).relu(x.requires_grad_(), inplace=True),
        (arr(3),),
        "a leaf Variable that requires grad is being used in an in-place operation.",
    ),
]

# F.pad: (name, pad, mode, value, input shape, message)
PAD_CASES = [
    ("odd", (1, 2, 3), "constant", None, (2, 3, 4), "Padding length must be divisible by 2"),
    (
        "too_long",
        (1,) * 8,
        "constant",
        None,
        (2, 3, 4),
        "Padding length should be less than or equal to two times the input dimension but got "
        "padding length 8 and input of dimension 3",
    ),
    (
        "crop_too_much",
        (-3, -2),
        "constant",
        None,
        (2, 3, 4),
        "narrow(): length must be non-negative.",
    ),
    ("mode", (1, 1), "foo", None, (2, 3, 4), "Unrecognised padding mode foo"),
    (
        "value",
        (1, 1),
        "reflect",
        1.0,
        (2, 3, 4),
        'Padding mode "reflect" doesn\'t take in value argument',
    ),
    (
        "circular_value",
        (1, 1),
        "circular",
        2.0,
        (2, 3, 4),
        'Padding mode "circular" doesn\'t take in value argument',
    ),
    ("reflect_1d", (1, 1), "reflect", None, (4,), None),
    ("replicate_3d_pad_4d", (1, 1, 1, 1, 1, 1), "replicate", None, (2, 3, 4), None),
    (
        "reflect_size",
        (4, 2),
        "reflect",
        None,
        (2, 3, 4),
        "Argument #4: Padding size should be less than the corresponding input dimension, but "
        "got: padding (4, 2) at dimension 2 of input [2, 3, 4]",
    ),
    (
        "reflect_size_h",
        (1, 1, 3, 1),
        "reflect",
        None,
        (2, 3, 4),
        "Argument #6: Padding size should be less than the corresponding input dimension, but "
        "got: padding (3, 1) at dimension 1 of input [2, 3, 4]",
    ),
    (
        "reflect_empty",
        (1, 2),
        "reflect",
        None,
        (2, 0, 4),
        "Expected 2D or 3D (batch mode) tensor with possibly 0 batch size and other non-zero "
        "dimensions for input, but got: [2, 0, 4]",
    ),
    (
        "replicate_empty_2d",
        (1, 2, 1, 1),
        "replicate",
        None,
        (2, 0, 4),
        "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero "
        "dimensions for input, but got: [2, 0, 4]",
    ),
    (
        "reflect_crop",
        (-3, -2),
        "reflect",
        None,
        (2, 3, 4),
        "input (W: 4) is too small. Calculated output W: -1",
    ),
    (
        "replicate_crop",
        (-5, 1),
        "replicate",
        None,
        (2, 3, 4),
        "input (W: 4) is too small. Calculated output W: 0",
    ),
    (
        "circular_wrap",
        (5, 1),
        "circular",
        None,
        (2, 3, 4),
        "Padding value causes wrapping around more than once.",
    ),
    (
        "circular_negative",
        (-3, -2),
        "circular",
        None,
        (2, 3, 4),
        "Negative padding value is resulting in an empty dimension",
    ),
    (
        "float_pad",
        (1.5, 2),
        "constant",
        None,
        (2, 3, 4),
        "pad(): argument 'pad' (position 2) must be tuple of ints, but found element of type "
        "float at pos 0",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_error(case):
    _, fn, arrays, message = case
    got = check_error(fn, *arrays)
    if message is not None:
        assert got == message


@pytest.mark.parametrize("case", PAD_CASES, ids=[c[0] for c in PAD_CASES])
def test_pad_error(case):
    _, pad, mode, value, shape, message = case
    got = check_error(lambda m, x: F(m).pad(x, pad, mode=mode, value=value), arr(*shape))
    if message is not None:
        assert got == message


def test_pad_bool_reflect():
    x = np.ones((2, 3), dtype=bool)
    got = check_error(lambda m, x: F(m).pad(x, (1, 1), mode="reflect"), x)
    assert got == "\"reflection_pad1d\" not implemented for 'Bool'"


def test_size_mismatch_warns_like_torch():
    # torch warns (UserWarning) and then broadcasts; pytest turns the warning into an error
    got = check_error(lambda m, x, t: F(m).mse_loss(x, t), arr(3, 1), arr(3))
    assert "This will likely lead to incorrect results due to broadcasting" in got


def test_legacy_reduction_flags_warn():
    got = check_error(lambda m, x, t: F(m).l1_loss(x, t, size_average=False), arr(3), arr(3))
    assert (
        got == "size_average and reduce args will be deprecated, please use "
        "reduction='sum' instead."
    )


def test_implicit_softmax_dim_warns():
    got = check_error(lambda m, x: F(m).softmax(x), arr(2, 3))
    assert (
        got == "Implicit dimension choice for softmax has been deprecated. Change the call "
        "to include dim=X as an argument."
    )
