"""Linear-algebra primitives beyond :mod:`ember.ops.prims.linalg`: triangular solves, the LU
factorization with partial pivoting, the matrix exponential and the Householder QR of LAPACK's
``geqrf`` layout.

The array namespace has no triangular solver, no LU and no ``geqrf``, so these are written on
``xp`` directly: loops over the rows or columns of a matrix, each step vectorized over the batch
(O(n) Python steps, O(n^3) work in the array library), which serves NumPy and CuPy alike.

NOTE [ LU pivots ]
``lu_factor`` returns LAPACK's pivots: 1-based int32 indices, ``pivots[i]`` being the row that
step ``i`` swapped with row ``i``. ``A = P L U`` with ``P`` the product of those swaps;
:func:`permutation_of` turns them into ``perm`` with ``(P^T A)[i] = A[perm[i]]``.
"""

from __future__ import annotations

import contextlib

from .._registry import defop


def _cat(tensors, dim):
    from ..shape import cat  # the public module imports this one

    return cat(tensors, dim=dim)


def _quiet(xp):
    """Silence division warnings (a zero diagonal gives inf/NaN, as PyTorch's kernels do)."""
    errstate = getattr(xp, "errstate", None)
    return errstate(divide="ignore", invalid="ignore") if errstate else contextlib.nullcontext()


# ---------------------------------------------------------------- triangular solve
def _substitute(xp, a, b, upper, unitriangular):
    """``X`` with ``triangle(a) X = b`` by forward or back substitution (same batch shapes)."""
    n = a.shape[-1]
    x = xp.zeros(b.shape, dtype=b.dtype)
    with _quiet(xp):
        for i in range(n - 1, -1, -1) if upper else range(n):
            if upper:
                done = a[..., i : i + 1, i + 1 :] @ x[..., i + 1 :, :]
            else:
                done = a[..., i : i + 1, :i] @ x[..., :i, :]
            row = b[..., i : i + 1, :] - done
            x[..., i : i + 1, :] = row if unitriangular else row / a[..., i : i + 1, i : i + 1]
    return x


@defop("linalg_solve_triangular")
def _solve_triangular(xp, a, b, upper, unitriangular):
    """``X`` with ``A X = B`` for the upper or lower triangle of ``A`` (its diagonal taken as ones
    when ``unitriangular``); the other triangle is never read."""
    return _substitute(xp, a, b, upper, unitriangular)


def triangle(a, upper, unitriangular):
    """The part of ``a`` a triangular solve reads (the gradient's support)."""
    if upper:
        return a.triu(1 if unitriangular else 0)
    return a.tril(-1 if unitriangular else 0)


@_solve_triangular.vjp(save_inputs=True, save_output=True)
def _solve_triangular_backward(ctx, g):
    a = ctx.inputs[0]
    upper, unit = ctx.params["upper"], ctx.params["unitriangular"]
    gb = _solve_triangular(a.mT, g, upper=not upper, unitriangular=unit)
    ga = None
    if ctx.needs_input_grad[0]:
        ga = triangle(-(gb @ ctx.output.mT), upper, unit)
    return ga, (gb if ctx.needs_input_grad[1] else None)


# ---------------------------------------------------------------- LU with partial pivoting
def _lu_arrays(xp, a):
    """``(LU, pivots)`` of a batch of (m, n) matrices, packed as LAPACK's ``getrf``."""
    lu = a.copy()
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    batch = a.shape[:-2]
    pivots = xp.zeros((*batch, k), dtype=xp.int32)
    count = 1
    for size in batch:
        count *= size
    flat = lu.reshape(count, m, n)
    rows = xp.arange(flat.shape[0])
    piv = pivots.reshape(count, k)
    with _quiet(xp):
        for j in range(k):
            p = j + xp.argmax(xp.abs(flat[:, j:, j]), axis=-1)
            piv[:, j] = p + 1
            top, chosen = flat[rows, j, :].copy(), flat[rows, p, :].copy()
            flat[rows, p, :] = top
            flat[rows, j, :] = chosen
            pivot = flat[:, j, j : j + 1]
            nonzero = pivot != 0
            factors = xp.where(nonzero, flat[:, j + 1 :, j] / xp.where(nonzero, pivot, 1), 0)
            # LAPACK leaves the column as it is when the pivot is exactly zero
            flat[:, j + 1 :, j] = xp.where(nonzero, factors, flat[:, j + 1 :, j])
            flat[:, j + 1 :, j + 1 :] -= factors[:, :, None] * flat[:, j : j + 1, j + 1 :]
    return flat.reshape(a.shape), pivots


