"""Public linear algebra: ``torch.linalg`` functions and their torch-level aliases (``det``,
``inverse``, ``svd``, ``qr``, ...). Arguments are checked in PyTorch's terms here, then one
primitive of :mod:`ember.ops.prims.linalg` runs (or a short composition). ``ember.linalg``
re-exports the ``torch.linalg`` names."""

from __future__ import annotations

from .. import _dtype, _factories, return_types
from .._backend import backend_of
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import no_grad
from . import pointwise as P
from . import products
from ._binding import tensor_method
from ._out import OutRule, both, exact, unless, with_out
from ._promote import broadcast_shapes, cast, scalar_like
from .prims import linalg as L
from .prims.linalg import LinAlgError
from .prims.products import _matmul

__all__ = [
    "cross",
    "trace",
    "inverse",
    "det",
    "logdet",
    "slogdet",
    "cholesky",
    "pinverse",
    "svd",
    "qr",
    "matrix_power",
]

inv_ex_result = return_types._make("linalg_inv_ex", ["inverse", "info"])
svd_result = return_types._make("svd", ["U", "S", "V"])


# ---------------------------------------------------------------- argument checks
def _float_input(A, fname):  # noqa: N803 - PyTorch's argument name
    if not isinstance(A, Tensor):
        raise TypeError(
            f"{fname}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}"
        )
    if A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise RuntimeError(
            f"{fname}: Low precision dtypes not supported. Got {A.dtype.legacy_name}"
        )
    if not A.dtype.is_floating_point:
        raise RuntimeError(
            f"{fname}: Expected a floating point or complex tensor as input. "
            f"Got {A.dtype.legacy_name}"
        )


def _matrix(A, fname, arg="A"):  # noqa: N803
    _float_input(A, fname)
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {arg} must have at least 2 dimensions.")


def _square(A, fname, arg="A"):  # noqa: N803
    _matrix(A, fname, arg)
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{fname}: {arg} must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )


def _same_dtype(A, B, fname):  # noqa: N803
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"{fname}: Expected A and B to have the same dtype, but found A of "
            f"type {A.dtype.legacy_name} and B of type {B.dtype.legacy_name} instead"
        )


# ---------------------------------------------------------------- inverse and determinants
def inv(A, *, out=None):  # noqa: N803
    """Inverse of a square matrix (or batch); raises ``LinAlgError`` if one is singular."""
    if out is not None:
        return with_out(out, OutRule("linalg_inv_ex", exact), inv, A)
    _square(A, "linalg.inv")
    return L._inv(A)


@tensor_method()
def inverse(input, *, out=None):  # noqa: A002
    """Alias of :func:`ember.linalg.inv`."""
    return inv(input, out=out)


def inv_ex(A, *, check_errors=False, out=None):  # noqa: N803
    """``(inverse, info)``: ``info`` is 0 where a matrix was inverted, > 0 where it is singular
    (its inverse is then NaN); raises only with ``check_errors=True``."""
    if out is not None:
        return with_out(out, OutRule("linalg_inv_ex", exact), inv_ex, A, check_errors=check_errors)
    _square(A, "linalg.inv")
    try:
        return inv_ex_result(
            L._inv(A), _factories.zeros(A.shape[:-2], dtype=_dtype.int32, device=A.device)
        )
    except LinAlgError:
        if check_errors:
            raise
    with no_grad():
        sign, _ = L._slogdet(A)
    info = (sign == 0).to(_dtype.int32)
    nan = scalar_like(float("nan"), A.dtype, A)
    safe = P.where(
        info.bool().unsqueeze(-1).unsqueeze(-1),
        _factories.eye(A.shape[-1], dtype=A.dtype, device=A.device),
        A,
    )
    result = P.where(info.bool().unsqueeze(-1).unsqueeze(-1), nan, L._inv(safe))
    return inv_ex_result(result, info)


@tensor_method()
def det(A):  # noqa: N803
    """Determinant of a square matrix (or batch)."""
    _square(A, "linalg.det")
    return L._det(A)


def linalg_det(A, *, out=None):  # noqa: N803
    """``torch.linalg.det``: :func:`det`, with the ``out=`` that ``torch.det`` does not take."""
    if out is not None:
        return with_out(out, OutRule("_linalg_det", exact), linalg_det, A)
    return det(A)


@tensor_method()
def slogdet(A, *, out=None):  # noqa: N803
    """``(sign, logabsdet)`` of the determinant, stable where ``det`` would over/underflow."""
    if out is not None:
        return with_out(out, OutRule("_linalg_slogdet", exact), slogdet, A)
    _square(A, "linalg.slogdet")
    sign, logabsdet = L._slogdet(A)
    return return_types.slogdet(sign, logabsdet)


