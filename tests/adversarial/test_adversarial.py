"""The adversarial suite: hostile, corrupted and malicious checkpoints and safetensors files.

Every case is loaded by ember in a forked child and must end cleanly: the documented exception
(RuntimeError or pickle.UnpicklingError from ember.load, SafetensorError from safetensors) or
correct values. Never a crash, a hang, code execution, silently wrong values from a checksummed
format, or more than the time and memory bounds on a small file. The default run is small
(a few seconds); ``EMBER_ADVERSARIAL=long`` runs thousands of cases, and
``python bench/adversarial_report.py`` prints the counts against torch.
"""

from __future__ import annotations

import collections
import sys

import pytest

from . import cases as catalogue

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks a child per case")

SIZE = catalogue.scale()
SECONDS = 15.0  # load time bound on a hostile file under 1 MB (generous: shared CI machines)
PEAK_MB = 640  # peak RSS growth bound on any hostile file under 1 MB


def _check(cases):
    outcomes = catalogue.run(cases)
    failures = collections.Counter()
    examples = {}
    for case, outcome in zip(cases, outcomes):
        verdict = catalogue.verdict(case, outcome)
        if verdict == "pass" and len(case.data) < 1 << 20:
            if outcome.seconds > SECONDS:
                verdict = f"slower than {SECONDS} s"
            elif case.isolate and outcome.peak_mb > PEAK_MB and case.expect != "ok":
                verdict = f"more than {PEAK_MB} MB"  # measured for cases run alone
        if verdict in ("pass", "silently-different"):
            continue
        failures[verdict] += 1
        examples.setdefault(verdict, (case.name, outcome))
    assert not failures, f"{dict(failures)}; first of each: {examples}"
    return outcomes


def test_hostile_checkpoints():
    _check(catalogue.hostile_cases(SIZE))


def test_corrupted_checkpoints_fail_cleanly_or_load_the_right_values():
    cases = catalogue.corrupt_cases(SIZE)
    outcomes = _check(cases)
    errors = sum(o.kind == "error" for o in outcomes)
    assert errors > len(cases) // 3  # the damage is mostly seen (some lands in padding)


def test_malicious_pickles_run_nothing(tmp_path):
    _check(catalogue.malicious_cases(str(tmp_path)))
    assert not (tmp_path / "pwned").exists()


def test_safetensors_files():
    _check(catalogue.safetensors_cases(SIZE))
