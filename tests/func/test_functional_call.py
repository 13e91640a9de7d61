"""functional_call and stack_module_state against torch.func: the per-sample gradients of an
MLP (torch.func's tutorial), model ensembling with vmap, tied weights, strict mode, buffers,
and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.func as tf

import ember
import ember.func as ef

from .test_transforms import same, same_error

RNG = np.random.default_rng(11)


def mlp(m, seed=0):
    m.manual_seed(seed)
    return m.nn.Sequential(
        m.nn.Linear(6, 16), m.nn.ReLU(), m.nn.Linear(16, 16), m.nn.GELU(), m.nn.Linear(16, 4)
    )


def pair(build, *args):
    """The same module in both libraries (torch's weights copied into ember)."""
    t = build(torch, *args)
    e = build(ember, *args)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return e, t


def params_of(model):
    return {k: v.detach() for k, v in model.named_parameters()}


@pytest.mark.parametrize("loss_name", ["cross_entropy", "mse_loss"])
def test_per_sample_gradients_of_an_mlp(loss_name):
    em, tm = pair(mlp)
    x = RNG.standard_normal((8, 6)).astype(np.float32)
    y = RNG.integers(0, 4, 8) if loss_name == "cross_entropy" else RNG.standard_normal((8, 4))
    y = y.astype(np.float32) if loss_name == "mse_loss" else y

    def per_sample_grads(m, tr, model, xs, ys):
        def loss(p, xb, yb):
            out = tr.functional_call(model, p, (xb.unsqueeze(0),))
            return getattr(m.nn.functional, loss_name)(out, yb.unsqueeze(0))

        return tr.vmap(tr.grad(loss), in_dims=(None, 0, 0))(params_of(model), xs, ys)

    ge = per_sample_grads(ember, ef, em, ember.tensor(x), ember.tensor(y))
    gt = per_sample_grads(torch, tf, tm, torch.tensor(x), torch.tensor(y))
    same(ge, gt, rtol=1e-5, atol=1e-6)
    # and they are the gradients of each sample on its own
    em.zero_grad()
    getattr(ember.nn.functional, loss_name)(
        em(ember.tensor(x[3:4])), ember.tensor(y[3:4])
    ).backward()
    for k, p in em.named_parameters():
        np.testing.assert_allclose(ge[k][3].numpy(), p.grad.numpy(), rtol=1e-5, atol=1e-6)


def cnn(m):
    m.manual_seed(0)
    nn = m.nn
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(6, 3),
    )


def test_per_sample_gradients_of_a_cnn():
    em, tm = pair(cnn)
    x = RNG.standard_normal((5, 1, 8, 8)).astype(np.float32)
    y = RNG.integers(0, 3, 5)

    def per_sample_grads(m, tr, model, xs, ys):
        def loss(p, xb, yb):
            out = tr.functional_call(model, p, (xb.unsqueeze(0),))
            return m.nn.functional.cross_entropy(out, yb.unsqueeze(0))

        return tr.vmap(tr.grad(loss), in_dims=(None, 0, 0))(params_of(model), xs, ys)

    ge = per_sample_grads(ember, ef, em, ember.tensor(x), ember.tensor(y))
    gt = per_sample_grads(torch, tf, tm, torch.tensor(x), torch.tensor(y))
    same(ge, gt, rtol=1e-4, atol=1e-6)


def test_grad_with_respect_to_parameters():
    em, tm = pair(mlp)
    x = RNG.standard_normal((5, 6)).astype(np.float32)

    def fn(tr, model, xs):
        return tr.grad(lambda p: tr.functional_call(model, p, xs).square().mean())(params_of(model))

    same(fn(ef, em, ember.tensor(x)), fn(tf, tm, torch.tensor(x)), atol=1e-6)


