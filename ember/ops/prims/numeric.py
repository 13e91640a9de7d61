"""Histogram primitives (no gradient, as in PyTorch): counts, or weighted sums, of the samples
falling in each bin, with the array namespace's ``histogram``/``histogramdd``. The public
functions are in :mod:`ember.ops.numeric`."""

from __future__ import annotations

from .._registry import defop


@defop("histogram", n_outputs=2)
def _histogram(xp, x, edges, weight, density):
    """``(hist, edges)`` over the given bin ``edges`` (a 0-d ``weight`` means none)."""
    w = None if weight.ndim == 0 else weight.reshape(-1)
    hist, _ = xp.histogram(x.reshape(-1), bins=edges, weights=w, density=density)
    return hist.astype(x.dtype), edges.copy()


@defop("histogramdd", n_outputs=2)
def _histogramdd(xp, x, weight, bins, ranges, density):
    """``(hist, flat_edges)`` of the (N, D) samples ``x``; the edges of all dims concatenated."""
    w = None if weight.ndim == 0 else weight.reshape(-1)
    hist, edges = xp.histogramdd(x, bins=bins, range=ranges, weights=w, density=density)
    return hist.astype(x.dtype), xp.concatenate([e.astype(x.dtype) for e in edges])
