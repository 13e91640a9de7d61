"""Linear algebra of ``ember/ops/linalg_extra.py`` and ``linalg_misc.py`` beyond the op
database: errors and ``info`` outputs against torch, deprecation warnings, removed functions,
and what is (not) differentiable."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember

from ..oracle import check_error

RNG = np.random.default_rng(7)


def _both(a):
    return ember.tensor(a), torch.tensor(a)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.linalg.solve_triangular(m.ones(3, 2), m.ones(3, 2), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(2, 2), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3, 2), upper=True, left=False),
        lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(3).int(), m.ones(3, 1).int(), upper=True),
        lambda m: m.linalg.solve_triangular(m.eye(3), m.ones(3, 1)),
        lambda m: m.linalg.lu_factor(m.ones(3)),
        lambda m: m.linalg.lu_factor(m.eye(3).int()),
        lambda m: m.linalg.lu_factor(m.zeros(3, 3)),
        lambda m: m.linalg.lu_factor(m.eye(3), pivot=False),
        lambda m: m.linalg.matrix_exp(m.ones(3, 2)),
        lambda m: m.linalg.matrix_exp(m.eye(3).int()),
        lambda m: m.linalg.householder_product(m.ones(3, 4), m.ones(2)),
        lambda m: m.linalg.householder_product(m.ones(4, 3), m.ones(4)),
        lambda m: m.linalg.cholesky_ex(m.ones(3, 2)),
        lambda m: m.linalg.lu_solve(*m.linalg.lu_factor(m.eye(3)), m.ones(2, 2)),
        lambda m: m.linalg.cond(m.ones(3, 2), "fro"),
        lambda m: m.linalg.vander(m.tensor(1.0)),
        lambda m: m.vander(m.ones(2, 2)),
        lambda m: m.cholesky_solve(m.ones(3, 2), m.eye(3).double()),
        lambda m: m.geqrf(m.ones(3)),
        lambda m: m.linalg.tensorinv(m.ones(4, 2, 2), ind=0),
        lambda m: m.linalg.lu_factor_ex(m.zeros(2, 2), check_errors=True),
        lambda m: m.linalg.ldl_factor(m.ones(3, 2)),
        lambda m: m.linalg.ldl_factor(m.ones(3)),
        lambda m: m.linalg.ldl_factor(m.eye(3).int()),
        lambda m: m.linalg.ldl_solve(*m.linalg.ldl_factor(m.eye(3)), m.ones(2, 2)),
        lambda m: m.linalg.ldl_solve(*m.linalg.ldl_factor(m.eye(3)), m.ones(3, 2).double()),
    ],
)
def test_errors_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(fn)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.linalg.cholesky_ex(m.tensor([[1.0, 2.0], [2.0, 1.0]]), check_errors=True),
        lambda m: m.linalg.solve_ex(m.zeros(2, 2), m.ones(2), check_errors=True),
    ],
)
def test_linalg_errors_as_torch(fn):
    """torch.linalg.LinAlgError is a class of its own; ember's has its name and message."""
    with pytest.raises(torch.linalg.LinAlgError) as want:
        fn(torch)
    with pytest.raises(ember.linalg.LinAlgError) as got:
        fn(ember)
    assert str(got.value) == str(want.value)


def test_lu_factor_of_a_singular_matrix_names_the_zero_pivot():
    message = check_error(lambda m: m.linalg.lu_factor(m.tensor([[1.0, 2.0], [2.0, 4.0]])))
    try:
        torch.linalg.lu_factor(torch.tensor([[1.0, 2.0], [2.0, 4.0]]))
    except RuntimeError as e:
        assert message == str(e)


