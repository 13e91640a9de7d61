"""F.scaled_dot_product_attention, F.multi_head_attention_forward and MultiheadAttention against
torch: outputs, attention weights, input and parameter gradients with identical weights;
float64 gradcheck / gradgradcheck of the fused attention primitive; PyTorch's errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import attention as EA
from ember.nn.modules.activation import MultiheadAttention

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(11)
TOL = {"rtol": 1e-4, "atol": 1e-5}


def arr(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def bools(*shape, p=0.3):
    return RNG.random(shape) < p


def F(lib):
    return EA if lib is ember else torch.nn.functional


def sdpa(lib, *args, **kw):
    return F(lib).scaled_dot_product_attention(*args, **kw)


# ---------------------------------------------------------------------------- SDPA


@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)),  # (N, H, L, E)
        ((3, 4, 8), (3, 5, 8), (3, 5, 6)),  # (N, L, E)
        ((4, 8), (5, 8), (5, 6)),  # unbatched
        ((2, 3, 4, 8), (1, 5, 8), (5, 6)),  # broadcast batch dims
        ((2, 1, 1, 3), (2, 1, 1, 3), (2, 1, 1, 2)),  # single key
    ],
)
def test_sdpa_matches_torch(shapes):
    check(sdpa, *(arr(*s) for s in shapes), **TOL)


@pytest.mark.parametrize("causal", [False, True])
def test_sdpa_scale_and_causal_with_l_ne_s(causal):
    # causal with L != S: PyTorch's mask is the top-left aligned lower triangle
    check(
        lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=causal, scale=0.37),
        arr(2, 6, 4),
        arr(2, 4, 4),
        arr(2, 4, 3),
        **TOL,
    )


@pytest.mark.parametrize("mask_shape", [(4, 5), (2, 1, 4, 5), (3, 1, 5)])
def test_sdpa_bool_mask(mask_shape):
    m = bools(*mask_shape, p=0.6)
    check(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m),
        arr(2, 3, 4, 8),
        arr(2, 3, 5, 8),
        arr(2, 3, 5, 6),
        m,
        **TOL,
    )


def test_sdpa_float_mask_gets_a_gradient():
    check(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, m),
        arr(2, 3, 4, 8),
        arr(2, 3, 5, 8),
        arr(2, 3, 5, 6),
        arr(3, 4, 5),
        **TOL,
    )


def test_sdpa_fully_masked_rows_give_zeros():
    # a row with nothing to attend to: zeros (PyTorch's safe softmax), zero gradients
    m = np.ones((4, 5), bool)
    m[1] = False
    mf = np.where(m, 0.0, -np.inf).astype(np.float32)
    check(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m),
        arr(2, 4, 8),
        arr(2, 5, 8),
        arr(2, 5, 6),
        m,
        **TOL,
    )
    check(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m.detach()),
        arr(2, 4, 8),
        arr(2, 5, 8),
        arr(2, 5, 6),
        mf,
        **TOL,
    )


def test_sdpa_gqa_and_float32_mask_with_float64_inputs():
    check(
        lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True),
        arr(2, 6, 4, 8),
        arr(2, 2, 5, 8),
        arr(2, 3, 5, 6),
        **TOL,
    )
    check(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, m.detach()),
        arr(2, 4, 3, dtype=np.float64),
        arr(2, 5, 3, dtype=np.float64),
        arr(2, 5, 2, dtype=np.float64),
        arr(4, 5),
    )


def test_sdpa_non_contiguous_and_tensor_used_twice():
    check(lambda lib, x, v: sdpa(lib, x.mT, x.mT, v[:, ::2]), arr(2, 8, 5), arr(2, 10, 3), **TOL)


def test_sdpa_empty():
    check(sdpa, arr(2, 0, 8), arr(2, 5, 8), arr(2, 5, 6))
    check(sdpa, arr(2, 4, 8), arr(2, 0, 8), arr(2, 0, 6))


def test_sdpa_gradcheck():
    m = np.array([[True, False, True], [False, False, False]])
    check_gradcheck(
        lambda lib, q, k, v: sdpa(lib, q, k, v), arr(1, 2, 3), arr(1, 3, 3), arr(1, 3, 2)
    )
    check_gradcheck(
        lambda lib, q, k, v, b: sdpa(lib, q, k, v, b, scale=0.7),
        arr(2, 3),
        arr(3, 3),
        arr(3, 2),
        arr(2, 3),
    )
    check_gradcheck(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m), arr(2, 3), arr(3, 3), arr(3, 2), m
    )
    check_gradcheck(
        lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True), arr(3, 2), arr(3, 2), arr(3, 2)
    )
    check_gradcheck(lambda lib, x: sdpa(lib, x, x, x), arr(1, 3, 2))


@pytest.mark.parametrize("kw", [{"is_causal": True}, {"attn_mask": "bool"}, {"attn_mask": "float"}])
def test_sdpa_create_graph_gradients_match_torch(kw):
    # with create_graph the probabilities are recomputed from ember ops: same first gradients
    q, k, v, cot = arr(2, 4, 3), arr(2, 4, 3), arr(2, 4, 2), arr(2, 4, 2)
    m = np.array([[True, False, True, True]] * 3 + [[False] * 4])
    if kw.get("attn_mask") == "float":
        m = np.where(m, arr(4, 4), -np.inf).astype(np.float32)
    res = []
    for lib in (ember, torch):
        ins = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        extra = {"attn_mask": lib.tensor(m)} if "attn_mask" in kw else kw
        out = sdpa(lib, *ins, **extra)
        res.append(lib.autograd.grad(out, ins, lib.tensor(cot), create_graph=True))
    for i, (ge, gt) in enumerate(zip(*res)):
        assert ge.requires_grad
        assert_same(ge, gt, **TOL, what=f"grad {i}")


def test_attention_with_weights_primitive_gradgradcheck():
    # the need_weights path of MultiheadAttention: two differentiable outputs, plain softmax
    from ember.ops.prims.attention import _attention_with_weights

    def fn(lib, q, k, v, m):
        return _attention_with_weights(
            q, k, v, m, scale=0.6, causal=False, has_mask=True, has_noise=False, safe=False
        )

    check_gradcheck(fn, arr(2, 3), arr(3, 3), arr(3, 2), arr(2, 3))


def test_sdpa_dropout():
    q, k, v = (ember.tensor(arr(4, 64, 8)) for _ in range(3))
    full = EA.scaled_dot_product_attention(q, k, v)
    ember.manual_seed(3)
    a = EA.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    ember.manual_seed(3)
    b = EA.scaled_dot_product_attention(q, k, v, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # reproducible under the seed
    assert not np.allclose(a.numpy(), full.numpy())
    # unbiased: the mean over many draws approaches the output without dropout
    draws = [EA.scaled_dot_product_attention(q, k, v, dropout_p=0.5).numpy() for _ in range(60)]
    err = np.abs(np.mean(draws, 0) - full.numpy()).mean()
    assert err < 0.1 * np.abs(full.numpy()).mean() + 0.02
    zero = EA.scaled_dot_product_attention(q, k, v, dropout_p=1.0)
    assert float(zero.abs().sum()) == 0.0


def test_sdpa_dropout_gradcheck():
    # a fixed draw (seeded) keeps the function deterministic for the numerical gradient
    def fn(lib, q, k, v):
        ember.manual_seed(5)
        return sdpa(lib, q, k, v, dropout_p=0.4)

    check_gradcheck(fn, arr(3, 2), arr(3, 2), arr(3, 2))


@pytest.mark.parametrize(
    "args",
    [
        ((8,), (8,), (8,), {}),
        ((2, 4, 8), (2, 5, 7), (2, 5, 6), {}),
        ((2, 4, 8), (2, 5, 8), (2, 4, 6), {}),
        ((2, 4, 8), (3, 5, 8), (3, 5, 6), {}),
        ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), {"attn_mask": (3, 5)}),
        ((2, 4, 5), (2, 5, 5), (2, 5, 6), {"attn_mask": (3, 2, 4, 5)}),
        ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"attn_mask": (4, 5), "is_causal": True}),
        ((2, 4, 8), (2, 5, 8), (2, 5, 6), {"dropout_p": 1.5}),
        ((2, 6, 4, 8), (2, 4, 5, 8), (2, 4, 5, 6), {"enable_gqa": True}),
    ],
)
def test_sdpa_errors(args):
    qs, ks, vs, kw = args
    kw = {n: (arr(*val) if n == "attn_mask" else val) for n, val in kw.items()}
    check_error(
        lambda lib, q, k, v: sdpa(
            lib,
            q,
            k,
            v,
            **{
                n: (lib.tensor(val) if isinstance(val, np.ndarray) else val)
                for n, val in kw.items()
            },
        ),
        arr(*qs),
        arr(*ks),
        arr(*vs),
    )


def test_sdpa_dtype_errors():
    msg = check_error(sdpa, arr(2, 4, 8), arr(2, 5, 8, dtype=np.float64), arr(2, 5, 6))
    assert "query.dtype: float key.dtype: double" in msg
    msg = check_error(
        lambda lib, q, k, v, m: sdpa(lib, q, k, v, m),
        arr(2, 4, 8),
        arr(2, 5, 8),
        arr(2, 5, 6),
        np.zeros((4, 5), np.int64),
    )
    assert "attn_mask.dtype: long int" in msg
    check_error(
        sdpa,
        np.ones((2, 4, 8), np.int64),
        np.ones((2, 5, 8), np.int64),
        np.ones((2, 5, 6), np.int64),
    )


# ---------------------------------------------------------------------------- MHA module


def pair(*args, **kwargs):
    """The same MultiheadAttention in torch and ember (weights copied through NumPy)."""
    t = torch.nn.MultiheadAttention(*args, **kwargs)
    if t.bias_k is not None:
        with torch.no_grad():  # non-zero biases, so that their gradients mean something
            t.in_proj_bias.normal_()
            t.out_proj.bias.normal_()
    e = MultiheadAttention(*args, **kwargs)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def compare_mha(e, t, inputs, masks=None, train=True, **kw):
    """Run both modules on the same inputs (the names in ``inputs`` say which are the same
    tensor), compare outputs, weights, input gradients and every parameter's gradient."""
    e.train(train)
    t.train(train)
    masks = masks or {}
    arrays = {name: arr(*shape) for name, shape in inputs.items() if shape is not None}
    outs = {}
    for lib, mod in ((ember, e), (torch, t)):
        tensors = {n: lib.tensor(a, requires_grad=True) for n, a in arrays.items()}
        q = tensors["q"]
        k = tensors.get("k", q)
        v = tensors.get("v", k)
        m = {n: (lib.tensor(a) if isinstance(a, np.ndarray) else a) for n, a in masks.items()}
        out, w = mod(q, k, v, **m, **kw)
        outs[lib] = (out, w, tensors, mod)
    (eo, ew, et, em), (to, tw, tt, tm) = outs[ember], outs[torch]
    assert_same(eo, to, **TOL, what="attn_output")
    if tw is None:
        assert ew is None
    else:
        assert_same(ew, tw, **TOL, what="attn_weights")
    cot = arr(*to.shape)
    loss_t = (to * torch.tensor(cot)).sum()
    loss_e = (eo * ember.tensor(cot)).sum()
    if tw is not None:  # the weights are differentiable outputs too
        wc = arr(*tw.shape)
        loss_t = loss_t + (tw * torch.tensor(wc)).sum()
        loss_e = loss_e + (ew * ember.tensor(wc)).sum()
    loss_t.backward()
    loss_e.backward()
    for n in arrays:
        assert_same(et[n].grad, tt[n].grad, **TOL, what=f"grad of {n}")
    for (ne, pe), (nt, pt) in zip(em.named_parameters(), tm.named_parameters()):
        assert ne == nt
        assert_same(pe.grad, pt.grad, **TOL, what=f"grad of {ne}")


