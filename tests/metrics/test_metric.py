"""The ``Metric`` protocol: accumulating over batches equals the functional metric of the
concatenated data, ``forward`` returns the batch value while accumulating, ``reset``, caching,
state handling (devices, dtypes, state_dict, clone) and custom metrics."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from sklearn import metrics as skm

import ember
import ember.metrics as M
from ember.metrics import functional as F

from .helpers import close, t

BATCHES = (10, 17, 6)


def _labels(rng, c, shape):
    """Random labels in which every one of the ``c`` values occurs (so every curve is defined)."""
    size = int(np.prod(shape))
    return rng.permutation(np.arange(size) % c).reshape(shape)


def _batch(task, n, rng, extra=()):
    if task == "binary":
        return rng.random((n, *extra)).astype(np.float32), _labels(rng, 2, (n, *extra))
    if task == "multiclass":
        return rng.normal(size=(n, 4, *extra)).astype(np.float32), _labels(rng, 4, (n, *extra))
    target = np.stack([_labels(rng, 2, (n, *extra)) for _ in range(3)], 1)
    return rng.normal(size=(n, 3, *extra)).astype(np.float32), target


# (id, task, metric factory, functional(preds, target), extra dims)
CASES = [
    ("binary_accuracy", "binary", M.BinaryAccuracy, F.binary_accuracy, ()),
    (
        "binary_precision_samplewise",
        "binary",
        lambda: M.BinaryPrecision(multidim_average="samplewise"),
        lambda p, y: F.binary_precision(p, y, multidim_average="samplewise"),
        (5,),
    ),
    ("binary_recall", "binary", M.BinaryRecall, F.binary_recall, ()),
    ("binary_f1", "binary", M.BinaryF1Score, F.binary_f1_score, ()),
    (
        "binary_fbeta",
        "binary",
        lambda: M.BinaryFBetaScore(0.5),
        lambda p, y: F.binary_fbeta_score(p, y, 0.5),
        (),
    ),
    ("binary_specificity", "binary", M.BinarySpecificity, F.binary_specificity, ()),
    ("binary_stat_scores", "binary", M.BinaryStatScores, F.binary_stat_scores, ()),
    (
        "binary_confmat",
        "binary",
        lambda: M.BinaryConfusionMatrix(normalize="true"),
        lambda p, y: F.binary_confusion_matrix(p, y, normalize="true"),
        (),
    ),
    ("binary_mcc", "binary", M.BinaryMatthewsCorrCoef, F.binary_matthews_corrcoef, ()),
    ("binary_kappa", "binary", M.BinaryCohenKappa, F.binary_cohen_kappa, ()),
    ("binary_auroc", "binary", M.BinaryAUROC, F.binary_auroc, ()),
    (
        "binary_auroc_binned",
        "binary",
        lambda: M.BinaryAUROC(thresholds=11),
        lambda p, y: F.binary_auroc(p, y, thresholds=11),
        (),
    ),
    ("binary_ap", "binary", M.BinaryAveragePrecision, F.binary_average_precision, ()),
    ("binary_roc", "binary", M.BinaryROC, F.binary_roc, ()),
    (
        "binary_pr_curve_binned",
        "binary",
        lambda: M.BinaryPrecisionRecallCurve(thresholds=5),
        lambda p, y: F.binary_precision_recall_curve(p, y, thresholds=5),
        (),
    ),
    (
        "mc_accuracy_macro",
        "multiclass",
        lambda: M.MulticlassAccuracy(4),
        lambda p, y: F.multiclass_accuracy(p, y, 4),
        (),
    ),
    (
        "mc_accuracy_top2",
        "multiclass",
        lambda: M.MulticlassAccuracy(4, top_k=2, average="micro"),
        lambda p, y: F.multiclass_accuracy(p, y, 4, top_k=2, average="micro"),
        (),
    ),
    (
        "mc_precision_none_samplewise",
        "multiclass",
        lambda: M.MulticlassPrecision(4, average=None, multidim_average="samplewise"),
        lambda p, y: F.multiclass_precision(p, y, 4, average=None, multidim_average="samplewise"),
        (3,),
    ),
    (
        "mc_recall_weighted",
        "multiclass",
        lambda: M.MulticlassRecall(4, average="weighted"),
        lambda p, y: F.multiclass_recall(p, y, 4, average="weighted"),
        (),
    ),
    (
        "mc_f1_ignore",
        "multiclass",
        lambda: M.MulticlassF1Score(4, ignore_index=0),
        lambda p, y: F.multiclass_f1_score(p, y, 4, ignore_index=0),
        (),
    ),
    (
        "mc_specificity",
        "multiclass",
        lambda: M.MulticlassSpecificity(4),
        lambda p, y: F.multiclass_specificity(p, y, 4),
        (),
    ),
    (
        "mc_confmat",
        "multiclass",
        lambda: M.MulticlassConfusionMatrix(4),
        lambda p, y: F.multiclass_confusion_matrix(p, y, 4),
        (),
    ),
    (
        "mc_mcc",
        "multiclass",
        lambda: M.MulticlassMatthewsCorrCoef(4),
        lambda p, y: F.multiclass_matthews_corrcoef(p, y, 4),
        (),
    ),
    (
        "mc_kappa",
        "multiclass",
        lambda: M.MulticlassCohenKappa(4, weights="linear"),
        lambda p, y: F.multiclass_cohen_kappa(p, y, 4, weights="linear"),
        (),
    ),
    (
        "mc_auroc",
        "multiclass",
        lambda: M.MulticlassAUROC(4, average="weighted"),
        lambda p, y: F.multiclass_auroc(p, y, 4, average="weighted"),
        (),
    ),
    (
        "mc_ap_binned",
        "multiclass",
        lambda: M.MulticlassAveragePrecision(4, thresholds=9),
        lambda p, y: F.multiclass_average_precision(p, y, 4, thresholds=9),
        (),
    ),
    (
        "mc_roc",
        "multiclass",
        lambda: M.MulticlassROC(4),
        lambda p, y: F.multiclass_roc(p, y, 4),
        (),
    ),
    (
        "mc_pr_curve",
        "multiclass",
        lambda: M.MulticlassPrecisionRecallCurve(4),
        lambda p, y: F.multiclass_precision_recall_curve(p, y, 4),
        (),
    ),
    (
        "ml_accuracy",
        "multilabel",
        lambda: M.MultilabelAccuracy(3),
        lambda p, y: F.multilabel_accuracy(p, y, 3),
        (),
    ),
    (
        "ml_precision_micro",
        "multilabel",
        lambda: M.MultilabelPrecision(3, average="micro"),
        lambda p, y: F.multilabel_precision(p, y, 3, average="micro"),
        (),
    ),
    (
        "ml_recall_samplewise",
        "multilabel",
        lambda: M.MultilabelRecall(3, multidim_average="samplewise"),
        lambda p, y: F.multilabel_recall(p, y, 3, multidim_average="samplewise"),
        (4,),
    ),
    (
        "ml_f1",
        "multilabel",
        lambda: M.MultilabelF1Score(3),
        lambda p, y: F.multilabel_f1_score(p, y, 3),
        (),
    ),
    (
        "ml_specificity",
        "multilabel",
        lambda: M.MultilabelSpecificity(3, average=None),
        lambda p, y: F.multilabel_specificity(p, y, 3, average=None),
        (),
    ),
    (
        "ml_confmat",
        "multilabel",
        lambda: M.MultilabelConfusionMatrix(3),
        lambda p, y: F.multilabel_confusion_matrix(p, y, 3),
        (),
    ),
    (
        "ml_mcc",
        "multilabel",
        lambda: M.MultilabelMatthewsCorrCoef(3),
        lambda p, y: F.multilabel_matthews_corrcoef(p, y, 3),
        (),
    ),
    (
        "ml_auroc_micro",
        "multilabel",
        lambda: M.MultilabelAUROC(3, average="micro"),
        lambda p, y: F.multilabel_auroc(p, y, 3, average="micro"),
        (),
    ),
    (
        "ml_auroc_binned",
        "multilabel",
        lambda: M.MultilabelAUROC(3, thresholds=7),
        lambda p, y: F.multilabel_auroc(p, y, 3, thresholds=7),
        (),
    ),
    (
        "ml_ap_none",
        "multilabel",
        lambda: M.MultilabelAveragePrecision(3, average=None),
        lambda p, y: F.multilabel_average_precision(p, y, 3, average=None),
        (),
    ),
    (
        "ml_ap_micro_binned",
        "multilabel",
        lambda: M.MultilabelAveragePrecision(3, average="micro", thresholds=5),
        lambda p, y: F.multilabel_average_precision(p, y, 3, average="micro", thresholds=5),
        (),
    ),
    (
        "ml_roc",
        "multilabel",
        lambda: M.MultilabelROC(3),
        lambda p, y: F.multilabel_roc(p, y, 3),
        (),
    ),
]


def _same(actual, expected):
    if isinstance(expected, (tuple, list)):
        assert isinstance(actual, (tuple, list)) and len(actual) == len(expected)
        for a, e in zip(actual, expected):
            _same(a, e)
        return
    assert actual.dtype == expected.dtype
    close(actual, expected.numpy())


@pytest.mark.parametrize(
    ("task", "factory", "functional", "extra"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_accumulates_like_functional_on_concatenation(task, factory, functional, extra):
    rng = np.random.default_rng(0)
    batches = [_batch(task, n, rng, extra) for n in BATCHES]
    metric = factory()
    for preds, target in batches:
        # forward: the value of this batch alone ...
        _same(metric(t(preds), t(target)), functional(t(preds), t(target)))
    # ... while the state accumulates every batch.
    preds = np.concatenate([b[0] for b in batches])
    target = np.concatenate([b[1] for b in batches])
    expected = functional(t(preds), t(target))
    _same(metric.compute(), expected)
    assert metric.update_count == len(BATCHES)
    metric.reset()
    assert metric.update_count == 0
    for preds, target in batches[1:]:
        metric.update(t(preds), t(target))
    rest = [np.concatenate([b[i] for b in batches[1:]]) for i in (0, 1)]
    _same(metric.compute(), functional(t(rest[0]), t(rest[1])))


def test_stateful_against_sklearn():
    rng = np.random.default_rng(1)
    acc = M.Accuracy(task="multiclass", num_classes=5, average="macro")
    f1 = M.F1Score(task="multiclass", num_classes=5, average="weighted")
    auroc = M.AUROC(task="binary")
    ys, ps, scores, labels = [], [], [], []
    for n in (20, 33):
        y, p = rng.integers(0, 5, n), rng.integers(0, 5, n)
        s, b = rng.random(n).astype(np.float32), rng.integers(0, 2, n)
        acc.update(t(p), t(y))
        f1.update(t(p), t(y))
        auroc.update(t(s), t(b))
        ys.append(y), ps.append(p), scores.append(s), labels.append(b)
    y, p = np.concatenate(ys), np.concatenate(ps)
    close(acc.compute(), skm.balanced_accuracy_score(y, p))
    close(f1.compute(), skm.f1_score(y, p, average="weighted"))
    close(auroc.compute(), skm.roc_auc_score(np.concatenate(labels), np.concatenate(scores)))


@pytest.mark.parametrize(
    ("wrapper", "kwargs", "cls"),
    [
        (M.Accuracy, dict(task="binary"), M.BinaryAccuracy),
        (M.Accuracy, dict(task="multiclass", num_classes=3), M.MulticlassAccuracy),
        (M.Precision, dict(task="multilabel", num_labels=3), M.MultilabelPrecision),
        (M.Recall, dict(task="binary"), M.BinaryRecall),
        (M.FBetaScore, dict(task="multiclass", beta=2.0, num_classes=3), M.MulticlassFBetaScore),
        (M.Specificity, dict(task="multilabel", num_labels=2), M.MultilabelSpecificity),
        (M.StatScores, dict(task="binary"), M.BinaryStatScores),
        (M.ConfusionMatrix, dict(task="multilabel", num_labels=2), M.MultilabelConfusionMatrix),
        (M.MatthewsCorrCoef, dict(task="multiclass", num_classes=3), M.MulticlassMatthewsCorrCoef),
        (M.CohenKappa, dict(task="multiclass", num_classes=3), M.MulticlassCohenKappa),
        (M.AUROC, dict(task="multilabel", num_labels=2), M.MultilabelAUROC),
        (M.AveragePrecision, dict(task="binary"), M.BinaryAveragePrecision),
        (M.ROC, dict(task="multiclass", num_classes=3), M.MulticlassROC),
        (M.PrecisionRecallCurve, dict(task="binary"), M.BinaryPrecisionRecallCurve),
    ],
)
def test_task_wrappers(wrapper, kwargs, cls):
    metric = wrapper(**kwargs)
    assert type(metric) is cls


def test_task_wrapper_defaults_and_errors():
    assert M.Accuracy(task="multiclass", num_classes=3).average == "micro"
    assert M.MulticlassAccuracy(3).average == "macro"
    with pytest.raises(ValueError, match="Invalid Classification"):
        M.Accuracy(task="regression")
    with pytest.raises(ValueError, match="`num_classes` is expected to be `int`"):
        M.Precision(task="multiclass")
    with pytest.raises(ValueError, match="Invalid Classification"):
        M.CohenKappa(task="multilabel", num_labels=2)
    with pytest.raises(ValueError, match="Unexpected keyword arguments"):
        M.BinaryAccuracy(bogus=1)


def test_compute_warns_before_update_and_caches():
    metric = M.BinaryAccuracy()
    with pytest.warns(UserWarning, match="was called before the ``update``"):
        close(metric.compute(), 0.0)
    metric.update(t(np.array([1, 0])), t(np.array([1, 1])))
    first = metric.compute()
    assert metric.compute() is first  # cached until the next update
    metric.update(t(np.array([1])), t(np.array([1])))
    close(metric.compute(), 2 / 3)
    uncached = M.BinaryAccuracy(compute_with_cache=False)
    uncached.update(t(np.array([1])), t(np.array([1])))
    assert uncached.compute() is not uncached.compute()


def test_reset_restores_defaults():
    metric = M.MulticlassAccuracy(3, multidim_average="samplewise")
    metric.update(t(np.array([[0, 1], [2, 2]])), t(np.array([[0, 1], [1, 2]])))
    assert len(metric.tp) == 1
    metric.reset()
    assert metric.tp == [] and metric.update_count == 0 and not metric.update_called
    binned = M.BinaryAUROC(thresholds=3)
    binned.update(t(np.array([0.2, 0.9])), t(np.array([0, 1])))
    binned.reset()
    assert binned.confmat.tolist() == [[[0, 0], [0, 0]]] * 3


class _Running(M.Metric):
    """A custom metric with a list state and a state without reduction (full state update)."""

    full_state_update = True

    def __init__(self):
        super().__init__()
        self.add_state("values", [], dist_reduce_fx="cat")
        self.add_state("last", ember.tensor(0.0))

    def update(self, x):
        self.values.append(x)
        self.last = x.max()

    def compute(self):
        return M.metric.dim_zero_cat(self.values).mean() + 0 * self.last


class _Total(M.Metric):
    full_state_update = False

    def __init__(self):
        super().__init__()
        self.add_state("total", ember.tensor(0.0), dist_reduce_fx="sum")
        self.add_state("count", ember.tensor(0), dist_reduce_fx="sum")

    def update(self, x):
        self.total += x.sum()  # in-place, as torchmetrics users write it
        self.count += x.numel()

    def compute(self):
        return self.total / self.count


class _SubTotal(_Total):
    def update(self, x):
        super().update(x * 2)

    def compute(self):
        return super().compute() + 1


@pytest.mark.parametrize("cls", [_Running, _Total])
def test_custom_metric_forward(cls):
    metric = cls()
    close(metric(t(np.array([1.0, 2.0]))), 1.5)
    close(metric(t(np.array([6.0]))), 6.0)
    close(metric.compute(), 3.0)
    metric.reset()
    close(metric(t(np.array([4.0]))), 4.0)
    close(metric.compute(), 4.0)


def test_failing_forward_keeps_accumulated_state():
    metric = M.R2Score()
    preds, target = t(np.array([1.0, 2.0, 4.0])), t(np.array([1.0, 2.5, 3.0]))
    metric(preds, target)
    with pytest.raises(ValueError, match="at least two samples"):
        metric(t(np.array([1.0])), t(np.array([2.0])))  # the batch value cannot be computed
    assert metric.update_count == 1
    close(metric.compute(), F.r2_score(preds, target).numpy())


def test_subclass_calling_super_counts_once():
    metric = _SubTotal()
    metric.update(t(np.array([1.0, 2.0])))
    assert metric.update_count == 1
    close(metric.compute(), 4.0)


def test_add_state_errors():
    metric = _Total()
    with pytest.raises(ValueError, match="state variable must be a tensor"):
        metric.add_state("bad", [1.0])
    with pytest.raises(ValueError, match="`dist_reduce_fx` must be callable"):
        metric.add_state("bad", ember.tensor(0.0), dist_reduce_fx="median")


def test_forward_is_differentiable_and_state_is_not():
    metric = M.MeanSquaredError()
    preds = ember.tensor([1.0, 2.0, 4.0], requires_grad=True)
    value = metric(preds, ember.tensor([1.0, 1.0, 1.0]))
    value.backward()
    close(preds.grad, [0.0, 2 / 3, 2.0])
    assert not metric.sum_squared_error.requires_grad
    metric.update(preds, ember.tensor([0.0, 0.0, 0.0]))
    assert not metric.sum_squared_error.requires_grad


def test_device_dtype_and_clone():
    metric = _Total()
    metric.update(t(np.array([1.0, 2.0])))
    assert metric.to("cpu") is metric and metric.device == ember.device("cpu")
    metric.double()
    assert metric.total.dtype == ember.float32  # float()/double() leave metric states alone
    metric.set_dtype(ember.float64)
    assert metric.total.dtype == ember.float64 and metric.count.dtype == ember.int64
    twin = metric.clone()
    twin.update(t(np.array([9.0])))
    close(metric.compute(), 1.5)
    close(twin.compute(), 4.0)
    assert copy.deepcopy(metric).update_count == 1


def test_state_dict_persistence():
    metric = _Total()
    metric.update(t(np.array([1.0, 3.0])))
    assert "total" not in metric.state_dict()
    metric.persistent(True)
    state = metric.state_dict()
    assert set(state) == {"total", "count"}
    fresh = _Total()
    fresh.load_state_dict(state)
    close(fresh.total, 4.0)
    auroc = M.BinaryAUROC(thresholds=4)
    assert "thresholds" not in auroc.state_dict()
