"""Public triangular solves, LU, Cholesky solves, the matrix exponential and Householder
products: the ``torch.linalg`` functions (``solve_triangular``, ``lu_factor``, ``lu``,
``lu_solve``, ``matrix_exp``, ``householder_product``, ``cholesky_ex``, ``solve_ex``) and their
torch-level relatives (``triangular_solve``, ``cholesky_solve``, ``cholesky_inverse``,
``torch.lu``, ``lu_unpack``, ``lu_solve``, ``geqrf``, ``orgqr``, ``ormqr``). ``ember.linalg``
re-exports the ``torch.linalg`` names; the primitives are in :mod:`ember.ops.prims.linalg_extra`.
"""

from __future__ import annotations

from .. import _dtype, _factories, return_types
from .._backend import backend_of
from .._dtype import kernel_not_implemented
from .._tensor import _wrap
from ..autograd.grad_mode import no_grad
from . import products
from ._binding import tensor_method
from ._out import OutRule, exact, with_out
from ._promote import broadcast_shapes, cast
from .linalg import LinAlgError, _square
from .prims import linalg as L
from .prims import linalg_extra as X

__all__ = [
    "triangular_solve",
    "cholesky_solve",
    "cholesky_inverse",
    "lu",
    "lu_unpack",
    "lu_solve",
    "matrix_exp",
    "geqrf",
    "orgqr",
    "ormqr",
]

lu_factor_result = return_types._make("linalg_lu_factor", ["LU", "pivots"])
lu_factor_ex_result = return_types._make("linalg_lu_factor_ex", ["LU", "pivots", "info"])
plu_result = return_types._make("linalg_lu", ["P", "L", "U"])
lu_unpack_result = return_types._make("lu_unpack", ["P", "L", "U"])
lu_with_info_result = return_types._make("_lu_with_info", ["LU", "pivots", "info"])
triangular_solve_result = return_types._make("triangular_solve", ["solution", "cloned_coefficient"])
geqrf_result = return_types._make("geqrf", ["a", "tau"])
cholesky_ex_result = return_types._make("linalg_cholesky_ex", ["L", "info"])
solve_ex_result = return_types._make("linalg_solve_ex", ["result", "info"])


def _kernel_dtype(dt, kernel):
    """PyTorch's error for a dtype its LAPACK kernel has no instance for."""
    if dt.is_floating_point and dt not in (_dtype.float16, _dtype.bfloat16):
        return
    raise kernel_not_implemented(f"{kernel}", dt)


# ---------------------------------------------------------------- triangular solves
def solve_triangular(A, B, *, upper, left=True, unitriangular=False, out=None):  # noqa: N803
    """The solution ``X`` of ``A X = B`` (``left=False``: ``X A = B``) for triangular ``A``: only
    its upper (``upper=True``) or lower triangle is read, and with ``unitriangular`` its
    diagonal is taken as ones. Batch dims broadcast; differentiable in ``A`` and ``B``."""
    if out is not None:
        rule = OutRule("linalg_solve_triangular", exact)
        kwargs = {"upper": upper, "left": left, "unitriangular": unitriangular}
        return with_out(out, rule, solve_triangular, A, B, **kwargs)
    fname = "linalg.solve_triangular"
    if B.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    dt = _dtype.result_type(A, B)
    _kernel_dtype(dt, "triangular_solve_cpu")
    _square(A, fname)
    A, B = cast(A, dt), cast(B, dt)  # noqa: N806
    n = A.shape[-1]
    if B.shape[-2 if left else -1] != n:
        raise RuntimeError(
            f"{fname}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    batch = broadcast_shapes(A.shape[:-2], B.shape[:-2])
    a = A.expand(*batch, n, n)
    b = B.expand(*batch, *B.shape[-2:])
    return X._solve_triangular(a, b, upper=bool(upper), unitriangular=bool(unitriangular))


@tensor_method()
def triangular_solve(input, A, upper=True, transpose=False, unitriangular=False, *, out=None):  # noqa: A002, N803
    """``(solution, cloned_coefficient)``: the solution of ``A X = input`` (``A^T X = input``
    with ``transpose``) for triangular ``A``, and a copy of ``A`` (deprecated in PyTorch for
    :func:`ember.linalg.solve_triangular`)."""
    products._warn_once(
        "triangular_solve",
        "torch.triangular_solve is deprecated in favor of torch.linalg.solve_triangular and will "
        "be removed in a future PyTorch release.\nX = torch.linalg.solve_triangular(A, B) "
        "replaces X = torch.triangular_solve(B, A).solution",
    )
    if out is not None:
        rule = OutRule("triangular_solve", exact)
        return with_out(out, rule, triangular_solve, input, A, upper, transpose, unitriangular)
    if input.dtype is not A.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type "
            f"{input.dtype.legacy_name} and A of type {A.dtype.legacy_name} instead."
        )
    for t, name in ((input, "b"), (A, "A")):
        if t.ndim < 2:
            raise RuntimeError(
                f"torch.triangular_solve: The input tensor {name} must have at least 2 dimensions."
            )
    coefficient = A.mT if transpose else A
    solution = solve_triangular(
        coefficient, input, upper=upper != bool(transpose), unitriangular=unitriangular
    )
    batch = solution.shape[:-2]
    return triangular_solve_result(solution, A.expand(*batch, *A.shape[-2:]).clone())


