"""Accuracy, precision, recall, F-beta, specificity and stat scores (functional) against
scikit-learn, for every task, average and input kind (labels, probabilities, logits)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from ember.metrics import functional as F

from .helpers import binary_scores, close, multiclass_scores, t

NAMES = ["accuracy", "precision", "recall", "f1", "fbeta", "specificity"]
KINDS = ["labels", "probs", "logits"]
AVERAGES = ["micro", "macro", "weighted", None]


def _binary_ref(name):
    """The scikit-learn binary score for ``name`` (torchmetrics' zero division: 0)."""
    return {
        "accuracy": skm.accuracy_score,
        "precision": lambda y, p: skm.precision_score(y, p, zero_division=0),
        "recall": lambda y, p: skm.recall_score(y, p, zero_division=0),
        "f1": lambda y, p: skm.f1_score(y, p, zero_division=0),
        "fbeta": lambda y, p: skm.fbeta_score(y, p, beta=2.0, zero_division=0),
        "specificity": lambda y, p: skm.recall_score(y, p, pos_label=0, zero_division=0),
    }[name]


def _binary_fn(name):
    fns = {
        "accuracy": F.binary_accuracy,
        "precision": F.binary_precision,
        "recall": F.binary_recall,
        "f1": F.binary_f1_score,
        "specificity": F.binary_specificity,
    }
    if name == "fbeta":
        return lambda p, y, **kw: F.binary_fbeta_score(p, y, 2.0, **kw)
    return fns[name]


def _multiclass_fn(name):
    fns = {
        "accuracy": F.multiclass_accuracy,
        "precision": F.multiclass_precision,
        "recall": F.multiclass_recall,
        "f1": F.multiclass_f1_score,
        "specificity": F.multiclass_specificity,
    }
    if name == "fbeta":
        return lambda p, y, c, **kw: F.multiclass_fbeta_score(p, y, 2.0, c, **kw)
    return fns[name]


def _multilabel_fn(name):
    fns = {
        "accuracy": F.multilabel_accuracy,
        "precision": F.multilabel_precision,
        "recall": F.multilabel_recall,
        "f1": F.multilabel_f1_score,
        "specificity": F.multilabel_specificity,
    }
    if name == "fbeta":
        return lambda p, y, n, **kw: F.multilabel_fbeta_score(p, y, 2.0, n, **kw)
    return fns[name]


def _multiclass_ref(name, y, p, average, c):
    """scikit-learn's multiclass score; "macro" over the classes present in y or p (as
    torchmetrics, which leaves out classes with no tp, fp or fn)."""
    if name == "specificity":
        mcm = skm.multilabel_confusion_matrix(y, p, labels=list(range(c)))
        tn, fp, fn, tp = mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0], mcm[:, 1, 1]
        spec = np.where(tn + fp > 0, tn / np.maximum(tn + fp, 1), 0.0)
        if average == "micro":
            return tn.sum() / (tn + fp).sum()
        if average == "macro":
            return spec[tp + fp + fn > 0].mean()
        if average == "weighted":
            return (spec * (tp + fn)).sum() / (tp + fn).sum()
        return spec
    if name == "accuracy":
        if average == "micro":
            return skm.accuracy_score(y, p)
        name = "recall"
    fn = {
        "precision": skm.precision_score,
        "recall": skm.recall_score,
        "f1": skm.f1_score,
        "fbeta": lambda *a, **k: skm.fbeta_score(*a, beta=2.0, **k),
    }[name]
    labels = list(range(c)) if average is None else None
    return fn(y, p, average=average, labels=labels, zero_division=0)


def _multilabel_ref(name, y, p, average, keep=None):
    """scikit-learn's multilabel score, or per-label binary scores reduced like torchmetrics
    (accuracy, specificity, and whenever ``keep`` masks ignored elements)."""
    if keep is None and name in ("precision", "recall", "f1", "fbeta"):
        fn = {
            "precision": skm.precision_score,
            "recall": skm.recall_score,
            "f1": skm.f1_score,
            "fbeta": lambda *a, **k: skm.fbeta_score(*a, beta=2.0, **k),
        }[name]
        return fn(y, p, average=average, zero_division=0)
    keep = np.ones(y.shape, bool) if keep is None else keep
    ref = _binary_ref(name)
    if average == "micro":
        return ref(y[keep], p[keep])
    per = np.array([ref(y[keep[:, i], i], p[keep[:, i], i]) for i in range(y.shape[1])])
    if average == "macro":
        return per.mean()
    if average == "weighted":
        support = np.array([(y[keep[:, i], i] == 1).sum() for i in range(y.shape[1])])
        return (per * support).sum() / support.sum()
    return per


