"""Bad input to products and linear algebra: PyTorch's exception types and messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.ops import products

from ..oracle import check_error

F = np.float32


def _z(*shape, dtype=F):
    return np.zeros(shape, dtype=dtype)


def _o(*shape, dtype=F):
    return np.ones(shape, dtype=dtype)


def _same_message(fn, *arrays, **kwargs):
    """Both raise the same type with the same message."""
    msg = check_error(fn, *arrays, **kwargs)
    try:
        fn(torch, *[torch.tensor(a) for a in arrays], **kwargs)
    except Exception as exc:  # noqa: BLE001
        assert msg == str(exc).split("\n")[0], f"ember: {msg!r}\ntorch: {exc!r}"


@pytest.mark.parametrize(
    "a,b",
    [
        ((4, 3), (5, 6)),
        ((2, 4, 3), (5, 6)),
        ((3,), (4,)),
        ((2, 3), (4,)),
        ((3,), (4, 5)),
        ((2, 4, 3), (5,)),
        ((3,), (2, 5, 6)),
        ((4, 3), (2, 5, 6)),
        ((2, 4, 3), (2, 5, 6)),
        ((2, 4, 3), (3, 3, 6)),
    ],
)
def test_matmul_shape_messages(a, b):
    _same_message(lambda m, x, y: m.matmul(x, y), _o(*a), _o(*b))


def test_matmul_mismatch_names_shapes():
    msg = check_error(lambda m, x, y: x @ y, _o(4, 3), _o(5, 6))
    assert msg == "mat1 and mat2 shapes cannot be multiplied (4x3 and 5x6)"


def test_matmul_transposed_fold_when_first_needs_grad():
    a = ember.ones(4, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"\(12x5 and 3x4\)"):
        ember.matmul(a, ember.ones(2, 5, 6))


@pytest.mark.parametrize(
    "fn,args",
    [
        (lambda m, x, y: m.matmul(x, y), (_o(2), _o(2, dtype=np.float64))),
        (lambda m, x, y: m.matmul(x, y), (_o(0), _o(2))),
        (lambda m, x, y: m.mm(x, y), (_o(2, 3), _o(3))),
        (lambda m, x, y: m.mm(x, y), (_o(3), _o(3, 3))),
        (lambda m, x, y: m.mm(x, y), (_o(2, 3), _o(4, 4))),
        (lambda m, x, y: m.bmm(x, y), (_o(2, 3, 4), _o(3, 4, 4))),
        (lambda m, x, y: m.bmm(x, y), (_o(3, 3), _o(3, 3))),
        (lambda m, x, y: m.mv(x, y), (_o(3, 3), _o(3, 1))),
        (lambda m, x, y: m.mv(x, y), (_o(2, 3), _o(4))),
        (lambda m, x, y: m.dot(x, y), (_o(3), _o(3, dtype=np.float64))),
        (lambda m, x, y: m.dot(x, y), (_o(3, 3), _o(3))),
        (lambda m, x, y: m.outer(x, y), (_o(2, 2), _o(3))),
        (lambda m, x, y: m.inner(x, y), (_o(2), _o(3))),
        (lambda m, x, y: m.inner(x, y), (_o(2, 3), _o(4, 3, dtype=np.float64))),
        (lambda m, x, y: m.tensordot(x, y, 1), (_o(2, 3), _o(4, 4))),
        (lambda m, x, y: m.tensordot(x, y, -1), (_o(2, 3), _o(3, 4))),
        (lambda m, x, y: m.tensordot(x, y, ([1], [0, 1])), (_o(2, 3), _o(3, 4))),
        (lambda m, x, y: m.tensordot(x, y, 1), (_o(2, 3), _o(3, 4, dtype=np.float64))),
        (lambda m, i, x, y: m.addmm(i, x, y), (_o(2, 3), _o(2, 3), _o(4, 3))),
        (lambda m, i, x, y: m.addmm(i, x, y), (_o(4), _o(2, 3), _o(3, 3))),
        (lambda m, i, x, y: m.addmm(i, x, y), (_o(2, 3), _o(2, 3, 1), _o(3, 3))),
        (lambda m, i, x, y: m.addmv(i, x, y), (_o(2), _o(2, 3), _o(4))),
        (lambda m, i, x, y: m.addbmm(i, x, y), (_o(3), _o(2, 2, 3), _o(3, 3, 3))),
        (lambda m, i, x, y: m.baddbmm(i, x, y), (_o(3), _o(2, 2, 3), _o(3, 3, 3))),
        (lambda m, x, y: m.linalg.multi_dot([x]), (_o(3), _o(3))),
        (lambda m, x, y: m.linalg.multi_dot([x, y]), (_o(3, 3), _o(2, 3))),
        (lambda m, x, y: m.linalg.multi_dot([x, y, x]), (_o(3, 3), _o(3))),
        (lambda m, x, y: m.linalg.cross(x, y), (_o(3, 4), _o(3, 4))),
        (lambda m, x, y: m.linalg.cross(x, y), (_o(3, 3), _o(3))),
        (lambda m, x, y: m.linalg.cross(x, y, dim=1), (_o(2, 3), _o(4, 3))),
        (lambda m, x: m.trace(x), (_o(2, 3, 3),)),
    ],
)
def test_product_messages(fn, args):
    _same_message(fn, *args)


def test_addr_integral_alpha():
    i = np.ones((2, 3), dtype=np.int64)
    v, w = np.ones(2, dtype=np.int64), np.ones(3, dtype=np.int64)
    _same_message(lambda m, a, b, c: m.addr(a, b, c, alpha=2.5), i, v, w)


def test_matmul_bool_not_implemented():
    b = np.ones((2, 2), dtype=bool)
    check_error(lambda m, x: m.matmul(x, x), b)
    check_error(lambda m, x: m.trace(x), b)


def test_inplace_addmm_shape():
    check_error(lambda m, i, x, y: i.addmm_(x, y), _o(3), _o(2, 3), _o(3, 3))


@pytest.mark.parametrize(
    "eq,shapes",
    [
        ("ij,jk", [(2, 3), (2, 4)]),
        ("ij,jk->ik", [(2, 3)]),
        ("ij", [(2, 3), (3, 4)]),
        ("ij->k", [(2, 3)]),
        ("i", [(2, 3)]),
        ("ijk", [(2, 3)]),
        ("ij->ii", [(2, 3)]),
        ("ii", [(2, 3)]),
        ("i.j", [(2, 3)]),
        ("i1", [(2, 3)]),
        ("...ij,...jk", [(2, 1, 3), (5, 3, 4)]),
    ],
)
def test_einsum_messages(eq, shapes):
    _same_message(lambda m, *ops: m.einsum(eq, *ops), *[_o(*s) for s in shapes])


def test_einsum_dtype_mismatch():
    check_error(lambda m, x, y: m.einsum("ij,jk", x, y), _o(2, 3), _o(3, 4, dtype=np.float64))


# ---------------------------------------------------------------- linear algebra
@pytest.mark.parametrize(
    "name", ["inv", "det", "slogdet", "cholesky", "eigh", "eigvalsh", "matrix_power"]
)
def test_non_square(name):
    fn = (
        (lambda m, x: m.linalg.matrix_power(x, 2))
        if name == "matrix_power"
        else (lambda m, x: getattr(m.linalg, name)(x))
    )
    _same_message(fn, _o(2, 3))
    _same_message(fn, _o(3))


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.linalg.inv(x),
        lambda m, x: m.linalg.det(x),
        lambda m, x: m.logdet(x),
        lambda m, x: m.linalg.svd(x),
        lambda m, x: m.linalg.qr(x),
        lambda m, x: m.linalg.cholesky(x),
        lambda m, x: m.linalg.slogdet(x),
        lambda m, x: m.linalg.eigh(x),
        lambda m, x: m.linalg.pinv(x),
        lambda m, x: m.linalg.matrix_rank(x),
        lambda m, x: m.linalg.matrix_power(x, -1),
    ],
)
def test_integer_input(fn):
    _same_message(fn, np.eye(3, dtype=np.int64))


def test_half_input():
    _same_message(lambda m, x: m.linalg.inv(x), np.eye(3, dtype=np.float16))


@pytest.mark.parametrize("shape,batch", [((3, 3), ""), ((2, 3, 3), "(Batch element 0): ")])
def test_singular_inverse_raises_linalg_error(shape, batch):
    with pytest.raises(torch.linalg.LinAlgError):
        torch.linalg.inv(torch.zeros(shape))
    with pytest.raises(ember.linalg.LinAlgError) as info:
        ember.linalg.inv(ember.zeros(shape))
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    assert str(info.value).startswith(f"linalg.inv: {batch}")
    assert "singular" in str(info.value)


def test_singular_inverse_later_batch_element():
    a = ember.stack([ember.eye(2), ember.zeros(2, 2)])
    with pytest.raises(ember.linalg.LinAlgError, match=r"\(Batch element 1\)"):
        ember.inverse(a)


def test_singular_solve():
    with pytest.raises(ember.linalg.LinAlgError, match="singular"):
        ember.linalg.solve(ember.zeros(3, 3), ember.ones(3))


@pytest.mark.parametrize("shape", [(3, 3), (2, 3, 3)])
def test_cholesky_not_positive_definite(shape):
    a = np.broadcast_to(np.diag([1.0, -1.0, 1.0]).astype(F), shape).copy()
    with pytest.raises(torch.linalg.LinAlgError) as t_info:
        torch.linalg.cholesky(torch.tensor(a))
    with pytest.raises(ember.linalg.LinAlgError) as e_info:
        ember.linalg.cholesky(ember.tensor(a))
    assert str(e_info.value) == str(t_info.value)


def test_inv_ex_reports_singular_matrices():
    a = np.stack([np.eye(2), np.zeros((2, 2))]).astype(F)
    inverse, info = ember.linalg.inv_ex(ember.tensor(a))
    assert info.dtype is ember.int32 and info.tolist() == [0, 1]
    np.testing.assert_allclose(inverse[0].numpy(), np.eye(2))
    with pytest.raises(ember.linalg.LinAlgError):
        ember.linalg.inv_ex(ember.tensor(a), check_errors=True)


@pytest.mark.parametrize(
    "fn,args",
    [
        (lambda m, a, b: m.linalg.solve(a, b), (_o(3, 3), _o(4))),
        (lambda m, a, b: m.linalg.solve(a, b), (_o(3, 3), _o(4, 2))),
        (lambda m, a, b: m.linalg.solve(a, b), (_o(2, 3, 3), _o(4, 3, 1))),
        (lambda m, a, b: m.linalg.solve(a, b), (_o(3, 3), _o(3, 3, dtype=np.float64))),
        (lambda m, a, b: m.linalg.solve(a, b), (_o(3), _o(3))),
        (lambda m, a, b: m.linalg.lstsq(a, b), (_o(5, 3), _o(4, 2))),
        (lambda m, a, b: m.linalg.lstsq(a, b), (_o(5, 3, dtype=np.float64), _o(5, 2))),
        (lambda m, a, b: m.linalg.lstsq(a, b), (_o(2, 5, 3), _o(5))),
        (lambda m, a, b: m.linalg.lstsq(a, b, driver="xx"), (_o(5, 3), _o(5, 2))),
        (lambda m, a, b: m.linalg.vecdot(a, b), (_o(3, 4), _o(4, dtype=np.float64))),
        (lambda m, a, b: m.linalg.eigh(a, UPLO="X"), (_o(3, 3), _o(1))),
        (lambda m, a, b: m.linalg.qr(a, mode="x"), (_o(3, 3), _o(1))),
    ],
)
def test_linalg_messages(fn, args):
    _same_message(fn, *args)


def test_qr_backward_errors():
    for mode, shape in (("r", (3, 2)), ("complete", (3, 2))):
        for m in (torch, ember):
            a = m.ones(shape).double().requires_grad_()
            q, r = m.linalg.qr(a + m.eye(*shape, dtype=a.dtype), mode=mode)
            with pytest.raises(RuntimeError, match="(?i)linalg.qr|QR decomposition"):
                r.sum().backward()


def test_deprecation_warnings():
    for key, call in (
        ("qr", lambda: ember.qr(ember.eye(2))),
        ("cholesky", lambda: ember.cholesky(ember.eye(2))),
        ("chain_matmul", lambda: ember.chain_matmul(ember.eye(2))),
        ("cross", lambda: ember.cross(ember.ones(3), ember.ones(3))),
    ):
        products._WARNED.discard(key)
        with pytest.warns(UserWarning, match="deprecated"):
            call()
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            call()  # PyTorch warns once per process


def test_linalg_namespace():
    assert ember.linalg.svd is not ember.svd and ember.linalg.cross is not ember.cross
    with pytest.raises(AttributeError):
        ember.linalg.not_a_function  # noqa: B018
    norms = ember.ops.norms
    for name, target in (
        ("vector_norm", "vector_norm"),
        ("matrix_norm", "matrix_norm"),
        ("norm", "linalg_norm"),
    ):
        if hasattr(norms, target):
            assert getattr(ember.linalg, name) is getattr(norms, target)
