"""F.scaled_dot_product_attention and F.multi_head_attention_forward.

Both validate with PyTorch's exceptions and then call the fused attention primitive of
:mod:`ember.ops.prims.attention` (see NOTE [ Attention primitive ]).

NOTE [ Attention layouts ]
PyTorch's ``multi_head_attention_forward`` works on sequence-first ``(L, N, E)`` inputs, and
``MultiheadAttention(batch_first=True)`` transposes its inputs and output around it. Here the
layout is a flag instead: the projections are linear maps of the last dim in either layout, and
the heads are split straight into ``(N, H, L, head_dim)`` views by one permute, so no
transposed copy of the inputs is made. The arithmetic is PyTorch's.
"""

from __future__ import annotations

import math
import warnings

from ... import _dtype
from ..._factories import empty, zeros
from ..._tensor import Tensor
from ...ops._promote import broadcast_shapes
from ...ops.prims import attention as A
from ...ops.shape import cat
from .._linear_fn import linear
from .dropout import scale_mask

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


# ---------------------------------------------------------------------------- helpers


def _dropout_noise(shape, p: float, like: Tensor) -> Tensor:
    """``keep / (1 - p)`` with ``keep ~ Bernoulli(1 - p)``: torch's dropout of the attention
    weights (``empty_like(weights).bernoulli_(1 - p).div_(1 - p)``), same draws."""
    if p >= 1.0:
        return zeros(shape, dtype=like.dtype, device=like.device)
    keep = empty(shape, dtype=like.dtype, device=like.device).bernoulli_(1 - p)
    return scale_mask(keep, 1 - p)


def _additive(mask: Tensor, dtype) -> Tensor:
    """A bool mask (True = keep) as an additive float mask: 0 where kept, -inf elsewhere."""
    out = zeros(tuple(mask.shape), dtype=dtype, device=mask.device)
    return out.masked_fill(mask.logical_not(), float("-inf"))


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """PyTorch's ``F._canonical_mask``: bool masks (True = masked out) become float -inf masks."""
    if mask is None:
        return None
    if mask.dtype is not _dtype.bool and not mask.is_floating_point():
        raise AssertionError(f"only bool and floating types of {mask_name} are supported")
    if check_other and other_type is not None and mask.dtype is not other_type:
        warnings.warn(
            f"Support for mismatched {mask_name} and {other_name} is deprecated. Use "
            "same type for both instead.",
            UserWarning,
            stacklevel=3,
        )
    if mask.is_floating_point():
        return mask
    return zeros(tuple(mask.shape), dtype=target_type, device=mask.device).masked_fill(
        mask, float("-inf")
    )


def _none_or_dtype(mask):
    if mask is None:
        return None
    if isinstance(mask, Tensor):
        return mask.dtype
    raise RuntimeError("input to _none_or_dtype() must be None or torch.Tensor")


def _attend(q, k, v, mask, dropout_p, causal, scale, safe, weights):
    """The primitive on ``(..., L, E)`` operands; ``mask`` additive and of ``q``'s dtype."""
    extra = []
    if mask is not None:
        extra.append(mask)
    if dropout_p > 0.0:
        batch = broadcast_shapes(
            q.shape[:-2], k.shape[:-2], v.shape[:-2], () if mask is None else mask.shape[:-2]
        )
        extra.append(_dropout_noise((*batch, q.shape[-2], k.shape[-2]), dropout_p, q))
    op = A._attention_with_weights if weights else A._attention
    return op(
        q,
        k,
        v,
        *extra,
        scale=scale,
        causal=causal,
        has_mask=mask is not None,
        has_noise=dropout_p > 0.0,
        safe=safe,
    )


# ---------------------------------------------------------------------------- SDPA