# ---------------------------------------------------------------------------- binary
@pytest.mark.parametrize("name", NAMES)
def test_binary(name):
    rng = np.random.default_rng(0)
    fn, ref = _binary_fn(name), _binary_ref(name)
    target = rng.integers(0, 2, (4, 10))
    for kind in KINDS:
        preds, hard = binary_scores(rng, (4, 10), kind)
        close(fn(t(preds), t(target)), ref(target.ravel(), hard.ravel()))
    close(
        fn(t(preds), t(target), multidim_average="samplewise"),
        [ref(target[i], hard[i]) for i in range(4)],
    )
    ignored = target.copy()
    ignored[rng.random(target.shape) < 0.25] = -1
    keep = ignored != -1
    close(fn(t(preds), t(ignored), ignore_index=-1), ref(ignored[keep], hard[keep]))


@pytest.mark.parametrize("name", NAMES)
def test_binary_threshold_and_wrapper(name):
    rng = np.random.default_rng(1)
    preds = rng.random(50).astype(np.float32)
    target = rng.integers(0, 2, 50)
    ref = _binary_ref(name)
    out = _binary_fn(name)(t(preds), t(target), threshold=0.3)
    close(out, ref(target, (preds > 0.3).astype(int)))
    assert out.dtype == F.binary_accuracy(t(preds), t(target)).dtype
    wrapper = {
        "accuracy": F.accuracy,
        "precision": F.precision,
        "recall": F.recall,
        "f1": F.f1_score,
        "specificity": F.specificity,
        "fbeta": lambda *a, **k: F.fbeta_score(*a, beta=2.0, **k),
    }[name]
    close(wrapper(t(preds), t(target), task="binary", threshold=0.3), out.numpy())


def test_threshold_is_strict():
    # torchmetrics: a probability counts as positive only when strictly above the threshold.
    preds = np.array([0.5, 0.5, 0.75, 0.25], dtype=np.float32)
    target = np.array([1, 0, 1, 0])
    close(F.binary_recall(t(preds), t(target)), 0.5)
    close(
        F.multilabel_recall(
            t(preds.reshape(2, 2)), t(target.reshape(2, 2)), 2, threshold=0.75, average="micro"
        ),
        0.0,
    )


def test_binary_bool_and_1d_logits_mixed():
    # A tensor with one value outside [0, 1] is logits as a whole: sigmoid, then threshold.
    preds = np.array([-1.0, 0.4, 0.6, 2.0], dtype=np.float32)
    target = np.array([0, 1, 1, 1])
    hard = (1 / (1 + np.exp(-preds)) > 0.5).astype(int)
    close(F.binary_accuracy(t(preds), t(target)), skm.accuracy_score(target, hard))
    close(F.binary_accuracy(t(target.astype(bool)), t(target)), 1.0)


# ---------------------------------------------------------------------------- multiclass
@pytest.mark.parametrize("kind", KINDS)
def test_multiclass_input_kinds(kind):
    rng = np.random.default_rng(2)
    preds, hard = multiclass_scores(rng, 60, 5, kind)
    target = rng.integers(0, 5, 60)
    close(
        F.multiclass_f1_score(t(preds), t(target), 5, average="macro"),
        skm.f1_score(target, hard, average="macro"),
    )


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", NAMES)
def test_multiclass(name, average):
    rng = np.random.default_rng(2)
    c = 5
    preds, hard = multiclass_scores(rng, 60, c, "logits")
    target = rng.integers(0, c, 60)
    out = _multiclass_fn(name)(t(preds), t(target), c, average=average)
    close(out, _multiclass_ref(name, target, hard, average, c))
    assert str(out.dtype) == "ember.float32"


