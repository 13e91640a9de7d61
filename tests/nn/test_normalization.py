"""Batch/instance/layer/group/RMS/local-response norm against torch: functional forms, modules
with identical weights (outputs, input and parameter gradients, running statistics), gradcheck."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember import nn as EB
from ember.nn._functional import normalization as EF
from ember.nn.modules import normalization as EN

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(7)


def arr(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def F(lib):
    """The functional namespace: ember's normalization file or torch.nn.functional."""
    return EF if lib is ember else torch.nn.functional


# ---------------------------------------------------------------------------- functional


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 5), (2, 3, 2, 2, 3)])
@pytest.mark.parametrize("affine", [True, False])
def test_batch_norm_training_updates_running_stats(shape, affine):
    def fn(lib, x, w, b):
        rm = lib.linspace(-1, 1, 3)
        rv = lib.linspace(0.5, 2, 3)
        out = F(lib).batch_norm(
            x,
            rm,
            rv,
            w if affine else None,
            b if affine else None,
            training=True,
            momentum=0.3,
            eps=1e-3,
        )
        return out, rm, rv

    check(fn, arr(*shape), arr(3), arr(3), rtol=1e-4, atol=1e-5)


def test_batch_norm_eval_and_non_contiguous_input():
    def fn(lib, x, w, b, rm, rv):
        xt = x.transpose(0, 2)  # (5, 3, 4): a non-contiguous view
        return F(lib).batch_norm(xt, rm.detach(), rv.detach().abs() + 0.1, w, b, training=False)

    check(fn, arr(4, 3, 5), arr(3), arr(3), arr(3), arr(3), rtol=1e-4, atol=1e-5)


def test_batch_norm_training_without_running_stats_non_contiguous():
    check(
        lambda lib, x, w: F(lib).batch_norm(x.mT, None, None, w, None, True),
        arr(4, 3, 6),
        arr(6),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("name", ["batch_norm", "instance_norm", "layer_norm"])
def test_large_offset_keeps_precision(name):
    # mean 1000, std 0.5: float32 error against a float64 reference stays within 2x torch's
    x, w, c = arr(8, 3, 4) * 0.5 + 1000.0, arr(3), arr(8, 3, 4)
    fns = {
        "batch_norm": lambda lib, a, w_: F(lib).batch_norm(a, None, None, w_, None, True),
        "instance_norm": lambda lib, a, w_: F(lib).instance_norm(a, None, None, w_, None),
        "layer_norm": lambda lib, a, w_: F(lib).layer_norm(a.mT, (3,), w_),
    }
    fn = fns[name]

    def grads(lib, dtype):
        a = lib.tensor(x.astype(dtype), requires_grad=True)
        out = fn(lib, a, lib.tensor(w.astype(dtype)))
        (out * lib.tensor(c.reshape(out.shape).astype(dtype))).sum().backward()
        return out.detach().numpy().astype(np.float64), a.grad.numpy().astype(np.float64)

    ref = grads(torch, np.float64)
    for e, t, r in zip(grads(ember, np.float32), grads(torch, np.float32), ref):
        assert np.abs(e - r).max() <= 2 * np.abs(t - r).max() + 1e-6


def test_batch_norm_float64_and_empty_batch():
    check(
        lambda lib, x: F(lib).batch_norm(x, None, None, training=True),
        arr(5, 2, 3, dtype=np.float64),
    )

    def empty(lib, x):
        rm, rv = lib.zeros(3), lib.ones(3)
        return F(lib).batch_norm(x, rm, rv, training=True), rm, rv

    check(empty, arr(0, 3), grad=False)


@pytest.mark.parametrize("affine,track", [(True, True), (False, True), (True, False)])
@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 3)])
def test_instance_norm(shape, affine, track):
    def fn(lib, x, w, b):
        rm = lib.linspace(-1, 1, 3) if track else None
        rv = lib.linspace(0.5, 2, 3) if track else None
        out = F(lib).instance_norm(
            x,
            rm,
            rv,
            w if affine else None,
            b if affine else None,
            use_input_stats=True,
            momentum=0.2,
        )
        return (out, rm, rv) if track else out

    check(fn, arr(*shape), arr(3), arr(3), rtol=1e-4, atol=1e-5)


