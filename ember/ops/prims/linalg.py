"""Linear-algebra primitives: inverses, solves and decompositions (the products, matmul and
einsum, are in :mod:`ember.ops.prims.products`).

Forwards call the array namespace's routines (``xp.linalg.*``); backwards are written with ember
ops, so they can be differentiated again. The public functions that check arguments in
PyTorch's terms live in :mod:`ember.ops.linalg`.

NOTE [ Saved factors of decompositions ]
qr, svd and eigh have several outputs, and their backward needs them. The forward keeps the
factors as ``aux`` arrays, which serve a plain backward. When the backward is itself recorded
(``create_graph=True``) the factors must be differentiable functions of the input, so they are
recomputed by running the op again on the saved input: the same routine on the same array gives
the same factors, and the rerun records the graph that double backward needs.

NOTE [ Unused factor gradients ]
The engine hands a multi-output op zeros for outputs that got no gradient, where PyTorch passes
"undefined". For svd and eigh this matters: the terms for U, V (or the eigenvectors) divide by
singular values and eigenvalue gaps, which may be zero (rank-deficient input, repeated values)
even though only S or the eigenvalues are used. An all-zero gradient is therefore treated as
absent, which gives PyTorch's result in exactly the cases where it is finite.
"""

from __future__ import annotations

