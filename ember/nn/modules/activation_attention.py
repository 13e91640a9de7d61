"""MultiheadAttention (PyTorch keeps it in ``torch.nn.modules.activation``)."""

from __future__ import annotations

from ... import _factories
from ..._tensor import Tensor
from .. import init
from .._functional import attention as FA
from ..parameter import Parameter
from .linear import Linear
from .module import Module

__all__ = ["MultiheadAttention"]


class NonDynamicallyQuantizableLinear(Linear):
    """A :class:`Linear` under another name (PyTorch uses it for ``out_proj``)."""


class MultiheadAttention(Module):
    """Attention from ``query`` to ``key``/``value`` in ``num_heads`` parallel heads.

    ``MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O`` with
    ``head_i = softmax(Q W_i^Q (K W_i^K)^T / sqrt(head_dim)) V W_i^V``.

    Args:
        embed_dim: model dimension; num_heads: heads (``embed_dim`` must divide by it).
        dropout: dropout on the attention probabilities. bias: in/out projection biases.
        add_bias_kv: learned ``bias_k``/``bias_v`` appended to key/value along the sequence.
        add_zero_attn: a zero key/value position appended after the projections.
        kdim, vdim: feature sizes of key and value (separate ``q/k/v_proj_weight`` when they
        differ from ``embed_dim``; else one packed ``in_proj_weight``).
        batch_first: inputs and output are ``(N, L, E)`` instead of ``(L, N, E)``.

    Attributes: ``in_proj_weight`` (3E, E) and ``q/k/v_proj_weight`` ~ xavier uniform, biases 0,
    ``bias_k``/``bias_v`` ~ xavier normal, ``out_proj`` a Linear (E, E).
    """

    __constants__ = ["batch_first"]

    def __init__(
        self,
        embed_dim,
        num_heads,
        dropout=0.0,
        bias=True,
        add_bias_kv=False,
        add_zero_attn=False,
        kdim=None,
        vdim=None,
        batch_first=False,
        device=None,
        dtype=None,
    ) -> None:
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(
                f"embed_dim and num_heads must be greater than 0, got "
                f"embed_dim={embed_dim} and num_heads={num_heads} instead"
            )
        factory = {"device": device, "dtype": dtype}
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(_factories.empty((embed_dim, embed_dim), **factory))
            self.k_proj_weight = Parameter(_factories.empty((embed_dim, self.kdim), **factory))
            self.v_proj_weight = Parameter(_factories.empty((embed_dim, self.vdim), **factory))
            self.register_parameter("in_proj_weight", None)
        else:
            self.in_proj_weight = Parameter(_factories.empty((3 * embed_dim, embed_dim), **factory))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(_factories.empty(3 * embed_dim, **factory))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias, **factory)
        if add_bias_kv:
            self.bias_k = Parameter(_factories.empty((1, 1, embed_dim), **factory))
            self.bias_v = Parameter(_factories.empty((1, 1, embed_dim), **factory))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self) -> None:
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
        if self.bias_v is not None:
            init.xavier_normal_(self.bias_v)

    def __setstate__(self, state):
        # checkpoints of old PyTorch versions lack the flag
        if "_qkv_same_embed_dim" not in state:
            state["_qkv_same_embed_dim"] = True
        super().__setstate__(state)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Tensor | None = None,
        need_weights: bool = True,
        attn_mask: Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """``(attn_output, attn_weights)``; the weights are None unless ``need_weights``.

        Shapes: query ``(L, E)``, ``(L, N, E)`` or (batch_first) ``(N, L, E)``; key/value
        likewise with ``S`` positions; ``key_padding_mask`` ``(N, S)`` or ``(S)``;
        ``attn_mask`` ``(L, S)`` or ``(N * num_heads, L, S)``. Bool masks: True = ignored.
        Weights: ``(N, L, S)`` averaged over heads, else ``(N, num_heads, L, S)``.
        """
        key_padding_mask = FA._canonical_mask(
            key_padding_mask,
            "key_padding_mask",
            FA._none_or_dtype(attn_mask),
            "attn_mask",
            query.dtype,
        )
        attn_mask = FA._canonical_mask(attn_mask, "attn_mask", None, "", query.dtype, False)
        separate = None
        if not self._qkv_same_embed_dim:
            separate = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        return FA._mha(
            query,
            key,
            value,
            self.embed_dim,
            self.num_heads,
            self.in_proj_weight,
            self.in_proj_bias,
            self.bias_k,
            self.bias_v,
            self.add_zero_attn,
            self.dropout,
            self.out_proj.weight,
            self.out_proj.bias,
            self.training,
            key_padding_mask,
            need_weights,
            attn_mask,
            separate,
            None,
            None,
            average_attn_weights,
            is_causal,
            batch_first=self.batch_first and query.ndim == 3,
        )

    def merge_masks(
        self, attn_mask: Tensor | None, key_padding_mask: Tensor | None, query: Tensor
    ) -> tuple[Tensor | None, int | None]:
        """Combine the (float) masks as PyTorch's fast path does: ``(mask, mask_type)`` with
        type 0/1/2, the merged mask expanded to ``(N, num_heads, L, L)`` when both are given."""
        mask_type = None
        merged = None
        if key_padding_mask is not None:
            mask_type = 1
            merged = key_padding_mask
        if attn_mask is not None:
            batch_size, seq_len, _ = query.shape
            mask_type = 2
            if attn_mask.ndim == 3:
                expanded = attn_mask.view(batch_size, -1, seq_len, seq_len)
            else:
                expanded = attn_mask.view(1, 1, seq_len, seq_len).expand(
                    batch_size, self.num_heads, -1, -1
                )
            merged = expanded
            if key_padding_mask is not None:
                merged = expanded + key_padding_mask.view(batch_size, 1, 1, seq_len).expand(
                    -1, self.num_heads, -1, -1
                )
        return merged, mask_type
