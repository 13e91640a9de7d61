"""The special functions of ``ember/ops/special_fns.py`` beyond the op database: edge values
against torch, the derivatives PyTorch refuses, ``out=``, integer inputs, and the NumPy
fallbacks of ``ember/_backend/_special_extra.py`` against SciPy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember._backend import set_scipy_enabled, special_fallbacks

from ..oracle import check_error

scipy_special = pytest.importorskip("scipy.special")

_UNARY = """bessel_j0 bessel_j1 bessel_y0 bessel_y1 modified_bessel_i0 modified_bessel_i1
modified_bessel_k0 modified_bessel_k1 scaled_modified_bessel_k0 scaled_modified_bessel_k1
spherical_bessel_j0 airy_ai i0 i0e i1 i1e erfcx"""
UNARY = _UNARY.split()

EDGES = [0.0, -0.0, 1e-30, -1e-30, 1e-5, 0.5, -0.5, 3.0, -3.0, 20.0, -20.0]
SPECIALS = [np.inf, -np.inf, np.nan]


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_edge_values_as_torch(name, dtype):
    x = np.array(EDGES + SPECIALS, dtype=dtype)
    got = getattr(ember.special, name)(ember.tensor(x)).numpy()
    want = getattr(torch.special, name)(torch.tensor(x)).numpy()
    assert got.dtype == want.dtype
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    if name == "airy_ai" and dtype == np.float64:
        rtol = 1e-7  # torch's Ai(-3) is off by 1.4e-8 (SciPy and ember agree with mpmath)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-30, equal_nan=True)


@pytest.mark.parametrize("name", ["chebyshev_polynomial_v", "legendre_polynomial_p"])
def test_polynomials_at_their_special_points(name):
    # (no NaN: torch's legendre_polynomial_p(nan, 2) is -0.125 where the recurrence gives NaN)
    x = torch.tensor([-1.0, 1.0, 0.0, 0.5])
    for n in [0, 1, 2, 3, 10, -2, 3.9]:
        want = getattr(torch.special, name)(x, n)
        got = getattr(ember.special, name)(ember.tensor(x.numpy()), n)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)


def test_zeta_and_incomplete_gamma_domains_as_torch():
    s = np.array([0.5, 1.0, 2.0, 2.0, 2.0, 3.0, 2.0])
    q = np.array([1.0, 1.0, 0.0, -1.0, -1.5, -1.5, np.inf])
    got = ember.special.zeta(ember.tensor(s), ember.tensor(q)).numpy()
    want = torch.special.zeta(torch.tensor(s), torch.tensor(q)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-10, equal_nan=True)
    a = np.array([0.0, 1.0, -1.0, 1.0, 0.0, 2.0, np.inf])
    x = np.array([1.0, 0.0, 1.0, -1.0, 0.0, np.inf, 1.0])
    for name in ("gammainc", "gammaincc"):
        got = getattr(ember.special, name)(ember.tensor(a), ember.tensor(x)).numpy()
        want = getattr(torch.special, name)(torch.tensor(a), torch.tensor(x)).numpy()
        np.testing.assert_allclose(got, want, rtol=1e-10, equal_nan=True, err_msg=name)


def test_integer_inputs_compute_in_the_default_float():
    x = [0, 1, 2, 5]
    assert ember.i0(ember.tensor(x)).dtype is ember.float32
    assert ember.special.bessel_j0(ember.tensor(x)).dtype is ember.float32
    got = ember.special.hermite_polynomial_h(ember.tensor(x), 3)
    want = torch.special.hermite_polynomial_h(torch.tensor(x), 3)
    assert got.dtype is ember.float32 and got.tolist() == want.tolist()
    got = ember.igamma(ember.tensor([1, 2]), ember.tensor([0.5, 3.0], dtype=ember.float64))
    assert got.dtype is ember.float64


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (lambda m, a, x: m.igamma(a, x), "the derivative for 'igamma: input' is not implemented."),
        (
            lambda m, a, x: m.igammac(a, x),
            "the derivative for 'igammac: input' is not implemented.",
        ),
        (lambda m, a, x: m.special.zeta(a, x), "the derivative for 'zeta' is not implemented."),
    ],
)
def test_refused_derivatives_as_torch(fn, message):
    def run(m):
        a = m.tensor([1.5, 2.5], requires_grad=True)
        x = m.tensor([0.5, 1.5], requires_grad=True)
        fn(m, a, x).sum().backward()

    check_error(run)
    with pytest.raises(NotImplementedError, match=message):
        run(ember)


def test_functions_without_a_derivative_give_results_that_need_none():
    x = ember.tensor([0.5, 1.5], requires_grad=True)
    assert not ember.special.bessel_j0(x).requires_grad
    assert not ember.special.legendre_polynomial_p(x, 3).requires_grad
    assert ember.special.i1(x).requires_grad


def test_out_and_inplace():
    x = ember.tensor([0.5, 1.5, 2.5])
    out = ember.empty(3, dtype=ember.float64)
    assert ember.special.i1e(x, out=out) is out
    want = torch.special.i1e(torch.tensor([0.5, 1.5, 2.5]))
    np.testing.assert_allclose(out.numpy(), want.numpy(), rtol=1e-6)
    y = x.clone()
    assert y.i0_() is y
    want = torch.i0(torch.tensor([0.5, 1.5, 2.5]))
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-6)
    y = ember.tensor([1.0, 2.0])
    y.igamma_(ember.tensor([0.5, 0.5]))
    want = torch.igamma(torch.tensor([1.0, 2.0]), torch.tensor(0.5))
    np.testing.assert_allclose(y.numpy(), want.numpy(), rtol=1e-6)
    check_error(lambda m: m.special.airy_ai(1.0))


# ---------------------------------------------------------------- NumPy fallbacks against SciPy
def _grid():
    rng = np.random.default_rng(0)
    return np.concatenate(
        [
            np.linspace(-60, 60, 1201),
            rng.uniform(-5, 5, 200),
            10 ** rng.uniform(-12, 2.5, 200),
            -(10 ** rng.uniform(-12, 2.5, 200)),
            [0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, 5.0, -6.0, 25.0, 30.0, 30.0001],
        ]
    )


REFERENCE = {
    "i0": scipy_special.i0,
    "i0e": scipy_special.i0e,
    "i1": scipy_special.i1,
    "i1e": scipy_special.i1e,
    "k0": scipy_special.k0,
    "k0e": scipy_special.k0e,
    "k1": scipy_special.k1,
    "k1e": scipy_special.k1e,
    "j0": scipy_special.j0,
    "j1": scipy_special.j1,
    "y0": scipy_special.y0,
    "y1": scipy_special.y1,
    "erfcx": scipy_special.erfcx,
    "airy_ai": lambda x: scipy_special.airy(x)[0],
}


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_numpy_fallback_matches_scipy(name):
    x = _grid()
    if name == "airy_ai":
        x = x[x < 100]  # SciPy's Ai underflows early there; the fallback does not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = REFERENCE[name](x)
        got = special_fallbacks()[name](x)
    # oscillating functions are compared relative to their envelope, 1 / sqrt(|x|)
    scale = np.maximum(np.abs(want), np.minimum(1.0, 1 / np.sqrt(np.abs(x) + 1e-300)))
    both = np.isfinite(want)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isinf(want)], want[np.isinf(want)])
    err = np.abs(got[both] - want[both]) / np.maximum(scale[both], 1e-300)
    tol = 5e-12 if name == "airy_ai" else 1e-12  # Ai: where the series meets the asymptotics
    assert err.max() < tol, (name, x[both][err.argmax()], err.max())


def test_numpy_fallbacks_of_two_arguments_match_scipy():
    rng = np.random.default_rng(1)
    a, x = 10 ** rng.uniform(-3, 3, 2000), 10 ** rng.uniform(-3, 3, 2000)
    for name in ("gammainc", "gammaincc"):
        want = getattr(scipy_special, name)(a, x)
        got = special_fallbacks()[name](a, x)
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300, err_msg=name)
    edges_a = np.array([0.0, 1.0, -1.0, 1.0, 0.0, 2.0])
    edges_x = np.array([1.0, 0.0, 1.0, -1.0, 0.0, np.inf])
    for name in ("gammainc", "gammaincc"):
        want = getattr(scipy_special, name)(edges_a, edges_x)
        got = special_fallbacks()[name](edges_a, edges_x)
        np.testing.assert_array_equal(got, want)
    s, q = 1 + 10 ** rng.uniform(-3, 2, 2000), 10 ** rng.uniform(-3, 3, 2000)
    np.testing.assert_allclose(special_fallbacks()["zeta"](s, q), scipy_special.zeta(s, q), 1e-13)
    s = np.array([0.5, 1.0, 2.0, 2.0, 2.0, 3.0])
    q = np.array([1.0, 1.0, 0.0, -1.0, -1.5, -1.5])
    np.testing.assert_allclose(
        special_fallbacks()["zeta"](s, q), scipy_special.zeta(s, q), 1e-13, equal_nan=True
    )


def test_the_backend_uses_the_fallbacks_without_scipy():
    set_scipy_enabled(False)
    try:
        x = np.array([0.5, 2.0], dtype=np.float32)
        got = ember.special.bessel_y1(ember.tensor(x))
    finally:
        set_scipy_enabled(True)
    assert got.dtype is ember.float32
    np.testing.assert_allclose(got.numpy(), scipy_special.y1(x), rtol=1e-6)