def _cholesky_pair(L, upper):  # noqa: N803
    """The factor as lower triangular (``A = L L^T``)."""
    return L.mT if upper else L


@tensor_method()
def cholesky_solve(input, L, upper=False, *, out=None):  # noqa: A002, N803
    """The solution of ``A X = input`` given the Cholesky factor ``L`` of ``A`` (``A = L L^T``,
    or ``A = U^T U`` with ``upper=True``). Differentiable in both arguments."""
    if out is not None:
        return with_out(out, OutRule("cholesky_solve", exact), cholesky_solve, input, L, upper)
    if input.dtype is not L.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type "
            f"{input.dtype.legacy_name} and A of type {L.dtype.legacy_name} instead."
        )
    for t, name in ((input, "b"), (L, "A")):
        if t.ndim < 2:
            raise RuntimeError(
                f"torch.cholesky_solve: The input tensor {name} must have at least 2 dimensions."
            )
    low = _cholesky_pair(L, upper)
    y = solve_triangular(low, input, upper=False)
    return solve_triangular(low.mT, y, upper=True)


@tensor_method()
def cholesky_inverse(input, upper=False, *, out=None):  # noqa: A002
    """The inverse of ``A`` from its Cholesky factor (``A = L L^T``, or ``U^T U`` with
    ``upper=True``)."""
    if out is not None:
        return with_out(out, OutRule("cholesky_inverse", exact), cholesky_inverse, input, upper)
    _square(input, "cholesky_inverse")
    eye = _factories.eye(input.shape[-1], dtype=input.dtype, device=input.device)
    return cholesky_solve(eye.expand(input.shape), input, upper)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):  # noqa: N803
    """``(L, info)``: the Cholesky factor and ``info`` = 0, or the order of the first leading
    minor that is not positive-definite (where ``L`` is then not meaningful). Raises only with
    ``check_errors=True``."""
    if out is not None:
        rule = OutRule("linalg_cholesky_ex", exact)
        return with_out(out, rule, cholesky_ex, A, upper=upper, check_errors=check_errors)
    _square(A, "linalg.cholesky")
    zeros = _factories.zeros(A.shape[:-2], dtype=_dtype.int32, device=A.device)
    try:
        low = L._cholesky(A)
    except LinAlgError as exc:
        if check_errors:
            raise LinAlgError(str(exc).replace("linalg.cholesky:", "linalg.cholesky_ex:")) from None
    else:
        return cholesky_ex_result(low.mT if upper else low, zeros)
    xp = backend_of(A._data).xp
    flat = A._data.reshape(-1, *A.shape[-2:])
    info = xp.asarray([_leading_failure(xp, m) for m in flat], dtype=xp.int32)
    nan = A.new_full(A.shape, float("nan"))
    return cholesky_ex_result(nan, _wrap(info.reshape(A.shape[:-2])))


def _leading_failure(xp, a):
    for k in range(1, a.shape[-1] + 1):
        try:
            xp.linalg.cholesky(a[:k, :k])
        except Exception as exc:  # noqa: BLE001 - numpy/cupy's LinAlgError
            if type(exc).__name__ == "LinAlgError":
                return k
            raise
    return 0


