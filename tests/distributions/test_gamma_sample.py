"""``ember._standard_gamma`` and ``ember._standard_gamma_grad``: the samples are torch's after
the same seed, and the derivative of a sample with respect to its concentration is exact (to
float64 rounding, against mpmath's incomplete gamma function), where torch's is an
approximation (compared with a tolerance)."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch

import ember


def _exact_grad(a, x):
    """``-(dP/da)(a, x) / p(x; a)`` in 30-digit arithmetic."""
    mpmath.mp.dps = 30
    a, x = mpmath.mpf(a), mpmath.mpf(x)
    dp = mpmath.diff(lambda t: mpmath.gammainc(t, 0, x, regularized=True), a)
    density = mpmath.exp((a - 1) * mpmath.log(x) - x - mpmath.loggamma(a))
    return float(-dp / density)


def _quantile(a, q):
    from scipy.special import gammaincinv

    return float(gammaincinv(a, q))


GRID = [
    (a, q)
    for a in (1e-3, 0.05, 0.5, 1.0, 2.0, 7.5, 40.0, 300.0, 5000.0)
    for q in (1e-6, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 1e-6)
]


@pytest.mark.parametrize(("a", "q"), GRID, ids=[f"a={a}-q={q}" for a, q in GRID])
def test_gamma_grad_is_exact(a, q):
    x = _quantile(a, q)
    if x == 0.0 or not np.isfinite(x):
        pytest.skip("quantile underflows float64")
    got = ember._standard_gamma_grad(
        ember.tensor([a], dtype=ember.float64), ember.tensor([x], dtype=ember.float64)
    ).item()
    assert got == pytest.approx(_exact_grad(a, x), rel=1e-11, abs=1e-300)


def test_gamma_grad_above_the_series_range_uses_wilson_hilferty():
    for a in (2e5, 8e5):
        for q in (0.01, 0.5, 0.99):
            x = _quantile(a, q)
            got = ember._standard_gamma_grad(
                ember.tensor([a], dtype=ember.float64), ember.tensor([x], dtype=ember.float64)
            ).item()
            assert got == pytest.approx(_exact_grad(a, x), rel=1e-8)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gamma_grad_against_torch(dtype):
    rng = np.random.default_rng(0)
    a = rng.uniform(0.01, 30.0, size=200)
    x = rng.gamma(a) + 1e-30
    e = ember._standard_gamma_grad(
        ember.tensor(a, dtype=getattr(ember, dtype)), ember.tensor(x, dtype=getattr(ember, dtype))
    )
    t = torch._standard_gamma_grad(
        torch.tensor(a, dtype=getattr(torch, dtype)), torch.tensor(x, dtype=getattr(torch, dtype))
    )
    assert e.dtype.name == dtype
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=2e-3, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_seeded_samples_are_torchs(dtype):
    alphas = [0.001, 0.3, 1.0, 2.5, 10.0, 1e4, 0.0, -1.0, float("nan"), float("inf")]
    ember.manual_seed(5)
    torch.manual_seed(5)
    e = ember._standard_gamma(ember.tensor(alphas, dtype=getattr(ember, dtype)))
    t = torch._standard_gamma(torch.tensor(alphas, dtype=getattr(torch, dtype)))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    # the next draws agree too: the same words were consumed
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


def test_sample_moments():
    ember.manual_seed(0)
    for a in (0.2, 1.0, 6.0):
        x = ember._standard_gamma(ember.full((20000,), a, dtype=ember.float64)).numpy()
        assert abs(x.mean() - a) < 4 * np.sqrt(a / x.size)  # four standard errors
        assert x.var() == pytest.approx(a, rel=0.1)


def test_the_gradient_flows_and_its_derivative_is_refused_as_torch():
    msgs = []
    for m in (ember, torch):
        a = m.tensor([0.5, 3.0], dtype=m.float64, requires_grad=True)
        m.manual_seed(1)
        x = m._standard_gamma(a)
        (g,) = m.autograd.grad(x.sum(), a, create_graph=True)
        assert g.requires_grad
        with pytest.raises(NotImplementedError) as err:
            g.sum().backward()
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]
    a = ember.tensor([0.5, 3.0], dtype=ember.float64, requires_grad=True)
    x = ember._standard_gamma(a)
    x.sum().backward()
    np.testing.assert_allclose(
        a.grad.numpy(), ember._standard_gamma_grad(a.detach(), x.detach()).numpy()
    )


def test_errors_are_torchs():
    for fn in (
        lambda m: m._standard_gamma(m.ones(2, dtype=m.long)),
        lambda m: m._standard_gamma_grad(m.ones(2, dtype=m.long), m.ones(2, dtype=m.long)),
    ):
        msgs = []
        for m in (ember, torch):
            with pytest.raises(NotImplementedError) as err:
                fn(m)
            msgs.append(str(err.value))
        assert msgs[0] == msgs[1]
    msgs = []
    for m in (ember, torch):
        with pytest.raises(RuntimeError) as err:
            m._standard_gamma_grad(m.ones(2), m.ones(2, dtype=m.float64))
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


def test_edge_values():
    a = ember.tensor([2.0, 2.0, 0.0, -1.0], dtype=ember.float64)
    x = ember.tensor([0.0, 1e-300, 1.0, 1.0], dtype=ember.float64)
    g = ember._standard_gamma_grad(a, x).numpy()
    assert g[0] == 0.0 and 0 < g[1] < 1e-290
    assert np.isnan(g[2:]).all()
