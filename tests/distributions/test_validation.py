"""Argument and sample validation as torch's (exception types and messages), the validation
switches, reprs, batch/event shapes and ``expand``."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
import torch

import ember

from .cases import CASES, D


def _norm(msg: str) -> str:
    return msg.replace("torch.", "ember.")


def _same_error(make, exc=ValueError):
    """``make(lib)`` raises the same exception type and message in ember and torch."""
    msgs = []
    for m in (ember, torch):
        with pytest.raises(exc) as err:
            make(m)
        msgs.append(_norm(str(err.value)))
    assert msgs[0] == msgs[1]
    return msgs[0]


BAD_PARAMS = {
    "Normal(scale<0)": lambda m: D(m).Normal(m.tensor([0.0, 1.0]), m.tensor([1.0, -1.0])),
    "Normal(loc=nan)": lambda m: D(m).Normal(m.tensor([float("nan")]), m.tensor([1.0])),
    "Exponential(rate=0)": lambda m: D(m).Exponential(m.tensor([0.0, 2.0])),
    "Gamma(conc<0)": lambda m: D(m).Gamma(m.tensor([-1.0]), m.tensor([1.0])),
    "Beta(c0<0)": lambda m: D(m).Beta(m.tensor([1.0]), m.tensor([-0.5])),
    "Bernoulli(p>1)": lambda m: D(m).Bernoulli(probs=m.tensor([0.5, 1.5])),
    "Binomial(n=-1)": lambda m: D(m).Binomial(m.tensor([-1.0]), probs=m.tensor([0.5])),
    "Binomial(n=1.5)": lambda m: D(m).Binomial(m.tensor([1.5]), probs=m.tensor([0.5])),
    "Categorical(probs<0)": lambda m: D(m).Categorical(probs=m.tensor([0.5, -0.5, 1.0])),
    "Dirichlet(conc=0)": lambda m: D(m).Dirichlet(m.tensor([1.0, 0.0])),
    "Poisson(rate<0)": lambda m: D(m).Poisson(m.tensor([-1.0])),
    "Uniform(low>=high)": lambda m: D(m).Uniform(m.tensor([1.0]), m.tensor([0.0])),
    "Laplace(scale=0)": lambda m: D(m).Laplace(m.tensor([0.0]), m.tensor([0.0])),
    "StudentT(df<0)": lambda m: D(m).StudentT(m.tensor([-1.0])),
    "Geometric(p=0)": lambda m: D(m).Geometric(m.tensor([0.0, 0.5])),
    "MVN(cov not PD)": lambda m: D(m).MultivariateNormal(
        m.zeros(2), m.tensor([[1.0, 2.0], [2.0, 1.0]])
    ),
    "MVN(cov not symmetric)": lambda m: D(m).MultivariateNormal(
        m.zeros(2), m.tensor([[1.0, 0.5], [0.0, 1.0]])
    ),
    "MVN(scale_tril not lower)": lambda m: D(m).MultivariateNormal(
        m.zeros(2), scale_tril=m.tensor([[1.0, 0.5], [0.0, 1.0]])
    ),
    "MVN(scale_tril diag<0)": lambda m: D(m).MultivariateNormal(
        m.zeros(2), scale_tril=m.tensor([[1.0, 0.0], [0.0, -1.0]])
    ),
    "LogNormal(scale<0)": lambda m: D(m).LogNormal(m.tensor([0.0]), m.tensor([-1.0])),
    "Pareto(alpha<0)": lambda m: D(m).Pareto(m.tensor([1.0]), m.tensor([-1.0])),
    "NegativeBinomial(p=1)": lambda m: D(m).NegativeBinomial(
        m.tensor([2.0]), probs=m.tensor([1.0])
    ),
}


@pytest.mark.parametrize("make", list(BAD_PARAMS.values()), ids=list(BAD_PARAMS))
def test_invalid_parameters_raise_torchs_value_error(make):
    _same_error(make)


BAD_VALUES = {
    "Normal(nan)": (
        lambda m: D(m).Normal(m.zeros(2), m.ones(2)),
        lambda m: m.tensor([0.0, np.nan]),
    ),
    "Exponential(-1)": (lambda m: D(m).Exponential(m.ones(2)), lambda m: m.tensor([1.0, -1.0])),
    "Bernoulli(0.5)": (lambda m: D(m).Bernoulli(probs=m.tensor(0.3)), lambda m: m.tensor(0.5)),
    "Beta(1.5)": (lambda m: D(m).Beta(m.ones(1), m.ones(1)), lambda m: m.tensor([1.5])),
    "Categorical(4)": (lambda m: D(m).Categorical(m.ones(4)), lambda m: m.tensor([4])),
    "Categorical(1.5)": (lambda m: D(m).Categorical(m.ones(4)), lambda m: m.tensor([1.5])),
    "Poisson(0.5)": (lambda m: D(m).Poisson(m.ones(1)), lambda m: m.tensor([0.5])),
    "Binomial(4)": (lambda m: D(m).Binomial(3, m.tensor([0.5])), lambda m: m.tensor([4.0])),
    "Uniform(2)": (lambda m: D(m).Uniform(m.zeros(1), m.ones(1)), lambda m: m.tensor([2.0])),
    "Dirichlet(not simplex)": (
        lambda m: D(m).Dirichlet(m.ones(3)),
        lambda m: m.tensor([0.5, 0.5, 0.5]),
    ),
    "OneHot(two ones)": (
        lambda m: D(m).OneHotCategorical(m.ones(3)),
        lambda m: m.tensor([1.0, 1.0, 0.0]),
    ),
    "LogNormal(-1)": (lambda m: D(m).LogNormal(m.zeros(1), m.ones(1)), lambda m: m.tensor([-1.0])),
    "Independent(nan)": (
        lambda m: D(m).Independent(D(m).Normal(m.zeros(2), m.ones(2)), 1),
        lambda m: m.tensor([0.0, float("nan")]),
    ),
    "event shape": (
        lambda m: D(m).MultivariateNormal(m.zeros(3), m.eye(3)),
        lambda m: m.zeros(2),
    ),
    "not broadcastable": (lambda m: D(m).Normal(m.zeros(3), m.ones(3)), lambda m: m.zeros(4)),
    "not a tensor": (lambda m: D(m).Normal(m.zeros(3), m.ones(3)), lambda m: 0.5),
}


@pytest.mark.parametrize(("make", "value"), list(BAD_VALUES.values()), ids=list(BAD_VALUES))
def test_invalid_values_raise_torchs_value_error(make, value):
    _same_error(lambda m: make(m).log_prob(value(m)))


def test_constructor_errors_are_torchs():
    _same_error(lambda m: D(m).Categorical())
    _same_error(lambda m: D(m).Categorical(probs=m.ones(2), logits=m.ones(2)))
    _same_error(lambda m: D(m).Categorical(probs=m.tensor(1.0)))
    _same_error(lambda m: D(m).Categorical(logits=m.tensor(1.0)))
    _same_error(lambda m: D(m).Bernoulli())
    _same_error(lambda m: D(m).Binomial(3))
    _same_error(lambda m: D(m).Dirichlet(m.tensor(1.0)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(2)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(2), m.eye(2), scale_tril=m.eye(2)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(()), m.eye(2)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(2), m.ones(2)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(2), scale_tril=m.ones(2)))
    _same_error(lambda m: D(m).MultivariateNormal(m.zeros(2), precision_matrix=m.ones(2)))
    _same_error(lambda m: D(m).Independent(D(m).Normal(m.zeros(2), 1.0), 2))
    _same_error(lambda m: D(m).MixtureSameFamily(D(m).Normal(0.0, 1.0), D(m).Normal(0.0, 1.0)))
    _same_error(lambda m: D(m).MixtureSameFamily(D(m).Categorical(m.ones(2)), 3))
    _same_error(
        lambda m: D(m).MixtureSameFamily(
            D(m).Categorical(m.ones(2)), D(m).Normal(m.zeros(3), m.ones(3))
        )
    )
    _same_error(
        lambda m: D(m).MixtureSameFamily(
            D(m).Categorical(m.ones(2, 2)), D(m).Normal(m.zeros(3, 2), m.ones(3, 2))
        )
    )
    _same_error(lambda m: D(m).TransformedDistribution(D(m).Normal(0.0, 1.0), 3))
    _same_error(lambda m: D(m).TransformedDistribution(D(m).Normal(0.0, 1.0), [3]))
    _same_error(
        lambda m: D(m).TransformedDistribution(
            D(m).Normal(0.0, 1.0), D(m).transforms.StickBreakingTransform()
        )
    )
    _same_error(lambda m: D(m).Multinomial(m.tensor(2), m.ones(2)), NotImplementedError)
    _same_error(lambda m: D(m).Distribution.set_default_validate_args(3))
    _same_error(
        lambda m: D(m).Binomial(m.tensor([2.0, 3.0]), m.tensor([0.5, 0.5])).entropy(),
        NotImplementedError,
    )


def test_validation_switches():
    ED = ember.distributions
    bad = (ember.tensor([0.0]), ember.tensor([-1.0]))
    ED.Normal(*bad, validate_args=False)  # no check
    ED.Normal(*bad, validate_args=False).log_prob(ember.tensor([float("nan")]))
    try:
        ED.Distribution.set_default_validate_args(False)
        d = ED.Normal(*bad)
        assert not d._validate_args
        with pytest.raises(ValueError):
            ED.Normal(*bad, validate_args=True)
    finally:
        ED.Distribution.set_default_validate_args(True)
    with pytest.raises(ValueError):
        ED.Normal(*bad)
    # expand keeps the switch of the distribution it expands
    d = ED.Normal(ember.zeros(1), ember.ones(1), validate_args=False).expand((3,))
    assert not d._validate_args


def test_base_distribution_errors_are_torchs():
    for name in ("mean", "mode", "variance"):
        msgs = []
        for m in (ember, torch):
            d = D(m).Distribution(validate_args=False)
            with pytest.raises(NotImplementedError) as err:
                getattr(d, name)
            msgs.append(str(err.value).replace("torch.distributions", "ember.distributions"))
        assert msgs[0] == msgs[1]
    for m in (ember, torch):
        d = D(m).Distribution(validate_args=False)
        for fn in ("entropy", "rsample", "enumerate_support"):
            with pytest.raises(NotImplementedError):
                getattr(d, fn)()
        with pytest.raises(NotImplementedError):
            d.log_prob(m.zeros(1))
        with pytest.raises(NotImplementedError):
            d.cdf(m.zeros(1))
        with pytest.warns(UserWarning, match="does not define `arg_constraints`"):
            D(m).Distribution()
    msgs = []
    for m in (ember, torch):

        class Mine(D(m).Normal):
            def __init__(self):
                super().__init__(0.0, 1.0)

        with pytest.raises(NotImplementedError) as err:
            Mine().expand((2,))
        msgs.append(str(err.value))
    assert msgs[0] == msgs[1]


def _params(case, shape=(2, 3)):
    rng = np.random.default_rng(zlib.crc32(case.name.encode()))
    return case.params(rng, shape, np.float64)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_repr_and_shapes_are_torchs(case):
    params = _params(case)
    e = case.make(ember, *[ember.tensor(p) for p in params])
    t = case.make(torch, *[torch.tensor(p) for p in params])
    assert repr(e) == _norm(repr(t))
    assert tuple(e.batch_shape) == tuple(t.batch_shape)
    assert tuple(e.event_shape) == tuple(t.event_shape)
    assert type(e.batch_shape) is ember.Size


def test_scalar_parameters_give_scalar_batches_and_reprs():
    for make in (
        lambda m: D(m).Normal(0.0, 1.0),
        lambda m: D(m).Gamma(2.0, 3.0),
        lambda m: D(m).Beta(2.0, 3.0),
        lambda m: D(m).Bernoulli(0.3),
        lambda m: D(m).Exponential(2.0),
        lambda m: D(m).Uniform(0.0, 2.0),
    ):
        e, t = make(ember), make(torch)
        assert tuple(e.batch_shape) == tuple(t.batch_shape) == ()
        assert repr(e) == _norm(repr(t))
        assert e.sample().dtype == ember.float32
        assert tuple(e.sample((2,)).shape) == (2,)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expand_is_torchs(case):
    params = _params(case, shape=(3,))
    if not case.torch_f64:
        params = [p.astype(np.float32) for p in params]
    e = case.make(ember, *[ember.tensor(p) for p in params])
    t = case.make(torch, *[torch.tensor(p) for p in params])
    ee, te = e.expand((2, 3)), t.expand((2, 3))
    assert type(ee) is type(e)
    assert tuple(ee.batch_shape) == tuple(te.batch_shape) == (2, 3)
    assert tuple(ee.event_shape) == tuple(te.event_shape)
    torch.manual_seed(0)
    with torch.no_grad():
        v = te.sample()
    ve = ember.tensor(v.numpy())
    np.testing.assert_allclose(
        ee.log_prob(ve).detach().numpy(), te.log_prob(v).numpy(), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        ee.log_prob(ve).detach().numpy(), e.log_prob(ve).detach().numpy(), rtol=1e-6, atol=1e-8
    )
    with pytest.raises(RuntimeError):
        e.expand((4,))


def test_support_is_torchs():
    for case in CASES:
        params = _params(case)
        e = case.make(ember, *[ember.tensor(p) for p in params])
        t = case.make(torch, *[torch.tensor(p) for p in params])
        assert _norm(repr(e.support)).split("(")[0] == repr(t.support).split("(")[0], case.name
        assert e.support.is_discrete == t.support.is_discrete, case.name
        assert e.support.event_dim == t.support.event_dim, case.name


def test_sample_n_warns_and_stddev_perplexity():
    d = ember.distributions.Normal(ember.zeros(2), ember.full((2,), 2.0))
    with pytest.warns(UserWarning, match="sample_n will be deprecated"):
        assert tuple(d.sample_n(3).shape) == (3, 2)
    np.testing.assert_allclose(d.stddev.numpy(), [2.0, 2.0])
    t = torch.distributions.Normal(torch.zeros(2), torch.full((2,), 2.0))
    np.testing.assert_allclose(d.perplexity().numpy(), t.perplexity().numpy(), rtol=1e-6)
