"""The one progress bar: tqdm's when installed, else a plain counter on stderr."""

from __future__ import annotations

import sys

from ember.utils._progress import progress_bar


def test_without_tqdm_a_counter_reports_on_stderr(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # as if tqdm were not installed
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    bar = progress_bar([10, 20, 30], desc="epoch 1", unit="batch")
    assert type(bar).__module__ == "ember.utils._progress" and len(bar) == 3
    seen = []
    for item in bar:
        seen.append(item)
        bar.set_postfix(loss=f"{item / 10:.1f}")
    assert seen == [10, 20, 30]
    err = capsys.readouterr().err
    assert err.endswith("\n") and "epoch 1: 3/3 batch [loss=3.0]" in err
    with progress_bar(total=5, disable=True) as quiet:
        quiet.update(5)
    assert capsys.readouterr().err == ""


def test_with_tqdm_it_is_tqdm():
    tqdm = __import__("tqdm.auto", fromlist=["tqdm"]).tqdm
    assert isinstance(progress_bar(range(2), disable=True), tqdm)
