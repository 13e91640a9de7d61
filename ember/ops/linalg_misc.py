"""Linear-algebra functions composed from other ember ops (autograd comes for free):
``linalg.cond``, ``linalg.diagonal``, ``linalg.tensorinv``, ``linalg.tensorsolve``,
``linalg.vander`` and ``torch.vander``, the deprecated ``frobenius_norm``/``nuclear_norm``, and
the functions PyTorch removed in 1.9 (``torch.solve``, ``lstsq``, ``symeig``, ``matrix_rank``),
which raise PyTorch's error pointing to their ``torch.linalg`` replacements."""

from __future__ import annotations

import math

from .. import _dtype, _factories
from .._size import wrap_dim
from . import cumulative, norms, products
from . import shape as shaping
from ._binding import tensor_method
from ._out import COMPOSITE, with_out
from .linalg import _float_input, _square, inv, svdvals

__all__ = [
    "vander",
    "frobenius_norm",
    "nuclear_norm",
    "solve",
    "lstsq",
    "symeig",
    "matrix_rank",
]


# ---------------------------------------------------------------- condition number
def cond(A, p=None, *, out=None):  # noqa: N803
    """The condition number of ``A`` in the norm ``p``: ``sigma_max / sigma_min`` for ``p`` in
    ``None, 2`` (``-2``: the inverse ratio), else ``norm(A, p) * norm(inv(A), p)`` for
    ``'fro', 'nuc', inf, -inf, 1, -1`` (square ``A`` only)."""
    if out is not None:
        return with_out(out, COMPOSITE, cond, A, p)
    fname = f"linalg.cond(ord={p})" if p is not None else "linalg.cond"
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    _float_input(A, fname)
    if p is None or p in (2, -2):
        s = svdvals(A)
        big, small = s.narrow(-1, 0, 1).squeeze(-1), s.narrow(-1, s.shape[-1] - 1, 1).squeeze(-1)
        return small / big if p == -2 else big / small
    if p not in ("fro", "nuc", math.inf, -math.inf, 1, -1):
        raise RuntimeError(
            f"linalg.cond got an invalid norm type: {p}"  # the ord of matrix_norm
        )
    _square(A, fname)
    return norms.matrix_norm(A, p) * norms.matrix_norm(inv(A), p)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):  # noqa: N803
    """The diagonal of each matrix of ``A`` (a view): :meth:`Tensor.diagonal` with ``dim1`` and
    ``dim2`` defaulting to the last two dims."""
    return A.diagonal(offset=offset, dim1=dim1, dim2=dim2)


# ---------------------------------------------------------------- tensor equations
def tensorinv(A, ind=2, *, out=None):  # noqa: N803
    """The tensor ``X`` with ``tensordot(X, A, ind)`` the identity: ``A`` reshaped to a square
    matrix (the first ``ind`` dims against the rest), inverted, reshaped back."""
    if out is not None:
        return with_out(out, COMPOSITE, tensorinv, A, ind)
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    rows, cols = A.shape[:ind], A.shape[ind:]
    m, n = math.prod(rows), math.prod(cols)
    if m != n:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[ind:]) == "
            f"prod(self.shape[:ind]), but got {n} != {m}"
        )
    return inv(A.reshape(m, n)).reshape(*cols, *rows)


def tensorsolve(A, B, dims=None, *, out=None):  # noqa: N803
    """The tensor ``X`` with ``tensordot(A, X, X.ndim) = B`` (``dims``: dims of ``A`` moved to
    the end first)."""
    from .linalg import solve

    if out is not None:
        return with_out(out, COMPOSITE, tensorsolve, A, B, dims)
    if dims is not None:
        moved = [wrap_dim(d, A.ndim) for d in dims]
        keep = [d for d in range(A.ndim) if d not in moved]
        A = A.permute(*keep, *moved)  # noqa: N806
    result_shape = A.shape[B.ndim :]
    n = math.prod(result_shape)
    m = math.prod(A.shape[: B.ndim])
    if m != n or B.shape != A.shape[: B.ndim]:
        raise RuntimeError(
            "Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
            f"prod(self.shape[:other.ndim]), but got {n} != {m}"
        )
    return solve(A.reshape(m, n), B.reshape(m)).reshape(result_shape)


# ---------------------------------------------------------------- Vandermonde matrices
def _powers(x, n):
    """``[1, x, x^2, ..., x^(n-1)]`` along a new last dim, by a cumulative product (so the
    gradient is finite at x = 0)."""
    ones = _factories.ones((*x.shape, 1), dtype=x.dtype, device=x.device)
    if n <= 1:
        return ones.narrow(-1, 0, n)
    repeated = x.unsqueeze(-1).expand(*x.shape, n - 1)
    return shaping.cat([ones, cumulative.cumprod(repeated, -1)], -1)


