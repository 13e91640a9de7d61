"""``ember.linalg``: PyTorch's ``torch.linalg`` namespace (re-exports only).

The functions live in :mod:`ember.ops.linalg`, :mod:`ember.ops.products` and
:mod:`ember.ops.norms`; the norms are looked up on first use, so this namespace imports even
while that module is incomplete.
"""

from __future__ import annotations

from .ops.linalg import (
    LinAlgError,
    eigh,
    eigvalsh,
    inv,
    inv_ex,
    lstsq,
    matrix_power,
    matrix_rank,
    pinv,
    slogdet,
    solve,
    svdvals,
    vecdot,
)
from .ops.linalg import linalg_cholesky as cholesky
from .ops.linalg import linalg_cross as cross
from .ops.linalg import linalg_det as det
from .ops.linalg import linalg_qr as qr
from .ops.linalg import linalg_svd as svd
from .ops.linalg_eig import eig, eigvals
from .ops.linalg_extra import (
    cholesky_ex,
    householder_product,
    ldl_factor,
    ldl_factor_ex,
    ldl_solve,
    lu_factor,
    lu_factor_ex,
    solve_ex,
    solve_triangular,
)
from .ops.linalg_extra import linalg_lu as lu
from .ops.linalg_extra import linalg_lu_solve as lu_solve
from .ops.linalg_extra import linalg_matrix_exp as matrix_exp
from .ops.linalg_misc import cond, diagonal, tensorinv, tensorsolve
from .ops.linalg_misc import linalg_vander as vander
from .ops.products import matmul, multi_dot

__all__ = [
    "LinAlgError",
    "inv",
    "inv_ex",
    "det",
    "slogdet",
    "solve",
    "cholesky",
    "qr",
    "svd",
    "svdvals",
    "eig",
    "eigvals",
    "eigh",
    "eigvalsh",
    "pinv",
    "lstsq",
    "matrix_rank",
    "matrix_power",
    "matmul",
    "vecdot",
    "cross",
    "multi_dot",
    "solve_triangular",
    "solve_ex",
    "cholesky_ex",
    "lu_factor",
    "lu_factor_ex",
    "lu",
    "lu_solve",
    "matrix_exp",
    "householder_product",
    "ldl_factor",
    "ldl_factor_ex",
    "ldl_solve",
    "cond",
    "diagonal",
    "tensorinv",
    "tensorsolve",
    "vander",
]

_FROM_NORMS = {"vector_norm": "vector_norm", "matrix_norm": "matrix_norm", "norm": "linalg_norm"}


def __getattr__(name):
    if name in _FROM_NORMS:
        from .ops import norms

        try:
            return getattr(norms, _FROM_NORMS[name])
        except AttributeError:
            pass
    raise AttributeError(f"module 'ember.linalg' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(_FROM_NORMS))
