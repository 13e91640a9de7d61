"""Transformer encoder/decoder layers, stacks and the full model against torch with identical
weights: outputs, input gradients and every parameter's gradient, train (dropout 0) and eval."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember
from ember.nn.modules import transformer as ET

from ..oracle import assert_same

RNG = np.random.default_rng(5)
TOL = {"rtol": 1e-4, "atol": 1e-5}
D, H, FF = 8, 2, 16


def arr(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def build(name, *args, **kwargs):
    """``name`` built in torch and ember with the same weights (copied through NumPy)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's enable_nested_tensor notice; tested below
        t = _make(torch, name, *args, **kwargs)
        e = _make(ember, name, *args, **kwargs)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def _make(lib, name, *args, **kwargs):
    mod = lib.nn if lib is torch else ET
    kwargs = {k: (v(lib) if callable(v) and k == "activation" else v) for k, v in kwargs.items()}
    if name == "TransformerEncoder":
        layer = mod.TransformerEncoderLayer(D, H, FF, dropout=0.0, **kwargs)
        norm = (torch.nn if lib is torch else ember.nn).LayerNorm(D)
        return mod.TransformerEncoder(layer, 2, norm)
    if name == "TransformerDecoder":
        layer = mod.TransformerDecoderLayer(D, H, FF, dropout=0.0, **kwargs)
        return mod.TransformerDecoder(
            layer, 2, (torch.nn if lib is torch else ember.nn).LayerNorm(D)
        )
    return getattr(mod, name)(*args, **kwargs)