SELF = {"q": (5, 3, 8)}
SELF_BF = {"q": (3, 5, 8)}
CROSS = {"q": (4, 3, 8), "k": (6, 3, 8)}
QKV = {"q": (4, 3, 8), "k": (6, 3, 8), "v": (6, 3, 8)}


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_self_attention(batch_first, need_weights):
    e, t = pair(8, 2, batch_first=batch_first)
    compare_mha(e, t, SELF_BF if batch_first else SELF, need_weights=need_weights)


@pytest.mark.parametrize("inputs", [CROSS, QKV])
@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_cross_attention(inputs, batch_first):
    e, t = pair(8, 4, batch_first=batch_first)
    if batch_first:
        inputs = {n: (s[1], s[0], s[2]) for n, s in inputs.items()}
    compare_mha(e, t, inputs)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_kdim_vdim(need_weights):
    e, t = pair(8, 2, kdim=5, vdim=3)
    compare_mha(e, t, {"q": (4, 3, 8), "k": (6, 3, 5), "v": (6, 3, 3)}, need_weights=need_weights)


@pytest.mark.parametrize("add_bias_kv", [False, True])
@pytest.mark.parametrize("add_zero_attn", [False, True])
def test_mha_bias_kv_and_zero_attn_with_masks(add_bias_kv, add_zero_attn):
    e, t = pair(8, 2, add_bias_kv=add_bias_kv, add_zero_attn=add_zero_attn)
    masks = {"key_padding_mask": bools(3, 6), "attn_mask": bools(4, 6, p=0.2)}
    compare_mha(e, t, CROSS, masks)
    compare_mha(e, t, CROSS, masks, need_weights=False)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_mha_key_padding_mask(kind):
    kpm = bools(3, 5)
    kpm[:, 0] = False
    if kind == "float":
        kpm = np.where(kpm, -np.inf, RNG.standard_normal(kpm.shape)).astype(np.float32)
    e, t = pair(8, 2)
    compare_mha(e, t, SELF, {"key_padding_mask": kpm})
    compare_mha(e, t, SELF, {"key_padding_mask": kpm}, need_weights=False)