def test_info_outputs_as_torch():
    singular = np.array([[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 3.0]]])
    e, t = _both(singular)
    got, want = ember.linalg.lu_factor_ex(e), torch.linalg.lu_factor_ex(t)
    assert got.info.tolist() == want.info.tolist() and got.info.dtype is ember.int32
    np.testing.assert_allclose(got.LU.numpy(), want.LU.numpy())
    assert got.pivots.tolist() == want.pivots.tolist()
    not_pd = np.array([[[1.0, 2.0], [2.0, 1.0]], [[4.0, 1.0], [1.0, 3.0]]])
    e, t = _both(not_pd)
    assert ember.linalg.cholesky_ex(e).info.tolist() == torch.linalg.cholesky_ex(t).info.tolist()
    e, t = _both(np.array([[0.0, 0.0], [0.0, 1.0]]))
    got = ember.linalg.solve_ex(e, ember.ones(2, dtype=ember.float64))
    want = torch.linalg.solve_ex(t, torch.ones(2, dtype=torch.float64))
    assert got.info.item() == want.info.item() == 1
    got_ok = ember.linalg.solve_ex(ember.eye(2), ember.ones(2))
    assert got_ok.info.item() == 0 and got_ok.result.tolist() == [1.0, 1.0]


def test_torch_lu_with_and_without_infos():
    a = RNG.standard_normal((2, 3, 3))
    e, t = _both(a)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, want = ember.lu(e, get_infos=True), torch.lu(t, get_infos=True)
        assert len(ember.lu(e)) == 2 and type(ember.lu(e)) is tuple
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.numpy(), w.numpy(), rtol=1e-12)
    assert e.lu()[1].tolist() == want[1].tolist()


def test_deprecated_functions_warn_once_as_torch():
    from ember.ops import products

    for key in ("lu", "lu_solve", "triangular_solve", "frobenius_norm", "nuclear_norm"):
        products._WARNED.discard(key)
    a = ember.eye(3)
    calls = [
        (lambda: ember.lu(a), "torch.lu is deprecated"),
        (lambda: ember.lu_solve(ember.ones(3, 1), *ember.linalg.lu_factor(a)), "lu_solve"),
        (lambda: ember.triangular_solve(ember.ones(3, 1), a), "torch.triangular_solve"),
        (lambda: ember.frobenius_norm(a, (0, 1)), "frobenius_norm is deprecated"),
        (lambda: ember.nuclear_norm(a), "nuclear_norm is deprecated"),
    ]
    for call, text in calls:
        with pytest.warns(UserWarning, match=text):
            call()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            call()  # once only


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.solve(m.ones(2, 1), m.eye(2)),
        lambda m: m.eye(2).solve(m.eye(2)),
        lambda m: m.lstsq(m.ones(2, 1), m.eye(2)),
        lambda m: m.symeig(m.eye(2)),
        lambda m: m.eye(2).symeig(),
        lambda m: m.matrix_rank(m.eye(2)),
    ],
)
def test_functions_removed_in_torch_raise_its_error(fn):
    message = check_error(fn)
    try:
        fn(torch)
    except RuntimeError as e:
        assert message.split("\n")[0] == str(e).split("\n")[0]


def test_what_is_differentiable_matches_torch():
    x = ember.tensor(RNG.standard_normal((3, 3)), requires_grad=True)
    assert not ember.linalg.lu(x).P.requires_grad and ember.linalg.lu(x).L.requires_grad
    assert not ember.linalg.lu_factor(x).pivots.requires_grad
    a, tau = ember.geqrf(x)
    assert a.requires_grad and tau.requires_grad  # as in torch, whose backward then raises

    def backward(m):
        y = m.tensor(RNG.standard_normal((3, 3)), requires_grad=True)
        m.geqrf(y)[0].sum().backward()

    message = check_error(backward)
    assert message == "the derivative for 'geqrf' is not implemented."


