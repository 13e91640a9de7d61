"""OpInfo entries: triangular solves, LU (factor, unpack, solve), Cholesky solves, the matrix
exponential, Householder products, ``geqrf``, ``cond``, tensor equations and Vandermonde
matrices (``ember/ops/linalg_extra.py``, ``ember/ops/linalg_misc.py``).

LU inputs are plain random matrices, so that partial pivoting swaps rows (a diagonally dominant
matrix never would); triangular systems get a dominant diagonal inside the lambda so they stay
well conditioned.
"""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .linalg import _quiet, spd, well

F64 = np.float64


def _s(*shapes, dtype=np.float32, name=None):
    return Sample(
        tuple(arr(*s, dtype=dtype) for s in shapes), name=name or "x".join(map(str, shapes))
    )


def _samples(*specs):
    return lambda: [_s(*shapes, **kw) for shapes, kw in specs]


def _g(*shapes):
    return lambda: [_s(*shapes, dtype=F64, name="small")]


def _tri(m, x):
    """``x`` with a dominant diagonal (either triangle is then well conditioned)."""
    n = x.shape[-1]
    return x + 3 * n * m.eye(n, dtype=x.dtype, device=x.device)


def _solve_tri(upper, left, unit):
    def fn(m, a, b):
        return m.linalg.solve_triangular(_tri(m, a), b, upper=upper, left=left, unitriangular=unit)

    return fn


SOLVE_TRI = [
    OpInfo(
        f"linalg_solve_triangular_{'upper' if up else 'lower'}_{'left' if left else 'right'}"
        + ("_unit" if unit else ""),
        _solve_tri(up, left, unit),
        _samples(
            (((4, 4), (4, 2) if left else (2, 4)), {}),
            (((2, 3, 3), (3, 1) if left else (1, 3)), {}),
            (((3, 3), (2, 3, 3)), {"dtype": F64}),
        ),
        gradcheck_samples=_g((3, 3), (3, 2) if left else (2, 3)),
        rtol=1e-4,
        atol=1e-5,
    )
    for up in (True, False)
    for left in (True, False)
    for unit in ((False, True) if up and left else (False,))
]


def _lu_parts(m, a):
    lu, piv = m.linalg.lu_factor(a)
    return lu, piv


