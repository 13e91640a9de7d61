"""Standing rules of the codebase, checked in CI: lint clean, no file over 800 lines, torch never
imported by the package."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ember"


def _ruff(*args):
    ruff = shutil.which("ruff")
    cmd = [ruff] if ruff else [sys.executable, "-m", "ruff"]
    try:
        return subprocess.run([*cmd, *args, str(ROOT)], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        pytest.skip("ruff is not installed (it is in the test extras)")


def test_ruff_is_clean():
    result = _ruff("check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = _ruff("format", "--check", "--quiet")
    assert result.returncode == 0, "run `ruff format`:\n" + result.stdout + result.stderr


def test_no_source_file_over_800_lines():
    sizes = {
        p.relative_to(ROOT).as_posix(): len(p.read_text().splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    too_big = {k: v for k, v in sizes.items() if v > 800}
    assert not too_big, f"split these by concept: {too_big}"


def test_package_never_imports_torch():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in PACKAGE.rglob("*.py")
        if any(
            line.lstrip().startswith(("import torch", "from torch"))
            for line in p.read_text().splitlines()
        )
    ]
    assert not offenders


def test_importing_ember_does_not_import_torch():
    code = "import sys, ember, ember.nn, ember.optim; print('torch' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert out.stdout.strip() == "False", out.stderr
