"""``jvp`` (torch.func): forward-mode products, computed with reverse mode twice.

NOTE [ jvp as a double vjp ]
ember differentiates in reverse mode only. For ``y = f(x)`` and a cotangent ``u`` of ``y``'s
shape, ``g(u) = J(x)^T u`` (one vjp, recorded with ``create_graph``) is linear in ``u``; the
vjp of ``g`` with cotangent ``t`` is ``d<g(u), t>/du = J(x) t``, the jvp. So a jvp costs two
backward passes, and it is exact wherever the ops on the path from ``x`` to ``y`` have a
differentiable backward (double backward), which every primitive of ember does (their
backward formulas are written with ember ops). Where ``y`` does not depend on ``x`` the jvp
is zeros.
"""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ..autograd.grad_mode import GRAD_ENABLED, enable_grad
from ._autodiff import lift, zeros_for
from ._pytree import tree_flatten, tree_unflatten
from ._vjp import run_for_vjp

__all__ = ["jvp"]

_WHO = "jvp(f, primals, tangents)"


def _check(primals, tangents):
    if not isinstance(primals, tuple):
        raise RuntimeError(
            f"{_WHO}: Expected primals to be a tuple. E.g. it should be valid to call f(*primals)."
        )
    p_flat, p_spec = tree_flatten(primals)
    t_flat, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(
            f"{_WHO}: Expected primals and tangents to have the same python structure. For "
            "example, if primals is a tuple of 3 tensors, tangents also must be. Got primals "
            f"with structure {p_spec} and tangents with structure {t_spec}"
        )
    for what, flat in (("primals", p_flat), ("tangents", t_flat)):
        for x in flat:
            if not isinstance(x, Tensor):
                raise RuntimeError(
                    f"{_WHO}: Expected {what} to only contain Tensors, got {type(x)}"
                )
    for p, t in zip(p_flat, t_flat):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(
                "Trying to set a forward gradient that has a different size than that of the "
                "original Tensor, this is not supported. Tensor is of size "
                f"[{', '.join(map(str, p.shape))}] while the given forward gradient is of size "
                f"[{', '.join(map(str, t.shape))}]."
            )
    return t_flat


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """``torch.func.jvp``: ``(func(*primals), jvp_out)``, the Jacobian of ``func`` at
    ``primals`` times ``tangents`` (``(output, jvp_out, aux)`` with ``has_aux``).

    ``primals`` and ``tangents`` are tuples of the same structure (pytrees of tensors, of equal
    shapes); ``jvp_out`` has the output's structure. Computed as a vjp of a vjp (NOTE [ jvp as
    a double vjp ] in ``ember/func/_jvp.py``), exact for every ember op (all support double
    backward); composes with ``vmap`` (that is :func:`jacfwd`) and with the other transforms.

    >>> import ember
    >>> from ember.func import jvp
    >>> x = ember.tensor([0.0, 1.0])
    >>> jvp(ember.sin, (x,), (ember.ones(2),))
    (tensor([0.0000, 0.8415]), tensor([1.0000, 0.5403]))
    """
    t_flat = _check(primals, tangents)
    outer = GRAD_ENABLED.get()
    with enable_grad():
        outs, out_spec, aux, fresh, _ = run_for_vjp(func, primals, has_aux, _WHO)
        live = [o for o in outs if o.requires_grad]
        dummies = [_zeros(o).requires_grad_() for o in live]
        results = [None] * len(outs)
        if live:
            g = _autograd_grad(live, fresh, dummies, create_graph=True, allow_unused=True)
            pairs = [(gi, ti) for gi, ti in zip(g, t_flat) if gi is not None and gi.requires_grad]
            if pairs:
                jv = _autograd_grad(
                    [gi for gi, _ in pairs],
                    dummies,
                    [ti.to(gi.dtype) for gi, ti in pairs],
                    create_graph=outer,
                    allow_unused=True,
                )
                it = iter(jv)
                results = [next(it) if o.requires_grad else None for o in outs]
        results = zeros_for(results, outs)
    pieces = lift((tree_unflatten(outs, out_spec), tree_unflatten(results, out_spec), aux), fresh)
    if not outer:
        pieces = tuple(_detached(p) for p in pieces)
    output, jvp_out, aux = pieces
    return (output, jvp_out, aux) if has_aux else (output, jvp_out)


def _zeros(t):
    from .. import zeros_like

    return zeros_like(t)


def _detached(tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([x.detach() if isinstance(x, Tensor) else x for x in leaves], spec)
