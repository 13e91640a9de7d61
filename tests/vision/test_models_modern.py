"""EfficientNet, RegNet, ConvNeXt, ViT and Swin beyond the vision-ref logits (which
test_models_reference.py checks): the variants without references (their parameter counts against
their weights' ``num_params``, torchvision's facts), Swin's window attention against its
definition written window by window in torch (the reference weights zero its position index),
ViT's embedding interpolation and legacy checkpoint keys, and small train-mode runs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.vision import models
from ember.vision.models import swin_transformer as swin
from ember.vision.models import vision_transformer as vit

from ._models_common import no_random_init

# the variants up to ~30M parameters, every family's code path (larger ones only cost seconds of
# allocation: their tables differ in numbers only)
VARIANTS = [
    *[f"efficientnet_b{i}" for i in range(5)],
    "efficientnet_v2_s",
    *[f"regnet_{k}_{s}" for k in "xy" for s in ("400mf", "800mf", "1_6gf", "3_2gf")],
    "convnext_tiny",
    "swin_t",
    "swin_v2_t",
]


def test_every_variant_has_its_weights_parameter_count(monkeypatch):
    with no_random_init(monkeypatch):
        for name in VARIANTS:
            enum = models.get_model_weights(name)
            for weights in enum:
                model = models.get_model(name)
                count = sum(p.numel() for p in model.parameters())
                assert count == weights.meta["num_params"], (name, weights)
                assert weights.url.startswith("https://download.pytorch.org/models/")
                assert len(weights.meta["categories"]) == 1000
    assert models.get_weight("RegNet_Y_16GF_Weights.IMAGENET1K_SWAG_E2E_V1").meta["min_size"] == (
        1,
        1,
    )
    assert models.EfficientNet_B1_Weights.DEFAULT is models.EfficientNet_B1_Weights.IMAGENET1K_V2
    assert models.ViT_H_14_Weights.DEFAULT is models.ViT_H_14_Weights.IMAGENET1K_SWAG_E2E_V1


def test_legacy_pretrained_flag_and_wrong_num_classes():
    with pytest.raises(ValueError, match="No weights available for model regnet_y_128gf"):
        models.regnet_y_128gf(pretrained=True)
    with pytest.raises(
        ValueError, match="The parameter 'num_classes' expected value 1000 but got 10"
    ):
        models.convnext_tiny(weights="IMAGENET1K_V1", num_classes=10)


def _relative_index(wh: int, ww: int) -> list[int]:
    """Row of the bias table for each ordered pair of window positions (row-major)."""
    pos = [(y, x) for y in range(wh) for x in range(ww)]
    return [
        (yi - yj + wh - 1) * (2 * ww - 1) + (xi - xj + ww - 1) for yi, xi in pos for yj, xj in pos
    ]


def _ref_window_attention(x, attn, bias):
    """Shifted window attention computed one window at a time (torch, float64): pad, roll,
    attention within each window with the position bias and a -100 mask between positions of
    different regions of the shifted map, roll back, crop."""
    wh, ww = attn.window_size
    heads = attn.num_heads
    b, h, w, c = x.shape
    ph, pw = math.ceil(h / wh) * wh, math.ceil(w / ww) * ww
    sh = attn.shift_size[0] if wh < ph else 0
    sw = attn.shift_size[1] if ww < pw else 0
    xp = torch.zeros(b, ph, pw, c, dtype=x.dtype)
    xp[:, :h, :w] = x
    xp = torch.roll(xp, (-sh, -sw), (1, 2))

    def region(i, size, win, shift):
        return 0 if i < size - win else (1 if i < size - shift else 2)

    p = {k: torch.tensor(v.detach().numpy()) for k, v in attn.named_parameters()}
    out = torch.zeros_like(xp)
    for n in range(b):
        for wy in range(0, ph, wh):
            for wx in range(0, pw, ww):
                cells = [(wy + i, wx + j) for i in range(wh) for j in range(ww)]
                tokens = torch.stack([xp[n, i, j] for i, j in cells])
                qkv_b = p["qkv.bias"].clone()
                if hasattr(attn, "logit_scale"):
                    qkv_b[c : 2 * c] = 0
                q, k, v = (
                    TF.linear(tokens, p["qkv.weight"], qkv_b)
                    .reshape(len(cells), 3, heads, -1)
                    .unbind(1)
                )
                q, k, v = q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1)
                if hasattr(attn, "logit_scale"):
                    logits = TF.normalize(q, dim=-1) @ TF.normalize(k, dim=-1).mT
                    logits = logits * p["logit_scale"].clamp(max=math.log(100.0)).exp()
                else:
                    logits = (q * (c // heads) ** -0.5) @ k.mT
                logits = logits + bias
                if sh or sw:
                    labels = [region(i, ph, wh, sh) * 3 + region(j, pw, ww, sw) for i, j in cells]
                    mask = torch.tensor(
                        [[0.0 if a == bb else -100.0 for bb in labels] for a in labels]
                    )
                    logits = logits + mask
                y = (logits.softmax(-1) @ v).transpose(0, 1).reshape(len(cells), c)
                y = TF.linear(y, p["proj.weight"], p["proj.bias"])
                for t, (i, j) in enumerate(cells):
                    out[n, i, j] = y[t]
    return torch.roll(out, (sh, sw), (1, 2))[:, :h, :w]


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize(("size", "shift"), [((6, 7), [2, 2]), ((4, 4), [2, 2]), ((9, 5), [0, 0])])
def test_shifted_window_attention_is_its_definition(version, size, shift):
    layer_cls = swin.ShiftedWindowAttention if version == 1 else swin.ShiftedWindowAttentionV2
    attn = layer_cls(8, [4, 4], shift, num_heads=2).double()
    with ember.no_grad():
        for prm in attn.parameters():
            prm.copy_(ember.randn(prm.shape) * 0.5)
    assert attn.relative_position_index.tolist() == _relative_index(4, 4)
    index = torch.tensor(_relative_index(4, 4))
    if version == 1:
        table = torch.tensor(attn.relative_position_bias_table.detach().numpy())
    else:  # log-spaced offsets in [-8, 8] through cpb_mlp, 16 * sigmoid
        d = torch.arange(-3, 4, dtype=torch.float32) / 3 * 8  # a float32 buffer, as torchvision's
        coords = torch.stack(torch.meshgrid(d, d, indexing="ij"), -1).reshape(-1, 2)
        coords = (torch.sign(coords) * torch.log2(coords.abs() + 1) / 3).double()
        w = {k: torch.tensor(v.detach().numpy()) for k, v in attn.cpb_mlp.state_dict().items()}
        hidden = TF.relu(TF.linear(coords, w["0.weight"], w["0.bias"]))
        table = TF.linear(hidden, w["2.weight"])
    bias = table[index].reshape(16, 16, -1).permute(2, 0, 1)
    if version == 2:
        bias = 16 * torch.sigmoid(bias)
    x = np.random.randn(2, *size, 8)
    want = _ref_window_attention(torch.tensor(x), attn, bias)
    xe = ember.tensor(x, requires_grad=True)
    got = attn(xe)
    np.testing.assert_allclose(got.detach().numpy(), want.numpy(), rtol=1e-9, atol=1e-10)
    got.sum().backward()
    assert xe.grad.shape == xe.shape


def test_vit_interpolate_embeddings_and_legacy_mlp_keys():
    rng = np.random.default_rng(0)
    pos = rng.standard_normal((1, 1 + 4 * 4, 6)).astype(np.float32)
    state = {"encoder.pos_embedding": ember.tensor(pos), "heads.head.weight": ember.zeros(3, 6)}
    out = vit.interpolate_embeddings(48, 8, dict(state), reset_heads=True)
    grid = torch.tensor(pos[:, 1:]).permute(0, 2, 1).reshape(1, 6, 4, 4)
    grid = (
        TF.interpolate(grid, size=6, mode="bicubic", align_corners=True)
        .reshape(1, 6, 36)
        .permute(0, 2, 1)
    )
    want = torch.cat([torch.tensor(pos[:, :1]), grid], 1)
    np.testing.assert_allclose(
        out["encoder.pos_embedding"].numpy(), want.numpy(), rtol=1e-5, atol=1e-6
    )
    assert "heads.head.weight" not in out
    same = vit.interpolate_embeddings(32, 8, dict(state))
    assert same["encoder.pos_embedding"] is state["encoder.pos_embedding"]
    # checkpoints from before torchvision 0.14 name the MLP's linears linear_1 / linear_2
    block = vit.MLPBlock(6, 12, 0.0)
    old = {
        k.replace("0.", "linear_1.").replace("3.", "linear_2."): v
        for k, v in block.state_dict().items()
    }
    fresh = vit.MLPBlock(6, 12, 0.0)
    fresh.load_state_dict(old)
    assert all(
        ember.equal(a, b) for a, b in zip(fresh.state_dict().values(), block.state_dict().values())
    )


def _small(name):
    """A few-block model of each family (the families' code paths at toy widths)."""
    eff = models.efficientnet
    if name == "efficientnet_b0":
        return models.efficientnet_b0(num_classes=5), 32
    if name == "efficientnet_v2":
        setting = [
            eff.FusedMBConvConfig(1, 3, 1, 8, 8, 2),
            eff.FusedMBConvConfig(4, 3, 2, 8, 16, 1),
        ]
        setting.append(eff.MBConvConfig(4, 3, 2, 16, 24, 2))
        return models.EfficientNet(setting, 0.2, num_classes=5, last_channel=32), 32
    if name == "regnet_y":
        params = models.regnet.BlockParams.from_init_params(
            depth=4, w_0=16, w_a=8.0, w_m=2.0, group_width=8, se_ratio=0.25
        )
        return models.RegNet(params, num_classes=5, stem_width=8), 32
    if name == "convnext":
        setting = [
            models.convnext.CNBlockConfig(16, 32, 2),
            models.convnext.CNBlockConfig(32, None, 1),
        ]
        return models.ConvNeXt(setting, stochastic_depth_prob=0.5, num_classes=5), 32
    if name == "vit":
        return models.VisionTransformer(
            32, 8, 2, 2, 16, 32, num_classes=5, representation_size=8
        ), 32
    kwargs = (
        {"block": swin.SwinTransformerBlockV2, "downsample_layer": swin.PatchMergingV2}
        if name == "swin_v2"
        else {}
    )
    return models.SwinTransformer([4, 4], 16, [2, 2], [2, 4], [4, 4], num_classes=5, **kwargs), 32


@pytest.mark.parametrize(
    "name", ["efficientnet_b0", "efficientnet_v2", "regnet_y", "convnext", "vit", "swin", "swin_v2"]
)
def test_small_training_step(name):
    model, size = _small(name)
    with ember.no_grad():  # no zero-initialised layer may hide a path from the gradient
        for p in model.parameters():
            if p.dim() > 1:
                p.copy_(ember.randn(p.shape) * (0.5 / math.sqrt(p[0].numel())))
    model.train()
    out = model(ember.randn(2, 3, size, size))
    assert out.shape == (2, 5)
    ember.nn.functional.cross_entropy(out, ember.tensor([1, 3])).backward()
    grads = [p.grad for p in model.parameters()]
    assert all(g is not None for g in grads)
    assert float(grads[0].abs().sum()) > 0  # the stem: the gradient crossed every stage


def test_constructor_errors():
    with pytest.raises(ValueError, match="The inverted_residual_setting should not be empty"):
        models.EfficientNet([], 0.2)
    with pytest.raises(
        TypeError, match=r"The inverted_residual_setting should be List\[MBConvConfig\]"
    ):
        models.EfficientNet([1], 0.2)
    with pytest.raises(ValueError, match="The block_setting should not be empty"):
        models.ConvNeXt([])
    with pytest.raises(ValueError, match="Invalid RegNet settings"):
        models.regnet.BlockParams.from_init_params(depth=4, w_0=30, w_a=1.0, w_m=2.0, group_width=8)
    with pytest.raises(AssertionError, match="Input shape indivisible by patch size!"):
        models.VisionTransformer(30, 16, 1, 1, 8, 8)
    with pytest.raises(ValueError, match="window_size and shift_size must be of length 2"):
        swin.ShiftedWindowAttention(8, [4], [0], 2)
    with pytest.raises(AssertionError, match="Wrong image height! Expected 32 but got 16!"):
        models.VisionTransformer(32, 16, 1, 1, 8, 8)(ember.zeros(1, 3, 16, 32))