def compare(e, t, inputs, masks=None, train=True, grad=True, **kw):
    """Both modules on the same inputs: outputs, input grads and all parameter grads."""
    e.train(train)
    t.train(train)
    masks = masks or {}
    res = {}
    for lib, mod in ((ember, e), (torch, t)):
        xs = [lib.tensor(a, requires_grad=grad) for a in inputs]
        m = {n: lib.tensor(a) for n, a in masks.items()}
        res[lib] = (mod(*xs, **m, **kw), xs)
    (eo, exs), (to, txs) = res[ember], res[torch]
    assert_same(eo, to, **TOL)
    if not grad:
        return
    cot = arr(*to.shape)
    (to * torch.tensor(cot)).sum().backward()
    (eo * ember.tensor(cot)).sum().backward()
    for i, (xe, xt) in enumerate(zip(exs, txs)):
        assert_same(xe.grad, xt.grad, **TOL, what=f"grad of input {i}")
    for (ne, pe), (nt, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert ne == nt
        assert_same(pe.grad, pt.grad, **TOL, what=f"grad of {ne}")


def padding(n, s):
    kpm = RNG.random((n, s)) < 0.3
    kpm[:, 0] = False
    return kpm


def causal(n):
    return np.triu(np.full((n, n), -np.inf, np.float32), 1)


# ---------------------------------------------------------------------------- encoder layer


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer(norm_first, activation, batch_first):
    e, t = build(
        "TransformerEncoderLayer",
        D,
        H,
        FF,
        dropout=0.0,
        activation=activation,
        batch_first=batch_first,
        norm_first=norm_first,
    )
    x = arr(3, 5, D) if batch_first else arr(5, 3, D)
    compare(e, t, [x], {"src_key_padding_mask": padding(3, 5)})
    compare(e, t, [x], {"src_mask": causal(5)}, is_causal=True)


def test_encoder_layer_callable_activation_no_bias_and_eps():
    e, t = build(
        "TransformerEncoderLayer",
        D,
        H,
        FF,
        dropout=0.0,
        bias=False,
        layer_norm_eps=1e-3,
        activation=lambda lib: (
            lib.nn.functional.silu if hasattr(lib.nn.functional, "silu") else lib.tanh
        ),
    )
    compare(e, t, [arr(5, 3, D)], {"src_mask": RNG.random((5, 5)) < 0.3})
    assert e.activation_relu_or_gelu == t.activation_relu_or_gelu == 0


def test_encoder_layer_unbatched_and_default_dropout_in_eval():
    e, t = build("TransformerEncoderLayer", D, H, FF)  # dropout 0.1, off in eval mode
    compare(e, t, [arr(5, D)], {"src_key_padding_mask": padding(1, 5)[0]}, train=False)


def test_encoder_layer_eval_fast_path_without_grad():
    e, t = build("TransformerEncoderLayer", D, H, FF, batch_first=True)
    with torch.no_grad(), ember.no_grad():
        compare(
            e, t, [arr(3, 5, D)], {"src_key_padding_mask": padding(3, 5)}, train=False, grad=False
        )
        compare(e, t, [arr(3, 5, D)], {"src_mask": causal(5)}, train=False, grad=False)


def test_encoder_layer_dropout_trains_and_is_seeded():
    e = ET.TransformerEncoderLayer(D, H, FF, dropout=0.5)
    x = ember.tensor(arr(5, 3, D))
    ember.manual_seed(2)
    a = e(x)
    ember.manual_seed(2)
    b = e(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    e.eval()
    assert not np.allclose(a.detach().numpy(), e(x).detach().numpy())


# ---------------------------------------------------------------------------- stacks


@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_stack(batch_first):
    e, t = build("TransformerEncoder", batch_first=batch_first)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    x = arr(3, 5, D) if batch_first else arr(5, 3, D)
    compare(e, t, [x], {"mask": causal(5)})
    compare(e, t, [x], {"src_key_padding_mask": padding(3, 5)})
    compare(e, t, [x], {"mask": causal(5)}, is_causal=True, train=False)


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors")
def test_encoder_stack_pads_with_zeros_in_inference():
    # torch's nested-tensor path: padded positions of the output are 0 before the final norm
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t_layer = torch.nn.TransformerEncoderLayer(D, H, FF, batch_first=True)
        e_layer = ET.TransformerEncoderLayer(D, H, FF, batch_first=True)
        t = torch.nn.TransformerEncoder(t_layer, 2)
        e = ET.TransformerEncoder(e_layer, 2)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    kpm = np.zeros((3, 5), bool)
    kpm[0, 3:] = kpm[2, 1:] = True  # left aligned
    with torch.no_grad(), ember.no_grad():
        compare(e, t, [arr(3, 5, D)], {"src_key_padding_mask": kpm}, train=False, grad=False)
    compare(e, t, [arr(3, 5, D)], {"src_key_padding_mask": kpm}, train=False)  # with grad


def test_decoder_stack():
    e, t = build("TransformerDecoder")
    compare(
        e,
        t,
        [arr(4, 3, D), arr(6, 3, D)],
        {"tgt_mask": causal(4), "memory_key_padding_mask": padding(3, 6)},
    )
    compare(e, t, [arr(4, 3, D), arr(6, 3, D)], {"tgt_mask": causal(4)}, tgt_is_causal=True)


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer(norm_first, batch_first):
    e, t = build(
        "TransformerDecoderLayer",
        D,
        H,
        FF,
        dropout=0.0,
        activation="gelu",
        batch_first=batch_first,
        norm_first=norm_first,
    )
    tgt, mem = (arr(3, 4, D), arr(3, 6, D)) if batch_first else (arr(4, 3, D), arr(6, 3, D))
    compare(
        e,
        t,
        [tgt, mem],
        {
            "tgt_mask": causal(4) != 0,
            "tgt_key_padding_mask": padding(3, 4),
            "memory_mask": RNG.random((4, 6)) < 0.2,
            "memory_key_padding_mask": padding(3, 6),
        },
    )


def test_decoder_layer_unbatched():
    e, t = build("TransformerDecoderLayer", D, H, FF, dropout=0.0)
    compare(e, t, [arr(4, D), arr(6, D)], {"tgt_mask": causal(4)})


# ---------------------------------------------------------------------------- full model


@pytest.mark.parametrize("batch_first", [False, True])
def test_transformer(batch_first):
    e, t = build("Transformer", D, H, 2, 1, FF, dropout=0.0, batch_first=batch_first)
    src, tgt = (arr(3, 6, D), arr(3, 4, D)) if batch_first else (arr(6, 3, D), arr(4, 3, D))
    masks = {
        "tgt_mask": causal(4),
        "src_key_padding_mask": padding(3, 6),
        "memory_key_padding_mask": padding(3, 6),
    }
    compare(e, t, [src, tgt], masks)
    compare(e, t, [src, tgt], masks, train=False)


def test_transformer_structure_repr_and_init():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = ET.Transformer(D, H, 2, 2, FF, activation="gelu", norm_first=True)
        t = torch.nn.Transformer(D, H, 2, 2, FF, activation="gelu", norm_first=True)
    assert repr(e) == repr(t)
    assert [(n, tuple(p.shape)) for n, p in e.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in t.named_parameters()
    ]
    assert "encoder.layers.0.self_attn.in_proj_weight" in e.state_dict()
    w = e.encoder.layers[1].linear1.weight  # xavier uniform for every matrix
    bound = np.sqrt(6 / (w.shape[0] + w.shape[1]))
    assert 0.5 * bound < float(w.abs().max()) <= bound
    # the deep copies are independent parameters
    assert e.encoder.layers[0].linear1.weight is not e.encoder.layers[1].linear1.weight


def test_generate_square_subsequent_mask():
    for args in ((4,), (1,), (3, None, ember.float64)):
        targs = tuple(torch.float64 if a is ember.float64 else a for a in args)
        assert_same(
            ET.Transformer.generate_square_subsequent_mask(*args),
            torch.nn.Transformer.generate_square_subsequent_mask(*targs),
        )


def test_nested_tensor_warning_like_torch():
    for mod in (ET, torch.nn):
        layer = mod.TransformerEncoderLayer(D, H, FF)
        with pytest.warns(
            UserWarning,
            match="enable_nested_tensor is True, but "
            "self.use_nested_tensor is False because "
            r"encoder_layer.self_attn.batch_first was not True",
        ):
            enc = mod.TransformerEncoder(layer, 1)
        assert enc.use_nested_tensor is False
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            mod.TransformerEncoder(layer, 1, enable_nested_tensor=False)


def test_errors_like_torch():
    for exc, fn in [
        (RuntimeError, lambda m: m.TransformerEncoderLayer(D, H, activation="tanh")),
        (
            RuntimeError,
            lambda m: m.Transformer(D, H, 1, 1, FF)(
                (ember if m is ET else torch).zeros(5, 3, D),
                (ember if m is ET else torch).zeros(4, 2, D),
            ),
        ),
        (
            RuntimeError,
            lambda m: m.Transformer(D, H, 1, 1, FF)(
                (ember if m is ET else torch).zeros(5, 3, D),
                (ember if m is ET else torch).zeros(4, 3, D + 2),
            ),
        ),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(exc) as te:
                fn(torch.nn)
            with pytest.raises(exc) as ee:
                fn(ET)
        assert str(ee.value) == str(te.value)