def _check_sdpa(query, key, value, attn_mask, dropout_p, is_causal):
    for name, t in (("query", query), ("key", key), ("value", value), ("attn_mask", attn_mask)):
        if t is not None and not isinstance(t, Tensor):
            pos = ("query", "key", "value", "attn_mask").index(name) + 1
            raise TypeError(
                f"scaled_dot_product_attention(): argument '{name}' (position "
                f"{pos}) must be Tensor, not {type(t).__name__}"
            )
    if query.ndim < 2 or key.ndim < 2 or value.ndim < 2:
        raise RuntimeError(
            f"Expected query, key, and value to all be  at least 2 dimensional, "
            f"but got query.dim: {query.ndim} key.dim: {key.ndim} and value.dim: "
            f"{value.ndim} instead."
        )
    if query.dtype is not key.dtype or key.dtype is not value.dtype:
        raise RuntimeError(
            f"Expected query, key, and value to have the same dtype, but got "
            f"query.dtype: {query.dtype.cpp_name} key.dtype: "
            f"{key.dtype.cpp_name} and value.dtype: {value.dtype.cpp_name} "
            "instead."
        )
    if not query.is_floating_point():
        raise RuntimeError(
            f"expected scalar type Float but found {str(query.dtype).split('.')[-1].capitalize()}"
        )
    if attn_mask is not None and attn_mask.dtype not in (_dtype.bool, _dtype.float32, query.dtype):
        raise RuntimeError(
            f"Expected attn_mask dtype to be bool or float or to match query "
            f"dtype, but got attn_mask.dtype: {attn_mask.dtype.cpp_name} and  "
            f"query.dtype: {query.dtype.cpp_name} instead."
        )
    if is_causal and attn_mask is not None:
        raise RuntimeError(
            "_scaled_dot_product_attention: Explicit attn_mask should not be set "
            "when is_causal=True"
        )
    if dropout_p < 0.0 or dropout_p > 1.0:
        raise RuntimeError(f"dropout probability has to be between 0 and 1, but got {dropout_p}")


def _repeat_heads(t: Tensor, groups: int) -> Tensor:
    """``t.repeat_interleave(groups, -3)``: each key/value head serves ``groups`` query heads."""
    if groups == 1:
        return t
    shape = tuple(t.shape)
    grown = t.unsqueeze(-3).expand(*shape[:-2], groups, *shape[-2:])
    return grown.reshape(*shape[:-3], shape[-3] * groups, *shape[-2:])


def _gqa(query, key, value):
    if query.ndim < 3:
        return key, value
    hq, hk, hv = query.shape[-3], key.shape[-3], value.shape[-3]
    if hq % hk or hq % hv:
        raise RuntimeError("Number of heads in key and value must divide the number of heads in ")
    return _repeat_heads(key, hq // hk), _repeat_heads(value, hq // hv)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    *,
    scale: float | None = None,
    enable_gqa: bool = False,
) -> Tensor:
    """``softmax(query @ key^T * scale + mask) @ value`` with dropout on the probabilities.

    Shapes: query ``(..., L, E)``, key ``(..., S, E)``, value ``(..., S, Ev)`` -> ``(..., L, Ev)``
    (batch dims broadcast). ``attn_mask``: bool (True = take part in attention) or float (added
    to the scores), broadcastable to ``(..., L, S)``. ``is_causal``: the top-left aligned lower
    triangular mask. ``scale`` defaults to ``1 / sqrt(E)``. ``enable_gqa``: key/value may have
    fewer heads (dim -3) than query, each shared by a group of query heads. A row with nothing
    to attend to gives zeros.
    """
    _check_sdpa(query, key, value, attn_mask, dropout_p, is_causal)
    if enable_gqa:
        key, value = _gqa(query, key, value)
    batch = broadcast_shapes(query.shape[:-2], key.shape[:-2])
    if key.shape[-1] != query.shape[-1] or value.shape[-2] != key.shape[-2]:
        n = math.prod(batch)
        a, b = (
            (query.shape[-1], key.shape[-1])
            if key.shape[-1] != query.shape[-1]
            else (key.shape[-2], value.shape[-2])
        )
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {a}] but got: [{n}, {b}]."
        )
    broadcast_shapes(batch, value.shape[:-2])
    mask = attn_mask
    if mask is not None:
        scores = (*batch, query.shape[-2], key.shape[-2])
        full = broadcast_shapes(scores, tuple(mask.shape))
        if full != scores:
            raise RuntimeError(
                f"output with shape {list(scores)} doesn't match the broadcast shape {list(full)}"
            )
        mask = _additive(mask, query.dtype) if mask.dtype is _dtype.bool else mask.to(query.dtype)
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1]) if query.shape[-1] else math.inf
    return _attend(query, key, value, mask, dropout_p, is_causal, scale, True, False)


