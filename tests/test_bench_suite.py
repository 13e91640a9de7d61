"""The benchmark suite (bench/workloads.py, bench/compare.py) stays runnable: every workload
takes one tiny step on ember, and compare.py's child and table code run (no timings checked)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import ember

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402
import workloads  # noqa: E402

EXPECTED = {
    "op_overhead",
    "mlp",
    "cnn",
    "resnet",
    "lstm",
    "gpt",
    "transformer_encoder",
    "lm_eval",
    "dataloader",
    "inference_resnet18",
    "inference_gpt",
}


def test_the_suite_has_the_workloads_of_the_issue():
    assert set(workloads.WORKLOADS) == EXPECTED


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_workload_takes_a_tiny_step_on_ember(name):
    w = workloads.WORKLOADS[name](ember, size="tiny")
    assert w.per >= 1
    out = w.step()
    out = w.step()  # a second step: state carried between steps (hidden, optimizer) works
    if isinstance(out, ember.Tensor) and out.dim() == 0:
        assert math.isfinite(out.item())
    if name == "lm_eval":
        assert all(math.isfinite(v) and v > 0 for v in out)
    if name == "dataloader":
        assert out == 16


def test_training_workloads_lower_their_loss_on_a_repeated_batch():
    # the mlp cycles over 4 batches: after one cycle the loss on the first batch has fallen
    w = workloads.mlp(ember, size="tiny")
    losses = [w.step().item() for _ in range(9)]
    assert losses[8] < losses[0]


def test_unknown_size_is_refused():
    with pytest.raises(ValueError, match="size"):
        workloads.mlp(ember, size="huge")


def test_child_process_reports_json():
    r = subprocess.run(
        [sys.executable, str(BENCH / "compare.py"), "--child", "ember", "op_overhead"]
        + ["--min-time", "0", "--max-steps", "3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    res = json.loads(line[len("RESULT ") :])
    assert res["steps"] == 3 and res["per"] == 100 and res["median_s"] > 0
    assert res["peak_rss_mb"] >= res["import_rss_mb"] > 0


def _fake(lib, ms, rss):
    return {"median_s": ms / 1e3, "peak_rss_mb": rss, "import_rss_mb": 40, "per": 1, "unit": "step"}


def test_table_and_results_file(tmp_path, monkeypatch):
    results = {
        ("ember", "mlp"): [_fake("ember", m, 80) for m in (30, 32, 34)],
        ("torch", "mlp"): [_fake("torch", m, 300) for m in (40, 40, 40)],
    }
    rows = compare.table(results, 1, ["mlp", "cnn"])
    assert len(rows) == 3  # header, rule, mlp (cnn has no results)
    assert "| 32.0 ±6% | 40.0 ±0% | 0.80x |" in rows[2]
    monkeypatch.setattr(compare, "RESULTS", tmp_path / "RESULTS.md")
    machine = {"cpu": "X", "cores": 2, "python": "3", "libs": {k: [{}, []] for k in compare.LIBS}}
    compare.write_results("python bench/compare.py --only mlp", "T1", machine, "quiet", rows)
    compare.write_results("python bench/compare.py --only cnn", "T2", machine, "quiet", rows)
    compare.write_results("python bench/compare.py --only mlp", "T3", machine, "quiet", rows)
    text = (tmp_path / "RESULTS.md").read_text()
    assert text.startswith("# Benchmark results")
    assert "## T1" not in text and text.index("## T2") < text.index("## T3")  # replaced, moved last
