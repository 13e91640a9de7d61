"""The package is ready for an index: `pip wheel .` holds exactly ember and its data, with the
license, classifiers, URLs and extras in the metadata, and the README stands on its own."""

from __future__ import annotations

import email
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _tracked(*paths):
    try:
        out = subprocess.run(
            ["git", "ls-files", *paths], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return [line for line in out.splitlines() if (REPO / line).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a copy of the tracked files (the source tree is left untouched)."""
    src = tmp_path_factory.mktemp("src")
    for name in _tracked():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-build-isolation", "--no-deps"]
    done = subprocess.run([*cmd, str(src), "-w", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (path,) = out.glob("ember-*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_exactly_the_package_and_its_data(wheel):
    names = set(wheel.namelist())
    dist = {n for n in names if ".dist-info/" in n}
    assert {n.split("/", 1)[1] for n in dist} >= {"METADATA", "WHEEL", "RECORD", "licenses/LICENSE"}
    # per-folder lint settings (ruff.toml) are for the repository, not for users
    expected = {n for n in _tracked("ember") if not n.endswith("ruff.toml")}
    assert names - dist == expected


def test_metadata_has_license_classifiers_urls_and_extras(wheel):
    (meta_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    meta = email.message_from_bytes(wheel.read(meta_name))
    assert meta["License-Expression"] == "BSD-3-Clause"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert any(c.startswith("Topic :: Scientific/Engineering") for c in classifiers)
    assert {u.split(",")[0] for u in meta.get_all("Project-URL")} >= {"Homepage", "Source"}
    extras = set(meta.get_all("Provides-Extra"))
    assert extras >= {"test", "cuda", "scipy", "vision", "text", "progress", "plot", "examples"}
    requires = meta.get_all("Requires-Dist")
    for package, extra in [
        ("safetensors", "test"),
        ("pillow", "vision"),
        ("tokenizers", "text"),
        ("tqdm", "progress"),
        ("matplotlib", "plot"),
        ("scipy", "scipy"),
    ]:
        assert any(r.startswith(package) and f'extra == "{extra}"' in r for r in requires), package
    assert meta.get_payload().startswith("# ember")  # the README is the index page
    license_text = wheel.read(meta_name.replace("METADATA", "licenses/LICENSE")).decode()
    assert "BSD 3-Clause" in license_text and "scikit-learn" in license_text  # bundled digits


def test_readme_refers_to_nothing_outside_the_repository():
    readme = (REPO / "README.md").read_text()
    assert "../" not in readme
    for link in re.findall(r"\]\(([^)#]+)\)", readme):
        assert link.startswith("http") or (REPO / link).exists(), link
