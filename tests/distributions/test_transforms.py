"""Transforms, constraints and the constraint registry against torch: forward and inverse values,
log det Jacobians and their gradients, shapes, signs, caching, equality and reprs; constraint
checks on valid and invalid values; biject_to/transform_to."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch

import ember

from ..oracle import check
from .cases import D


def T(m):  # noqa: N802
    return D(m).transforms


def C(m):  # noqa: N802
    return D(m).constraints


_RNG = np.random.default_rng(11)
X = _RNG.uniform(-1.5, 1.5, size=(2, 3))
POS = _RNG.uniform(0.3, 2.0, size=(2, 3))
VEC = _RNG.uniform(-1.0, 1.0, size=(2, 3))
MAT = _RNG.uniform(-1.0, 1.0, size=(2, 3, 3))
SPD = MAT @ np.swapaxes(MAT, -1, -2) + 3 * np.eye(3)
CORR_VEC = _RNG.uniform(-1.0, 1.0, size=(2, 6))

# name -> (make(lib, *tensors), inputs in the domain)
TRANSFORMS = {
    "Exp": (lambda m: T(m).ExpTransform(), X),
    "Sigmoid": (lambda m: T(m).SigmoidTransform(), X),
    "Tanh": (lambda m: T(m).TanhTransform(), X),
    "Softplus": (lambda m: T(m).SoftplusTransform(), X),
    "Abs": (lambda m: T(m).AbsTransform(), X),
    "Power": (lambda m: T(m).PowerTransform(m.tensor(2.5, dtype=m.float64)), POS),
    "Affine": (
        lambda m: T(m).AffineTransform(
            m.tensor([1.0, -2.0, 0.5], dtype=m.float64), m.tensor([2.0, -0.5, 3.0], dtype=m.float64)
        ),
        X,
    ),
    "Affine(float)": (lambda m: T(m).AffineTransform(1.5, -2.0), X),
    "Affine(event_dim=1)": (
        lambda m: T(m).AffineTransform(0.5, m.tensor([2.0, -0.5, 3.0], dtype=m.float64), 1),
        X,
    ),
    "Softmax": (lambda m: T(m).SoftmaxTransform(), VEC),
    "StickBreaking": (lambda m: T(m).StickBreakingTransform(), VEC),
    "LowerCholesky": (lambda m: T(m).LowerCholeskyTransform(), MAT),
    "PositiveDefinite": (lambda m: T(m).PositiveDefiniteTransform(), MAT),
    "CorrCholesky": (lambda m: T(m).CorrCholeskyTransform(), CORR_VEC),
    "Compose": (
        lambda m: T(m).ComposeTransform(
            [
                T(m).AffineTransform(0.5, 2.0),
                T(m).ExpTransform(),
                T(m).PowerTransform(m.tensor(0.5, dtype=m.float64)),
            ]
        ),
        X,
    ),
    "Compose(event)": (
        lambda m: T(m).ComposeTransform(
            [T(m).ExpTransform(), T(m).StickBreakingTransform().inv.inv]
        ),
        VEC,
    ),
    "Independent": (lambda m: T(m).IndependentTransform(T(m).SigmoidTransform(), 1), X),
    "Reshape": (lambda m: T(m).ReshapeTransform((3,), (3, 1)), X),
    "Inverse(Sigmoid)": (lambda m: T(m).SigmoidTransform().inv, np.clip(POS / 2.5, 0.05, 0.95)),
    "Cat": (
        lambda m: T(m).CatTransform(
            [T(m).ExpTransform(), T(m).AffineTransform(1.0, 2.0)], 1, [2, 1]
        ),
        X,
    ),
    "Stack": (
        lambda m: T(m).StackTransform(
            [T(m).ExpTransform(), T(m).SigmoidTransform(), T(m).AffineTransform(1.0, 2.0)], 1
        ),
        X,
    ),
    "CDF(Normal)": (
        lambda m: T(m).CumulativeDistributionTransform(
            D(m).Normal(m.tensor(0.5, dtype=m.float64), m.tensor(2.0, dtype=m.float64))
        ),
        X,
    ),
}


def _apply(make, m, x):
    t = make(m)
    y = t(x)
    out = [y, t.inv(y)]
    with contextlib.suppress(NotImplementedError):  # AbsTransform has none
        out.append(t.log_abs_det_jacobian(x, y))
    return out


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_values_and_gradients(name):
    make, x = TRANSFORMS[name]
    check(lambda m, x: _apply(make, m, x), x, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_attributes_are_torchs(name):
    make, x = TRANSFORMS[name]
    e, t = make(ember), make(torch)
    assert e.bijective == t.bijective
    assert repr(e).replace("ember.", "torch.") == repr(t)
    for attr in ("domain", "codomain"):
        ec, tc = getattr(e, attr), getattr(t, attr)
        assert type(ec).__name__ == type(tc).__name__, attr
        assert ec.event_dim == tc.event_dim, attr
    try:
        ts = t.sign
    except NotImplementedError:
        with pytest.raises(NotImplementedError):
            e.sign  # noqa: B018
    else:
        es = e.sign
        assert (es.tolist() if hasattr(es, "tolist") else es) == (
            ts.tolist() if hasattr(ts, "tolist") else ts
        )
    for shape in [x.shape, (4, *x.shape)]:
        assert tuple(e.forward_shape(ember.Size(shape))) == tuple(
            t.forward_shape(torch.Size(shape))
        )
        y_shape = tuple(t.forward_shape(torch.Size(shape)))
        assert tuple(e.inverse_shape(ember.Size(y_shape))) == tuple(
            t.inverse_shape(torch.Size(y_shape))
        )


def test_cache_returns_the_exact_input_and_inverse_identity():
    t = ember.distributions.transforms.ExpTransform().with_cache(1)
    x = ember.tensor([0.5, 100.0])  # exp(100) overflows float32: only the cache recovers x
    y = t(x)
    assert t.inv(y) is x
    assert t(x) is y
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        ember.distributions.transforms.ExpTransform(cache_size=2)
    inv = t.inv
    assert inv.inv is t
    assert t.inv is inv  # weakly held, the same object while alive


def test_transform_equality_is_torchs():
    for m in (ember, torch):
        t = T(m)
        assert t.ExpTransform() == t.ExpTransform()
        assert t.ExpTransform() != t.SigmoidTransform()
        assert t.AffineTransform(1.0, 2.0) == t.AffineTransform(1.0, 2.0)
        assert t.AffineTransform(1.0, 2.0) != t.AffineTransform(1.0, 3.0)
        assert t.ExpTransform().inv == t.ExpTransform().inv
        assert t.ComposeTransform([t.ExpTransform()]) == t.ComposeTransform([t.ExpTransform()])
        assert t.PowerTransform(m.tensor(2.0)) == t.PowerTransform(m.tensor(2.0))
        assert t.identity_transform == t.ComposeTransform([])


def test_reshape_transform_errors_are_torchs():
    for m in (ember, torch):
        with pytest.raises(ValueError, match="different numbers of elements"):
            T(m).ReshapeTransform((2, 3), (4,))
        with pytest.raises(ValueError, match="Shape mismatch"):
            T(m).ReshapeTransform((2, 3), (6,)).forward_shape((3, 2))


def test_transformed_distribution_against_torch():
    def fn(m, loc, scale, v):
        base = D(m).Normal(loc, scale)
        ts = [T(m).AffineTransform(1.0, -2.0), T(m).SigmoidTransform()]
        d = D(m).TransformedDistribution(base, ts)
        return d.log_prob(v), d.cdf(v), d.icdf(m.full_like(v, 0.3))

    rng = np.random.default_rng(3)
    check(
        fn,
        rng.uniform(-1, 1, 3),
        rng.uniform(0.5, 1.5, 3),
        rng.uniform(0.1, 0.9, (2, 3)),
        rtol=1e-7,
        atol=1e-9,
    )

    def stick(m, conc, v):
        d = D(m).TransformedDistribution(
            D(m).Normal(conc, m.ones_like(conc)), T(m).StickBreakingTransform()
        )
        return d.log_prob(v), m.tensor(d.event_shape)

    check(stick, rng.uniform(-1, 1, (2, 2)), np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]))


# ---------------------------------------------------------------------------- constraints

CONSTRAINTS = {
    "real": (lambda m: C(m).real, [0.0, np.inf, np.nan, -3.0]),
    "positive": (lambda m: C(m).positive, [0.0, 1.0, -1.0, np.inf]),
    "nonnegative": (lambda m: C(m).nonnegative, [0.0, 1.0, -1e-9]),
    "greater_than": (lambda m: C(m).greater_than(1.5), [1.5, 2.0, 1.0]),
    "greater_than_eq": (lambda m: C(m).greater_than_eq(1.5), [1.5, 2.0, 1.0]),
    "less_than": (lambda m: C(m).less_than(1.5), [1.5, 2.0, 1.0]),
    "unit_interval": (lambda m: C(m).unit_interval, [0.0, 1.0, 1.5, -0.1]),
    "interval": (lambda m: C(m).interval(-1, 2), [-1.0, 2.0, 2.5]),
    "half_open_interval": (lambda m: C(m).half_open_interval(-1, 2), [-1.0, 2.0, 1.0]),
    "boolean": (lambda m: C(m).boolean, [0.0, 1.0, 0.5]),
    "nonnegative_integer": (lambda m: C(m).nonnegative_integer, [0.0, 3.0, 1.5, -1.0]),
    "positive_integer": (lambda m: C(m).positive_integer, [0.0, 3.0, 1.5]),
    "integer_interval": (lambda m: C(m).integer_interval(1, 4), [0.0, 1.0, 4.0, 2.5, 5.0]),
    "simplex": (lambda m: C(m).simplex, [[0.2, 0.8], [0.5, 0.6], [-0.1, 1.1], [1.0, 0.0]]),
    "one_hot": (lambda m: C(m).one_hot, [[0.0, 1.0], [1.0, 1.0], [0.5, 0.5]]),
    "real_vector": (lambda m: C(m).real_vector, [[0.0, 1.0], [np.nan, 0.0]]),
    "independent": (lambda m: C(m).independent(C(m).positive, 1), [[1.0, 2.0], [1.0, -1.0]]),
    "multinomial": (lambda m: C(m).multinomial(3), [[1.0, 2.0], [2.0, 2.0], [-1.0, 2.0]]),
    "lower_cholesky": (
        lambda m: C(m).lower_cholesky,
        [[[1.0, 0.0], [2.0, 1.0]], [[1.0, 1.0], [0.0, 1.0]], [[-1.0, 0.0], [0.0, 1.0]]],
    ),
    "lower_triangular": (
        lambda m: C(m).lower_triangular,
        [[[1.0, 0.0], [2.0, -1.0]], [[1.0, 1.0], [0.0, 1.0]]],
    ),
    "positive_definite": (
        lambda m: C(m).positive_definite,
        [[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]],
    ),
    "positive_semidefinite": (
        lambda m: C(m).positive_semidefinite,
        [[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [2.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]]],
    ),
    "symmetric": (lambda m: C(m).symmetric, [[[2.0, 1.0], [1.0, 2.0]], [[1.0, 2.0], [0.0, 1.0]]]),
    "square": (lambda m: C(m).square, [[[2.0, 1.0], [1.0, 2.0]]]),
    "corr_cholesky": (
        lambda m: C(m).corr_cholesky,
        [[[1.0, 0.0], [0.6, 0.8]], [[1.0, 0.0], [0.5, 0.5]]],
    ),
    "cat": (
        lambda m: C(m).cat([C(m).positive, C(m).real], 0, [1, 1]),
        [-1.0, -1.0],
    ),
    "stack": (lambda m: C(m).stack([C(m).positive, C(m).unit_interval], 0), [0.5, 2.0]),
}


@pytest.mark.parametrize("name", list(CONSTRAINTS))
def test_constraint_checks_are_torchs(name):
    make, values = CONSTRAINTS[name]
    e, t = make(ember), make(torch)
    ev, tv = ember.tensor(values, dtype=ember.float64), torch.tensor(values, dtype=torch.float64)
    er, tr = e.check(ev), t.check(tv)
    assert er.dtype == ember.bool
    np.testing.assert_array_equal(er.numpy(), tr.numpy())
    assert repr(e) == repr(t)
    assert e.event_dim == t.event_dim
    assert e.is_discrete == t.is_discrete


def test_dependent_constraint_is_torchs():
    for m in (ember, torch):
        c = C(m)
        assert c.is_dependent(c.dependent) and not c.is_dependent(c.real)
        with pytest.raises(ValueError, match="Cannot determine validity of dependent constraint"):
            c.dependent.check(m.zeros(1))
        with pytest.raises(NotImplementedError, match="cannot be determined statically"):
            c.dependent.is_discrete  # noqa: B018
        d = c.dependent(is_discrete=True, event_dim=1)
        assert d.is_discrete and d.event_dim == 1
    assert D(ember).Uniform.support.event_dim == 0


REGISTRY_CASES = [
    ("real", lambda m: C(m).real, X),
    ("positive", lambda m: C(m).positive, X),
    ("greater_than", lambda m: C(m).greater_than(2.0), X),
    ("less_than", lambda m: C(m).less_than(-1.0), X),
    ("unit_interval", lambda m: C(m).unit_interval, X),
    ("interval", lambda m: C(m).interval(-2.0, 3.0), X),
    ("simplex", lambda m: C(m).simplex, VEC),
    ("independent", lambda m: C(m).independent(C(m).positive, 1), X),
    ("corr_cholesky", lambda m: C(m).corr_cholesky, CORR_VEC),
    ("lower_cholesky", lambda m: C(m).lower_cholesky, MAT),
    ("positive_definite", lambda m: C(m).positive_definite, MAT),
    ("cat", lambda m: C(m).cat([C(m).positive, C(m).real], 1, [2, 1]), X),
    ("stack", lambda m: C(m).stack([C(m).positive, C(m).real, C(m).unit_interval], 1), X),
]


@pytest.mark.parametrize(("name", "make", "x"), REGISTRY_CASES, ids=[c[0] for c in REGISTRY_CASES])
def test_biject_to_and_transform_to_are_torchs(name, make, x):
    for reg in ("biject_to", "transform_to"):
        try:
            tt = getattr(D(torch), reg)(make(torch))
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(D(ember), reg)(make(ember))
            continue
        et = getattr(D(ember), reg)(make(ember))
        assert repr(et) == repr(tt)
        check(lambda m, x, reg=reg: getattr(D(m), reg)(make(m))(x), x, rtol=1e-7, atol=1e-9)
        y = et(ember.tensor(x))
        assert bool(make(ember).check(y).all())


def test_registry_errors_are_torchs():
    for m in (ember, torch):
        with pytest.raises(NotImplementedError, match="Cannot transform _LowerCholesky"):
            D(m).biject_to(C(m).lower_cholesky)
        with pytest.raises(TypeError, match="Expected constraint to be either"):
            D(m).biject_to.register(3, lambda c: c)
