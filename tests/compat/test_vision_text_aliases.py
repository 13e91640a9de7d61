"""Under ``ember.run``, ``torchvision`` is ember.vision and ``torchtext`` is ember.text: the import
lines of real torchvision/torchtext programs resolve, module for module."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_script(tmp_path, code: str) -> subprocess.CompletedProcess:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(code))
    return subprocess.run(
        [sys.executable, "-m", "ember.run", str(script)],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_torchvision_import_lines_resolve_to_ember_vision(tmp_path):
    done = run_script(
        tmp_path,
        """
        import torch
        import torchvision
        import torchvision.transforms as T
        import torchvision.transforms.functional as TF
        from torchvision import datasets, models, transforms
        from torchvision.models import ResNet18_Weights, resnet18
        from torchvision.ops import nms
        from torchvision.utils import make_grid
        import ember.vision

        assert torchvision is ember.vision and T is transforms is ember.vision.transforms
        assert TF is ember.vision.transforms.functional
        assert datasets is ember.vision.datasets and models is ember.vision.models
        assert nms is ember.vision.ops.nms and make_grid is ember.vision.utils.make_grid
        tf = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])
        fake = datasets.FakeData(size=4, image_size=(1, 32, 32), num_classes=3, transform=tf)
        x, y = fake[0]
        net = resnet18(num_classes=3)
        print(type(x).__module__, tuple(x.shape), net.eval()(x.expand(3, 32, 32)[None]).shape)
        print(ResNet18_Weights.DEFAULT.url.rsplit("/", 1)[1], torchvision.__version__)
        """,
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert first == "ember._tensor (1, 32, 32) torch.Size([1, 3])"
    assert second == "resnet18-f37072fd.pth 0.28.0+ember"


def test_torchtext_import_lines_resolve_to_ember_text(tmp_path):
    done = run_script(
        tmp_path,
        """
        import torchtext
        import torchtext.transforms as T
        from torchtext.data.utils import get_tokenizer
        from torchtext.vocab import build_vocab_from_iterator
        from torchtext.data.functional import to_map_style_dataset
        import ember.text

        assert torchtext is ember.text and T is ember.text.transforms
        tok = get_tokenizer("basic_english")
        lines = ["The cat sat.", "The dog ran!"]
        vocab = build_vocab_from_iterator(map(tok, lines), specials=["<unk>"])
        vocab.set_default_index(vocab["<unk>"])
        print(tok(lines[0]), vocab(tok("the bird sat")))
        print(len(to_map_style_dataset(iter(lines))))
        """,
    )
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.splitlines()
    assert (
        first == "['the', 'cat', 'sat', '.'] [1, 0, 7]"
    )  # ties sort by token: <unk> the ! . cat dog ran sat
    assert second == "2"