@tensor_method()
def logdet(input):  # noqa: A002
    """``log(det(input))``: NaN for a negative determinant, -inf for a zero one."""
    _square(input, "logdet")
    sign, logabsdet = L._slogdet(input)
    return P.where(sign.detach() < 0, float("nan"), logabsdet)


# ---------------------------------------------------------------- solve, lstsq
def _is_vector_rhs(A, B):  # noqa: N803
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and B.shape == A.shape[:-1])


def solve(A, B, *, left=True, out=None):  # noqa: N803
    """The solution ``X`` of ``A X = B`` (``left=False``: ``X A = B``); ``B`` may be a vector
    (or batch of vectors), and batch dims broadcast."""
    if out is not None:
        return with_out(out, OutRule("_linalg_solve_ex", exact), solve, A, B, left=left)
    _square(A, "linalg.solve")
    _float_input(B, "linalg.solve")
    if B.ndim < 1:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    _same_dtype(A, B, "linalg.solve")
    vector = left and _is_vector_rhs(A, B)
    rhs = B.unsqueeze(-1) if vector else B
    n = A.shape[-1]
    if rhs.shape[-2 if left else -1] != n:
        raise RuntimeError(
            f"linalg.solve: Incompatible shapes of A and B for the equation "
            f"{'AX = B' if left else 'XA = B'} ({n}x{n} and "
            f"{rhs.shape[-2]}x{rhs.shape[-1]})"
        )
    if not left:  # X A = B  <=>  A^T X^T = B^T
        A, rhs = A.mT, rhs.mT  # noqa: N806
    batch = broadcast_shapes(rhs.shape[:-2], A.shape[:-2])
    x = L._solve(A.expand(*batch, n, n), rhs.expand(*batch, *rhs.shape[-2:]))
    if not left:
        x = x.mT
    return x.squeeze(-1) if vector else x


