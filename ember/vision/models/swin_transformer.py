"""Swin Transformer T/S/B, V1 and V2 (torchvision's ``models.swin_transformer``).

Liu et al., "Swin Transformer: Hierarchical Vision Transformer using Shifted Windows" (2021) and
"Swin Transformer V2: Scaling Up Capacity and Resolution" (2021). Self-attention runs inside
non-overlapping windows (alternate blocks shift the windows by half a window, with a mask keeping
the wrapped-around regions apart), with a learned relative position bias; patch merging halves
the resolution between stages. V2 uses cosine attention with a learned temperature, a bias
produced by a small MLP from log-spaced coordinates, and post-normalisation.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import ember
from ember import nn
from ember.nn import functional as F

from ..ops.misc import MLP, Permute
from ..ops.stochastic_depth import StochasticDepth
from ._api import WeightsEnum, register_model
from ._utils import _imagenet_weights, _ovewrite_named_param, handle_legacy_interface, load_weights

__all__ = [
    "SwinTransformer",
    "Swin_T_Weights",
    "Swin_S_Weights",
    "Swin_B_Weights",
    "Swin_V2_T_Weights",
    "Swin_V2_S_Weights",
    "Swin_V2_B_Weights",
    "swin_t",
    "swin_s",
    "swin_b",
    "swin_v2_t",
    "swin_v2_s",
    "swin_v2_b",
]


def _patch_merging_pad(x):
    """``[..., H, W, C]`` to ``[..., H/2, W/2, 4C]``: each 2x2 neighbourhood's four pixels
    side by side (odd sizes padded with zeros)."""
    h, w = x.shape[-3], x.shape[-2]
    x = F.pad(x, (0, 0, 0, w % 2, 0, h % 2))
    return ember.cat(
        [
            x[..., 0::2, 0::2, :],
            x[..., 1::2, 0::2, :],
            x[..., 0::2, 1::2, :],
            x[..., 1::2, 1::2, :],
        ],
        -1,
    )


def _get_relative_position_bias(relative_position_bias_table, relative_position_index, window_size):
    """The ``(1, heads, N, N)`` bias of the ``N`` positions of a window, looked up in the table."""
    n = window_size[0] * window_size[1]
    bias = relative_position_bias_table[relative_position_index].view(n, n, -1)
    return bias.permute(2, 0, 1).contiguous().unsqueeze(0)


class PatchMerging(nn.Module):
    """Patch merging: 2x2 neighbourhoods concatenated (4C), normalised, projected to 2C.

    Args:
        dim (int): number of input channels.
        norm_layer (callable): normalisation layer. Default: ``nn.LayerNorm``
    """

    def __init__(self, dim: int, norm_layer: Callable[..., nn.Module] = nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(4 * dim)

    def forward(self, x):
        """``[..., H, W, C]`` to ``[..., H/2, W/2, 2C]``."""
        return self.reduction(self.norm(_patch_merging_pad(x)))


class PatchMergingV2(nn.Module):
    """Swin V2's patch merging: the projection to 2C comes before the normalisation."""

    def __init__(self, dim: int, norm_layer: Callable[..., nn.Module] = nn.LayerNorm):
        super().__init__()
        self.dim = dim
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = norm_layer(2 * dim)

    def forward(self, x):
        """``[..., H, W, C]`` to ``[..., H/2, W/2, 2C]``."""
        return self.norm(self.reduction(_patch_merging_pad(x)))


