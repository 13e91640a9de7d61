"""Embedding primitives: the row lookup of ``F.embedding`` with PyTorch's dense backward
(``padding_idx`` rows get no gradient, ``scale_grad_by_freq`` divides by each index's count),
and the in-place max-norm renormalization. The public side is :mod:`ember.nn._functional.embedding`.
"""

from __future__ import annotations

from ..._backend import backend_of
from ..._tensor import _wrap
from .._registry import defop
from .shape import ufunc_at


def _row_factor(xp, idx, num_weights, padding_idx, scale_grad_by_freq, dtype):
    """Per-lookup gradient factor (n, 1): 0 at ``padding_idx``, 1/count with frequency scaling."""
    factor = xp.ones(idx.shape[0], dtype=dtype)
    if scale_grad_by_freq:
        factor = factor / xp.bincount(idx, minlength=num_weights)[idx].astype(dtype)
    if padding_idx >= 0:
        factor = xp.where(idx == padding_idx, 0, factor).astype(dtype)
    return factor[:, None]


@defop("embedding")
def _embedding(xp, weight, indices, padding_idx, scale_grad_by_freq):
    return xp.take(weight, indices, axis=0)


@_embedding.vjp()
def _embedding_vjp(ctx, g):
    p = ctx.params
    return _embedding_backward(g, num_weights=ctx.in_meta[0][0][0], **p)


@defop("embedding_dense_backward")
def _embedding_backward(xp, g, indices, num_weights, padding_idx, scale_grad_by_freq):
    idx = indices.reshape(-1)
    rows = g.reshape(idx.shape[0], g.shape[-1])
    if scale_grad_by_freq or padding_idx >= 0:
        rows = rows * _row_factor(xp, idx, num_weights, padding_idx, scale_grad_by_freq, g.dtype)
    out = xp.zeros((num_weights, g.shape[-1]), dtype=g.dtype)
    ufunc_at(xp, xp.add, out, (idx,), rows, zeros=True)
    return out


@_embedding_backward.vjp()
def _embedding_backward_vjp(ctx, gg):
    # As PyTorch's embedding_dense_double_backward: the rows of gg at the indices, zero at
    # padding_idx; the frequency scaling is left to the first backward.
    p = ctx.params
    indices = p["indices"]
    out = _embedding(gg, indices=indices, padding_idx=-1, scale_grad_by_freq=False)
    if p["padding_idx"] >= 0:
        keep = (indices != p["padding_idx"]).astype(gg._data.dtype)
        out = out * _wrap(keep.reshape(*indices.shape, 1))
    return out


def embedding_renorm_(weight, indices, max_norm, norm_type):
    """Rescale in place the rows of ``weight`` named in ``indices`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm`` (``torch.embedding_renorm_``; no gradient)."""
    xp = backend_of(weight._data).xp
    rows = xp.unique(indices.reshape(-1))
    w = weight._data
    norms = xp.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if big.any():
        rows = rows[big]
        w[rows] *= (max_norm / (norms[big] + 1e-7)).astype(w.dtype)[:, None]
        weight._version_counter.v += 1
    return weight