def solve_ex(A, B, *, left=True, check_errors=False, out=None):  # noqa: N803
    """``(result, info)`` of :func:`ember.linalg.solve`: ``info`` is 0, or ``i`` where the LU
    factor of ``A`` has a zero ``U[i-1, i-1]`` (the result then holds inf/NaN). Raises only with
    ``check_errors=True``."""
    from .linalg import solve

    if out is not None:
        rule = OutRule("linalg_solve_ex", exact)
        return with_out(out, rule, solve_ex, A, B, left=left, check_errors=check_errors)
    try:
        result = solve(A, B, left=left)
    except LinAlgError as exc:
        if check_errors:
            raise LinAlgError(str(exc).replace("linalg.solve:", "linalg.solve_ex:")) from None
    else:
        return solve_ex_result(result, A.new_zeros(A.shape[:-2], dtype=_dtype.int32))
    lu_, pivots, info = lu_factor_ex(A)
    vector = left and (B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1]))
    rhs = B.unsqueeze(-1) if vector else B
    result = linalg_lu_solve(lu_, pivots, rhs, left=left)
    return solve_ex_result(result.squeeze(-1) if vector else result, info)


# ---------------------------------------------------------------- LU
def _lu_input(A, fname):  # noqa: N803
    if A.ndim < 2:
        raise RuntimeError(
            f"torch.{fname}: Expected tensor with 2 or more dimensions. "
            f"Got size: {list(A.shape)} instead"
        )
    _kernel_dtype(A.dtype, "lu_cpu")


def lu_factor_ex(A, *, pivot=True, check_errors=False, out=None):  # noqa: N803
    """``(LU, pivots, info)``: the LU factorization with partial pivoting, packed as LAPACK
    (NOTE [ LU pivots ] in :mod:`ember.ops.prims.linalg_extra`); ``info`` is 0, or ``i`` where
    ``U[i-1, i-1]`` is the first zero. Differentiable in ``A``."""
    if out is not None:
        rule = OutRule("linalg_lu_factor_ex", exact)
        return with_out(out, rule, lu_factor_ex, A, pivot=pivot, check_errors=check_errors)
    _lu_input(A, "lu_factor")
    if not pivot:
        raise RuntimeError("linalg.lu_factor: LU without pivoting is not implemented on the CPU")
    lu_, pivots, info = X._lu_factor(A)
    if check_errors and bool((info._data != 0).any()):
        raise RuntimeError(_singular_message(info, "lu_factor_ex"))
    return lu_factor_ex_result(lu_, pivots, info)


def _singular_message(info, fname):
    k = int(info._data.reshape(-1)[(info._data.reshape(-1) != 0).argmax()])
    return (
        f"torch.linalg.{fname}: U[{k},{k}] is zero and using it on lu_solve would result in "
        "a division by zero. If you still want to perform the factorization, consider calling "
        "linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
    )


def lu_factor(A, *, pivot=True, out=None):  # noqa: N803
    """``(LU, pivots)``: :func:`lu_factor_ex` that raises where a ``U`` is singular."""
    if out is not None:
        return with_out(out, OutRule("linalg_lu_factor", exact), lu_factor, A, pivot=pivot)
    lu_, pivots, info = lu_factor_ex(A, pivot=pivot)
    if bool((info._data != 0).any()):
        raise RuntimeError(_singular_message(info, "lu_factor"))
    return lu_factor_result(lu_, pivots)


def _unpack(lu_data, pivots, unpack_data=True, unpack_pivots=True):
    m = lu_data.shape[-2]
    empty = lu_data.new_zeros((0,))
    perm = empty
    if unpack_pivots:
        perm = X.permutation_matrix(pivots, m, lu_data).expand(*lu_data.shape[:-2], m, m)
    if not unpack_data:
        return perm, empty, empty
    low, up = X.unpack_lu(lu_data)
    return perm, low, up


def linalg_lu(A, *, pivot=True, out=None):  # noqa: N803
    """``(P, L, U)`` with ``A = P L U``: ``P`` a permutation, ``L`` unit lower triangular
    (m x k), ``U`` upper triangular (k x n), ``k = min(m, n)``. Differentiable in ``A``."""
    if out is not None:
        return with_out(out, OutRule("linalg_lu", exact), linalg_lu, A, pivot=pivot)
    lu_, pivots, _ = lu_factor_ex(A, pivot=pivot)
    return plu_result(*_unpack(lu_, pivots))


