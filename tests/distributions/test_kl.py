"""kl_divergence against torch: every registered pair of the families ember has (values and
gradients with respect to both distributions' parameters, float32 and float64), the infinite
pairs, the dispatch rules of register_kl, and torch's errors."""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest
import torch

import ember

from ..oracle import check
from .cases import BY_NAME, D

# distribution name in cases.py -> the family name torch registers it under
_FAMILY = {
    "Normal": "Normal",
    "Uniform": "Uniform",
    "Laplace": "Laplace",
    "Cauchy": "Cauchy",
    "Exponential": "Exponential",
    "Gamma": "Gamma",
    "Beta": "Beta",
    "Gumbel": "Gumbel",
    "HalfNormal": "HalfNormal",
    "Pareto": "Pareto",
    "Dirichlet": "Dirichlet",
    "Bernoulli(probs)": "Bernoulli",
    "Bernoulli(logits)": "Bernoulli",
    "Binomial": "Binomial",
    "Geometric": "Geometric",
    "Poisson": "Poisson",
    "Categorical(probs)": "Categorical",
    "Categorical(logits)": "Categorical",
    "OneHotCategorical": "OneHotCategorical",
    "MVN(cov)": "MultivariateNormal",
    "MVN(scale_tril)": "MultivariateNormal",
    "LowRankMVN": "LowRankMultivariateNormal",
    "Independent(Normal)": "Independent",
    "LogNormal": "TransformedDistribution",
    "Chi2": "Gamma",
}


def _pairs():
    from torch.distributions.kl import _KL_REGISTRY

    registered = {(p.__name__, q.__name__) for p, q in _KL_REGISTRY}
    out = []
    for a, fa in _FAMILY.items():
        for b, fb in _FAMILY.items():
            if (fa, fb) in registered and _compatible(a, b):
                out.append((a, b))
    return out


def _compatible(a, b):
    """Pairs whose parameters broadcast (event shapes agree) and whose KL torch can compute."""
    vec = {"Dirichlet", "Categorical(probs)", "Categorical(logits)", "OneHotCategorical"}
    mvn = {"MVN(cov)", "MVN(scale_tril)", "LowRankMVN"}
    if (a in vec) != (b in vec) or (a in mvn) != (b in mvn):
        return False
    if {a, b} & {"Independent(Normal)"} and a != b:
        return False
    if "OneHotCategorical" in (a, b) and a != b:
        return False
    return not ({a, b} & {"LogNormal"} and a != b)


PAIRS = _pairs()


def _kl(m, case_p, case_q, n_p, *params):
    p = case_p.make(m, *params[:n_p])
    q = case_q.make(m, *params[n_p:])
    return D(m).kl_divergence(p, q)