def test_matrix_exp_of_large_and_special_matrices():
    for a in [
        RNG.standard_normal((4, 4)) * 30,
        np.zeros((3, 3)),
        np.diag([1.0, -2.0, 3.0]),
        np.array([[0.0, 1.0], [-1.0, 0.0]]) * np.pi,
        RNG.standard_normal((2, 0, 0)),
    ]:
        e, t = _both(a)
        np.testing.assert_allclose(
            ember.matrix_exp(e).numpy(), torch.matrix_exp(t).numpy(), rtol=1e-9, atol=1e-12
        )


def test_lu_of_rank_deficient_and_empty_matrices():
    for a in [
        np.array([[0.0, 1.0], [0.0, 2.0]]),
        np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [2.0, 0.0, 1.0]]),
        np.zeros((0, 3)),
        np.zeros((2, 0, 0)),
    ]:
        e, t = _both(a)
        got, want = ember.linalg.lu_factor_ex(e), torch.linalg.lu_factor_ex(t)
        np.testing.assert_allclose(got.LU.numpy(), want.LU.numpy())
        assert got.pivots.tolist() == want.pivots.tolist()
        assert got.info.tolist() == want.info.tolist()


def test_solve_triangular_reads_one_triangle_and_promotes():
    a = RNG.standard_normal((3, 3)) + 5 * np.eye(3)
    b = RNG.standard_normal((3, 2))
    e = ember.linalg.solve_triangular(ember.tensor(a), ember.tensor(b).float(), upper=True)
    t = torch.linalg.solve_triangular(torch.tensor(a), torch.tensor(b).float(), upper=True)
    assert e.dtype is ember.float64
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-6)
    lower_changed = a + np.tril(np.ones((3, 3)), -1) * 100
    e2 = ember.linalg.solve_triangular(ember.tensor(lower_changed), ember.tensor(b), upper=True)
    np.testing.assert_allclose(e2.numpy(), e.numpy(), rtol=1e-6)


def test_out_arguments():
    a = ember.tensor(RNG.standard_normal((3, 3)) + 4 * np.eye(3))
    out = ember.empty(3, 3, dtype=ember.float64)
    assert ember.linalg.matrix_exp(a, out=out) is out
    np.testing.assert_allclose(out.numpy(), ember.matrix_exp(a).numpy())
    lu_out, piv_out = ember.empty(0, dtype=ember.float64), ember.empty(0, dtype=ember.int32)
    result = ember.linalg.lu_factor(a, out=(lu_out, piv_out))
    assert result.LU is lu_out and result.pivots is piv_out
    np.testing.assert_allclose(lu_out.numpy(), ember.linalg.lu_factor(a).LU.numpy())


def test_ldl_factor_matches_lapack_on_random_symmetric_matrices():
    """Bunch-Kaufman's pivot choices depend on the values: LD, pivots and info equal torch's
    (LAPACK sytrf) over many sizes, with zero diagonals and zero columns, and ldl_solve solves."""
    rng = np.random.default_rng(11)
    for trial in range(120):
        n = int(rng.integers(1, 7))
        m = rng.standard_normal((n, n))
        a = m + m.T
        if trial % 3 == 0:
            a[np.diag_indices(n)] = 0.0
        if trial % 5 == 0:
            a[:, 0] = a[0, :] = 0.0
        got = ember.linalg.ldl_factor_ex(ember.tensor(a))
        want = torch.linalg.ldl_factor_ex(torch.tensor(a))
        np.testing.assert_allclose(got.LD.numpy(), want.LD.numpy(), rtol=1e-10, atol=1e-12)
        assert got.pivots.tolist() == want.pivots.tolist()
        assert got.info.item() == want.info.item()
        if want.info.item() == 0:
            b = rng.standard_normal((n, 2))
            x = ember.linalg.ldl_solve(got.LD, got.pivots, ember.tensor(b))
            np.testing.assert_allclose(a @ x.numpy(), b, atol=1e-8)
    with pytest.raises(ember.linalg.LinAlgError, match="not invertible"):
        ember.linalg.ldl_factor(ember.zeros(3, 3))
