"""Random state: same seed, same numbers; Generator state round trips; distributions."""

from __future__ import annotations

import numpy as np
import pytest

import ember


def test_manual_seed_reproduces():
    ember.manual_seed(42)
    a = (ember.rand(5), ember.randn(3), ember.randint(0, 10, (4,)), ember.randperm(6))
    ember.manual_seed(42)
    b = (ember.rand(5), ember.randn(3), ember.randint(0, 10, (4,)), ember.randperm(6))
    for x, y in zip(a, b):
        assert x.tolist() == y.tolist()
    assert ember.initial_seed() == 42


def test_rng_state_round_trip():
    state = ember.get_rng_state()
    a = ember.randn(4)
    ember.set_rng_state(state)
    assert ember.randn(4).tolist() == a.tolist()


def test_generator_is_independent_of_default():
    g = ember.Generator().manual_seed(7)
    a = ember.randn(3, generator=g)
    ember.randn(100)
    g2 = ember.Generator().manual_seed(7)
    assert ember.randn(3, generator=g2).tolist() == a.tolist()
    s = g.get_state()
    x = ember.rand(2, generator=g)
    g.set_state(s)
    assert ember.rand(2, generator=g).tolist() == x.tolist()


def test_distributions_have_the_right_moments():
    ember.manual_seed(0)
    n = 200_000
    assert abs(ember.rand(n).mean().item() - 0.5) < 0.01
    r = ember.randn(n)
    assert abs(r.mean().item()) < 0.01 and abs((r * r).mean().item() - 1) < 0.02
    assert abs(ember.normal(2.0, 3.0, (n,)).mean().item() - 2.0) < 0.05
    b = ember.bernoulli(ember.full((n,), 0.3))
    assert abs(b.mean().item() - 0.3) < 0.01
    e = ember.empty(n).exponential_(2.0)
    assert abs(e.mean().item() - 0.5) < 0.01
    u = ember.empty(n).uniform_(-2, 2)
    assert u.numpy().min() >= -2 and u.numpy().max() < 2
    ri = ember.randint(3, 7, (n,))
    assert ri.dtype is ember.int64 and ri.numpy().min() == 3 and ri.numpy().max() == 6


def test_randperm_and_multinomial():
    p = ember.randperm(20)
    assert sorted(p.tolist()) == list(range(20))
    w = ember.tensor([0.0, 1.0, 3.0])
    s = ember.multinomial(w, 2000, replacement=True)
    counts = np.bincount(s.numpy(), minlength=3)
    assert counts[0] == 0 and 0.65 < counts[2] / 2000 < 0.85
    nr = ember.multinomial(ember.tensor([1.0, 1.0, 1.0, 1.0]), 4)
    assert sorted(nr.tolist()) == [0, 1, 2, 3]
    with pytest.raises(RuntimeError, match="without replacement"):
        ember.multinomial(ember.ones(2), 3)


def test_random_factories_take_dtype_and_requires_grad():
    x = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    assert x.dtype is ember.float64 and x.requires_grad
    assert ember.rand_like(x).shape == (2, 3) and ember.randn_like(x).dtype is ember.float64
    assert ember.randint_like(ember.zeros(3), 5).shape == (3,)


def test_assert_close():
    ember.testing.assert_close(ember.tensor([1.0, 2.0]), ember.tensor([1.0, 2.0 + 1e-7]))
    with pytest.raises(AssertionError, match="not close"):
        ember.testing.assert_close(ember.tensor([1.0]), ember.tensor([1.1]))
    with pytest.raises(AssertionError, match="dtype"):
        ember.testing.assert_close(ember.tensor([1.0]), ember.tensor([1.0], dtype=ember.float64))
