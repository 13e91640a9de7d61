"""Batched ``matmul`` on the operand layouts its backward produces, against torch.

NOTE [ Small transposed right factors ] in ``ember/ops/prims/products.py`` copies a small
column-major right factor before the product; these cases cross both of its bounds (factor size,
rows of the left factor) with transposed, batch-broadcast, sliced, complex and float64 operands,
forward and backward, and gradcheck in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import check, check_gradcheck

RNG = np.random.default_rng(5)


def _r(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


# (left, right) shapes; the right factor is given transposed ((..., n, k), used as .mT)
TRANSPOSED = {
    "small_many_rows": ((6, 80, 5), (6, 7, 5)),  # copied: 35 elements, 80 rows
    "small_few_rows": ((6, 2, 40), (6, 30, 40)),  # not copied: 1200 elements, 2 rows
    "large_factor": ((3, 40, 70), (3, 65, 70)),  # not copied: 4550 elements
    "at_the_bound": ((2, 64, 64), (2, 64, 64)),  # copied: 4096 elements, 64 rows
    "one_column": ((4, 30, 6), (4, 1, 6)),  # n == 1: a matrix-vector product
    "four_d": ((2, 3, 20, 4), (2, 3, 5, 4)),
}


@pytest.mark.parametrize("name", TRANSPOSED)
def test_transposed_right_factor(name):
    sa, sb = TRANSPOSED[name]
    check(lambda m, a, b: a @ b.transpose(-2, -1), _r(*sa), _r(*sb), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["small_many_rows", "at_the_bound", "large_factor"])
def test_backward_of_contiguous_product(name):
    # the backward multiplies g by b.mH: a column-major right factor
    sa, sb = TRANSPOSED[name]
    b = np.ascontiguousarray(_r(*sb).swapaxes(-1, -2))
    check(lambda m, x, y: x @ y, _r(*sa), b, rtol=1e-4, atol=1e-5)


def test_batch_broadcast_transposed_factor():
    a, w = _r(5, 40, 6), _r(1, 3, 6)  # w's batch of 1 broadcasts over a's 5
    check(lambda m, x, y: x @ y.transpose(-2, -1), a, w, rtol=1e-4, atol=1e-5)
    check(lambda m, x, y: x @ y.transpose(-2, -1).expand(5, 6, 3), a, w, rtol=1e-4, atol=1e-5)
    # a 2-D right factor broadcast against a batch
    check(lambda m, x, y: x @ y[0].t(), a, w, rtol=1e-4, atol=1e-5)


def test_sliced_transposed_factor():
    # a column-major factor cut from a larger one: leading dimension larger than the rows
    a, w = _r(4, 50, 6), _r(4, 9, 8)
    check(lambda m, x, y: x @ y[:, :5, 1:7].transpose(-2, -1), a, w, rtol=1e-4, atol=1e-5)


def test_complex_transposed_factor():
    a = (_r(3, 40, 5) + 1j * _r(3, 40, 5)).astype(np.complex64)
    w = (_r(3, 4, 5) + 1j * _r(3, 4, 5)).astype(np.complex64)
    g = (_r(3, 40, 4) + 1j * _r(3, 40, 4)).astype(np.complex64)
    results = []
    for m in (ember, torch):
        x, y = m.tensor(a, requires_grad=True), m.tensor(w, requires_grad=True)
        out = x @ y.mH
        out.backward(m.tensor(g))
        results.append([np.asarray(t.detach().numpy()) for t in (out, x.grad, y.grad)])
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-4, atol=1e-5)


def test_values_match_a_contiguous_factor_exactly():
    a, w = _r(6, 80, 5), _r(6, 7, 5)
    x, y = ember.tensor(a), ember.tensor(w)
    got = (x @ y.transpose(-2, -1)).numpy()
    want = (x @ ember.tensor(np.ascontiguousarray(w.swapaxes(-1, -2)))).numpy()
    assert np.array_equal(got, want)


@pytest.mark.parametrize(
    "shapes",
    [((2, 20, 5), (2, 7, 5)), ((2, 2, 10), (2, 30, 10))],
    ids=["copied", "not_copied"],
)
def test_gradcheck(shapes):
    sa, sb = shapes
    a, b = _r(*sa, dtype=np.float64), _r(*sb, dtype=np.float64)
    check_gradcheck(lambda m, x, y: x @ y.transpose(-2, -1), a, b)
