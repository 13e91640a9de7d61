"""Bad input to reductions, scans, norms and sorting ops: same exception type as PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember

from ..oracle import check_error
from .db.reduction import _mnorm, _vnorm

X = np.arange(6, dtype=np.float32).reshape(2, 3)
EMPTY = np.zeros((0, 3), dtype=np.float32)
INTS = np.array([1, 2, 3])

DIM_OUT_OF_RANGE = [
    lambda m, x: m.sum(x, 2),
    lambda m, x: m.mean(x, (0, -3)),
    lambda m, x: m.amax(x, 5),
    lambda m, x: m.max(x, 2),
    lambda m, x: m.argmin(x, -3),
    lambda m, x: m.std(x, 2),
    lambda m, x: m.logsumexp(x, 3),
    lambda m, x: m.cumsum(x, 2),
    lambda m, x: m.cummax(x, -3),
    lambda m, x: m.sort(x, 2),
    lambda m, x: m.median(x, 2),
    lambda m, x: m.topk(x, 1, 4),
    lambda m, x: m.norm(x, 2, 3),
    lambda m, x: m.all(x, 2),
    lambda m, x: m.count_nonzero(x, 2),
    lambda m, x: m.quantile(x, 0.5, 2),
    lambda m, x: m.unique(x, dim=2),
    lambda m, x: m.prod(x, -3),
    lambda m, x: m.mode(x, 2),
    lambda m, x: m.kthvalue(x, 1, 2),
]


@pytest.mark.parametrize("fn", DIM_OUT_OF_RANGE)
def test_dim_out_of_range(fn):
    msg = check_error(fn, X)
    assert "Dimension out of range" in msg and "[-2, 1]" in msg


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.sum(x, (0, 0)),
        lambda m, x: m.amax(x, (1, -1)),
        lambda m, x: m.count_nonzero(x, (0, 0)),
    ],
)
def test_repeated_dim(fn):
    assert "multiple times" in check_error(fn, X)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.mean(x),
        lambda m, x: m.nanmean(x),
        lambda m, x: m.std(x),
        lambda m, x: m.var(x, 0),
        lambda m, x: m.quantile(x, 0.5),
        lambda m, x: m.norm(x),
    ],
)
def test_float_only(fn):
    check_error(fn, INTS)


def test_mean_int_message():
    assert "Long" in check_error(lambda m, x: m.mean(x), INTS)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.max(x),
        lambda m, x: m.amin(x),
        lambda m, x: x.min(),
        lambda m, x: m.aminmax(x),
    ],
)
def test_empty_without_dim(fn):
    assert "empty" in check_error(fn, EMPTY) or "numel() == 0" in check_error(fn, EMPTY)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.max(x, 0),
        lambda m, x: m.amax(x, 0),
        lambda m, x: m.argmax(x),
        lambda m, x: m.argmax(x, 0),
        lambda m, x: m.median(x, 0),
        lambda m, x: m.mode(x, 0),
        lambda m, x: m.aminmax(x, dim=0),
        lambda m, x: m.kthvalue(x, 1, 0),
    ],
)
def test_empty_reduction_dim(fn):
    check_error(fn, EMPTY)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.kthvalue(x, 4),
        lambda m, x: m.kthvalue(x, 0),
        lambda m, x: m.topk(x, 4),
        lambda m, x: m.topk(x, -1),
    ],
)
def test_k_out_of_range(fn):
    assert "out of range" in check_error(fn, X)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m, x: m.quantile(x, 1.5),
        lambda m, x: m.quantile(x, -0.1, dim=0),
        lambda m, x: m.quantile(x, m.tensor([0.5, 2.0])),
        lambda m, x: m.quantile(x, m.tensor([[0.5]])),
        lambda m, x: m.quantile(x, m.tensor([0.5], dtype=m.float64)),
        lambda m, x: m.nanquantile(x, 0.5, interpolation="cubic"),
        lambda m, x: m.quantile(x[:0], 0.5),
    ],
)
def test_quantile_errors(fn):
    assert "quantile()" in check_error(fn, X)


@pytest.mark.parametrize(
    "fn, data",
    [
        (lambda m, x: m.bincount(x), np.array([-1, 2])),
        (lambda m, x: m.bincount(x), np.array([[1, 2]])),
        (lambda m, x: m.bincount(x), np.array([1.0, 2.0], dtype=np.float32)),
        (lambda m, x: m.bincount(x, m.ones(3)), np.array([1, 2])),
        (lambda m, x: m.histc(x), np.array([1, 2])),
        (lambda m, x: m.histc(x, bins=0), X),
        (lambda m, x: m.histc(x, min=2, max=1), X),
        (lambda m, x: m.logcumsumexp(x, 0), np.array([1, 2])),
        (lambda m, x: m.prod(x, (0, 1)), X),
        (lambda m, x: m.max(x, (0, 1)), X),
        (lambda m, x: m.argmax(x), np.array([True, False])),
        (lambda m, x: m.cumsum(x), X),
    ],
)
def test_bad_arguments(fn, data):
    check_error(fn, data)


@pytest.mark.parametrize(
    "fn, data",
    [
        (lambda m, x: _vnorm(m, x, 2), INTS),
        (lambda m, x: _vnorm(m, x, -1), EMPTY),
        (lambda m, x: _vnorm(m, x, float("inf")), EMPTY),
        (lambda m, x: _mnorm(m, x, "fro"), np.ones(3, dtype=np.float32)),
        (lambda m, x: _mnorm(m, x, 3), X),
        (lambda m, x: _mnorm(m, x, "abc"), X),
        (lambda m, x: _mnorm(m, x, "fro", dim=(0, 1, 1)), X),
        (lambda m, x: m.norm(x, "nuc"), np.ones((2, 2, 2), dtype=np.float32)),
    ],
)
def test_norm_errors(fn, data):
    assert "linalg." in check_error(fn, data)


def test_std_degrees_of_freedom_warns():
    with pytest.warns(UserWarning, match="degrees of freedom"):
        torch.std(torch.ones(1))
    with pytest.warns(UserWarning, match="degrees of freedom"):
        out = ember.std(ember.ones(1))
    assert np.isnan(out.item())


class _NoAccumulate:
    """A ufunc whose ``accumulate`` is missing, as on CuPy for maximum/minimum/logaddexp."""

    def __init__(self, ufunc):
        self.ufunc = ufunc

    def __call__(self, *args):
        return self.ufunc(*args)

    def accumulate(self, *args, **kwargs):
        raise NotImplementedError


@pytest.mark.parametrize("ufunc", [np.maximum, np.minimum, np.logaddexp])
@pytest.mark.parametrize("dim", [0, 1])
def test_accumulate_fallback_scan(ufunc, dim):
    from ember.ops.prims.cumulative import accumulate

    a = np.random.default_rng(0).standard_normal((5, 7)).astype(np.float32)
    a[1, 3] = np.nan
    np.testing.assert_allclose(
        accumulate(_NoAccumulate(ufunc), a, dim),
        ufunc.accumulate(a, axis=dim),
        rtol=1e-6,
        equal_nan=True,
    )
