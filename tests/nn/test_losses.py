"""The functional losses of ember.nn.functional and every loss module against torch:
values and gradients for all reductions and options, float64 gradcheck / gradgradcheck, the
legacy size_average/reduce flags, reprs, state_dict buffers and PyTorch's errors."""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as EF
from ember.nn.modules import loss as EL

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(0)
REDUCTIONS = ["none", "mean", "sum"]


def F(lib):
    return EF if lib is ember else TF


def nn(lib):
    return (
        types.SimpleNamespace(**{n: getattr(EL, n) for n in EL.__all__})
        if lib is ember
        else torch.nn
    )


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def pos(*shape):
    return (RNG.random(shape) + 0.1).astype(np.float32)


def signs(*shape):
    return np.where(RNG.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


def quiet(fn):
    """Run ``fn`` with warnings ignored (kl_div's 'mean' warning is tested on its own)."""

    def run(*args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)

    return run


MLM_TARGET = np.array([[3, 0, -1, 1], [0, 1, 2, 3], [2, 2, -1, 0]])
W4 = pos(4)
T53 = signs(5, 3)

# (name, fn(lib, *tensors, reduction), arrays): each is run for every reduction
FUNCTIONAL = [
    ("kl_div", lambda lib, x, t, r: F(lib).kl_div(x, t, reduction=r), (f32(3, 4), pos(3, 4))),
    (
        "kl_div_zero_target",
        lambda lib, x, r: F(lib).kl_div(x, lib.tensor([[0.0, 0.5], [0.2, 0.0]]), reduction=r),
        (f32(2, 2),),
    ),
    (
        "kl_div_log_target",
        lambda lib, x, t, r: F(lib).kl_div(x, t, reduction=r, log_target=True),
        (f32(3, 4), f32(3, 4)),
    ),
    (
        "kl_div_broadcast",
        lambda lib, x, t, r: F(lib).kl_div(x, t, reduction=r),
        (f32(3, 4), pos(4)),
    ),
    (
        "poisson",
        lambda lib, x, t, r: F(lib).poisson_nll_loss(x, t, reduction=r),
        (f32(3, 4), pos(3, 4) * 3),
    ),
    (
        "poisson_full",
        lambda lib, x, t, r: F(lib).poisson_nll_loss(
            x, t, log_input=False, full=True, eps=1e-3, reduction=r
        ),
        (pos(3, 4), pos(3, 4) * 3),
    ),
    (
        "gaussian",
        lambda lib, x, t, v, r: F(lib).gaussian_nll_loss(x, t, v, reduction=r),
        (f32(3, 4), f32(3, 4), pos(3, 4)),
    ),
    (
        "gaussian_full_var_per_row",
        lambda lib, x, t, v, r: F(lib).gaussian_nll_loss(x, t, v, full=True, reduction=r),
        (f32(3, 4), f32(3, 4), pos(3)),
    ),
    (
        "gaussian_var_one_column",
        lambda lib, x, t, v, r: F(lib).gaussian_nll_loss(x, t, v, eps=0.5, reduction=r),
        (f32(3, 4), f32(3, 4), pos(3, 1)),
    ),
    (
        "gaussian_float_var",
        lambda lib, x, t, r: F(lib).gaussian_nll_loss(x, t, 0.5, reduction=r),
        (f32(3, 4), f32(3, 4)),
    ),
    (
        "cosine_embedding",
        lambda lib, a, b, y, r: F(lib).cosine_embedding_loss(a, b, y, margin=0.2, reduction=r),
        (f32(5, 4), f32(5, 4), signs(5)),
    ),
    (
        "cosine_embedding_1d",
        lambda lib, a, b, r: F(lib).cosine_embedding_loss(a, b, lib.tensor(-1), reduction=r),
        (f32(4), f32(4)),
    ),
    (
        "cosine_embedding_int_target",
        lambda lib, a, b, r: F(lib).cosine_embedding_loss(
            a, b, lib.tensor([1, -1, 0]), reduction=r
        ),
        (f32(3, 4), f32(3, 4)),
    ),
    (
        "margin_ranking",
        lambda lib, a, b, y, r: F(lib).margin_ranking_loss(a, b, y, margin=0.3, reduction=r),
        (f32(5), f32(5), signs(5)),
    ),
    (
        "margin_ranking_broadcast",
        lambda lib, a, b, r: F(lib).margin_ranking_loss(a, b, lib.tensor([1, -1, 1]), reduction=r),
        (f32(3), f32(1)),
    ),
    (
        "hinge_embedding",
        lambda lib, x, y, r: F(lib).hinge_embedding_loss(x, y, margin=0.5, reduction=r),
        (f32(5, 3), signs(5, 3)),
    ),
    (
        "hinge_embedding_broadcast",
        lambda lib, x, r: F(lib).hinge_embedding_loss(x, lib.tensor([1, -1, 0]), reduction=r),
        (f32(2, 3),),
    ),
    (
        "soft_margin",
        lambda lib, x, r: F(lib).soft_margin_loss(x, lib.tensor(T53), reduction=r),
        (f32(5, 3),),
    ),
    (
        "multilabel_soft_margin",
        lambda lib, x, t, r: F(lib).multilabel_soft_margin_loss(x, t, reduction=r),
        (f32(5, 3), (signs(5, 3) > 0).astype(np.float32)),
    ),
    (
        "multilabel_soft_margin_weight",
        lambda lib, x, t, w, r: F(lib).multilabel_soft_margin_loss(x, t, weight=w, reduction=r),
        (f32(5, 3), pos(5, 3), pos(3)),
    ),
    (
        "multilabel_margin",
        lambda lib, x, r: F(lib).multilabel_margin_loss(x, lib.tensor(MLM_TARGET), reduction=r),
        (f32(3, 4),),
    ),
    (
        "multilabel_margin_1d",
        lambda lib, x, r: F(lib).multilabel_margin_loss(x, lib.tensor([2, 0, -1, 3]), reduction=r),
        (f32(4),),
    ),
    (
        "multilabel_margin_0d",
        lambda lib, x, r: F(lib).multilabel_margin_loss(x, lib.tensor(0), reduction=r),
        (np.array(0.5, np.float32),),
    ),
    (
        "multi_margin",
        lambda lib, x, r: F(lib).multi_margin_loss(x, lib.tensor([3, 0, 1]), reduction=r),
        (f32(3, 4),),
    ),
    (
        "multi_margin_p2_weight",
        lambda lib, x, r: F(lib).multi_margin_loss(
            x,
            lib.tensor([3, 0, 1]),
            p=2,
            margin=0.7,
            weight=lib.tensor(W4).to(x.dtype),
            reduction=r,
        ),
        (f32(3, 4),),
    ),
    (
        "multi_margin_1d",
        lambda lib, x, r: F(lib).multi_margin_loss(x, lib.tensor(2), reduction=r),
        (f32(4),),
    ),
    (
        "multi_margin_1d_target1",
        lambda lib, x, r: F(lib).multi_margin_loss(x, lib.tensor([2]), reduction=r),
        (f32(4),),
    ),
    (
        "triplet",
        lambda lib, a, p, n, r: F(lib).triplet_margin_loss(a, p, n, reduction=r),
        (f32(5, 3), f32(5, 3), f32(5, 3)),
    ),
    (
        "triplet_swap_p1",
        lambda lib, a, p, n, r: F(lib).triplet_margin_loss(
            a, p, n, margin=2.0, p=1, swap=True, reduction=r
        ),
        (f32(5, 3), f32(5, 3), f32(5, 3)),
    ),
    (
        "triplet_1d",
        lambda lib, a, p, n, r: F(lib).triplet_margin_loss(a, p, n, reduction=r),
        (f32(3), f32(3), f32(3)),
    ),
    (
        "triplet_distance",
        lambda lib, a, p, n, r: F(lib).triplet_margin_with_distance_loss(
            a, p, n, swap=True, reduction=r
        ),
        (f32(5, 3), f32(5, 3), f32(5, 3)),
    ),
    (
        "triplet_cosine_distance",
        lambda lib, a, p, n, r: F(lib).triplet_margin_with_distance_loss(
            a,
            p,
            n,
            distance_function=lambda x, y: (
                1 - lib.nn.functional.cosine_similarity(x, y)
                if lib is torch
                else 1 - ember.nn._functional.distance.cosine_similarity(x, y)
            ),
            margin=0.5,
            reduction=r,
        ),
        (f32(5, 3), f32(5, 3), f32(5, 3)),
    ),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,fn,arrays", FUNCTIONAL, ids=[c[0] for c in FUNCTIONAL])
def test_functional_matches_torch(name, fn, arrays, reduction):
    quiet(check)(fn, *arrays, r=reduction, atol=1e-5)


def test_functional_non_contiguous_and_fan_out():
    x = f32(4, 3)
    check(lambda lib, a: F(lib).multilabel_soft_margin_loss(a.mT, (a.mT > 0).float()), x)
    check(lambda lib, a: F(lib).triplet_margin_loss(a, a.flip(0), a * 2, swap=True), x)
    check(lambda lib, a: F(lib).margin_ranking_loss(a, a.mT.mT * 0.5, lib.ones(4, 3)), x)
    check(lambda lib, a: F(lib).multi_margin_loss(a.mT, lib.tensor([0, 1, 3])), x)


def test_kl_div_batchmean_and_mean_warning():
    check(lambda lib, x, t: F(lib).kl_div(x, t, reduction="batchmean"), f32(3, 4), pos(3, 4))
    check(
        lambda lib, x, t: F(lib).kl_div(x, t, reduction="batchmean"),
        np.array(0.3, np.float32),
        np.array(0.6, np.float32),
    )
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="'batchmean' divides only by the batch size"):
            F(lib).kl_div(lib.zeros(2), lib.ones(2))
    msg = quiet(check_error)(lambda lib, x, t: F(lib).kl_div(x, t), np.ones(2, np.int64), pos(2))
    assert msg == "kl_div: Integral inputs not supported."


REDUNDANT_FOR_GRADCHECK = (
    "kl_div_broadcast",
    "margin_ranking_broadcast",
    "triplet_1d",
    "hinge_embedding_broadcast",
    "multi_margin_1d_target1",
    "gaussian_float_var",
    "multilabel_margin_0d",
)
GRADCHECK = [c for c in FUNCTIONAL if c[0] not in REDUNDANT_FOR_GRADCHECK]


@pytest.mark.parametrize("name,fn,arrays", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_gradcheck(name, fn, arrays):
    if name == "gaussian_var_one_column":
        pytest.skip(
            "var below eps is clamped with an identity gradient (as torch): not a "
            "finite-difference derivative"
        )
    small = arrays
    fixed_rows = (
        "soft_margin",
        "multilabel_margin",
        "multi_margin",
        "multi_margin_p2_weight",
        "cosine_embedding_int_target",
    )
    if name not in fixed_rows and len({a.shape[:1] for a in arrays}) == 1 and arrays[0].ndim == 2:
        small = tuple(a[:2] for a in arrays)  # <= 12 elements per input
    quiet(check_gradcheck)(fn, *small, r="sum")


# ---------------------------------------------------------------------------- legacy flags


LEGACY = [
    (None, None, "mean"),
    (False, None, "sum"),
    (True, False, "none"),
    (None, False, "none"),
    (False, True, "sum"),
    (True, True, "mean"),
]


@pytest.mark.parametrize("size_average,reduce,expected", LEGACY)
def test_legacy_flags_map_to_reduction(size_average, reduce, expected):
    x, t = f32(3, 4), signs(3, 4)
    kw = {"size_average": size_average, "reduce": reduce}
    legacy = size_average is not None or reduce is not None
    for fn in (
        lambda lib, a: F(lib).soft_margin_loss(a, lib.tensor(t), **kw),
        lambda lib, a: F(lib).hinge_embedding_loss(a, lib.tensor(t), **kw),
        lambda lib, a: F(lib).poisson_nll_loss(a, lib.tensor(t).abs(), **kw),
        lambda lib, a: F(lib).multilabel_soft_margin_loss(a, (lib.tensor(t) > 0).float(), **kw),
    ):
        if legacy:
            for lib in (ember, torch):
                with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
                    fn(lib, lib.tensor(x))
        quiet(check)(fn, x)
    if legacy:
        for lib in (ember, torch):
            with pytest.warns(UserWarning, match="size_average and reduce args"):
                m = nn(lib).SoftMarginLoss(size_average, reduce)
            assert m.reduction == expected


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x: F(lib).kl_div(x, x, reduction="avg"),
        lambda lib, x: F(lib).poisson_nll_loss(x, x, reduction="avg"),
        lambda lib, x: F(lib).cosine_embedding_loss(x, x, lib.ones(3), reduction="avg"),
        lambda lib, x: F(lib).margin_ranking_loss(x, x, x, reduction="avg"),
        lambda lib, x: F(lib).hinge_embedding_loss(x, x, reduction="avg"),
        lambda lib, x: F(lib).soft_margin_loss(x, x, reduction="avg"),
        lambda lib, x: F(lib).multilabel_margin_loss(x, x.long(), reduction="avg"),
        lambda lib, x: F(lib).multi_margin_loss(x, lib.zeros(3).long(), reduction="avg"),
        lambda lib, x: F(lib).triplet_margin_loss(x, x, x, reduction="avg"),
        lambda lib, x: F(lib).triplet_margin_with_distance_loss(x, x, x, reduction="avg"),
        lambda lib, x: F(lib).ctc_loss(
            x.log_softmax(1).unsqueeze(1), lib.ones(1, 1).long(), [3], [1], reduction="avg"
        ),
        lambda lib, x: nn(lib).HingeEmbeddingLoss(reduction="avg")(x, x),
        lambda lib, x: nn(lib).MarginRankingLoss(reduction="avg")(x, x, x),
    ],
)
def test_invalid_reduction_is_value_error(fn):
    msg = check_error(fn, f32(3, 4))
    assert msg == "avg is not a valid value for reduction"


