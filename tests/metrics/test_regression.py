"""Mean squared / absolute error and R^2 (functional and stateful) against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

import ember
from ember.metrics import MeanAbsoluteError, MeanSquaredError, R2Score
from ember.metrics import functional as F

from .helpers import close, t


def _data(rng, shape, dtype=np.float64):
    target = rng.normal(size=shape)
    preds = target + rng.normal(size=shape) * 0.5
    return preds.astype(dtype), target.astype(dtype)


def test_mean_squared_and_absolute_error():
    rng = np.random.default_rng(0)
    preds, target = _data(rng, (40,))
    close(F.mean_squared_error(t(preds), t(target)), skm.mean_squared_error(target, preds))
    close(
        F.mean_squared_error(t(preds), t(target), squared=False),
        skm.root_mean_squared_error(target, preds),
    )
    close(F.mean_absolute_error(t(preds), t(target)), skm.mean_absolute_error(target, preds))
    # Extra dimensions are flattened; float64 stays float64, float32 stays float32.
    out = F.mean_squared_error(t(preds.reshape(4, 10)), t(target.reshape(4, 10)))
    close(out, skm.mean_squared_error(target, preds))
    assert out.dtype == ember.float64
    out = F.mean_absolute_error(t(preds.astype(np.float32)), t(target.astype(np.float32)))
    assert out.dtype == ember.float32
    # Integer inputs give a float result.
    ip, it = rng.integers(0, 5, 20), rng.integers(0, 5, 20)
    out = F.mean_squared_error(t(ip), t(it))
    close(out, skm.mean_squared_error(it, ip))
    assert out.dtype == ember.float32
    close(F.mean_absolute_error(t(ip), t(it)), skm.mean_absolute_error(it, ip))


def test_num_outputs():
    rng = np.random.default_rng(1)
    preds, target = _data(rng, (30, 3))
    close(
        F.mean_squared_error(t(preds), t(target), num_outputs=3),
        skm.mean_squared_error(target, preds, multioutput="raw_values"),
    )
    close(
        F.mean_absolute_error(t(preds), t(target), num_outputs=3),
        skm.mean_absolute_error(target, preds, multioutput="raw_values"),
    )
    with pytest.raises(ValueError, match="num_outputs"):
        F.mean_squared_error(t(preds), t(target), num_outputs=2)


@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average", "variance_weighted"])
def test_r2_score(multioutput):
    rng = np.random.default_rng(2)
    preds, target = _data(rng, (30, 3))
    target[:, 2] *= 4  # unequal variances so "variance_weighted" differs from the mean
    close(
        F.r2_score(t(preds), t(target), multioutput=multioutput),
        skm.r2_score(target, preds, multioutput=multioutput),
    )
    expected = skm.r2_score(target[:, 0], preds[:, 0])
    n, k = 30, 4
    close(
        F.r2_score(t(preds[:, 0]), t(target[:, 0]), adjusted=k),
        1 - (1 - expected) * (n - 1) / (n - k - 1),
    )


def test_r2_score_edge_cases():
    close(F.r2_score(t(np.array([2.0, 2.0, 2.0])), t(np.array([2.0, 2.0, 2.0]))), 1.0)
    close(F.r2_score(t(np.array([1.0, 2.0, 3.0])), t(np.array([2.0, 2.0, 2.0]))), 0.0)
    assert skm.r2_score([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]) == 0.0
    with pytest.raises(ValueError, match="at least two samples"):
        F.r2_score(t(np.array([1.0])), t(np.array([2.0])))
    with pytest.warns(UserWarning, match="More independent regressions than data points"):
        F.r2_score(t(np.array([1.0, 2.0, 4.0])), t(np.array([1.0, 2.5, 3.0])), adjusted=5)
    with pytest.raises(ValueError, match="multioutput"):
        F.r2_score(t(np.array([1.0, 2.0])), t(np.array([1.0, 2.0])), multioutput="bad")


@pytest.mark.parametrize(
    ("metric", "reference"),
    [
        (lambda: MeanSquaredError(), skm.mean_squared_error),
        (lambda: MeanSquaredError(squared=False), skm.root_mean_squared_error),
        (lambda: MeanAbsoluteError(), skm.mean_absolute_error),
        (lambda: R2Score(), skm.r2_score),
        (
            lambda: R2Score(num_outputs=2, multioutput="raw_values"),
            lambda y, p: skm.r2_score(y, p, multioutput="raw_values"),
        ),
        (
            lambda: MeanSquaredError(num_outputs=2),
            lambda y, p: skm.mean_squared_error(y, p, multioutput="raw_values"),
        ),
    ],
)
def test_stateful_regression(metric, reference):
    rng = np.random.default_rng(3)
    m = metric()
    width = (2,) if getattr(m, "num_outputs", 1) == 2 else ()
    batches = [_data(rng, (n, *width), np.float32) for n in (7, 12, 5)]
    for preds, target in batches:
        close(m(t(preds), t(target)), reference(target, preds), atol=1e-4, rtol=1e-4)
    preds = np.concatenate([b[0] for b in batches])
    target = np.concatenate([b[1] for b in batches])
    close(m.compute(), reference(target, preds), atol=1e-4, rtol=1e-4)
    m.reset()
    m.update(t(batches[0][0]), t(batches[0][1]))
    close(m.compute(), reference(batches[0][1], batches[0][0]), atol=1e-4, rtol=1e-4)
