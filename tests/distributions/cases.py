"""The distributions under test: how to build each one in ember and torch from the same NumPy
parameters, and how to draw valid parameters and values for it.

A :class:`Case` names a distribution, gives ``make(lib, *params)`` (``lib`` is ``ember`` or
``torch``; the same lambda builds both), a parameter generator and the properties to compare.
Values for ``log_prob`` (and ``cdf``) are drawn with torch's own sampler under a fixed seed, so
they lie in the support whatever ember's sampler does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import torch


def D(lib):  # noqa: N802 - the distributions module of ember or torch
    return lib.distributions


@dataclasses.dataclass
class Case:
    name: str
    make: Callable  # make(lib, *params) -> Distribution
    params: Callable  # params(rng, batch_shape, dtype) -> list of arrays
    props: tuple = ("mean", "variance", "stddev", "mode", "entropy")
    cdf: bool = False
    icdf: bool = False
    rsample: bool = False
    discrete: bool = False
    atol: float = 1e-5  # float32 comparisons
    rtol: float = 1e-5
    atol64: float = 1e-9  # float64 comparisons
    rtol64: float = 1e-7
    grad: bool = True  # compare parameter gradients with torch
    int_values: bool = False  # values are integer tensors (Categorical)
    torch_f64: bool = True  # torch handles float64 parameters


def _u(lo, hi):
    return lambda rng, shape, dtype: rng.uniform(lo, hi, size=shape).astype(dtype)


def _params(*gens):
    return lambda rng, shape, dtype: [g(rng, shape, dtype) for g in gens]


def _simplex(k):
    def gen(rng, shape, dtype):
        p = rng.uniform(0.1, 1.0, size=(*shape, k))
        return (p / p.sum(-1, keepdims=True)).astype(dtype)

    return gen


def _vec(k, lo=-2.0, hi=2.0):
    return lambda rng, shape, dtype: rng.uniform(lo, hi, size=(*shape, k)).astype(dtype)


def _scalar(lo, hi):
    return lambda rng, shape, dtype: np.array(rng.uniform(lo, hi), dtype=dtype)


def _mat(k, r):
    return lambda rng, shape, dtype: rng.uniform(-1, 1, size=(*shape, k, r)).astype(dtype)


def _spd(k):
    def gen(rng, shape, dtype):
        a = rng.standard_normal((*shape, k, k))
        return (a @ np.swapaxes(a, -1, -2) + k * np.eye(k)).astype(dtype)

    return gen


def _tril(k):
    def gen(rng, shape, dtype):
        a = np.tril(rng.standard_normal((*shape, k, k)), -1)
        d = rng.uniform(0.5, 2.0, size=(*shape, k))
        return (a + d[..., None] * np.eye(k)).astype(dtype)

    return gen


CONT = ("mean", "variance", "stddev", "mode", "entropy")

CASES = [
    Case(
        "Normal",
        lambda m, a, b: D(m).Normal(a, b),
        _params(_u(-2, 2), _u(0.5, 2)),
        cdf=True,
        icdf=True,
        rsample=True,
    ),
    Case(
        "Uniform",
        lambda m, a, b: D(m).Uniform(a, a + b),
        _params(_u(-2, 2), _u(0.5, 2)),
        props=("mean", "variance", "stddev", "entropy"),
        cdf=True,
        icdf=True,
        rsample=True,
    ),
    Case(
        "Laplace",
        lambda m, a, b: D(m).Laplace(a, b),
        _params(_u(-2, 2), _u(0.5, 2)),
        cdf=True,
        icdf=True,
        rsample=True,
    ),
    Case(
        "Cauchy",
        lambda m, a, b: D(m).Cauchy(a, b),
        _params(_u(-2, 2), _u(0.5, 2)),
        props=("mode", "entropy"),
        cdf=True,
        icdf=True,
        rsample=True,
    ),
    Case(
        "Exponential",
        lambda m, r: D(m).Exponential(r),
        _params(_u(0.5, 3)),
        cdf=True,
        icdf=True,
        rsample=True,
    ),
    Case("LogNormal", lambda m, a, b: D(m).LogNormal(a, b), _params(_u(-1, 1), _u(0.3, 1.0))),
    Case(
        "Gamma",
        lambda m, a, b: D(m).Gamma(a, b),
        _params(_u(0.5, 4), _u(0.5, 3)),
        rsample=True,
    ),
    Case(  # cdf: torch's gammainc has no derivative in the concentration, so none is asked
        "Gamma.cdf",
        lambda m, a, b: D(m).Gamma(a.detach(), b),
        _params(_u(0.5, 4), _u(0.5, 3)),
        props=(),
        cdf=True,
    ),
    Case("Chi2", lambda m, df: D(m).Chi2(df), _params(_u(1, 6))),
    Case("Beta", lambda m, a, b: D(m).Beta(a, b), _params(_u(0.5, 4), _u(0.5, 4))),
    Case(
        "StudentT",
        lambda m, df, a, b: D(m).StudentT(df, a, b),
        _params(_u(2.5, 8), _u(-1, 1), _u(0.5, 2)),
    ),
    Case(
        "HalfNormal",
        lambda m, s: D(m).HalfNormal(s),
        _params(_u(0.5, 2)),
        cdf=True,
        icdf=True,
    ),
    Case(
        "HalfCauchy",
        lambda m, s: D(m).HalfCauchy(s),
        _params(_u(0.5, 2)),
        props=("mode", "entropy"),
        cdf=True,
        icdf=True,
    ),
    Case("Gumbel", lambda m, a, b: D(m).Gumbel(a, b), _params(_u(-2, 2), _u(0.5, 2))),
    Case("Pareto", lambda m, s, a: D(m).Pareto(s, a), _params(_u(0.5, 2), _u(2.5, 5))),
    Case("Weibull", lambda m, s, k: D(m).Weibull(s, k), _params(_u(0.5, 2), _u(0.8, 3))),
    Case(
        "Dirichlet",
        lambda m, c: D(m).Dirichlet(c),
        _params(_vec(3, 0.5, 3)),
    ),
    Case(
        "Bernoulli(probs)",
        lambda m, p: D(m).Bernoulli(probs=p),
        _params(_u(0.1, 0.9)),
        props=("mean", "variance", "stddev", "mode", "entropy"),
        discrete=True,
    ),
    Case(
        "Bernoulli(logits)",
        lambda m, x: D(m).Bernoulli(logits=x),
        _params(_u(-3, 3)),
        props=("mean", "variance", "entropy"),
        discrete=True,
    ),
    Case(
        "Binomial",
        lambda m, p: D(m).Binomial(7, probs=p),
        _params(_u(0.1, 0.9)),
        props=("mean", "variance", "mode", "entropy"),
        discrete=True,
    ),
    Case(
        "Binomial(logits)",
        lambda m, x: D(m).Binomial(5, logits=x),
        _params(_u(-2, 2)),
        props=("mean", "variance", "entropy"),
        discrete=True,
    ),
    Case(
        "Geometric",
        lambda m, p: D(m).Geometric(p),
        _params(_u(0.2, 0.9)),
        props=("mean", "variance", "mode", "entropy"),
        discrete=True,
    ),
    Case(
        "Poisson",
        lambda m, r: D(m).Poisson(r),
        _params(_u(0.5, 5)),
        props=("mean", "variance", "mode"),
        discrete=True,
    ),
    Case(
        "NegativeBinomial",
        lambda m, n, p: D(m).NegativeBinomial(n, probs=p),
        _params(_u(1, 5), _u(0.2, 0.8)),
        props=("mean", "variance", "mode"),
        discrete=True,
    ),
    Case(
        "Categorical(probs)",
        lambda m, p: D(m).Categorical(probs=p),
        _params(_simplex(4)),
        props=("mode", "entropy"),
        discrete=True,
        int_values=True,
    ),
    Case(
        "Categorical(logits)",
        lambda m, x: D(m).Categorical(logits=x),
        _params(_vec(4)),
        props=("mode", "entropy"),
        discrete=True,
        int_values=True,
    ),
    Case(
        "OneHotCategorical",
        lambda m, p: D(m).OneHotCategorical(probs=p),
        _params(_simplex(3)),
        props=("mean", "variance", "mode", "entropy"),
        discrete=True,
    ),
    Case(
        "Multinomial",
        lambda m, p: D(m).Multinomial(6, probs=p),
        _params(_simplex(3)),
        props=("mean", "variance", "entropy"),
        discrete=True,
    ),
    Case(
        "MVN(cov)",
        lambda m, loc, cov: D(m).MultivariateNormal(loc, covariance_matrix=cov),
        _params(_vec(3), _spd(3)),
        props=("mean", "variance", "mode", "entropy"),
        rsample=True,
        rtol=2e-5,
        atol=2e-5,
    ),
    Case(
        "MVN(precision)",
        lambda m, loc, p: D(m).MultivariateNormal(loc, precision_matrix=p),
        _params(_vec(3), _spd(3)),
        props=("mean", "variance", "entropy"),
        rtol=1e-4,
        atol=1e-5,
    ),
    Case(
        "MVN(scale_tril)",
        lambda m, loc, L: D(m).MultivariateNormal(loc, scale_tril=L),
        _params(_vec(3), _tril(3)),
        props=("mean", "variance", "entropy"),
        rsample=True,
    ),
    Case(
        "LowRankMVN",
        lambda m, loc, w, d: D(m).LowRankMultivariateNormal(loc, w, d),
        _params(_vec(3), _mat(3, 2), _vec(3, 0.5, 2)),
        props=("mean", "variance", "mode", "entropy"),
        rsample=True,
    ),
    Case(
        "InverseGamma",
        lambda m, a, b: D(m).InverseGamma(a, b),
        _params(_u(2.5, 5), _u(0.5, 3)),
        rsample=True,
    ),
    Case(  # torch 2.13's mode is NaN everywhere; ember's is the density's maximum
        "Kumaraswamy",
        lambda m, a, b: D(m).Kumaraswamy(a, b),
        _params(_u(0.8, 3), _u(0.8, 3)),
        props=("mean", "variance", "entropy"),
        rsample=True,
    ),
    Case(
        "LogisticNormal",
        lambda m, a, b: D(m).LogisticNormal(a, b),
        _params(_vec(2), _vec(2, 0.5, 1.5)),
        props=(),
        rsample=True,
    ),
    Case(
        "FisherSnedecor",
        lambda m, a, b: D(m).FisherSnedecor(a, b),
        _params(_u(2.5, 8), _u(4.5, 9)),
        props=("mean", "variance", "mode"),
        rsample=True,
    ),
    Case(
        "RelaxedBernoulli",
        lambda m, t, p: D(m).RelaxedBernoulli(t, probs=p),
        _params(_u(0.3, 2), _u(0.1, 0.9)),
        props=(),
        rsample=True,
    ),
    Case(
        "RelaxedOneHotCategorical",
        lambda m, t, x: D(m).RelaxedOneHotCategorical(t, logits=x),
        _params(_scalar(0.3, 2), _vec(3)),
        props=(),
        rsample=True,
    ),
    Case(  # torch computes log I0 and log I1 by polynomial approximations (about 1e-7)
        "VonMises",
        lambda m, a, k: D(m).VonMises(a, k),
        _params(_u(-2, 2), _u(0.2, 8)),
        props=("mean", "mode", "variance"),
        rtol=2e-5,
        rtol64=2e-6,
        atol64=1e-7,
    ),
    Case(
        "GeneralizedPareto",
        lambda m, a, b, c: D(m).GeneralizedPareto(a, b, c),
        _params(_u(-1, 1), _u(0.5, 2), _u(-0.3, 0.4)),
        props=("mean", "variance", "mode", "entropy"),
        cdf=True,
        icdf=True,
        rsample=True,
        # torch 2.13's log_prob compares float64 parameters with a float32 zero and raises
        torch_f64=False,
    ),
    Case(
        "Independent(Normal)",
        lambda m, a, b: D(m).Independent(D(m).Normal(a, b), 1),
        _params(_vec(2), _vec(2, 0.5, 2)),
    ),
    Case(
        "MixtureSameFamily",
        lambda m, p, a, b: D(m).MixtureSameFamily(D(m).Categorical(probs=p), D(m).Normal(a, b)),
        _params(_simplex(3), _vec(3), _vec(3, 0.5, 2)),
        props=("mean", "variance"),
        cdf=True,
    ),
]

BY_NAME = {c.name: c for c in CASES}


def torch_values(case, params64, sample_shape=(), seed=0):
    """Values in the support of ``case`` with float64 ``params64``, drawn by torch."""
    torch.manual_seed(seed)
    dist = case.make(torch, *[torch.tensor(p) for p in params64])
    with torch.no_grad():
        v = dist.sample(sample_shape)
    if case.name in (
        "Gamma",
        "Gamma.cdf",
        "Chi2",
        "Beta",
        "Dirichlet",
        "Weibull",
        "Kumaraswamy",
        "RelaxedBernoulli",
        "RelaxedOneHotCategorical",
        "LogisticNormal",
    ):
        v = v.clamp(min=1e-4)  # no values at the edge of float32
    if case.name in ("Beta", "Kumaraswamy", "RelaxedBernoulli"):
        v = v.clamp(max=1 - 1e-4)
    if case.name in ("Dirichlet", "RelaxedOneHotCategorical", "LogisticNormal"):
        v = v / v.sum(-1, keepdim=True)
    return v.numpy()