def test_not_valid_reduction_messages():
    x = f32(3, 4)
    assert (
        check_error(lambda lib, a: F(lib).gaussian_nll_loss(a, a, a.abs(), reduction="x"), x)
        == "x is not valid"
    )
    assert (
        check_error(lambda lib, a: F(lib).multilabel_soft_margin_loss(a, a, reduction="x"), x)
        == "x is not valid"
    )


# ---------------------------------------------------------------------------- errors

ERRORS = [
    (
        lambda lib, a, b: F(lib).cosine_embedding_loss(a, b, lib.ones(3, 1)),
        (f32(3, 4), f32(3, 4)),
        "0D or 1D target tensor expected, multi-target not supported",
    ),
    (
        lambda lib, a, b: F(lib).cosine_embedding_loss(a, b, lib.ones(3)),
        (f32(3, 4), f32(3)),
        "1D target tensor expects 2D input tensors, but found inputs with sizes [3, 4] and [3].",
    ),
    (
        lambda lib, a, b: F(lib).cosine_embedding_loss(a, b, lib.ones(())),
        (f32(3, 4), f32(3, 4)),
        "0D target tensor expects 1D input tensors, but found inputs with sizes [3, 4] and [3, 4].",
    ),
    (
        lambda lib, a, b: F(lib).cosine_embedding_loss(a, b, lib.ones(3)),
        (f32(3, 4), f32(3, 5)),
        None,
    ),
    (lambda lib, a, b: F(lib).margin_ranking_loss(a, b, lib.ones(3)), (f32(3), f32(3, 1)), None),
    (lambda lib, a, b: F(lib).margin_ranking_loss(a, b, lib.ones(3)), (f32(3), f32(4)), None),
    (lambda lib, a, b: F(lib).hinge_embedding_loss(a, b), (f32(3, 2), f32(3)), None),
    (lambda lib, a, b: F(lib).poisson_nll_loss(a, b), (f32(3), f32(4)), None),
    (
        lambda lib, a, b: F(lib).gaussian_nll_loss(a, b, lib.ones(2)),
        (f32(3, 2), f32(3, 2)),
        "var is of incorrect size",
    ),
    (
        lambda lib, a, b: F(lib).gaussian_nll_loss(a, b, -lib.ones(3, 2)),
        (f32(3, 2), f32(3, 2)),
        "var has negative entry/entries",
    ),
    (
        lambda lib, a, b: F(lib).gaussian_nll_loss(a, b, -1.0),
        (f32(3, 2), f32(3, 2)),
        "var has negative entry/entries",
    ),
    (
        lambda lib, a, b: F(lib).triplet_margin_loss(a, a, b),
        (f32(3, 4), f32(4)),
        "The anchor, positive, and negative tensors are expected to have the same number of "
        "dimensions, but got: anchor 2D, positive 2D, and negative 1D inputs",
    ),
    (
        lambda lib, a, b: F(lib).triplet_margin_loss(a, a, b, margin=0),
        (f32(3, 4), f32(3, 4)),
        "margin must be greater than 0, got 0",
    ),
    (
        lambda lib, a, b: F(lib).triplet_margin_with_distance_loss(a, a, b, margin=-1.0),
        (f32(3, 4), f32(3, 4)),
        "margin must be greater than 0, got -1.0",
    ),
    (
        lambda lib, a, b: F(lib).multilabel_margin_loss(a, lib.zeros(1, 4).long()),
        (f32(2, 4), f32(1)),
        "inconsistent target size: [1, 4] for input of size: [2, 4]",
    ),
    (
        lambda lib, a, b: F(lib).multilabel_margin_loss(a, lib.tensor([[3, 0, -2, 1]])),
        (f32(1, 4), f32(1)),
        "argument #2 'target' is out of range",
    ),
    (
        lambda lib, a, b: F(lib).multilabel_margin_loss(a, lib.tensor([[3, 0, -1, 4]])),
        (f32(1, 4), f32(1)),
        "argument #2 'target' is out of range",
    ),
    (
        lambda lib, a, b: F(lib).multilabel_margin_loss(a, lib.zeros(2, 0).long()),
        (f32(2, 0), f32(1)),
        "Expected non-empty vector or matrix with optional 0-dim batch size, but got: [2, 0]",
    ),
    (
        lambda lib, a, b: F(lib).multilabel_margin_loss(a, lib.zeros(2, 4).int()),
        (f32(2, 4), f32(1)),
        "expected scalar type Long but found Int",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 4])),
        (f32(2, 4), f32(1)),
        "target out of range",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3])),
        (f32(2, 4), f32(1)),
        "multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
        "samples (batch size). Expected target size [2], but got [1]. Input has shape [2, 4].",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 0]), weight=b),
        (f32(2, 4), f32(3)),
        "inconsistent weight size, expected 4 but got [3]",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 0]), weight=b),
        (f32(2, 4), f32(2, 2)),
        "weight must be one-dimensional",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 0]), p=3),
        (f32(2, 4), f32(1)),
        "only p == 1 and p == 2 supported",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 0])),
        (f32(2, 4, 2), f32(1)),
        None,
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a, lib.tensor([3, 0]), weight=b.double()),
        (f32(2, 4), f32(4)),
        "expected scalar type Float but found Double",
    ),
    (
        lambda lib, a, b: F(lib).multi_margin_loss(a.long(), lib.tensor([3, 0])),
        (f32(2, 4), f32(1)),
        None,
    ),
]


