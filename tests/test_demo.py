"""The README's first command: the demo trains on the digits shipped inside the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

import ember
import ember.demo

REPO = Path(__file__).resolve().parent.parent


def test_demo_learns_the_digits(tmp_path, capsys):
    accuracy = ember.demo.main(epochs=4, out=tmp_path, progress=False)
    # ten balanced classes: chance is 0.1; a working pipeline gets above 0.9 in a few epochs
    assert accuracy > 0.9
    printed = capsys.readouterr().out
    assert "reloaded checkpoint predicts the same" in printed
    pytest.importorskip("matplotlib")
    for name in ("misclassified.png", "loss.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_matches_scikit_learn():
    rng = np.random.default_rng(0)
    target = rng.integers(0, 10, 300)
    pred = np.where(rng.random(300) < 0.7, target, rng.integers(0, 10, 300))
    text = ember.demo.report(ember.tensor(pred), ember.tensor(target))
    rows = [line.split() for line in text.splitlines()[1:11]]
    p, r, f, support = precision_recall_fscore_support(target, pred, labels=range(10))
    np.testing.assert_allclose([float(row[1]) for row in rows], p, atol=5e-4)
    np.testing.assert_allclose([float(row[2]) for row in rows], r, atol=5e-4)
    np.testing.assert_allclose([float(row[3]) for row in rows], f, atol=5e-4)
    assert [int(row[4]) for row in rows] == support.tolist()
    matrix = [[int(v) for v in line.split()[1:]] for line in text.splitlines()[-10:]]
    assert matrix == confusion_matrix(target, pred, labels=range(10)).tolist()


def test_demo_command_line(tmp_path):
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "ember.demo", "--epochs", "1", "--no-pictures"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "held-out accuracy" in done.stdout and "confusion matrix" in done.stdout
    assert not list(tmp_path.iterdir())  # --no-pictures writes nothing


def test_shipped_data_loads():
    images, labels = ember.demo.load_digits()
    assert images.shape == (1797, 1, 8, 8) and labels.shape == (1797,)
    assert float(images.max()) == 1.0 and sorted(set(labels.tolist())) == list(range(10))
