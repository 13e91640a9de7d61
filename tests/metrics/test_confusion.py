"""Confusion matrices, Matthews correlation and Cohen's kappa (functional) against
scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from ember.metrics import functional as F

from .helpers import binary_scores, close, multiclass_scores, t


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_binary_confusion_matrix(normalize):
    rng = np.random.default_rng(0)
    preds, hard = binary_scores(rng, (40,), "logits")
    target = rng.integers(0, 2, 40)
    out = F.binary_confusion_matrix(t(preds), t(target), normalize=normalize)
    close(out, skm.confusion_matrix(target, hard, normalize=normalize))
    assert str(out.dtype) == ("ember.int64" if normalize is None else "ember.float32")
    wrapped = F.confusion_matrix(t(preds), t(target), task="binary", normalize=normalize)
    close(wrapped, out.numpy())


@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
@pytest.mark.parametrize("kind", ["labels", "probs", "logits"])
def test_multiclass_confusion_matrix(kind, normalize):
    rng = np.random.default_rng(1)
    preds, hard = multiclass_scores(rng, 60, 4, kind)
    target = rng.integers(0, 4, 60)
    out = F.multiclass_confusion_matrix(t(preds), t(target), 4, normalize=normalize)
    close(out, skm.confusion_matrix(target, hard, labels=[0, 1, 2, 3], normalize=normalize))


def test_multiclass_confusion_matrix_ignore_index_multidim_and_empty_row():
    rng = np.random.default_rng(2)
    preds, hard = multiclass_scores(rng, 6, 3, "probs", extra=(5,))
    target = rng.integers(0, 3, (6, 5))
    target[0] = 9
    keep = target != 9
    out = F.multiclass_confusion_matrix(t(preds), t(target), 3, ignore_index=9)
    close(out, skm.confusion_matrix(target[keep], hard[keep], labels=[0, 1, 2]))
    # A class that never occurs gives an empty row: normalising warns and writes 0 there.
    target = np.array([0, 1, 0, 1])
    with pytest.warns(UserWarning, match="NaN values found in confusion matrix"):
        out = F.multiclass_confusion_matrix(t(target), t(target), 3, normalize="true")
    close(out, [[1, 0, 0], [0, 1, 0], [0, 0, 0]])


@pytest.mark.parametrize("normalize", [None, "true"])
def test_multilabel_confusion_matrix(normalize):
    rng = np.random.default_rng(3)
    preds, hard = binary_scores(rng, (30, 3), "probs")
    target = rng.integers(0, 2, (30, 3))
    expected = skm.multilabel_confusion_matrix(target, hard).astype(np.float64)
    if normalize == "true":
        expected = expected / expected.sum(-1, keepdims=True)
    out = F.multilabel_confusion_matrix(t(preds), t(target), 3, normalize=normalize)
    close(out, expected)
    target[:5, 0] = -1
    out = F.multilabel_confusion_matrix(t(preds), t(target), 3, ignore_index=-1)
    close(out[0], skm.confusion_matrix(target[5:, 0], hard[5:, 0]))
    close(out[1:], skm.multilabel_confusion_matrix(target[:, 1:], hard[:, 1:]))


def test_matthews_corrcoef():
    rng = np.random.default_rng(4)
    preds, hard = binary_scores(rng, (50,), "probs")
    target = rng.integers(0, 2, 50)
    close(F.binary_matthews_corrcoef(t(preds), t(target)), skm.matthews_corrcoef(target, hard))
    preds, hard = multiclass_scores(rng, 50, 4, "logits")
    target = rng.integers(0, 4, 50)
    close(
        F.multiclass_matthews_corrcoef(t(preds), t(target), 4), skm.matthews_corrcoef(target, hard)
    )
    close(
        F.matthews_corrcoef(t(preds), t(target), task="multiclass", num_classes=4),
        skm.matthews_corrcoef(target, hard),
    )
    preds, hard = binary_scores(rng, (20, 3), "logits")
    target = rng.integers(0, 2, (20, 3))
    close(
        F.multilabel_matthews_corrcoef(t(preds), t(target), 3),
        skm.matthews_corrcoef(target.ravel(), hard.ravel()),
    )


@pytest.mark.parametrize(
    ("preds", "target", "expected"),
    [
        ([1, 0, 1, 0], [1, 0, 1, 0], 1.0),  # perfect agreement
        ([0, 1, 0, 1], [1, 0, 1, 0], -1.0),  # perfect disagreement
        ([1, 1, 1, 1], [1, 0, 1, 0], 0.0),  # constant prediction: zero denominator
        ([0, 1, 1, 0], [0, 0, 0, 0], 0.0),  # constant target
    ],
)
def test_matthews_corrcoef_degenerate(preds, target, expected):
    close(F.binary_matthews_corrcoef(t(preds), t(target)), expected)
    assert skm.matthews_corrcoef(target, preds) == expected


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohen_kappa(weights):
    rng = np.random.default_rng(5)
    preds, hard = multiclass_scores(rng, 60, 5, "probs")
    target = np.clip(hard + rng.integers(-1, 2, 60), 0, 4)
    out = F.multiclass_cohen_kappa(t(preds), t(target), 5, weights=weights)
    close(out, skm.cohen_kappa_score(target, hard, weights=weights))
    assert str(out.dtype) == "ember.float32"
    preds, hard = binary_scores(rng, (40,), "logits")
    target = rng.integers(0, 2, 40)
    target[:4] = -1
    out = F.cohen_kappa(t(preds), t(target), task="binary", weights=weights, ignore_index=-1)
    close(out, skm.cohen_kappa_score(target[4:], hard[4:], weights=weights))
