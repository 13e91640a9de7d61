"""Bad arguments and inputs raise torchmetrics' exception types, with messages naming the
offending values or shapes."""

from __future__ import annotations

import numpy as np
import pytest

import ember.metrics as M
from ember.metrics import functional as F

from .helpers import t

P2 = t(np.array([0.2, 0.8]))
Y2 = t(np.array([0, 1]))
SCORES = t(np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]], dtype=np.float32))
LABELS = t(np.array([1, 2]))


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: F.binary_accuracy(P2, t(np.array([0, 1, 1]))), RuntimeError, r"\(2,\) and \(3,\)"),
        (lambda: F.binary_accuracy(P2, t(np.array([0, 2]))), RuntimeError, r"`target`: \[2\]"),
        (lambda: F.binary_accuracy(t(np.array([0, 3])), Y2), RuntimeError, r"`preds`: \[3\]"),
        (lambda: F.binary_accuracy(P2, Y2, threshold=1), ValueError, "threshold"),
        (
            lambda: F.binary_accuracy(P2, Y2, multidim_average="samplewise"),
            ValueError,
            "atleast 2D",
        ),
        (lambda: F.binary_accuracy(P2, Y2, ignore_index=0.5), ValueError, "ignore_index"),
        (lambda: F.multiclass_accuracy(SCORES, LABELS, 1), ValueError, "larger than 1"),
        (
            lambda: F.multiclass_accuracy(SCORES, LABELS, 3, average="samples"),
            ValueError,
            "average",
        ),
        (lambda: F.multiclass_accuracy(SCORES, LABELS, 3, top_k=4), ValueError, "top_k"),
        (lambda: F.multiclass_accuracy(SCORES, LABELS, 4), ValueError, "number of classes"),
        (lambda: F.multiclass_accuracy(LABELS, LABELS, 3, top_k=2), ValueError, "top_k"),
        (lambda: F.multiclass_accuracy(SCORES, t(np.array([1, 5])), 3), RuntimeError, r"\[5\]"),
        (
            lambda: F.multiclass_accuracy(SCORES, t(np.array([[1, 2]])), 3),
            ValueError,
            r"shape=\(2, 3\) and `target` with shape=\(1, 2\)",
        ),
        (
            lambda: F.multilabel_accuracy(SCORES, t(np.array([[0, 1, 0], [1, 1, 0]])), 4),
            ValueError,
            "number of labels",
        ),
        (lambda: F.binary_fbeta_score(P2, Y2, beta=0.0), ValueError, "beta"),
        (lambda: F.accuracy(P2, Y2, task="binaryy"), ValueError, "Invalid Classification"),
        (lambda: F.accuracy(SCORES, LABELS, task="multiclass"), ValueError, "num_classes"),
        (lambda: F.binary_confusion_matrix(P2, Y2, normalize="rows"), ValueError, "normalize"),
        (lambda: F.binary_cohen_kappa(P2, Y2, weights="cubic"), ValueError, "weight"),
        (lambda: F.binary_auroc(Y2, Y2), ValueError, "floating tensor"),
        (lambda: F.binary_auroc(P2, Y2, max_fpr=1.5), ValueError, "max_fpr"),
        (lambda: F.binary_roc(P2, Y2, thresholds=1), ValueError, "thresholds"),
        (lambda: F.binary_roc(P2, Y2, thresholds=[0.5, 2.0]), ValueError, "thresholds"),
        (lambda: F.multiclass_auroc(SCORES, LABELS, 3, average="micro"), ValueError, "average"),
        (lambda: F.multiclass_auroc(LABELS, LABELS, 3), ValueError, "one more dimension"),
        (lambda: F.mean_squared_error(P2, t(np.array([1.0]))), RuntimeError, r"\(2,\) and \(1,\)"),
        (
            lambda: F.r2_score(t(np.zeros((2, 2, 2))), t(np.zeros((2, 2, 2)))),
            ValueError,
            "1D or 2D",
        ),
        (lambda: F.r2_score(P2, P2, adjusted=-1), ValueError, "adjusted"),
        (lambda: M.MeanSquaredError(squared=1), ValueError, "squared"),
        (lambda: M.MeanAbsoluteError(num_outputs=0), ValueError, "num_outputs"),
        (lambda: M.BinaryAUROC(thresholds=0.5), ValueError, "thresholds"),
        (lambda: M.MulticlassAUROC(3, average="micro"), ValueError, "average"),
        (lambda: M.BinaryAccuracy(compute_with_cache=1), ValueError, "compute_with_cache"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_validate_args_false_skips_checks():
    # Values out of range are not checked without validation; such elements count nowhere.
    out = F.binary_accuracy(P2, t(np.array([0, 2])), validate_args=False)
    assert float(out) == 1.0
