"""The Optimizer base class against torch: groups, errors, hooks, zero_grad, repr, state."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import ember
import ember.optim
from ember.optim.optimizer import (
    Optimizer,
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
    required,
)

from .common import assert_state_dicts_match, to_ember


def params(lib, n=3):
    return [lib.nn.Parameter(lib.ones(i + 1)) for i in range(n)]


def raises_like_torch(fn):
    """Run ``fn(lib)`` on both libraries; both must raise the same exception type."""
    errors = []
    for lib in (ember, torch):
        with pytest.raises(Exception) as info:
            fn(lib)
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1]), (errors[0], errors[1])
    return errors


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.optim.SGD(lib.ones(2, requires_grad=True), lr=0.1),
        lambda lib: lib.optim.SGD([], lr=0.1),
        lambda lib: lib.optim.SGD([1.0, 2.0], lr=0.1),
        lambda lib: lib.optim.SGD([{"params": {lib.nn.Parameter(lib.ones(1))}}], lr=0.1),
        lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True) * 2], lr=0.1),
        lambda lib: (
            lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
            if (p := lib.nn.Parameter(lib.ones(1))) is not None
            else None
        ),
        lambda lib: lib.optim.SGD(
            [("a", lib.nn.Parameter(lib.ones(1))), lib.nn.Parameter(lib.ones(1))], lr=0.1
        ),
        lambda lib: lib.optim.SGD(
            [
                {"params": [("a", lib.nn.Parameter(lib.ones(1)))]},
                {"params": [lib.nn.Parameter(lib.ones(1))]},
            ],
            lr=0.1,
        ),
        lambda lib: lib.optim.SGD(params(lib), lr=-0.1),
        lambda lib: lib.optim.SGD(params(lib), lr=0.1, momentum=-1),
        lambda lib: lib.optim.SGD(params(lib), lr=0.1, weight_decay=-1),
        lambda lib: lib.optim.SGD(params(lib), lr=0.1, nesterov=True),
        lambda lib: lib.optim.SGD(params(lib), lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        lambda lib: lib.optim.SGD(params(lib), lr=lib.ones(2)),
        lambda lib: lib.optim.Adam(params(lib), betas=(1.0, 0.9)),
        lambda lib: lib.optim.Adam(params(lib), betas=(0.9, -0.1)),
        lambda lib: lib.optim.Adam(params(lib), eps=-1.0),
        lambda lib: lib.optim.Adam(params(lib), betas=(lib.tensor(0.9), 0.99)),
        lambda lib: lib.optim.Adam(params(lib), lr=lib.tensor(0.1), foreach=True),
        lambda lib: lib.optim.Adam(params(lib), fused=True, foreach=True),
        lambda lib: lib.optim.AdamW(params(lib), weight_decay=-0.1),
        lambda lib: lib.optim.Adamax(params(lib), betas=(0.9, 1.5)),
        lambda lib: lib.optim.NAdam(params(lib), momentum_decay=-1.0),
        lambda lib: lib.optim.RAdam(params(lib), eps=-1e-8),
        lambda lib: lib.optim.RMSprop(params(lib), alpha=-0.5),
        lambda lib: lib.optim.Adagrad(params(lib), lr_decay=-1.0),
        lambda lib: lib.optim.Adagrad(params(lib), initial_accumulator_value=-1.0),
        lambda lib: lib.optim.Adadelta(params(lib), rho=1.5),
        lambda lib: lib.optim.ASGD(params(lib), weight_decay=-1.0),
        lambda lib: lib.optim.Rprop(params(lib), etas=(1.1, 1.2)),
        lambda lib: lib.optim.Rprop(params(lib), etas=(0.5, 0.9)),
    ],
)
def test_construction_errors_match_torch(make):
    raises_like_torch(make)


def test_add_param_group_errors_and_defaults():
    for lib in (ember, torch):
        p = params(lib)
        opt = lib.optim.SGD([p[0]], lr=0.1, momentum=0.9)
        with pytest.raises(ValueError, match="more than one parameter group"):
            opt.add_param_group({"params": p[0]})
        with pytest.raises(TypeError, match="must be a dict"):
            opt.add_param_group([p[1]])
        opt.add_param_group({"params": p[1], "lr": 0.5})
        group = opt.param_groups[1]
        assert group["params"] == [p[1]] and group["lr"] == 0.5 and group["momentum"] == 0.9
        assert group["nesterov"] is False


def test_duplicate_parameter_warns_like_torch():
    for lib in (ember, torch):
        p = lib.nn.Parameter(lib.ones(1))
        with pytest.warns(UserWarning, match="duplicate parameters"):
            lib.optim.SGD([p, p], lr=0.1)


def test_required_option():
    class Custom(Optimizer):
        def __init__(self, parameters, lr=required):
            super().__init__(parameters, {"lr": lr})

    with pytest.raises(ValueError, match="didn't specify a value of required"):
        Custom(params(ember))
    opt = Custom([{"params": params(ember), "lr": 0.1}])
    assert opt.param_groups[0]["lr"] == 0.1
    assert repr(required) == "<required parameter>"


def test_named_parameters_groups():
    outs = []
    for lib in (ember, torch):
        model = lib.nn.Linear(2, 3)
        opt = lib.optim.Adam(model.named_parameters(), lr=0.1)
        model(lib.ones(4, 2)).sum().backward()
        opt.step()
        outs.append(opt.state_dict())
    assert outs[0]["param_groups"][0]["param_names"] == ["weight", "bias"]
    assert_state_dicts_match(outs[0], outs[1], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("Adam", {"lr": 0.01}),
        ("AdamW", {"lr": ember.tensor(0.01)}),
        ("Rprop", {}),
        ("LBFGS", {"line_search_fn": "strong_wolfe"}),
    ],
)
def test_repr_matches_torch(name, kwargs):
    tkwargs = {
        k: torch.tensor(v.item()) if isinstance(v, ember.Tensor) else v for k, v in kwargs.items()
    }
    oe = getattr(ember.optim, name)(params(ember), **kwargs)
    ot = getattr(torch.optim, name)(params(torch), **tkwargs)
    if name != "LBFGS":
        oe.add_param_group({"params": [ember.nn.Parameter(ember.ones(1))], "lr": 0.5})
        ot.add_param_group({"params": [torch.nn.Parameter(torch.ones(1))], "lr": 0.5})
    assert repr(oe) == repr(ot)


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    for lib in (ember, torch):
        p = params(lib)
        opt = lib.optim.SGD(p, lr=0.1)
        (p[0].sum() * 2 + p[1].sum()).backward()
        opt.zero_grad(set_to_none=set_to_none)
        if set_to_none:
            assert all(q.grad is None for q in p)
        else:
            assert p[2].grad is None
            for q in p[:2]:
                assert not q.grad.requires_grad
                np.testing.assert_array_equal(q.grad.numpy(), np.zeros(q.shape))


def test_step_skips_parameters_without_grad():
    p = params(ember)
    opt = ember.optim.Adam(p, lr=0.1)
    p[0].sum().backward()
    opt.step()
    assert list(opt.state.keys()) == [p[0]]
    np.testing.assert_array_equal(p[1].detach().numpy(), np.ones(2))


@pytest.mark.parametrize("lib", [ember, torch])
def test_closure_runs_with_grad_enabled_and_returns_loss(lib):
    p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
    opt = lib.optim.SGD([p], lr=0.1)
    seen = []

    def closure():
        seen.append(lib.is_grad_enabled())
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with lib.no_grad():
        loss = opt.step(closure)
    assert seen == [True]
    assert float(loss.detach()) == 5.0
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 1.6], rtol=1e-6)


def test_step_hooks():
    calls = []
    p = params(ember, 1)
    opt = ember.optim.SGD(p, lr=0.1)

    def pre(optimizer, args, kwargs):
        calls.append(("pre", optimizer is opt, args[1:], dict(kwargs)))

    def post(optimizer, args, kwargs):
        calls.append(("post", optimizer is opt))

    h1 = opt.register_step_pre_hook(pre)
    h2 = opt.register_step_post_hook(post)
    g1 = register_optimizer_step_pre_hook(lambda o, a, k: calls.append("global pre"))
    g2 = register_optimizer_step_post_hook(lambda o, a, k: calls.append("global post"))
    try:
        opt.step()
    finally:
        g1.remove()
        g2.remove()
    assert calls == ["global pre", ("pre", True, (), {}), ("post", True), "global post"]
    h1.remove()
    h2.remove()
    calls.clear()
    opt.step()
    assert calls == []


@pytest.mark.parametrize("lib", [ember, torch])
def test_step_pre_hook_can_replace_arguments(lib):
    p = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([p], lr=0.5)

    def closure():
        opt.zero_grad()
        loss = p.sum()
        loss.backward()
        return loss

    opt.register_step_pre_hook(lambda o, args, kwargs: ((args[0],), {"closure": closure}))
    opt.step()
    np.testing.assert_allclose(p.detach().numpy(), [0.5, 0.5])
    opt.register_step_pre_hook(lambda o, args, kwargs: "bad")
    with pytest.raises(RuntimeError, match="must return None or a tuple"):
        opt.step()


def test_state_dict_hooks():
    p = params(ember, 2)
    opt = ember.optim.SGD(p, lr=0.1, momentum=0.9)
    seen = []
    opt.register_state_dict_pre_hook(lambda o: seen.append("pre"))
    opt.register_state_dict_pre_hook(lambda o: seen.append("first"), prepend=True)

    def post(o, sd):
        seen.append("post")
        sd["extra"] = 1

    opt.register_state_dict_post_hook(post)
    sd = opt.state_dict()
    assert seen == ["first", "pre", "post"] and sd["extra"] == 1

    def load_pre(o, sd):
        seen.append("load pre")
        sd = dict(sd)
        sd["param_groups"] = [dict(g, lr=0.25) for g in sd["param_groups"]]
        return sd

    opt.register_load_state_dict_pre_hook(load_pre)
    opt.register_load_state_dict_post_hook(lambda o: seen.append("load post"))
    opt.load_state_dict(sd)
    assert seen[-2:] == ["load pre", "load post"]
    assert opt.param_groups[0]["lr"] == 0.25


def test_state_dict_layout_matches_torch():
    outs = []
    for lib in (ember, torch):
        p = params(lib, 4)
        opt = lib.optim.Adam(
            [{"params": p[:2]}, {"params": p[2:], "lr": 0.5, "amsgrad": True}], lr=0.1
        )
        (p[0].sum() + p[2].sum() + p[3].sum()).backward()
        opt.step()
        outs.append(opt.state_dict())
    se, st = outs
    assert list(se["state"].keys()) == list(st["state"].keys()) == [0, 2, 3]
    assert [g["params"] for g in se["param_groups"]] == [[0, 1], [2, 3]]
    assert_state_dicts_match(se, st)
    step = se["state"][0]["step"]
    assert step.dim() == 0 and step.dtype == ember.float32


def test_adagrad_state_exists_before_first_step():
    oe = ember.optim.Adagrad(params(ember), initial_accumulator_value=0.5)
    ot = torch.optim.Adagrad(params(torch), initial_accumulator_value=0.5)
    assert_state_dicts_match(oe.state_dict(), ot.state_dict(), rtol=0, atol=0)


def test_load_state_dict_errors():
    opt = ember.optim.SGD(params(ember), lr=0.1)
    other = ember.optim.SGD([{"params": params(ember, 2)}, {"params": params(ember, 1)}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict(other.state_dict())
    small = ember.optim.SGD(params(ember, 2), lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size"):
        opt.load_state_dict(small.state_dict())


def test_load_state_dict_casts_to_param_dtype_but_not_step():
    pt = [torch.nn.Parameter(torch.ones(3))]
    ot = torch.optim.Adam(pt, lr=0.1)
    pt[0].sum().backward()
    ot.step()
    sd = to_ember(ot.state_dict())
    sd["state"][0]["exp_avg"] = sd["state"][0]["exp_avg"].double()
    p = ember.nn.Parameter(ember.ones(3))
    opt = ember.optim.Adam([p], lr=0.1)
    opt.load_state_dict(sd)
    assert opt.state[p]["exp_avg"].dtype == ember.float32
    assert opt.state[p]["step"].dtype == ember.float32
    assert opt.param_groups[0]["params"] == [p]


def test_load_state_dict_converts_old_python_number_steps():
    p = ember.nn.Parameter(ember.ones(2))
    opt = ember.optim.NAdam([p], lr=0.1)
    p.sum().backward()
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["step"] = 1
    sd["state"][0]["mu_product"] = 0.9
    del sd["param_groups"][0]["decoupled_weight_decay"]
    opt.load_state_dict(sd)
    state = opt.state[p]
    assert isinstance(state["step"], ember.Tensor) and float(state["step"]) == 1.0
    assert isinstance(state["mu_product"], ember.Tensor)
    assert opt.param_groups[0]["decoupled_weight_decay"] is False


def test_pickle_and_deepcopy_keep_state():
    p = params(ember, 2)
    opt = ember.optim.SGD(p, lr=0.1, momentum=0.9)
    (p[0].sum() + p[1].sum()).backward()
    opt.step()
    for clone in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        new_params = clone.param_groups[0]["params"]
        assert new_params[0] is not p[0]
        np.testing.assert_array_equal(
            clone.state[new_params[0]]["momentum_buffer"].numpy(), np.ones(1)
        )
        clone.step()
        clone.register_step_pre_hook(lambda *a: None)
