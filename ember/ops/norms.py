"""Vector and matrix norms: ``norm`` (torch.norm) and linalg's ``vector_norm``, ``matrix_norm``
and ``norm`` (here ``linalg_norm``; :mod:`ember.linalg` re-exports it as ``norm``)."""

from __future__ import annotations

import math

from .._size import wrap_dim, wrap_dims
from .._tensor import Tensor
from . import reduction as reducing
from ._binding import tensor_method
from ._out import OutRule, exact, unless, with_out
from ._promote import FLOAT_NP, cast
from .prims import norms as N
from .prims.linalg import _svdvals

__all__ = ["norm"]


def _check_float(name, x):
    if x._data.dtype not in FLOAT_NP:
        raise RuntimeError(
            f"{name}: Expected a floating point or complex tensor as input. "
            f"Got {x.dtype.legacy_name}"
        )


def _ord_str(ord):
    if isinstance(ord, float) and ord.is_integer():
        return str(int(ord))
    return str(ord)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The vector ``ord``-norm of ``x`` over ``dim`` (all elements when None).

    ``ord`` may be any real number, ``inf`` (max abs) or ``-inf`` (min abs); 0 counts nonzeros.
    """
    if out is not None:
        return with_out(
            out,
            OutRule("linalg_vector_norm", exact),
            vector_norm,
            x,
            ord,
            dim,
            keepdim,
            dtype=dtype,
        )
    if isinstance(ord, str):
        raise RuntimeError(f"linalg.vector_norm: Expected a number as ord, got {ord}")
    _check_float("linalg.vector_norm", x)
    if dtype is not None:
        x = cast(x, dtype)
    dims = tuple(range(x.ndim)) if dim is None else (wrap_dims(dim, x.ndim) if x.ndim else ())
    no_identity = ord < 0 or ord == math.inf
    if no_identity and x.numel() == 0 and (dim is None or any(x.shape[d] == 0 for d in dims)):
        raise RuntimeError(
            f"linalg.vector_norm cannot compute the {_ord_str(ord)} norm on an "
            "empty tensor because the operation does not have an identity"
        )
    return N._vector_norm(x, ord=float(ord), dims=dims, keepdim=keepdim)


def _matrix_dims(A, dim):
    if isinstance(dim, int) or len(dim) != 2:
        got = (dim,) if isinstance(dim, int) else tuple(dim)
        raise RuntimeError(
            f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, got))}"
        )
    d0, d1 = wrap_dim(dim[0], A.ndim), wrap_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    return d0, d1


def _singular_value_norm(A, ord, d0, d1, keepdim):
    s = _svdvals(A.movedim((d0, d1), (-2, -1)))
    if ord == "nuc":
        out = reducing.sum(s, -1)
    elif ord > 0:
        out = reducing.amax(s, -1)
    else:
        out = reducing.amin(s, -1)
    if keepdim:
        for d in sorted((d0, d1)):
            out = out.unsqueeze(d)
    return out


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """The matrix norm of ``A`` over the two dims ``dim``.

    ``ord``: 'fro', 'nuc', ``inf``/``-inf`` (max/min row abs sum), 1/-1 (max/min column abs
    sum), 2/-2 (largest/smallest singular value).
    """
    if out is not None:
        message = "linalg.matrix_norm expected out tensor dtype {want} but got: {got}"
        rule = OutRule(check=unless("equal", message), autograd="copy")
        return with_out(out, rule, matrix_norm, A, ord, dim, keepdim, dtype=dtype)
    if A.ndim < 2:
        raise RuntimeError(
            "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."
        )
    _check_float("linalg.matrix_norm", A)
    if dtype is not None:
        A = cast(A, dtype)
    d0, d1 = _matrix_dims(A, dim)
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
        if ord == "fro":
            return vector_norm(A, 2, (d0, d1), keepdim)
        return _singular_value_norm(A, ord, d0, d1, keepdim)
    if ord not in (1, -1, 2, -2, math.inf, -math.inf):
        raise RuntimeError(f"linalg.matrix_norm: Order {_ord_str(ord)} not supported.")
    if abs(ord) == 2:
        return _singular_value_norm(A, ord, d0, d1, keepdim)
    if A.numel() == 0 and (A.shape[d0] == 0 or A.shape[d1] == 0):
        raise RuntimeError(
            "linalg.matrix_norm: cannot compute the norm of an empty matrix "
            "because the operation does not have an identity"
        )
    if math.isinf(ord):  # the inf norm is the 1 norm of the transpose
        d0, d1 = d1, d0
    sums = reducing.sum(A.abs(), d0, keepdim)
    if not keepdim and d0 < d1:
        d1 -= 1
    return reducing.amax(sums, d1, keepdim) if ord > 0 else reducing.amin(sums, d1, keepdim)


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """``torch.linalg.norm``: a vector or a matrix norm, chosen by ``dim`` and ``A.ndim``."""
    if out is not None:
        message = "linalg.norm expected out tensor dtype {want} but got: {got}"
        rule = OutRule(check=unless("equal", message), autograd="copy")
        return with_out(out, rule, linalg_norm, A, ord, dim, keepdim, dtype=dtype)
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        if len(dims) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f"linalg.vector_norm: Expected a number as ord, got {ord}")
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)
        return matrix_norm(A, "fro" if ord is None else ord, dims, keepdim, dtype=dtype)
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype)
    if A.ndim == 1:
        return vector_norm(A, ord, None, keepdim, dtype=dtype)
    raise RuntimeError(
        "linalg.norm: If dim is not specified but ord is, the input must be 1D "
        f"or 2D. Got {A.ndim}D."
    )


@tensor_method()
def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):  # noqa: A002
    """``torch.norm``: the ``p``-norm over ``dim`` ('fro' and numbers are vector norms over all
    the given dims; 'nuc' is the nuclear matrix norm)."""
    if out is not None:
        return with_out(
            out, OutRule("linalg_vector_norm", exact), norm, input, p, dim, keepdim, dtype
        )
    if isinstance(dim, Tensor):
        dim = dim.tolist()
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype)
        if dim is None:
            dim = tuple(range(input.ndim))
        return matrix_norm(input, p, dim, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dim, keepdim, dtype=dtype)