@pytest.mark.parametrize("fn,arrays,message", ERRORS)
def test_errors_like_torch(fn, arrays, message):
    msg = check_error(fn, *arrays)
    if message is not None:
        assert msg == message


# ---------------------------------------------------------------------------- modules


def run_module(make, arrays, int_args=(), rtol=1e-5, atol=1e-5):
    """Same loss module in both libraries (buffers copied through NumPy): loss and grads."""
    mt, me = make(torch), make(ember)
    assert list(me.state_dict()) == list(mt.state_dict())
    me.load_state_dict({k: ember.tensor(v.numpy()) for k, v in mt.state_dict().items()})
    xt = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    xe = [ember.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    yt = mt(*xt, *[torch.tensor(a) for a in int_args])
    ye = me(*xe, *[ember.tensor(a) for a in int_args])
    assert_same(ye, yt, rtol, atol)
    yt.sum().backward()
    ye.sum().backward()
    for e, t in zip(xe, xt):
        if t.requires_grad:
            assert_same(e.grad, t.grad, rtol, atol, what="input grad")
    assert repr(me) == repr(mt)


C4 = np.array([3, 0, 1])
MODULES = [
    ("L1Loss", (), (f32(3, 4), f32(3, 4)), ()),
    ("MSELoss", (), (f32(3, 4), f32(3, 4)), ()),
    ("SmoothL1Loss", (), (f32(3, 4), f32(3, 4)), ()),
    ("HuberLoss", (), (f32(3, 4), f32(3, 4)), ()),
    ("CrossEntropyLoss", ("W",), (f32(3, 4),), (C4,)),
    ("NLLLoss", ("W",), (f32(3, 4),), (C4,)),
    ("BCELoss", ("W",), (pos(3, 4) / 1.2, pos(3, 4) / 1.2), ()),
    ("BCEWithLogitsLoss", ("W", "P"), (f32(3, 4), pos(3, 4) / 1.2), ()),
    ("KLDivLoss", (), (f32(3, 4), pos(3, 4)), ()),
    ("PoissonNLLLoss", (), (f32(3, 4), pos(3, 4)), ()),
    ("GaussianNLLLoss", (), (f32(3, 4), f32(3, 4), pos(3, 4)), ()),
    ("CosineEmbeddingLoss", (), (f32(3, 4), f32(3, 4)), (np.array([1, -1, 1]),)),
    ("MarginRankingLoss", (), (f32(3), f32(3)), (np.array([1, -1, 1]),)),
    ("HingeEmbeddingLoss", (), (f32(3, 4),), (signs(3, 4),)),
    ("SoftMarginLoss", (), (f32(3, 4),), (signs(3, 4),)),
    ("MultiLabelSoftMarginLoss", ("W",), (f32(3, 4), pos(3, 4)), ()),
    ("MultiLabelMarginLoss", (), (f32(3, 4),), (MLM_TARGET,)),
    ("MultiMarginLoss", ("W",), (f32(3, 4),), (C4,)),
    ("TripletMarginLoss", (), (f32(3, 4), f32(3, 4), f32(3, 4)), ()),
    ("TripletMarginWithDistanceLoss", (), (f32(3, 4), f32(3, 4), f32(3, 4)), ()),
]


def _module_kwargs(name, extras, lib, reduction):
    kw = {"reduction": reduction}
    if "W" in extras:
        kw["weight"] = lib.tensor(W4)
    if "P" in extras:
        kw["pos_weight"] = lib.tensor(W4 * 2)
    if name == "KLDivLoss" and reduction == "mean":
        kw["reduction"] = "batchmean"
    return kw


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,extras,arrays,ints", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(name, extras, arrays, ints, reduction):
    def make(lib):
        return getattr(nn(lib), name)(**_module_kwargs(name, extras, lib, reduction))

    run_module(make, arrays, ints)


@pytest.mark.parametrize(
    "name,kw",
    [
        ("SmoothL1Loss", {"beta": 0.5}),
        ("HuberLoss", {"delta": 0.3}),
        ("CrossEntropyLoss", {"ignore_index": 1, "label_smoothing": 0.1}),
        ("KLDivLoss", {"log_target": True, "reduction": "sum"}),
        ("PoissonNLLLoss", {"log_input": False, "full": True, "eps": 1e-4}),
        ("GaussianNLLLoss", {"full": True, "eps": 0.01}),
        ("CosineEmbeddingLoss", {"margin": 0.3}),
        ("MarginRankingLoss", {"margin": 0.2}),
        ("HingeEmbeddingLoss", {"margin": 2.0}),
        ("MultiMarginLoss", {"p": 2, "margin": 0.5}),
        ("TripletMarginLoss", {"margin": 0.5, "p": 1.0, "eps": 0.0, "swap": True}),
        ("TripletMarginWithDistanceLoss", {"margin": 0.5, "swap": True}),
    ],
)
def test_module_options(name, kw):
    spec = next(m for m in MODULES if m[0] == name)
    run_module(lambda lib: getattr(nn(lib), name)(**kw), spec[2], spec[3])
    me, mt = getattr(EL, name)(**kw), getattr(torch.nn, name)(**kw)
    for k, v in kw.items():
        assert getattr(me, k) == getattr(mt, k) == v


def test_weight_buffers_and_state_dict():
    for lib in (ember, torch):
        w = lib.tensor(W4)
        assert list(nn(lib).CrossEntropyLoss(weight=w).state_dict()) == ["weight"]
        assert list(nn(lib).CrossEntropyLoss().state_dict()) == []
        m = nn(lib).BCEWithLogitsLoss(weight=w, pos_weight=w * 2)
        assert list(m.state_dict()) == ["weight", "pos_weight"]
        assert [k for k, _ in m.named_buffers()] == ["weight", "pos_weight"]
        assert list(m.parameters()) == []
        assert nn(lib).MultiMarginLoss(weight=w).weight is w
        assert nn(lib).NLLLoss().weight is None
    d = EL.TripletMarginWithDistanceLoss()
    assert [k for k, _ in d.named_children()] == ["distance_function"]


def test_module_reprs_and_constructor_errors():
    for name in EL.__all__:
        if name in ("NLLLoss2d",):
            continue
        assert repr(getattr(EL, name)()) == repr(getattr(torch.nn, name)()), name
    with pytest.warns(FutureWarning, match="NLLLoss2d"):
        m = EL.NLLLoss2d()
    assert repr(m) == "NLLLoss2d()"
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
            nn(lib).MultiMarginLoss(p=3)
        with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D"):
            nn(lib).MultiMarginLoss(weight=lib.ones(2, 2))
        with pytest.raises(
            ValueError,
            match="TripletMarginLoss: expected margin to be greater than 0, got 0.0 instead",
        ):
            nn(lib).TripletMarginLoss(margin=0.0)
        with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin"):
            nn(lib).TripletMarginWithDistanceLoss(margin=-1)
        with pytest.raises(TypeError, match="delta must be a float or int"):
            nn(lib).HuberLoss(delta="1")
        m = nn(lib).CrossEntropyLoss(reduction="bogus")  # validated only when called
        with pytest.raises(ValueError, match="bogus is not a valid value for reduction"):
            m(lib.zeros(2, 3), lib.zeros(2).long())


# ---------------------------------------------------------------------------- CTC

CTC_T, CTC_N, CTC_C = 7, 4, 5
CTC_LOGITS = RNG.standard_normal((CTC_T, CTC_N, CTC_C))
CTC_LOGP = torch.tensor(CTC_LOGITS).log_softmax(2).numpy()
# sample 0 repeats a label (needs a blank between), sample 2 has an empty target
CTC_TARGETS = np.array([[2, 2, 3], [1, 4, 0], [3, 3, 3], [4, 1, 2]])
CTC_IN = np.array([7, 6, 3, 5])
CTC_TL = np.array([3, 2, 0, 3])


def _ctc(lib, x, targets, il, tl, **kw):
    return F(lib).ctc_loss(x, lib.tensor(targets), lib.tensor(il), lib.tensor(tl), **kw)


@pytest.mark.parametrize("zero_infinity", [False, True])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("blank", [0, 3, 4])
def test_ctc_matches_torch(blank, reduction, zero_infinity):
    targets = np.where(np.equal(CTC_TARGETS, blank), (blank + 1) % CTC_C, CTC_TARGETS)
    kw = {"blank": blank, "reduction": reduction, "zero_infinity": zero_infinity}
    # through log_softmax (the documented use) and on log_probs directly: torch's gradient
    check(lambda lib, x: _ctc(lib, x.log_softmax(2), targets, CTC_IN, CTC_TL, **kw), CTC_LOGITS)
    check(
        lambda lib, x: _ctc(lib, x, targets, CTC_IN, CTC_TL, **kw),
        CTC_LOGP.astype(np.float32) if blank == 3 else CTC_LOGP,
    )


@pytest.mark.parametrize("zero_infinity", [False, True])
def test_ctc_impossible_alignments(zero_infinity):
    # too few frames for the targets (a repeat needs a blank): infinite loss; NaN gradients on
    # the frames used, or zeros with zero_infinity, as torch
    targets = np.array([[1, 1, 1], [2, 2, 2], [1, 2, 3], [1, 1, 1]])
    il, tl = np.array([7, 4, 3, 1]), np.array([3, 3, 3, 3])
    for reduction in REDUCTIONS:
        check(
            lambda lib, x, reduction=reduction: _ctc(
                lib, x, targets, il, tl, reduction=reduction, zero_infinity=zero_infinity
            ),
            CTC_LOGP,
        )


def test_ctc_target_layouts_lengths_and_unbatched():
    flat = np.concatenate([CTC_TARGETS[i, : CTC_TL[i]] for i in range(CTC_N)])
    check(
        lambda lib, x: F(lib).ctc_loss(x, lib.tensor(flat), tuple(CTC_IN), list(CTC_TL)), CTC_LOGP
    )
    check(
        lambda lib, x: _ctc(
            lib,
            x,
            CTC_TARGETS.astype(np.int32),
            CTC_IN.astype(np.int32),
            CTC_TL.astype(np.int32),
            reduction="none",
        ),
        CTC_LOGP,
    )
    wide = np.concatenate([CTC_TARGETS, np.full((CTC_N, 2), 99)], 1)  # padding is ignored
    check(lambda lib, x: _ctc(lib, x, wide, CTC_IN, CTC_TL, reduction="sum"), CTC_LOGP)
    for reduction in REDUCTIONS:
        check(
            lambda lib, x, r=reduction: F(lib).ctc_loss(
                x, lib.tensor([2, 2, 3]), lib.tensor(6), lib.tensor(3), reduction=r
            ),
            CTC_LOGP[:, 0],
        )
    check(
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, [0, 6, 0, 1], [0, 2, 1, 1], reduction="none"),
        CTC_LOGP,
    )  # zero frames