@defop("linalg_lu_factor_ex", n_outputs=3)
def _lu_factor(xp, a):
    """``(LU, pivots, info)``: ``info`` is 0, or ``i`` where ``U[i-1, i-1]`` is the first zero."""
    lu, pivots = _lu_arrays(xp, a)
    if pivots.shape[-1] == 0:
        return lu, pivots, xp.zeros(a.shape[:-2], dtype=xp.int32)
    zero = xp.diagonal(lu, axis1=-2, axis2=-1) == 0
    info = xp.where(zero.any(axis=-1), xp.argmax(zero, axis=-1) + 1, 0).astype(xp.int32)
    return lu, pivots, info


def split_lu(lu):
    """The strictly lower part (m x k) and the upper part (k x n) of a packed LU."""
    m, n = lu.shape[-2], lu.shape[-1]
    k = min(m, n)
    return lu.narrow(-1, 0, k).tril(-1), lu.narrow(-2, 0, k).triu()


def unpack_lu(lu):
    """``(L, U)`` of a packed LU: L unit lower (m x k), U upper (k x n)."""
    from ..._factories import eye

    lower, up = split_lu(lu)
    return lower + eye(*lower.shape[-2:], dtype=lu.dtype, device=lu.device), up


def lu_backward(low, up, perm_matrix, g_low, g_up):
    """The gradient of ``A = P L U`` (``L`` m x k, ``U`` k x n) from those of ``L`` and ``U``.

    Square: ``gA = P L^{-T} (tril(L^T gL, -1) + triu(gU U^T)) U^{-T}``. Wide (m < n),
    ``U = [U1 U2]``: ``A2 = P L U2`` gives ``gA2 = P L^{-T} gU2``, and moves
    ``-L^{-T} gU2 U2^T`` into ``L``'s gradient. Tall (m > n), ``L = [L1; L2]``:
    ``gA2 = P2 gL2 U^{-T}``, and ``-L2^T gL2 U^{-T}`` moves into ``U``'s gradient.
    """
    m, n = low.shape[-2], up.shape[-1]
    k = min(m, n)
    if m < n:
        up1, up2 = up.narrow(-1, 0, k), up.narrow(-1, k, n - k)
        g_up1, g_up2 = g_up.narrow(-1, 0, k), g_up.narrow(-1, k, n - k)
        gx2 = _solve_triangular(low.mT, g_up2, upper=True, unitriangular=True)
        g_low = g_low - gx2 @ up2.mT
        left = _square_lu_backward(low, up1, g_low, g_up1)
        return perm_matrix @ _cat([left, gx2], -1)
    if m > n:
        low1, low2 = low.narrow(-2, 0, k), low.narrow(-2, k, m - k)
        g_low1, g_low2 = g_low.narrow(-2, 0, k), g_low.narrow(-2, k, m - k)
        gx2 = _solve_triangular(up, g_low2.mT, upper=True, unitriangular=False).mT
        g_up = g_up - low2.mT @ gx2
        top = _square_lu_backward(low1, up, g_low1, g_up)
        return perm_matrix @ _cat([top, gx2], -2)
    return perm_matrix @ _square_lu_backward(low, up, g_low, g_up)


def _square_lu_backward(low, up, g_low, g_up):
    inner = (low.mT @ g_low.tril(-1)).tril(-1) + (g_up.triu() @ up.mT).triu()
    x = _solve_triangular(low.mT, inner, upper=True, unitriangular=True)
    return _solve_triangular(up, x.mT, upper=True, unitriangular=False).mT


def permutation_of(xp, pivots, m):
    """``perm`` (int64, shape (..., m)) with ``(P^T A)[i] = A[perm[i]]`` (NOTE [ LU pivots ])."""
    batch = pivots.shape[:-1]
    count = 1
    for size in batch:
        count *= size
    flat = pivots.reshape(count, pivots.shape[-1]).astype(xp.int64) - 1
    perm = xp.broadcast_to(xp.arange(m), (flat.shape[0], m)).copy()
    rows = xp.arange(flat.shape[0])
    for i in range(flat.shape[-1]):
        j = flat[:, i]
        here, there = perm[rows, i].copy(), perm[rows, j].copy()
        perm[rows, i] = there
        perm[rows, j] = here
    return perm.reshape(*batch, m)