@tensor_method()
def lu(A, pivot=True, get_infos=False, out=None):  # noqa: N803
    """``(LU, pivots)``, or ``(LU, pivots, info)`` with ``get_infos`` (deprecated in PyTorch
    for :func:`ember.linalg.lu_factor`); without ``get_infos`` a singular ``U`` raises."""
    products._warn_once(
        "lu",
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex "
        "and will be removed in a future PyTorch release.",
    )
    if out is not None:
        return with_out(out, OutRule("_lu_with_info", exact), lu, A, pivot, get_infos)
    lu_, pivots, info = lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    if get_infos:
        return lu_with_info_result(lu_, pivots, info)
    return lu_, pivots


def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True, *, out=None):  # noqa: N803
    """``(P, L, U)`` from a packed LU and its pivots (empty tensors for the parts not
    unpacked)."""
    if out is not None:
        rule = OutRule("lu_unpack", exact)
        return with_out(out, rule, lu_unpack, LU_data, LU_pivots, unpack_data, unpack_pivots)
    if LU_pivots.dtype is not _dtype.int32:
        raise RuntimeError(
            "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 "
            f"dtype. Note: this function is intended to be used with the output produced by "
            f"torch.linalg.lu_factor. Got {LU_pivots.dtype}"
        )
    return lu_unpack_result(*_unpack(LU_data, LU_pivots, unpack_data, unpack_pivots))