def test_ctc_module():
    targets = np.where(CTC_TARGETS == 4, 1, CTC_TARGETS)
    for kw in ({}, {"blank": 4, "reduction": "sum", "zero_infinity": True}):
        check(
            lambda lib, x, kw=kw: nn(lib).CTCLoss(**kw)(
                x, lib.tensor(targets), lib.tensor(CTC_IN), lib.tensor(CTC_TL)
            ),
            CTC_LOGP,
        )
        assert repr(EL.CTCLoss(**kw)) == repr(torch.nn.CTCLoss(**kw)) == "CTCLoss()"


def test_ctc_gradcheck_and_no_double_backward():
    logits = RNG.standard_normal((4, 2, 3))
    check_gradcheck(
        lambda lib, x: EF.ctc_loss(
            x.log_softmax(2), lib.tensor([[1, 1], [2, 1]]), lib.tensor([4, 3]), lib.tensor([2, 2])
        ),
        logits,
        gradgrad=False,
    )
    x = ember.tensor(CTC_LOGP, requires_grad=True)
    loss = _ctc(ember, x, CTC_TARGETS, CTC_IN, CTC_TL)
    (g,) = ember.autograd.grad(loss, x, create_graph=True)
    with pytest.raises(
        RuntimeError, match="derivative for aten::_ctc_loss_backward is not implemented"
    ):
        g.sum().backward()