@_lu_factor.vjp(save_inputs=True)
def _lu_factor_backward(ctx, g_lu, g_pivots=None, g_info=None):
    a = ctx.inputs[0]
    lu, pivots, _ = _lu_factor(a)  # recomputed: differentiable when the backward is recorded
    low, up = unpack_lu(lu)
    g_low, g_up = split_lu(g_lu)
    return lu_backward(low, up, permutation_matrix(pivots, a.shape[-2], a), g_low, g_up)


def permutation_matrix(pivots, m, like):
    """``P`` (``A = P L U``) as a constant matrix of ``like``'s dtype and device."""
    from ..._backend import backend_of
    from ..._tensor import _wrap

    xp = backend_of(pivots._data).xp
    perm = permutation_of(xp, pivots._data, m)
    eye = xp.eye(m, dtype=like._data.dtype)
    return _wrap(xp.swapaxes(eye[perm], -1, -2))  # P^T A = A[perm]: P^T = eye[perm]


# ---------------------------------------------------------------- matrix exponential
_PADE13 = (
    64764752532480000.0,
    32382376266240000.0,
    7771770303897600.0,
    1187353796428800.0,
    129060195264000.0,
    10559470521600.0,
    670442572800.0,
    33522128640.0,
    1323241920.0,
    40840800.0,
    960960.0,
    16380.0,
    182.0,
    1.0,
)
_THETA13 = 5.371920351148152


