"""Every optimizer against torch.optim: trajectories, state_dict layout and round trips."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.optim

from .cases import CASES, case_id
from .common import (
    assert_params_close,
    assert_state_dicts_match,
    loss_fn,
    make_params,
    to_ember,
    to_torch,
    weights,
)

STEPS = 25


def twins(name, kwargs, dtype=np.float32, seed=0):
    """Ember and torch parameters (plus one that never gets a gradient) and optimizers."""
    arrays, x, y = weights(seed, dtype)
    arrays = [*arrays, np.ones(2, dtype)]
    pe, pt = make_params(ember, arrays), make_params(torch, arrays)
    oe = getattr(ember.optim, name)(pe, **kwargs)
    ot = getattr(torch.optim, name)(pt, **kwargs)
    return pe, pt, oe, ot, x, y


def shared_grad_step(pe, pt, oe, ot, x, y):
    """Ember computes the gradients; torch receives the same values, so only the updates differ."""
    oe.zero_grad()
    ot.zero_grad()
    loss_fn(ember, pe[:4], x, y).backward()
    for a, b in zip(pe, pt):
        if a.grad is not None:
            b.grad = torch.tensor(a.grad.numpy().copy())
    oe.step()
    ot.step()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_trajectory_matches_torch(case):
    pe, pt, oe, ot, x, y = twins(*case)
    for step in range(STEPS):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")
    assert_state_dicts_match(oe.state_dict(), ot.state_dict())


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_float64_end_to_end(case):
    """Each library computes its own gradients; float64 keeps the two runs together."""
    pe, pt, oe, ot, x, y = twins(*case, dtype=np.float64)
    for step in range(25):
        for lib, params, opt in ((ember, pe, oe), (torch, pt, ot)):
            opt.zero_grad()
            loss_fn(lib, params[:4], x, y).backward()
            opt.step()
        assert_params_close(pe, pt, rtol=1e-9, atol=1e-11, what=f"step {step}")


@pytest.mark.parametrize("case", CASES[2::3], ids=case_id)
def test_tensor_lr(case):
    name, kwargs = case
    kwargs = {**kwargs, "lr": None}
    arrays, x, y = weights(1)
    pe, pt = make_params(ember, arrays), make_params(torch, arrays)
    oe = getattr(ember.optim, name)(pe, **{**kwargs, "lr": ember.tensor(case[1]["lr"])})
    ot = getattr(torch.optim, name)(pt, **{**kwargs, "lr": torch.tensor(case[1]["lr"])})
    assert isinstance(oe.param_groups[0]["lr"], ember.Tensor)
    for step in range(15):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")


@pytest.mark.parametrize("case", CASES[::3], ids=case_id)
def test_state_dict_torch_to_ember(case):
    """Train in torch, load its state into ember, and continue both: they stay together."""
    name, kwargs = case
    arrays, x, y = weights(2)
    pt = make_params(torch, arrays)
    ot = getattr(torch.optim, name)(pt, **kwargs)
    for _ in range(8):
        ot.zero_grad()
        loss_fn(torch, pt, x, y).backward()
        ot.step()
    pe = make_params(ember, [p.detach().numpy() for p in pt])
    oe = getattr(ember.optim, name)(pe, **kwargs)
    oe.load_state_dict(to_ember(ot.state_dict()))
    assert_state_dicts_match(oe.state_dict(), ot.state_dict(), rtol=0, atol=0)
    for step in range(15):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")


@pytest.mark.parametrize("case", CASES[1::3], ids=case_id)
def test_state_dict_ember_to_torch(case):
    name, kwargs = case
    arrays, x, y = weights(3)
    pe = make_params(ember, arrays)
    oe = getattr(ember.optim, name)(pe, **kwargs)
    for _ in range(8):
        oe.zero_grad()
        loss_fn(ember, pe, x, y).backward()
        oe.step()
    pt = make_params(torch, [p.detach().numpy() for p in pe])
    ot = getattr(torch.optim, name)(pt, **kwargs)
    ot.load_state_dict(to_torch(oe.state_dict()))
    assert_state_dicts_match(oe.state_dict(), ot.state_dict(), rtol=0, atol=0)
    for step in range(15):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "NAdam"])
def test_param_groups_with_own_options(name):
    arrays, x, y = weights(4)
    pe, pt = make_params(ember, arrays), make_params(torch, arrays)
    extra = {"momentum": 0.9} if name in ("SGD", "RMSprop") else {"weight_decay": 0.1}

    def groups(params):
        return [{"params": params[:2]}, {"params": params[2:], "lr": 0.05, **extra}]

    oe = getattr(ember.optim, name)(groups(pe), lr=0.01)
    ot = getattr(torch.optim, name)(groups(pt), lr=0.01)
    for step in range(20):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")
    assert_state_dicts_match(oe.state_dict(), ot.state_dict())


def test_cycle_momentum_betas_with_adam_state():
    """Group options changed between steps (as schedulers do) are read at every step."""
    arrays, x, y = weights(5)
    pe, pt = make_params(ember, arrays), make_params(torch, arrays)
    oe, ot = ember.optim.Adam(pe, lr=0.01), torch.optim.Adam(pt, lr=0.01)
    for step in range(10):
        for opt in (oe, ot):
            opt.param_groups[0]["betas"] = (0.9 - 0.02 * step, 0.99)
            opt.param_groups[0]["lr"] = 0.01 * (step + 1)
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")


def test_adam_tensor_betas():
    arrays, x, y = weights(6)
    pe, pt = make_params(ember, arrays), make_params(torch, arrays)
    oe = ember.optim.Adam(pe, lr=0.01, betas=(ember.tensor(0.8), ember.tensor(0.99)))
    ot = torch.optim.Adam(pt, lr=0.01, betas=(torch.tensor(0.8), torch.tensor(0.99)))
    for step in range(15):
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert_params_close(pe, pt, what=f"step {step}")


def test_float64_default_dtype_step_state():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        pe, pt, oe, ot, x, y = twins("Adam", {"lr": 0.01}, dtype=np.float64)
        shared_grad_step(pe, pt, oe, ot, x, y)
        assert oe.state[pe[0]]["step"].dtype == ember.float64
        assert_state_dicts_match(oe.state_dict(), ot.state_dict())
    finally:
        torch.set_default_dtype(torch.float32)


def test_update_is_in_place_and_bumps_version():
    p = ember.nn.Parameter(ember.ones(3))
    arr, version = p._data, p._version
    opt = ember.optim.SGD([p], lr=0.1)
    (p * p).sum().backward()
    opt.step()
    assert p._data is arr
    assert p._version > version
    assert p.grad_fn is None and p.requires_grad
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 0.8, 0.8], rtol=1e-6)