def test_instance_norm_with_running_stats():
    def fn(lib, x, w, b):
        rm, rv = lib.linspace(-1, 1, 3), lib.linspace(0.5, 2, 3)
        return F(lib).instance_norm(x, rm, rv, w, b, use_input_stats=False)

    check(fn, arr(2, 3, 4), arr(3), arr(3), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("normalized", [(5,), (4, 5), [5]])
def test_layer_norm(normalized):
    check(
        lambda lib, x, w, b: F(lib).layer_norm(x, normalized, w, b, 1e-4),
        arr(3, 4, 5),
        arr(*normalized),
        arr(*normalized),
        rtol=1e-4,
        atol=1e-5,
    )
    check(lambda lib, x: F(lib).layer_norm(x, normalized), arr(2, 4, 5), rtol=1e-4, atol=1e-5)


def test_layer_norm_weight_only_non_contiguous_and_used_twice():
    check(
        lambda lib, x, w: F(lib).layer_norm(x.mT, (3,), w) * x.mT,
        arr(2, 3, 4),
        arr(3),
        rtol=1e-4,
        atol=1e-5,
    )
    check(lambda lib, x, b: F(lib).layer_norm(x, (4,), None, b), arr(0, 4), arr(4))


@pytest.mark.parametrize(
    "shape,groups", [((2, 6), 2), ((2, 6, 5), 2), ((3, 4, 2, 3), 4), ((2, 4, 3), 1)]
)
def test_group_norm(shape, groups):
    check(
        lambda lib, x, w, b: F(lib).group_norm(x, groups, w, b, 1e-3),
        arr(*shape),
        arr(shape[1]),
        arr(shape[1]),
        rtol=1e-4,
        atol=1e-5,
    )
    check(lambda lib, x: F(lib).group_norm(x, groups), arr(*shape), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("eps", [None, 1e-3])
def test_rms_norm(eps):
    check(
        lambda lib, x, w: F(lib).rms_norm(x, (3, 4), w, eps),
        arr(2, 3, 4),
        arr(3, 4),
        rtol=1e-4,
        atol=1e-5,
    )
    check(lambda lib, x: F(lib).rms_norm(x, (4,), None, eps), arr(5, 4, dtype=np.float64))


@pytest.mark.parametrize(
    "shape,size", [((2, 5, 3), 3), ((2, 5, 3, 2), 2), ((1, 4, 2, 2, 2), 4), ((2, 3, 4), 1)]
)
def test_local_response_norm(shape, size):
    check(
        lambda lib, x: F(lib).local_response_norm(x, size, alpha=0.3, beta=0.6, k=1.5),
        arr(*shape),
        rtol=1e-4,
        atol=1e-5,
    )


GRADCHECK = {
    "batch_norm": (
        lambda lib, x, w, b: F(lib).batch_norm(x, None, None, w, b, True),
        (arr(3, 2, 2), arr(2), arr(2)),
    ),
    "batch_norm_2d": (
        lambda lib, x, w: F(lib).batch_norm(x, None, None, w, None, True),
        (arr(4, 3), arr(3)),
    ),
    "batch_norm_eval": (
        lambda lib, x, w, b, rm: F(lib).batch_norm(x, rm, rm * rm + 0.5, w, b, False),
        (arr(3, 2, 2), arr(2), arr(2), arr(2)),
    ),
    "instance_norm": (
        lambda lib, x, w, b: F(lib).instance_norm(x, None, None, w, b),
        (arr(2, 2, 3), arr(2), arr(2)),
    ),
    "layer_norm": (
        lambda lib, x, w, b: F(lib).layer_norm(x, (3,), w, b),
        (arr(3, 3), arr(3), arr(3)),
    ),
    "layer_norm_2d": (lambda lib, x: F(lib).layer_norm(x, (2, 3)), (arr(2, 2, 3),)),
    "group_norm": (
        lambda lib, x, w, b: F(lib).group_norm(x, 2, w, b),
        (arr(2, 4, 1), arr(4), arr(4)),
    ),
    "rms_norm": (lambda lib, x, w: F(lib).rms_norm(x, (3,), w), (arr(3, 3), arr(3))),
    "local_response_norm": (
        lambda lib, x: F(lib).local_response_norm(x, 2, alpha=0.5),
        (arr(1, 3, 3),),
    ),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_gradcheck_and_gradgradcheck(name):
    fn, arrays = GRADCHECK[name]
    check_gradcheck(fn, *arrays)


def test_double_backward_matches_torch():
    x, w = arr(4, 3, 2, dtype=np.float64), arr(3, dtype=np.float64)
    cots = {(4, 3, 2): arr(4, 3, 2, dtype=np.float64), (4, 2, 3): arr(4, 2, 3, dtype=np.float64)}

    def second(lib, fn):
        xt = lib.tensor(x, requires_grad=True)
        wt = lib.tensor(w, requires_grad=True)
        y = fn(lib, xt, wt)
        gx, gw = lib.autograd.grad(
            (y * lib.tensor(cots[tuple(y.shape)])).sum(), (xt, wt), create_graph=True
        )
        return lib.autograd.grad((gx * gx).sum() + (gw * gw).sum(), (xt, wt))

    for fn in (
        lambda lib, a, b: F(lib).batch_norm(a, None, None, b, None, True),
        lambda lib, a, b: F(lib).group_norm(a, 3, b),
        lambda lib, a, b: F(lib).layer_norm(a.transpose(1, 2), (2, 3), b.expand(2, 3)),
    ):
        for e, t in zip(second(ember, fn), second(torch, fn)):
            assert_same(e, t, rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------------------- modules


def copy_state(t_mod, e_mod):
    sd = {k: ember.tensor(v.detach().numpy()) for k, v in t_mod.state_dict().items()}
    e_mod.load_state_dict(sd)


def randomize(t_mod):
    with torch.no_grad():
        for p in t_mod.parameters():
            p.copy_(torch.tensor(arr(*p.shape)))


def assert_module_step(e_mod, t_mod, x, rtol=1e-4, atol=1e-5):
    """One forward/backward with the same input and cotangent: outputs, all grads, buffers."""
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ye, yt = e_mod(ex), t_mod(tx)
    assert_same(ye, yt, rtol, atol)
    c = arr(*yt.shape)
    (ye * ember.tensor(c)).sum().backward()
    (yt * torch.tensor(c)).sum().backward()
    assert_same(ex.grad, tx.grad, rtol, atol, what="input grad")
    for (ke, pe), (kt, pt) in zip(e_mod.named_parameters(), t_mod.named_parameters()):
        assert ke == kt
        assert_same(pe.grad, pt.grad, rtol, atol, what=f"grad of {ke}")
    for (ke, be), (kt, bt) in zip(e_mod.named_buffers(), t_mod.named_buffers()):
        assert ke == kt
        assert_same(be, bt, rtol, atol, what=ke)


BN_CASES = [
    ("BatchNorm1d", (5, 4)),
    ("BatchNorm1d", (3, 4, 6)),
    ("BatchNorm2d", (2, 4, 3, 3)),
    ("BatchNorm3d", (2, 4, 2, 3, 2)),
]


@pytest.mark.parametrize("name,shape", BN_CASES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"momentum": None},
        {"affine": False},
        {"track_running_stats": False},
        {"bias": False, "eps": 1e-3},
    ],
)
def test_batchnorm_modules_train_then_eval(name, shape, kwargs):
    e_mod, t_mod = getattr(EB, name)(4, **kwargs), getattr(torch.nn, name)(4, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())
    randomize(t_mod)
    copy_state(t_mod, e_mod)
    for _ in range(3):
        assert_module_step(e_mod, t_mod, arr(*shape) * 2 + 1)
    e_mod.eval()
    t_mod.eval()
    assert_module_step(e_mod, t_mod, arr(*shape))
    if e_mod.track_running_stats:
        assert int(e_mod.num_batches_tracked) == 3


def test_batchnorm_buffers_and_state_dict_like_torch():
    e_mod, t_mod = EB.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    assert [
        (k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in e_mod.state_dict().items()
    ] == [(k, tuple(v.shape), str(v.dtype).split(".")[-1]) for k, v in t_mod.state_dict().items()]
    for (ke, ve), (_kt, vt) in zip(e_mod.state_dict().items(), t_mod.state_dict().items()):
        assert_same(ve, vt, what=ke)
    legacy = {
        k: ember.tensor(v.numpy())
        for k, v in t_mod.state_dict().items()
        if k != "num_batches_tracked"
    }
    e_mod.load_state_dict(legacy)  # version-1 checkpoints lack num_batches_tracked: accepted


def test_batchnorm_input_checks():
    for mod, bad in [
        (EB.BatchNorm1d(3), (2, 3, 2, 2)),
        (EB.BatchNorm2d(3), (2, 3, 2)),
        (EB.BatchNorm3d(3), (2, 3)),
    ]:
        name = type(mod).__name__
        t_mod = getattr(torch.nn, name)(3)
        with pytest.raises(ValueError) as te:
            t_mod(torch.zeros(bad))
        with pytest.raises(ValueError) as ee:
            mod(ember.zeros(bad))
        assert str(ee.value) == str(te.value)
    msg = check_error(
        lambda lib, x: (EB if lib is ember else torch.nn).BatchNorm2d(4)(x), arr(2, 3, 2, 2)
    )
    assert msg == "running_mean should contain 3 elements not 4"


@pytest.mark.parametrize(
    "name,shape",
    [
        ("InstanceNorm1d", (2, 3, 5)),
        ("InstanceNorm1d", (3, 5)),
        ("InstanceNorm2d", (2, 3, 4, 4)),
        ("InstanceNorm3d", (3, 2, 3, 2)),
    ],
)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"affine": True, "track_running_stats": True},
        {"track_running_stats": True, "momentum": 0.4},
    ],
)
def test_instancenorm_modules(name, shape, kwargs):
    e_mod, t_mod = getattr(EB, name)(3, **kwargs), getattr(torch.nn, name)(3, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict())
    randomize(t_mod)
    copy_state(t_mod, e_mod)
    for _ in range(2):
        assert_module_step(e_mod, t_mod, arr(*shape) + 0.5)
    e_mod.eval()
    t_mod.eval()
    assert_module_step(e_mod, t_mod, arr(*shape))