@pytest.mark.parametrize("average", ["macro", None])
@pytest.mark.parametrize("name", ["accuracy", "specificity"])
def test_multiclass_absent_class(name, average):
    # Class 4 never occurs: torchmetrics (and scikit-learn's default labels) leave it out of the
    # macro mean; per class it scores 0.
    rng = np.random.default_rng(3)
    target = rng.integers(0, 4, 40)
    preds = rng.integers(0, 4, 40)
    out = _multiclass_fn(name)(t(preds), t(target), 5, average=average)
    close(out, _multiclass_ref(name, target, preds, average, 5))


@pytest.mark.parametrize("ignore_index", [-1, 0])
@pytest.mark.parametrize("average", ["micro", "macro", None])
@pytest.mark.parametrize("name", ["accuracy", "f1"])
def test_multiclass_ignore_index(name, average, ignore_index):
    rng = np.random.default_rng(4)
    c = 4
    preds, hard = multiclass_scores(rng, 60, c, "logits")
    target = rng.integers(0, c, 60)
    target[rng.random(60) < 0.3] = ignore_index
    keep = target != ignore_index
    out = _multiclass_fn(name)(t(preds), t(target), c, average=average, ignore_index=ignore_index)
    close(out, _multiclass_ref(name, target[keep], hard[keep], average, c))


@pytest.mark.parametrize("average", ["micro", "macro", None])
@pytest.mark.parametrize("name", ["accuracy", "f1", "specificity"])
def test_multiclass_multidim(name, average):
    rng = np.random.default_rng(5)
    c = 3
    preds, hard = multiclass_scores(rng, 3, c, "probs", extra=(12,))
    target = rng.integers(0, c, (3, 12))
    fn = _multiclass_fn(name)
    close(
        fn(t(preds), t(target), c, average=average),
        _multiclass_ref(name, target.ravel(), hard.ravel(), average, c),
    )
    # samplewise: one result per sample over its extra dimension
    expected = [_multiclass_ref(name, target[i], hard[i], average, c) for i in range(3)]
    close(fn(t(preds), t(target), c, average=average, multidim_average="samplewise"), expected)


def _topk_ref(scores, target, c, k, average, stat):
    """Top-k statistics straight from the definition: a class is predicted when it is among the
    k highest scores of the sample."""
    topk = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    pred = np.zeros(scores.shape, bool)
    np.put_along_axis(pred, topk, True, axis=1)
    is_class = target[:, None] == np.arange(c)
    tp = (pred & is_class).sum(0)
    fp = (pred & ~is_class).sum(0)
    fn = (~pred & is_class).sum(0)
    if average == "micro":
        return tp.sum() / (tp.sum() + (fp if stat == "precision" else fn).sum())
    denom = tp + (fp if stat == "precision" else fn)
    score = np.where(denom > 0, tp / np.maximum(denom, 1), 0.0)
    if average == "macro":
        return score[tp + fn > 0].mean()
    if average == "weighted":
        return (score * (tp + fn)).sum() / (tp + fn).sum()
    return score


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("average", AVERAGES)
def test_multiclass_top_k(k, average):
    rng = np.random.default_rng(6)
    c = 5
    scores = rng.normal(size=(50, c)).astype(np.float32)
    target = rng.integers(0, c, 50)
    acc = F.multiclass_accuracy(t(scores), t(target), c, average=average, top_k=k)
    close(acc, _topk_ref(scores, target, c, k, average, "recall"))
    if average == "micro":
        close(acc, skm.top_k_accuracy_score(target, scores, k=k, labels=list(range(c))))
    prec = F.multiclass_precision(t(scores), t(target), c, average=average, top_k=k)
    close(prec, _topk_ref(scores, target, c, k, average, "precision"))
    wrapped = F.accuracy(
        t(scores), t(target), task="multiclass", num_classes=c, top_k=k, average=average
    )
    close(wrapped, acc.numpy())


def test_multiclass_top_k_ignore_index():
    rng = np.random.default_rng(7)
    scores = rng.normal(size=(40, 4)).astype(np.float32)
    target = rng.integers(0, 4, 40)
    target[:10] = -100
    out = F.multiclass_accuracy(
        t(scores), t(target), 4, average="micro", top_k=2, ignore_index=-100
    )
    close(out, skm.top_k_accuracy_score(target[10:], scores[10:], k=2, labels=[0, 1, 2, 3]))