from ... import _factories
from ..._backend import backend_of
from ..._tensor import _wrap
from ...autograd.grad_mode import GRAD_ENABLED
from .._registry import defop


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed on its input (``torch.linalg.LinAlgError``)."""


def _is_lapack_error(exc) -> bool:
    # numpy.linalg.LinAlgError, or CuPy's re-raise of it; named, so no library is imported here
    return type(exc).__name__ == "LinAlgError"


def _failing_element(fn, a):
    """Index of the first matrix of the batch ``a`` on which ``fn`` fails (error path only)."""
    flat = a.reshape(-1, *a.shape[-2:])
    for i in range(flat.shape[0]):
        try:
            fn(flat[i])
        except Exception as exc:  # noqa: BLE001 - only LAPACK failures are wanted
            if _is_lapack_error(exc):
                return flat[i], f"(Batch element {i}): " if a.ndim > 2 else ""
            raise
    return a, ""


# ---------------------------------------------------------------- helpers used by backwards
def _eye(n, like):
    return _factories.eye(n, dtype=like.dtype, device=like.device)


def _tril(x, k=0):
    """Lower triangle of the last two dims (``x.tril(k)``), as a product with a 0/1 mask."""
    m, n = x.shape[-2], x.shape[-1]
    rows = _factories.arange(m, device=x.device).unsqueeze(-1)
    cols = _factories.arange(n, device=x.device)
    return x * (cols <= rows + k).to(x.dtype)


def _diag_embed(v):
    return v.unsqueeze(-1) * _eye(v.shape[-1], v)


def _solve_right_t(w, r):
    """``w @ r^{-T}``."""
    return _solve(r, w.mT).mT


def _nonzero(g) -> bool:
    """Whether a gradient carries information (see NOTE [ Unused factor gradients ])."""
    return bool(g._data.any())


def _factors(ctx, op):
    """The saved outputs of a decomposition (see NOTE [ Saved factors of decompositions ])."""
    if GRAD_ENABLED.get():
        return op(*ctx.inputs, **ctx.params)
    return tuple(_wrap(a) for a in ctx.aux)


# ---------------------------------------------------------------- inverse, det, solve
@defop("linalg_inv")
def _inv(xp, a):
    try:
        return xp.linalg.inv(a)
    except Exception as exc:
        if not _is_lapack_error(exc):
            raise
        _, where = _failing_element(xp.linalg.inv, a)
        raise LinAlgError(
            f"linalg.inv: {where}The diagonal element of the LU factorization is "
            "zero, the inversion could not be completed because the input matrix "
            "is singular."
        ) from None


@_inv.vjp(save_output=True)
def _inv_backward(ctx, g):
    inv_t = ctx.output.mH
    return -(inv_t @ (g @ inv_t))


@defop("linalg_det")
def _det(xp, a):
    return xp.linalg.det(a)


@_det.vjp(save_inputs=True, save_output=True)
def _det_backward(ctx, g):
    a = ctx.inputs[0]
    det = ctx.output
    if a.shape[-1] == 0 or not bool((det._data == 0).any()):
        return (g * det).unsqueeze(-1).unsqueeze(-1) * _inv(a).mT
    return g.unsqueeze(-1).unsqueeze(-1) * _cofactors(a)


def _cofactors(a):
    """The cofactor matrix of (possibly singular) ``a`` through its SVD, as a constant.

    ``a = U diag(S) Vh`` gives ``cof(a) = det(U) det(Vh) U diag(prod_{j != i} S_j) Vh``, which
    stays finite where ``det(a) = 0``. Only first derivatives are exact on this path.
    """
    xp = backend_of(a._data).xp
    u, s, vh = xp.linalg.svd(a._data)
    alpha = xp.linalg.det(u) * xp.linalg.det(vh)
    n = s.shape[-1]
    others = xp.where(xp.eye(n, dtype=bool), xp.ones((), dtype=s.dtype), s[..., None, :])
    d = xp.prod(others, axis=-1)
    return _wrap(((u * d[..., None, :]) @ vh) * alpha[..., None, None])


@defop("linalg_slogdet", n_outputs=2)
def _slogdet(xp, a):
    sign, logabsdet = xp.linalg.slogdet(a)
    return sign, logabsdet


@_slogdet.vjp(save_inputs=True)
def _slogdet_backward(ctx, g_sign, g_logabsdet):
    return g_logabsdet.unsqueeze(-1).unsqueeze(-1) * _inv(ctx.inputs[0]).mT


@defop("linalg_solve")
def _solve(xp, a, b):
    """``a x = b`` with ``b`` a (batch of) matrix of shape (..., n, k)."""
    try:
        return xp.linalg.solve(a, b)
    except Exception as exc:
        if not _is_lapack_error(exc):
            raise
        raise LinAlgError(
            "torch.linalg.solve: The solver failed because the input matrix is singular."
        ) from None


@_solve.vjp(save_inputs=True, save_output=True)
def _solve_backward(ctx, g):
    a = ctx.inputs[0]
    gb = _solve(a.mH, g)  # mH: the conjugate transpose for complex matrices
    ga = -(gb @ ctx.output.mH) if ctx.needs_input_grad[0] else None
    return ga, (gb if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------- cholesky, qr
@defop("linalg_cholesky")
def _cholesky(xp, a):
    try:
        return xp.linalg.cholesky(a)
    except Exception as exc:
        if not _is_lapack_error(exc):
            raise
        bad, where = _failing_element(xp.linalg.cholesky, a)
        order = _failing_minor(xp, bad)
        raise LinAlgError(
            f"linalg.cholesky: {where}The factorization could not be completed "
            "because the input is not positive-definite (the leading minor of "
            f"order {order} is not positive-definite)."
        ) from None


def _failing_minor(xp, a):
    for k in range(1, a.shape[-1] + 1):
        try:
            xp.linalg.cholesky(a[:k, :k])
        except Exception as exc:  # noqa: BLE001
            if _is_lapack_error(exc):
                return k
            raise
    return a.shape[-1]


@_cholesky.vjp(save_output=True)
def _cholesky_backward(ctx, g):
    # A = L L^T: gA = L^{-T} P L^{-1}, P the symmetric matrix of tril(L^T gL) with halved diagonal
    low = ctx.output
    t = _tril(low.mT @ g)
    p = 0.5 * (t + _tril(t, -1).mT)
    x = _solve(low.mT, p)
    return _solve(low.mT, x.mT).mT


@defop("linalg_qr", n_outputs=2, aux=True)
def _qr(xp, a, mode):
    if mode == "r":
        r = xp.linalg.qr(a, mode="r")
        return (xp.empty((0,), dtype=a.dtype), r), None
    q, r = xp.linalg.qr(a, mode=mode)
    return (q, r), (q, r)


@_qr.vjp(save_inputs=True)
def _qr_backward(ctx, gq, gr):
    mode = ctx.params["mode"]
    if mode == "r":
        raise RuntimeError(
            "The derivative of linalg.qr depends on Q, which is not computed when "
            "mode='r'. Please use linalg.qr(A, mode='reduced') if you are going "
            "to differentiate through linalg.qr."
        )
    q, r = _factors(ctx, _qr)
    m, n = q.shape[-2], r.shape[-1]
    if mode == "complete" and m > n:
        raise RuntimeError(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        )
    if m >= n:
        return _qr_backward_tall(q, r, gq, gr)
    # A = [X | Y] with X = Q U square and Y = Q V: V = Q^T Y feeds Q's gradient
    from ..shape import cat

    u, v_grad = r.narrow(-1, 0, m), gr.narrow(-1, m, n - m)
    y = ctx.inputs[0].narrow(-1, m, n - m)
    gx = _qr_backward_tall(q, u, gq + y @ v_grad.mT, gr.narrow(-1, 0, m))
    return cat([gx, q @ v_grad], dim=-1)


def _qr_backward_tall(q, r, gq, gr):
    """Reduced QR with m >= n: ``gA = Q gR + (gQ + Q (tril(M) - Q^T gQ)) R^{-T}``."""
    qtgq = q.mT @ gq
    rgrt = r @ gr.mT
    m = qtgq - qtgq.mT + rgrt - rgrt.mT
    b = gq + q @ (_tril(m) - qtgq)
    return q @ gr + _solve_right_t(b, r)


# ---------------------------------------------------------------- svd, eigh, pinv
@defop("linalg_svd", n_outputs=3, aux=True)
def _svd(xp, a, full_matrices):
    u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
    return (u, s, vh), (u, s, vh)


@_svd.vjp(save_inputs=True)
def _svd_backward(ctx, gu, gs, gvh):
    u, s, vh = _factors(ctx, _svd)
    if ctx.params["full_matrices"]:
        k = s.shape[-1]
        u, gu = u.narrow(-1, 0, k), gu.narrow(-1, 0, k)
        vh, gvh = vh.narrow(-2, 0, k), gvh.narrow(-2, 0, k)
    return _svd_grad(u, s, vh, gu if _nonzero(gu) else None, gs, gvh if _nonzero(gvh) else None)


def _svd_grad(u, s, vh, gu, gs, gvh):
    """PyTorch's svd_backward for real inputs with distinct singular values (None: no grad)."""
    m, n = u.shape[-2], vh.shape[-1]
    if gu is None and gvh is None:
        if m >= n:
            return u @ (gs.unsqueeze(-1) * vh)
        return (u * gs.unsqueeze(-2)) @ vh
    s2 = s * s
    gaps = s2.unsqueeze(-2) - s2.unsqueeze(-1) + _eye(s.shape[-1], s)
    core = _diag_embed(gs)
    if gu is not None:
        uhgu = u.mT @ gu
        core = core + (uhgu - uhgu.mT) * s.unsqueeze(-2) / gaps
    if gvh is not None:
        vhgv = vh @ gvh.mT
        core = core + s.unsqueeze(-1) * (vhgv - vhgv.mT) / gaps
    if m > n and gu is not None:
        gu_sinv = gu / s.unsqueeze(-2)
        ga = u @ core + gu_sinv - u @ (u.mT @ gu_sinv)
        return ga @ vh
    if m < n and gvh is not None:
        sinv_gvh = gvh / s.unsqueeze(-1)
        ga = core @ vh + sinv_gvh - (sinv_gvh @ vh.mT) @ vh
        return u @ ga
    return u @ core @ vh