def lstsq(A, B, rcond=None, *, driver=None):  # noqa: N803
    """Least-squares solution of ``A X = B`` as ``(solution, residuals, rank, singular_values)``.

    The solution is the minimum-norm one, ``pinv(A) @ B``, with singular values below
    ``rcond * max(S)`` (default: machine epsilon times ``max(m, n)``) treated as zero. Like
    PyTorch on the CPU, ``rank`` is computed by every driver but ``gels``, ``singular_values``
    by ``gelsd`` and ``gelss``, and ``residuals`` (the squared norm of each column of
    ``A X - B``) by every driver but ``gelsy`` when ``m > n`` and ``A`` has full rank.
    """
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.lstsq: input must have at least 2 dimensions.")
    if B.ndim < 1:
        raise RuntimeError("torch.linalg.lstsq: other must have at least 1 dimension.")
    if A.dtype is not B.dtype:
        raise RuntimeError(
            f"torch.linalg.lstsq: Expected input and other to have the same "
            f"dtype, but got input's dtype {A.dtype.legacy_name} and other's dtype "
            f"{B.dtype.legacy_name}"
        )
    if A.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if not (A.ndim - 1 <= B.ndim <= A.ndim):
        raise RuntimeError(
            "torch.linalg.lstsq: input.dim() must be greater or equal to "
            "other.dim() and (input.dim() - other.dim()) <= 1"
        )
    driver = "gelsy" if driver is None else driver
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(
            "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
        )
    vector = B.ndim == A.ndim - 1
    rhs = B.unsqueeze(-1) if vector else B
    m, n = A.shape[-2], A.shape[-1]
    if rhs.shape[-2] != m:
        raise RuntimeError("torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    rtol = _default_rtol(A) if rcond is None or rcond < 0 else float(rcond)
    solution = L._pinv(A, atol=0.0, rtol=rtol, hermitian=False) @ rhs
    empty = A.new_zeros((0,))
    with no_grad():
        sv = svdvals(A) if min(m, n) and driver != "gels" else None
        rank = empty.long() if sv is None else _count_above(sv, 0.0, rtol)
    residuals = solution.reshape(-1)[:0]  # empty, but differentiable like PyTorch's
    full_rank = sv is None or bool((rank._data == n).all())
    if driver != "gelsy" and m > n and full_rank:
        residuals = ((A @ solution - rhs) ** 2).sum(-2)
        residuals = residuals.squeeze(-1) if vector else residuals
    return return_types.lstsq(
        solution.squeeze(-1) if vector else solution,
        residuals,
        rank,
        sv if driver in ("gelsd", "gelss") and sv is not None else empty,
    )


# ---------------------------------------------------------------- cholesky, qr
def linalg_cholesky(A, *, upper=False, out=None):  # noqa: N803
    """Cholesky factor ``L`` (lower, ``A = L L^T``) of a symmetric positive-definite matrix, or
    ``U = L^T`` with ``upper=True``; only the lower triangle of ``A`` is read."""
    if out is not None:
        return with_out(out, OutRule("linalg_cholesky_ex", exact), linalg_cholesky, A, upper=upper)
    _square(A, "linalg.cholesky")
    low = L._cholesky(A)
    return low.mT if upper else low


@tensor_method()
def cholesky(input, upper=False, *, out=None):  # noqa: A002
    """Cholesky factor (deprecated in PyTorch for :func:`ember.linalg.cholesky`)."""
    if out is not None:
        message = (
            "cholesky: Expected result to be safely castable from {want} dtype, but got result "
            "with dtype {got}"
        )
        return with_out(out, OutRule(check=unless("castable", message)), cholesky, input, upper)
    products._warn_once(
        "cholesky",
        "torch.cholesky is deprecated in favor of "
        "torch.linalg.cholesky and will be removed in a future PyTorch release.",
    )
    return linalg_cholesky(input, upper=upper)


def linalg_qr(A, mode="reduced", *, out=None):  # noqa: N803
    """QR decomposition ``(Q, R)``; ``mode`` is ``'reduced'``, ``'complete'`` or ``'r'`` (then
    ``Q`` is empty)."""
    if out is not None:
        return with_out(out, OutRule("linalg_qr", exact), linalg_qr, A, mode)
    _matrix(A, "linalg.qr")
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(
            f"qr received unrecognized mode '{mode}' but expected one of "
            "'reduced' (default), 'r', or 'complete'"
        )
    q, r = L._qr(A, mode=mode)
    return return_types.qr(q, r)


@tensor_method()
def qr(input, some=True, *, out=None):  # noqa: A002
    """QR decomposition (deprecated in PyTorch for :func:`ember.linalg.qr`)."""
    if out is not None:
        return with_out(out, OutRule("linalg_qr", exact), qr, input, some)
    products._warn_once(
        "qr",
        "torch.qr is deprecated in favor of torch.linalg.qr and will be "
        "removed in a future PyTorch release.",
    )
    return linalg_qr(input, "reduced" if some else "complete")


# ---------------------------------------------------------------- svd, eigh
def linalg_svd(A, full_matrices=True, *, driver=None, out=None):  # noqa: N803
    """Singular value decomposition ``(U, S, Vh)`` with ``A = U diag(S) Vh``."""
    if out is not None:
        return with_out(
            out,
            OutRule("_linalg_svd", exact, order=(0, 2, 1)),
            linalg_svd,
            A,
            full_matrices,
            driver=driver,
        )
    _matrix(A, "linalg.svd")
    _no_driver(driver)
    u, s, vh = L._svd(A, full_matrices=full_matrices)
    return return_types.svd(u, s, vh)


@tensor_method()
def svd(input, some=True, compute_uv=True, *, out=None):  # noqa: A002
    """PyTorch's legacy SVD: ``(U, S, V)`` with ``V`` (not ``Vh``), reduced when ``some``;
    ``compute_uv=False`` gives zero-filled ``U`` and ``V``."""
    if out is not None:
        return with_out(
            out,
            OutRule("_linalg_svd", exact, autograd="refuse_inputs", order=(0, 2, 1)),
            svd,
            input,
            some,
            compute_uv,
        )
    _float_input(input, "linalg.svd")
    if input.ndim < 2:
        raise RuntimeError(
            f"linalg.svd: input should have at least 2 dimensions, but has "
            f"{input.ndim} dimensions instead"
        )
    if not compute_uv:
        m, n = input.shape[-2], input.shape[-1]
        batch = tuple(input.shape[:-2])
        return svd_result(
            input.new_zeros(batch + (m, m)), svdvals(input), input.new_zeros(batch + (n, n))
        )
    u, s, vh = L._svd(input, full_matrices=not some)
    return svd_result(u, s, vh.mT)


def svdvals(A, *, driver=None, out=None):  # noqa: N803
    """Singular values of ``A``, in descending order."""
    if out is not None:
        return with_out(out, OutRule("_linalg_svd", exact), svdvals, A, driver=driver)
    _matrix(A, "linalg.svd")
    _no_driver(driver)
    return L._svdvals(A)


def _no_driver(driver):
    """PyTorch chooses an SVD driver only for cuSOLVER; ember has none to choose."""
    if driver is not None:
        raise RuntimeError(
            "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with "
            "cuSOLVER backend."
        )


def _uplo(UPLO):  # noqa: N803
    if UPLO not in ("L", "U", "l", "u"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return UPLO.upper()


def _eigh_input(A, fname):  # noqa: N803
    if isinstance(A, Tensor) and not A.dtype.is_floating_point:
        raise kernel_not_implemented("linalg_eigh_cpu", A.dtype)
    _square(A, fname)


def eigh(A, UPLO="L", *, out=None):  # noqa: N803
    """Eigenvalues (ascending) and orthonormal eigenvectors of a symmetric matrix, read from
    its lower (``UPLO='L'``) or upper triangle."""
    if out is not None:
        return with_out(out, OutRule("_linalg_eigh", exact, order=(1, 0)), eigh, A, UPLO)
    _eigh_input(A, "linalg.eigh")
    w, v = L._eigh(A, UPLO=_uplo(UPLO))
    return return_types.eigh(w, v)


def eigvalsh(A, UPLO="L", *, out=None):  # noqa: N803
    """Eigenvalues (ascending) of a symmetric matrix."""
    if out is not None:
        return with_out(out, OutRule("_linalg_eigh", exact), eigvalsh, A, UPLO)
    _eigh_input(A, "linalg.eigh")
    return L._eigvalsh(A, UPLO=_uplo(UPLO))


# ---------------------------------------------------------------- pinv, rank
def _default_rtol(A):  # noqa: N803
    eps = 1.1920928955078125e-07 if A.dtype is _dtype.float32 else 2.220446049250313e-16
    return eps * max(A.shape[-2], A.shape[-1])


def _tolerances(A, atol, rtol):  # noqa: N803
    """PyTorch's rule: no rtol gives eps * max(m, n), unless a positive atol is given."""

    def value(t):
        if isinstance(t, Tensor):
            return cast(t, A.dtype)._data[..., None]
        return 0.0 if t is None else float(t)

    if rtol is None:
        atol_set = atol is not None and (isinstance(atol, Tensor) or atol > 0)
        rtol = 0.0 if atol_set else _default_rtol(A)
    return value(atol), value(rtol)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None, rcond=None):  # noqa: N803
    """Moore-Penrose pseudo-inverse; singular values at most ``max(atol, rtol * max(S))`` are
    treated as zero (``rcond`` is the older name of ``rtol``)."""
    if out is not None:
        message = (
            "linalg.pinv: Expected result to be safely castable from {want} dtype, but got result "
            "with dtype {got}"
        )
        return with_out(
            out,
            OutRule("linalg_pinv", unless("castable", message)),
            pinv,
            A,
            atol=atol,
            rtol=rtol,
            hermitian=hermitian,
            rcond=rcond,
        )
    if not isinstance(A, Tensor) or A.ndim < 2 or A.dtype not in (_dtype.float32, _dtype.float64):
        what = f"{A.dtype.legacy_name}{{{list(A.shape)}}}" if isinstance(A, Tensor) else type(A)
        raise RuntimeError(
            f"linalg.pinv({what}): expected a tensor with 2 or more dimensions "
            "of float, double, cfloat or cdouble types"
        )
    if rcond is not None:
        if rtol is not None or atol is not None:
            raise TypeError(
                "linalg_pinv() received an invalid combination of arguments: rcond "
                "cannot be combined with atol or rtol"
            )
        rtol = rcond
    atol, rtol = _tolerances(A, atol, rtol)
    return L._pinv(A, atol=atol, rtol=rtol, hermitian=hermitian)


@tensor_method()
def pinverse(input, rcond=1e-15):  # noqa: A002
    """Pseudo-inverse with relative cutoff ``rcond`` (``linalg.pinv(input, rtol=rcond)``)."""
    return pinv(input, rtol=rcond)


def _count_above(values, atol, rtol):
    """How many of ``values`` (last dim) exceed ``max(atol, rtol * max(values))``, as int64.

    ``atol`` and ``rtol`` are floats or arrays of shape (*batch, 1)."""
    xp = backend_of(values._data).xp
    v = values._data
    if v.shape[-1]:
        biggest = xp.max(v, axis=-1, keepdims=True)
    else:
        biggest = xp.zeros((*v.shape[:-1], 1), dtype=v.dtype)
    tol = xp.maximum(atol, rtol * biggest)
    return _wrap(xp.asarray(xp.sum(v > tol, axis=-1), dtype=_dtype.int64.np))


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None, tol=None):  # noqa: N803
    """Number of singular values above ``max(atol, rtol * max(S))`` (int64)."""
    if out is not None:
        message = (
            "torch.linalg.matrix_rank: Expected result to be safely castable from {want} dtype, "
            "but got result with dtype {got}"
        )
        rule = OutRule(check=unless("castable", message), autograd="none")
        return with_out(
            out, rule, matrix_rank, A, atol=atol, rtol=rtol, hermitian=hermitian, tol=tol
        )
    if isinstance(A, Tensor) and A.ndim < 2:
        raise RuntimeError(
            "torch.linalg.matrix_rank: The input tensor input must have at least 2 dimensions."
        )
    if A.dtype not in (_dtype.float32, _dtype.float64):
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol, rtol = tol, 0.0
    atol, rtol = _tolerances(A, atol, rtol)
    with no_grad():
        values = eigvalsh(A).abs() if hermitian else svdvals(A)
    return _count_above(values, atol, rtol)


