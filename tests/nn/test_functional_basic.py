"""nn.functional basics: in-place variants, second derivatives, implicit softmax dim, rrelu,
autograd bookkeeping of the fused kernels, all against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from tests.oracle import assert_same, check

RNG = np.random.default_rng(7)


def rand(*shape, low=-3.0, high=3.0, dtype=np.float64):
    return RNG.uniform(low, high, size=shape).astype(dtype)


def TF(m):
    return m.nn.functional


# ---------------------------------------------------------------------------- in-place

INPLACE = [
    ("relu", lambda f, x: f.relu(x, inplace=True)),
    ("relu_", lambda f, x: f.relu_(x)),
    ("relu6", lambda f, x: f.relu6(x, inplace=True)),
    ("hardtanh_", lambda f, x: f.hardtanh_(x, -0.5, 0.5)),
    ("elu", lambda f, x: f.elu(x, 0.5, inplace=True)),
    ("elu_", lambda f, x: f.elu_(x)),
    ("selu", lambda f, x: f.selu(x, inplace=True)),
    ("celu_", lambda f, x: f.celu_(x, 2.0)),
    ("leaky_relu_", lambda f, x: f.leaky_relu_(x, 0.3)),
    ("rrelu_eval", lambda f, x: f.rrelu(x, inplace=True)),
    ("threshold", lambda f, x: f.threshold(x, 0.2, -1.0, inplace=True)),
    ("threshold_", lambda f, x: f.threshold_(x, 0.2, -1.0)),
    ("silu", lambda f, x: f.silu(x, inplace=True)),
    ("mish", lambda f, x: f.mish(x, inplace=True)),
    ("hardsigmoid", lambda f, x: f.hardsigmoid(x, inplace=True)),
    ("hardswish", lambda f, x: f.hardswish(x, inplace=True)),
]


@pytest.mark.parametrize("case", INPLACE, ids=[c[0] for c in INPLACE])
def test_inplace_matches_torch(case):
    _, fn = case
    a = rand(3, 4)
    outs = {}
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 1.5  # a non-leaf, which may be modified in place
        before = y._version
        out = fn(TF(m), y)
        assert out is y
        assert y._version > before
        cot = m.tensor(np.linspace(-1, 1, 12).reshape(3, 4))
        (grad,) = m.autograd.grad(out, x, cot)
        outs[m.__name__] = (out, grad)
    assert_same(outs["ember"][0], outs["torch"][0], rtol=1e-6)
    assert_same(outs["ember"][1], outs["torch"][1], rtol=1e-6)


@pytest.mark.parametrize("name", ["relu_", "selu_", "celu_", "rrelu_"])
def test_torch_level_inplace(name):
    check(lambda m, x: getattr(m, name)(x * 1), rand(2, 5))


def test_tensor_relu_inplace():
    check(lambda m, x: (x * 2).relu_(), rand(2, 5))
    check(lambda m, x: m.threshold_(x * 2, 0.5, 2.0), rand(2, 5))


def test_inplace_after_save_is_detected():
    for m in (ember, torch):
        x = m.tensor(rand(4), requires_grad=True)
        y = x.exp()  # exp saves its output for the backward
        TF(m).relu(y, inplace=True)
        with pytest.raises(RuntimeError):
            y.sum().backward()


def test_inplace_without_grad_writes_through_views():
    base = ember.tensor([[-1.0, 2.0], [3.0, -4.0]])
    F.relu(base[0], inplace=True)
    assert base.tolist() == [[0.0, 2.0], [3.0, -4.0]]


# ---------------------------------------------------------------------------- rrelu training


def test_rrelu_training_slopes_in_range_and_gradient():
    a = rand(2000, dtype=np.float32)
    x = ember.tensor(a, requires_grad=True)
    y = F.rrelu(x, 0.1, 0.3, training=True)
    y.sum().backward()
    ratio = y.detach().numpy() / a
    neg = a < 0
    assert np.all(ratio[~neg] == 1.0)
    assert ratio[neg].min() >= 0.1 - 1e-6 and ratio[neg].max() <= 0.3 + 1e-6
    assert ratio[neg].std() > 0.03  # random slopes, not one constant
    np.testing.assert_allclose(x.grad.numpy(), ratio, rtol=1e-6)


# ---------------------------------------------------------------------------- second order


def _second_order(fn, *arrays):
    """d/dx of sum(grad_x(fn)^2) (and of the other float inputs) in ember and torch."""
    res = {}
    for m in (ember, torch):
        ins = [
            m.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a
            for a in arrays
        ]
        diff = [t for t in ins if isinstance(t, m.Tensor) and t.requires_grad]
        out = fn(m, *ins)
        grads = m.autograd.grad(out.sum() if out.ndim else out, diff, create_graph=True)
        total = sum((g * g).sum() for g in grads)
        res[m.__name__] = m.autograd.grad(total, diff)
    for e, t in zip(res["ember"], res["torch"]):
        assert_same(e, t, rtol=1e-6, atol=1e-9)


SECOND = [
    ("softmax", lambda m, x: TF(m).softmax(x, 1) * m.arange(4.0, dtype=m.float64), (rand(3, 4),)),
    ("log_softmax", lambda m, x: TF(m).log_softmax(x, 0) ** 2, (rand(3, 4),)),
    ("gelu", lambda m, x: TF(m).gelu(x), (rand(6),)),
    ("gelu_tanh", lambda m, x: TF(m).gelu(x, approximate="tanh"), (rand(6),)),
    ("silu", lambda m, x: TF(m).silu(x), (rand(6),)),
    ("mish", lambda m, x: TF(m).mish(x), (rand(6),)),
    ("elu", lambda m, x: TF(m).elu(x, 0.7), (rand(6),)),
    ("celu", lambda m, x: TF(m).celu(x, 1.3), (rand(6),)),
    ("softplus", lambda m, x: TF(m).softplus(x, 2.0, 3.0), (rand(6),)),
    ("logsigmoid", lambda m, x: TF(m).logsigmoid(x), (rand(6),)),
    ("hardswish", lambda m, x: TF(m).hardswish(x), (rand(6),)),
    (
        "cross_entropy",
        lambda m, x, t: TF(m).cross_entropy(x, t, label_smoothing=0.1),
        (rand(3, 4), np.array([0, 3, -100])),
    ),
    (
        "cross_entropy_none",
        lambda m, x, t: TF(m).cross_entropy(x, t, reduction="none") ** 2,
        (rand(3, 4), np.array([0, 3, 1])),
    ),
    (
        "cross_entropy_weight",
        lambda m, x, t: TF(m).cross_entropy(x, t, weight=x.new_tensor([1.0, 2.0, 0.5, 3.0])),
        (rand(3, 4), np.array([0, 3, 1])),
    ),
    (
        "cross_entropy_probs",
        lambda m, x, t: TF(m).cross_entropy(x, t.softmax(1)),
        (rand(3, 4), rand(3, 4)),
    ),
    (
        "nll_loss",
        lambda m, x, t: TF(m).nll_loss(x, t, reduction="sum") ** 2,
        (rand(3, 4), np.array([0, 3, 1])),
    ),
    (
        "bce_with_logits",
        lambda m, x, t: TF(m).binary_cross_entropy_with_logits(x, t),
        (rand(5), rand(5, low=0, high=1)),
    ),
    (
        "bce",
        lambda m, x, t: TF(m).binary_cross_entropy(x, t),
        (rand(5, low=0.1, high=0.9), rand(5, low=0, high=1)),
    ),
    ("huber", lambda m, x, t: TF(m).huber_loss(x, t, delta=0.5), (rand(5), rand(5))),
    ("pad_reflect", lambda m, x: TF(m).pad(x, (2, 1), mode="reflect") ** 3, (rand(2, 4),)),
    ("pad_constant", lambda m, x: TF(m).pad(x, (-1, 2)) ** 3, (rand(2, 4),)),
]


@pytest.mark.parametrize("case", SECOND, ids=[c[0] for c in SECOND])
def test_second_derivatives_match_torch(case):
    _, fn, arrays = case
    _second_order(fn, *arrays)


# ---------------------------------------------------------------------------- softmax dim rule


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (2, 3, 2, 2)])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_implicit_softmax_dim_follows_torch(shape, name):
    a = rand(*shape, dtype=np.float32)
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        e = getattr(F, name)(ember.tensor(a))
    with pytest.warns(UserWarning, match="Implicit dimension choice"):
        t = getattr(torch.nn.functional, name)(torch.tensor(a))
    assert_same(e, t)


# ---------------------------------------------------------------------------- bookkeeping


@pytest.mark.parametrize(
    "expr, name",
    [
        (lambda m, x: TF(m).relu(x), "ReluBackward0"),
        (lambda m, x: TF(m).gelu(x), "GeluBackward0"),
        (lambda m, x: TF(m).leaky_relu(x), "LeakyReluBackward0"),
        (lambda m, x: TF(m).softmax(x, 1), "SoftmaxBackward0"),
        (lambda m, x: TF(m).log_softmax(x, 1), "LogSoftmaxBackward0"),
        (lambda m, x: TF(m).hardtanh(x), "HardtanhBackward0"),
        (lambda m, x: TF(m).logsigmoid(x), "LogSigmoidBackward0"),
    ],
)
def test_grad_fn_names(expr, name):
    for m in (ember, torch):
        out = expr(m, m.tensor(rand(2, 3), requires_grad=True))
        assert out.grad_fn.name() == name


def test_cross_entropy_backward_twice_with_retain_graph():
    x = ember.tensor(rand(4, 6), requires_grad=True)
    loss = F.cross_entropy(x, ember.tensor([1, 5, 0, 2]), label_smoothing=0.05)
    loss.backward(retain_graph=True)
    first = x.grad.clone()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first.numpy(), rtol=1e-12)


def test_all_ignored_mean_is_nan_with_zero_gradient():
    x = ember.tensor(rand(3, 4, dtype=np.float32), requires_grad=True)
    loss = F.cross_entropy(x, ember.tensor([-100, -100, -100]), label_smoothing=0.1)
    loss.backward()
    assert np.isnan(loss.item())
    assert np.all(x.grad.numpy() == 0)


def test_extreme_logits_stay_finite():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]], dtype=np.float32)
    x = ember.tensor(logits, requires_grad=True)
    loss = F.cross_entropy(x, ember.tensor([1, 0]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(x.grad.numpy()).all()
    assert np.isfinite(F.log_softmax(x, 1).detach().numpy()).all()
    check(lambda m, x: TF(m).cross_entropy(x, m.tensor([1, 0])), logits, rtol=1e-6)


def test_pad_constant_value_cast_to_integer_dtype():
    a = np.arange(6).reshape(2, 3)
    check(lambda m, x: TF(m).pad(x, (1, 2), value=1.7), a, grad=False)
    check(lambda m, x: TF(m).pad(x > 2, (1, 0, 0, 1), value=1), a, grad=False)


def test_softmax_sums_to_one_along_dim():
    x = ember.tensor(rand(3, 5, 2, dtype=np.float32))
    np.testing.assert_allclose(F.softmax(x, dim=1).sum(1).numpy(), 1.0, rtol=1e-6)
