"""examples/fashion_mnist.py runs end to end in a tiny configuration on the real data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fashion_mnist.py"


def _load():
    spec = importlib.util.spec_from_file_location("fashion_mnist_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fashion_mnist_example_trains_checkpoints_and_reloads(data_dir, tmp_path):
    example = _load()
    checkpoint = tmp_path / "best.pt"
    result = example.run(
        data_dir / "fashion-mnist",
        epochs=1,
        batch_size=64,
        limit=512,
        workers=2,
        checkpoint=checkpoint,
    )
    assert checkpoint.exists()
    # chance is 0.1; one short epoch of this CNN reaches well above it
    assert result["accuracy"] > 0.3 and 0 < result["macro_f1"] <= 1