# ---------------------------------------------------------------------------- MHA


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """PyTorch's ``_mha_shape_check``: whether the input is batched (3-D) or not (2-D)."""
    if query.ndim == 3:
        if key.ndim != 3 or value.ndim != 3:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key` and `value` to be 3-D "
                f"but found {key.ndim}-D and {value.ndim}-D tensors "
                "respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 2:
            raise AssertionError(
                "For batched (3-D) `query`, expected `key_padding_mask` to be "
                f"`None` or 2-D but found {key_padding_mask.ndim}-D tensor "
                "instead"
            )
        if attn_mask is not None and attn_mask.ndim not in (2, 3):
            raise AssertionError(
                "For batched (3-D) `query`, expected `attn_mask` to be `None`, "
                f"2-D or 3-D but found {attn_mask.ndim}-D tensor instead"
            )
        return True
    if query.ndim == 2:
        if key.ndim != 2 or value.ndim != 2:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key` and `value` to be "
                f"2-D but found {key.ndim}-D and {value.ndim}-D tensors "
                "respectively"
            )
        if key_padding_mask is not None and key_padding_mask.ndim != 1:
            raise AssertionError(
                "For unbatched (2-D) `query`, expected `key_padding_mask` to be "
                f"`None` or 1-D but found {key_padding_mask.ndim}-D tensor "
                "instead"
            )
        if attn_mask is not None:
            if attn_mask.ndim not in (2, 3):
                raise AssertionError(
                    "For unbatched (2-D) `query`, expected `attn_mask` to be "
                    f"`None`, 2-D or 3-D but found {attn_mask.ndim}-D tensor "
                    "instead"
                )
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.ndim == 3 and tuple(attn_mask.shape) != expected:
                raise AssertionError(
                    f"Expected `attn_mask` shape to be {expected} but got {attn_mask.size()}"
                )
        return False
    raise AssertionError(
        "query should be unbatched 2D or batched 3D tensor but received "
        f"{query.ndim}-D query tensor"
    )


def _linear(x: Tensor, w: Tensor, b: Tensor | None) -> Tensor:
    """``F.linear`` with the leading dims folded into one GEMM (also in the backward)."""
    out = linear(x.reshape(-1, x.shape[-1]), w, b)
    return out.reshape(*x.shape[:-1], out.shape[-1])


def _in_projection(query, key, value, w, b, separate, e):
    """q, k, v = the three input projections, as in PyTorch's ``_in_projection(_packed)``."""
    if separate is not None:
        w_q, w_k, w_v = separate
        b_q, b_k, b_v = (None,) * 3 if b is None else b.chunk(3)
        for name, wt, x in (("query", w_q, query), ("key", w_k, key), ("value", w_v, value)):
            if tuple(wt.shape) != (e, x.shape[-1]):
                raise AssertionError(
                    f"expecting {name} weights shape of {(e, x.shape[-1])}, but got {wt.size()}"
                )
        return _linear(query, w_q, b_q), _linear(key, w_k, b_k), _linear(value, w_v, b_v)
    if key is value:
        if query is key:  # self-attention: one matmul, split into views
            return A.split_last_3(_linear(query, w, b))
        w_q, w_kv = w.split([e, 2 * e])
        b_q, b_kv = (None, None) if b is None else b.split([e, 2 * e])
        k, v = A.split_last_2(_linear(key, w_kv, b_kv))
        return _linear(query, w_q, b_q), k, v
    w_q, w_k, w_v = w.chunk(3)
    b_q, b_k, b_v = (None,) * 3 if b is None else b.chunk(3)
    return _linear(query, w_q, b_q), _linear(key, w_k, b_k), _linear(value, w_v, b_v)


