"""Activation modules, Flatten and Unflatten against torch.nn: outputs, input and weight
gradients, in-place variants, train/eval behaviour, reprs and constructor errors."""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.nn.modules import activation as EA
from ember.nn.modules import flatten as EFl

from ..oracle import assert_same

_EMBER_NN = types.SimpleNamespace(
    **{n: getattr(EA, n) for n in EA.__all__}, **{n: getattr(EFl, n) for n in EFl.__all__}
)


def nn(lib):
    return _EMBER_NN if lib is ember else torch.nn


def run_both(make, x, *, train=True, rtol=1e-5, atol=1e-6, copy_state=True):
    """Same module (same weights) in ember and torch: compare output, input grad and every
    parameter's grad for a random cotangent."""
    mt, me = make(torch), make(ember)
    if copy_state:
        me.load_state_dict(
            {k: ember.tensor(v.detach().numpy()) for k, v in mt.state_dict().items()}
        )
    mt.train(train)
    me.train(train)
    xt = torch.tensor(x, requires_grad=True)
    xe = ember.tensor(x, requires_grad=True)
    yt, ye = mt(xt * 1), me(xe * 1)  # "* 1": in-place modules act on a non-leaf
    assert_same(ye, yt, rtol, atol)
    cot = np.random.default_rng(1).standard_normal(tuple(yt.shape)).astype(x.dtype)
    yt.backward(torch.tensor(cot))
    ye.backward(ember.tensor(cot))
    assert_same(xe.grad, xt.grad, rtol, atol, what="input grad")
    pe, pt = dict(me.named_parameters()), dict(mt.named_parameters())
    assert list(pe) == list(pt)
    for k in pt:
        assert_same(pe[k].grad, pt[k].grad, rtol, atol, what=f"grad of {k}")
    return me, mt


X = np.random.default_rng(0).standard_normal((3, 4, 5)).astype(np.float32) * 3

CASES = [
    ("ReLU", (), {}),
    ("ReLU", (True,), {}),
    ("ReLU6", (), {}),
    ("ReLU6", (), {"inplace": True}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2, True), {}),
    ("ELU", (), {}),
    ("ELU", (0.5,), {"inplace": True}),
    ("SELU", (), {}),
    ("SELU", (True,), {}),
    ("CELU", (), {}),
    ("CELU", (2.0,), {}),
    ("GELU", (), {}),
    ("GELU", ("tanh",), {}),
    ("SiLU", (), {}),
    ("SiLU", (True,), {}),
    ("Mish", (), {}),
    ("Sigmoid", (), {}),
    ("LogSigmoid", (), {}),
    ("Tanh", (), {}),
    ("Hardtanh", (), {}),
    ("Hardtanh", (-2.0, 3.0, True), {}),
    ("Hardswish", (), {}),
    ("Hardsigmoid", (), {}),
    ("Hardsigmoid", (True,), {}),
    ("Hardshrink", (), {}),
    ("Hardshrink", (1.5,), {}),
    ("Softshrink", (), {}),
    ("Softshrink", (1.0,), {}),
    ("Tanhshrink", (), {}),
    ("Threshold", (0.5, -2.0), {}),
    ("Threshold", (0.1, 20, True), {}),
    ("Softplus", (), {}),
    ("Softplus", (2.0, 1.0), {}),
    ("Softsign", (), {}),
    ("GLU", (), {}),
    ("GLU", (1,), {}),
    ("Softmax", (1,), {}),
    ("Softmax", (-1,), {}),
    ("LogSoftmax", (0,), {}),
    ("Softmin", (2,), {}),
    ("Softmax2d", (), {}),
    ("PReLU", (), {}),
    ("PReLU", (4, 0.1), {}),
    ("RReLU", (), {}),
    ("Flatten", (), {}),
    ("Flatten", (0, 1), {}),
    ("Unflatten", (2, (5, 1)), {}),
    ("Unflatten", (-1, [1, 5]), {}),
]


@pytest.mark.parametrize("name,args,kwargs", CASES, ids=lambda c: str(c))
def test_module_matches_torch(name, args, kwargs):
    x = X[:, :, :4] if name == "GLU" else X
    me, mt = run_both(
        lambda lib: getattr(nn(lib), name)(*args, **kwargs), x, train=name != "RReLU", atol=1e-5
    )
    assert repr(me) == repr(mt)


@pytest.mark.parametrize("name", ["ReLU", "SELU", "Hardtanh", "LeakyReLU", "Threshold"])
def test_inplace_modifies_input_like_torch(name):
    args = (0.0, 1.0) if name == "Threshold" else ()
    for lib in (ember, torch):
        x = lib.tensor([-2.0, 0.5, 3.0])
        y = getattr(nn(lib), name)(*args, inplace=True)(x)
        assert y is x or y.data_ptr() == x.data_ptr()
    xe = ember.tensor([-2.0, 0.5, 3.0])
    xt = torch.tensor([-2.0, 0.5, 3.0])
    getattr(nn(ember), name)(*args, inplace=True)(xe)
    getattr(nn(torch), name)(*args, inplace=True)(xt)
    assert_same(xe, xt)


def test_prelu_channels_weight_and_state_dict():
    for lib in (ember, torch):
        m = nn(lib).PReLU(3, init=0.3)
        assert list(m.state_dict()) == ["weight"]
        assert tuple(m.weight.shape) == (3,)
        assert float(m.weight.detach().sum()) == pytest.approx(0.9)
        assert m.num_parameters == 3 and m.init == 0.3
    x = np.random.default_rng(2).standard_normal((2, 3, 4)).astype(np.float32)
    run_both(lambda lib: nn(lib).PReLU(3), x)
    run_both(lambda lib: nn(lib).PReLU(), x[0, 0])  # 1-D input, one weight
    m = EA.PReLU(3, dtype=ember.float64)
    assert m.weight.dtype is ember.float64
    with pytest.raises(RuntimeError, match="channel size"):
        EA.PReLU(4)(ember.randn(2, 3))