def test_the_pairs_cover_torchs_registry_for_our_families():
    fams = {f for f in _FAMILY.values()}
    from torch.distributions.kl import _KL_REGISTRY

    theirs = {
        (p.__name__, q.__name__)
        for p, q in _KL_REGISTRY
        if p.__name__ in fams and q.__name__ in fams
    }
    ours = {(_FAMILY[a], _FAMILY[b]) for a, b in PAIRS}
    # MultivariateNormal/Independent/TransformedDistribution across families are no pairs
    assert theirs - ours <= {("ExponentialFamily", "ExponentialFamily")}, theirs - ours
    assert len(PAIRS) > 60


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])
@pytest.mark.parametrize(("a", "b"), PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def test_kl_against_torch(a, b, dtype):
    rng = np.random.default_rng(zlib.crc32(f"{a}|{b}".encode()))
    cp, cq = BY_NAME[a], BY_NAME[b]
    shape = (3,) if a != "Independent(Normal)" else (2,)
    pp = [x.astype(dtype) for x in cp.params(rng, shape, np.float64)]
    qp = [x.astype(dtype) for x in cq.params(rng, shape, np.float64)]
    f64 = dtype == np.float64
    check(
        lambda m, *ps: _kl(m, cp, cq, len(pp), *ps),
        *pp,
        *qp,
        rtol=1e-7 if f64 else 2e-4,
        atol=1e-9 if f64 else 2e-5,
    )


def test_uniform_kl_is_infinite_outside_and_finite_inside():
    def fn(m, lo, hi, lo2, hi2):
        return D(m).kl_divergence(D(m).Uniform(lo, hi), D(m).Uniform(lo2, hi2))

    check(
        fn,
        np.array([0.0, 0.0, -1.0]),
        np.array([1.0, 2.0, 1.0]),
        np.array([-1.0, 0.5, -2.0]),
        np.array([2.0, 3.0, 0.5]),
    )


def test_degenerate_categorical_and_bernoulli_kl():
    def fn(m, p, q):
        return D(m).kl_divergence(D(m).Categorical(probs=p), D(m).Categorical(probs=q))

    check(
        fn,
        np.array([[0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]),
        np.array([[0.5, 0.25, 0.25], [0.5, 0.5, 0.0]]),
    )

    def fb(m, p, q):
        return D(m).kl_divergence(D(m).Bernoulli(probs=p), D(m).Bernoulli(probs=q))

    check(fb, np.array([0.0, 1.0, 0.3, 0.3]), np.array([0.5, 0.5, 0.0, 1.0]), grad=False)


def test_binomial_kl_refuses_more_trials_in_q():
    p = ember.distributions.Binomial(3, probs=ember.tensor([0.5]))
    q = ember.distributions.Binomial(5, probs=ember.tensor([0.5]))
    with pytest.raises(NotImplementedError, match="q.total_count > p.total_count"):
        ember.distributions.kl_divergence(p, q)
    assert math.isinf(ember.distributions.kl_divergence(q, p).item())


def test_no_kl_for_an_unregistered_pair_raises_as_torch():
    msgs = []
    for m in (ember, torch):
        p = D(m).StudentT(m.tensor(3.0))
        q = D(m).Normal(m.tensor(0.0), m.tensor(1.0))
        with pytest.raises(NotImplementedError) as err:
            D(m).kl_divergence(p, q)
        msgs.append(str(err.value))
    assert (
        msgs[0] == msgs[1] == ("No KL(p || q) is implemented for p type StudentT and q type Normal")
    )


def test_mvn_kl_with_different_event_shapes_raises_as_torch():
    for m in (ember, torch):
        p = D(m).MultivariateNormal(m.zeros(2), m.eye(2))
        q = D(m).MultivariateNormal(m.zeros(3), m.eye(3))
        with pytest.raises(ValueError, match="different event shapes"):
            D(m).kl_divergence(p, q)


def test_independent_kl_needs_equal_reinterpreted_dims():
    for m in (ember, torch):
        base = D(m).Normal(m.zeros(2, 3), m.ones(2, 3))
        with pytest.raises(NotImplementedError):
            D(m).kl_divergence(D(m).Independent(base, 1), D(m).Independent(base, 2))


def test_cross_exponential_family_is_not_a_bregman_divergence():
    for m in (ember, torch):
        with pytest.raises(NotImplementedError, match="different exponential families"):
            D(m).kl.kl_divergence(
                D(m).Dirichlet(m.ones(3)), D(m).Bernoulli(probs=m.tensor([0.5, 0.5, 0.5]))
            )


def test_register_kl_picks_the_most_specific_pair_and_warns_when_ambiguous():
    ED = ember.distributions

    class A(ED.Normal):
        pass

    class B(ED.Normal):
        pass

    calls = []

    @ED.register_kl(A, ED.Normal)
    def _kl_a_normal(p, q):
        calls.append("A,Normal")
        return ember.tensor(1.0)

    @ED.register_kl(ED.Normal, B)
    def _kl_normal_b(p, q):
        calls.append("Normal,B")
        return ember.tensor(2.0)

    try:
        assert ED.kl_divergence(A(0.0, 1.0), ED.Normal(0.0, 1.0)).item() == 1.0
        assert ED.kl_divergence(ED.Normal(0.0, 1.0), B(0.0, 1.0)).item() == 2.0
        with pytest.warns(RuntimeWarning, match=r"Ambiguous kl_divergence\(A, B\)"):
            ED.kl_divergence(A(0.0, 1.0), B(0.0, 1.0))
        # a plain Normal pair still uses the built-in divergence
        assert ED.kl_divergence(ED.Normal(0.0, 1.0), ED.Normal(0.0, 1.0)).item() == 0.0
    finally:
        from ember.distributions import kl as K

        for key in [(A, ED.Normal), (ED.Normal, B)]:
            K._KL_REGISTRY.pop(key)
        K._KL_MEMOIZE.clear()
    assert calls[:2] == ["A,Normal", "Normal,B"]


def test_expfamily_bregman_divergence_against_torch():
    """A subclass with no registered pair of its own falls back to the Bregman divergence of
    ExponentialFamily (here Poisson's own pair is more specific, so a subclass of
    ExponentialFamily with natural parameters is built)."""

    def fn(m, r1, r2):
        class P(D(m).ExponentialFamily):
            arg_constraints = {}

            def __init__(self, rate):
                self.rate = rate
                super().__init__(rate.shape, validate_args=False)

            @property
            def _natural_params(self):
                return (self.rate.log(),)

            def _log_normalizer(self, x):
                return x.exp()

        return D(m).kl_divergence(P(r1), P(r2))

    check(fn, np.array([0.5, 2.0, 3.0]), np.array([1.0, 1.5, 4.0]), grad=False)
