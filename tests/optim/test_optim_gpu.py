"""Optimizers on CUDA parameters (CuPy arrays) must follow the CPU trajectory.
Skipped cleanly without CuPy and a GPU."""

from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.optim

from .cases import CASES, case_id
from .common import weights

pytestmark = pytest.mark.gpu


def _run(name, kwargs, device, steps=10):
    arrays, x, y = weights(7)
    params = [ember.nn.Parameter(ember.tensor(a, device=device)) for a in arrays]
    opt = getattr(ember.optim, name)(params, **kwargs)
    xd, yd = ember.tensor(x, device=device), ember.tensor(y, device=device)
    for _ in range(steps):
        opt.zero_grad()
        w1, b1, w2, b2 = params
        out = (xd @ w1.mT + b1).tanh() @ w2.mT + b2
        ((out - yd) ** 2).mean().backward()
        opt.step()
    return [p.detach().cpu().numpy() for p in params]


@pytest.mark.parametrize("case", CASES[::2], ids=case_id)
def test_cuda_matches_cpu(case):
    for a, b in zip(_run(*case, "cuda"), _run(*case, "cpu")):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def _run_lbfgs(device, line_search_fn):
    arrays, x, y = weights(8, np.float64)
    params = [ember.nn.Parameter(ember.tensor(a, device=device)) for a in arrays]
    opt = ember.optim.LBFGS(params, line_search_fn=line_search_fn, max_iter=5)
    xd, yd = ember.tensor(x, device=device), ember.tensor(y, device=device)

    def closure():
        opt.zero_grad()
        w1, b1, w2, b2 = params
        loss = ((((xd @ w1.mT + b1).tanh() @ w2.mT + b2) - yd) ** 2).mean()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    return [p.detach().cpu().numpy() for p in params]


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_cuda_matches_cpu(line_search_fn):
    for a, b in zip(_run_lbfgs("cuda", line_search_fn), _run_lbfgs("cpu", line_search_fn)):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)


def test_state_dict_moves_to_parameter_device():
    cpu = [ember.nn.Parameter(ember.ones(3))]
    opt = ember.optim.Adam(cpu, lr=0.1)
    cpu[0].sum().backward()
    opt.step()
    gpu = [ember.nn.Parameter(ember.ones(3, device="cuda"))]
    opt_gpu = ember.optim.Adam(gpu, lr=0.1)
    opt_gpu.load_state_dict(opt.state_dict())
    state = opt_gpu.state[gpu[0]]
    assert state["exp_avg"].device.type == "cuda"
    assert state["step"].device.type == "cpu"
