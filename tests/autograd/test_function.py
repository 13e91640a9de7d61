"""Custom autograd.Function, gradcheck itself, and autograd.functional."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import assert_same


def _make_square(lib):
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x * x * scale

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x * ctx.scale, None

    return Square


def test_custom_function_matches_torch():
    a = np.array([1.0, -2.0, 0.5])
    res = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        y = _make_square(lib).apply(x, 3.0)
        (y.sin()).sum().backward()
        res.append((y, x.grad))
        assert type(y.grad_fn).__name__ == "SquareBackward" or y.grad_fn.name() == "SquareBackward"
    for e, t in zip(*res):
        assert_same(e, t)


def test_custom_function_double_backward():
    for lib in (ember, torch):
        x = lib.tensor([1.5, -0.5], dtype=lib.float64, requires_grad=True)
        y = _make_square(lib).apply(x, 2.0).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        assert gg.tolist() == [4.0, 4.0]


def test_needs_input_grad_and_non_differentiable():
    seen = {}

    class Split(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            seen["needs"] = ctx.needs_input_grad
            idx = ember.tensor([0, 1])
            ctx.mark_non_differentiable(idx)
            return x + y, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            return g, None

    x = ember.ones(2, requires_grad=True)
    out, idx = Split.apply(x, ember.ones(2))
    assert seen["needs"] == (True, False)
    assert out.requires_grad and not idx.requires_grad
    out.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_saved_tensor_modified_in_place_raises():
    class Keep(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x

    x = ember.ones(2, requires_grad=True)
    h = x * 1
    y = Keep.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_gradcheck_accepts_correct_and_rejects_wrong_gradients():
    x = ember.tensor([0.3, -0.7, 1.1], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda v: (v.sin() * v).sum(), (x,))

    class Wrong(ember.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            return v * v

        @staticmethod
        def backward(ctx, g):
            return g  # should be 2 * v * g

    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(Wrong.apply, (x,))
    assert not ember.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)
    assert ember.autograd.gradgradcheck(lambda v: (v**3).sum(), (x,))


def test_jacobian_and_hessian_match_torch():
    a = np.array([0.2, -1.0, 0.7])

    def f(lib):
        return lambda v: (v.exp() * v.sum()).tanh()

    def g(lib):
        return lambda v: (v**3).sum() + (v[0] * v[1])

    je = ember.autograd.functional.jacobian(f(ember), ember.tensor(a))
    jt = torch.autograd.functional.jacobian(f(torch), torch.tensor(a))
    assert_same(je, jt)
    he = ember.autograd.functional.hessian(g(ember), ember.tensor(a))
    ht = torch.autograd.functional.hessian(g(torch), torch.tensor(a))
    assert_same(he, ht)


def test_set_materialize_grads_false_passes_none_for_unused_outputs():
    seen = []

    class Two(ember.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, g1, g2):
            seen.append((g1 is None, g2 is None))
            return g1 * 2

    x = ember.ones(2, requires_grad=True)
    a, _ = Two.apply(x)
    a.sum().backward()
    assert seen == [(False, True)] and x.grad.tolist() == [2.0, 2.0]
