"""Grad mode is thread-local, as in PyTorch: threads training side by side, or a ``no_grad``
evaluation beside training, give bit-identical results to running alone."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import ember
from ember import nn

STEPS = 40


def _model(seed):
    ember.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))


def _data(seed):
    rng = np.random.default_rng(seed)
    x = ember.tensor(rng.standard_normal((32, 8)).astype(np.float32))
    y = ember.tensor(rng.standard_normal((32, 1)).astype(np.float32))
    return x, y


def _train(model, x, y, start=None):
    opt = ember.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    if start is not None:
        start.wait()
    for _ in range(STEPS):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def _evaluate(model, x, start, stop, seen):
    start.wait()
    while not stop.is_set():
        with ember.no_grad():
            seen.append(model(x).requires_grad)


def _run_threads(targets):
    errors = []

    def guard(fn, *args):
        try:
            fn(*args)
        except BaseException as e:  # re-raised in the main thread below
            errors.append(e)

    threads = [threading.Thread(target=guard, args=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    if errors:
        raise errors[0]


@pytest.fixture(params=[1e-6, 5e-3], ids=["switch-1us", "switch-5ms"])
def switch_interval(request):
    old = sys.getswitchinterval()
    sys.setswitchinterval(request.param)
    yield
    sys.setswitchinterval(old)


def test_threads_training_side_by_side_match_training_alone(switch_interval):
    alone = [_train(_model(s), *_data(s)) for s in (1, 2, 3)]
    models = [_model(s) for s in (1, 2, 3)]
    results = [None] * 3
    start = threading.Barrier(3)

    def run(i):
        results[i] = _train(models[i], *_data(i + 1), start)

    _run_threads([(run, i) for i in range(3)])
    for got, want in zip(results, alone):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)


def test_training_beside_a_no_grad_evaluation_matches_training_alone(switch_interval):
    alone = _train(_model(7), *_data(7))
    model, evaluated = _model(7), _model(8)
    x, y = _data(7)
    start, stop = threading.Barrier(2), threading.Event()
    seen, result = [], []

    def train():
        result.append(_train(model, x, y, start))
        stop.set()

    _run_threads([(train,), (_evaluate, evaluated, x, start, stop, seen)])
    for g, w in zip(result[0], alone):
        np.testing.assert_array_equal(g, w)
    assert seen and not any(seen)  # the evaluation thread never recorded


def test_a_new_thread_starts_with_grad_enabled():
    seen = []
    with ember.no_grad():
        t = threading.Thread(target=lambda: seen.append(ember.is_grad_enabled()))
        t.start()
        t.join()
        assert not ember.is_grad_enabled()
    assert seen == [True]
