"""Scatter-adds by whole rows (NOTE [ Scatter-add by rows ] in ``ember/ops/prims/shape.py``).

The backwards of ``x[idx]``, ``index_select``, ``embedding`` and ``index_put_(accumulate=True)``
against torch, on rows wide enough for the uniqueness check (a permutation is an assignment) and
on narrow ones, with repeated and negative indices, non-contiguous inputs and cotangents, and
float64 gradchecks.
"""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..oracle import check, check_gradcheck

RNG = np.random.default_rng(11)
WIDE = RNG.standard_normal((7, 3, 4)).astype(np.float32)  # rows of 12 along dim 0
NARROW = RNG.standard_normal((7, 3)).astype(np.float32)  # rows of 3
PERM = [3, 0, 6, 1, 5, 2, 4]
SUBSET = [5, 1, 6]  # unique, not all rows
DUP = [2, 0, 2, 6, 2, 0, 1, 6, 6]
NEG = [-1, 3, -7, 0, -4]  # unique after wrapping
NEG_DUP = [-1, 6, 0, -7, 3, -1]  # -1 and 6, -7 and 0 name the same rows

INDICES = {"perm": PERM, "subset": SUBSET, "dup": DUP, "neg": NEG, "neg_dup": NEG_DUP}


def _idx(m, values):
    return m.tensor(values)


@pytest.mark.parametrize("name", INDICES)
@pytest.mark.parametrize("x", [WIDE, NARROW], ids=["wide", "narrow"])
def test_getitem_backward(x, name):
    check(lambda m, t: t[_idx(m, INDICES[name])], x)


@pytest.mark.parametrize("name", INDICES)
def test_getitem_backward_after_leading_slices(name):
    # rows along dim 1 of (4, 7, 10): a leading block of 4, rows of 10
    x = RNG.standard_normal((4, 7, 10)).astype(np.float32)
    check(lambda m, t: t[:, _idx(m, INDICES[name])], x)
    check(lambda m, t: t[:, _idx(m, INDICES[name]), :], x)


@pytest.mark.parametrize("name", ["perm", "dup"])
def test_non_contiguous_input_and_cotangent(name):
    x = RNG.standard_normal((12, 7)).astype(np.float32)

    def fn(m, t):  # a transposed input, an output transposed again (the cotangent is a view)
        return t.t()[_idx(m, INDICES[name])].transpose(0, 1)

    check(fn, x)

    def summed(m, t):  # a broadcast (stride-0) cotangent, through sum's backward
        return (t.t()[_idx(m, INDICES[name])] * 2).sum()

    check(summed, x)


@pytest.mark.parametrize("name", INDICES)
def test_index_select_backward(name):
    index = [i % 7 for i in INDICES[name]]  # index_select takes no negative index
    check(lambda m, t: m.index_select(t, 0, _idx(m, index)), WIDE)
    x = RNG.standard_normal((2, 7, 9)).astype(np.float32)
    check(lambda m, t: m.index_select(t, 1, _idx(m, index)), x)


@pytest.mark.parametrize("name", ["perm", "subset", "dup", "neg_dup"])
@pytest.mark.parametrize("width", [3, 16])
def test_index_put_accumulate(name, width):
    base = RNG.standard_normal((7, width)).astype(np.float32)
    values = RNG.standard_normal((len(INDICES[name]), width)).astype(np.float32)

    def fn(m, b, v):
        return b.clone().index_put_((_idx(m, INDICES[name]),), v, accumulate=True)

    check(fn, base, values)
    check(fn, base, values[:1])  # one row broadcast to every index


@pytest.mark.parametrize("name", ["perm", "dup"])
@pytest.mark.parametrize("width", [3, 16])
def test_index_add_into_nonzero_tensor(name, width):
    base = RNG.standard_normal((7, width)).astype(np.float32)
    src = RNG.standard_normal((len(INDICES[name]), width)).astype(np.float32)
    check(lambda m, b, s: m.index_add(b, 0, _idx(m, INDICES[name]), s, alpha=2.0), base, src)


@pytest.mark.parametrize(
    "kwargs", [{}, {"padding_idx": 2}, {"scale_grad_by_freq": True}], ids=["plain", "pad", "freq"]
)
@pytest.mark.parametrize("tokens", [[[3, 0, 6], [1, 5, 2]], [[2, 2, 0], [6, 2, 0]]])
def test_embedding_backward(tokens, kwargs):
    weight = RNG.standard_normal((7, 10)).astype(np.float32)
    check(lambda m, w: m.nn.functional.embedding(m.tensor(tokens), w, **kwargs), weight)


def test_many_repeats_sum_like_torch():
    # every row hit many times: the sums must accumulate all of them
    x = RNG.standard_normal((5, 32)).astype(np.float32)
    index = RNG.integers(-5, 5, 400).tolist()
    check(lambda m, t: t[_idx(m, index)], x, rtol=1e-5, atol=1e-5)


def test_gather_along_rows_backward():
    x = RNG.standard_normal((7, 9)).astype(np.float32)
    index = RNG.integers(0, 7, (5, 9))
    check(lambda m, t: m.gather(t, 0, m.tensor(index)), x)


def test_permutation_backward_is_exact():
    # a permutation's backward moves each gradient value once: bit-exact
    g = RNG.standard_normal((7, 3, 4)).astype(np.float32)
    x = ember.tensor(WIDE, requires_grad=True)
    x[ember.tensor(PERM)].backward(ember.tensor(g))
    expected = np.empty_like(g)
    expected[PERM] = g
    assert np.array_equal(x.grad.numpy(), expected)


@pytest.mark.parametrize("name", ["perm", "dup", "neg_dup"])
def test_gradcheck(name):
    check_gradcheck(lambda m, t: t[_idx(m, INDICES[name])], WIDE[:, :2])
    w = RNG.standard_normal((7, 8))
    tokens = [i % 7 for i in INDICES[name]]
    check_gradcheck(lambda m, t: m.index_select(t, 0, _idx(m, tokens)), w)
    check_gradcheck(lambda m, t: m.nn.functional.embedding(m.tensor(tokens), t), w)