def test_model_ensembling():
    models_t = [mlp(torch, s) for s in range(3)]
    models_e = [mlp(ember, s) for s in range(3)]
    for e, t in zip(models_e, models_t):
        e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    pe, be = ef.stack_module_state(models_e)
    pt, bt = tf.stack_module_state(models_t)
    same(pe, pt)
    assert all(v.requires_grad and v.is_leaf for v in pe.values())
    x = RNG.standard_normal((3, 5, 6)).astype(np.float32)

    def ensemble(tr, base, params, buffers, xs):
        return tr.vmap(lambda p, b, xb: tr.functional_call(base, (p, b), (xb,)))(
            params, buffers, xs
        )

    ye = ensemble(ef, models_e[0], pe, be, ember.tensor(x))
    yt = ensemble(tf, models_t[0], pt, bt, torch.tensor(x))
    same(ye, yt, atol=1e-6)
    # the stacked parameters train: a backward through the vmap reaches each model's slice
    ye.square().sum().backward()
    yt.square().sum().backward()
    same({k: v.grad for k, v in pe.items()}, {k: v.grad for k, v in pt.items()}, atol=1e-5)


def test_buffers_and_batch_norm_in_eval():
    def build(m):
        m.manual_seed(0)
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.BatchNorm1d(4))
        net.eval()
        return net

    em, tm = pair(build)
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    state_e = {"1.running_mean": ember.ones(4), "1.running_var": ember.full((4,), 2.0)}
    state_t = {"1.running_mean": torch.ones(4), "1.running_var": torch.full((4,), 2.0)}
    same(
        ef.functional_call(em, state_e, ember.tensor(x)),
        tf.functional_call(tm, state_t, torch.tensor(x)),
        atol=1e-6,
    )
    # the module's own tensors are back afterwards
    same(em(ember.tensor(x)), tm(torch.tensor(x)), atol=1e-6)


class Tied:
    @staticmethod
    def build(m):
        class T(m.nn.Module):
            def __init__(self):
                super().__init__()
                m.manual_seed(0)
                self.a = m.nn.Linear(2, 2)
                self.b = m.nn.Linear(2, 2)
                self.b.weight = self.a.weight

            def forward(self, x):
                return self.b(self.a(x))

        return T()


@pytest.mark.parametrize("tie_weights", [True, False])
def test_tied_weights(tie_weights):
    em, tm = pair(Tied.build)
    w = np.full((2, 2), 0.5, dtype=np.float32)
    x = np.ones((1, 2), dtype=np.float32)
    same(
        ef.functional_call(
            em, {"a.weight": ember.tensor(w)}, ember.tensor(x), tie_weights=tie_weights
        ),
        tf.functional_call(
            tm, {"a.weight": torch.tensor(w)}, torch.tensor(x), tie_weights=tie_weights
        ),
    )


def _fc(m):
    return ef.functional_call if m is ember else tf.functional_call


@pytest.mark.parametrize(
    "call",
    [
        lambda m, w, x: _fc(m)(m.nn.Linear(3, 2), ({"weight": w}, {"weight": w}), (x,)),
        lambda m, w, x: _fc(m)(m.nn.Linear(3, 2), {"weight": w, "foo": x}, (x,), strict=True),
        lambda m, w, x: _fc(m)(m.nn.Linear(3, 2), {"weight": w}, (x,), strict=True),
        lambda m, w, x: _fc(m)(
            Tied.build(m), {"a.weight": w[:2, :2], "b.weight": w[:2, :2] * 2}, (x[:, :2],)
        ),
        lambda m, w, x: (tf if m is torch else ef).stack_module_state([]),
        lambda m, w, x: (tf if m is torch else ef).stack_module_state(
            [m.nn.Linear(3, 2), m.nn.Conv1d(1, 1, 1)]
        ),
        lambda m, w, x: (tf if m is torch else ef).stack_module_state(
            [m.nn.Linear(3, 2), m.nn.Linear(3, 2).eval()]
        ),
    ],
)
def test_errors_match_torch(call):
    same_error(call, RNG.standard_normal((2, 3)).astype(np.float32), np.ones((4, 3), np.float32))


def test_unexpected_names_are_set_for_the_call_only():
    lin = ember.nn.Linear(3, 2)
    seen = []

    class Probe(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = lin

        def forward(self, x):
            seen.append(self.scale)
            return self.lin(x) * self.scale

    probe = Probe()
    ef.functional_call(probe, {"scale": ember.tensor(2.0)}, ember.ones(1, 3))
    assert float(seen[0]) == 2.0 and not hasattr(probe, "scale")
