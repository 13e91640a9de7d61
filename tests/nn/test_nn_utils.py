"""ember.nn.utils against torch.nn.utils with identical models: gradient clipping, parameter
vectors, parametrizations (custom, weight_norm, spectral_norm), the legacy hook-based
weight_norm / spectral_norm, and conv / linear + batch-norm fusion."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
import ember.nn.utils as EU
from ember.nn.utils import parametrizations as EPN
from ember.nn.utils import parametrize as EPZ

from ..oracle import assert_same

RNG = np.random.default_rng(3)


def utils(lib):
    return EU if lib is ember else torch.nn.utils


def rand(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def copy_state(src, dst):
    """torch state_dict -> ember module (strict: proves the keys and shapes match)."""
    dst.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})


def twin_linear(*args, **kw):
    t = torch.nn.Linear(*args, **kw)
    e = ember.nn.Linear(*args, **kw)
    copy_state(t, e)
    return t, e


def backward_both(t_mod, e_mod, x, scale=1.0):
    yt = t_mod(torch.tensor(x))
    ye = e_mod(ember.tensor(x))
    assert_same(ye, yt, atol=1e-5)
    (yt * yt).sum().mul(scale).backward()
    (ye * ye).sum().mul(scale).backward()
    return yt, ye


def assert_grads(t_mod, e_mod, atol=1e-5):
    for (kt, pt), (ke, pe) in zip(t_mod.named_parameters(), e_mod.named_parameters()):
        assert kt == ke
        if pt.grad is None:
            assert pe.grad is None, kt
        else:
            assert_same(pe.grad, pt.grad, atol=atol, what=f"grad of {kt}")


# ---------------------------------------------------------------------------- clipping


@pytest.mark.parametrize("norm_type", [2.0, 1, math.inf, 0.5, 3.0, "inf"])
@pytest.mark.parametrize("max_norm", [0.1, 1e4])
def test_clip_grad_norm(norm_type, max_norm):
    t, e = twin_linear(4, 3)
    backward_both(t, e, rand(5, 4))
    nt = torch.nn.utils.clip_grad_norm_(t.parameters(), max_norm, norm_type)
    ne = EU.clip_grad_norm_(e.parameters(), max_norm, norm_type)
    assert_same(ne, nt, atol=1e-5)
    assert_grads(t, e)


def test_clip_grad_norm_variants():
    t, e = twin_linear(3, 2)
    backward_both(t, e, rand(4, 3))
    # a single tensor, foreach flags, the deprecated alias
    assert_same(
        EU.clip_grad_norm_(e.weight, 0.5, foreach=True),
        torch.nn.utils.clip_grad_norm_(t.weight, 0.5, foreach=True),
    )
    assert_same(
        EU.clip_grad_norm_(list(e.parameters()), 0.3, foreach=False),
        torch.nn.utils.clip_grad_norm_(list(t.parameters()), 0.3, foreach=False),
    )
    with pytest.warns(FutureWarning):
        ne = EU.clip_grad_norm(e.parameters(), 0.2)
    with pytest.warns(FutureWarning):
        nt = torch.nn.utils.clip_grad_norm(t.parameters(), 0.2)
    assert_same(ne, nt)
    assert_grads(t, e)
    # parameters without gradients, an empty list, an empty generator
    fresh_t, fresh_e = twin_linear(2, 2)
    assert_same(
        EU.clip_grad_norm_(fresh_e.parameters(), 1.0),
        torch.nn.utils.clip_grad_norm_(fresh_t.parameters(), 1.0),
    )
    assert_same(EU.clip_grad_norm_([], 1.0), torch.nn.utils.clip_grad_norm_([], 1.0))
    with pytest.warns(UserWarning, match="empty generator"):
        EU.clip_grad_norm_((p for p in []), 1.0)


def test_clip_grad_norm_nonfinite():
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.tensor([math.inf, 1.0, 2.0])
        with pytest.raises(RuntimeError, match="non-finite"):
            utils(lib).clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    pe = ember.nn.Parameter(ember.ones(3))
    pe.grad = ember.tensor([math.inf, 1.0, 2.0])
    pt = torch.nn.Parameter(torch.ones(3))
    pt.grad = torch.tensor([math.inf, 1.0, 2.0])
    assert_same(EU.clip_grad_norm_([pe], 1.0), torch.nn.utils.clip_grad_norm_([pt], 1.0))
    assert_same(pe.grad, pt.grad)


def test_total_norm_and_clip_with_norm():
    t, e = twin_linear(4, 3)
    backward_both(t, e, rand(6, 4))
    grads_t = [p.grad for p in t.parameters()]
    grads_e = [p.grad for p in e.parameters()]
    for norm_type in (2.0, 1.0, math.inf):
        assert_same(
            EU.get_total_norm(grads_e, norm_type),
            torch.nn.utils.get_total_norm(grads_t, norm_type),
            atol=1e-5,
        )
    mixed = [rand(3), rand(2, 2).astype(np.float64)]
    assert_same(
        EU.get_total_norm([ember.tensor(a) for a in mixed]),
        torch.nn.utils.get_total_norm([torch.tensor(a) for a in mixed]),
    )
    total_t = torch.nn.utils.get_total_norm(grads_t)
    total_e = EU.get_total_norm(grads_e)
    torch.nn.utils.clip_grads_with_norm_(t.parameters(), 0.25, total_t)
    EU.clip_grads_with_norm_(e.parameters(), 0.25, total_e)
    assert_grads(t, e)


@pytest.mark.parametrize("clip", [0.05, 1.0])
def test_clip_grad_value(clip):
    t, e = twin_linear(4, 3)
    backward_both(t, e, rand(5, 4))
    torch.nn.utils.clip_grad_value_(t.parameters(), clip)
    EU.clip_grad_value_(e.parameters(), clip)
    assert_grads(t, e)
    torch.nn.utils.clip_grad_value_(t.weight, clip / 2, foreach=True)
    EU.clip_grad_value_(e.weight, clip / 2, foreach=True)
    assert_grads(t, e)


# ---------------------------------------------------------------------------- vectors


def test_parameters_to_vector_and_back():
    t, e = twin_linear(3, 2)
    vt = torch.nn.utils.parameters_to_vector(t.parameters())
    ve = EU.parameters_to_vector(e.parameters())
    assert_same(ve, vt)
    cot = rand(*vt.shape)
    (vt * torch.tensor(cot)).sum().backward()
    (ve * ember.tensor(cot)).sum().backward()
    assert_grads(t, e)
    new = rand(*vt.shape)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t.parameters())
    EU.vector_to_parameters(ember.tensor(new), e.parameters())
    for pt, pe in zip(t.parameters(), e.parameters()):
        assert_same(pe, pt)
        assert isinstance(pe, ember.nn.Parameter)
    x = rand(4, 3)
    assert_same(e(ember.tensor(x)), t(torch.tensor(x)))
    for lib in (ember, torch):
        with pytest.raises(TypeError, match="expected torch.Tensor"):
            utils(lib).vector_to_parameters([1.0], [])


# ---------------------------------------------------------------------------- parametrize


def symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

        def right_inverse(self, a):
            return a.triu()

    return Symmetric()


def scaled(lib):
    class Scale(lib.nn.Module):
        def forward(self, x):
            return x * 2.0

        def right_inverse(self, a):
            return a / 2.0

    return Scale()


def parametrized_pair(*parts):
    t, e = twin_linear(3, 3)
    for make in parts:
        torch.nn.utils.parametrize.register_parametrization(t, "weight", make(torch))
        EPZ.register_parametrization(e, "weight", make(ember))
    return t, e


def test_register_parametrization_matches_torch():
    t, e = parametrized_pair(symmetric, scaled)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [k for k, _ in e.named_parameters()] == [k for k, _ in t.named_parameters()]
    assert "parametrizations.weight.original" in e.state_dict()
    assert repr(e) == repr(t)
    assert type(e).__name__ == type(t).__name__ == "ParametrizedLinear"
    assert EPZ.type_before_parametrizations(e) is ember.nn.Linear
    assert EPZ.is_parametrized(e) and EPZ.is_parametrized(e, "weight")
    assert not EPZ.is_parametrized(e, "bias")
    assert_same(e.weight, t.weight)
    backward_both(t, e, rand(4, 3))
    assert_grads(t, e)
    # torch weights load into the parametrized ember module
    t2, _ = parametrized_pair(symmetric, scaled)
    copy_state(t2, e)
    assert_same(e.weight, t2.weight)


def test_parametrization_setter_cache_and_remove():
    t, e = parametrized_pair(symmetric)
    value = rand(3, 3)
    value = value + value.T
    with torch.no_grad():
        t.weight = torch.tensor(value)
    e.weight = ember.tensor(value)
    assert_same(e.parametrizations.weight.original, t.parametrizations.weight.original)
    with EPZ.cached():
        first = e.weight
        assert e.weight is first
    assert e.weight is not first
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight")
    EPZ.remove_parametrizations(e, "weight")
    assert type(e) is ember.nn.Linear
    assert not hasattr(e, "parametrizations")
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert isinstance(e.weight, ember.nn.Parameter)
    assert_same(e.weight, t.weight)
    # leave_parametrized=False keeps the stored original
    t, e = parametrized_pair(scaled)
    torch.nn.utils.parametrize.remove_parametrizations(t, "weight", leave_parametrized=False)
    EPZ.remove_parametrizations(e, "weight", leave_parametrized=False)
    assert_same(e.weight, t.weight)


def test_parametrization_errors():
    class Grow(ember.nn.Module):
        def forward(self, x):
            return ember.cat([x, x])

    e = ember.nn.Linear(2, 2)
    with pytest.raises(ValueError, match="does not have a parameter"):
        EPZ.register_parametrization(e, "nope", scaled(ember))
    with pytest.raises(ValueError, match="may not change the shape"):
        EPZ.register_parametrization(e, "weight", Grow())
    with pytest.raises(ValueError, match="does not have a parametrization"):
        EPZ.remove_parametrizations(e, "weight")
    EPZ.register_parametrization(e, "weight", scaled(ember))
    with pytest.raises(RuntimeError, match="state_dict"):
        e.__getstate__()


# ---------------------------------------------------------------------------- weight norm


@pytest.mark.parametrize("dim", [0, 1, None, -1])
def test_parametrized_weight_norm(dim):
    t, e = twin_linear(4, 3)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    EPN.weight_norm(e, dim=dim)
    assert list(e.state_dict()) == list(t.state_dict())
    assert "parametrizations.weight.original0" in e.state_dict()
    assert repr(e) == repr(t)
    assert_same(e.parametrizations.weight.original0, t.parametrizations.weight.original0)
    backward_both(t, e, rand(5, 4))
    assert_grads(t, e)


def test_weight_norm_conv_and_legacy_state_dict_loading():
    t = torch.nn.Conv2d(2, 3, 3)
    e = ember.nn.Conv2d(2, 3, 3)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(t)
    e_new = ember.nn.Conv2d(2, 3, 3)
    EPN.weight_norm(e_new)
    # a state dict of the legacy weight_norm loads into the parametrized one
    copy_state(t, e_new)
    x = rand(2, 2, 5, 5)
    assert_same(e_new(ember.tensor(x)), t(torch.tensor(x)), atol=1e-5)
    with pytest.warns(FutureWarning):
        EU.weight_norm(e)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight_g", "weight_v"]
    copy_state(t, e)
    backward_both(t, e, x)
    assert_grads(t, e)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_legacy_weight_norm(dim):
    t, e = twin_linear(4, 3)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(t, dim=dim)
    with pytest.warns(FutureWarning):
        EU.weight_norm(e, dim=dim)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight_g, t.weight_g)
    backward_both(t, e, rand(5, 4))
    assert_grads(t, e)
    with (
        pytest.raises(RuntimeError, match="Cannot register two weight_norm hooks"),
        pytest.warns(FutureWarning),
    ):
        EU.weight_norm(e, dim=dim)
    torch.nn.utils.remove_weight_norm(t)
    EU.remove_weight_norm(e)
    assert list(e.state_dict()) == list(t.state_dict()) == ["bias", "weight"]
    assert_same(e.weight, t.weight)
    with pytest.raises(ValueError, match="weight_norm of 'weight' not found"):
        EU.remove_weight_norm(e)


# ---------------------------------------------------------------------------- spectral norm


@pytest.mark.parametrize(
    "make,kw",
    [
        (lambda lib: lib.nn.Linear(4, 3), {}),
        (lambda lib: lib.nn.Conv2d(2, 3, 2), dict(n_power_iterations=3)),
        (lambda lib: lib.nn.ConvTranspose2d(2, 3, 2), {}),
        (lambda lib: lib.nn.Linear(3, 5), dict(dim=1, eps=1e-6)),
    ],
)
def test_parametrized_spectral_norm(make, kw):
    t, e = make(torch), make(ember)
    torch.nn.utils.parametrizations.spectral_norm(t, **kw)
    EPN.spectral_norm(e, **kw)
    assert list(e.state_dict()) == list(t.state_dict())
    assert repr(e) == repr(t)
    copy_state(t, e)
    shape = (
        (2, 4)
        if isinstance(t, torch.nn.Linear) and t.in_features == 4
        else (2, 3)
        if isinstance(t, torch.nn.Linear)
        else (1, 2, 3, 3)
    )
    x = rand(*shape)
    for _ in range(2):  # training: the power iteration advances the buffers each call
        backward_both(t, e, x)
    assert_grads(t, e, atol=1e-4)
    for (k, bt), (_, be) in zip(t.named_buffers(), e.named_buffers()):
        assert_same(be, bt, atol=1e-5, what=k)
    t.eval()
    e.eval()
    assert_same(e(ember.tensor(x)), t(torch.tensor(x)), atol=1e-5)


def test_parametrized_spectral_norm_errors():
    with pytest.raises(ValueError, match="has no parameter or buffer"):
        EPN.spectral_norm(ember.nn.Linear(2, 2), name="nope")
    with pytest.raises(IndexError, match="Dimension out of range"):
        EPN.spectral_norm(ember.nn.Linear(2, 2), dim=2)
    with pytest.raises(ValueError, match="n_power_iterations"):
        EPN.spectral_norm(ember.nn.Linear(2, 2), n_power_iterations=0)


@pytest.mark.parametrize(
    "make", [lambda lib: lib.nn.Linear(4, 3), lambda lib: lib.nn.ConvTranspose1d(3, 2, 2)]
)
def test_legacy_spectral_norm(make):
    t, e = make(torch), make(ember)
    torch.nn.utils.spectral_norm(t)
    EU.spectral_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.state_dict()._metadata[""]["spectral_norm"] == {"weight.version": 1}
    copy_state(t, e)
    x = rand(2, 4) if isinstance(t, torch.nn.Linear) else rand(2, 3, 4)
    for _ in range(2):
        backward_both(t, e, x)
    assert_grads(t, e, atol=1e-4)
    assert_same(e.weight_u, t.weight_u, atol=1e-5)
    assert_same(e.weight_v, t.weight_v, atol=1e-5)
    with pytest.raises(RuntimeError, match="Cannot register two spectral_norm hooks"):
        EU.spectral_norm(e)
    torch.nn.utils.remove_spectral_norm(t)
    EU.remove_spectral_norm(e)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_same(e.weight, t.weight, atol=1e-5)
    assert not e._state_dict_hooks and not e._load_state_dict_pre_hooks


# ---------------------------------------------------------------------------- fusion


def _batchnorm_pair(lib_cls_t, lib_cls_e, n):
    bt, be = lib_cls_t(n), lib_cls_e(n)
    with torch.no_grad():
        bt.weight.copy_(torch.tensor(rand(n)))
        bt.bias.copy_(torch.tensor(rand(n)))
        bt.running_mean.copy_(torch.tensor(rand(n)))
        bt.running_var.copy_(torch.tensor(np.abs(rand(n)) + 0.5))
    copy_state(bt, be)
    return bt.eval(), be.eval()


@pytest.mark.parametrize("transpose", [False, True])
def test_fuse_conv_bn(transpose):
    cls = "ConvTranspose2d" if transpose else "Conv2d"
    ct, ce = getattr(torch.nn, cls)(2, 3, 3), getattr(ember.nn, cls)(2, 3, 3)
    copy_state(ct, ce)
    bt, be = _batchnorm_pair(torch.nn.BatchNorm2d, ember.nn.BatchNorm2d, 3)
    ct.eval()
    ce.eval()
    ft = torch.nn.utils.fuse_conv_bn_eval(ct, bt, transpose=transpose)
    fe = EU.fuse_conv_bn_eval(ce, be, transpose=transpose)
    assert_same(fe.weight, ft.weight, atol=1e-5)
    assert_same(fe.bias, ft.bias, atol=1e-5)
    assert isinstance(fe.weight, ember.nn.Parameter) and fe is not ce
    x = rand(2, 2, 4, 4)
    assert_same(fe(ember.tensor(x)), bt(ct(torch.tensor(x))), atol=1e-4)
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        EU.fuse_conv_bn_eval(ce.train(), be)


def test_fuse_linear_bn_and_weights():
    lt, le = twin_linear(4, 3)
    bt, be = _batchnorm_pair(torch.nn.BatchNorm1d, ember.nn.BatchNorm1d, 3)
    lt.eval()
    le.eval()
    ft = torch.nn.utils.fuse_linear_bn_eval(lt, bt)
    fe = EU.fuse_linear_bn_eval(le, be)
    x = rand(5, 4)
    assert_same(fe(ember.tensor(x)), ft(torch.tensor(x)), atol=1e-5)
    assert_same(fe(ember.tensor(x)), bt(lt(torch.tensor(x))), atol=1e-4)
    # no conv bias, no affine batch norm
    w = rand(3, 2, 1)
    args = [rand(3), np.abs(rand(3)) + 0.1]
    wt, bt_ = torch.nn.utils.fuse_conv_bn_weights(
        torch.tensor(w), None, *map(torch.tensor, args), 1e-5, None, None
    )
    we, be_ = EU.fuse_conv_bn_weights(
        ember.tensor(w), None, *map(ember.tensor, args), 1e-5, None, None
    )
    assert_same(we, wt)
    assert_same(be_, bt_)
    assert we.requires_grad is wt.requires_grad and be_.requires_grad is bt_.requires_grad
