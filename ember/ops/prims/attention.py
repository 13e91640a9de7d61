"""Fused scaled dot-product attention: ``softmax(q @ k^T * scale + bias) @ v`` as one primitive.

NOTE [ Attention primitive ]
The attention matrix ``(..., L, S)`` is the big array of an attention layer. Built from
separate ops (matmul, scale, add the mask, softmax, dropout, matmul) it is written and read
once per op and kept alive by several nodes. The fused primitive scales ``q`` (the smaller
array) instead of the scores, adds the mask and the causal bias in place, runs the softmax in
place and keeps only the probabilities ``p`` (as ``aux``) for the backward, which is

    dv = pd^T @ g          pd = p * noise  (the dropout noise, or p itself)
    ds = softmax_backward((g @ v^T) * noise, p)
    dq = ds @ k * scale    dk = ds^T @ q * scale    dmask = ds

Batch dimensions broadcast as in ``matmul``; the engine sums gradients back to each input's
shape. ``safe=True`` is PyTorch's ``_safe_softmax`` (SDPA): a row whose scores are all -inf
gives zero probabilities (and zero gradients) instead of NaN; ``safe=False`` is the plain
softmax ``MultiheadAttention`` uses when it returns the weights.

Extra inputs after ``q, k, v``: the additive float mask (when ``has_mask``), then the dropout
noise ``keep / (1 - p)`` (when ``has_noise``). The backward is written with ember ops; with
``create_graph`` the probabilities are recomputed differentiably from the inputs, so double
backward works (the pattern of NOTE [ Saved factors of decompositions ]).

``attention_with_weights`` is the same primitive with a second output, the (dropped-out)
probabilities, whose gradient flows back as well.
"""

from __future__ import annotations

from ..._tensor import _wrap
from ...autograd.grad_mode import GRAD_ENABLED
from .._registry import defop
from .activations import _softmax, _softmax_backward

__all__: list[str] = []


def _broadcasts_into(shape, target) -> bool:
    """Whether an array of ``shape`` broadcasts to ``target`` without growing it."""
    if len(shape) > len(target):
        return False
    return all(a in (1, b) for a, b in zip(shape[::-1], target[::-1]))


def _causal_bias(xp, L, S, dtype):
    """0 on and below the diagonal, -inf above (PyTorch's top-left aligned causal mask)."""
    return xp.triu(xp.full((L, S), -xp.inf, dtype=dtype), 1)


def _probs_forward(xp, q, k, extra, scale, causal, has_mask, safe):
    """The attention probabilities ``p`` as a fresh array (softmax computed in place)."""
    s = xp.matmul(q * q.dtype.type(scale), xp.swapaxes(k, -1, -2))
    if has_mask:
        mask = extra[0]
        if _broadcasts_into(mask.shape, s.shape):
            s += mask
        else:
            s = s + mask
    if causal:
        s += _causal_bias(xp, s.shape[-2], s.shape[-1], s.dtype)
    if s.shape[-1] == 0:
        return s
    m = s.max(axis=-1, keepdims=True)
    if safe:
        m[m == -xp.inf] = 0
    s -= m
    xp.exp(s, out=s)
    z = s.sum(axis=-1, keepdims=True)
    if safe:
        z[z == 0] = 1
    s /= z
    return s


def _forward(xp, q, k, v, extra, scale, causal, has_mask, has_noise, safe):
    p = _probs_forward(xp, q, k, extra, scale, causal, has_mask, safe)
    pd = p * extra[-1] if has_noise else p
    return xp.matmul(pd, v), pd, p


@defop("scaled_dot_product_attention", aux=True)
def _attention(xp, q, k, v, *extra, scale, causal, has_mask, has_noise, safe):
    out, _, p = _forward(xp, q, k, v, extra, scale, causal, has_mask, has_noise, safe)
    return out, p


@defop("_attention_with_weights", aux=True, n_outputs=2)
def _attention_with_weights(xp, q, k, v, *extra, scale, causal, has_mask, has_noise, safe):
    out, pd, p = _forward(xp, q, k, v, extra, scale, causal, has_mask, has_noise, safe)
    return (out, pd), p


def _probs_graph(q, k, extra, scale, causal, has_mask, safe):
    """The probabilities rebuilt from ember ops, differentiable in ``q``, ``k`` and the mask."""
    s = (q * scale) @ k.mT
    if has_mask:
        s = s + extra[0]
    if causal:
        from ..._factories import full

        s = s + full(
            (s.shape[-2], s.shape[-1]), float("-inf"), dtype=s.dtype, device=s.device
        ).triu(1)
    if not safe or s.shape[-1] == 0:
        return _softmax(s, dim=-1)
    dead = (s == float("-inf")).all(-1, keepdim=True)
    zero = s.new_zeros(())
    return _softmax(s.where(~dead, zero), dim=-1).where(~dead, zero)


def _attention_backward(ctx, g, gw=None):
    q, k, v, *extra = ctx.inputs
    par = ctx.params
    has_mask, has_noise, scale = par["has_mask"], par["has_noise"], par["scale"]
    need = ctx.needs_input_grad
    if GRAD_ENABLED.get():
        p = _probs_graph(q, k, extra, scale, par["causal"], has_mask, par["safe"])
    else:
        p = _wrap(ctx.aux)
    noise = extra[-1] if has_noise else None
    gv = None
    if need[2]:
        gv = (p * noise if has_noise else p).mT @ g
    grads_s = need[0] or need[1] or (has_mask and need[3])
    gq = gk = gmask = None
    if grads_s:
        dp = g @ v.mT
        if gw is not None:
            dp = dp + gw
        if has_noise:
            dp = dp * noise
        ds = _softmax_backward(dp, p, dim=-1)
        if need[0]:
            gq = (ds @ k) * scale
        if need[1]:
            gk = (ds.mT @ q) * scale
        if has_mask and need[3]:
            gmask = ds
    grads = [gq, gk, gv]
    if has_mask:
        grads.append(gmask)
    if has_noise:
        grads.append(None)
    return tuple(grads)


_attention.vjp(save_inputs=True)(_attention_backward)
_attention_with_weights.vjp(save_inputs=True)(_attention_backward)


def _split_last_op(n):
    """A primitive splitting the last dim into ``n`` equal views; its backward is one ``cat``.

    The in-projection of attention computes q, k and v with one matmul; slicing them out with
    basic indexing would scatter each gradient into a zero array of the full size.
    """

    @defop(f"_split_last_{n}", n_outputs=n)
    def split(xp, x):
        e = x.shape[-1] // n
        return tuple(x[..., i * e : (i + 1) * e] for i in range(n))

    @split.vjp()
    def split_backward(ctx, *grads):
        from ..shape import cat

        return cat(list(grads), -1)

    return split


split_last_2 = _split_last_op(2)
split_last_3 = _split_last_op(3)