def _heads(x: Tensor, num_heads: int, batch_first: bool) -> Tensor:
    """``(L, N, E)`` or ``(N, L, E)`` -> ``(N, H, L, E // H)`` (a view where possible)."""
    a, b, e = x.shape
    x = x.reshape(a, b, num_heads, e // num_heads)
    return x.permute(0, 2, 1, 3) if batch_first else x.permute(1, 2, 0, 3)


def _static(t, name, bsz, num_heads, head_dim):
    if t.shape[0] != bsz * num_heads:
        raise AssertionError(f"expecting {name}.size(0) of {bsz * num_heads}, but got {t.shape[0]}")
    if t.shape[2] != head_dim:
        raise AssertionError(f"expecting {name}.size(2) of {head_dim}, but got {t.shape[2]}")
    return t.reshape(bsz, num_heads, t.shape[1], head_dim)


def _pad_key(mask):
    """One more key position that every query may attend to (0 added to its score)."""
    if mask is None:
        return None
    return cat([mask, mask.new_zeros((*mask.shape[:-1], 1))], -1)


def multi_head_attention_forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    embed_dim_to_check: int,
    num_heads: int,
    in_proj_weight: Tensor | None,
    in_proj_bias: Tensor | None,
    bias_k: Tensor | None,
    bias_v: Tensor | None,
    add_zero_attn: bool,
    dropout_p: float,
    out_proj_weight: Tensor,
    out_proj_bias: Tensor | None,
    training: bool = True,
    key_padding_mask: Tensor | None = None,
    need_weights: bool = True,
    attn_mask: Tensor | None = None,
    use_separate_proj_weight: bool = False,
    q_proj_weight: Tensor | None = None,
    k_proj_weight: Tensor | None = None,
    v_proj_weight: Tensor | None = None,
    static_k: Tensor | None = None,
    static_v: Tensor | None = None,
    average_attn_weights: bool = True,
    is_causal: bool = False,
) -> tuple[Tensor, Tensor | None]:
    """Multi-head attention on sequence-first inputs ``(L, N, E)`` (or unbatched ``(L, E)``).

    Projects query/key/value, attends per head (with ``key_padding_mask`` of shape ``(N, S)``
    and ``attn_mask`` of shape ``(L, S)`` or ``(N * num_heads, L, S)``, bool = True masked out,
    or float added), projects the result; returns ``(attn_output, attn_weights or None)``,
    the weights averaged over heads when ``average_attn_weights``.
    """
    separate = None
    if use_separate_proj_weight:
        for name, wt in (("q", q_proj_weight), ("k", k_proj_weight), ("v", v_proj_weight)):
            if wt is None:
                raise AssertionError(
                    f"use_separate_proj_weight is True but {name}_proj_weight is None"
                )
        separate = (q_proj_weight, k_proj_weight, v_proj_weight)
    elif in_proj_weight is None:
        raise AssertionError("use_separate_proj_weight is False but in_proj_weight is None")
    return _mha(
        query,
        key,
        value,
        embed_dim_to_check,
        num_heads,
        in_proj_weight,
        in_proj_bias,
        bias_k,
        bias_v,
        add_zero_attn,
        dropout_p,
        out_proj_weight,
        out_proj_bias,
        training,
        key_padding_mask,
        need_weights,
        attn_mask,
        separate,
        static_k,
        static_v,
        average_attn_weights,
        is_causal,
        batch_first=False,
    )