register(
    *isolated(
        *SOLVE_TRI,
        OpInfo(
            "triangular_solve",
            _quiet(lambda m, b, a: m.triangular_solve(b, _tri(m, a), upper=False, transpose=True)),
            _samples((((3, 2), (3, 3)), {}), (((2, 4, 1), (4, 4)), {})),
            gradcheck_samples=_g((3, 2), (3, 3)),
            rtol=1e-4,
        ),
        OpInfo(
            "cholesky_solve",
            lambda m, b, a: m.cholesky_solve(b, m.linalg.cholesky(spd(m, a))),
            _samples((((3, 2), (3, 3)), {}), (((2, 4, 3), (4, 4)), {})),
            gradcheck_samples=_g((3, 2), (3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "cholesky_solve_upper",
            lambda m, b, a: m.cholesky_solve(b, m.linalg.cholesky(spd(m, a)).mT, upper=True),
            _samples((((3, 2), (3, 3)), {})),
            gradcheck_samples=_g((3, 2), (3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "cholesky_inverse",
            lambda m, a: m.linalg.cholesky(spd(m, a)).cholesky_inverse(),
            _samples((((3, 3),), {}), (((2, 4, 4),), {})),
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_lu_factor",
            lambda m, a: m.linalg.lu_factor(a),
            _samples((((4, 4),), {}), (((2, 3, 3),), {}), (((5, 5),), {"dtype": F64})),
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_lu",
            lambda m, a: m.linalg.lu(a)[1:],  # P is a constant (it requires no grad in torch)
            _samples((((4, 4),), {}), (((3, 5),), {}), (((5, 3),), {}), (((2, 2, 3),), {})),
            gradcheck_samples=lambda: [
                _s((3, 3), dtype=F64, name="square"),
                _s((2, 4), dtype=F64, name="wide"),
                _s((4, 2), dtype=F64, name="tall"),
            ],
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_lu_permutation",
            lambda m, a: [m.linalg.lu(a).P, m.lu_unpack(*m.linalg.lu_factor(a)).P],
            _samples((((5, 5),), {}), (((3, 4, 4),), {}), (((3, 5),), {})),
            grad=False,
            gradcheck=False,
            gradgrad=False,
        ),
        OpInfo(
            "linalg_lu_factor_ex",
            lambda m, a: m.linalg.lu_factor_ex(a),
            _samples((((3, 3),), {})),
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
        ),
        OpInfo(
            "lu_unpack",
            lambda m, a: m.lu_unpack(*m.linalg.lu_factor(a))[1:],
            _samples((((4, 4),), {}), (((2, 3, 3),), {})),
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_lu_solve",
            lambda m, a, b: m.linalg.lu_solve(*_lu_parts(m, well(m, a)), b),
            _samples((((4, 4), (4, 2)), {}), (((2, 3, 3), (3, 3)), {})),
            gradcheck_samples=_g((3, 3), (3, 2)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_lu_solve_right_adjoint",
            lambda m, a, b: (
                m.linalg.lu_solve(*_lu_parts(m, well(m, a)), b, left=False)
                + m.linalg.lu_solve(*_lu_parts(m, well(m, a)), b.mT, adjoint=True).mT
            ),
            _samples((((3, 3), (2, 3)), {})),
            gradcheck_samples=_g((3, 3), (2, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "lu_solve",
            _quiet(lambda m, a, b: b.lu_solve(*_lu_parts(m, a))),
            _samples((((4, 4), (4, 2)), {})),
            gradcheck_samples=_g((3, 3), (3, 2)),
            rtol=1e-3,
            atol=1e-4,
        ),
        OpInfo(
            "linalg_matrix_exp",
            lambda m, a: m.linalg.matrix_exp(a),
            _samples(
                (((3, 3),), {}), (((2, 4, 4),), {}), (((1, 1),), {}), (((5, 5),), {"dtype": F64})
            ),
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "matrix_exp_scaled",
            lambda m, a: (a * 4).matrix_exp(),
            _samples((((3, 3),), {"dtype": F64})),
            gradcheck_samples=_g((2, 2)),
        ),
        OpInfo(
            "linalg_householder_product",
            lambda m, a, tau: m.linalg.householder_product(a, tau),
            _samples((((4, 3), (3,)), {}), (((2, 5, 3), (2, 2)), {}), (((3, 3), (3,)), {})),
            gradcheck_samples=_g((4, 3), (2,)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "orgqr_ormqr",
            lambda m, a, tau, c: (
                m.orgqr(a, tau).sum()
                + m.ormqr(a, tau, c).sum()
                + m.ormqr(a, tau, c, transpose=True).sum()
                + m.ormqr(a, tau, c.mT, left=False).sum()
                + m.ormqr(a, tau, c.mT, left=False, transpose=True).sum()
            ),
            _samples((((4, 3), (3,), (4, 2)), {})),
            gradcheck_samples=_g((3, 2), (2,), (3, 2)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "geqrf",
            lambda m, a: m.geqrf(a),
            _samples((((5, 3),), {}), (((3, 5),), {}), (((2, 4, 4),), {"dtype": F64})),
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "geqrf_reconstructs",
            lambda m, a: (
                m.linalg.householder_product(*m.geqrf(a))
                @ m.geqrf(a)[0][..., : a.shape[-1], :].triu()
            ),
            _samples((((5, 3),), {}), (((4, 4),), {"dtype": F64})),
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
            atol=1e-5,
        ),
    )
)


def _ldl_samples():
    """Symmetric inputs that make Bunch-Kaufman take each kind of step (1x1 with and without
    an interchange, 2x2 blocks from zero diagonals)."""
    out = []
    for n, zero_diagonal in ((4, False), (5, True), (3, True)):
        x = arr(n, n, dtype=F64)
        x = x + x.T
        if zero_diagonal:
            x[np.diag_indices(n)] = 0.0
        out.append(
            Sample((x, arr(n, 2, dtype=F64)), name=f"{n}{'_zero_diag' if zero_diagonal else ''}")
        )
    x = arr(2, 4, 4)
    out.append(Sample((x + x.transpose(0, 2, 1), arr(4, 3)), name="batch_f32"))
    return out


register(
    *isolated(
        OpInfo(
            "linalg_ldl_factor_solve",
            lambda m, a, b: [
                *m.linalg.ldl_factor_ex(a),
                m.linalg.ldl_solve(*m.linalg.ldl_factor(a), b),
            ],
            _ldl_samples,
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_cond",
            lambda m, a: [m.linalg.cond(well(m, a), p) for p in (None, 2, -2)],
            _samples((((3, 3),), {}), (((2, 4, 4),), {})),
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        # torch's own backward of cond in these norms fails (an in-place op on a saved inverse)
        OpInfo(
            "linalg_cond_norms",
            lambda m, a: [
                m.linalg.cond(well(m, a), p) for p in ("fro", "nuc", 1, -1, float("inf"))
            ],
            _samples((((3, 3),), {}), (((2, 4, 4),), {})),
            grad=False,
            gradcheck_samples=_g((3, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "linalg_cond_rectangular",
            lambda m, a: m.linalg.cond(a),
            _samples((((3, 5),), {})),
            gradcheck_samples=_g((2, 3)),
            rtol=1e-4,
        ),
        OpInfo(
            "linalg_diagonal",
            lambda m, a: [m.linalg.diagonal(a, offset=1), m.linalg.diagonal(a, dim1=0, dim2=2)],
            _samples((((3, 4, 3),), {})),
            gradcheck_samples=_g((3, 4, 3)),
        ),
        OpInfo(
            "linalg_tensorinv",
            lambda m, a: m.linalg.tensorinv(well(m, a).reshape(2, 3, 6), ind=2),
            _samples((((6, 6),), {})),
            gradcheck_samples=_g((6, 6)),
            rtol=1e-4,
        ),
        OpInfo(
            "linalg_tensorsolve",
            lambda m, a, b: m.linalg.tensorsolve(well(m, a).reshape(2, 3, 6), b),
            _samples((((6, 6), (2, 3)), {})),
            gradcheck_samples=_g((6, 6), (2, 3)),
            rtol=1e-4,
        ),
        OpInfo(
            "linalg_tensorsolve_dims",
            lambda m, a, b: m.linalg.tensorsolve(well(m, a).reshape(6, 2, 3), b, dims=(0,)),
            _samples((((6, 6), (2, 3)), {})),
            gradcheck_samples=_g((6, 6), (2, 3)),
            rtol=1e-4,
        ),
        OpInfo(
            "linalg_vander",
            lambda m, x: m.linalg.vander(x) + m.linalg.vander(x, N=3).sum(-1, keepdim=True),
            _samples((((4,),), {}), (((2, 3),), {}), (((5,),), {"dtype": F64})),
            gradcheck_samples=_g((2, 3)),
            rtol=1e-4,
        ),
        OpInfo(
            "linalg_vander_at_zero",
            lambda m, x: m.linalg.vander(x * m.tensor([0.0, 1.0, 1.0], dtype=x.dtype), N=4),
            _samples((((3,),), {"dtype": F64})),
        ),
        # torch.vander's own backward fails (an in-place op on a saved tensor), so only values
        OpInfo(
            "vander",
            lambda m, x: [m.vander(x), m.vander(x, N=2), m.vander(x, 4, increasing=True)],
            _samples((((4,),), {}), (((3,),), {"dtype": F64})),
            grad=False,
            gradcheck_samples=_g((3,)),
        ),
        OpInfo(
            "frobenius_nuclear_norm",
            _quiet(lambda m, a: m.frobenius_norm(a, dim=(0, 1)) + m.nuclear_norm(a)),
            _samples((((3, 4),), {})),
            gradcheck_samples=_g((3, 2)),
            rtol=1e-4,
        ),
    )
)