def _expm_arrays(xp, a):
    """``exp(a)`` by scaling and squaring with the [13/13] Pade approximant (Higham, 2005)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    work = a.astype(xp.float64) if a.dtype.itemsize < 4 else a
    norm = xp.abs(work).sum(axis=-2).max(axis=-1)
    with _quiet(xp):
        s = xp.maximum(0, xp.ceil(xp.log2(norm / _THETA13)))
    s = xp.where(xp.isfinite(s), s, 0).astype(xp.int64)
    x = work / (2.0 ** s.astype(work.dtype))[..., None, None]
    b = _PADE13
    eye = xp.eye(n, dtype=work.dtype)
    x2 = x @ x
    x4 = x2 @ x2
    x6 = x4 @ x2
    u = x @ (
        x6 @ (b[13] * x6 + b[11] * x4 + b[9] * x2) + b[7] * x6 + b[5] * x4 + b[3] * x2 + b[1] * eye
    )
    v = x6 @ (b[12] * x6 + b[10] * x4 + b[8] * x2) + b[6] * x6 + b[4] * x4 + b[2] * x2 + b[0] * eye
    r = xp.linalg.solve(v - u, v + u)
    for step in range(int(s.max()) if s.size else 0):
        r = xp.where((step < s)[..., None, None], r @ r, r)
    return r.astype(a.dtype, copy=False)


@defop("linalg_matrix_exp")
def _matrix_exp(xp, a):
    return _expm_arrays(xp, a)


@_matrix_exp.vjp(save_inputs=True)
def _matrix_exp_backward(ctx, g):
    # d exp(A)^T [G] is the top-right block of exp([[A^T, G], [0, A^T]])
    a = ctx.inputs[0]
    n = a.shape[-1]
    at = a.mT
    top = _cat([at, g], -1)
    bottom = _cat([g.new_zeros(g.shape), at], -1)
    big = _matrix_exp(_cat([top, bottom], -2))
    return big.narrow(-2, 0, n).narrow(-1, n, n)


# ---------------------------------------------------------------- Householder QR (geqrf)
@defop("geqrf", n_outputs=2)
def _geqrf(xp, a):
    """``(a, tau)`` in LAPACK's ``geqrf`` layout: R on and above the diagonal, the Householder
    vectors (with an implicit leading 1) below it, and their scalars ``tau``."""
    r = a.copy()
    m, n = a.shape[-2], a.shape[-1]
    k = min(m, n)
    tau = xp.zeros((*a.shape[:-2], k), dtype=a.dtype)
    with _quiet(xp):
        for j in range(k):
            alpha = r[..., j, j].copy()
            tail = r[..., j + 1 :, j]
            xnorm = xp.sqrt((tail * tail).sum(axis=-1))
            zero = xnorm == 0
            norm = xp.sqrt(alpha * alpha + xnorm * xnorm)
            beta = -xp.where(alpha >= 0, norm, -norm)
            t = xp.where(zero, 0, (beta - alpha) / xp.where(zero, 1, beta))
            scale = xp.where(zero, 0, 1 / xp.where(zero, 1, alpha - beta))
            r[..., j + 1 :, j] = tail * scale[..., None]
            r[..., j, j] = xp.where(zero, alpha, beta)
            tau[..., j] = t
            v = xp.concatenate([xp.ones((*a.shape[:-2], 1), dtype=a.dtype), r[..., j + 1 :, j]], -1)
            block = r[..., j:, j + 1 :]
            proj = (v[..., :, None] * block).sum(axis=-2)
            r[..., j:, j + 1 :] = block - t[..., None, None] * v[..., :, None] * proj[..., None, :]
    return r, tau


@_geqrf.vjp()
def _geqrf_backward(ctx, g_a, g_tau):
    raise NotImplementedError("the derivative for 'geqrf' is not implemented.")


# ---------------------------------------------------------------- LDL^T (Bunch-Kaufman)
# NOTE [ Bunch-Kaufman pivoting ]
# ``ldl_factor`` writes the symmetric ``A`` as ``P L D L^T P^T`` with D made of 1x1 and 2x2
# blocks, in LAPACK's ``sytrf`` layout (lower): L below the diagonal, D on it (and, for a 2x2
# block, on the subdiagonal), pivots 1-based, a 2x2 block's pair both negative. Each step picks
# its pivot by the rule of Bunch and Kaufman (1977), with alpha = (1 + sqrt(17)) / 8: keep the
# diagonal when it is large enough against the column's largest entry (``colmax``), else against
# the largest entry of the row ``imax`` it would swap with (``rowmax``), else swap in ``imax``'s
# diagonal, else take the 2x2 block of rows k and imax. The steps depend on the values, so each
# matrix of a batch is factored on its own, element by element.
_BK_ALPHA = (1 + 17**0.5) / 8


def _swap_rows(a, i, j):
    if i != j:
        a[[i, j]] = a[[j, i]]


def _interchange(a, k, kk, kp, kstep):
    """Swap row/column ``kk`` with ``kp`` in the trailing lower triangle from column ``k``."""
    n = a.shape[0]
    if kp < n - 1:
        a[kp + 1 :, [kk, kp]] = a[kp + 1 :, [kp, kk]]
    between = a[kk + 1 : kp, kk].copy()
    a[kk + 1 : kp, kk] = a[kp, kk + 1 : kp]
    a[kp, kk + 1 : kp] = between
    a[[kk, kp], [kk, kp]] = a[[kp, kk], [kp, kk]]
    if kstep == 2:
        a[[k + 1, kp], k] = a[[kp, k + 1], k]


def _bk_pivot(a, k):
    """``(kp, kstep)`` of step ``k``, or ``(None, 1)`` where the column is all zero."""
    n = a.shape[0]
    absakk = abs(float(a[k, k]))
    colmax, imax = 0.0, k
    if k < n - 1:
        imax = k + 1 + int(abs(a[k + 1 :, k]).argmax())
        colmax = abs(float(a[imax, k]))
    if max(absakk, colmax) == 0:
        return None, 1
    if absakk >= _BK_ALPHA * colmax:
        return k, 1
    rowmax = float(abs(a[imax, k:imax]).max())
    if imax < n - 1:
        rowmax = max(rowmax, float(abs(a[imax + 1 :, imax]).max()))
    if absakk >= _BK_ALPHA * colmax * (colmax / rowmax):
        return k, 1
    if abs(float(a[imax, imax])) >= _BK_ALPHA * rowmax:
        return imax, 1
    return imax, 2


def _ldl_one(a):
    """``(LD, pivots, info)`` of one matrix (float64 work array ``a``, overwritten)."""
    n = a.shape[0]
    pivots = [0] * n
    info = 0
    k = 0
    while k < n:
        kp, kstep = _bk_pivot(a, k)
        if kp is None:
            info = info or k + 1
            pivots[k] = k + 1
            k += 1
            continue
        kk = k + kstep - 1
        if kp != kk:
            _interchange(a, k, kk, kp, kstep)
        if kstep == 1:
            if k < n - 1:
                x = a[k + 1 :, k].copy()
                a[k + 1 :, k + 1 :] -= (x[:, None] * x[None, :]) / a[k, k]
                a[k + 1 :, k] = x / a[k, k]
            pivots[k] = kp + 1
        else:
            if k < n - 2:
                d21 = a[k + 1, k]
                d11, d22 = a[k + 1, k + 1] / d21, a[k, k] / d21
                t = 1 / (d11 * d22 - 1)
                c0, c1 = a[k + 2 :, k].copy(), a[k + 2 :, k + 1].copy()
                wk = (t / d21) * (d11 * c0 - c1)
                wkp1 = (t / d21) * (d22 * c1 - c0)
                a[k + 2 :, k + 2 :] -= c0[:, None] * wk[None, :] + c1[:, None] * wkp1[None, :]
                a[k + 2 :, k], a[k + 2 :, k + 1] = wk, wkp1
            pivots[k] = pivots[k + 1] = -(kp + 1)
        k += kstep
    return a, pivots, info


@defop("linalg_ldl_factor_ex", n_outputs=3)
def _ldl_factor(xp, a):
    """``(LD, pivots, info)`` of the lower triangles of a batch of symmetric matrices
    (NOTE [ Bunch-Kaufman pivoting ]); ``info`` is ``k`` where ``D[k-1, k-1]`` is zero."""
    n = a.shape[-1]
    flat = a.reshape(-1, n, n) if a.size else a.reshape(0, n, n)
    lds, pivs, infos = [], [], []
    for m in flat:
        ld, piv, info = _ldl_one(xp.tril(m).astype(xp.float64) + xp.tril(m, -1).T)
        lds.append(xp.tril(ld).astype(a.dtype))
        pivs.append(piv)
        infos.append(info)
    batch = a.shape[:-2]
    ld = xp.stack(lds).reshape(a.shape) if lds else a.copy()
    pivots = xp.asarray(pivs, dtype=xp.int32).reshape(*batch, n)
    return ld, pivots, xp.asarray(infos, dtype=xp.int32).reshape(batch)


def _ldl_solve_one(ld, piv, b):
    """LAPACK's ``sytrs`` (lower) for one factored matrix and a (n, k) right side."""
    n = ld.shape[0]
    k = 0
    while k < n:  # L D Y = P^T B
        if piv[k] > 0:
            _swap_rows(b, k, piv[k] - 1)
            b[k + 1 :] -= ld[k + 1 :, k, None] * b[k]
            b[k] /= ld[k, k]
            k += 1
        else:
            _swap_rows(b, k + 1, -piv[k] - 1)
            b[k + 2 :] -= ld[k + 2 :, k, None] * b[k] + ld[k + 2 :, k + 1, None] * b[k + 1]
            off = ld[k + 1, k]
            d1, d2 = ld[k, k] / off, ld[k + 1, k + 1] / off
            denom = d1 * d2 - 1
            b1, b2 = b[k] / off, b[k + 1] / off
            b[k], b[k + 1] = (d2 * b1 - b2) / denom, (d1 * b2 - b1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T P^T X = Y
        if piv[k] > 0:
            b[k] -= ld[k + 1 :, k] @ b[k + 1 :]
            _swap_rows(b, k, piv[k] - 1)
            k -= 1
        else:
            b[k] -= ld[k + 1 :, k] @ b[k + 1 :]
            b[k - 1] -= ld[k + 1 :, k - 1] @ b[k + 1 :]
            _swap_rows(b, k, -piv[k] - 1)
            k -= 2
    return b


@defop("linalg_ldl_solve")
def _ldl_solve(xp, ld, pivots, b):
    """``X`` with ``A X = B`` from ``A``'s :func:`_ldl_factor` (batch dims already broadcast)."""
    n = ld.shape[-1]
    flat_ld, flat_piv = ld.reshape(-1, n, n), pivots.reshape(-1, n)
    flat_b = b.reshape(-1, *b.shape[-2:]).astype(xp.float64)
    out = [
        _ldl_solve_one(m.astype(xp.float64), [int(p) for p in piv], rhs.copy())
        for m, piv, rhs in zip(flat_ld, flat_piv, flat_b)
    ]
    return (xp.stack(out) if out else flat_b).reshape(b.shape).astype(b.dtype)