@pytest.mark.parametrize("mask", ["bool2d", "float2d", "bool3d", "float3d"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_attn_mask(mask, need_weights):
    shape = (5, 5) if mask.endswith("2d") else (3 * 2, 5, 5)
    m = bools(*shape)
    if mask.startswith("float"):
        m = np.where(m, -np.inf, RNG.standard_normal(shape)).astype(np.float32)
    e, t = pair(8, 2)
    compare_mha(e, t, SELF, {"attn_mask": m}, need_weights=need_weights)


def test_mha_both_masks_and_average_off():
    e, t = pair(8, 2)
    kpm = bools(3, 5)
    kpm[:, 0] = False
    compare_mha(
        e, t, SELF, {"attn_mask": bools(5, 5), "key_padding_mask": kpm}, average_attn_weights=False
    )


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_causal(need_weights):
    e, t = pair(8, 2, batch_first=True)
    causal = np.triu(np.ones((5, 5), bool), 1)
    compare_mha(e, t, SELF_BF, {"attn_mask": causal}, is_causal=True, need_weights=need_weights)


def test_mha_fully_masked_rows():
    # need_weights=True uses a plain softmax (NaN rows), need_weights=False SDPA (zero rows)
    e, t = pair(8, 2)
    e.eval()
    t.eval()
    kpm = np.zeros((3, 5), bool)
    kpm[1] = True
    for need in (True, False):
        x = arr(5, 3, 8)
        eo, ew = e(*(ember.tensor(x),) * 3, key_padding_mask=ember.tensor(kpm), need_weights=need)
        to, tw = t(*(torch.tensor(x),) * 3, key_padding_mask=torch.tensor(kpm), need_weights=need)
        assert_same(eo, to, **TOL)
        if need:
            assert_same(ew, tw, **TOL)


def test_mha_unbatched():
    e, t = pair(8, 2, batch_first=True)
    compare_mha(e, t, {"q": (5, 8)}, {"key_padding_mask": bools(5, p=0.2)})
    compare_mha(
        e,
        t,
        {"q": (4, 8), "k": (6, 8)},
        {"attn_mask": bools(2, 4, 6, p=0.2)},
        average_attn_weights=False,
    )
    compare_mha(e, t, {"q": (4, 8), "k": (6, 8)}, need_weights=False)


def test_mha_without_bias_and_eval_mode():
    e, t = pair(8, 2, bias=False)
    compare_mha(e, t, CROSS, train=False)
    e, t = pair(8, 2, dropout=0.5)  # dropout is off in eval mode
    compare_mha(e, t, SELF, train=False)


def test_mha_eval_fast_path_no_grad():
    # torch's fused inference path (batch_first self-attention without grad)
    e, t = pair(8, 2, batch_first=True)
    e.eval()
    t.eval()
    x = arr(3, 5, 8)
    kpm = bools(3, 5)
    kpm[:, 0] = False
    with torch.no_grad(), ember.no_grad():
        eo, ew = e(*(ember.tensor(x),) * 3, key_padding_mask=ember.tensor(kpm))
        to, tw = t(*(torch.tensor(x),) * 3, key_padding_mask=torch.tensor(kpm))
    assert_same(eo, to, **TOL)
    assert_same(ew, tw, **TOL)


def test_mha_dropout_in_training():
    e = MultiheadAttention(8, 2, dropout=0.5)
    x = ember.tensor(arr(5, 3, 8))
    ember.manual_seed(1)
    a, wa = e(x, x, x)
    ember.manual_seed(1)
    b, _ = e(x, x, x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    e.eval()
    c, wc = e(x, x, x)
    assert not np.allclose(a.detach().numpy(), c.detach().numpy())
    # the returned weights are the dropped-out ones, as in torch: zeros appear
    assert (wa.detach().numpy() == 0).any() and not (wc.detach().numpy() == 0).any()


def test_mha_functional_form():
    e, t = pair(8, 2)

    def fn(lib, q, k):
        m = e if lib is ember else t
        return F(lib).multi_head_attention_forward(
            q,
            k,
            k,
            8,
            2,
            m.in_proj_weight,
            m.in_proj_bias,
            None,
            None,
            False,
            0.0,
            m.out_proj.weight,
            m.out_proj.bias,
            training=True,
            need_weights=True,
        )

    check(fn, arr(4, 3, 8), arr(6, 3, 8), **TOL)


def test_mha_functional_static_kv():
    e, t = pair(8, 2)
    sk, sv = arr(6, 7, 4), arr(6, 7, 4)

    def fn(lib, q, sk, sv):
        m = e if lib is ember else t
        return F(lib).multi_head_attention_forward(
            q,
            q,
            q,
            8,
            2,
            m.in_proj_weight,
            m.in_proj_bias,
            None,
            None,
            False,
            0.0,
            m.out_proj.weight,
            m.out_proj.bias,
            static_k=sk,
            static_v=sv,
        )

    check(fn, arr(4, 3, 8), sk, sv, **TOL)


def test_mha_gradcheck_float64():
    e = MultiheadAttention(4, 2, add_bias_kv=True, dtype=ember.float64)
    params = [p for p in e.parameters()]

    def f(x, *ps):
        return e(x, x, x, attn_mask=ember.tensor([[False, True], [False, False]]))

    x = ember.tensor(arr(2, 1, 4, dtype=np.float64), requires_grad=True)
    assert ember.autograd.gradcheck(f, (x, *params))


# ---------------------------------------------------------------------------- module basics


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"kdim": 5, "vdim": 3},
        {"add_bias_kv": True},
        {"bias": False},
        {"batch_first": True, "dropout": 0.1},
    ],
)
def test_mha_parameters_repr_and_init(kw):
    e, t = MultiheadAttention(8, 2, **kw), torch.nn.MultiheadAttention(8, 2, **kw)
    assert repr(e) == repr(t)
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in t.named_parameters()
    ]
    assert list(e.state_dict()) == list(t.state_dict())
    if e.in_proj_bias is not None:
        assert float(e.in_proj_bias.abs().sum()) == 0 and float(e.out_proj.bias.abs().sum()) == 0
    w = e.in_proj_weight if e.in_proj_weight is not None else e.q_proj_weight
    bound = np.sqrt(6 / (w.shape[0] + w.shape[1]))
    assert 0.5 * bound < float(w.abs().max()) <= bound
    assert type(e.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
    assert isinstance(e.out_proj, ember.nn.Linear)


def test_mha_constructor_errors():
    for args in ((0, 2), (8, -1)):
        with pytest.raises(ValueError) as ee:
            MultiheadAttention(*args)
        with pytest.raises(ValueError) as te:
            torch.nn.MultiheadAttention(*args)
        assert str(ee.value) == str(te.value)
    with pytest.raises(AssertionError, match="divisible"):
        MultiheadAttention(8, 3)


@pytest.mark.parametrize(
    "case",
    [
        "q1d",
        "kdim",
        "kpm3d",
        "mask4d",
        "mask_shape",
        "mask3d_shape",
        "kpm_shape",
        "kv_len",
        "int_mask",
        "causal_no_mask",
    ],
)
def test_mha_errors(case):
    x = arr(5, 3, 8)
    kw = {}
    q = k = x
    if case == "q1d":
        q = k = arr(8)
    elif case == "kdim":
        k = arr(5, 3, 6)
    elif case == "kpm3d":
        kw["key_padding_mask"] = bools(3, 5, 1)
    elif case == "mask4d":
        kw["attn_mask"] = bools(1, 6, 5, 5)
    elif case == "mask_shape":
        kw["attn_mask"] = bools(4, 5)
    elif case == "mask3d_shape":
        kw["attn_mask"] = bools(3, 5, 5)
    elif case == "kpm_shape":
        kw["key_padding_mask"] = bools(2, 5)
    elif case == "kv_len":
        k = arr(6, 3, 8)
    elif case == "int_mask":
        kw["attn_mask"] = np.zeros((5, 5), np.int64)
    elif case == "causal_no_mask":
        kw["is_causal"] = True
    v = k if case != "kv_len" else x

    def fn(lib, q, k, v, **masks):
        mod = (MultiheadAttention if lib is ember else torch.nn.MultiheadAttention)(8, 2)
        return mod(
            q,
            k,
            v,
            **{n: lib.tensor(m) if isinstance(m, np.ndarray) else m for n, m in masks.items()},
        )

    e_msg = check_error(fn, q, k, v, **kw)
    try:
        fn(torch, *(torch.tensor(a) for a in (q, k, v)), **kw)
    except Exception as te:  # noqa: BLE001 - compare with whatever torch says
        assert e_msg.replace("ember.Size", "torch.Size") == str(te)


def test_mha_mismatched_mask_types_warn_like_torch():
    kpm, mask = bools(3, 5), np.zeros((5, 5), np.float32)
    kpm[:, 0] = False
    for lib, cls in ((ember, MultiheadAttention), (torch, torch.nn.MultiheadAttention)):
        x = lib.tensor(arr(5, 3, 8))
        with pytest.warns(
            UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"
        ):
            cls(8, 2)(x, x, x, key_padding_mask=lib.tensor(kpm), attn_mask=lib.tensor(mask))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MultiheadAttention(8, 2)(
            *(ember.tensor(arr(5, 3, 8)),) * 3, key_padding_mask=ember.tensor(kpm)
        )
