"""ember.special against torch.special: values, dtypes, gradients, gradcheck in float64."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.ops.composite as C
import ember.special as es

from ..oracle import check, check_error, check_gradcheck

_RNG = np.random.default_rng(7)


def _arr(*shape, low=-2.0, high=2.0, dtype=np.float32):
    return _RNG.uniform(low, high, size=shape).astype(dtype)


def _sp(m):
    return es if m is ember else torch.special


# name -> (call, input range, gradgrad)
UNARY = {
    "erf": (lambda s, x: s.erf(x), (-2, 2), True),
    "erfc": (lambda s, x: s.erfc(x), (-2, 2), True),
    "erfinv": (lambda s, x: s.erfinv(x), (-0.9, 0.9), True),
    "expit": (lambda s, x: s.expit(x), (-3, 3), True),
    "logit": (lambda s, x: s.logit(x), (0.1, 0.9), True),
    "logit_eps": (lambda s, x: s.logit(x, eps=0.2), (0.25, 0.75), True),
    "exp2": (lambda s, x: s.exp2(x), (-2, 2), True),
    "expm1": (lambda s, x: s.expm1(x), (-2, 2), True),
    "log1p": (lambda s, x: s.log1p(x), (-0.5, 2), True),
    "gammaln": (lambda s, x: s.gammaln(x), (0.5, 3), True),
    "digamma": (lambda s, x: s.digamma(x), (0.5, 3), True),
    "psi": (lambda s, x: s.psi(x), (0.5, 3), True),
    "polygamma1": (lambda s, x: s.polygamma(1, x), (0.5, 3), True),
    "polygamma2": (lambda s, x: s.polygamma(2, x), (0.5, 3), True),
    "multigammaln": (lambda s, x: s.multigammaln(x, 3), (1.5, 4), True),
    "entr": (lambda s, x: s.entr(x), (0.1, 2), True),
    "sinc": (lambda s, x: s.sinc(x), (-2, 2), True),
    "ndtr": (lambda s, x: s.ndtr(x), (-5, 5), True),
    "ndtri": (lambda s, x: s.ndtri(x), (0.05, 0.95), True),
    "log_ndtr": (lambda s, x: s.log_ndtr(x), (-5, 5), True),
    "log_softmax": (lambda s, x: s.log_softmax(x, -1), (-3, 3), True),
    "softmax": (lambda s, x: s.softmax(x, 0), (-3, 3), True),
    "logsumexp": (lambda s, x: s.logsumexp(x, -1), (-3, 3), True),
    "logsumexp_keepdim": (lambda s, x: s.logsumexp(x, (0, 1), keepdim=True), (-3, 3), True),
}
SHAPES = [(), (5,), (3, 4)]


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_against_torch(name, shape):
    fn, (lo, hi), _ = UNARY[name]
    if name == "logsumexp_keepdim" and len(shape) < 2:
        pytest.skip("needs two dims")
    for dtype in (np.float32, np.float64):
        check(
            lambda m, x: fn(_sp(m), x),
            _arr(*shape, low=lo, high=hi, dtype=dtype),
            rtol=1e-4,
            atol=1e-5,
        )


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradcheck(name):
    fn, (lo, hi), gradgrad = UNARY[name]
    check_gradcheck(
        lambda m, x: fn(_sp(m), x), _arr(2, 3, low=lo, high=hi, dtype=np.float64), gradgrad=gradgrad
    )


def test_unary_noncontiguous_and_used_twice():
    x = _arr(3, 4, low=0.1, high=0.9)
    check(lambda m, x: _sp(m).entr(x.mT) + _sp(m).ndtri(x).mT * x.mT, x, rtol=1e-4, atol=1e-5)
    check(lambda m, x: _sp(m).sinc(x[:, ::2]) * _sp(m).log_ndtr(x[:, ::2]), x, rtol=1e-4)


@pytest.mark.parametrize(
    "name",
    [
        "erf",
        "expit",
        "exp2",
        "expm1",
        "log1p",
        "gammaln",
        "entr",
        "sinc",
        "ndtr",
        "log_ndtr",
        "multigammaln",
        "digamma",
    ],
)
def test_unary_int_input(name):
    fn = UNARY[name][0]
    check(
        lambda m, x: fn(_sp(m), x),
        np.array([1, 2, 3, 4], dtype=np.int64),
        grad=False,
        rtol=1e-4,
        atol=1e-5,
    )


def test_special_values():
    x = np.array([0.0, -1.0, np.nan, 2.0, 0.5], dtype=np.float32)
    check(lambda m, x: _sp(m).entr(x), x, grad=False)
    check(lambda m, x: _sp(m).sinc(x), np.array([0.0, 1.0, -0.5, 2.5], np.float32), grad=False)
    check(lambda m, x: _sp(m).ndtri(x), np.array([0.0, 1.0, 0.5], np.float32), grad=False)
    check(lambda m, x: _sp(m).round(x), np.array([0.5, 1.5, -2.5, 1.2], np.float32), grad=False)
    check(lambda m, x: _sp(m).round(x, decimals=1), np.array([0.25, 1.46], np.float64), grad=False)
    check(lambda m, x: _sp(m).softmax(x, 0, dtype=m.float64), _arr(4), grad=True)


BINARY = {
    "xlogy": lambda s, x, y: s.xlogy(x, y),
    "xlog1py": lambda s, x, y: s.xlog1py(x, y),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize(
    "shapes", [((), ()), ((3,), ()), ((2, 3), (3,)), ((3, 1), (1, 4))], ids=str
)
def test_binary_against_torch(name, shapes):
    fn = BINARY[name]
    a, b = shapes
    check(lambda m, x, y: fn(_sp(m), x, y), _arr(*a), _arr(*b, low=0.2, high=2), rtol=1e-5)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_zero_x_and_nan(name):
    fn = BINARY[name]
    x = np.array([0.0, 0.0, 0.0, 1.5, -2.0, 0.0], dtype=np.float64)
    y = np.array([0.0 if name == "xlogy" else -1.0, np.nan, 2.0, 0.5, 3.0, 1.0], np.float64)
    check(lambda m, x: fn(_sp(m), x, m.tensor(y)), x)  # gradient w.r.t. x, incl. x == 0
    check(lambda m, x, y: fn(_sp(m), x, y), x[2:], y[2:])
    check(lambda m, x, y: fn(_sp(m), x, y), x, y, grad=False)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_scalars_ints_gradcheck(name):
    fn = BINARY[name]
    y = _arr(3, low=0.2, high=2)
    check(lambda m, y: fn(_sp(m), 2.0, y), y)
    check(lambda m, x: fn(_sp(m), x, 3), _arr(3))
    check(lambda m, x, y: fn(_sp(m), x, y), np.array([0, 1, 2]), np.array([1, 2, 3]), grad=False)
    check(lambda m, x: fn(_sp(m), x, x), _arr(4, low=0.2, high=2))  # used twice
    check_gradcheck(
        lambda m, x, y: fn(_sp(m), x, y),
        _arr(2, 3, dtype=np.float64),
        _arr(3, low=0.2, high=2, dtype=np.float64),
    )


def test_names_match_torch_special():
    for name in es.__all__:
        assert hasattr(torch.special, name), name


def test_xlogy_inf():
    x = np.array([0.0, 0.0, 1.0], np.float32)
    check(lambda m, x: _sp(m).xlogy(x, m.tensor([np.inf, -1.0, -1.0])), x, grad=False)
    check(lambda m, x: _sp(m).xlog1py(x, m.tensor([np.inf, -2.0, -2.0])), x, grad=False)


# ---- ember.ops.composite: warnings, in-place methods and errors (values are in the op_db) --


def _ns(m):
    return C if m is ember else m


def test_cov_degrees_of_freedom_warning():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="degrees of freedom"):
            out = _ns(lib).cov(lib.ones(3, 1))
        assert np.isnan(out.numpy()).all() and tuple(out.shape) == (3, 3)


def test_inplace_methods():
    x = _arr(4, low=0.2, high=2)
    check(lambda m, x: x.clone().xlogy_(x * 2), x)
    check(lambda m, x: x.clone().sinc_(), x)
    check(lambda m, x: (x + 2).mvlgamma_(2), x, rtol=1e-4)


ERRORS = [
    lambda m: _ns(m).diff(m.tensor(1.0)),
    lambda m: _ns(m).diff(m.ones(3), n=-1),
    lambda m: _ns(m).diff(m.ones(3), dim=2),
    lambda m: _ns(m).diff(m.ones(3), prepend=m.tensor(1.0)),
    lambda m: _ns(m).diff(m.ones(2, 3), append=m.ones(3, 3)),
    lambda m: _ns(m).cov(m.ones(2, 2, 2)),
    lambda m: _ns(m).cov(m.ones(3), fweights=m.ones(3)),
    lambda m: _ns(m).cov(m.ones(3), fweights=m.ones(2, dtype=m.int64)),
    lambda m: _ns(m).cov(m.ones(3), fweights=-m.ones(3, dtype=m.int64)),
    lambda m: _ns(m).cov(m.ones(3), aweights=m.ones(3, dtype=m.int64)),
    lambda m: _ns(m).cov(m.ones(3), aweights=m.zeros(3)),
    lambda m: _ns(m).cov(m.ones(3, dtype=m.bool)),
    lambda m: _ns(m).corrcoef(m.ones(2, 2, 2)),
    lambda m: _ns(m).block_diag(m.ones(2), m.ones(1, 2, 2)),
    lambda m: _ns(m).cartesian_prod(m.ones(2, 2)),
    lambda m: _ns(m).cartesian_prod(m.ones(2), m.ones(2, dtype=m.int64)),
    lambda m: _ns(m).combinations(m.ones(2, 2)),
    lambda m: _ns(m).combinations(m.ones(3), -1),
    lambda m: _ns(m).mvlgamma(m.ones(3) * 3, 0),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_composite_errors(k):
    msg = check_error(ERRORS[k])
    assert msg
