"""The autograd engine: accumulation, retain/create_graph, errors, hooks, deep graphs."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import assert_same


def _pair(values, requires_grad=True):
    a = np.asarray(values, dtype=np.float64)
    return (
        ember.tensor(a, requires_grad=requires_grad),
        torch.tensor(a, requires_grad=requires_grad),
    )


def test_fan_out_accumulates():
    e, t = _pair([1.0, -2.0, 3.0])
    for x in (e, t):
        y = x * x + x.exp() * x + x
        y.sum().backward()
    assert_same(e.grad, t.grad)


def test_grad_accumulates_across_backward_calls():
    e, t = _pair([0.5, 1.5])
    for x in (e, t):
        (x * 3).sum().backward()
        (x * x).sum().backward()
    assert_same(e.grad, t.grad)


def test_second_backward_through_freed_graph_raises():
    e, _ = _pair([1.0, 2.0])
    y = (e.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    e, t = _pair([1.0, 2.0])
    for x in (e, t):
        y = (x.exp() * 2).sum()
        y.backward(retain_graph=True)
        y.backward()
    assert_same(e.grad, t.grad)


def test_non_scalar_backward_needs_gradient():
    e, _ = _pair([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (e * 2).backward()


def test_backward_on_tensor_without_grad_raises():
    x = ember.ones(3)
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        x.sum().backward()


def test_backward_with_explicit_gradient():
    e, t = _pair([[1.0, 2.0], [3.0, 4.0]])
    g = np.array([[1.0, -1.0], [0.5, 2.0]])
    (e.sin() * e).backward(ember.tensor(g))
    (t.sin() * t).backward(torch.tensor(g))
    assert_same(e.grad, t.grad)


def test_gradient_shape_mismatch_raises():
    e, _ = _pair([1.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (e * 2).backward(ember.ones(3, dtype=ember.float64))


def test_double_backward_matches_torch():
    e, t = _pair([0.3, -1.2, 2.0])
    results = []
    for lib, x in ((ember, e), (torch, t)):
        y = (x**3 + x.sin() * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x, create_graph=True)
        (ggg,) = lib.autograd.grad((gg * gg).sum(), x)
        results.append((g, gg, ggg))
    for a, b in zip(*results):
        assert_same(a, b)


def test_grad_allow_unused_and_grad_outputs():
    e, t = _pair([1.0, 2.0])
    e2, t2 = _pair([3.0])
    ge = ember.autograd.grad((e * 2).sum(), [e, e2], allow_unused=True)
    gt = torch.autograd.grad((t * 2).sum(), [t, t2], allow_unused=True)
    assert_same(ge[0], gt[0])
    assert ge[1] is None and gt[1] is None
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        ember.autograd.grad((e * 2).sum(), [e, e2])
    go = np.array([0.5, -2.0])
    assert_same(
        ember.autograd.grad(e * e, e, ember.tensor(go))[0],
        torch.autograd.grad(t * t, t, torch.tensor(go))[0],
    )


def test_grad_does_not_touch_dot_grad():
    e, _ = _pair([1.0, 2.0])
    ember.autograd.grad((e * e).sum(), e)
    assert e.grad is None


def test_grad_wrt_non_leaf():
    e, t = _pair([1.0, 2.0])
    outs = []
    for lib, x in ((ember, e), (torch, t)):
        h = x.exp()
        y = (h * h).sum()
        outs.append(lib.autograd.grad(y, h)[0])
    assert_same(*outs)


def test_backward_inputs_restricts_accumulation():
    e, t = _pair([1.0, 2.0])
    e2, t2 = _pair([3.0, 4.0])
    (e * e2).sum().backward(inputs=[e])
    (t * t2).sum().backward(inputs=[t])
    assert_same(e.grad, t.grad)
    assert e2.grad is None and t2.grad is None


def test_deep_chain_has_no_recursion_limit():
    x = ember.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_graph_saved_values_released_after_backward():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = (y * x).sum()
    node = z.grad_fn.next_functions[0][0]
    z.backward()
    assert node._freed and node.inputs is None


def test_retain_grad_and_hooks():
    e, t = _pair([1.0, -2.0, 3.0])
    res = []
    for x in (e, t):
        h = x * 2
        h.retain_grad()
        seen = []
        handle = h.register_hook(lambda g, seen=seen: seen.append(g.clone()) or g * 3)
        x.register_hook(lambda g: g + 1)
        (h * h).sum().backward()
        handle.remove()
        res.append((h.grad, x.grad, seen[0]))
    for a, b in zip(*res):
        assert_same(a, b)


def test_removed_hook_is_not_called():
    x = ember.tensor([1.0], requires_grad=True)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    handle.remove()
    (x * 2).sum().backward()
    assert calls == []


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ember.ones(2).register_hook(lambda g: g)


def test_grad_modes():
    x = ember.ones(2, requires_grad=True)
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()
    with ember.inference_mode():
        assert not (x * 2).requires_grad

    @ember.no_grad()
    def f(v):
        return v * 2

    assert not f(x).requires_grad
    assert (x * 2).requires_grad


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="only Tensors of floating point"):
        ember.ones(2, dtype=ember.int64).requires_grad_()
    with pytest.raises(RuntimeError, match="Only Tensors of floating point|only Tensors"):
        ember.tensor([1, 2], requires_grad=True)
    y = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf variables"):
        y.requires_grad_(False)


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x.add_(1)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        x[0] = 2.0
    with ember.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0, 2.0]


def test_inplace_on_non_leaf_matches_torch():
    e, t = _pair([0.5, -1.0, 2.0])
    e2, t2 = _pair([1.5, 2.0, -0.5])
    for x, w in ((e, e2), (t, t2)):
        y = x * 2
        y.mul_(w)
        y.add_(x)
        y += 1
        y.exp_()
        y.sum().backward()
    assert_same(e.grad, t.grad)
    assert_same(e2.grad, t2.grad)


def test_modified_saved_tensor_raises_version_error():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_version_counter_shared_with_views():
    x = ember.zeros(3, 2)
    v = x[0]
    assert x._version == 0
    v.add_(1)
    assert x._version == 1 and v._version == 1
    assert x.tolist()[0] == [1.0, 1.0]


def test_detach_shares_memory_and_cuts_graph():
    x = ember.ones(3, requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None
    y = x.detach()
    y.zero_()
    assert x.sum().item() == 0


def test_set_grad_enabled_as_function():
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)
    assert ember.is_grad_enabled()


def test_grad_fn_names_match_torch():
    e, t = _pair([1.0, 2.0])
    for op in (
        lambda v: v * 2,
        lambda v: v + v,
        lambda v: v.exp(),
        lambda v: v.sum(),
        lambda v: v / 3,
        lambda v: v.tanh(),
    ):
        assert op(e).grad_fn.name() == type(op(t).grad_fn).__name__


def test_several_roots_where_one_feeds_another():
    a = np.array([0.5, 1.5])
    res = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        y = x.exp()
        g1 = lib.autograd.grad(
            [y * 2, y], [x], [lib.ones(2, dtype=lib.float64)] * 2, retain_graph=True
        )
        g2 = lib.autograd.grad([y, y * 2], [x], [lib.ones(2, dtype=lib.float64)] * 2)
        res.append((g1[0], g2[0]))
    for e, t in zip(*res):
        assert_same(e, t)
