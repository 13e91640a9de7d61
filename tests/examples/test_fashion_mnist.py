"""examples/fashion_mnist.py: augmentation does what it says, a tiny run on the real data learns,
and the best checkpoint reloads."""

from __future__ import annotations

import numpy as np

import ember
from ember.testing import assert_close


def test_training_augmentation_is_a_padded_crop_and_a_flip(data_dir, load_example):
    example = load_example("fashion_mnist")
    train_tf, test_tf = example.make_transforms(augment=True)
    image, _ = example.open_dataset(example.datasets.FashionMNIST, data_dir, train=False)[0]
    plain = np.asarray(image, dtype=np.float32) / 255
    padded = np.pad(plain, 2)
    assert_close(test_tf(image), ember.tensor((plain - example.MEAN[0]) / example.STD[0])[None])
    seen = set()
    for _ in range(40):
        out = train_tf(image).numpy()[0] * example.STD[0] + example.MEAN[0]
        # the output is one of the 5x5 crops of the 2-pixel zero-padded image, maybe mirrored
        matches = [
            (top, left, flip)
            for top in range(5)
            for left in range(5)
            for flip in (False, True)
            if np.allclose(
                out,
                (lambda c: c[:, ::-1] if flip else c)(padded[top : top + 28, left : left + 28]),
                atol=1e-5,
            )
        ]
        assert matches, "augmented image is not a padded crop of the original"
        seen.update(matches)
    assert {flip for *_, flip in seen} == {False, True}
    assert len({(top, left) for top, left, _ in seen}) > 5


def test_fashion_mnist_trains_checkpoints_and_reloads(data_dir, tmp_path, load_example):
    example = load_example("fashion_mnist")
    checkpoint = tmp_path / "best.pt"
    result = example.run(
        data_dir, epochs=1, batch_size=64, limit=512, workers=1, checkpoint=checkpoint
    )
    # chance is 0.1; one short epoch of this CNN reaches well above it
    assert result["accuracy"] > 0.3 and 0 < result["macro_f1"] <= 1
    assert len(result["per_class"]) == 10 and all(0 <= a <= 1 for a in result["per_class"])

    _, test_tf = example.make_transforms()
    test_set = example.open_dataset(
        example.datasets.FashionMNIST, data_dir, train=False, transform=test_tf
    )
    images = ember.stack([test_set[i][0] for i in range(32)])
    fresh = example.Net()
    fresh.load_state_dict(ember.load(checkpoint))
    with ember.no_grad():
        assert_close(fresh.eval()(images), result["model"].eval()(images))