# ---------------------------------------------------------------------------- multilabel
@pytest.mark.parametrize("kind", KINDS)
def test_multilabel_input_kinds(kind):
    rng = np.random.default_rng(8)
    preds, hard = binary_scores(rng, (40, 4), kind)
    target = rng.integers(0, 2, (40, 4))
    close(
        F.multilabel_precision(t(preds), t(target), 4, average="macro"),
        skm.precision_score(target, hard, average="macro", zero_division=0),
    )


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", NAMES)
def test_multilabel(name, average):
    rng = np.random.default_rng(8)
    preds, hard = binary_scores(rng, (40, 4), "logits")
    target = rng.integers(0, 2, (40, 4))
    out = _multilabel_fn(name)(t(preds), t(target), 4, average=average)
    close(out, _multilabel_ref(name, target, hard, average))


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", ["accuracy", "precision", "specificity"])
def test_multilabel_ignore_index(name, average):
    rng = np.random.default_rng(10)
    preds, hard = binary_scores(rng, (30, 3), "probs")
    target = rng.integers(0, 2, (30, 3))
    target[rng.random(target.shape) < 0.2] = -1
    close(
        _multilabel_fn(name)(t(preds), t(target), 3, average=average, ignore_index=-1),
        _multilabel_ref(name, target, hard, average, keep=target != -1),
    )


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("name", ["recall", "accuracy"])
def test_multilabel_samplewise(name, average):
    # (N, L, ...) inputs: each sample is a multilabel problem over its extra positions.
    rng = np.random.default_rng(11)
    preds, hard = binary_scores(rng, (2, 3, 10), "logits")
    target = rng.integers(0, 2, (2, 3, 10))
    expected = [_multilabel_ref(name, target[i].T, hard[i].T, average) for i in range(2)]
    close(
        _multilabel_fn(name)(
            t(preds), t(target), 3, average=average, multidim_average="samplewise"
        ),
        expected,
    )


# ---------------------------------------------------------------------------- wrappers, stats
def test_task_wrappers_default_to_micro():
    rng = np.random.default_rng(11)
    preds, hard = multiclass_scores(rng, 50, 4, "logits")
    target = rng.integers(0, 4, 50)
    close(
        F.precision(t(preds), t(target), task="multiclass", num_classes=4),
        skm.precision_score(target, hard, average="micro"),
    )
    close(
        F.multiclass_precision(t(preds), t(target), 4),
        skm.precision_score(target, hard, average="macro"),
    )
    y, p = rng.integers(0, 2, (20, 3)), rng.integers(0, 2, (20, 3))
    close(
        F.recall(t(p), t(y), task="multilabel", num_labels=3),
        skm.recall_score(y, p, average="micro"),
    )
    close(
        F.f1_score(t(p), t(y), task="multilabel", num_labels=3, average="macro"),
        skm.f1_score(y, p, average="macro"),
    )


def test_stat_scores():
    rng = np.random.default_rng(12)
    target, preds = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
    tn, fp, fn, tp = skm.confusion_matrix(target, preds).ravel()
    out = F.binary_stat_scores(t(preds), t(target))
    assert out.tolist() == [tp, fp, tn, fn, tp + fn]
    assert str(out.dtype) == "ember.int64"
    target, preds = rng.integers(0, 3, 30), rng.integers(0, 3, 30)
    mcm = skm.multilabel_confusion_matrix(target, preds)
    per = np.stack(
        [mcm[:, 1, 1], mcm[:, 0, 1], mcm[:, 0, 0], mcm[:, 1, 0], mcm[:, 1, 1] + mcm[:, 1, 0]], 1
    )
    assert F.multiclass_stat_scores(t(preds), t(target), 3, average=None).tolist() == per.tolist()
    assert (
        F.stat_scores(t(preds), t(target), "multiclass", num_classes=3).tolist()
        == per.sum(0).tolist()
    )
    close(F.multiclass_stat_scores(t(preds), t(target), 3, average="macro"), per.mean(0))
    w = per[:, 4] / per[:, 4].sum()
    close(
        F.multiclass_stat_scores(t(preds), t(target), 3, average="weighted"),
        (per * w[:, None]).sum(0),
    )
    y, p = rng.integers(0, 2, (20, 3)), rng.integers(0, 2, (20, 3))
    mcm = skm.multilabel_confusion_matrix(y, p)
    assert (
        F.multilabel_stat_scores(t(p), t(y), 3, average=None)[:, 0].tolist()
        == mcm[:, 1, 1].tolist()
    )
