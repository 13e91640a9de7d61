"""ROC and precision-recall curves, AUROC and average precision (functional) against
scikit-learn: exact curves (``thresholds=None``), ties, logits, ignore_index, every task and
average; binned curves against counts taken straight from their definition."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

from ember.metrics import functional as F

from .helpers import close, sigmoid, softmax, t


def _binary_data(rng, n=60, ties=False, logits=False):
    scores = rng.random(n)
    if ties:
        scores = np.round(scores, 1)
    target = (rng.random(n) < scores * 0.8 + 0.1).astype(np.int64)
    preds = np.log(scores + 1e-3) - np.log(1 - scores + 1e-3) if logits else scores
    return preds.astype(np.float32), target


@pytest.mark.parametrize("logits", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_binary_curves(ties, logits):
    rng = np.random.default_rng(0)
    preds, target = _binary_data(rng, ties=ties, logits=logits)
    probs = sigmoid(preds.astype(np.float64)).astype(np.float32) if logits else preds
    fpr, tpr, thr = F.binary_roc(t(preds), t(target))
    sk_fpr, sk_tpr, sk_thr = skm.roc_curve(target, probs, drop_intermediate=False)
    close(fpr, sk_fpr)
    close(tpr, sk_tpr)
    close(thr, np.concatenate([[1.0], sk_thr[1:]]))  # torchmetrics starts at 1, not inf
    precision, recall, thr = F.binary_precision_recall_curve(t(preds), t(target))
    sk_p, sk_r, sk_thr = skm.precision_recall_curve(target, probs)
    close(precision, sk_p)
    close(recall, sk_r)
    close(thr, sk_thr)
    close(F.binary_auroc(t(preds), t(target)), skm.roc_auc_score(target, probs))
    close(
        F.binary_average_precision(t(preds), t(target)), skm.average_precision_score(target, probs)
    )
    assert str(F.binary_auroc(t(preds), t(target)).dtype) == "ember.float32"


@pytest.mark.parametrize("max_fpr", [0.1, 0.5, 1.0])
def test_binary_auroc_max_fpr(max_fpr):
    rng = np.random.default_rng(1)
    preds, target = _binary_data(rng, n=80)
    close(
        F.binary_auroc(t(preds), t(target), max_fpr=max_fpr),
        skm.roc_auc_score(target, preds, max_fpr=max_fpr),
    )
    close(
        F.auroc(t(preds), t(target), task="binary", max_fpr=max_fpr),
        skm.roc_auc_score(target, preds, max_fpr=max_fpr),
    )


def test_binary_ignore_index_and_multidim():
    rng = np.random.default_rng(2)
    preds, target = _binary_data(rng, n=60)
    preds, target = preds.reshape(6, 10), target.reshape(6, 10)
    target[rng.random(target.shape) < 0.2] = -1
    keep = target != -1
    close(
        F.binary_auroc(t(preds), t(target), ignore_index=-1),
        skm.roc_auc_score(target[keep], preds[keep]),
    )
    close(
        F.average_precision(t(preds), t(target), task="binary", ignore_index=-1),
        skm.average_precision_score(target[keep], preds[keep]),
    )


def test_binary_roc_without_negatives_warns():
    with pytest.warns(UserWarning, match="No negative samples in targets"):
        fpr, tpr, _ = F.binary_roc(t(np.array([0.2, 0.7], np.float32)), t(np.array([1, 1])))
    close(fpr, [0, 0, 0])
    close(tpr, [0, 0.5, 1])


def _multiclass_data(rng, n=60, c=4, logits=False):
    logit = rng.normal(size=(n, c)) * 2
    target = np.array([rng.choice(c, p=row) for row in softmax(logit)])
    preds = logit if logits else softmax(logit)
    return preds.astype(np.float32), target


@pytest.mark.parametrize("average", ["macro", "weighted", None])
@pytest.mark.parametrize("logits", [False, True])
def test_multiclass_auroc_and_average_precision(logits, average):
    rng = np.random.default_rng(3)
    preds, target = _multiclass_data(rng, logits=logits)
    probs = softmax(preds.astype(np.float64)) if logits else preds
    close(
        F.multiclass_auroc(t(preds), t(target), 4, average=average),
        skm.roc_auc_score(target, probs, multi_class="ovr", average=average),
        atol=1e-5,
    )
    onehot = label_binarize(target, classes=[0, 1, 2, 3])
    close(
        F.multiclass_average_precision(t(preds), t(target), 4, average=average),
        skm.average_precision_score(onehot, probs, average=average),
        atol=1e-5,
    )
    close(
        F.auroc(t(preds), t(target), task="multiclass", num_classes=4, average=average),
        skm.roc_auc_score(target, probs, multi_class="ovr", average=average),
        atol=1e-5,
    )


def test_multiclass_curves_and_ignore_index():
    rng = np.random.default_rng(4)
    preds, target = _multiclass_data(rng, n=40, c=3)
    target[:6] = -1
    fprs, tprs, thrs = F.multiclass_roc(t(preds), t(target), 3, ignore_index=-1)
    precisions, recalls, _ = F.multiclass_precision_recall_curve(
        t(preds), t(target), 3, ignore_index=-1
    )
    assert len(fprs) == len(tprs) == len(thrs) == len(precisions) == 3
    for i in range(3):
        sk_fpr, sk_tpr, _ = skm.roc_curve(target[6:] == i, preds[6:, i], drop_intermediate=False)
        close(fprs[i], sk_fpr)
        close(tprs[i], sk_tpr)
        sk_p, sk_r, _ = skm.precision_recall_curve(target[6:] == i, preds[6:, i])
        close(precisions[i], sk_p)
        close(recalls[i], sk_r)


def test_multiclass_multidim():
    rng = np.random.default_rng(5)
    preds, target = _multiclass_data(rng, n=48, c=3)
    # (N, C, L) scores with (N, L) targets: every position is a sample.
    preds_3d = preds.reshape(8, 6, 3).transpose(0, 2, 1)
    close(
        F.multiclass_auroc(t(preds_3d), t(target.reshape(8, 6)), 3),
        skm.roc_auc_score(target, preds, multi_class="ovr"),
        atol=1e-5,
    )


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_multilabel_auroc_and_average_precision(average):
    rng = np.random.default_rng(6)
    logit = rng.normal(size=(50, 3)).astype(np.float32) * 2
    target = (rng.random((50, 3)) < sigmoid(logit)).astype(np.int64)
    close(
        F.multilabel_auroc(t(logit), t(target), 3, average=average),
        skm.roc_auc_score(target, logit, average=average),
        atol=1e-5,
    )
    close(
        F.multilabel_average_precision(t(logit), t(target), 3, average=average),
        skm.average_precision_score(target, sigmoid(logit), average=average),
        atol=1e-5,
    )


def test_multilabel_ignore_index_and_curves():
    rng = np.random.default_rng(7)
    preds = rng.random((40, 3)).astype(np.float32)
    target = (rng.random((40, 3)) < preds).astype(np.int64)
    target[rng.random(target.shape) < 0.2] = -1
    per_label = []
    for i in range(3):
        keep = target[:, i] != -1
        per_label.append(skm.roc_auc_score(target[keep, i], preds[keep, i]))
    close(F.multilabel_auroc(t(preds), t(target), 3, average=None, ignore_index=-1), per_label)
    keep = target != -1
    close(
        F.multilabel_auroc(t(preds), t(target), 3, average="micro", ignore_index=-1),
        skm.roc_auc_score(target[keep], preds[keep]),
    )
    fprs, tprs, _ = F.multilabel_roc(t(preds), t(target), 3, ignore_index=-1)
    keep0 = target[:, 0] != -1
    sk_fpr, sk_tpr, _ = skm.roc_curve(target[keep0, 0], preds[keep0, 0], drop_intermediate=False)
    close(fprs[0], sk_fpr)
    close(tprs[0], sk_tpr)


# ---------------------------------------------------------------------------- binned
def _binned_counts(preds, target, thresholds):
    """tp, fp, fn, tn at each threshold (a sample is positive when its score is >= it)."""
    above = preds[:, None] >= thresholds[None, :]
    pos = (target == 1)[:, None]
    return (
        (above & pos).sum(0),
        (above & ~pos).sum(0),
        (~above & pos).sum(0),
        (~above & ~pos).sum(0),
    )


def _div(a, b):
    return np.where(b > 0, a / np.maximum(b, 1), 0.0)


@pytest.mark.parametrize("thresholds", [5, [0.1, 0.4, 0.5, 0.9]])
def test_binary_binned(thresholds):
    rng = np.random.default_rng(8)
    preds, target = _binary_data(rng, n=50, ties=True)  # scores equal to thresholds occur
    thr = np.linspace(0, 1, thresholds) if isinstance(thresholds, int) else np.array(thresholds)
    tp, fp, fn, tn = _binned_counts(preds, target, thr.astype(np.float32))
    precision = np.concatenate([_div(tp, tp + fp), [1.0]])
    recall = np.concatenate([_div(tp, tp + fn), [0.0]])
    p, r, out_thr = F.binary_precision_recall_curve(t(preds), t(target), thresholds=thresholds)
    close(p, precision)
    close(r, recall)
    close(out_thr, thr)
    fpr, tpr, out_thr = F.binary_roc(t(preds), t(target), thresholds=thresholds)
    close(fpr, _div(fp, fp + tn)[::-1])
    close(tpr, _div(tp, tp + fn)[::-1])
    close(out_thr, thr[::-1])
    close(
        F.binary_auroc(t(preds), t(target), thresholds=thresholds),
        np.trapezoid(_div(tp, tp + fn)[::-1], _div(fp, fp + tn)[::-1]),
    )
    close(
        F.binary_average_precision(t(preds), t(target), thresholds=thresholds),
        -np.sum(np.diff(recall) * precision[:-1]),
    )


def test_binned_approaches_exact():
    rng = np.random.default_rng(9)
    preds, target = _multiclass_data(rng, n=80, c=3)
    exact = F.multiclass_auroc(t(preds), t(target), 3, average=None)
    binned = F.multiclass_auroc(t(preds), t(target), 3, average=None, thresholds=400)
    close(binned, exact.numpy(), atol=5e-3)
    y = rng.integers(0, 2, (80, 3))
    exact = F.multilabel_average_precision(t(preds), t(y), 3, average="micro")
    binned = F.multilabel_average_precision(t(preds), t(y), 3, average="micro", thresholds=400)
    close(binned, exact.numpy(), atol=2e-2)


def test_multiclass_binned_curves_shape():
    rng = np.random.default_rng(10)
    preds, target = _multiclass_data(rng, n=30, c=3)
    p, r, thr = F.multiclass_precision_recall_curve(t(preds), t(target), 3, thresholds=7)
    assert p.shape == (3, 8) and r.shape == (3, 8) and thr.shape == (7,)
    for i in range(3):
        tp, fp, fn, _ = _binned_counts(
            preds[:, i], (target == i).astype(int), np.linspace(0, 1, 7).astype(np.float32)
        )
        close(p[i], np.concatenate([_div(tp, tp + fp), [1.0]]))
        close(r[i], np.concatenate([_div(tp, tp + fn), [0.0]]))