def test_instancenorm_feature_checks():
    x = arr(2, 4, 5)
    with pytest.warns(UserWarning, match="does not match num_features"):
        EB.InstanceNorm1d(3)(ember.tensor(x))
    msg = check_error(
        lambda lib, a: (EB if lib is ember else torch.nn).InstanceNorm1d(3, affine=True)(a), x
    )
    assert msg == "expected input's size at dim=1 to match num_features (3), but got: 4."
    msg = check_error(
        lambda lib, a: (EB if lib is ember else torch.nn).InstanceNorm2d(4)(a), arr(4, 5)
    )
    assert msg == "expected 3D or 4D input (got 2D input)"


@pytest.mark.parametrize(
    "kwargs", [{}, {"elementwise_affine": False}, {"bias": False}, {"eps": 1e-3}]
)
@pytest.mark.parametrize("normalized", [6, (5, 6)])
def test_layernorm_module(normalized, kwargs):
    e_mod, t_mod = EN.LayerNorm(normalized, **kwargs), torch.nn.LayerNorm(normalized, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    randomize(t_mod)
    copy_state(t_mod, e_mod)
    assert_module_step(e_mod, t_mod, arr(3, 5, 6))


@pytest.mark.parametrize("kwargs", [{}, {"affine": False}, {"bias": False, "eps": 1e-4}])
def test_groupnorm_module(kwargs):
    e_mod, t_mod = EN.GroupNorm(2, 6, **kwargs), torch.nn.GroupNorm(2, 6, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    randomize(t_mod)
    copy_state(t_mod, e_mod)
    assert_module_step(e_mod, t_mod, arr(3, 6, 4))
    with pytest.raises(ValueError, match=r"num_channels \(6\) must be divisible by num_groups"):
        EN.GroupNorm(4, 6)


@pytest.mark.parametrize("kwargs", [{}, {"eps": 1e-2}, {"elementwise_affine": False}])
def test_rmsnorm_module(kwargs):
    e_mod, t_mod = EN.RMSNorm([3, 4], **kwargs), torch.nn.RMSNorm([3, 4], **kwargs)
    assert repr(e_mod) == repr(t_mod)
    randomize(t_mod)
    copy_state(t_mod, e_mod)
    assert_module_step(e_mod, t_mod, arr(2, 3, 4))


def test_local_response_norm_module():
    e_mod, t_mod = (
        EN.LocalResponseNorm(3, 0.2, 0.5, 2.0),
        torch.nn.LocalResponseNorm(3, 0.2, 0.5, 2.0),
    )
    assert repr(e_mod) == repr(t_mod)
    assert_module_step(e_mod, t_mod, arr(2, 5, 3, 3))


def test_module_double_and_default_init():
    e_mod = EB.BatchNorm2d(3).double()
    out = e_mod(ember.randn(2, 3, 2, 2, dtype=ember.float64))
    assert out.dtype is ember.float64 and e_mod.running_mean.dtype is ember.float64
    ln = EN.LayerNorm(4)
    assert ln.weight.tolist() == [1.0] * 4 and ln.bias.tolist() == [0.0] * 4


# ---------------------------------------------------------------------------- errors


ERRORS = [
    (lambda lib, x: F(lib).batch_norm(x, lib.zeros(4), lib.ones(3), training=True), (4, 3, 5)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, lib.ones(4), training=True), (4, 3)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, None, lib.ones(2), training=True), (4, 3)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, training=False), (4, 3)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, training=True), (1, 3)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, training=True), (3,)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, training=True, eps=0.0), (4, 3)),
    (lambda lib, x: F(lib).batch_norm(x, None, None, training=True, momentum=None), (4, 3)),
    (lambda lib, x: F(lib).instance_norm(x, lib.zeros(4), lib.ones(4)), (4, 3, 5)),
    (lambda lib, x: F(lib).instance_norm(x), (2, 3, 1)),
    (lambda lib, x: F(lib).layer_norm(x, (4,)), (4, 3, 5)),
    (lambda lib, x: F(lib).layer_norm(x, (3, 6)), (4, 3, 5)),
    (lambda lib, x: F(lib).layer_norm(x, (5,), lib.ones(4)), (4, 3, 5)),
    (lambda lib, x: F(lib).layer_norm(x, (5,), None, lib.ones(4)), (4, 3, 5)),
    (lambda lib, x: F(lib).layer_norm(x, ()), (4, 3, 5)),
    (lambda lib, x: F(lib).group_norm(x, 2), (4, 3, 5)),
    (lambda lib, x: F(lib).group_norm(x, 3, lib.ones(4)), (4, 3, 5)),
    (lambda lib, x: F(lib).group_norm(x, 1), (3,)),
    (lambda lib, x: F(lib).group_norm(x, 3), (1, 3)),
    (lambda lib, x: F(lib).rms_norm(x, (4,)), (4, 3, 5)),
    (lambda lib, x: F(lib).rms_norm(x, (3, 6)), (4, 3, 5)),
    (lambda lib, x: F(lib).local_response_norm(x, 2), (2, 3)),
    (lambda lib, x: F(lib).layer_norm(x, 5), (4, 3, 5)),
    (lambda lib, x: F(lib).rms_norm(x, 5), (4, 3, 5)),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors_match_torch(k):
    fn, shape = ERRORS[k]
    x = arr(*shape)
    try:
        fn(torch, torch.tensor(x))
    except Exception as e:  # noqa: BLE001 - compare whatever torch raises
        expected = str(e).replace("torch.Size", "ember.Size")
    msg = check_error(fn, x)
    assert msg == expected


def test_integer_input_rejected_like_torch():
    x = np.arange(8).reshape(2, 4)
    for fn in (
        lambda lib, a: F(lib).batch_norm(a, None, None, training=True),
        lambda lib, a: F(lib).layer_norm(a, (4,)),
    ):
        check_error(fn, x)
