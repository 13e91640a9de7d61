"""Product primitives: ``matmul`` and ``einsum``, forward and backward side by side.

Forwards call the array namespace's ``xp.matmul`` / ``xp.einsum``; backwards are products again,
written with ember ops, so they can be differentiated again. The public functions (matmul, mm,
bmm, einsum, tensordot, ...) that check arguments in PyTorch's terms are in
:mod:`ember.ops.products`.
"""

from __future__ import annotations

from .._registry import defop
from .linalg import _eye


@defop("matmul")
def _matmul(xp, a, b):
    return xp.matmul(a, b)


@_matmul.vjp(save_inputs=True)
def _matmul_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    ga = gb = None
    # complex operands: the other factor conjugated (mH; conj is a no-op on real tensors)
    if a.ndim == 1 and b.ndim == 1:
        return (g * b.conj() if need[0] else None), (g * a.conj() if need[1] else None)
    if a.ndim == 1:  # (k) @ (..., k, n) -> (..., n)
        if need[0]:
            ga = (g.unsqueeze(-2) @ b.mH).squeeze(-2)
        if need[1]:
            gb = a.conj().unsqueeze(-1) * g.unsqueeze(-2)
        return ga, gb
    if b.ndim == 1:  # (..., m, k) @ (k) -> (..., m)
        if need[0]:
            ga = g.unsqueeze(-1) * b.conj()
        if need[1]:
            gb = (a.mH @ g.unsqueeze(-1)).squeeze(-1)
        return ga, gb
    if need[0]:
        ga = g @ b.mH
    if need[1]:
        if b.ndim == 2 and a.ndim > 2:
            # (..., m, k) @ (k, n): fold the batch into one GEMM instead of a batched product
            # that the engine would then sum over the batch (1.5x faster for Linear on 3-D input)
            gb = a.reshape(-1, a.shape[-1]).mH @ g.reshape(-1, g.shape[-1])
        else:
            gb = a.mH @ g
    return ga, gb


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@defop("einsum")
def _einsum(xp, *operands, equation):
    """``equation`` is explicit: letters only, one term per operand, and ``->``."""
    out = xp.einsum(equation, *operands, optimize=len(operands) > 1)
    if getattr(out, "base", None) is not None:  # a permutation or diagonal view of an input
        out = out.copy()
    return out


@_einsum.vjp(save_inputs=True)
def _einsum_backward(ctx, g):
    lhs, out = ctx.params["equation"].split("->")
    terms = lhs.split(",")
    ops = ctx.inputs
    return tuple(
        _einsum_operand_grad(k, terms, out, ops, g) if need else None
        for k, need in enumerate(ctx.needs_input_grad)
    )


def _einsum_operand_grad(k, terms, out, ops, g):
    """The gradient of operand ``k``: the output gradient contracted with the other operands.

    A label of operand ``k`` found nowhere else was summed away, so its gradient is broadcast
    (a ones vector); a label repeated in operand ``k`` read a diagonal, so its gradient lives on
    one (an identity matrix).
    """
    others = [terms[j] for j in range(len(terms)) if j != k]
    seen_elsewhere = set(out).union(*others)
    taken = set(out).union(*terms)
    fresh = (c for c in _LETTERS if c not in taken)
    subs = [out, *others]
    tensors = [g, *(ops[j].conj() for j in range(len(terms)) if j != k)]
    target = []
    first = set()
    for label, size in zip(terms[k], ops[k].shape):
        if label in first:
            new = next(fresh)
            target.append(new)
            subs.append(label + new)
            tensors.append(_eye(size, g))
            continue
        first.add(label)
        target.append(label)
        if label not in seen_elsewhere:
            subs.append(label)
            tensors.append(g.new_ones((size,)))
    grad = _einsum(*tensors, equation=",".join(subs) + "->" + "".join(target))
    # a label of size 1 everywhere else broadcast against this operand: expand the gradient
    shape = tuple(o if r == 1 else r for r, o in zip(grad.shape, ops[k].shape))
    return grad if shape == tuple(grad.shape) else grad.expand(shape)


# ------------------------------------------------------------------------ linear layers' GEMMs
# F.linear runs as one GEMM on the input folded to 2-D, recorded as torch records it
# (AddmmBackward0 / MmBackward0), instead of a batched matmul plus a broadcast add.


@defop("mm")
def _mm(xp, a, b):
    return xp.matmul(a, b)


@_mm.vjp(save_inputs=True)
def _mm_backward(ctx, g):
    a, b = ctx.inputs
    need = ctx.needs_input_grad
    return (g @ b.mH if need[0] else None), (a.mH @ g if need[1] else None)


@defop("addmm")
def _addmm(xp, bias, a, b):
    out = xp.matmul(a, b)
    out += bias
    return out


@_addmm.vjp(save_inputs=True)
def _addmm_backward(ctx, g):
    _, a, b = ctx.inputs
    need = ctx.needs_input_grad
    # the engine sums g down to the bias's (broadcast) shape
    return (
        (g if need[0] else None),
        (g @ b.mH if need[1] else None),
        (a.mH @ g if need[2] else None),
    )
