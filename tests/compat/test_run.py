"""``python -m ember.run``: a PyTorch program runs as with ``python script.py``, on ember."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(args, cwd, **kwargs):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run(
        [sys.executable, "-m", "ember.run", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


def test_script_sees_argv_main_and_its_folder(tmp_path):
    folder = tmp_path / "prog"
    folder.mkdir()
    write(folder / "helper_mod.py", "VALUE = 41\n")
    write(
        folder / "train.py",
        """
        import sys
        import torch
        import torch.nn.functional as F
        import torch.backends.cudnn as cudnn
        from torch.random import fork_rng
        from torch.utils.data import DataLoader
        import helper_mod
        cudnn.benchmark = True  # the first lines of many pytorch/examples scripts
        import ember
        print(__name__, sys.argv[1:], helper_mod.VALUE + 1)
        print(torch is ember, torch.nn.functional is ember.nn.functional)
        print(torch.zeros(2, 3).size(), torch.float32)
        sys.exit(7)
        """,
    )
    done = run([str(folder / "train.py"), "--epochs", "3"], cwd=tmp_path)
    assert done.returncode == 7, done.stderr
    assert done.stdout.splitlines() == [
        "__main__ ['--epochs', '3'] 42",
        "True True",
        "torch.Size([2, 3]) torch.float32",
    ]


def test_traceback_is_the_scripts_own(tmp_path):
    script = write(
        tmp_path / "fails.py",
        """
        import torch

        def step():
            raise ValueError("boom")

        step()
        """,
    )
    done = run([str(script)], cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert f'File "{script}", line 7, in <module>' in lines[1]
    assert lines[-1] == "ValueError: boom"
    assert "runpy" not in done.stderr and "ember/run.py" not in done.stderr


def test_dash_m_runs_a_module(tmp_path):
    write(
        tmp_path / "entry.py", "import sys, torch\nprint(__name__, sys.argv[1:], torch.__name__)\n"
    )
    done = run(["-m", "entry", "x"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "__main__ ['x'] ember"


def test_missing_script_and_usage(tmp_path):
    done = run([str(tmp_path / "absent.py")], cwd=tmp_path)
    assert done.returncode == 2
    assert "can't open file" in done.stderr and "absent.py" in done.stderr
    assert run([], cwd=tmp_path).returncode == 2


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "import torch.not_a_module",
            "ModuleNotFoundError: ember does not implement torch.not_a_module yet",
        ),
        (
            "import torch\ntorch.not_a_function(1)",
            "AttributeError: ember does not implement torch.not_a_function yet",
        ),
        (
            "import torch.nn.functional as F\nF.not_a_layer",
            "AttributeError: ember does not implement torch.nn.functional.not_a_layer yet",
        ),
    ],
)
def test_what_ember_lacks_fails_with_one_line_naming_it(tmp_path, code, expected):
    done = run([str(write(tmp_path / "lacks.py", code + "\n"))], cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == expected
