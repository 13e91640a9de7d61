"""OpInfo entries: products (matmul, einsum, addmm, kron, ...) and linear algebra (inv, solve,
cholesky, qr, svd, eigh, pinv, lstsq, ...).

Matrices are well conditioned: SPD inputs are built inside the lambda as ``x x^T + n I``, and
symmetric ones as ``x + x^T``. Decompositions with a sign/gauge freedom (qr's signs are fixed by
LAPACK, but svd and eigh vectors are not) are compared through gauge-invariant functions:
reconstructions, projectors ``U U^T``, absolute values, singular values.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..op_db import OpInfo, Sample, register

F64 = np.float64
# this module's own generator: its samples do not move when other modules add entries
_RNG = np.random.default_rng(2024)


def arr(*shape, dtype=np.float32):
    return _RNG.uniform(-2.0, 2.0, size=shape).astype(dtype)


def iarr(*shape, low=-5, high=5, dtype=np.int64):
    return _RNG.integers(low, high, size=shape).astype(dtype)


def _s(*shapes, dtype=np.float32, name=None, **kwargs):
    args = tuple(arr(*s, dtype=dtype) for s in shapes)
    if name is None:
        name = "x".join(str(s) for s in shapes) + ("_f64" if dtype is F64 else "")
        name += "".join(f"_{k}={v}" for k, v in kwargs.items())
    return Sample(args, kwargs, name)


def _samples(*samples):
    return lambda: list(samples)


def _g(*shapes, **kwargs):
    """Tiny float64 gradcheck samples (<= 12 elements per input)."""
    return lambda: [Sample(tuple(arr(*s, dtype=F64) for s in shapes), kwargs, "small")]


def _quiet(fn):
    """``fn`` with PyTorch's deprecation warnings (and ember's copies of them) silenced."""

    def run(m, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, *args, **kwargs)

    return run


def spd(m, x):
    """A symmetric positive-definite matrix (batch) from any square ``x``."""
    n = x.shape[-1]
    return x @ x.mT + n * m.eye(n, dtype=x.dtype, device=x.device)


def sym(m, x):
    return x + x.mT


def well(m, x):
    """A well-conditioned (diagonally dominant) square matrix from ``x``."""
    n = x.shape[-1]
    return x + 2 * n * m.eye(n, dtype=x.dtype, device=x.device)


# ---------------------------------------------------------------- products
register(
    OpInfo(
        "matmul",
        lambda m, a, b: m.matmul(a, b),
        _samples(
            _s((3,), (3,)),
            _s((2, 3), (3,)),
            _s((3,), (3, 4)),
            _s((2, 3), (3, 4)),
            _s((2, 1, 3, 4), (5, 4, 2)),
            _s((4,), (2, 4, 3)),
            _s((2, 3, 4), (4,)),
            _s((2, 3, 4), (4, 2)),
            _s((3, 4), (2, 4, 2)),
            _s((2, 2, 3), (2, 3, 2), dtype=F64),
            _s((0, 3), (3, 2)),
            _s((2, 0), (0, 3)),
            _s((2, 0, 3), (3, 4)),
        ),
        gradcheck_samples=_g((2, 3), (3, 2)),
    ),
    OpInfo(
        "matmul_operator_noncontiguous",
        lambda m, a, b: a.mT @ b[:, ::2],
        _samples(_s((3, 2), (3, 4))),
        gradcheck_samples=_g((3, 2), (3, 4)),
    ),
    OpInfo(
        "matmul_used_twice",
        lambda m, a: a @ a + a.mT @ a,
        _samples(_s((3, 3))),
        gradcheck_samples=_g((2, 2)),
    ),
    OpInfo(
        "matmul_int",
        lambda m, a, b: m.matmul(a, b),
        lambda: [
            Sample((iarr(2, 3), iarr(3, 4)), name="int64"),
            Sample((iarr(2, 3, dtype=np.int32), iarr(3, dtype=np.int32)), name="int32"),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "mm",
        lambda m, a, b: m.mm(a, b),
        _samples(_s((2, 3), (3, 4)), _s((0, 3), (3, 4))),
        gradcheck_samples=_g((2, 3), (3, 2)),
    ),
    OpInfo(
        "bmm",
        lambda m, a, b: m.bmm(a, b),
        _samples(_s((2, 2, 3), (2, 3, 4))),
        gradcheck_samples=_g((2, 2, 3), (2, 3, 2)),
    ),
    OpInfo("mv", lambda m, a, b: m.mv(a, b), _samples(_s((2, 3), (3,)))),
    OpInfo("dot", lambda m, a, b: m.dot(a, b), _samples(_s((3,), (3,)), _s((0,), (0,)))),
    OpInfo("vdot", lambda m, a, b: m.vdot(a, b), _samples(_s((4,), (4,)))),
    OpInfo("outer", lambda m, a, b: m.outer(a, b), _samples(_s((3,), (4,)))),
    OpInfo("ger", lambda m, a, b: a.ger(b), _samples(_s((3,), (2,)))),
    OpInfo(
        "outer_int_float",
        lambda m, a, b: m.outer(a, b),
        lambda: [Sample((iarr(3, dtype=np.int32), arr(2)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "inner",
        lambda m, a, b: m.inner(a, b),
        _samples(_s((3,), (3,)), _s((2, 3), (4, 3)), _s((), (2, 3)), _s((2, 2, 3), (3,))),
    ),
    OpInfo(
        "tensordot",
        lambda m, a, b, dims: m.tensordot(a, b, dims=dims),
        lambda: [
            Sample((arr(2, 3, 4), arr(3, 4, 2), 2), name="int2"),
            Sample((arr(2, 3), arr(3, 2), 1), name="int1"),
            Sample((arr(2, 3), arr(2, 2), 0), name="int0"),
            Sample((arr(2, 3, 2), arr(2, 3, 2), ([1, 0], [1, 2])), name="lists"),
            Sample((arr(2, 3, 4), arr(4, 3), ([-1], [-2])), name="negative"),
        ],
        gradcheck_samples=lambda: [Sample((arr(2, 3, dtype=F64), arr(3, 2, dtype=F64), 1))],
    ),
    OpInfo(
        "einsum",
        lambda m, eq, *ops: m.einsum(eq, *ops),
        lambda: [
            Sample(("ij,jk->ik", arr(2, 3), arr(3, 4)), name="matmul"),
            Sample(("bij,bjk", arr(2, 2, 3), arr(2, 3, 2)), name="implicit_bmm"),
            Sample(("ii->i", arr(3, 3)), name="diagonal"),
            Sample(("ii", arr(3, 3)), name="trace"),
            Sample(("ij->ji", arr(2, 3)), name="transpose"),
            Sample(("i,j", arr(2), arr(3)), name="outer"),
            Sample(("ij,k->i", arr(2, 3), arr(4)), name="summed_alone"),
            Sample(("...ij,...jk", arr(2, 1, 2, 3), arr(3, 3, 2)), name="ellipsis_broadcast"),
            Sample(("i...->...", arr(2, 3, 2)), name="ellipsis_out"),
            Sample(("ij,jk", arr(2, 1), arr(3, 4)), name="size1_broadcast"),
            Sample(("bn,anm,bm->ba", arr(2, 3), arr(4, 3, 2), arr(2, 2)), name="three"),
            Sample(("i i , i j -> j", arr(3, 3), arr(3, 2)), name="spaces_repeat"),
        ],
        gradcheck_samples=lambda: [
            Sample(("bij,bjk->bik", arr(2, 2, 3, dtype=F64), arr(2, 3, 2, dtype=F64)), name="bmm"),
            Sample(("iij,j->ij", arr(2, 2, 3, dtype=F64), arr(3, dtype=F64)), name="repeat"),
            Sample(("...j,j...", arr(2, 3, dtype=F64), arr(3, 2, dtype=F64)), name="ellipsis"),
        ],
    ),
    OpInfo(
        "einsum_operand_list",
        lambda m, a, b: m.einsum("ij,jk", [a, b]),
        _samples(_s((2, 3), (3, 2))),
    ),
    OpInfo(
        "einsum_sublist",
        lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]),
        _samples(_s((2, 3), (3, 2))),
    ),
    OpInfo(
        "einsum_int",
        lambda m, a, b: m.einsum("ij,jk", a, b),
        lambda: [Sample((iarr(2, 3), iarr(3, 2)))],
        grad=False,
        gradcheck=False,
    ),
)

_ADD = {"beta": 0.5, "alpha": 2}
register(
    OpInfo(
        "addmm",
        lambda m, i, a, b, **kw: m.addmm(i, a, b, **kw),
        lambda: [
            _s((2, 4), (2, 3), (3, 4), name="plain"),
            _s((4,), (2, 3), (3, 4), name="bcast", **_ADD),
            _s((1, 1), (2, 3), (3, 4), name="bcast11", beta=0, alpha=-1),
            _s((2, 4), (2, 3), (3, 4), name="alpha0", alpha=0),
        ],
        gradcheck_samples=_g((2,), (2, 3), (3, 2), **_ADD),
    ),
    OpInfo(
        "addmm_beta0_ignores_nan",
        lambda m, i, a, b: m.addmm(i / 0 * 0, a, b, beta=0),
        _samples(_s((2, 2), (2, 3), (3, 2))),
        gradcheck=False,
    ),
    OpInfo(
        "addmv",
        lambda m, i, a, b, **kw: m.addmv(i, a, b, **kw),
        lambda: [_s((2,), (2, 3), (3,)), _s((1,), (2, 3), (3,), **_ADD)],
    ),
    OpInfo(
        "addr",
        lambda m, i, a, b, **kw: m.addr(i, a, b, **kw),
        lambda: [_s((2, 3), (2,), (3,)), _s((3,), (2,), (3,), **_ADD)],
    ),
    OpInfo(
        "addr_int",
        lambda m, i, a, b: m.addr(i, a, b, beta=2, alpha=3),
        lambda: [Sample((iarr(2, 3), iarr(2), iarr(3)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "baddbmm",
        lambda m, i, a, b, **kw: m.baddbmm(i, a, b, **kw),
        lambda: [_s((2, 2, 2), (2, 2, 3), (2, 3, 2)), _s((2,), (2, 2, 3), (2, 3, 2), **_ADD)],
    ),
    OpInfo(
        "addbmm",
        lambda m, i, a, b, **kw: m.addbmm(i, a, b, **kw),
        lambda: [_s((2, 2), (3, 2, 3), (3, 3, 2)), _s((2,), (2, 2, 3), (2, 3, 2), **_ADD)],
        gradcheck_samples=_g((2, 2), (2, 2, 3), (2, 3, 2)),
    ),
    OpInfo(
        "Tensor.addmm_methods",
        lambda m, i, a, b: (
            i.addmm(a, b, beta=2),
            i.clone().addmm_(a, b, alpha=3),
            i.clone().addr_(a[:, 0], b[0]),
            i.unsqueeze(0).clone().baddbmm_(a.unsqueeze(0), b.unsqueeze(0)),
            i.clone().addbmm_(a.unsqueeze(0), b.unsqueeze(0)),
            i[:, 0].clone().addmv_(a, b[:, 0]),
        ),
        _samples(_s((2, 2), (2, 3), (3, 2))),
        gradcheck_samples=_g((2, 2), (2, 3), (3, 2)),
    ),
    OpInfo(
        "chain_matmul",
        _quiet(lambda m, a, b, c: m.chain_matmul(a, b, c)),
        _samples(_s((2, 3), (3, 4), (4, 2))),
    ),
    OpInfo(
        "linalg.multi_dot",
        lambda m, *ts: m.linalg.multi_dot(list(ts)),
        lambda: [
            _s((3,), (3, 4), (4, 2), (2,), name="vec_ends"),
            _s((2, 3), (3, 4)),
            _s((5, 2), (2, 6), (6, 3), (3, 1), name="reordered"),
        ],
        gradcheck_samples=_g((2, 3), (3, 2), (2, 2)),
    ),
    OpInfo(
        "kron",
        lambda m, a, b: m.kron(a, b),
        lambda: [_s((2, 3), (2, 2)), _s((2,), (2, 2, 3)), _s((), (3,))],
        gradcheck_samples=_g((2, 2), (3,)),
    ),
    OpInfo(
        "kron_int",
        lambda m, a, b: a.kron(b),
        lambda: [Sample((iarr(2, 2, dtype=np.int32), arr(3)))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "linalg.cross",
        lambda m, a, b, **kw: m.linalg.cross(a, b, **kw),
        lambda: [
            _s((3,), (3,)),
            _s((2, 3), (1, 3)),
            _s((3, 2), (3, 2), dim=0),
            _s((3, 4), (3, 1), dim=-2),
        ],
    ),
    OpInfo("cross", lambda m, a, b: a.cross(b, dim=1), _samples(_s((2, 3), (2, 3)))),
    OpInfo(
        "cross_default_dim",
        _quiet(lambda m, a, b: m.cross(a, b)),
        _samples(_s((2, 3, 3), (2, 3, 3))),
    ),
    OpInfo(
        "trace", lambda m, a: m.trace(a), _samples(_s((3, 3)), _s((2, 4)), _s((4, 2)), _s((0, 3)))
    ),
    OpInfo(
        "trace_int",
        lambda m, a: a.trace(),
        lambda: [Sample((iarr(3, 3, dtype=np.int32),))],
        grad=False,
        gradcheck=False,
    ),
)

# ---------------------------------------------------------------- linear algebra
_LA = {"rtol": 1e-4, "atol": 1e-5}
_SINGULAR = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]])  # an exact zero pivot
register(
    OpInfo(
        "linalg.inv",
        lambda m, a: m.linalg.inv(well(m, a)),
        lambda: [_s((3, 3)), _s((2, 3, 3)), _s((3, 3), dtype=F64), _s((0, 2, 2)), _s((0, 0))],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo(
        "inverse_method_noncontiguous",
        lambda m, a: well(m, a).mT.inverse(),
        _samples(_s((3, 3))),
        **_LA,
    ),
    OpInfo(
        "linalg.inv_ex", lambda m, a: m.linalg.inv_ex(well(m, a)), _samples(_s((2, 3, 3))), **_LA
    ),
    OpInfo(
        "linalg.det",
        lambda m, a: m.linalg.det(a),
        lambda: [_s((3, 3)), _s((2, 3, 3)), _s((1, 1)), _s((0, 0)), _s((2, 0, 0))],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    # PyTorch returns zeros here; the gradient of det at a singular matrix is its cofactor
    # matrix (the documented SVD-based result), so only the values are compared with torch
    OpInfo(
        "linalg.det_singular",
        lambda m, a: m.linalg.det(a),
        lambda: [
            Sample((_SINGULAR.astype(np.float32),), name="f32"),
            Sample((np.stack([_SINGULAR, _SINGULAR.T]),), name="batch_f64"),
        ],
        gradcheck_samples=lambda: [Sample((_SINGULAR,))],
        grad=False,
        gradgrad=False,
    ),
    OpInfo("det_method", lambda m, a: (a.det(), m.det(a)), _samples(_s((2, 2, 2))), **_LA),
    OpInfo(
        "linalg.slogdet",
        lambda m, a: m.linalg.slogdet(a),
        lambda: [_s((3, 3)), _s((2, 3, 3), dtype=F64)],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo("slogdet_method", lambda m, a: a.slogdet(), _samples(_s((2, 2))), **_LA),
    OpInfo(
        "logdet",
        lambda m, a: (m.logdet(spd(m, a)), well(m, a).logdet()),
        lambda: [_s((3, 3)), _s((2, 3, 3))],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo(
        "logdet_nonpositive_det",
        lambda m, a: m.logdet(a),
        lambda: [Sample((np.stack([np.diag([-1.0, 2.0, 3.0]), np.zeros((3, 3)), np.eye(3)]),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "linalg.solve",
        lambda m, a, b, **kw: m.linalg.solve(well(m, a), b, **kw),
        lambda: [
            _s((3, 3), (3, 2)),
            _s((3, 3), (3,), name="vector"),
            _s((2, 3, 3), (2, 3), name="batch_of_vectors"),
            _s((2, 3, 3), (3, 1), name="broadcast_b"),
            _s((3, 3), (2, 3, 2), name="broadcast_a"),
            _s((3, 3), (2, 3), name="left_false", left=False),
            _s((3, 3), (3, 0)),
        ],
        gradcheck_samples=_g((3, 3), (3, 2)),
        **_LA,
    ),
    OpInfo(
        "linalg.cholesky",
        lambda m, a, **kw: m.linalg.cholesky(spd(m, a), **kw),
        lambda: [_s((3, 3)), _s((2, 3, 3), dtype=F64), _s((3, 3), upper=True), _s((0, 0))],
        gradcheck_samples=lambda: [
            Sample((arr(3, 3, dtype=F64),), name="lower"),
            Sample((arr(2, 2, dtype=F64),), {"upper": True}, name="upper"),
        ],
        **_LA,
    ),
    OpInfo(
        "cholesky",
        _quiet(lambda m, a: m.cholesky(spd(m, a), upper=True)),
        _samples(_s((3, 3))),
        **_LA,
    ),
    OpInfo(
        "linalg.qr",
        lambda m, a, **kw: m.linalg.qr(a, **kw),
        lambda: [
            _s((4, 3)),
            _s((3, 3)),
            _s((2, 4)),
            _s((2, 3, 2), dtype=F64),
            _s((2, 3), name="complete_wide", mode="complete"),
        ],
        gradcheck_samples=lambda: [
            Sample((arr(4, 3, dtype=F64),), name="tall"),
            Sample((arr(2, 3, dtype=F64),), name="wide"),
        ],
        **_LA,
    ),
    OpInfo(
        "linalg.qr_mode_r",
        lambda m, a: m.linalg.qr(a, mode="r"),
        _samples(_s((3, 2))),
        grad=False,
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.qr_complete_tall",
        lambda m, a: m.linalg.qr(a, mode="complete"),
        _samples(_s((4, 2))),
        grad=False,
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "qr", _quiet(lambda m, a: (m.qr(a), a.qr(some=False)[0] * 1)), _samples(_s((2, 3))), **_LA
    ),
    OpInfo(
        "linalg.svd_reconstruct",
        lambda m, a: (lambda u, s, vh: (u * s.unsqueeze(-2)) @ vh)(
            *m.linalg.svd(a, full_matrices=False)
        ),
        lambda: [_s((4, 3)), _s((2, 3, 4))],
        gradcheck_samples=_g((3, 2)),
        **_LA,
    ),
    OpInfo(
        "linalg.svd_projectors",
        lambda m, a: (lambda u, s, vh: (u @ u.mT, vh.mT @ vh, s * 1, u.abs(), vh.abs()))(
            *m.linalg.svd(a, full_matrices=False)
        ),
        lambda: [_s((4, 3)), _s((3, 4)), _s((2, 3, 3), dtype=F64)],
        gradcheck_samples=lambda: [
            Sample((arr(3, 2, dtype=F64),), name="tall"),
            Sample((arr(2, 3, dtype=F64),), name="wide"),
        ],
        **_LA,
    ),
    OpInfo(
        "linalg.svd_full_matrices",
        lambda m, a: (lambda u, s, vh: (u.narrow(-1, 0, 2).abs(), s * 1, vh.abs()))(
            *m.linalg.svd(a)
        ),
        _samples(_s((4, 2))),
        gradcheck_samples=_g((3, 2)),
        **_LA,
    ),
    OpInfo(
        "svd_legacy",
        lambda m, a, **kw: (lambda u, s, v: (u.abs(), s * 1, v.abs()))(*m.svd(a, **kw)),
        lambda: [_s((4, 3)), _s((3, 4), some=False)],
        gradcheck_samples=_g((3, 2)),
        **_LA,
    ),
    OpInfo(
        "svd_legacy_no_uv",
        lambda m, a: (lambda r: (r.U, r.S * 1, r.V))(m.svd(a, compute_uv=False)),
        _samples(_s((4, 3))),
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.svdvals",
        lambda m, a: m.linalg.svdvals(a),
        lambda: [_s((4, 3)), _s((2, 3, 4), dtype=F64), _s((0, 3))],
        gradcheck_samples=_g((3, 2)),
        **_LA,
    ),
    OpInfo(
        "linalg.svdvals_rank_deficient",
        lambda m, a: m.linalg.svdvals(a.unsqueeze(-1) * a.unsqueeze(-2)),
        _samples(_s((3,))),
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.eigh",
        lambda m, a, **kw: (lambda w, v: (w, v.abs(), (v * w.unsqueeze(-2)) @ v.mT))(
            *m.linalg.eigh(sym(m, a), **kw)
        ),
        lambda: [_s((3, 3)), _s((2, 3, 3), dtype=F64), _s((3, 3), UPLO="U")],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo(
        "linalg.eigh_lower_only",
        lambda m, a: m.linalg.eigh(a)[0],
        _samples(_s((3, 3))),
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.eigvalsh",
        lambda m, a, **kw: m.linalg.eigvalsh(sym(m, a), **kw),
        lambda: [_s((3, 3)), _s((2, 3, 3), UPLO="U")],
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo(
        "linalg.pinv",
        lambda m, a: m.linalg.pinv(a),
        lambda: [_s((4, 3)), _s((2, 3, 4), dtype=F64), _s((0, 2))],
        gradcheck_samples=lambda: [
            Sample((arr(3, 2, dtype=F64),), name="tall"),
            Sample((arr(2, 3, dtype=F64),), name="wide"),
        ],
        **_LA,
    ),
    # cutting off singular values: values only (PyTorch's gradient assumes none are cut)
    OpInfo(
        "linalg.pinv_tolerances",
        lambda m, a, atol, rtol: m.linalg.pinv(a, atol=atol, rtol=rtol),
        lambda: [
            Sample((arr(3, 3), None, 0.3), name="rtol"),
            Sample((arr(3, 2), 1.0, None), name="atol"),
            Sample(
                (arr(2, 3, 3), np.array([0.5, 2.0], dtype=np.float32), None), name="tensor_atol"
            ),
            Sample((arr(3, 3), 0.5, 0.5), name="both"),
        ],
        grad=False,
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.pinv_hermitian",
        lambda m, a: m.linalg.pinv(sym(m, a), hermitian=True),
        _samples(_s((3, 3))),
        gradcheck_samples=_g((3, 3)),
        **_LA,
    ),
    OpInfo(
        "linalg.pinv_rank_deficient",
        lambda m, a: m.linalg.pinv(a.unsqueeze(-1) * a.unsqueeze(-2)),
        _samples(_s((3,))),
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "pinverse",
        lambda m, a: (m.pinverse(a), a.pinverse(rcond=1e-10)),
        _samples(_s((3, 2))),
        **_LA,
    ),
    OpInfo(
        "pinverse_rcond",
        lambda m, a: a.pinverse(rcond=0.5),
        _samples(_s((3, 2))),
        grad=False,
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.lstsq",
        lambda m, a, b, **kw: m.linalg.lstsq(a, b, **kw).solution,
        lambda: [
            _s((5, 3), (5, 2)),
            _s((2, 4, 3), (2, 4), dtype=F64, name="vector"),
            _s((3, 4), (3, 2), name="wide"),
            _s((2, 5, 3), (1, 5, 2), name="broadcast"),
        ],
        gradcheck_samples=_g((4, 2), (4, 2)),
        **_LA,
    ),
    OpInfo(
        "linalg.lstsq_drivers",
        lambda m, a, b, driver: (
            lambda r: (r.solution * 1, r.residuals, r.rank, r.singular_values * 1)
        )(m.linalg.lstsq(a, b, driver=driver)),
        lambda: [
            Sample((arr(5, 3, dtype=F64), arr(5, 2, dtype=F64), d), name=d)
            for d in ("gelsy", "gelsd", "gelss", "gels")
        ],
        gradcheck=False,
        **_LA,
    ),
    OpInfo(
        "linalg.matrix_rank",
        lambda m, a, atol=None, rtol=None, **kw: m.linalg.matrix_rank(
            a, atol=atol, rtol=rtol, **kw
        ),
        lambda: [
            Sample((arr(4, 3),), name="full"),
            Sample((arr(2, 3, 1) * arr(2, 1, 4),), name="rank1"),
            Sample((arr(3, 3),), {"hermitian": True}, name="hermitian"),
            Sample((arr(3, 3), 1.0), name="atol"),
            Sample((arr(3, 3), None, 0.5), name="rtol"),
            Sample((arr(2, 3, 3), np.array([0.5, 2.0], dtype=np.float32)), name="tensor_atol"),
        ],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "linalg.matrix_power",
        lambda m, a, n: m.linalg.matrix_power(well(m, a), n),
        lambda: (
            [Sample((arr(3, 3), n), name=str(n)) for n in (0, 1, 2, 3, 5, -1, -2)]
            + [Sample((arr(2, 2, 2), 3), name="batch")]
        ),
        gradcheck_samples=lambda: [Sample((arr(2, 2, dtype=F64), n), name=str(n)) for n in (3, -2)],
        **_LA,
    ),
    OpInfo(
        "matrix_power_int",
        lambda m, a: a.matrix_power(3),
        lambda: [Sample((iarr(2, 2, low=-3, high=3),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "linalg.vecdot",
        lambda m, a, b, **kw: m.linalg.vecdot(a, b, **kw),
        lambda: [_s((2, 3), (3,)), _s((3, 2), (3, 1), dim=0)],
    ),
    OpInfo("linalg.matmul", lambda m, a, b: m.linalg.matmul(a, b), _samples(_s((2, 3), (3,)))),
)