@defop("linalg_svdvals")
def _svdvals(xp, a):
    return xp.linalg.svd(a, compute_uv=False)


@_svdvals.vjp(save_inputs=True)
def _svdvals_backward(ctx, g):
    u, s, vh = _svd(ctx.inputs[0], full_matrices=False)
    return _svd_grad(u, s, vh, None, g, None)


@defop("linalg_eigh", n_outputs=2, aux=True)
def _eigh(xp, a, UPLO):  # noqa: N803 - PyTorch's argument name
    w, v = xp.linalg.eigh(a, UPLO=UPLO)
    return (w, v), (w, v)


@_eigh.vjp(save_inputs=True)
def _eigh_backward(ctx, gw, gv):
    w, v = _factors(ctx, _eigh)
    return _eigh_grad(w, v, gw, gv if _nonzero(gv) else None)


def _eigh_grad(w, v, gw, gv):
    """``gA = V (diag(gw) + skew(V^T gV) / 2E) V^T`` with ``E_ij = w_j - w_i``."""
    core = _diag_embed(gw)
    if gv is not None:
        vtgv = v.mT @ gv
        gaps = w.unsqueeze(-2) - w.unsqueeze(-1) + _eye(w.shape[-1], w)
        core = core + 0.5 * (vtgv - vtgv.mT) / gaps
    return v @ core @ v.mT


