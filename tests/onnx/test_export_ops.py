"""Op by op: a function exported through ember.onnx.export, run in ONNX Runtime, equals the
same function run by torch (and by ember) on the same inputs, at the example batch size and,
through a dynamic batch axis, at another."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from .helpers import as_tuple, export, run


class Fn(ember.nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(ember, *xs)


def _w(*shape, seed=0):
    """A fixed array both libraries turn into a constant."""
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def _c(lib, a):
    return lib.tensor(a)


W66, W34, B4 = _w(6, 6), _w(4, 3, 3, 3, seed=1), _w(4, seed=2)
WT = _w(3, 2, 2, 2, seed=3)
K1 = _w(4, 2, 3, seed=4)
EMB = _w(10, 5, seed=5)

# (id, fn(lib, *xs), input shapes without the batch axis); the batch axis (2, then 5) is 0.
CASES = [
    ("add_sub_mul_div", lambda L, x, y: (x + y) * x - y / (x.abs() + 1), [(6,), (6,)]),
    ("scalars", lambda L, x: 2.0 - x * 3 + x / 4 - 1, [(6,)]),
    ("pow", lambda L, x: x.abs() ** 1.5 + x**2, [(6,)]),
    ("broadcast", lambda L, x: x + _c(L, W66[0]), [(3, 6)]),
    (
        "unary",
        lambda L, x: x.exp() + (x.abs() + 1).log() + x.abs().sqrt() + (x.abs() + 1).rsqrt(),
        [(6,)],
    ),
    ("trig", lambda L, x: x.sin() + x.cos() + x.tanh() + x.sigmoid() + L.erf(x), [(6,)]),
    (
        "rounding",
        lambda L, x: (x * 3).floor() + (x * 3).ceil() + (x * 3).round() + x.sign(),
        [(6,)],
    ),
    ("neg_reciprocal", lambda L, x: -x + (x.abs() + 1).reciprocal(), [(6,)]),
    ("clamp", lambda L, x: x.clamp(-0.5, 0.5) + x.clamp(min=0.1) + x.clamp(max=0.2), [(6,)]),
    ("clamp_tensor", lambda L, x, y: L.clamp(x, min=y - 1, max=y + 1), [(6,), (6,)]),
    (
        "max_min_where",
        lambda L, x, y: L.where(x > y, L.maximum(x, y), L.minimum(x, y)),
        [(6,), (6,)],
    ),
    (
        "compare",
        lambda L, x, y: (x == y).float() + (x != y).float() + (x <= y).float() + (x >= 0).float(),
        [(6,), (6,)],
    ),
    ("logical", lambda L, x, y: ((x > 0) & (y > 0) | ~(x > 1)).float(), [(6,), (6,)]),
    ("matmul", lambda L, x: x @ _c(L, W66) @ x.transpose(-1, -2), [(4, 6)]),
    ("einsum", lambda L, x: L.einsum("bij,jk->bik", x, _c(L, W66)), [(3, 6)]),
    ("reshape_flatten", lambda L, x: x.reshape(x.shape[0], 3, 8).flatten(1), [(4, 6)]),
    ("view_split_merge", lambda L, x: x.view(-1, 6).view(x.shape[0], 2, 2, 6).sum(1), [(4, 6)]),
    ("permute", lambda L, x: x.permute(0, 2, 3, 1).contiguous() * 2, [(2, 3, 4)]),
    ("unsqueeze_squeeze", lambda L, x: x.unsqueeze(1).unsqueeze(-1).squeeze(-1) + 1, [(6,)]),
    ("expand", lambda L, x: x[:, :1].expand(-1, 4, 6) + x, [(4, 6)]),
    ("cat_stack", lambda L, x: L.cat([x, L.stack([x, x], 1).sum(1)], -1), [(3, 6)]),
    ("chunk_split", lambda L, x: sum(c.sum(-1) for c in x.chunk(3, -1)), [(3, 6)]),
    ("slices", lambda L, x: x[:, 1:, ::2] + x[:, :-1, 1::2] - x[..., 1:4, 0:6:2], [(4, 6)]),
    ("select", lambda L, x: x[:, 0] * x[:, -1, 2:3] + x[:, 1, None, 3], [(4, 6)]),
    (
        "index_tensor",
        lambda L, x: (
            x[:, L.tensor([0, 2, 3])].sum(1)
            + x.index_select(2, L.tensor([1, 4, 5, 0, 2, 3])).sum(1)
        ),
        [(4, 6)],
    ),
    ("gather", lambda L, x: x.gather(2, (x.abs() * 4).long().clamp(max=5)), [(4, 6)]),
    (
        "gather_traced_index",
        lambda L, x: x.gather(-1, x.argmax(-1, keepdim=True)) + x.max(1).values[:, None],
        [(4, 6)],
    ),
    ("flip_repeat", lambda L, x: x.flip(-1).repeat(1, 2, 1) + x.repeat(1, 2, 1), [(4, 6)]),
    ("pad", lambda L, x: L.nn.functional.pad(x, (1, 2, 0, 1), value=0.5), [(4, 6)]),
    ("tril_triu", lambda L, x: x.tril() + x.triu(1) * 2, [(6, 6)]),
    (
        "reductions",
        lambda L, x: x.sum(-1) + x.mean(1) + x.amax(1) + x.amin(-1) + x.prod(1),
        [(4, 4)],
    ),
    (
        "var_std",
        lambda L, x: x.var(-1) + x.std(1, keepdim=False) + x.var(-1, correction=0),
        [(4, 4)],
    ),
    (
        "argmax_max",
        lambda L, x: x.argmax(-1).float() + x.max(-1).values + x.argmin(1).float(),
        [(4, 4)],
    ),
    (
        "logsumexp_norm",
        lambda L, x: x.logsumexp(-1) + x.norm(dim=-1) + x.norm(p=1, dim=-1),
        [(4, 6)],
    ),
    ("cumsum", lambda L, x: x.cumsum(-1) + x.cumsum(1), [(4, 6)]),
    ("softmax", lambda L, x: x.softmax(-1) + x.log_softmax(1), [(4, 6)]),
    ("sum_all", lambda L, x: x * x.sum() + x.mean(), [(4, 6)]),
    ("cast", lambda L, x: (x * 4).long().float() + x.double().float(), [(6,)]),
    ("masked_fill", lambda L, x: x.masked_fill(x > 0.5, -1.0), [(6,)]),
    ("mm_t", lambda L, x: x.flatten(1).t().mm(x.flatten(1)) + 0 * x.sum(), [(2, 3)]),
    ("exp2_logs", lambda L, x: L.exp2(x) + (x.abs() + 1).log2() + (x.abs() + 1).log10(), [(6,)]),
    ("erfc_trunc_frac", lambda L, x: L.erfc(x) + (x * 3).trunc() + (x * 3).frac(), [(6,)]),
    (
        "finite_inf",
        lambda L, x: (x / (x > 0).float()).isinf().float() + x.isfinite().float(),
        [(6,)],
    ),
    ("fmod_remainder", lambda L, x: x.fmod(0.3) + x.remainder(0.3) + x // 0.3, [(6,)]),
    ("int_floor_ops", lambda L, x: ((x * 9).long() // 4 + (x * 9).long() % 4).float(), [(6,)]),
    (
        "shrink",
        lambda L, x: L.nn.functional.hardshrink(x) + L.nn.functional.softshrink(x, 0.3),
        [(6,)],
    ),
    ("logit_lerp", lambda L, x: x.sigmoid().logit(eps=1e-3) + x.lerp(x * 2, 0.3), [(6,)]),
    (
        "all_any",
        lambda L, x: (x > 0).all(-1).float() + (x > 1).any(1, keepdim=True).float() + x.any(-1),
        [(3, 3)],
    ),
    ("roll", lambda L, x: x.roll(2, -1) + x.roll((1, -1), (1, 2)), [(3, 4)]),
]

F_CASES = [
    ("gelu", lambda F, x: F.gelu(x) + F.gelu(x, approximate="tanh")),
    ("silu_mish", lambda F, x: F.silu(x) + F.mish(x)),
    ("softplus", lambda F, x: F.softplus(x) + F.softplus(x, beta=2.0, threshold=1.0)),
    ("elu_selu_celu", lambda F, x: F.elu(x, 0.5) + F.selu(x) + F.celu(x)),
    ("leaky_relu", lambda F, x: F.leaky_relu(x, 0.1) + F.relu(x)),
    ("hardtanh_relu6", lambda F, x: F.hardtanh(x * 3) + F.relu6(x * 9)),
    ("hard_sigmoid_swish", lambda F, x: F.hardsigmoid(x * 4) + F.hardswish(x * 4)),
    ("logsigmoid", lambda F, x: F.logsigmoid(x)),
    ("threshold", lambda F, x: F.threshold(x, 0.1, 2.0)),
    ("normalize", lambda F, x: F.normalize(x, dim=-1)),
    ("dropout_eval", lambda F, x: F.dropout(x, 0.5, training=False) * 2),
    ("prelu", lambda F, x: F.prelu(x, x.new_tensor([0.25]))),
]


@pytest.mark.parametrize(("fn", "shapes"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_op_matches_torch(fn, shapes):
    _check(fn, shapes)


@pytest.mark.parametrize("fn", [c[1] for c in F_CASES], ids=[c[0] for c in F_CASES])
def test_activation_matches_torch(fn):
    _check(lambda L, x: fn(L.nn.functional, x), [(6,)])


def _inputs(shapes, batch, seed):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((batch, *s)).astype(np.float32) for s in shapes]


def _check(fn, shapes, opset=None):
    xs = [ember.tensor(a) for a in _inputs(shapes, 2, 0)]
    names = [f"x{i}" for i in range(len(xs))]
    dyn = {n: {0: "batch"} for n in names}
    proto, session = export(Fn(fn), xs, names, dynamic_axes=dyn, opset_version=opset)
    for batch in (2, 5):
        arrays = _inputs(shapes, batch, batch)
        got = run(session, [ember.tensor(a) for a in arrays], names)
        want = as_tuple(fn(torch, *[torch.from_numpy(a) for a in arrays]))
        mine = as_tuple(fn(ember, *[ember.tensor(a) for a in arrays]))
        for g, w, m in zip(got, want, mine):
            np.testing.assert_allclose(g, w.numpy(), rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(g, m.numpy(), rtol=1e-5, atol=1e-5)
    return proto


def _nn(fn):
    return lambda L, *xs: fn(L.nn.functional, L, *xs)


LAYER_CASES = [
    ("conv1d", _nn(lambda F, L, x: F.conv1d(x, _c(L, K1), stride=2, padding=1)), [(2, 9)]),
    (
        "conv2d_bias_groups",
        _nn(lambda F, L, x: F.conv2d(x, _c(L, W34[:, :1]), _c(L, B4), padding=(1, 2), groups=1)),
        [(1, 7, 8)],
    ),
    (
        "conv2d_dilation_groups",
        _nn(lambda F, L, x: F.conv2d(x, _c(L, W34[:, :2]), dilation=2, groups=2, stride=(2, 1))),
        [(4, 9, 9)],
    ),
    ("conv2d_same", _nn(lambda F, L, x: F.conv2d(x, _c(L, W34), padding="same")), [(3, 6, 7)]),
    (
        "conv_transpose2d",
        _nn(
            lambda F, L, x: F.conv_transpose2d(x, _c(L, WT), stride=2, padding=1, output_padding=1)
        ),
        [(3, 5, 4)],
    ),
    ("max_pool1d", _nn(lambda F, L, x: F.max_pool1d(x, 3, 2, 1)), [(3, 10)]),
    (
        "max_pool2d",
        _nn(
            lambda F, L, x: (
                F.max_pool2d(x, 3, 2, 1, ceil_mode=True)
                + F.max_pool2d(x, 2, 2, dilation=1, ceil_mode=True)[..., :4, :4].mean()
            )
        ),
        [(3, 8, 8)],
    ),
    ("max_pool2d_dilation", _nn(lambda F, L, x: F.max_pool2d(x, 2, 1, dilation=2)), [(3, 7, 7)]),
    (
        "avg_pool2d",
        _nn(
            lambda F, L, x: (
                F.avg_pool2d(x, 3, 2, 1) + F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)
            )
        ),
        [(3, 8, 8)],
    ),
    ("avg_pool2d_ceil", _nn(lambda F, L, x: F.avg_pool2d(x, 2, 2, ceil_mode=True)), [(3, 7, 7)]),
    (
        "adaptive_avg_pool2d",
        _nn(lambda F, L, x: F.adaptive_avg_pool2d(x, 1) + F.adaptive_avg_pool2d(x, (2, 3)).mean()),
        [(3, 6, 6)],
    ),
    (
        "layer_norm",
        _nn(
            lambda F, L, x: (
                F.layer_norm(x, (6,))
                + F.layer_norm(x, (4, 6), _c(L, W66[:4]), _c(L, W66[2:])).sum()
            )
        ),
        [(4, 6)],
    ),
    ("group_norm", _nn(lambda F, L, x: F.group_norm(x, 2, _c(L, B4), _c(L, B4))), [(4, 3, 3)]),
    ("rms_norm", _nn(lambda F, L, x: F.rms_norm(x, (6,))), [(4, 6)]),
    (
        "batch_norm_eval",
        _nn(lambda F, L, x: F.batch_norm(x, _c(L, B4), _c(L, B4).abs() + 0.5, _c(L, B4), None)),
        [(4, 5)],
    ),
    ("embedding", _nn(lambda F, L, x: F.embedding((x.abs() * 3).long(), _c(L, EMB))), [(4,)]),
    ("linear_3d", _nn(lambda F, L, x: F.linear(x, _c(L, W66[:4]), _c(L, B4))), [(3, 6)]),
    ("sdpa", _nn(lambda F, L, q: F.scaled_dot_product_attention(q, q * 2, q + 1)), [(2, 5, 6)]),
    (
        "sdpa_causal",
        _nn(lambda F, L, q: F.scaled_dot_product_attention(q, q, q, is_causal=True)),
        [(2, 5, 6)],
    ),
    (
        "sdpa_masks",
        _nn(
            lambda F, L, q: (
                F.scaled_dot_product_attention(q, q, q, attn_mask=L.tril(L.ones(5, 5)) > 0)
                + F.scaled_dot_product_attention(q, q, q, attn_mask=_c(L, W66[:5, :5]), scale=0.3)
            )
        ),
        [(2, 5, 6)],
    ),
    (
        "interp_nearest",
        _nn(
            lambda F, L, x: F.interpolate(x, scale_factor=2) + F.interpolate(x, size=(5, 7)).mean()
        ),
        [(3, 4, 5)],
    ),
    (
        "interp_bilinear",
        _nn(
            lambda F, L, x: (
                F.interpolate(x, scale_factor=2, mode="bilinear")
                + F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)
            )
        ),
        [(3, 4, 5)],
    ),
    (
        "interp_sizes",
        _nn(lambda F, L, x: F.interpolate(x, size=(7, 3), mode="bilinear")),
        [(3, 4, 5)],
    ),
    (
        "interp_nearest_exact",
        _nn(lambda F, L, x: F.interpolate(x, size=(7, 9), mode="nearest-exact")),
        [(3, 4, 5)],
    ),
    ("bicubic", _nn(lambda F, L, x: F.interpolate(x, scale_factor=2, mode="bicubic")), [(3, 4, 5)]),
]


@pytest.mark.parametrize(
    ("fn", "shapes"), [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES]
)
def test_layer_op_matches_torch(fn, shapes):
    _check(fn, shapes)


@pytest.mark.parametrize("opset", [17, 18, 20])
def test_opsets(opset):
    proto = _check(lambda L, x: L.nn.functional.gelu(x).mean(-1) + x.amax(-1), [(3, 6)], opset)
    assert proto.opset_import[0].version == opset
    assert ("Gelu" in [n.op_type for n in proto.graph.node]) == (opset >= 20)
