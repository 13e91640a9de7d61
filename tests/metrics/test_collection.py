"""``MetricCollection`` and the aggregation metrics (mean, sum, max, min, cat)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

import ember
import ember.metrics as M

from .helpers import close, t


def _batches(seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.integers(0, 3, n), rng.integers(0, 3, n)) for n in (12, 20, 7)]


def test_collection_list_forward_update_compute_reset():
    mc = M.MetricCollection(
        [M.MulticlassAccuracy(3, average="micro"), M.MulticlassPrecision(3), M.MulticlassRecall(3)],
        prefix="val_",
        postfix="_x",
    )
    keys = ["val_MulticlassAccuracy_x", "val_MulticlassPrecision_x", "val_MulticlassRecall_x"]
    assert list(mc.keys()) == keys
    assert list(mc.keys(keep_base=True)) == [k[4:-2] for k in keys]
    batches = _batches()
    for preds, target in batches:
        out = mc(t(preds), t(target))
        assert sorted(out) == keys
        close(out["val_MulticlassAccuracy_x"], skm.accuracy_score(target, preds))
        close(out["val_MulticlassRecall_x"], skm.recall_score(target, preds, average="macro"))
    preds = np.concatenate([b[0] for b in batches])
    target = np.concatenate([b[1] for b in batches])
    result = mc.compute()
    close(result["val_MulticlassAccuracy_x"], skm.accuracy_score(target, preds))
    close(result["val_MulticlassPrecision_x"], skm.precision_score(target, preds, average="macro"))
    assert mc["val_MulticlassRecall_x"] is mc["MulticlassRecall"]
    mc.reset()
    assert all(m.update_count == 0 for m in mc.values())
    mc.update(t(batches[0][0]), t(batches[0][1]))
    close(
        mc.compute()["val_MulticlassAccuracy_x"], skm.accuracy_score(batches[0][1], batches[0][0])
    )


def test_collection_dict_sorted_nested_and_clone():
    mc = M.MetricCollection({"f1": M.BinaryF1Score(), "acc": M.BinaryAccuracy()})
    assert list(mc.keys()) == ["acc", "f1"]
    nested = M.MetricCollection(
        [M.MulticlassAccuracy(3), M.MetricCollection([M.MulticlassF1Score(3)], prefix="in_")]
    )
    assert list(nested.keys()) == ["MulticlassAccuracy", "in_MulticlassF1Score"]
    grouped = M.MetricCollection({"outer": M.MetricCollection({"a": M.MulticlassAccuracy(3)})})
    assert list(grouped.keys()) == ["outer_a"]
    preds, target = _batches()[0]
    mc.update(t(preds % 2), t(target % 2))
    twin = mc.clone(prefix="test_")
    assert list(twin.keys()) == ["test_acc", "test_f1"]
    twin.reset()
    close(mc.compute()["acc"], skm.accuracy_score(target % 2, preds % 2))
    assert twin["test_acc"].update_count == 0


def test_collection_kwargs_are_filtered():
    class Weighted(M.Metric):
        def __init__(self):
            super().__init__()
            self.add_state("total", ember.tensor(0.0), dist_reduce_fx="sum")

        def update(self, preds, target, weight=1.0):
            self.total += weight * (preds == target).sum()

        def compute(self):
            return self.total

    mc = M.MetricCollection([Weighted(), M.BinaryAccuracy()])
    out = mc(t(np.array([1, 0, 1])), t(np.array([1, 1, 1])), weight=10.0)
    close(out["Weighted"], 20.0)
    close(out["BinaryAccuracy"], 2 / 3)


def test_collection_errors():
    with pytest.raises(ValueError, match="Encountered two metrics both named BinaryAccuracy"):
        M.MetricCollection([M.BinaryAccuracy(), M.BinaryAccuracy()])
    with pytest.raises(ValueError, match="is not an instance of"):
        M.MetricCollection({"a": 3})
    with pytest.raises(ValueError, match="Unknown input to MetricCollection"):
        M.MetricCollection(3)
    with pytest.raises(ValueError, match="Expected input `prefix` to be a string"):
        M.MetricCollection([M.BinaryAccuracy()], prefix=1)


# ---------------------------------------------------------------------------- aggregation
def test_mean_sum_max_min_cat():
    values = [np.array([1.0, 5.0]), np.array(-2.0), np.array([3.0, 4.0, 0.5])]
    flat = np.concatenate([np.atleast_1d(v) for v in values])
    metrics = {
        M.MeanMetric: flat.mean(),
        M.SumMetric: flat.sum(),
        M.MaxMetric: flat.max(),
        M.MinMetric: flat.min(),
        M.CatMetric: flat,
    }
    for cls, expected in metrics.items():
        metric = cls()
        for v in values:
            out = metric(t(v))
            batch = {
                M.MeanMetric: np.mean,
                M.SumMetric: np.sum,
                M.MaxMetric: np.max,
                M.MinMetric: np.min,
                M.CatMetric: np.atleast_1d,
            }[cls](v)
            close(out, batch)
        close(metric.compute(), expected)
        assert metric.compute().dtype == ember.float32
    metric = M.SumMetric()
    metric.update(2)
    metric.update(3.5)
    close(metric.compute(), 5.5)


def test_mean_metric_weights_and_defaults():
    metric = M.MeanMetric()
    metric.update(t(np.array([1.0, 2.0])), weight=t(np.array([3.0, 1.0])))
    metric.update(10.0, weight=0.5)
    close(metric.compute(), (3 + 2 + 5) / 4.5)
    close(M.MaxMetric().max_value, -np.inf)
    with pytest.warns(UserWarning, match="was called before"):
        assert M.CatMetric().compute() == []


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("ignore", 2.0),
        ("disable", np.nan),
        (0.0, 4 / 3),
    ],
)
def test_nan_strategies(strategy, expected):
    metric = M.MeanMetric(nan_strategy=strategy)
    metric.update(t(np.array([1.0, float("nan"), 3.0])))
    close(metric.compute(), expected)


def test_nan_strategy_warn_and_error():
    metric = M.SumMetric()
    with pytest.warns(UserWarning, match="Encountered `nan` values in tensor. Will be removed."):
        metric.update(t(np.array([1.0, float("nan")])))
    close(metric.compute(), 1.0)
    with pytest.raises(RuntimeError, match="Encountered `nan` values in tensor"):
        M.MaxMetric(nan_strategy="error").update(float("nan"))
    with pytest.raises(ValueError, match="Arg `nan_strategy` should either be a float"):
        M.MinMetric(nan_strategy="drop")