def linalg_vander(x, *, N=None):  # noqa: N803
    """The Vandermonde matrix of the last dim of ``x``: column ``j`` is ``x ** j``,
    ``j < N`` (default: ``x.shape[-1]``)."""
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    n = x.shape[-1] if N is None else N
    if n <= 1:
        raise RuntimeError("N must be greater than 1.")
    return _powers(x, n)


def vander(x, N=None, increasing=False):  # noqa: N803
    """The Vandermonde matrix of a 1-D ``x``: columns ``x ** (N - 1 - j)`` (``increasing``:
    ``x ** j``), ``N`` defaulting to ``len(x)``."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    n = x.shape[0] if N is None else N
    if n < 0:
        raise RuntimeError("N must be non-negative.")
    if x.dtype is _dtype.bool:
        x = x.long()
    result = _powers(x, n)
    return result if increasing else result.flip(-1)


# ---------------------------------------------------------------- deprecated norms
def frobenius_norm(input, dim, keepdim=False, *, out=None):  # noqa: A002
    """``sqrt(sum(input ** 2))`` over ``dim`` (deprecated in PyTorch for
    :func:`ember.linalg.vector_norm`)."""
    products._warn_once(
        "frobenius_norm",
        "at::frobenius_norm is deprecated and it is just left for JIT compatibility. It will be "
        "removed in a future PyTorch release. Please use `linalg.vector_norm(A, 2., dim, "
        "keepdim)` instead",
    )
    if out is not None:
        return with_out(out, COMPOSITE, frobenius_norm, input, dim, keepdim)
    return norms.vector_norm(input, 2, dim=dim, keepdim=keepdim)


def nuclear_norm(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
    """The sum of the singular values of ``input`` (over the two dims ``dim``, default the
    last two; deprecated in PyTorch for :func:`ember.linalg.matrix_norm`)."""
    if isinstance(dim, bool):  # nuclear_norm(input, keepdim)
        dim, keepdim = None, dim
    products._warn_once(
        "nuclear_norm",
        "at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be "
        "removed in a future PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, "
        "keepdim)` instead",
    )
    if out is not None:
        return with_out(out, COMPOSITE, nuclear_norm, input, dim, keepdim)
    if input.ndim != 2 and dim is None:
        raise RuntimeError(f"Expected a tensor with 2 dimensions, but got a {input.ndim}D tensor")
    return norms.matrix_norm(input, "nuc", dim=(-2, -1) if dim is None else dim, keepdim=keepdim)


# ---------------------------------------------------------------- removed in PyTorch 1.9
_REMOVED = "This function was deprecated since version 1.9 and is now removed."


@tensor_method()
def solve(input, A, *, out=None):  # noqa: A002, N803
    """Removed in PyTorch 1.9: raises. Use ``ember.linalg.solve(A, input)``."""
    raise RuntimeError(
        f"{_REMOVED} `torch.solve` is deprecated in favor of `torch.linalg.solve`. "
        "`torch.linalg.solve` has its arguments reversed and does not return the LU "
        "factorization.\n\nUse X = torch.linalg.solve(A, B) for X = torch.solve(B, A).solution"
    )


@tensor_method()
def lstsq(input, A, *, out=None):  # noqa: A002, N803
    """Removed in PyTorch 1.9: raises. Use ``ember.linalg.lstsq(A, input).solution``."""
    raise RuntimeError(
        f"{_REMOVED} `torch.lstsq` is deprecated in favor of `torch.linalg.lstsq`.\n"
        "Use X = torch.linalg.lstsq(A, B).solution (its arguments are reversed)."
    )


@tensor_method()
def symeig(input, eigenvectors=False, upper=True, *, out=None):  # noqa: A002
    """Removed in PyTorch 1.9: raises. Use ``ember.linalg.eigh`` or ``eigvalsh``."""
    raise RuntimeError(
        f"{_REMOVED} The default behavior has changed from using the upper triangular portion "
        "of the matrix by default to using the lower triangular portion.\n\n"
        "Use torch.linalg.eigvalsh(A, UPLO='U' if upper else 'L') for the eigenvalues and "
        "torch.linalg.eigh for the eigenvectors too."
    )


def matrix_rank(input, tol=None, symmetric=False, *, out=None):  # noqa: A002
    """Removed in PyTorch 1.9: raises. Use ``ember.linalg.matrix_rank``."""
    raise RuntimeError(
        f"{_REMOVED}\nPlease use the `torch.linalg.matrix_rank` function instead. The "
        "parameter 'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'."
    )
