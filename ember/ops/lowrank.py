"""Randomized low-rank decompositions (``torch.svd_lowrank``, ``torch.pca_lowrank``),
composed from ember ops: a Gaussian sketch sharpened by ``niter`` subspace iterations gives an
orthonormal basis ``Q`` of ``A``'s dominant range (Halko, Martinsson and Tropp, 2009,
algorithms 4.4 and 5.1), then the SVD of the small ``Q^T A`` gives the factors. Differentiable
through ``qr`` and ``svd``; the sketch is drawn from ember's generator."""

from __future__ import annotations

from .. import _factories
from .linalg import linalg_qr, linalg_svd

__all__ = ["svd_lowrank", "pca_lowrank"]


def _minus(product, m_product):
    return product if m_product is None else product - m_product


def _basis(A, q, niter, M):  # noqa: N803
    """An orthonormal (m, q) basis approximating the range of ``A - M``."""
    sketch = _factories.randn(A.shape[-1], q, dtype=A.dtype, device=A.device)
    x = _minus(A @ sketch, None if M is None else M @ sketch)
    basis = linalg_qr(x).Q
    for _ in range(niter):
        x = _minus(A.mT @ basis, None if M is None else M.mT @ basis)
        basis = linalg_qr(x).Q
        x = _minus(A @ basis, None if M is None else M @ basis)
        basis = linalg_qr(x).Q
    return basis


def svd_lowrank(A, q=6, niter=2, M=None):  # noqa: N803
    """``(U, S, V)`` with ``A - M ~ U diag(S) V^T`` of rank ``q`` (``M``: an optional matrix
    subtracted first), by a randomized range finder with ``niter`` subspace iterations."""
    q = 6 if q is None else q
    m, n = A.shape[-2], A.shape[-1]
    if m < n:  # a wide matrix: sketch its transpose, so the small factor stays small
        basis = _basis(A.mT, q, niter, None if M is None else M.mT)
        b_t = _minus(A @ basis, None if M is None else M @ basis)
        u, s, vh = linalg_svd(b_t, full_matrices=False)
        return u, s, basis @ vh.mT
    basis = _basis(A, q, niter, M)
    b = _minus(basis.mT @ A, None if M is None else basis.mT @ M)
    u, s, vh = linalg_svd(b, full_matrices=False)
    return basis @ u, s, vh.mT


def pca_lowrank(A, q=None, center=True, niter=2):  # noqa: N803
    """``(U, S, V)``: the principal components of the rows of ``A`` (centered first, unless
    ``center=False``) by :func:`svd_lowrank` with ``q`` (default ``min(6, m, n)``)."""
    m, n = A.shape[-2], A.shape[-1]
    q = min(6, m, n) if q is None else q
    if not 0 <= q <= min(m, n):
        raise ValueError(
            f"q(={q}) must be non-negative integer and not greater than min(m, n)={min(m, n)}"
        )
    if niter < 0:
        raise ValueError(f"niter(={niter}) must be non-negative integer")
    if not center:
        return svd_lowrank(A, q, niter=niter)
    mean = A.mean(dim=-2, keepdim=True)
    return svd_lowrank(A - mean, q, niter=niter)
