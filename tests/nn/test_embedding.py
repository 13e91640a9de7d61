"""Embedding and EmbeddingBag against torch: lookups, gradients (padding_idx, frequency scaling,
per-sample weights), in-place max_norm renormalization, bag modes and offsets, modules, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import embedding as EF
from ember.nn.modules import sparse as ES

from ..oracle import assert_same, check, check_error, check_gradcheck

RNG = np.random.default_rng(3)


def F(lib):
    return EF if lib is ember else torch.nn.functional


def W(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


IDX = np.array([[1, 2, 1], [0, 5, 2]])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding_idx": 1},
        {"padding_idx": -1},
        {"scale_grad_by_freq": True},
        {"padding_idx": 2, "scale_grad_by_freq": True},
    ],
)
@pytest.mark.parametrize(
    "idx", [IDX, IDX.astype(np.int32), np.array(3), np.array([4, 4, 0]), np.zeros((0, 2), np.int64)]
)
def test_embedding_forward_and_weight_grad(idx, kwargs):
    check(lambda lib, w, i: F(lib).embedding(i, w, **kwargs), W(6, 3), idx)


def test_embedding_non_contiguous_weight_and_used_twice():
    check(
        lambda lib, w, i: F(lib).embedding(i, w.mT) * F(lib).embedding(i.flip(0), w.mT),
        W(3, 6),
        IDX,
    )


def test_embedding_gradcheck_and_gradgradcheck():
    check_gradcheck(
        lambda lib, w, i: F(lib).embedding(i, w), W(4, 2), np.array([[1, 3, 1], [0, 1, 3]])
    )


@pytest.mark.parametrize("kwargs", [{"padding_idx": 1}, {"padding_idx": 3}])
def test_embedding_modified_gradient_is_twice_differentiable(kwargs):
    # padding_idx alters the gradient on purpose (it is not the Jacobian), so only the double
    # backward of that gradient is checked numerically. (With scale_grad_by_freq PyTorch's double
    # backward leaves the scaling to the first backward, which ember copies; that is not the exact
    # derivative in the cotangent, so it is not gradgradchecked.)
    idx = ember.tensor([[1, 3, 1], [0, 1, 3]])
    w = ember.tensor(W(4, 2, dtype=np.float64), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda t: EF.embedding(idx, t, **kwargs) ** 2, (w,))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_max_norm_renormalizes_looked_up_rows_in_place(norm_type):
    w = W(6, 3) * 3
    ew, tw = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ye = EF.embedding(ember.tensor(IDX), ew, max_norm=1.5, norm_type=norm_type)
    yt = torch.nn.functional.embedding(torch.tensor(IDX), tw, max_norm=1.5, norm_type=norm_type)
    assert_same(ew, tw, what="renormalized weight")
    assert_same(ye, yt)
    assert np.allclose(ew.detach().numpy()[[3, 4]], w[[3, 4]])  # rows not looked up untouched
    ye.sum().backward()
    yt.sum().backward()
    assert_same(ew.grad, tw.grad)


EMBEDDING_ERRORS = [
    (lambda lib, w: F(lib).embedding(lib.tensor([6]), w)),
    (lambda lib, w: F(lib).embedding(lib.tensor([[0, -1]]), w)),
    (lambda lib, w: F(lib).embedding(lib.tensor([1.0]), w)),
    (lambda lib, w: F(lib).embedding(lib.tensor([1]), w[0])),
    (lambda lib, w: F(lib).embedding(lib.tensor([1]), w.reshape(2, 3, 3))),
    (lambda lib, w: F(lib).embedding(lib.tensor([1]), w, padding_idx=6)),
    (lambda lib, w: F(lib).embedding(lib.tensor([1]), w, padding_idx=-7)),
]


@pytest.mark.parametrize("k", range(len(EMBEDDING_ERRORS)))
def test_embedding_errors_match_torch(k):
    fn = EMBEDDING_ERRORS[k]
    try:
        fn(torch, torch.tensor(W(6, 3)))
    except Exception as e:  # noqa: BLE001 - compare whatever torch raises
        expected = str(e)
    assert check_error(fn, W(6, 3)) == expected


# ---------------------------------------------------------------------------- embedding_bag

FLAT = np.array([1, 2, 4, 4, 3, 2, 0])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
@pytest.mark.parametrize("padding_idx", [None, 2, -4])
@pytest.mark.parametrize(
    "offsets,last",
    [
        (np.array([0, 2, 2, 5]), False),
        (np.array([0, 2, 2, 5, 7]), True),
        (np.array([0, 3, 7]), True),
    ],
)
def test_embedding_bag_modes_offsets_padding(mode, padding_idx, offsets, last):
    check(
        lambda lib, w, i, o: F(lib).embedding_bag(
            i, w, o, mode=mode, padding_idx=padding_idx, include_last_offset=last
        ),
        W(6, 3),
        FLAT,
        offsets,
    )


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_2d_input_and_int32(mode):
    check(lambda lib, w, i: F(lib).embedding_bag(i, w, mode=mode), W(6, 3), IDX)
    check(
        lambda lib, w, i, o: F(lib).embedding_bag(i, w, o, mode=mode),
        W(6, 3),
        FLAT.astype(np.int32),
        np.array([0, 4], dtype=np.int32),
    )


def test_embedding_bag_per_sample_weights_and_scale_grad():
    check(
        lambda lib, w, i, o, s: F(lib).embedding_bag(
            i, w, o, mode="sum", per_sample_weights=s, padding_idx=4
        ),
        W(6, 3),
        FLAT,
        np.array([0, 3]),
        W(7),
    )
    check(
        lambda lib, w, i, s: F(lib).embedding_bag(i, w, mode="sum", per_sample_weights=s),
        W(6, 3),
        IDX,
        W(2, 3),
    )


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_embedding_bag_scale_grad_by_freq_as_documented(mode):
    # torch's CPU kernel looks the counts up at the wrong rows (e.g. indices [0, 0, 1] give row 1
    # the gradient 0.5); ember follows the documentation: each lookup's gradient is divided by
    # its index's frequency in the mini-batch.
    w = ember.zeros(5, 1, requires_grad=True)
    idx, offsets = [1, 2, 4, 4, 3, 2, 0], [0, 3]
    EF.embedding_bag(
        ember.tensor(idx), w, ember.tensor(offsets), mode=mode, scale_grad_by_freq=True
    ).sum().backward()
    per_lookup = [1.0] * 7 if mode == "sum" else [1 / 3] * 3 + [1 / 4] * 4
    counts = np.bincount(idx)
    expected = np.zeros(5)
    for pos, i in enumerate(idx):
        expected[i] += per_lookup[pos] / counts[i]
    np.testing.assert_allclose(w.grad.numpy()[:, 0], expected, rtol=1e-6)


def test_embedding_bag_empty_inputs():
    check(
        lambda lib, w, i, o: F(lib).embedding_bag(i, w, o),
        W(6, 3),
        np.zeros(0, np.int64),
        np.array([0, 0]),
    )
    # (no bags at all: torch's backward crashes, so only values are compared)
    check(
        lambda lib, w, i, o: F(lib).embedding_bag(i, w, o),
        W(6, 3),
        FLAT,
        np.zeros(0, np.int64),
        grad=False,
    )


def test_embedding_bag_max_norm():
    w = W(6, 3) * 3
    ew, tw = ember.tensor(w), torch.tensor(w)
    ye = EF.embedding_bag(ember.tensor(FLAT), ew, ember.tensor([0, 3]), max_norm=1.0)
    yt = torch.nn.functional.embedding_bag(
        torch.tensor(FLAT), tw, torch.tensor([0, 3]), max_norm=1.0
    )
    assert_same(ye, yt)
    assert_same(ew, tw)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_gradcheck(mode):
    check_gradcheck(
        lambda lib, w, i, o: F(lib).embedding_bag(i, w, o, mode=mode, padding_idx=0),
        W(4, 2),
        np.array([1, 3, 0, 2, 2]),
        np.array([0, 2, 2]),
    )
    if mode == "sum":
        check_gradcheck(
            lambda lib, w, i, o, s: F(lib).embedding_bag(i, w, o, mode=mode, per_sample_weights=s),
            W(4, 2),
            np.array([1, 3, 1, 2]),
            np.array([0, 1]),
            W(4),
        )


BAG_ERRORS = [
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2, 3]), w, lib.tensor([1, 2])),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2, 3]), w, lib.tensor([0, 4])),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2, 7]), w, lib.tensor([0, 1])),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1.0, 2.0]), w, lib.tensor([0, 1])),
    lambda lib, w: F(lib).embedding_bag(
        lib.tensor([1, 2]), w, lib.tensor([0]), per_sample_weights=lib.ones(2), mode="mean"
    ),
    lambda lib, w: F(lib).embedding_bag(
        lib.tensor([1, 2]), w, lib.tensor([0]), per_sample_weights=lib.ones(3), mode="sum"
    ),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w, lib.tensor([0]), mode="foo"),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([[1, 2]]), w, lib.tensor([0])),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w, lib.tensor([[0]])),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([[[1, 2]]]), w),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w[0], lib.tensor([0])),
    lambda lib, w: F(lib).embedding_bag(
        lib.tensor([1, 2]), w, lib.tensor([0]), mode="max", scale_grad_by_freq=True
    ),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w, lib.tensor([0]), padding_idx=9),
    lambda lib, w: F(lib).embedding_bag(lib.tensor([1, 2]), w.long(), lib.tensor([0])),
    lambda lib, w: F(lib).embedding_bag(
        lib.tensor([1, 2]),
        w,
        lib.tensor([0]),
        mode="sum",
        per_sample_weights=lib.ones(2, dtype=lib.float64),
    ),
]


@pytest.mark.parametrize("k", range(len(BAG_ERRORS)))
def test_embedding_bag_errors_match_torch(k):
    fn = BAG_ERRORS[k]
    try:
        fn(torch, torch.tensor(W(6, 3)))
    except Exception as e:  # noqa: BLE001 - compare whatever torch raises
        expected = (
            str(e).replace("torch.Size", "ember.Size").replace("torch.Tensor", "ember.Tensor")
        )
    msg = check_error(fn, W(6, 3))
    if k != 2:  # torch's out-of-range message depends on its kernel; only the type is compared
        assert msg.replace("ember._tensor.Tensor", "ember.Tensor") == expected


# ---------------------------------------------------------------------------- modules


def _same_step(e_mod, t_mod, *inputs):
    ye = e_mod(*[ember.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
    yt = t_mod(*[torch.tensor(a) if isinstance(a, np.ndarray) else a for a in inputs])
    assert_same(ye, yt)
    c = W(*yt.shape)
    (ye * ember.tensor(c)).sum().backward()
    (yt * torch.tensor(c)).sum().backward()
    t_grad = t_mod.weight.grad
    assert_same(
        e_mod.weight.grad, t_grad.to_dense() if t_grad.is_sparse else t_grad, what="weight grad"
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"padding_idx": 2},
        {"padding_idx": -1},
        {"max_norm": 1.0, "norm_type": 1.0},
        {"scale_grad_by_freq": True},
        {"sparse": True},
    ],
)
def test_embedding_module(kwargs):
    e_mod, t_mod = ES.Embedding(6, 3, **kwargs), torch.nn.Embedding(6, 3, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    assert list(e_mod.state_dict()) == list(t_mod.state_dict()) == ["weight"]
    e_mod.load_state_dict({"weight": ember.tensor(t_mod.weight.detach().numpy())})
    _same_step(e_mod, t_mod, IDX)
    assert_same(e_mod.weight, t_mod.weight)


def test_embedding_default_init():
    m = ES.Embedding(2000, 50, padding_idx=3)
    w = m.weight.detach().numpy()
    assert np.all(w[3] == 0)
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01
    assert m.weight.requires_grad
    with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
        ES.Embedding(3, 2, padding_idx=3)


def test_embedding_from_pretrained():
    w = ember.tensor(W(4, 3))
    m = ES.Embedding.from_pretrained(w)
    assert not m.weight.requires_grad and m.weight.data_ptr() == w.data_ptr()
    assert m(ember.tensor([2])).tolist() == [w[2].tolist()]
    m = ES.Embedding.from_pretrained(w, freeze=False, padding_idx=1)
    assert m.weight.requires_grad and m.padding_idx == 1
    assert repr(m) == repr(torch.nn.Embedding.from_pretrained(torch.zeros(4, 3), padding_idx=1))
    with pytest.raises(AssertionError, match="expected to be 2-dimensional"):
        ES.Embedding.from_pretrained(ember.zeros(3))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mode": "sum", "padding_idx": 2},
        {"mode": "max", "max_norm": 2.0},
        {"include_last_offset": True, "norm_type": 3.0},
    ],
)
def test_embedding_bag_module(kwargs):
    e_mod, t_mod = ES.EmbeddingBag(6, 3, **kwargs), torch.nn.EmbeddingBag(6, 3, **kwargs)
    assert repr(e_mod) == repr(t_mod)
    e_mod.load_state_dict({"weight": ember.tensor(t_mod.weight.detach().numpy())})
    offsets = np.array([0, 2, 7]) if kwargs.get("include_last_offset") else np.array([0, 2])
    _same_step(e_mod, t_mod, FLAT, offsets)
    if kwargs.get("mode") == "sum":
        e_mod.weight.grad = None
        t_mod.weight.grad = None
        psw = W(7)
        _same_step(e_mod, t_mod, FLAT, np.array([0, 3]), psw)


def test_embedding_bag_from_pretrained():
    w = ember.tensor(W(4, 3))
    bag = ES.EmbeddingBag.from_pretrained(w, mode="max")
    assert not bag.weight.requires_grad and bag.mode == "max"
    assert repr(bag) == repr(torch.nn.EmbeddingBag.from_pretrained(torch.zeros(4, 3), mode="max"))
    out = bag(ember.tensor([[0, 1], [2, 3]]))
    assert out.tolist() == np.maximum(w.numpy()[[0, 2]], w.numpy()[[1, 3]]).tolist()
