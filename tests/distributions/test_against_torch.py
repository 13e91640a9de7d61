"""Every distribution against torch's: log_prob, cdf/icdf, entropy and the moments on random
parameters (float32 and float64, batched and not), and their gradients with respect to the
parameters and the value (``tests/oracle.py:check``)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import ember

from ..oracle import check
from .cases import CASES, torch_values

SHAPES = [(), (3,), (2, 3)]


def _props(case, m, *args):
    *params, value = args
    d = case.make(m, *params)
    out = [getattr(d, p) if p != "entropy" else d.entropy() for p in case.props]
    out.append(d.log_prob(value))
    if case.cdf:
        out.append(d.cdf(value))
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_values_and_gradients(case, shape, dtype):
    if dtype == np.float64 and not case.torch_f64:
        pytest.skip("torch fails on float64 parameters")
    rng = np.random.default_rng(zlib.crc32(f"{case.name}{shape}".encode()))
    params64 = case.params(rng, shape, np.float64)
    values = torch_values(case, params64, sample_shape=(4,), seed=1)
    params = [p.astype(dtype) for p in params64]
    values = values.astype(np.int64 if case.int_values else dtype)
    f64 = dtype == np.float64
    check(
        lambda m, *a: _props(case, m, *a),
        *params,
        values,
        rtol=case.rtol64 if f64 else case.rtol,
        atol=case.atol64 if f64 else case.atol,
        grad=case.grad,
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("case", [c for c in CASES if c.icdf], ids=lambda c: c.name)
def test_icdf(case, dtype):
    rng = np.random.default_rng(5)
    params = [p.astype(dtype) for p in case.params(rng, (3,), np.float64)]
    q = rng.uniform(0.05, 0.95, size=(4, 3)).astype(dtype)
    f64 = dtype == np.float64
    check(
        lambda m, *a: case.make(m, *a[:-1]).icdf(a[-1]),
        *params,
        q,
        rtol=1e-9 if f64 else 1e-4,
        atol=1e-10 if f64 else 1e-5,
    )


def test_kumaraswamy_mode_is_the_density_maximum():
    """torch 2.13's Kumaraswamy.mode is NaN for every parameter; ember's is the argmax of the
    density, checked here on a grid of torch's own log_prob."""
    import torch

    a = np.array([2.0, 3.0, 1.5, 0.5])
    b = np.array([2.0, 0.9, 4.0, 2.0])
    mode = ember.distributions.Kumaraswamy(ember.tensor(a), ember.tensor(b)).mode.numpy()
    grid = torch.linspace(1e-4, 1 - 1e-4, 20001, dtype=torch.float64).unsqueeze(-1)
    lp = torch.distributions.Kumaraswamy(torch.tensor(a), torch.tensor(b)).log_prob(grid)
    best = grid[lp.argmax(0), 0].numpy()
    np.testing.assert_allclose(mode[[0, 2]], best[[0, 2]], atol=1e-4)
    assert np.isnan(mode[[1, 3]]).all()  # b < 1 or a < 1: the density is unbounded at an end
