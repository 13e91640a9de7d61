"""ember.optim.swa_utils against torch.optim.swa_utils."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.optim
import ember.optim.swa_utils


def twin_models():
    def build(lib):
        return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.BatchNorm1d(4), lib.nn.Linear(4, 2))

    me, mt = build(ember), build(torch)
    for pe, pt in zip(me.parameters(), mt.parameters()):
        pe.data = ember.tensor(pt.detach().numpy().copy())
    return me, mt


def arrays(module):
    return [t.detach().numpy().copy() for t in [*module.parameters(), *module.buffers()]]


AVG_KINDS = {
    "swa": lambda su: {},
    "ema_avg_fn": lambda su: {"avg_fn": su.get_ema_avg_fn(0.9)},
    "swa_avg_fn": lambda su: {"avg_fn": su.get_swa_avg_fn()},
    "ema_multi": lambda su: {"multi_avg_fn": su.get_ema_multi_avg_fn(0.9)},
    "swa_multi": lambda su: {"multi_avg_fn": su.get_swa_multi_avg_fn()},
    "ema_buffers": lambda su: {"multi_avg_fn": su.get_ema_multi_avg_fn(0.8), "use_buffers": True},
    "swa_buffers": lambda su: {"use_buffers": True},
}


@pytest.mark.parametrize("kind", list(AVG_KINDS))
def test_averaged_model_matches_torch(kind):
    me, mt = twin_models()
    ae = ember.optim.swa_utils.AveragedModel(me, **AVG_KINDS[kind](ember.optim.swa_utils))
    at = torch.optim.swa_utils.AveragedModel(mt, **AVG_KINDS[kind](torch.optim.swa_utils))
    rng = np.random.default_rng(0)
    for _ in range(5):
        deltas = [
            rng.standard_normal(tuple(p.shape)).astype(np.float32) * 0.1 for p in mt.parameters()
        ]
        x = rng.standard_normal((8, 3)).astype(np.float32)
        for lib, model, avg in ((ember, me, ae), (torch, mt, at)):
            with lib.no_grad():
                for p, d in zip(model.parameters(), deltas):
                    p.add_(lib.tensor(d))
            model.train()
            model(lib.tensor(x))
            avg.update_parameters(model)
        for a, b in zip(arrays(ae), arrays(at)):
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(ae.n_averaged) == 5
    x = rng.standard_normal((4, 3)).astype(np.float32)
    ae.eval()
    at.eval()
    np.testing.assert_allclose(
        ae(ember.tensor(x)).detach().numpy(),
        at(torch.tensor(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-5,
    )


def test_averaged_model_is_a_copy_and_registers_buffer():
    me, _ = twin_models()
    avg = ember.optim.swa_utils.AveragedModel(me)
    assert avg.module is not me
    assert "n_averaged" in dict(avg.named_buffers())
    assert avg.n_averaged.dtype == ember.int64
    assert "n_averaged" in avg.state_dict() and "module.0.weight" in avg.state_dict()
    with pytest.raises(AssertionError):
        ember.optim.swa_utils.AveragedModel(
            me, avg_fn=lambda *a: a[0], multi_avg_fn=lambda *a: None
        )


@pytest.mark.parametrize("decay", [-0.1, 1.5])
def test_ema_decay_validation(decay):
    for su in (ember.optim.swa_utils, torch.optim.swa_utils):
        with pytest.raises(ValueError, match="Invalid decay value"):
            su.get_ema_avg_fn(decay)
        with pytest.raises(ValueError, match="Invalid decay value"):
            su.get_ema_multi_avg_fn(decay)


def test_update_bn_matches_torch():
    me, mt = twin_models()
    rng = np.random.default_rng(1)
    batches = [rng.standard_normal((6, 3)).astype(np.float32) for _ in range(4)]
    for lib, model, su in ((ember, me, ember.optim.swa_utils), (torch, mt, torch.optim.swa_utils)):
        model.eval()
        loader = [(lib.tensor(b), lib.zeros(6)) for b in batches]
        su.update_bn(loader, model)
        assert not model.training
        assert model[1].momentum == 0.1
    for a, b in zip(arrays(me), arrays(mt)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_update_bn_without_batchnorm_does_nothing():
    model = ember.nn.Linear(2, 2)
    ember.optim.swa_utils.update_bn([ember.ones(1, 2)], model)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"swa_lr": 0.05, "anneal_epochs": 5},
        {"swa_lr": [0.01, 0.2], "anneal_epochs": 7, "anneal_strategy": "linear"},
        {"swa_lr": 0.02, "anneal_epochs": 0},
    ],
)
def test_swalr_matches_torch(kwargs):
    values = []
    for lib in (ember, torch):
        p = [lib.nn.Parameter(lib.ones(2)), lib.nn.Parameter(lib.ones(1))]
        opt = lib.optim.SGD([{"params": [p[0]]}, {"params": [p[1]], "lr": 0.5}], lr=0.1)
        sched = (ember.optim.swa_utils if lib is ember else torch.optim.swa_utils).SWALR(
            opt, **kwargs
        )
        row = [float(v) for v in sched.get_last_lr()]
        for _ in range(12):
            opt.step()
            sched.step()
            row.extend(float(g["lr"]) for g in opt.param_groups)
        values.append(row)
        state = sched.state_dict()
        assert "anneal_func" not in state
        sched.load_state_dict(state)
    np.testing.assert_allclose(values[0], values[1], rtol=1e-12)


def test_swalr_errors():
    for lib in (ember, torch):
        su = ember.optim.swa_utils if lib is ember else torch.optim.swa_utils
        opt = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.1)
        with pytest.raises(ValueError, match="anneal_strategy"):
            su.SWALR(opt, swa_lr=0.1, anneal_strategy="exp")
        with pytest.raises(ValueError, match="anneal_epochs"):
            su.SWALR(opt, swa_lr=0.1, anneal_epochs=-1)