def _mha(
    query,
    key,
    value,
    embed_dim,
    num_heads,
    in_proj_weight,
    in_proj_bias,
    bias_k,
    bias_v,
    add_zero_attn,
    dropout_p,
    out_proj_weight,
    out_proj_bias,
    training,
    key_padding_mask,
    need_weights,
    attn_mask,
    separate,
    static_k,
    static_v,
    average_attn_weights,
    is_causal,
    batch_first,
):
    """The body of :func:`multi_head_attention_forward`, in either layout (NOTE [ Attention
    layouts ])."""
    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        batch_first = False
        query, key, value = _unsqueeze_alike(query, key, value)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    seq = 1 if batch_first else 0
    tgt_len, bsz, e = query.shape[seq], query.shape[1 - seq], query.shape[2]
    src_len = key.shape[seq]
    key_padding_mask = _canonical_mask(
        key_padding_mask, "key_padding_mask", _none_or_dtype(attn_mask), "attn_mask", query.dtype
    )
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the "
            "Transformer module method `generate_square_subsequent_mask` to "
            "create this mask."
        )
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the hint alone makes the mask (SDPA's is_causal)
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        if key_padding_mask is not None:
            is_causal = False
    if e != embed_dim:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim}, but got {e}")
    head_dim = e // num_heads
    if head_dim * num_heads != e:
        raise AssertionError(f"embed_dim {e} not divisible by num_heads {num_heads}")
    if separate is not None and key.shape[:2] != value.shape[:2]:
        raise AssertionError(
            f"key's sequence and batch dims {key.shape[:2]} do not match value's {value.shape[:2]}"
        )
    if separate is None and key.shape != value.shape:
        raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
    q, k, v = _in_projection(query, key, value, in_proj_weight, in_proj_bias, separate, e)
    attn_mask = _check_attn_mask(attn_mask, bsz, num_heads, tgt_len, src_len)
    if bias_k is not None and bias_v is not None:
        if static_k is not None:
            raise AssertionError("bias cannot be added to static key.")
        if static_v is not None:
            raise AssertionError("bias cannot be added to static value.")
        shape = (bsz, 1, e) if batch_first else (1, bsz, e)
        k = cat([k, bias_k.expand(*shape)], seq)
        v = cat([v, bias_v.expand(*shape)], seq)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    elif bias_k is not None:
        raise AssertionError("bias_k is set but bias_v is None")
    elif bias_v is not None:
        raise AssertionError("bias_v is set but bias_k is None")
    q = _heads(q, num_heads, batch_first)
    k = (
        _heads(k, num_heads, batch_first)
        if static_k is None
        else _static(static_k, "static_k", bsz, num_heads, head_dim)
    )
    v = (
        _heads(v, num_heads, batch_first)
        if static_v is None
        else _static(static_v, "static_v", bsz, num_heads, head_dim)
    )
    if add_zero_attn:
        k = cat([k, k.new_zeros((bsz, num_heads, 1, head_dim))], 2)
        v = cat([v, v.new_zeros((bsz, num_heads, 1, v.shape[-1]))], 2)
        attn_mask, key_padding_mask = _pad_key(attn_mask), _pad_key(key_padding_mask)
    src_len = k.shape[2]
    if key_padding_mask is not None:
        for i, n in enumerate((bsz, src_len)):
            if key_padding_mask.shape[i] != n:
                raise AssertionError(
                    f"Expected key_padded_mask.shape[{i}] to be {n}, but got "
                    f"{key_padding_mask.shape[i]}"
                )
        key_padding_mask = key_padding_mask.reshape(bsz, 1, 1, src_len)
        attn_mask = key_padding_mask if attn_mask is None else attn_mask + key_padding_mask
    if not training:
        dropout_p = 0.0
    scale = math.sqrt(1.0 / head_dim)
    weights = None
    if need_weights:
        out, weights = _attend(q, k, v, attn_mask, dropout_p, False, scale, False, True)
        if average_attn_weights:
            weights = weights.mean(dim=1)
    else:
        out = _attend(q, k, v, attn_mask, dropout_p, is_causal, scale, True, False)
    if batch_first:
        out = out.permute(0, 2, 1, 3).reshape(bsz, tgt_len, e)
    else:
        out = out.permute(2, 0, 1, 3).reshape(tgt_len, bsz, e)
    out = _linear(out, out_proj_weight, out_proj_bias)
    if not is_batched:
        out = out.squeeze(1)
        if weights is not None:
            weights = weights.squeeze(0)
    return out, weights


def _unsqueeze_alike(query, key, value):
    """Add the batch dim to unbatched inputs, keeping which of them are the same tensor."""
    q = query.unsqueeze(1)
    k = q if key is query else key.unsqueeze(1)
    if value is key:
        return q, k, k
    return q, k, (q if value is query else value.unsqueeze(1))


def _check_attn_mask(mask, bsz, num_heads, tgt_len, src_len):
    """A 2-D ``(L, S)`` mask broadcasts over batch and heads; a 3-D one becomes ``(N, H, L, S)``."""
    if mask is None:
        return None
    if mask.ndim == 2:
        if tuple(mask.shape) != (tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {mask.size()}, but should be "
                f"{(tgt_len, src_len)}."
            )
        return mask
    if mask.ndim == 3:
        expected = (bsz * num_heads, tgt_len, src_len)
        if tuple(mask.shape) != expected:
            raise RuntimeError(
                f"The shape of the 3D attn_mask is {mask.size()}, but should be {expected}."
            )
        return mask.reshape(bsz, num_heads, tgt_len, src_len)
    raise RuntimeError(f"attn_mask's dimension {mask.ndim} is not supported")
