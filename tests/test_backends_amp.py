"""torch.backends / torch.compile / torch.amp / torch.utils.checkpoint compatibility, checked
against real torch (CPU build) wherever torch's behaviour can be observed."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch

import ember
import ember.backends
import ember.utils.checkpoint as ecp
from ember import _compile
from ember.amp import GradScaler, autocast, get_autocast_dtype, is_autocast_enabled

NO_CUDA = not ember.cuda.is_available()


# --- GradScaler vs torch ------------------------------------------------------------------------
def _pair(lib, w, b):
    model = lib.nn.Linear(3, 2)
    with lib.no_grad():
        model.weight.copy_(lib.tensor(w))
        model.bias.copy_(lib.tensor(b))
    return model, lib.optim.SGD(model.parameters(), lr=0.1)


def _run_scaler(lib, x, y, w, b, inf_steps, explicit_unscale=False, **kw):
    model, opt = _pair(lib, w, b)
    scaler = lib.amp.GradScaler("cpu", **kw)
    log = []
    for it in range(len(x)):
        opt.zero_grad()
        loss = ((model(lib.tensor(x[it])) - lib.tensor(y[it])) ** 2).mean()
        scaler.scale(loss).backward()
        if it in inf_steps:
            with lib.no_grad():
                model.weight.grad[0, 1] = float("inf") if it % 2 else float("nan")
        if explicit_unscale:
            scaler.unscale_(opt)
            grad = model.bias.grad.detach().numpy().copy()
        ret = scaler.step(opt)
        scaler.update()
        log.append(
            (
                scaler.get_scale(),
                scaler.state_dict()["_growth_tracker"],
                ret,
                model.weight.detach().numpy().copy(),
                model.bias.detach().numpy().copy(),
            )
        )
        if explicit_unscale:
            log.append(grad)
    return log


@pytest.mark.parametrize("explicit_unscale", [False, True])
def test_grad_scaler_matches_torch(explicit_unscale):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 4, 3)).astype(np.float32)
    y = rng.standard_normal((12, 4, 2)).astype(np.float32)
    w = rng.standard_normal((2, 3)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    kw = dict(init_scale=8.0, growth_factor=4.0, backoff_factor=0.25, growth_interval=3)
    inf_steps = {1, 2, 7}
    ours = _run_scaler(ember, x, y, w, b, inf_steps, explicit_unscale, **kw)
    ref = _run_scaler(torch, x, y, w, b, inf_steps, explicit_unscale, **kw)
    scales = [entry[0] for entry in ref if isinstance(entry, tuple)]
    assert len(set(scales)) > 2  # the sequence really backs off and grows
    for a, r in zip(ours, ref):
        if isinstance(r, tuple):
            assert a[:3] == r[:3]
            np.testing.assert_allclose(a[3], r[3], rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(a[4], r[4], rtol=1e-5, atol=1e-6)
        else:
            np.testing.assert_allclose(a, r, rtol=1e-5, atol=1e-6)


def test_grad_scaler_scale_nested_and_state():
    s, t = GradScaler("cpu", init_scale=3.0), torch.amp.GradScaler("cpu", init_scale=3.0)
    assert s.get_scale() == t.get_scale() and s.state_dict() == t.state_dict()
    vals = [1.0, 2.0]
    out = s.scale([ember.tensor(vals), (ember.tensor(vals), ember.tensor(0.5))])
    ref = t.scale([torch.tensor(vals), (torch.tensor(vals), torch.tensor(0.5))])
    assert isinstance(out, list) and isinstance(out[1], tuple)
    np.testing.assert_array_equal(out[1][0].numpy(), ref[1][0].numpy())
    assert out[1][1].item() == ref[1][1].item()
    with pytest.raises(ValueError):
        s.scale([1.0])
    s.update(5.0)
    t.update(5.0)
    assert s.get_scale() == t.get_scale() == 5.0
    other = GradScaler("cpu")
    other.load_state_dict(s.state_dict())
    assert other.state_dict() == s.state_dict()
    clone = pickle.loads(pickle.dumps(s))
    assert clone.state_dict() == s.state_dict()


def test_grad_scaler_errors_like_torch():
    for lib in (ember, torch):
        scaler = lib.amp.GradScaler("cpu")
        model = lib.nn.Linear(2, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        with pytest.raises(AssertionError):
            scaler.step(opt)  # scale() never called
        scaler.scale(model(lib.ones(1, 2)).sum()).backward()
        scaler.unscale_(opt)
        with pytest.raises(RuntimeError, match="already been called"):
            scaler.unscale_(opt)
        scaler.step(opt)
        with pytest.raises(RuntimeError, match="after step"):
            scaler.unscale_(opt)
        with pytest.raises(RuntimeError, match="Closure"):
            scaler.step(opt, closure=lambda: 0)
        with pytest.raises(AssertionError):
            lib.amp.GradScaler("cpu", growth_factor=1.0)
        scaler.update()
        model.half() if lib is torch else model.to(ember.float16)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        scaler.scale(model(lib.ones(1, 2, dtype=lib.float16)).sum()).backward()
        with pytest.raises(ValueError, match="FP16"):
            scaler.unscale_(opt)


def test_grad_scaler_disabled_is_passthrough():
    s = GradScaler("cpu", enabled=False)
    x = ember.ones(2)
    assert s.scale(x) is x and s.get_scale() == 1.0 and s.state_dict() == {}
    model = ember.nn.Linear(2, 1)
    opt = ember.optim.SGD(model.parameters(), lr=1.0)
    model(ember.ones(1, 2)).sum().backward()
    before = model.bias.detach().numpy().copy()
    s.step(opt)
    s.update()
    np.testing.assert_allclose(model.bias.detach().numpy(), before - 1.0)


@pytest.mark.skipif(not NO_CUDA, reason="checks the no-CUDA fallback")
def test_cuda_scaler_without_cuda_warns_and_disables():
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ref = torch.amp.GradScaler("cuda")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        ours = GradScaler("cuda")
    assert ours.is_enabled() == ref.is_enabled() is False
    import ember.cuda.amp as ecamp

    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning):
        scaler = ecamp.GradScaler()
    assert not scaler.is_enabled()
    with pytest.warns(FutureWarning, match="deprecated"), pytest.warns(UserWarning):
        ac = ecamp.autocast()
    with ac:
        assert not is_autocast_enabled("cuda")


# --- autocast -----------------------------------------------------------------------------------
def _autocast_trace(make, get_dtype, enabled, half):
    trace = [enabled("cpu")]
    with make("cpu"):
        trace += [enabled("cpu"), str(get_dtype("cpu")).split(".")[-1]]
        with make("cpu", enabled=False):
            trace.append(enabled("cpu"))
        trace.append(enabled("cpu"))
    trace.append(enabled("cpu"))

    @make("cpu", dtype=half)
    def inside():
        return enabled("cpu"), str(get_dtype("cpu")).split(".")[-1]

    return [*trace, *inside(), enabled("cpu")]


def test_autocast_state_matches_torch():
    ours = _autocast_trace(autocast, get_autocast_dtype, is_autocast_enabled, ember.float16)
    ref = _autocast_trace(
        torch.autocast, torch.get_autocast_dtype, torch.is_autocast_enabled, torch.float16
    )
    assert ours == ref == [False, True, "bfloat16", False, True, False, True, "float16", False]
    with pytest.raises(ValueError):
        autocast(1)
    with pytest.raises(RuntimeError):
        autocast("foo")
    with pytest.warns(UserWarning, match="not supported"):
        a = autocast("cpu", dtype=ember.float64)
    assert not a._enabled


def test_autocast_computes_in_full_precision():
    x = ember.tensor(np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32))
    with autocast("cpu", dtype=ember.bfloat16):
        y = x @ x.mT
    assert y.dtype == ember.float32
    np.testing.assert_array_equal(y.numpy(), (x @ x.mT).numpy())


# --- compile, switches, backends ----------------------------------------------------------------
def test_compile_returns_same_object():
    model = ember.nn.Linear(2, 2)
    assert _compile.compile(model) is model

    def f(x):
        return x + 1

    assert _compile.compile(f) is f
    assert _compile.compile(mode="max-autotune")(f) is f
    decorated = _compile.compile(f, disable=True)
    assert decorated is f
    with pytest.raises(RuntimeError):
        _compile.compile(f, mode="x")
    with pytest.raises(RuntimeError):
        _compile.compile(f, mode="default", options={})
    with pytest.raises(AssertionError):
        _compile.compile(3)


def test_switches():
    try:
        _compile.use_deterministic_algorithms(True)
        assert _compile.are_deterministic_algorithms_enabled()
        with pytest.raises(TypeError):
            _compile.use_deterministic_algorithms("x")
        _compile.set_float32_matmul_precision("high")
        assert _compile.get_float32_matmul_precision() == "high"
        assert ember.backends.cuda.matmul.allow_tf32
        with pytest.warns(UserWarning, match="no effect"):
            _compile.set_float32_matmul_precision("foo")
        assert _compile.get_float32_matmul_precision() == "high"
        ember.backends.cuda.matmul.allow_tf32 = False
        assert _compile.get_float32_matmul_precision() == "highest"
    finally:
        _compile.use_deterministic_algorithms(False)
        _compile.set_float32_matmul_precision("highest")


def test_backends_defaults_like_torch():
    import ember.backends.cudnn as cudnn

    for name in ("enabled", "benchmark", "deterministic", "allow_tf32"):
        assert getattr(cudnn, name) == getattr(torch.backends.cudnn, name)
    old = cudnn.benchmark
    cudnn.benchmark = True
    assert ember.backends.cudnn.benchmark is True
    cudnn.benchmark = old
    assert cudnn.is_available() is False
    assert ember.backends.mps.is_available() is False
    assert ember.backends.cuda.matmul.allow_tf32 == torch.backends.cuda.matmul.allow_tf32
    assert ember.backends.cuda.flash_sdp_enabled()


# --- checkpoint ---------------------------------------------------------------------------------
def test_checkpoint_same_values_and_grads():
    data = np.random.default_rng(2).standard_normal((2, 3))
    results = []
    for lib, mod in ((ember, ecp), (torch, torch.utils.checkpoint)):
        x = lib.tensor(data, requires_grad=True)
        out = mod.checkpoint(
            lambda a, k=1.0: (a.sin() * a * k).sum(), x, use_reentrant=False, k=2.0
        )
        out.backward()
        results.append((out.item(), x.grad.numpy().copy()))
        with pytest.raises(ValueError, match="Unexpected keyword"):
            mod.checkpoint(lambda a, k: a, x, use_reentrant=True, k=1)
        with pytest.warns(UserWarning, match="use_reentrant parameter should be passed"):
            mod.checkpoint(lambda a: a * 2, x)
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])


def test_checkpoint_sequential_matches_direct():
    seq = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Tanh(), ember.nn.Linear(4, 1))
    x = ember.randn(5, 3, requires_grad=True)
    ecp.checkpoint_sequential(seq, 2, x, use_reentrant=False).sum().backward()
    g1 = x.grad.numpy().copy()
    x.grad = None
    seq(x).sum().backward()
    np.testing.assert_array_equal(g1, x.grad.numpy())
    with pytest.warns(UserWarning, match="checkpoint_sequential"):
        ecp.checkpoint_sequential(list(seq), 2, x)
