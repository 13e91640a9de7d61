"""examples/transfer_learning.py: weights load from a checkpoint file, the frozen part stays
exactly as loaded (batch-norm statistics included), the optimizer has the two learning rates,
the new head learns on real Fashion-MNIST, and the pretraining mode writes loadable weights."""

from __future__ import annotations

import pytest

import ember
from ember.testing import assert_close

FROZEN = ("conv1.", "bn1.", "layer1.", "layer2.", "layer3.")


def test_transfer_from_a_checkpoint_file(data_dir, tmp_path, load_example):
    example = load_example("transfer_learning")
    ember.manual_seed(1)
    source = example.models.resnet18(weights=None)  # torchvision's layout, 1000-class head
    for module in source.modules():  # batch-norm statistics unlike a fresh model's
        if isinstance(module, ember.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 2.0)
    weights = tmp_path / "resnet18_source.pt"
    ember.save(source.state_dict(), weights)
    source_state = ember.load(weights)

    checkpoint = tmp_path / "best.pt"
    result = example.run(
        data_dir,
        weights=weights,
        epochs=1,
        batch_size=32,
        limit=256,
        workers=0,
        checkpoint=checkpoint,
        lr=0.05,
        backbone_lr=0.005,
    )
    model, optimizer = result["model"], result["optimizer"]
    state = model.state_dict()
    for name, value in source_state.items():
        if name.startswith(FROZEN):  # loaded, then never changed, running stats included
            assert_close(state[name], value, rtol=0, atol=0, msg=name)
        elif name.startswith("layer4.") and name.endswith(".weight"):  # loaded, then fine-tuned
            assert not ember.equal(state[name], value), name
    assert tuple(model.fc.weight.shape) == (10, 512)
    assert all(not p.requires_grad for n, p in model.named_parameters() if n.startswith(FROZEN))

    groups = optimizer.param_groups
    assert [g["initial_lr"] for g in groups] == [0.005, 0.05]
    assert all(abs(g["lr"]) < 1e-12 for g in groups)  # the cosine schedule ends at 0
    assert {id(p) for p in groups[0]["params"]} == {id(p) for p in model.layer4.parameters()}
    assert {id(p) for p in groups[1]["params"]} == {id(p) for p in model.fc.parameters()}

    # chance is 10%; eight steps on 256 images, through a frozen random-feature backbone
    assert result["accuracy"] > 0.15, result
    fresh, _, _ = example.prepare()
    fresh.load_state_dict(ember.load(checkpoint))
    images = ember.randn(8, 3, 32, 32)
    with ember.no_grad():
        assert_close(fresh.eval()(images), model.eval()(images))


def test_pretrain_writes_weights_that_transfer_loads(data_dir, tmp_path, load_example):
    example = load_example("transfer_learning")
    checkpoint = tmp_path / "resnet18_mnist.pt"
    result = example.pretrain(
        data_dir, epochs=1, batch_size=64, limit=128, workers=0, checkpoint=checkpoint
    )
    assert 0 <= result["accuracy"] <= 1
    saved = ember.load(checkpoint)
    assert tuple(saved["fc.weight"].shape) == (10, 512)
    backbone = example.load_backbone(checkpoint)
    for name, value in backbone.state_dict().items():
        if not name.startswith("fc."):
            assert_close(value, saved[name], rtol=0, atol=0, msg=name)


def test_a_checkpoint_of_another_network_is_refused(tmp_path, load_example):
    example = load_example("transfer_learning")
    wrong = tmp_path / "wrong.pt"
    ember.save(ember.nn.Linear(3, 2).state_dict(), wrong)
    with pytest.raises(SystemExit, match="is not a ResNet-18 state_dict"):
        example.load_backbone(wrong)
    with pytest.raises(SystemExit, match="no such file, and not a weights name.*IMAGENET1K_V1"):
        example.load_backbone(tmp_path / "missing.pt")
