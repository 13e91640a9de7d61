"""Whole-model pickles cross between ember (under the torch alias) and torch, both ways.

Each side runs in its own process: the program's classes live in a module both import, as in
pytorch/examples (``model.py`` beside ``main.py`` and ``generate.py``).
"""

from __future__ import annotations

import io
import os
import pickle
import pickletools
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

import ember

REPO = Path(__file__).resolve().parents[2]

NETDEF = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 8)
        self.rnn = nn.LSTM(8, 8, batch_first=True)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.block = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True)
        self.norm = nn.BatchNorm1d(8)
        self.head = nn.Sequential(nn.Linear(8, 4), nn.GELU(), nn.Linear(4, 3))

    def forward(self, tokens):
        h, _ = self.rnn(self.embed(tokens))
        h = h + self.attn(h, h, h, need_weights=False)[0]
        h = self.block(h)
        h = self.norm(h.transpose(1, 2)).transpose(1, 2)
        return F.log_softmax(self.head(h), dim=-1)
"""

SAVE = """
import sys
import torch
from netdef import Net

torch.manual_seed(0)
model = Net().eval()
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-1, 1, p.numel()).reshape(p.shape))
torch.save(model, sys.argv[1])
tokens = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
print(repr(model(tokens).sum().item()))
"""

LOAD = """
import sys
import torch

model = torch.load(sys.argv[1], weights_only=False)
print(type(model).__module__, type(model.attn.out_proj).__name__, model.block.activation.__name__)
tokens = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8]])
with torch.no_grad():
    print(repr(model(tokens).sum().item()))
"""


def _run(folder: Path, script: str, *args: str, ember_side: bool) -> list[str]:
    path = folder / f"script_{len(list(folder.iterdir()))}.py"
    path.write_text(textwrap.dedent(script))
    prefix = ["-m", "ember.run"] if ember_side else []
    done = subprocess.run(
        [sys.executable, *prefix, str(path), *args],
        cwd=folder,
        env=dict(os.environ, PYTHONPATH=f"{REPO}{os.pathsep}{folder}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("saver_is_ember", [True, False], ids=["ember-to-torch", "torch-to-ember"])
def test_whole_model_pickle_crosses(tmp_path, saver_is_ember):
    (tmp_path / "netdef.py").write_text(NETDEF)
    checkpoint = str(tmp_path / "model.pt")
    (saved,) = _run(tmp_path, SAVE, checkpoint, ember_side=saver_is_ember)
    kind, out_proj, activation, loaded = (
        _run(tmp_path, LOAD, checkpoint, ember_side=not saver_is_ember).pop(0).split(" ")
        + _run(tmp_path, LOAD, checkpoint, ember_side=not saver_is_ember)[1:]
    )
    assert (kind, out_proj, activation) == ("netdef", "NonDynamicallyQuantizableLinear", "relu")
    assert float(loaded) == pytest.approx(float(saved), rel=1e-5)


def test_ember_pickle_names_torchs_paths(tmp_path):
    (tmp_path / "netdef.py").write_text(NETDEF)
    checkpoint = tmp_path / "model.pt"
    _run(tmp_path, SAVE, str(checkpoint), ember_side=True)
    with zipfile.ZipFile(checkpoint) as z:
        (pickled,) = [z.read(n) for n in z.namelist() if n.endswith("data.pkl")]
    modules = {
        arg.split(" ")[0] for op, arg, _ in pickletools.genops(pickled) if op.name == "GLOBAL"
    }
    assert {"torch.nn.modules.activation", "torch.nn.modules.linear", "torch._utils"} <= modules
    assert not any(name.startswith("ember") for name in modules), modules


def test_weights_only_refuses_a_whole_model_naming_safe_globals():
    buffer = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError) as info:
        ember.load(buffer)
    message = str(info.value)
    assert "torch.nn.modules.linear.Linear" in message
    assert "add_safe_globals" in message and "safe_globals([" in message
    assert "weights_only=False" in message


def test_force_no_weights_only_env_loads_numpy_with_torchs_warning(monkeypatch):
    buffer = io.BytesIO()
    torch.save({"array": np.arange(4.0)}, buffer)
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    buffer.seek(0)
    with pytest.warns(UserWarning, match="TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD detected"):
        loaded = ember.load(buffer)
    np.testing.assert_array_equal(loaded["array"], np.arange(4.0))
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError):  # an explicit True is kept, as in torch
        ember.load(buffer, weights_only=True)
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "1")
    with pytest.raises(RuntimeError, match="Only one of"):
        ember.load(buffer)


class _Shell:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_weights_only_false_still_calls_nothing_the_file_names():
    buffer = io.BytesIO()
    torch.save({"x": _Shell()}, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="system"):
        ember.load(buffer, weights_only=False)