@defop("linalg_eigvalsh")
def _eigvalsh(xp, a, UPLO):  # noqa: N803
    return xp.linalg.eigvalsh(a, UPLO=UPLO)


@_eigvalsh.vjp(save_inputs=True)
def _eigvalsh_backward(ctx, g):
    w, v = _eigh(ctx.inputs[0], UPLO=ctx.params["UPLO"])
    return _eigh_grad(w, v, g, None)


@defop("linalg_pinv")
def _pinv(xp, a, atol, rtol, hermitian):
    """Singular (or, ``hermitian``, eigen-) values at most ``max(atol, rtol * max)`` are cut.

    ``atol`` and ``rtol`` are floats or arrays of shape (*batch, 1).
    """
    m, n = a.shape[-2], a.shape[-1]
    if a.size == 0:
        return xp.zeros((*a.shape[:-2], n, m), dtype=a.dtype)
    if hermitian:
        w, v = xp.linalg.eigh(a)
        size = xp.abs(w)
        inv = _cut_reciprocal(xp, w, size, atol, rtol)
        return (v * inv[..., None, :]) @ xp.swapaxes(v, -1, -2)
    u, s, vh = xp.linalg.svd(a, full_matrices=False)
    inv = _cut_reciprocal(xp, s, s, atol, rtol)
    return (xp.swapaxes(vh, -1, -2) * inv[..., None, :]) @ xp.swapaxes(u, -1, -2)


def _cut_reciprocal(xp, values, size, atol, rtol):
    tol = xp.maximum(atol, rtol * xp.max(size, axis=-1, keepdims=True))
    keep = size > tol
    one = xp.ones((), dtype=values.dtype)
    return xp.where(keep, one / xp.where(keep, values, one), xp.zeros((), dtype=values.dtype))


@_pinv.vjp(save_inputs=True, save_output=True)
def _pinv_backward(ctx, g):
    a = ctx.inputs[0]
    p = ctx.output
    m, n = a.shape[-2], a.shape[-1]
    pt, gt = p.mT, g.mT
    if m <= n:
        k = gt @ p
        kpt = k @ pt
        return -(p @ k).mT + kpt - (a @ p) @ kpt + (pt @ p) @ (gt - k @ a)
    k = p @ gt
    ptk = pt @ k
    return -(k @ p).mT + (gt - a @ k) @ p @ pt + ptk - ptk @ p @ a