def _shift_mask(
    pad_h: int, pad_w: int, window_size: list[int], shift_size: list[int], num_windows: int, like
):
    """``-100`` between positions of a shifted window that came from different image regions."""
    mask = like.new_zeros((pad_h, pad_w))
    h_slices = ((0, -window_size[0]), (-window_size[0], -shift_size[0]), (-shift_size[0], None))
    w_slices = ((0, -window_size[1]), (-window_size[1], -shift_size[1]), (-shift_size[1], None))
    for count, (hs, ws) in enumerate((hs, ws) for hs in h_slices for ws in w_slices):
        mask[hs[0] : hs[1], ws[0] : ws[1]] = count
    mask = mask.view(
        pad_h // window_size[0], window_size[0], pad_w // window_size[1], window_size[1]
    )
    mask = mask.permute(0, 2, 1, 3).reshape(num_windows, window_size[0] * window_size[1])
    mask = mask.unsqueeze(1) - mask.unsqueeze(2)
    return mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)


def shifted_window_attention(
    input,  # noqa: A002
    qkv_weight,
    proj_weight,
    relative_position_bias,
    window_size: list[int],
    num_heads: int,
    shift_size: list[int],
    attention_dropout: float = 0.0,
    dropout: float = 0.0,
    qkv_bias=None,
    proj_bias=None,
    logit_scale=None,
    training: bool = True,
):
    """Window based multi-head self attention (W-MSA) with relative position bias, for shifted
    and non-shifted windows.

    Args:
        input (Tensor[N, H, W, C]): the input.
        qkv_weight (Tensor[3C, C]), proj_weight (Tensor[C, C]): the query-key-value and output
            projections.
        relative_position_bias (Tensor): the learned bias added to the attention logits.
        window_size (List[int]): window size.
        num_heads (int): number of attention heads.
        shift_size (List[int]): the cyclic shift of the windows (0 where a window covers the
            whole padded map).
        attention_dropout, dropout (float): dropout on the attention weights and the output.
        qkv_bias, proj_bias (Tensor, optional): the projections' biases.
        logit_scale (Tensor, optional): Swin V2's cosine-attention temperature (log).
        training (bool): whether the dropouts are active. Default: True

    Returns:
        Tensor[N, H, W, C]: the output.
    """
    b, h, w, c = input.shape
    pad_r = (window_size[1] - w % window_size[1]) % window_size[1]
    pad_b = (window_size[0] - h % window_size[0]) % window_size[0]
    x = F.pad(input, (0, 0, 0, pad_r, 0, pad_b))
    _, pad_h, pad_w, _ = x.shape
    shift_size = list(shift_size)
    if window_size[0] >= pad_h:  # one window covers the map: nothing to shift
        shift_size[0] = 0
    if window_size[1] >= pad_w:
        shift_size[1] = 0
    shifted = sum(shift_size) > 0
    if shifted:
        x = ember.roll(x, shifts=(-shift_size[0], -shift_size[1]), dims=(1, 2))

    # partition into windows: (B * nW, Wh * Ww, C)
    n_h, n_w = pad_h // window_size[0], pad_w // window_size[1]
    num_windows = n_h * n_w
    x = x.view(b, n_h, window_size[0], n_w, window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b * num_windows, window_size[0] * window_size[1], c)

    if logit_scale is not None and qkv_bias is not None:  # V2: no bias on the keys
        qkv_bias = qkv_bias.clone()
        length = qkv_bias.numel() // 3
        qkv_bias[length : 2 * length].zero_()
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, num_heads, c // num_heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    if logit_scale is not None:  # cosine attention
        attn = F.normalize(q, dim=-1) @ F.normalize(k, dim=-1).transpose(-2, -1)
        attn = attn * ember.clamp(logit_scale, max=math.log(100.0)).exp()
    else:
        attn = (q * (c // num_heads) ** -0.5).matmul(k.transpose(-2, -1))
    attn = attn + relative_position_bias

    if shifted:
        mask = _shift_mask(pad_h, pad_w, window_size, shift_size, num_windows, x)
        attn = attn.view(x.size(0) // num_windows, num_windows, num_heads, x.size(1), x.size(1))
        attn = (attn + mask.unsqueeze(1).unsqueeze(0)).view(-1, num_heads, x.size(1), x.size(1))

    attn = F.dropout(F.softmax(attn, dim=-1), p=attention_dropout, training=training)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.dropout(F.linear(x, proj_weight, proj_bias), p=dropout, training=training)

    # reverse the windows, the shift and the padding
    x = x.view(b, n_h, n_w, window_size[0], window_size[1], c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, pad_h, pad_w, c)
    if shifted:
        x = ember.roll(x, shifts=(shift_size[0], shift_size[1]), dims=(1, 2))
    return x[:, :h, :w, :].contiguous()


class ShiftedWindowAttention(nn.Module):
    """See :func:`shifted_window_attention`."""

    def __init__(
        self,
        dim: int,
        window_size: list[int],
        shift_size: list[int],
        num_heads: int,
        qkv_bias: bool = True,
        proj_bias: bool = True,
        attention_dropout: float = 0.0,
        dropout: float = 0.0,
    ):
        super().__init__()
        if len(window_size) != 2 or len(shift_size) != 2:
            raise ValueError("window_size and shift_size must be of length 2")
        self.window_size = window_size
        self.shift_size = shift_size
        self.num_heads = num_heads
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.proj = nn.Linear(dim, dim, bias=proj_bias)
        self.define_relative_position_bias_table()
        self.define_relative_position_index()

    def define_relative_position_bias_table(self):
        """The learned bias of each relative offset and head: ``((2Wh-1)(2Ww-1), heads)``."""
        size = (2 * self.window_size[0] - 1) * (2 * self.window_size[1] - 1)
        self.relative_position_bias_table = nn.Parameter(ember.zeros(size, self.num_heads))
        nn.init.trunc_normal_(self.relative_position_bias_table, std=0.02)

    def define_relative_position_index(self):
        """For each pair of positions of a window, the row of its offset in the table."""
        wh, ww = self.window_size
        coords = ember.stack(
            ember.meshgrid(ember.arange(wh), ember.arange(ww), indexing="ij")
        ).flatten(1)
        relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0)  # (N, N, 2)
        index = (relative[:, :, 0] + (wh - 1)) * (2 * ww - 1) + (relative[:, :, 1] + (ww - 1))
        self.register_buffer("relative_position_index", index.flatten().contiguous())

    def get_relative_position_bias(self):
        return _get_relative_position_bias(
            self.relative_position_bias_table, self.relative_position_index, self.window_size
        )

    def _attend(self, x, logit_scale=None):
        return shifted_window_attention(
            x,
            self.qkv.weight,
            self.proj.weight,
            self.get_relative_position_bias(),
            self.window_size,
            self.num_heads,
            shift_size=self.shift_size,
            attention_dropout=self.attention_dropout,
            dropout=self.dropout,
            qkv_bias=self.qkv.bias,
            proj_bias=self.proj.bias,
            logit_scale=logit_scale,
            training=self.training,
        )

    def forward(self, x):
        """``[B, H, W, C]`` in and out."""
        return self._attend(x)


class ShiftedWindowAttentionV2(ShiftedWindowAttention):
    """Swin V2's window attention: cosine similarity scaled by a learned temperature, and a
    relative position bias computed by an MLP (``cpb_mlp``) from log-spaced offsets."""

    def __init__(
        self,
        dim: int,
        window_size: list[int],
        shift_size: list[int],
        num_heads: int,
        qkv_bias: bool = True,
        proj_bias: bool = True,
        attention_dropout: float = 0.0,
        dropout: float = 0.0,
    ):
        super().__init__(
            dim,
            window_size,
            shift_size,
            num_heads,
            qkv_bias=qkv_bias,
            proj_bias=proj_bias,
            attention_dropout=attention_dropout,
            dropout=dropout,
        )
        self.logit_scale = nn.Parameter(ember.log(10 * ember.ones((num_heads, 1, 1))))
        self.cpb_mlp = nn.Sequential(
            nn.Linear(2, 512, bias=True),
            nn.ReLU(inplace=True),
            nn.Linear(512, num_heads, bias=False),
        )
        if qkv_bias:
            length = self.qkv.bias.numel() // 3
            with ember.no_grad():
                self.qkv.bias[length : 2 * length].zero_()

    def define_relative_position_bias_table(self):
        """The relative offsets, scaled to [-8, 8] and log-spaced: ``(1, 2Wh-1, 2Ww-1, 2)``."""
        wh, ww = self.window_size
        dh = ember.arange(-(wh - 1), wh, dtype=ember.float32) / (wh - 1)
        dw = ember.arange(-(ww - 1), ww, dtype=ember.float32) / (ww - 1)
        table = (
            ember.stack(ember.meshgrid(dh, dw, indexing="ij"))
            .permute(1, 2, 0)
            .contiguous()
            .unsqueeze(0)
        )
        table = table * 8
        table = ember.sign(table) * ember.log2(ember.abs(table) + 1.0) / 3.0
        self.register_buffer("relative_coords_table", table)

    def get_relative_position_bias(self):
        bias = _get_relative_position_bias(
            self.cpb_mlp(self.relative_coords_table).view(-1, self.num_heads),
            self.relative_position_index,
            self.window_size,
        )
        return 16 * ember.sigmoid(bias)

    def forward(self, x):
        """``[B, H, W, C]`` in and out."""
        return self._attend(x, self.logit_scale)


class SwinTransformerBlock(nn.Module):
    """Swin block: ``x + sd(attn(norm1(x)))``, then ``x + sd(mlp(norm2(x)))``.

    Args:
        dim (int): number of input channels.
        num_heads (int): number of attention heads.
        window_size, shift_size (List[int]): the windows and their shift.
        mlp_ratio (float): MLP hidden width over ``dim``. Default: 4.0
        dropout, attention_dropout (float): dropout rates. Default: 0.0
        stochastic_depth_prob (float): stochastic depth rate. Default: 0.0
        norm_layer (callable): normalisation layer. Default: ``nn.LayerNorm``
        attn_layer (callable): attention layer. Default: :class:`ShiftedWindowAttention`
    """

    def __init__(
        self,
        dim: int,
        num_heads: int,
        window_size: list[int],
        shift_size: list[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.0,
        norm_layer: Callable[..., nn.Module] = nn.LayerNorm,
        attn_layer: Callable[..., nn.Module] = ShiftedWindowAttention,
    ):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = attn_layer(
            dim,
            window_size,
            shift_size,
            num_heads,
            attention_dropout=attention_dropout,
            dropout=dropout,
        )
        self.stochastic_depth = StochasticDepth(stochastic_depth_prob, "row")
        self.norm2 = norm_layer(dim)
        self.mlp = MLP(
            dim,
            [int(dim * mlp_ratio), dim],
            activation_layer=nn.GELU,
            inplace=None,
            dropout=dropout,
        )
        for m in self.mlp.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def forward(self, x):
        x = x + self.stochastic_depth(self.attn(self.norm1(x)))
        return x + self.stochastic_depth(self.mlp(self.norm2(x)))


class SwinTransformerBlockV2(SwinTransformerBlock):
    """Swin V2 block: the norms come after the attention and the MLP (post-normalisation)."""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        window_size: list[int],
        shift_size: list[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.0,
        norm_layer: Callable[..., nn.Module] = nn.LayerNorm,
        attn_layer: Callable[..., nn.Module] = ShiftedWindowAttentionV2,
    ):
        super().__init__(
            dim,
            num_heads,
            window_size,
            shift_size,
            mlp_ratio=mlp_ratio,
            dropout=dropout,
            attention_dropout=attention_dropout,
            stochastic_depth_prob=stochastic_depth_prob,
            norm_layer=norm_layer,
            attn_layer=attn_layer,
        )

    def forward(self, x):
        x = x + self.stochastic_depth(self.norm1(self.attn(x)))
        return x + self.stochastic_depth(self.norm2(self.mlp(x)))


class SwinTransformer(nn.Module):
    """Swin Transformer (https://arxiv.org/abs/2103.14030).

    Args:
        patch_size (List[int]): patch size of the patchifying convolution.
        embed_dim (int): patch embedding dimension.
        depths (List[int]): blocks per stage.
        num_heads (List[int]): attention heads per stage.
        window_size (List[int]): window size.
        mlp_ratio (float): MLP hidden width over the embedding width. Default: 4.0
        dropout, attention_dropout (float): dropout rates. Default: 0.0
        stochastic_depth_prob (float): stochastic depth rate of the last block, growing linearly
            from 0. Default: 0.1
        num_classes (int): the size of the output. Default: 1000
        norm_layer (callable, optional): normalisation layer (default LayerNorm, ``eps=1e-5``).
        block (callable, optional): the block class (default :class:`SwinTransformerBlock`).
        downsample_layer (callable): the patch merging class. Default: :class:`PatchMerging`
    """

    def __init__(
        self,
        patch_size: list[int],
        embed_dim: int,
        depths: list[int],
        num_heads: list[int],
        window_size: list[int],
        mlp_ratio: float = 4.0,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        stochastic_depth_prob: float = 0.1,
        num_classes: int = 1000,
        norm_layer: Callable[..., nn.Module] | None = None,
        block: Callable[..., nn.Module] | None = None,
        downsample_layer: Callable[..., nn.Module] = PatchMerging,
    ):
        super().__init__()
        self.num_classes = num_classes
        block = SwinTransformerBlock if block is None else block
        norm_layer = partial(nn.LayerNorm, eps=1e-5) if norm_layer is None else norm_layer

        layers: list[nn.Module] = [
            nn.Sequential(
                nn.Conv2d(
                    3,
                    embed_dim,
                    kernel_size=(patch_size[0], patch_size[1]),
                    stride=(patch_size[0], patch_size[1]),
                ),
                Permute([0, 2, 3, 1]),
                norm_layer(embed_dim),
            )
        ]
        total_blocks = sum(depths)
        block_id = 0
        for i_stage, depth in enumerate(depths):
            dim = embed_dim * 2**i_stage
            stage: list[nn.Module] = []
            for i_layer in range(depth):
                sd_prob = stochastic_depth_prob * float(block_id) / (total_blocks - 1)
                stage.append(
                    block(
                        dim,
                        num_heads[i_stage],
                        window_size=window_size,
                        shift_size=[0 if i_layer % 2 == 0 else w // 2 for w in window_size],
                        mlp_ratio=mlp_ratio,
                        dropout=dropout,
                        attention_dropout=attention_dropout,
                        stochastic_depth_prob=sd_prob,
                        norm_layer=norm_layer,
                    )
                )
                block_id += 1
            layers.append(nn.Sequential(*stage))
            if i_stage < len(depths) - 1:
                layers.append(downsample_layer(dim, norm_layer))
        self.features = nn.Sequential(*layers)

        num_features = embed_dim * 2 ** (len(depths) - 1)
        self.norm = norm_layer(num_features)
        self.permute = Permute([0, 3, 1, 2])  # B H W C -> B C H W
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten(1)
        self.head = nn.Linear(num_features, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.permute(self.norm(self.features(x)))
        return self.head(self.flatten(self.avgpool(x)))


def _swin_transformer(
    patch_size: list[int],
    embed_dim: int,
    depths: list[int],
    num_heads: list[int],
    window_size: list[int],
    stochastic_depth_prob: float,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> SwinTransformer:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    model = SwinTransformer(
        patch_size=patch_size,
        embed_dim=embed_dim,
        depths=depths,
        num_heads=num_heads,
        window_size=window_size,
        stochastic_depth_prob=stochastic_depth_prob,
        **kwargs,
    )
    return load_weights(model, weights, progress)


_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#swintransformer"


def _weights(name, digest, params, acc, ops, size, resize, v2=False):
    crop = 256 if v2 else 224
    return _imagenet_weights(
        f"https://download.pytorch.org/models/{name}-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe=_RECIPE + ("-v2" if v2 else ""),
        crop_size=crop,
        resize_size=resize,
        interpolation="bicubic",
        min_size=(crop, crop),
    )


class Swin_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("swin_t", "704ceda3", 28288354, (81.474, 95.776), 4.491, 108.19, 232)
    DEFAULT = IMAGENET1K_V1


class Swin_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("swin_s", "5e29d889", 49606258, (83.196, 96.360), 8.741, 189.786, 246)
    DEFAULT = IMAGENET1K_V1


class Swin_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights("swin_b", "68c6b09e", 87768224, (83.582, 96.640), 15.431, 335.364, 238)
    DEFAULT = IMAGENET1K_V1


class Swin_V2_T_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        "swin_v2_t", "b137f0e2", 28351570, (82.072, 96.132), 5.94, 108.626, 260, True
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_S_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        "swin_v2_s", "637d8ceb", 49737442, (83.712, 96.816), 11.546, 190.675, 260, True
    )
    DEFAULT = IMAGENET1K_V1


class Swin_V2_B_Weights(WeightsEnum):
    IMAGENET1K_V1 = _weights(
        "swin_v2_b", "781e5279", 87930848, (84.112, 96.864), 20.325, 336.372, 272, True
    )
    DEFAULT = IMAGENET1K_V1


_V2 = {"block": SwinTransformerBlockV2, "downsample_layer": PatchMergingV2}
_DOC = """Swin Transformer {title} (Liu et al., 2021).

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``); ``None`` (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`SwinTransformer` (``num_classes``, ``dropout``, ...).
    """


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_T_Weights.IMAGENET1K_V1))
def swin_t(
    *, weights: Swin_T_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_T_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [7, 7], 0.2, weights, progress, **kwargs
    )


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_S_Weights.IMAGENET1K_V1))
def swin_s(
    *, weights: Swin_S_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_S_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [7, 7], 0.3, weights, progress, **kwargs
    )


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_B_Weights.IMAGENET1K_V1))
def swin_b(
    *, weights: Swin_B_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_B_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [7, 7], 0.5, weights, progress, **kwargs
    )


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_T_Weights.IMAGENET1K_V1))
def swin_v2_t(
    *, weights: Swin_V2_T_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_V2_T_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 96, [2, 2, 6, 2], [3, 6, 12, 24], [8, 8], 0.2, weights, progress, **_V2, **kwargs
    )


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_S_Weights.IMAGENET1K_V1))
def swin_v2_s(
    *, weights: Swin_V2_S_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_V2_S_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 96, [2, 2, 18, 2], [3, 6, 12, 24], [8, 8], 0.3, weights, progress, **_V2, **kwargs
    )


@register_model()
@handle_legacy_interface(weights=("pretrained", Swin_V2_B_Weights.IMAGENET1K_V1))
def swin_v2_b(
    *, weights: Swin_V2_B_Weights | None = None, progress: bool = True, **kwargs: Any
) -> SwinTransformer:
    weights = Swin_V2_B_Weights.verify(weights)
    return _swin_transformer(
        [4, 4], 128, [2, 2, 18, 2], [4, 8, 16, 32], [8, 8], 0.5, weights, progress, **_V2, **kwargs
    )


for _fn, _title in (
    (swin_t, "Tiny"),
    (swin_s, "Small"),
    (swin_b, "Base"),
    (swin_v2_t, "V2 Tiny"),
    (swin_v2_s, "V2 Small"),
    (swin_v2_b, "V2 Base"),
):
    _fn.__doc__ = _DOC.format(title=_title, enum=_fn.__annotations__["weights"].split(" |")[0])
del _fn, _title