def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False, out=None):  # noqa: N803
    """The solution of ``A X = B`` from ``A``'s LU factorization (``left=False``: ``X A = B``;
    ``adjoint``: with ``A^H``). Differentiable in ``LU`` and ``B``."""
    if out is not None:
        rule = OutRule("linalg_lu_solve", exact)
        return with_out(out, rule, linalg_lu_solve, LU, pivots, B, left=left, adjoint=adjoint)
    fname = "linalg.lu_solve"
    _square(LU, fname, "LU")
    if B.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if B.shape[-2 if left else -1] != n:
        raise RuntimeError(
            f"{fname}: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    if not left:  # X A = B  <=>  A^T X^T = B^T
        return linalg_lu_solve(LU, pivots, B.mT, adjoint=not adjoint).mT
    with no_grad():
        perm = X.permutation_matrix(pivots, n, LU)
    if adjoint:  # A^T = U^T L^T P^T:  X = P L^{-T} U^{-T} B
        y = solve_triangular(LU.mT, B, upper=False)
        y = solve_triangular(LU.mT, y, upper=True, unitriangular=True)
        return perm @ y
    y = solve_triangular(LU, perm.mT @ B, upper=False, unitriangular=True)
    return solve_triangular(LU, y, upper=True)


@tensor_method()
def lu_solve(input, LU_data, LU_pivots, *, out=None):  # noqa: A002, N803
    """The solution of ``A X = input`` from ``A``'s packed LU and pivots (deprecated in
    PyTorch for :func:`ember.linalg.lu_solve`)."""
    products._warn_once(
        "lu_solve",
        "torch.lu_solve is deprecated in favor of torch.linalg.lu_solve and will be removed in a "
        "future PyTorch release.\nX = torch.linalg.lu_solve(LU, pivots, B) replaces "
        "X = torch.lu_solve(B, LU, pivots)",
    )
    if out is not None:
        return with_out(out, OutRule("linalg_lu_solve", exact), lu_solve, input, LU_data, LU_pivots)
    return linalg_lu_solve(LU_data, LU_pivots, input)


# ---------------------------------------------------------------- matrix exponential
@tensor_method()
def matrix_exp(A):  # noqa: N803
    """The matrix exponential ``sum_k A^k / k!`` of a square matrix (or batch), by scaling and
    squaring with a Pade approximant. Differentiable (any order)."""
    _square(A, "linalg.matrix_exp")
    return X._matrix_exp(A)


def linalg_matrix_exp(A, *, out=None):  # noqa: N803
    """:func:`matrix_exp` with ``out=``."""
    if out is not None:
        return with_out(out, OutRule("linalg_matrix_exp", exact), linalg_matrix_exp, A)
    return matrix_exp(A)


# ---------------------------------------------------------------- Householder reflectors
def _reflectors(A, tau, fname):  # noqa: N803
    if A.ndim < 2:
        raise RuntimeError(f"torch.{fname}: input must have at least 2 dimensions.")
    if tau.ndim != A.ndim - 1:
        raise RuntimeError(
            f"torch.{fname}: input.dim() - tau.dim() must be equal to 1 but got {A.ndim - tau.ndim}"
        )
    if tau.shape[-1] > A.shape[-1]:
        raise RuntimeError(
            f"torch.{fname}: input.shape[-1] must be greater than or equal to tau.shape[-1]"
        )
    if tau.dtype is not A.dtype:
        raise RuntimeError(
            f"torch.{fname}: tau dtype {tau.dtype.legacy_name} does not match input dtype "
            f"{A.dtype.legacy_name}"
        )
    eye = _factories.eye(A.shape[-2], tau.shape[-1], dtype=A.dtype, device=A.device)
    return A.narrow(-1, 0, tau.shape[-1]).tril(-1) + eye  # the vectors, leading ones included


def _apply_reflector(c, v, t, left):
    """``H c`` (``left``) or ``c H`` with ``H = I - t v v^T``."""
    if left:
        return c - t.unsqueeze(-1).unsqueeze(-1) * v.unsqueeze(-1) @ (v.unsqueeze(-2) @ c)
    return c - t.unsqueeze(-1).unsqueeze(-1) * (c @ v.unsqueeze(-1)) @ v.unsqueeze(-2)


def householder_product(A, tau, *, out=None):  # noqa: N803
    """The first ``n`` columns of ``H_1 H_2 ... H_k``, ``H_i = I - tau_i v_i v_i^T`` with ``v_i``
    the i-th column of ``A`` below the diagonal (and 1 on it): LAPACK's ``orgqr``.
    Differentiable in ``A`` and ``tau``."""
    if out is not None:
        return with_out(
            out, OutRule("linalg_householder_product", exact), householder_product, A, tau
        )
    fname = "linalg.householder_product"
    if A.ndim >= 2 and A.shape[-2] < A.shape[-1]:
        raise RuntimeError(
            f"torch.{fname}: input.shape[-2] must be greater than or equal to input.shape[-1]"
        )
    vectors = _reflectors(A, tau, fname)
    m, n = A.shape[-2], A.shape[-1]
    q = _factories.eye(m, n, dtype=A.dtype, device=A.device).expand(*A.shape[:-2], m, n)
    for i in range(tau.shape[-1] - 1, -1, -1):  # H_1 (H_2 (... (H_k I)))
        q = _apply_reflector(q, vectors.select(-1, i), tau.select(-1, i), left=True)
    return q


@tensor_method()
def orgqr(input, tau):  # noqa: A002
    """Alias of :func:`ember.linalg.householder_product`."""
    return householder_product(input, tau)


@tensor_method()
def ormqr(input, tau, other, left=True, transpose=False, *, out=None):  # noqa: A002
    """``Q other`` (``left``) or ``other Q``, with ``Q^T`` for ``transpose``, where
    ``Q = H_1 ... H_k`` is given by Householder reflectors as :func:`householder_product` takes
    them. Differentiable in all three tensors."""
    if out is not None:
        rule = OutRule("ormqr", exact)
        return with_out(out, rule, ormqr, input, tau, other, left, transpose)
    vectors = _reflectors(input, tau, "ormqr")
    k = tau.shape[-1]
    size = other.shape[-2] if left else other.shape[-1]
    if size != input.shape[-2]:
        raise RuntimeError(
            f"torch.ormqr: other.shape[{-2 if left else -1}] must be equal to input.shape[-2]"
        )
    # Q c = H_1 (... (H_k c)); Q^T c = H_k (... (H_1 c)); c Q = ((c H_1) ...) H_k
    forward = left == bool(transpose)
    order = range(k) if forward else range(k - 1, -1, -1)
    result = other
    for i in order:
        result = _apply_reflector(result, vectors.select(-1, i), tau.select(-1, i), left)
    return result


@tensor_method()
def geqrf(input, *, out=None):  # noqa: A002
    """``(a, tau)``: the QR decomposition in LAPACK's ``geqrf`` layout, ``R`` on and above the
    diagonal of ``a`` and the Householder vectors below it (not differentiable, as in
    PyTorch)."""
    if out is not None:
        return with_out(out, OutRule("geqrf", exact), geqrf, input)
    if input.ndim < 2:
        raise RuntimeError("torch.geqrf: input must have at least 2 dimensions.")
    _kernel_dtype(input.dtype, "geqrf_cpu")
    return geqrf_result(*X._geqrf(input))


# ---------------------------------------------------------------- LDL^T
ldl_factor_result = return_types._make("linalg_ldl_factor", ["LD", "pivots"])
ldl_factor_ex_result = return_types._make("linalg_ldl_factor_ex", ["LD", "pivots", "info"])


def ldl_factor_ex(A, *, hermitian=False, check_errors=False, out=None):  # noqa: N803
    """``(LD, pivots, info)``: the Bunch-Kaufman factorization ``A = P L D L^T P^T`` of a
    symmetric matrix (its lower triangle is read) in LAPACK's ``sytrf`` layout (NOTE
    [ Bunch-Kaufman pivoting ] in :mod:`ember.ops.prims.linalg_extra`); ``info`` is ``k`` where
    ``D``'s ``k``-th diagonal block is singular. Not differentiable, as in PyTorch."""
    if out is not None:
        rule = OutRule("linalg_ldl_factor_ex", exact)
        return with_out(out, rule, ldl_factor_ex, A, hermitian=hermitian, check_errors=check_errors)
    _square(A, "torch.linalg.ldl_factor_ex")
    ld, pivots, info = X._ldl_factor(A)
    if check_errors and bool((info._data != 0).any()):
        raise LinAlgError(_ldl_message(info))
    return ldl_factor_ex_result(ld, pivots, info)


def _ldl_message(info):
    k = int(info._data.reshape(-1)[(info._data.reshape(-1) != 0).argmax()])
    return (
        f"torch.linalg.ldl_factor: The factorization could not be completed because the input "
        f"is not invertible (D[{k},{k}] is zero)."
    )


def ldl_factor(A, *, hermitian=False, out=None):  # noqa: N803
    """``(LD, pivots)`` of :func:`ldl_factor_ex`, raising where ``D`` is singular."""
    if out is not None:
        return with_out(
            out, OutRule("linalg_ldl_factor", exact), ldl_factor, A, hermitian=hermitian
        )
    ld, pivots, info = ldl_factor_ex(A, hermitian=hermitian)
    if bool((info._data != 0).any()):
        raise LinAlgError(_ldl_message(info))
    return ldl_factor_result(ld, pivots)


def ldl_solve(LD, pivots, B, *, hermitian=False, out=None):  # noqa: N803
    """The solution of ``A X = B`` from :func:`ldl_factor`'s ``(LD, pivots)`` of ``A`` (batch
    dims broadcast). Not differentiable."""
    if out is not None:
        rule = OutRule("linalg_ldl_solve", exact)
        return with_out(out, rule, ldl_solve, LD, pivots, B, hermitian=hermitian)
    _square(LD, "torch.linalg.ldl_solve", "LD")
    if B.ndim < 2:
        raise RuntimeError(
            "torch.linalg.ldl_solve: The input tensor B must have at least 2 dimensions."
        )
    if B.dtype is not LD.dtype:
        raise RuntimeError(
            f"Expected b and A to have the same dtype, but found b of type "
            f"{B.dtype.legacy_name} and A of type {LD.dtype.legacy_name} instead."
        )
    n = LD.shape[-1]
    if B.shape[-2] != n:
        raise RuntimeError(
            f"Incompatible matrix sizes for torch.linalg.ldl_solve: each A matrix is {n} by {n} "
            f"but each b matrix is {B.shape[-2]} by {B.shape[-1]}"
        )
    batch = broadcast_shapes(LD.shape[:-2], B.shape[:-2])
    return X._ldl_solve(
        LD.expand(*batch, n, n),
        pivots.expand(*batch, n),
        B.expand(*batch, *B.shape[-2:]),
    )
