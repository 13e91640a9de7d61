"""``ember.linalg.eig`` / ``eigvals`` against torch: values (compared without regard to order),
eigenvectors up to their phase, gradients of phase-invariant losses, gradcheck and
gradgradcheck on real and complex matrices, torch's phase error and argument errors, ``out=``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(5)


def _matrix(*shape, complex_=False):
    a = RNG.standard_normal(shape)
    if complex_:
        a = a + 1j * RNG.standard_normal(shape)
    return a


def _matching(ours, theirs):
    """For each of ``theirs`` (a 1-d array of eigenvalues), the index of the closest of ``ours``:
    the pairing that makes the two comparable whatever order LAPACK returned them in."""
    order = [int(np.argmin(np.abs(ours - t))) for t in theirs]
    assert sorted(order) == list(range(len(theirs))), (ours, theirs)
    return order


def _batches(x):
    return x.reshape(-1, x.shape[-1]) if x.ndim > 1 else x[None]


SHAPES = [(1, 1), (2, 2), (4, 4), (3, 5, 5), (2, 2, 3, 3), (0, 0), (2, 0, 0)]


@pytest.mark.parametrize("shape", SHAPES, ids=[str(s) for s in SHAPES])
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128"])
def test_eigvals_and_eig_are_torchs(shape, dtype):
    a = _matrix(*shape, complex_=dtype.startswith("complex"))
    e_in = ember.tensor(a, dtype=getattr(ember, dtype))
    t_in = torch.tensor(a, dtype=getattr(torch, dtype))
    tol = 1e-4 if dtype in ("float32", "complex64") else 1e-10
    ev, tv = ember.linalg.eigvals(e_in), torch.linalg.eigvals(t_in)
    L, V = ember.linalg.eig(e_in)
    tL, tV = torch.linalg.eig(t_in)
    for ours in (ev, L):
        assert ours.dtype.name == str(tv.dtype).replace("torch.", "")
        assert tuple(ours.shape) == tuple(tv.shape)
    assert V.dtype.name == str(tV.dtype).replace("torch.", "") and V.shape == tuple(tV.shape)
    n = shape[-1]
    if n == 0:
        return
    ev_b, tv_b, L_b = _batches(ev.numpy()), _batches(tv.numpy()), _batches(L.numpy())
    V_b = V.numpy().reshape(-1, n, n)
    tV_b = tV.numpy().reshape(-1, n, n)
    A_b = a.reshape(-1, n, n)
    for k in range(ev_b.shape[0]):
        order = _matching(ev_b[k], tv_b[k])
        np.testing.assert_allclose(ev_b[k][order], tv_b[k], rtol=tol, atol=tol)
        order = _matching(L_b[k], tv_b[k])
        np.testing.assert_allclose(L_b[k][order], tv_b[k], rtol=tol, atol=tol)
        vecs = V_b[k][:, order]
        # each eigenvector: unit norm, A v = l v, and torch's up to a phase
        np.testing.assert_allclose(np.linalg.norm(vecs, axis=0), 1, rtol=tol, atol=tol)
        np.testing.assert_allclose(A_b[k] @ vecs, vecs * tv_b[k], rtol=1e3 * tol, atol=1e3 * tol)
        overlap = np.abs(np.sum(vecs.conj() * tV_b[k], axis=0))
        np.testing.assert_allclose(overlap, 1, rtol=1e2 * tol, atol=1e2 * tol)


def test_result_is_a_named_tuple():
    res = ember.linalg.eig(ember.tensor([[2.0, 1.0], [-1.0, 2.0]]))
    assert type(res).__name__ == type(torch.linalg.eig(torch.eye(2))).__name__ == "linalg_eig"
    L, V = res
    assert res.eigenvalues is L and res.eigenvectors is V
    assert sorted(L.tolist(), key=lambda z: z.imag) == [2 - 1j, 2 + 1j]


# ---------------------------------------------------------------------------- gradients

LOSSES = {
    "eigenvalues": lambda m, L, V: (L * L * (1 + 2j)).real.sum() + L.abs().sum(),
    "vector_moduli": lambda m, L, V: (V.abs() ** 2 * L.real.unsqueeze(-2)).sum(),
    "vector_abs": lambda m, L, V: V.abs().sum() + (L.imag * L.real).sum(),
    "projector": lambda m, L, V: m.view_as_real(V * V.conj() * L.unsqueeze(-2)).pow(2).sum(),
}


@pytest.mark.parametrize("loss", list(LOSSES))
@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
@pytest.mark.parametrize("shape", [(3, 3), (2, 4, 4)])
def test_eig_gradients_are_torchs(loss, complex_, shape):
    a = _matrix(*shape, complex_=complex_)
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        L, V = lib.linalg.eig(x)
        LOSSES[loss](lib, L, V).backward()
        grads.append(x.grad)
    assert grads[0].dtype.name == str(grads[1].dtype).replace("torch.", "")
    np.testing.assert_allclose(grads[0].numpy(), grads[1].numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("complex_", [False, True], ids=["real", "complex"])
def test_eigvals_gradients_are_torchs(complex_):
    a = _matrix(2, 4, 4, complex_=complex_)
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        w = lib.linalg.eigvals(x)
        # a sum over the eigenvalues, so their order does not matter
        loss = (w**3 * (1 - 2j)).real.sum() + w.abs().sum() + (w.imag**2 * w.real).sum()
        (gx,) = lib.autograd.grad(loss, x)
        grads.append(gx.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("complex_", [False, True], ids=["float64", "complex128"])
def test_gradcheck_and_gradgradcheck(complex_):
    x = ember.tensor(_matrix(4, 4, complex_=complex_), requires_grad=True)
    fns = [
        lambda a: ember.linalg.eigvals(a),
        lambda a: ember.linalg.eig(a).eigenvalues,
        lambda a: (lambda L, V: (V.abs() ** 2 * L.unsqueeze(-2)).sum(-1))(*ember.linalg.eig(a)),
        lambda a: (lambda L, V: ember.view_as_real((V * V.conj()).exp() * L))(*ember.linalg.eig(a)),
    ]
    for f in fns:
        assert ember.autograd.gradcheck(f, (x,))
        assert ember.autograd.gradgradcheck(f, (x,))
    batch = ember.tensor(_matrix(2, 3, 3, complex_=complex_), requires_grad=True)
    assert ember.autograd.gradcheck(fns[2], (batch,))


def test_second_derivatives_are_torchs():
    a = _matrix(3, 3)
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        L, V = lib.linalg.eig(x)
        (g,) = lib.autograd.grad((V.abs() ** 3).sum() + (L * L).real.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        grads.append(gg.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-8)


def test_gradcheck_catches_a_wrong_formula(monkeypatch):
    from ember.ops.prims import linalg_eig as E

    x = ember.tensor(_matrix(3, 3), requires_grad=True)
    f = lambda a: ember.linalg.eigvals(a)  # noqa: E731
    assert ember.autograd.gradcheck(f, (x,))
    # V^-1 diag(g) V (no conjugate transposes) instead of V^-H diag(g) V^H
    monkeypatch.setattr(
        E,
        "_eig_grad",
        lambda w, v, gw, gv, check_phase=True: E._solve(v, E._diag_embed(gw) @ v),
    )
    assert not ember.autograd.gradcheck(f, (x,), raise_exception=False)


def test_a_loss_that_depends_on_the_phases_raises_as_torch():
    a = np.array([[0.0, -2.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.0, 3.0]])  # eigenvalues +-i sqrt 2, 3
    messages = []
    for lib in (torch, ember):
        x = lib.tensor(a, requires_grad=True)
        L, V = lib.linalg.eig(x)
        with pytest.raises(RuntimeError) as info:
            lib.autograd.grad(V.real.sum(), x)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


# ---------------------------------------------------------------------------- errors, out=

ERRORS = {
    "1d": lambda m: m.linalg.eig(m.ones(3)),
    "1d_vals": lambda m: m.linalg.eigvals(m.ones(3)),
    "not_square": lambda m: m.linalg.eig(m.ones(2, 3)),
    "not_square_vals": lambda m: m.linalg.eigvals(m.ones(4, 2, 3)),
    "int": lambda m: m.linalg.eig(m.ones(2, 2, dtype=m.int64)),
    "bool_vals": lambda m: m.linalg.eigvals(m.ones(2, 2, dtype=m.bool)),
    "half": lambda m: m.linalg.eig(m.ones(2, 2).half()),
    "nan": lambda m: m.linalg.eig(m.tensor([[float("nan"), 1.0], [0.0, 1.0]])),
    "inf": lambda m: m.linalg.eig(m.ones(2, 2) * float("inf")),
    "out_real_values": lambda m: m.linalg.eig(m.ones(2, 2), out=(m.empty(2), m.empty(2, 2))),
    "out_real_vectors": lambda m: m.linalg.eig(
        m.ones(2, 2), out=(m.empty(2, dtype=m.complex64), m.empty(2, 2))
    ),
    "out_vals_real": lambda m: m.linalg.eigvals(m.ones(2, 2), out=m.empty(2)),
    "out_autograd": lambda m: m.linalg.eig(
        m.ones(2, 2, dtype=m.float64, requires_grad=True),
        out=(m.empty(2, dtype=m.complex128), m.empty(2, 2, dtype=m.complex128)),
    ),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_are_torchs(name):
    outcome = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            ERRORS[name](lib)
        outcome.append((type(info.value), str(info.value)))
    assert outcome[0] == outcome[1]


def test_out_writes():
    a = np.diag([3.0, -1.0])
    for lib in (ember, torch):
        vals = lib.empty(2, dtype=lib.complex128)
        vecs = lib.empty(2, 2, dtype=lib.complex64)
        res = lib.linalg.eig(lib.tensor(a, dtype=lib.float32), out=(vals, vecs))
        assert res[0] is vals and res[1] is vecs
        assert sorted(vals.tolist(), key=abs) == [-1, 3]
        out = lib.empty(0, dtype=lib.complex64)
        assert lib.linalg.eigvals(lib.tensor(a, dtype=lib.float32), out=out) is out
        assert sorted(out.tolist(), key=abs) == [-1, 3]
