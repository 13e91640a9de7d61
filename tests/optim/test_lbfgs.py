"""LBFGS against torch.optim.LBFGS on a small regularized least-squares problem."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.optim

from .common import assert_state_dicts_match, to_ember, to_torch


def problem(dtype, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((20, 6)).astype(dtype)
    b = rng.standard_normal(20).astype(dtype)
    w0 = rng.standard_normal(6).astype(dtype)
    return a, b, w0


def setup(lib, arrays, **kwargs):
    a, b, w0 = arrays
    w = lib.nn.Parameter(lib.tensor(w0.copy()))
    c = lib.nn.Parameter(lib.zeros(1, dtype=lib.float64 if w0.dtype == np.float64 else None))
    opt = (ember.optim if lib is ember else torch.optim).LBFGS([w, c], **kwargs)
    at, bt = lib.tensor(a), lib.tensor(b)

    def closure():
        opt.zero_grad()
        r = at @ w + c - bt
        loss = (r * r).sum() + 0.1 * (w**4).sum()
        loss.backward()
        return loss

    return [w, c], opt, closure


def flat(params):
    return np.concatenate([p.detach().numpy().ravel() for p in params])


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
@pytest.mark.parametrize("history_size,max_iter", [(100, 20), (3, 5)])
def test_lbfgs_matches_torch_float64(line_search_fn, history_size, max_iter):
    arrays = problem(np.float64)
    kw = {"line_search_fn": line_search_fn, "history_size": history_size, "max_iter": max_iter}
    pe, oe, ce = setup(ember, arrays, **kw)
    pt, ot, ct = setup(torch, arrays, **kw)
    for step in range(4):
        le, lt = oe.step(ce), ot.step(ct)
        np.testing.assert_allclose(float(le.detach()), float(lt.detach()), rtol=1e-12)
        np.testing.assert_allclose(
            flat(pe), flat(pt), rtol=1e-9, atol=1e-12, err_msg=f"step {step}"
        )
        se, st = oe.state_dict(), ot.state_dict()
        assert se["state"][0]["func_evals"] == st["state"][0]["func_evals"]
        assert se["state"][0]["n_iter"] == st["state"][0]["n_iter"]
    assert_state_dicts_match(oe.state_dict(), ot.state_dict(), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_float32_first_iterations(line_search_fn):
    arrays = problem(np.float32, seed=1)
    kw = {"line_search_fn": line_search_fn, "max_iter": 4, "lr": 0.5}
    pe, oe, ce = setup(ember, arrays, **kw)
    pt, ot, ct = setup(torch, arrays, **kw)
    oe.step(ce)
    ot.step(ct)
    np.testing.assert_allclose(flat(pe), flat(pt), rtol=1e-4, atol=1e-5)


def test_lbfgs_converges_to_least_squares_solution():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((30, 4))
    b = rng.standard_normal(30)
    w = ember.nn.Parameter(ember.zeros(4, dtype=ember.float64))
    opt = ember.optim.LBFGS(
        [w], line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-20
    )
    at, bt = ember.tensor(a), ember.tensor(b)

    def closure():
        opt.zero_grad()
        loss = ((at @ w - bt) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    expected = np.linalg.lstsq(a, b, rcond=None)[0]
    np.testing.assert_allclose(w.detach().numpy(), expected, rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("line_search_fn", [None, "strong_wolfe"])
def test_lbfgs_state_dict_round_trips(line_search_fn):
    arrays = problem(np.float64, seed=2)
    kw = {"line_search_fn": line_search_fn, "max_iter": 3}
    pe, oe, ce = setup(ember, arrays, **kw)
    pt, ot, ct = setup(torch, arrays, **kw)
    ot.step(ct)
    oe.step(ce)
    # torch -> ember: continue from torch's state
    for p, q in zip(pe, pt):
        p.data = ember.tensor(q.detach().numpy().copy())
    oe.load_state_dict(to_ember(ot.state_dict()))
    oe.step(ce)
    ot.step(ct)
    np.testing.assert_allclose(flat(pe), flat(pt), rtol=1e-9, atol=1e-12)
    # ember -> torch
    ot.load_state_dict(to_torch(oe.state_dict()))
    oe.step(ce)
    ot.step(ct)
    np.testing.assert_allclose(flat(pe), flat(pt), rtol=1e-9, atol=1e-12)


def test_lbfgs_errors():
    w = ember.nn.Parameter(ember.zeros(2))
    with pytest.raises(ValueError, match="per-parameter options"):
        ember.optim.LBFGS([{"params": [w]}, {"params": [ember.nn.Parameter(ember.zeros(1))]}])
    with pytest.raises(ValueError, match="Invalid learning rate"):
        ember.optim.LBFGS([w], lr=-1)
    opt = ember.optim.LBFGS([w], line_search_fn="bogus")

    def closure():
        opt.zero_grad()
        loss = ((w - 1) ** 2).sum()
        loss.backward()
        return loss

    with pytest.raises(RuntimeError, match="only 'strong_wolfe' is supported"):
        opt.step(closure)


def test_lbfgs_stops_at_optimum():
    w = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.LBFGS([w])
    calls = []

    def closure():
        calls.append(1)
        opt.zero_grad()
        loss = ((w - 1) ** 2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.detach()) == 0.0 and len(calls) == 1
