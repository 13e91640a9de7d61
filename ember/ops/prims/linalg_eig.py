"""The eigendecomposition of a general square matrix (``linalg_eig``, ``linalg_eigvals``):
complex eigenvalues and eigenvectors, forward and backward side by side.

The forward is the array namespace's ``linalg.eig`` (LAPACK's ``geev``, as PyTorch's CPU kernel:
eigenvectors of unit norm), always returned as complex.

NOTE [ eig's saved factors ]
The factors are kept as arrays for a plain backward, as in NOTE [ Saved factors of
decompositions ] (:mod:`ember.ops.prims.linalg`). A recorded backward (``create_graph=True``)
needs them as tensors of the graph, and for eig they must be the op's own outputs, as PyTorch's
saved results are: the eigenvector cotangent of a double backward then arrives at one node, summed
over every path, and only the sum is free of the eigenvectors' phases (see below); split over a
recomputed copy of the node, each part would fail the phase check. So the public function
registers weak references to its outputs (:func:`remember_outputs`), which the backward uses while
they live; otherwise it recomputes the factors, and that copy skips the phase check.

NOTE [ eig backward ]
With ``A = V diag(L) V^-1`` and ``E_ij = L_j - L_i``, the gradient is

    gA = V^-H (diag(gL) + offdiag(P) / conj(E)) V^H,    P = V^H gV - V^H V diag(Re(diag(V^H gV)))

``P`` removes from ``V^H gV`` what a change of each eigenvector's length would cause (the
eigenvectors are normalized); its diagonal, ``i Im(diag(V^H gV))``, is what a change of each
eigenvector's phase would cause. A loss that depends on those phases is not a function of ``A``,
so PyTorch refuses it, and so does ember. For a real ``A`` the engine keeps the real part.
"""

from __future__ import annotations

import weakref

from ..._tensor import _wrap
from ...autograd.grad_mode import GRAD_ENABLED
from .._registry import defop
from .linalg import _diag_embed, _eye, _nonzero, _solve

_RECOMPUTED = "recomputed"


def _complex_of(xp, a):
    return xp.complex128 if a.dtype in (xp.float64, xp.complex128) else xp.complex64


@defop("linalg_eig", n_outputs=2, aux=True)
def _eig(xp, a):
    w, v = xp.linalg.eig(a)
    dtype = _complex_of(xp, a)
    w, v = w.astype(dtype, copy=False), v.astype(dtype, copy=False)
    return (w, v), (
        w,
        v,
        [],
    )  # the list: the outputs' weak references, NOTE [ eig's saved factors ]


def remember_outputs(w, v):
    """Let the backward of the node that made ``w`` and ``v`` use them (NOTE [ eig's saved
    factors ])."""
    if w.grad_fn is not None:
        w.grad_fn.aux[2][:] = [weakref.ref(w), weakref.ref(v)]


def _factors(ctx):
    w, v, refs = ctx.aux
    if not GRAD_ENABLED.get():
        return _wrap(w), _wrap(v), refs != [_RECOMPUTED]
    outs = [r() for r in refs if r != _RECOMPUTED]
    if len(outs) == 2 and None not in outs:
        return outs[0], outs[1], True
    w, v = _eig(*ctx.inputs)
    if w.grad_fn is not None:
        w.grad_fn.aux[2][:] = [_RECOMPUTED]
    return w, v, refs != [_RECOMPUTED]


@_eig.vjp(save_inputs=True)
def _eig_backward(ctx, gw, gv):
    w, v, check_phase = _factors(ctx)
    return _eig_grad(w, v, gw, gv if _nonzero(gv) else None, check_phase)


_PHASE_ERROR = (
    "linalg_eig_backward: The eigenvectors in the complex case are specified up to "
    "multiplication by e^{i phi}. The specified loss function depends on this quantity, so it "
    "is ill-defined."
)


def _eig_grad(w, v, gw, gv, check_phase=True):
    """NOTE [ eig backward ]; ``gv`` None: only the eigenvalues have a gradient."""
    vh = v.mH
    core = _diag_embed(gw)
    if gv is not None:
        vhgv = vh @ gv
        diagonal = vhgv.diagonal(0, -2, -1)
        if check_phase and bool((diagonal.imag.abs() > 1e-2 * (1 + diagonal.abs())).any()):
            raise RuntimeError(_PHASE_ERROR)
        kept = vhgv - vh @ (v * diagonal.real.unsqueeze(-2))
        n = w.shape[-1]
        eye = _eye(n, w)
        gaps = (w.unsqueeze(-2) - w.unsqueeze(-1)).conj() + eye
        core = core + (kept / gaps) * (1 - eye)
    return _solve(vh, core @ vh)


@defop("linalg_eigvals")
def _eigvals(xp, a):
    return xp.linalg.eigvals(a).astype(_complex_of(xp, a), copy=False)


@_eigvals.vjp(save_inputs=True)
def _eigvals_backward(ctx, g):
    w, v = _eig(ctx.inputs[0])
    return _eig_grad(w, v, g, None)