# ---------------------------------------------------------------- powers, vectors, trace
@tensor_method()
def matrix_power(A, n, *, out=None):  # noqa: N803
    """``A`` multiplied by itself ``n`` times; ``n = 0`` gives the identity, ``n < 0`` powers of
    the inverse."""
    if out is not None:
        message = (
            "matrix_power: Expected result to be safely castable from {want} dtype, but got "
            "result with dtype {got}"
        )
        rule = OutRule("matmul", both(unless("castable", message), exact))
        return with_out(out, rule, matrix_power, A, n)
    fname = "linalg.matrix_power"
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{fname}: A must be batches of square matrices, but they are "
            f"{A.shape[-2]} by {A.shape[-1]} matrices"
        )
    if n == 0:  # the identity, still connected to A (with a zero gradient)
        eye = _factories.eye(A.shape[-1], dtype=A.dtype, device=A.device)
        return P.where(scalar_like(True, _dtype.bool, A), eye, A)
    base = inv(A) if n < 0 else A
    n = abs(n)
    if n == 1:
        return base.clone()
    result = None
    while n:
        if n & 1:
            result = base if result is None else _matmul(result, base)
        n >>= 1
        if n:
            base = _matmul(base, base)
    return result


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (batch dims broadcast)."""
    if out is not None:
        message = "linalg.vecdot: Expected out of dtype{want} but found {got}"
        return with_out(out, OutRule("sum", unless("equal", message)), vecdot, x, y, dim=dim)
    if x.dtype is not y.dtype:
        raise RuntimeError(
            f"linalg.vecdot: Expected x and y to have the same dtype, but found "
            f"x of type {x.dtype.legacy_name} and y of type {y.dtype.legacy_name} instead"
        )
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            f"linalg.vecdot: Expected a floating point or complex tensor as "
            f"input. Got {x.dtype.legacy_name}"
        )
    return P.mul(x, y).sum(dim)


def linalg_cross(input, other, *, dim=-1, out=None):  # noqa: A002
    """Cross product of 3-vectors along ``dim`` (batch dims broadcast)."""
    if out is not None:
        return with_out(out, OutRule("linalg_cross", exact), linalg_cross, input, other, dim=dim)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {other.dtype.legacy_name}"
        )
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[d]} and {other.shape[d]}"
        )
    broadcast_shapes(input.shape, other.shape)
    a1, a2 = input.roll(-1, d), input.roll(-2, d)
    b1, b2 = other.roll(-1, d), other.roll(-2, d)
    return P.sub(P.mul(a1, b2), P.mul(a2, b1))


@tensor_method()
def cross(input, other, dim=None, *, out=None):  # noqa: A002
    """Cross product along ``dim`` (default: the first dim of size 3, with PyTorch's warning)."""
    if dim is None:
        products._warn_once(
            "cross",
            "Using torch.cross without specifying the dim arg is "
            "deprecated.\nPlease either pass the dim explicitly or simply use "
            "torch.linalg.cross.\nThe default value of dim will change to agree "
            "with that of linalg.cross in a future release.",
        )
        shape = broadcast_shapes(input.shape, other.shape)
        dim = next((d for d, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim, out=out)


@tensor_method()
def trace(input):  # noqa: A002
    """Sum of the main diagonal of a 2-D tensor (int64 for integer input)."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    if input.dtype is _dtype.bool:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    m, n = input.shape
    k = min(m, n)
    diagonal = input.reshape(m * n)[: max(k - 1, 0) * (n + 1) + (1 if k else 0) : n + 1]
    return diagonal.sum()
