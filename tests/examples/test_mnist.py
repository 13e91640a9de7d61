"""examples/mnist.py: a tiny run on the real MNIST learns, and its checkpoint is the best model."""

from __future__ import annotations

import os
import subprocess
import sys

import torch

import ember
from ember.testing import assert_close

from .conftest import EXAMPLES


def test_mnist_trains_checkpoints_and_reloads(data_dir, tmp_path, load_example):
    mnist = load_example("mnist")
    checkpoint = tmp_path / "mnist_cnn.pt"
    result = mnist.run(data_dir, epochs=1, limit=512, workers=0, checkpoint=checkpoint)
    # chance is 10% (a loss of log 10 = 2.30); eight steps of this convnet get well above it
    assert result["accuracy"] > 0.3, result
    assert result["epoch"] == 1 and result["test_loss"] < 2.2

    # the file is a plain state_dict that both ember and torch read
    state = ember.load(checkpoint)
    assert list(state) == list(result["model"].state_dict())
    assert set(torch.load(checkpoint)) == set(state)

    # a fresh network with the checkpoint predicts what the returned model predicts
    images = ember.stack([mnist.first(_test_set(mnist, data_dir), 64)[i][0] for i in range(64)])
    fresh = mnist.Net()
    fresh.load_state_dict(state)
    with ember.no_grad():
        assert_close(fresh.eval()(images), result["model"].eval()(images))


def _test_set(mnist, data_dir):
    transform = mnist.transforms.Compose(
        [mnist.transforms.ToTensor(), mnist.transforms.Normalize(mnist.MEAN, mnist.STD)]
    )
    return mnist.open_dataset(mnist.datasets.MNIST, data_dir, train=False, transform=transform)


def test_missing_dataset_is_one_line_not_a_traceback(tmp_path):
    # an empty folder and no network (a proxy that refuses): a one-line error, exit status 1
    env = {**os.environ, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}
    env.pop("no_proxy", None)
    env.pop("NO_PROXY", None)
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "mnist.py"), "--data", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        env={**env, "EMBER_EXAMPLES_CACHE": str(tmp_path / "cache")},
        timeout=120,
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: MNIST is not under") and "--data" in last
    assert "Traceback" not in done.stderr


def test_data_folder_layouts(data_dir, tmp_path, monkeypatch, load_example):
    common = load_example("_common")
    monkeypatch.setenv("EMBER_EXAMPLES_CACHE", str(tmp_path / "cache"))
    # the shared flat layout is mirrored into torchvision's, in the cache, once
    root, download = common.dataset_root(data_dir, "MNIST")
    assert (root, download) == (tmp_path / "cache", False)
    for name in common.IDX_FILES:
        mirrored = root / "MNIST" / "raw" / name
        assert mirrored.read_bytes() == (data_dir / "mnist" / name).read_bytes(), name
    stamp = (root / "MNIST" / "raw" / common.IDX_FILES[0]).lstat().st_mtime_ns
    assert common.dataset_root(data_dir, "MNIST") == (root, False)
    assert (root / "MNIST" / "raw" / common.IDX_FILES[0]).lstat().st_mtime_ns == stamp
    # the text datasets mirror the same way, into torchtext's layout
    assert common.dataset_root(data_dir, "AG_NEWS") == (root, False)
    assert (root / "AG_NEWS" / "test.csv").read_bytes()[:100] == (
        data_dir / "ag_news" / "test.csv"
    ).read_bytes()[:100]
    # any other folder is torchvision's layout, fetched there when absent
    assert common.dataset_root(tmp_path / "mine", "FashionMNIST") == (tmp_path / "mine", True)
