"""Concurrent use: many threads training separate models, beside threads evaluating under
``no_grad`` and threads running backward passes, at several GIL switch intervals. Every model
must end bit-identical to training it alone. ``EMBER_ADVERSARIAL=long`` runs the long
configuration."""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import ember
from ember import nn

from .cases import scale

SCALES = {
    "small": dict(trainers=3, steps=20, intervals=(1e-6, 5e-3)),
    "long": dict(trainers=8, steps=300, intervals=(1e-7, 1e-6, 1e-4, 5e-3)),
}
CONFIG = SCALES[scale()]


def _model(seed):
    ember.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))


def _data(seed):
    rng = np.random.default_rng(seed)
    x = ember.tensor(rng.standard_normal((32, 8)).astype(np.float32))
    return x, ember.tensor(rng.standard_normal((32, 1)).astype(np.float32))


def _train(model, x, y, steps, start=None):
    opt = ember.optim.Adam(model.parameters(), lr=0.01)
    if start is not None:
        start.wait()
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.mse_loss(model(x), y).backward()
        opt.step()
    return [p.detach().numpy().copy() for p in model.parameters()]


def _evaluate(model, x, stop, seen):
    while not stop.is_set():
        with ember.no_grad():
            seen.append(model(x).requires_grad)


def _backward_loop(stop, failures):
    w = ember.ones(64, requires_grad=True)
    while not stop.is_set():
        (w * w).sum().backward()
        if w.grad is None:
            failures.append("no grad")
        w.grad = None


@pytest.mark.parametrize("interval", CONFIG["intervals"])
def test_concurrent_training_is_bit_identical_to_training_alone(interval):
    n, steps = CONFIG["trainers"], CONFIG["steps"]
    alone = [_train(_model(s), *_data(s), steps) for s in range(n)]
    # models are built here: the default generator is one stream per process, as in torch
    models = [(_model(s), *_data(s)) for s in range(n)]
    evaluated = (_model(99), _data(99)[0])
    results, errors, seen, failures = [None] * n, [], [], []
    start, stop = threading.Barrier(n), threading.Event()

    def trainer(i):
        try:
            results[i] = _train(*models[i], steps, start)
        except BaseException as e:  # re-raised below
            errors.append(e)

    old = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        side = [
            threading.Thread(target=_evaluate, args=(*evaluated, stop, seen)),
            threading.Thread(target=_backward_loop, args=(stop, failures)),
        ]
        trainers = [threading.Thread(target=trainer, args=(i,)) for i in range(n)]
        for t in side + trainers:
            t.start()
        for t in trainers:
            t.join(timeout=600)
        stop.set()
        for t in side:
            t.join(timeout=60)
    finally:
        sys.setswitchinterval(old)
    if errors:
        raise errors[0]
    for got, want in zip(results, alone):
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    assert seen and not any(seen)
    assert not failures
