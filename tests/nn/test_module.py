"""The Module system against torch.nn: registration, traversal, state_dict, hooks, printing."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import ember

from ..oracle import assert_same


def build(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.scale = nn.Parameter(lib.ones(3))

        def forward(self, x):
            return self.fc(x) * self.scale

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.block = Block()
            self.layers = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 3)])
            self.head = nn.Sequential(nn.Linear(3, 2), nn.Identity())
            self.shared = self.layers[0]

        def forward(self, x):
            x = self.block(x)
            for layer in self.layers:
                x = layer(x)
            return self.head(x)

    return Net()


def copy_weights(src_torch, dst_ember):
    sd = {k: ember.tensor(v.detach().numpy()) for k, v in src_torch.state_dict().items()}
    dst_ember.load_state_dict(sd)


def test_names_and_shapes_match_torch():
    e, t = build(ember), build(torch)
    assert [(k, tuple(p.shape)) for k, p in e.named_parameters()] == [
        (k, tuple(p.shape)) for k, p in t.named_parameters()
    ]
    assert list(e.state_dict().keys()) == list(t.state_dict().keys())
    assert [k for k, _ in e.named_buffers()] == [k for k, _ in t.named_buffers()]
    assert [k for k, _ in e.named_modules()] == [k for k, _ in t.named_modules()]
    assert [k for k, _ in e.named_children()] == [k for k, _ in t.named_children()]
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert [k for k, _ in e.named_parameters(remove_duplicate=False)] == [
        k for k, _ in t.named_parameters(remove_duplicate=False)
    ]


def test_repr_matches_torch():
    assert repr(build(ember)) == repr(build(torch))
    assert repr(ember.nn.Linear(2, 3, bias=False)) == repr(torch.nn.Linear(2, 3, bias=False))


def test_forward_and_gradients_with_identical_weights():
    e, t = build(ember), build(torch)
    copy_weights(t, e)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    ye, yt = e(ember.tensor(x)), t(torch.tensor(x))
    assert_same(ye, yt)
    ye.sum().backward()
    yt.sum().backward()
    for (ke, pe), (kt, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert ke == kt
        assert_same(pe.grad, pt.grad, what=ke)


def test_load_state_dict_errors_match_torch():
    e, t = build(ember), build(torch)
    sd_t = t.state_dict()
    sd_e = {k: ember.tensor(v.numpy()) for k, v in sd_t.items()}
    bad_t = dict(sd_t)
    bad_e = dict(sd_e)
    del bad_t["head.0.bias"], bad_e["head.0.bias"]
    bad_t["extra"] = torch.ones(1)
    bad_e["extra"] = ember.ones(1)
    bad_t["block.fc.weight"] = torch.ones(2, 4)
    bad_e["block.fc.weight"] = ember.ones(2, 4)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(bad_t)
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(bad_e)
    assert str(ee.value) == str(te.value)
    res_t = t.load_state_dict({k: v for k, v in sd_t.items() if k != "head.0.bias"}, strict=False)
    res_e = e.load_state_dict({k: v for k, v in sd_e.items() if k != "head.0.bias"}, strict=False)
    assert res_e.missing_keys == res_t.missing_keys
    assert res_e.unexpected_keys == res_t.unexpected_keys


def test_state_dict_detaches_and_keep_vars():
    m = ember.nn.Linear(2, 2)
    sd = m.state_dict()
    assert not sd["weight"].requires_grad
    assert sd["weight"].data_ptr() == m.weight.data_ptr()
    assert m.state_dict(keep_vars=True)["weight"] is m.weight
    assert list(m.state_dict(prefix="p.").keys()) == ["p.weight", "p.bias"]


def test_setattr_rules():
    m = ember.nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign"):
        m.weight = ember.ones(2, 2)
    m.bias = None
    assert "bias" in dict(m._parameters) and m.bias is None
    m.extra = ember.nn.Parameter(ember.ones(1))
    assert "extra" in dict(m.named_parameters())
    del m.extra
    assert "extra" not in dict(m.named_parameters())
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = m.nope


def test_train_eval_requires_grad_zero_grad():
    m = build(ember)
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    m(ember.ones(1, 4)).sum().backward()
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_double_and_apply():
    m = build(ember).double()
    assert all(p.dtype is ember.float64 for p in m.parameters())
    assert m.block.steps.dtype is ember.float64
    assert m(ember.ones(1, 4, dtype=ember.float64)).dtype is ember.float64
    m.to(ember.float32)
    assert all(p.dtype is ember.float32 for p in m.parameters())
    assert all(isinstance(p, ember.nn.Parameter) for p in m.parameters())
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Net"


def test_get_submodule_and_parameter():
    m = build(ember)
    assert m.get_submodule("block.fc") is m.block.fc
    assert m.get_parameter("block.scale") is m.block.scale
    with pytest.raises(AttributeError):
        m.get_submodule("block.nope")


def test_forward_hooks_match_torch():
    results = []
    for lib in (ember, torch):
        m = lib.nn.Linear(3, 2)
        calls = []
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
        h3 = m.register_forward_hook(
            lambda mod, args, kwargs, out, calls=calls: calls.append(len(kwargs)), with_kwargs=True
        )
        with lib.no_grad():
            m.weight.fill_(1.0)
            m.bias.fill_(0.0)
        out = m(lib.ones(1, 3))
        results.append(out.tolist())
        h1.remove()
        h2.remove()
        h3.remove()
        results.append(m(lib.ones(1, 3)).tolist())
        assert calls == [0]
    assert results[:2] == results[2:]


def test_full_backward_hooks_match_torch():
    records = []
    for lib in (ember, torch):
        m = lib.nn.Linear(3, 2)
        with lib.no_grad():
            m.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]))
        seen = {}

        def hook(mod, gin, gout, seen=seen):
            seen["gin"] = [g.tolist() for g in gin]
            seen["gout"] = [g.tolist() for g in gout]
            return (gin[0] * 10,)

        m.register_full_backward_hook(hook)
        m.register_full_backward_pre_hook(lambda mod, gout: (gout[0] * 2,))
        x = lib.ones(2, 3, requires_grad=True)
        m(x).sum().backward()
        records.append((seen["gin"], seen["gout"], x.grad.tolist()))
    assert records[0] == records[1]


def test_deepcopy_and_pickle():
    m = build(ember)
    c = copy.deepcopy(m)
    assert c.block.fc.weight.data_ptr() != m.block.fc.weight.data_ptr()
    assert c.shared is c.layers[0]
    s = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Identity())
    p = pickle.loads(pickle.dumps(s))
    x = ember.ones(1, 4)
    np.testing.assert_allclose(p(x).detach().numpy(), s(x).detach().numpy())
    assert isinstance(p[0].weight, ember.nn.Parameter)


def test_containers():
    nn = ember.nn
    s = nn.Sequential(nn.Linear(1, 2), nn.Identity())
    s.append(nn.Linear(2, 3))
    s.insert(0, nn.Identity())
    assert len(s) == 4 and isinstance(s[-1], nn.Linear) and len(s[1:3]) == 2
    del s[0]
    assert [k for k, _ in s.named_children()] == ["0", "1", "2"]
    ml = nn.ModuleList()
    ml.append(nn.Identity())
    ml.extend([nn.Identity()])
    assert len(ml) == 2
    md = nn.ModuleDict({"a": nn.Identity()})
    md["b"] = nn.Linear(1, 1)
    assert list(md.keys()) == ["a", "b"] and "b" in md
    pl = nn.ParameterList([nn.Parameter(ember.ones(2)), ember.zeros(3)])
    assert len(list(pl.parameters())) == 2
    pd = nn.ParameterDict({"w": ember.ones(1)})
    assert isinstance(pd["w"], nn.Parameter)
    expected = repr(torch.nn.ParameterList([torch.nn.Parameter(torch.ones(2)), torch.zeros(3)]))
    assert repr(pl) == expected.replace("torch.", "ember.")


def test_parameter_repr_and_is_leaf():
    p = ember.nn.Parameter(ember.tensor([1.0, 2.0]))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert p.is_leaf and p.requires_grad and isinstance(p, ember.Tensor)


def test_lazy_linear_infers_in_features():
    m = ember.nn.LazyLinear(3)
    assert m(ember.ones(2, 5)).shape == (2, 3)
    assert m.weight.shape == (3, 5) and isinstance(m.weight, ember.nn.Parameter)


def test_default_init_distribution_bounds():
    m = ember.nn.Linear(100, 50)
    bound = 1 / np.sqrt(100)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert abs(w.std() - bound / np.sqrt(3)) < 0.01


def test_load_state_dict_pre_hook_receives_the_module_like_torch():
    seen = []
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 2)
        m.register_load_state_dict_pre_hook(
            lambda module, sd, prefix, *rest, seen=seen: seen.append(
                (type(module).__name__, prefix, len(rest))
            )
        )
        m.load_state_dict(m.state_dict())
    assert seen[0] == seen[1] == ("Linear", "", 5)
