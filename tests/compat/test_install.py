"""``ember.compat.install()`` in a running interpreter (each case in a fresh process: the real
torch is imported by other tests of this session, and two libraries cannot answer to one name)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_install_aliases_modules_and_names_and_uninstall_undoes_it():
    done = python(
        """
        import sys
        import ember, ember.compat
        ember.compat.install()
        import torch, torch.nn.modules.linear, torch.optim.lr_scheduler
        from torch.nn import functional as F
        assert torch is ember and F is ember.nn.functional
        assert torch.nn.modules.linear.Linear is ember.nn.Linear
        assert torch.optim.lr_scheduler is ember.optim.lr_scheduler
        print(torch.ones(1, 2).shape, torch.int64, torch.max(torch.ones(2, 2), 0)._fields)
        assert not hasattr(torch, "no_such_name")
        ember.compat.uninstall()
        assert "torch" not in sys.modules
        print(ember.ones(1, 2).shape, ember.int64)
        try:
            import torch
        except ImportError:
            print("torch gone")
        else:
            print("real torch", torch.__file__ != ember.__file__)
        """
    )
    assert done.returncode == 0, done.stderr
    first, second, third = done.stdout.splitlines()
    assert first == "torch.Size([1, 2]) torch.int64 ('values', 'indices')"
    assert second == "ember.Size([1, 2]) ember.int64"
    assert third in ("torch gone", "real torch True")


def test_install_refuses_when_the_real_torch_is_loaded():
    done = python(
        """
        import torch, ember.compat
        try:
            ember.compat.install()
        except RuntimeError as e:
            print(e)
        """
    )
    assert done.returncode == 0, done.stderr
    assert "the real torch is already imported" in done.stdout
