"""``ember.linalg.eig`` and ``ember.linalg.eigvals``: the eigendecomposition of a general square
matrix, complex, on the primitives of :mod:`ember.ops.prims.linalg_eig`."""

from __future__ import annotations

from .. import _dtype, return_types
from .._dtype import kernel_not_implemented
from .._tensor import Tensor
from ._out import OutRule, unless, with_out
from .prims import linalg_eig as E

__all__ = ["eig", "eigvals"]

eig_result = return_types._make("linalg_eig", ["eigenvalues", "eigenvectors"])


def _castable(fname, what):
    return unless(
        "castable",
        f"torch.{fname}: Expected {what} to be safely castable from {{want}} dtype, but got "
        f"{what} with dtype {{got}}",
    )


def _checked(A, fname):  # noqa: N803 - PyTorch's argument name
    if not isinstance(A, Tensor):
        raise TypeError(
            f"{fname}(): argument 'A' (position 1) must be Tensor, not {type(A).__name__}"
        )
    if A.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(
            f"{fname}: A must be batches of square matrices, but they are {A.shape[-2]} by "
            f"{A.shape[-1]} matrices"
        )
    if A.dtype in (_dtype.float16, _dtype.bfloat16):
        raise kernel_not_implemented("linalg_eig_out_cpu", A.dtype)
    A.dtype.to_complex()  # an integer or bool A: PyTorch's "Unknown Complex ScalarType" error
    return A


def eig(A, *, out=None):  # noqa: N803
    """The eigenvalues and eigenvectors of a square matrix (or batch), as complex tensors:
    ``A = V diag(L) V^-1``, each eigenvector of norm 1 (``torch.linalg.eig``); a named tuple
    ``(eigenvalues, eigenvectors)``. Eigenvectors are defined up to a phase, so a loss that
    depends on it has no gradient (PyTorch's error)."""
    if out is not None:
        rule = OutRule(
            "linalg_eig",
            (_castable("linalg.eig", "eigenvalues"), _castable("linalg.eig", "eigenvectors")),
        )
        return with_out(out, rule, eig, A)
    _checked(A, "linalg.eig")
    if not bool(A.isfinite().all()):
        raise RuntimeError("torch.linalg.eig: input tensor should not contain infs or NaNs.")
    w, v = E._eig(A)
    E.remember_outputs(w, v)
    return eig_result(w, v)


def eigvals(A, *, out=None):  # noqa: N803
    """The eigenvalues of a square matrix (or batch), complex (``torch.linalg.eigvals``)."""
    if out is not None:
        rule = OutRule("linalg_eigvals", _castable("linalg.eigvals", "eigenvalues"))
        return with_out(out, rule, eigvals, A)
    _checked(A, "linalg.eigvals")
    return E._eigvals(A)
