"""Vision Transformer B/16, B/32, L/16, L/32, H/14 (torchvision's
``models.vision_transformer``): Dosovitskiy et al., "An Image is Worth 16x16 Words: Transformers
for Image Recognition at Scale" (2020).

The image is cut into patches by a strided convolution (or a convolutional stem, Xiao et al.
2021), a class token is prepended, learned position embeddings added, and a stack of pre-norm
encoder blocks (multi-head self-attention and an MLP) runs; the class token's final state is
classified.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import ember
from ember import nn

from ..ops.misc import MLP, Conv2dNormActivation
from ._api import WeightsEnum, register_model
from ._utils import _imagenet_weights, _ovewrite_named_param, handle_legacy_interface, load_weights

__all__ = [
    "VisionTransformer",
    "ViT_B_16_Weights",
    "ViT_B_32_Weights",
    "ViT_L_16_Weights",
    "ViT_L_32_Weights",
    "ViT_H_14_Weights",
    "vit_b_16",
    "vit_b_32",
    "vit_l_16",
    "vit_l_32",
    "vit_h_14",
]


_LAYER_NORM = partial(nn.LayerNorm, eps=1e-6)


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


class ConvStemConfig(NamedTuple):
    """One conv-norm-activation layer of a convolutional stem."""

    out_channels: int
    kernel_size: int
    stride: int
    norm_layer: Callable[..., nn.Module] = nn.BatchNorm2d
    activation_layer: Callable[..., nn.Module] = nn.ReLU


class MLPBlock(MLP):
    """The encoder's MLP: Linear, GELU, Dropout, Linear, Dropout (keys ``0`` and ``3``);
    checkpoints of the older layout (``linear_1``/``linear_2``) are renamed on loading."""

    _version = 2

    def __init__(self, in_dim: int, mlp_dim: int, dropout: float):
        super().__init__(
            in_dim, [mlp_dim, in_dim], activation_layer=nn.GELU, inplace=None, dropout=dropout
        )
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.normal_(m.bias, std=1e-6)

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        version = local_metadata.get("version", None)
        if version is None or version < 2:
            for i in range(2):
                for kind in ("weight", "bias"):
                    old = f"{prefix}linear_{i + 1}.{kind}"
                    if old in state_dict:
                        state_dict[f"{prefix}{3 * i}.{kind}"] = state_dict.pop(old)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )


class EncoderBlock(nn.Module):
    """Pre-norm transformer encoder block: ``x + dropout(attention(ln_1(x)))``, then
    ``x + mlp(ln_2(x))``."""

    def __init__(
        self,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float,
        attention_dropout: float,
        norm_layer: Callable[..., nn.Module] = _LAYER_NORM,
    ):
        super().__init__()
        self.num_heads = num_heads
        self.ln_1 = norm_layer(hidden_dim)
        self.self_attention = nn.MultiheadAttention(
            hidden_dim, num_heads, dropout=attention_dropout, batch_first=True
        )
        self.dropout = nn.Dropout(dropout)
        self.ln_2 = norm_layer(hidden_dim)
        self.mlp = MLPBlock(hidden_dim, mlp_dim, dropout)

    def forward(self, input):  # noqa: A002
        _check(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        x = self.ln_1(input)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + input
        return x + self.mlp(self.ln_2(x))


class Encoder(nn.Module):
    """Position embeddings, dropout, ``num_layers`` encoder blocks and a final norm."""

    def __init__(
        self,
        seq_length: int,
        num_layers: int,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float,
        attention_dropout: float,
        norm_layer: Callable[..., nn.Module] = _LAYER_NORM,
    ):
        super().__init__()
        self.pos_embedding = nn.Parameter(
            ember.empty(1, seq_length, hidden_dim).normal_(std=0.02)
        )  # from BERT
        self.dropout = nn.Dropout(dropout)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for i in range(num_layers):
            layers[f"encoder_layer_{i}"] = EncoderBlock(
                num_heads, hidden_dim, mlp_dim, dropout, attention_dropout, norm_layer
            )
        self.layers = nn.Sequential(layers)
        self.ln = norm_layer(hidden_dim)

    def forward(self, input):  # noqa: A002
        _check(input.dim() == 3, f"Expected (batch_size, seq_length, hidden_dim) got {input.shape}")
        return self.ln(self.layers(self.dropout(input + self.pos_embedding)))


class VisionTransformer(nn.Module):
    """Vision Transformer as per https://arxiv.org/abs/2010.11929.

    Args:
        image_size (int): the (square) input size; a multiple of ``patch_size``.
        patch_size (int): the side of a patch.
        num_layers, num_heads, hidden_dim, mlp_dim (int): the encoder's shape.
        dropout, attention_dropout (float): dropout probabilities. Default: 0.0
        num_classes (int): the size of the output. Default: 1000
        representation_size (int, optional): a Linear + Tanh layer of this width before the
            head (``heads.pre_logits``).
        norm_layer (callable): the encoder's normalisation (LayerNorm, ``eps=1e-6``).
        conv_stem_configs (list of ConvStemConfig, optional): a convolutional stem instead of the
            patchifying convolution.
    """

    def __init__(
        self,
        image_size: int,
        patch_size: int,
        num_layers: int,
        num_heads: int,
        hidden_dim: int,
        mlp_dim: int,
        dropout: float = 0.0,
        attention_dropout: float = 0.0,
        num_classes: int = 1000,
        representation_size: int | None = None,
        norm_layer: Callable[..., nn.Module] = _LAYER_NORM,
        conv_stem_configs: list[ConvStemConfig] | None = None,
    ):
        super().__init__()
        _check(image_size % patch_size == 0, "Input shape indivisible by patch size!")
        self.image_size = image_size
        self.patch_size = patch_size
        self.hidden_dim = hidden_dim
        self.mlp_dim = mlp_dim
        self.attention_dropout = attention_dropout
        self.dropout = dropout
        self.num_classes = num_classes
        self.representation_size = representation_size
        self.norm_layer = norm_layer

        if conv_stem_configs is not None:  # https://arxiv.org/abs/2106.14881
            stem = nn.Sequential()
            channels = 3
            for i, cfg in enumerate(conv_stem_configs):
                stem.add_module(
                    f"conv_bn_relu_{i}",
                    Conv2dNormActivation(
                        in_channels=channels,
                        out_channels=cfg.out_channels,
                        kernel_size=cfg.kernel_size,
                        stride=cfg.stride,
                        norm_layer=cfg.norm_layer,
                        activation_layer=cfg.activation_layer,
                    ),
                )
                channels = cfg.out_channels
            stem.add_module(
                "conv_last", nn.Conv2d(in_channels=channels, out_channels=hidden_dim, kernel_size=1)
            )
            self.conv_proj: nn.Module = stem
        else:
            self.conv_proj = nn.Conv2d(
                in_channels=3, out_channels=hidden_dim, kernel_size=patch_size, stride=patch_size
            )

        seq_length = (image_size // patch_size) ** 2 + 1  # the patches and the class token
        self.class_token = nn.Parameter(ember.zeros(1, 1, hidden_dim))
        self.encoder = Encoder(
            seq_length,
            num_layers,
            num_heads,
            hidden_dim,
            mlp_dim,
            dropout,
            attention_dropout,
            norm_layer,
        )
        self.seq_length = seq_length

        heads: OrderedDict[str, nn.Module] = OrderedDict()
        if representation_size is None:
            heads["head"] = nn.Linear(hidden_dim, num_classes)
        else:
            heads["pre_logits"] = nn.Linear(hidden_dim, representation_size)
            heads["act"] = nn.Tanh()
            heads["head"] = nn.Linear(representation_size, num_classes)
        self.heads = nn.Sequential(heads)

        if isinstance(self.conv_proj, nn.Conv2d):
            fan_in = (
                self.conv_proj.in_channels
                * self.conv_proj.kernel_size[0]
                * self.conv_proj.kernel_size[1]
            )
            nn.init.trunc_normal_(self.conv_proj.weight, std=math.sqrt(1 / fan_in))
            if self.conv_proj.bias is not None:
                nn.init.zeros_(self.conv_proj.bias)
        elif isinstance(getattr(self.conv_proj, "conv_last", None), nn.Conv2d):
            last = self.conv_proj.conv_last
            nn.init.normal_(last.weight, mean=0.0, std=math.sqrt(2.0 / last.out_channels))
            if last.bias is not None:
                nn.init.zeros_(last.bias)
        if isinstance(getattr(self.heads, "pre_logits", None), nn.Linear):
            fan_in = self.heads.pre_logits.in_features
            nn.init.trunc_normal_(self.heads.pre_logits.weight, std=math.sqrt(1 / fan_in))
            nn.init.zeros_(self.heads.pre_logits.bias)
        if isinstance(self.heads.head, nn.Linear):
            nn.init.zeros_(self.heads.head.weight)
            nn.init.zeros_(self.heads.head.bias)

    def _process_input(self, x):
        """``(n, c, h, w)`` images to ``(n, patches, hidden_dim)`` patch embeddings."""
        n, _, h, w = x.shape
        p = self.patch_size
        _check(h == self.image_size, f"Wrong image height! Expected {self.image_size} but got {h}!")
        _check(w == self.image_size, f"Wrong image width! Expected {self.image_size} but got {w}!")
        x = self.conv_proj(x)
        return x.reshape(n, self.hidden_dim, (h // p) * (w // p)).permute(0, 2, 1)

    def forward(self, x):
        x = self._process_input(x)
        x = ember.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        x = self.encoder(x)
        return self.heads(x[:, 0])


def _vision_transformer(
    patch_size: int,
    num_layers: int,
    num_heads: int,
    hidden_dim: int,
    mlp_dim: int,
    weights: WeightsEnum | None,
    progress: bool,
    **kwargs: Any,
) -> VisionTransformer:
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
        assert weights.meta["min_size"][0] == weights.meta["min_size"][1]
        _ovewrite_named_param(kwargs, "image_size", weights.meta["min_size"][0])
    image_size = kwargs.pop("image_size", 224)
    model = VisionTransformer(
        image_size=image_size,
        patch_size=patch_size,
        num_layers=num_layers,
        num_heads=num_heads,
        hidden_dim=hidden_dim,
        mlp_dim=mlp_dim,
        **kwargs,
    )
    return load_weights(model, weights, progress)


_URL = "https://download.pytorch.org/models/"
_REFS = "https://github.com/pytorch/vision/tree/main/references/classification#"
_SWAG_LICENSE = "https://github.com/facebookresearch/SWAG/blob/main/LICENSE"


def _plain(name, digest, params, acc, ops, size, resize=256):
    return _imagenet_weights(
        f"{_URL}{name}-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe=_REFS + name,
        resize_size=resize,
        min_size=(224, 224),
    )


def _swag(name, digest, params, acc, ops, size, crop=224):
    linear = crop == 224
    return _imagenet_weights(
        f"{_URL}{name}_{'lc_' if linear else ''}swag-{digest}.pth",
        num_params=params,
        acc1=acc[0],
        acc5=acc[1],
        ops=ops,
        file_size=size,
        recipe="https://github.com/pytorch/vision/pull/5793"
        if linear
        else "https://github.com/facebookresearch/SWAG",
        crop_size=crop,
        resize_size=crop,
        interpolation="bicubic",
        min_size=(crop, crop),
        license=_SWAG_LICENSE,
    )


class ViT_B_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _plain("vit_b_16", "c867db91", 86567656, (81.072, 95.318), 17.564, 330.285)
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "vit_b_16", "9ac1b537", 86859496, (85.304, 97.650), 55.484, 331.398, 384
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "vit_b_16", "4e70ced5", 86567656, (81.886, 96.180), 17.564, 330.285
    )
    DEFAULT = IMAGENET1K_V1


class ViT_B_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _plain("vit_b_32", "d86f8d99", 88224232, (75.912, 92.466), 4.409, 336.604)
    DEFAULT = IMAGENET1K_V1


class ViT_L_16_Weights(WeightsEnum):
    IMAGENET1K_V1 = _plain(
        "vit_l_16", "852ce7e3", 304326632, (79.662, 94.638), 61.555, 1161.023, 242
    )
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "vit_l_16", "4f3808c9", 305174504, (88.064, 98.512), 361.986, 1164.258, 512
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "vit_l_16", "4d563306", 304326632, (85.146, 97.422), 61.555, 1161.023
    )
    DEFAULT = IMAGENET1K_V1


class ViT_L_32_Weights(WeightsEnum):
    IMAGENET1K_V1 = _plain("vit_l_32", "c7638314", 306535400, (76.972, 93.07), 15.378, 1169.449)
    DEFAULT = IMAGENET1K_V1


class ViT_H_14_Weights(WeightsEnum):
    IMAGENET1K_SWAG_E2E_V1 = _swag(
        "vit_h_14", "80465313", 633470440, (88.552, 98.694), 1016.717, 2416.643, 518
    )
    IMAGENET1K_SWAG_LINEAR_V1 = _swag(
        "vit_h_14", "c1eb923e", 632045800, (85.708, 97.730), 167.295, 2411.209
    )
    DEFAULT = IMAGENET1K_SWAG_E2E_V1


_DOC = """ViT-{size} (Dosovitskiy et al., 2020).

    Args:
        weights ({enum}, optional): pre-trained weights to load (downloaded once through
            ``ember.hub``; the SWAG end-to-end weights fix a larger ``image_size``); ``None``
            (default) keeps the random initialisation.
        progress (bool): show a download progress bar. Default: ``True``.
        **kwargs: passed to :class:`VisionTransformer` (``image_size`` (default 224),
            ``num_classes``, ``dropout``, ...).
    """


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_16_Weights.IMAGENET1K_V1))
def vit_b_16(
    *, weights: ViT_B_16_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VisionTransformer:
    weights = ViT_B_16_Weights.verify(weights)
    return _vision_transformer(16, 12, 12, 768, 3072, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_B_32_Weights.IMAGENET1K_V1))
def vit_b_32(
    *, weights: ViT_B_32_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VisionTransformer:
    weights = ViT_B_32_Weights.verify(weights)
    return _vision_transformer(32, 12, 12, 768, 3072, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_16_Weights.IMAGENET1K_V1))
def vit_l_16(
    *, weights: ViT_L_16_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VisionTransformer:
    weights = ViT_L_16_Weights.verify(weights)
    return _vision_transformer(16, 24, 16, 1024, 4096, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", ViT_L_32_Weights.IMAGENET1K_V1))
def vit_l_32(
    *, weights: ViT_L_32_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VisionTransformer:
    weights = ViT_L_32_Weights.verify(weights)
    return _vision_transformer(32, 24, 16, 1024, 4096, weights, progress, **kwargs)


@register_model()
@handle_legacy_interface(weights=("pretrained", None))
def vit_h_14(
    *, weights: ViT_H_14_Weights | None = None, progress: bool = True, **kwargs: Any
) -> VisionTransformer:
    weights = ViT_H_14_Weights.verify(weights)
    return _vision_transformer(14, 32, 16, 1280, 5120, weights, progress, **kwargs)


for _fn, _size in (
    (vit_b_16, "B/16"),
    (vit_b_32, "B/32"),
    (vit_l_16, "L/16"),
    (vit_l_32, "L/32"),
    (vit_h_14, "H/14"),
):
    _fn.__doc__ = _DOC.format(size=_size, enum=_fn.__annotations__["weights"].split(" |")[0])
del _fn, _size


def interpolate_embeddings(
    image_size: int,
    patch_size: int,
    model_state: OrderedDict[str, Any],
    interpolation_mode: str = "bicubic",
    reset_heads: bool = False,
) -> OrderedDict[str, Any]:
    """Resize a checkpoint's position embeddings to another image size, for loading pre-trained
    weights into a model of a different resolution.

    The patch embeddings (all but the class token's) are laid out on their square grid,
    interpolated to ``image_size // patch_size`` per side (``align_corners=True``) and flattened
    back.

    Args:
        image_size (int): image size of the new model.
        patch_size (int): patch size of the new model.
        model_state (OrderedDict[str, Tensor]): state dict of the pre-trained model.
        interpolation_mode (str): the upsampling algorithm. Default: ``"bicubic"``
        reset_heads (bool): leave out the ``heads`` entries. Default: False

    Returns:
        OrderedDict[str, Tensor]: a state dict which can be loaded into the new model.
    """
    pos_embedding = model_state["encoder.pos_embedding"]
    n, seq_length, hidden_dim = pos_embedding.shape
    if n != 1:
        raise ValueError(f"Unexpected position embedding shape: {pos_embedding.shape}")
    new_side = image_size // patch_size
    if new_side**2 + 1 != seq_length:
        token, patches = pos_embedding[:, :1, :], pos_embedding[:, 1:, :]
        side = int(math.sqrt(seq_length - 1))
        _check(side * side == seq_length - 1, "seq_length is not a perfect square!")
        grid = patches.permute(0, 2, 1).reshape(1, hidden_dim, side, side)
        grid = nn.functional.interpolate(
            grid, size=new_side, mode=interpolation_mode, align_corners=True
        )
        patches = grid.reshape(1, hidden_dim, new_side * new_side).permute(0, 2, 1)
        model_state["encoder.pos_embedding"] = ember.cat([token, patches], dim=1)
        if reset_heads:
            model_state = OrderedDict(
                (k, v) for k, v in model_state.items() if not k.startswith("heads")
            )
    return model_state
