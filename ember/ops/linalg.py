"""Linear-algebra primitives: matmul and friends."""

from __future__ import annotations

from ._registry import defop


@defop("matmul")
def _matmul(xp, a, b):
    return xp.matmul(a, b)


@_matmul.vjp(save_inputs=True)
def _matmul_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    ga = gb = None
    if a.ndim == 1 and b.ndim == 1:
        return (g * b if need[0] else None), (g * a if need[1] else None)
    if a.ndim == 1:  # (k) @ (..., k, n) -> (..., n)
        if need[0]:
            ga = (g.unsqueeze(-2) @ b.mT).squeeze(-2)
        if need[1]:
            gb = a.unsqueeze(-1) * g.unsqueeze(-2)
        return ga, gb
    if b.ndim == 1:  # (..., m, k) @ (k) -> (..., m)
        if need[0]:
            ga = g.unsqueeze(-1) * b
        if need[1]:
            gb = (a.mT @ g.unsqueeze(-1)).squeeze(-1)
        return ga, gb
    if need[0]:
        ga = g @ b.mT
    if need[1]:
        gb = a.mT @ g
    return ga, gb
