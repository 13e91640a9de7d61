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


def _backend_contract_breaches(path: Path, public: set[str]) -> list[str]:
    """Where ``path`` goes around the backend contract: the private type table, a submodule of
    ember/_backend (cpu.py, cuda.py, _special.py, ...), a name the package does not export, or
    a cache keyed by the array library's name instead of the device."""
    import ast

    text = path.read_text()
    found = [f"mentions {word}" for word in ("_BY_ARRAY_TYPE", "xp.__name__") if word in text]
    rel = path.relative_to(ROOT).with_suffix("").parts
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom):
            base = list(rel[: len(rel) - node.level]) if node.level else []
            module = ".".join([*base, *(node.module or "").split(".")]).strip(".")
            names = [a.name for a in node.names]
            if module == "ember._backend":
                bad = [n for n in names if n not in public]
            elif module.startswith("ember._backend."):
                bad = [module]
            else:
                bad = []
            found += [f"line {node.lineno}: imports {b}" for b in bad]
        elif isinstance(node, ast.Attribute) and node.attr not in public:
            owner = node.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
            if name == "_backend":
                found.append(f"line {node.lineno}: uses _backend.{node.attr}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name.startswith("ember._backend.")
            ]
    return found


def test_backend_is_used_only_through_its_contract():
    # ember/_backend/base.py is the contract; outside the package only the names in
    # ember._backend.__all__ are used, so a new backend has one checklist to fill in
    import ember._backend

    public = set(ember._backend.__all__)
    files = [
        p
        for top in ("ember", "tests", "bench", "examples")
        for p in (ROOT / top).rglob("*.py")
        if "_backend" not in p.relative_to(ROOT).parts[:2] and p != Path(__file__).resolve()
    ]
    breaches = {
        p.relative_to(ROOT).as_posix(): b
        for p in files
        if (b := _backend_contract_breaches(p, public))
    }
    assert not breaches, f"use the functions of ember._backend instead: {breaches}"