def test_rrelu_train_is_random_in_bounds_and_eval_is_mean_slope():
    m = EA.RReLU(0.1, 0.3)
    x = -ember.ones(2000)
    y = m(x)
    slopes = -y.numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    m.eval()
    np.testing.assert_allclose(m(x).numpy(), -0.2, rtol=1e-6)
    assert repr(EA.RReLU(0.1, 0.3, True)) == repr(torch.nn.RReLU(0.1, 0.3, True))


@pytest.mark.parametrize(
    "name,args",
    [
        ("Threshold", (0.5, 1.0, True)),
        ("RReLU", (0.1, 0.2, True)),
        ("Hardtanh", (-1.0, 1.0)),
        ("ReLU6", ()),
        ("ELU", (1.0, True)),
        ("CELU", (0.5,)),
        ("GELU", ()),
        ("Softplus", (1.0, 5)),
        ("LeakyReLU", (0.1, True)),
        ("Hardswish", (True,)),
        ("Mish", (True,)),
        ("Softmin", ()),
        ("LogSoftmax", (1,)),
        ("GLU", (0,)),
        ("Sigmoid", ()),
        ("Tanh", ()),
        ("Softsign", ()),
        ("Flatten", (2, 3)),
        ("Unflatten", (0, (2, 2))),
    ],
)
def test_repr_matches_torch(name, args):
    assert repr(getattr(nn(ember), name)(*args)) == repr(getattr(nn(torch), name)(*args))


def test_attributes_match_torch():
    for name, args in [
        ("Threshold", (0.5, 1.0)),
        ("Hardtanh", (-2.0, 2.0)),
        ("ELU", (0.3,)),
        ("Softplus", (2.0, 10.0)),
        ("GELU", ("tanh",)),
        ("Softmax", (1,)),
        ("LeakyReLU", (0.3,)),
        ("RReLU", ()),
        ("Flatten", (0, 2)),
    ]:
        me, mt = getattr(nn(ember), name)(*args), getattr(nn(torch), name)(*args)
        for k, v in vars(mt).items():
            if not k.startswith("_") and k != "training":
                assert getattr(me, k) == v, (name, k)


def test_implicit_softmax_dim_warns_like_torch():
    x = np.random.default_rng(3).standard_normal((2, 3)).astype(np.float32)
    for name in ("Softmax", "Softmin", "LogSoftmax"):
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            ye = getattr(EA, name)()(ember.tensor(x))
        with pytest.warns(UserWarning, match="Implicit dimension choice"):
            yt = getattr(torch.nn, name)()(torch.tensor(x))
        assert_same(ye, yt)


def test_softmax2d_rejects_wrong_rank():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="expected input to be 3D or 4D, got 2D instead"):
            nn(lib).Softmax2d()(lib.zeros(2, 3))
    run_both(lambda lib: nn(lib).Softmax2d(), X)  # (C, H, W)


def test_hardtanh_bounds_and_deprecated_keywords():
    for lib in (ember, torch):
        with pytest.raises(AssertionError, match="max_val \\(1.0\\) must be greater than min_val"):
            nn(lib).Hardtanh(1.0, 1.0)
        with pytest.warns(FutureWarning, match="min_value"):
            m = nn(lib).Hardtanh(min_value=-3.0)
        assert m.min_val == -3.0


def test_flatten_unflatten_errors_and_shapes():
    for lib in (ember, torch):
        with pytest.raises(
            TypeError, match="must be tuple of ints, but found element of type float at pos 1"
        ):
            nn(lib).Unflatten(1, (2, 2.0))
        with pytest.raises(TypeError, match="must be a tuple of ints, but found type int"):
            nn(lib).Unflatten(1, 4)
        x = lib.zeros(2, 3, 4, 5)
        assert tuple(nn(lib).Flatten()(x).shape) == (2, 60)
        assert tuple(nn(lib).Flatten(-3, -2)(x).shape) == (2, 12, 5)
        assert tuple(nn(lib).Unflatten(1, (3, 1))(x).shape) == (2, 3, 1, 4, 5)
        assert tuple(nn(lib).Unflatten(-1, (-1, 1))(x).shape) == (2, 3, 4, 5, 1)
    with pytest.raises(RuntimeError):
        EFl.Unflatten(1, (2, 2))(ember.zeros(2, 3))


def test_gelu_bad_approximate_and_int_input_errors():
    with pytest.raises(RuntimeError, match="approximate argument must be either none or tanh"):
        EA.GELU("fast")(ember.zeros(2))
    for name in ("SiLU", "ELU", "Mish"):
        with pytest.raises(NotImplementedError):
            getattr(EA, name)()(ember.tensor([1, 2]))


def test_modules_in_a_sequential_train_like_torch():
    from ember.nn.modules.container import Sequential as ESeq
    from ember.nn.modules.linear import Linear as ELin

    def build(lib):
        n = nn(lib)
        lin = ELin if lib is ember else torch.nn.Linear
        seq = ESeq if lib is ember else torch.nn.Sequential
        return seq(n.Flatten(), lin(20, 6), n.PReLU(6), n.GELU(), lin(6, 4), n.LogSoftmax(1))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        me, mt = run_both(build, X[:, :4], atol=1e-5)
    assert repr(me) == repr(mt)