CTC_ERRORS = [
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, [8, 6, 3, 5], CTC_TL),
        "Expected input_lengths to have value at most 7, but got value 8 (while checking "
        "arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, [7, 6, -1, 5], CTC_TL),
        "Expected input_lengths to have value at least 0, but got value -1 (while checking "
        "arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN, [4, 2, 0, 3]),
        "Expected tensor to have size at least 4 at dimension 1, but got size 3 for argument #2 "
        "'targets' (while checking arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN, [3, 2, -1, 3]),
        "Expected target_lengths to have value at least 0, but got value -1 (while checking "
        "arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS[:2], CTC_IN, CTC_TL),
        "Expected tensor to have size 4 at dimension 0, but got size 2 for argument #2 'targets' "
        "(while checking arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS.ravel()[:5], CTC_IN, CTC_TL),
        "Expected tensor to have size 8 at dimension 0, but got size 5 for argument #2 'targets' "
        "(while checking arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN[:3], CTC_TL),
        "input_lengths must be of size batch_size",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN, CTC_TL[:3]),
        "target_lengths must be of size batch_size",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN, CTC_TL, blank=5),
        "blank must be in label range",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN, CTC_TL, blank=-1),
        "blank must be in label range",
    ),
    (
        lambda lib, x: _ctc(lib, x, CTC_TARGETS, CTC_IN.astype(np.float32), CTC_TL),
        "input_lengths must be integral",
    ),
    (
        lambda lib, x: _ctc(lib, x.unsqueeze(-1), CTC_TARGETS, CTC_IN, CTC_TL),
        "Expected 3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs' "
        "(while checking arguments for ctc_loss_allocate_outputs)",
    ),
    (
        lambda lib, x: _ctc(lib, (x * 10).long(), CTC_TARGETS, CTC_IN, CTC_TL),
        "\"ctc_loss_cpu\" not implemented for 'Long'",
    ),
    (lambda lib, x: F(lib).ctc_loss(x, lib.tensor(CTC_TARGETS), 7, 3), None),
    (
        lambda lib, x: _ctc(lib, x[:0], CTC_TARGETS, [0] * 4, CTC_TL),
        "log_probs tensor must not be empty",
    ),
]


@pytest.mark.parametrize("fn,message", CTC_ERRORS)
def test_ctc_errors(fn, message):
    msg = check_error(fn, CTC_LOGP)
    if message is not None:
        assert msg == message
