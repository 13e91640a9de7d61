"""Data generators and comparison helpers for the metric tests (scikit-learn is the oracle)."""

from __future__ import annotations

import numpy as np

import ember


def close(actual, expected, atol=1e-5, rtol=1e-5):
    """Assert an ember result equals a NumPy/scalar/list expectation."""
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected):
            close(a, e, atol, rtol)
        return
    assert isinstance(actual, ember.Tensor), type(actual)
    np.testing.assert_allclose(
        actual.numpy(), np.asarray(expected, dtype=np.float64), atol=atol, rtol=rtol
    )


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x, axis=1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def binary_scores(rng, shape, kind):
    """``(preds, hard predictions)`` of a given kind: "labels", "probs" or "logits"."""
    if kind == "labels":
        p = rng.integers(0, 2, shape)
        return p, p
    if kind == "probs":
        p = rng.random(shape).astype(np.float32)
        return p, (p > 0.5).astype(np.int64)
    p = (rng.normal(size=shape) * 3).astype(np.float32)
    return p, (sigmoid(p.astype(np.float64)) > 0.5).astype(np.int64)


def multiclass_scores(rng, n, c, kind, extra=()):
    """``(preds, argmax labels)``: int labels ``(n, *extra)`` or scores ``(n, c, *extra)``."""
    if kind == "labels":
        p = rng.integers(0, c, (n, *extra))
        return p, p
    logits = rng.normal(size=(n, c, *extra)).astype(np.float32)
    p = softmax(logits).astype(np.float32) if kind == "probs" else logits * 3
    return p, p.argmax(1)


def t(x):
    """An ember tensor from a NumPy array."""
    return ember.tensor(np.asarray(x))
