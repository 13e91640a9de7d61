"""Every classification model against torchvision 0.28's references (vision-ref).

For each of the 24 models: the state_dict (every key, in order, with its shape and dtype) and
the parameter count equal torchvision's; with the README's deterministic weights, the eval-mode
logits on the fixed input equal torchvision's. Checkpoints written by real ``torch.save`` load
strictly. Each model is built once, and its forward runs once.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.vision import models

from ._models_common import (
    REFERENCE_MODELS,
    TOLERANCE,
    deterministic_state,
    fixed_input,
    no_random_init,
    reference,
)


def _dtype_name(t) -> str:
    return str(t.dtype).rsplit(".", 1)[-1]


@pytest.mark.parametrize("name", REFERENCE_MODELS)
def test_model_matches_torchvision(name, data_dir, monkeypatch):
    meta, logits = reference(data_dir)
    ref = meta[name]
    if name not in models.list_models():
        pytest.skip(f"{name} is not in ember.vision.models yet")
    with no_random_init(monkeypatch):
        model = models.get_model(name, **ref["kwargs"])

    state = model.state_dict()
    got = [[k, list(v.shape), _dtype_name(v)] for k, v in state.items()]
    assert got == ref["state_dict"]
    assert sum(p.numel() for p in model.parameters()) == ref["parameters"]

    values = deterministic_state(ref["state_dict"])
    with ember.no_grad():
        for key, value in values.items():
            state[key].copy_(ember.from_numpy(value))
    model.eval()
    with ember.no_grad():
        out = model(ember.from_numpy(fixed_input(ref["input_size"]))).numpy()
    expected = logits[name]
    assert out.shape == expected.shape
    scale = np.abs(expected).max()
    np.testing.assert_allclose(out, expected, rtol=0, atol=TOLERANCE * scale)


# Checkpoints written by torch itself: torch.save of a state_dict (an OrderedDict of torch
# tensors with the reference keys, shapes and deterministic values) loads with ember.load and
# load_state_dict(strict=True), and the loaded model reproduces torchvision's logits.
@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v3_small", "googlenet"])
def test_torch_checkpoint_loads(name, data_dir, tmp_path, monkeypatch):
    meta, logits = reference(data_dir)
    ref = meta[name]
    values = deterministic_state(ref["state_dict"])
    sd = {}
    for key, _shape, _dtype in ref["state_dict"]:
        sd[key] = torch.from_numpy(values[key]) if key in values else torch.tensor(7)
    path = tmp_path / f"{name}.pth"
    torch.save(sd, path)

    loaded = ember.load(path)
    with no_random_init(monkeypatch):
        model = models.get_model(name, **ref["kwargs"])
    result = model.load_state_dict(loaded, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    tracked = [k for k in sd if k.endswith("num_batches_tracked")]
    assert all(model.state_dict()[k].item() == 7 for k in tracked)
    # One small forward confirms the weights arrived where torchvision expects them.
    model.eval()
    x = fixed_input(ref["input_size"])[:1]
    with ember.no_grad():
        out = model(ember.from_numpy(x)).numpy()
    scale = np.abs(logits[name][:1]).max()
    np.testing.assert_allclose(out, logits[name][:1], rtol=0, atol=TOLERANCE * scale)


def test_checkpoint_with_a_wrong_shape_is_refused(data_dir, tmp_path, monkeypatch):
    meta, _ = reference(data_dir)
    values = deterministic_state(meta["squeezenet1_1"]["state_dict"])
    sd = {k: torch.from_numpy(v) for k, v in values.items()}
    sd["classifier.1.weight"] = torch.zeros(10, 512, 1, 1)
    torch.save(sd, tmp_path / "bad.pth")
    with no_random_init(monkeypatch):
        model = models.squeezenet1_1()
    with pytest.raises(RuntimeError, match="size mismatch for classifier.1.weight"):
        model.load_state_dict(ember.load(tmp_path / "bad.pth"))
