"""examples/vae.py: the loss is the negative ELBO, a tiny run on real MNIST improves it, the PNG
grids are real images of the expected layout, and the checkpoint reloads."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

import ember
from ember.testing import assert_close


def test_negative_elbo_matches_torch(load_example):
    example = load_example("vae")
    rng = np.random.default_rng(0)
    recon, x = rng.uniform(0.01, 0.99, (2, 6, 784))
    mu, logvar = rng.normal(size=(2, 6, 20))
    ours = example.negative_elbo(*map(ember.tensor, (recon, mu, logvar, x)))
    recon_t, mu_t, logvar_t, x_t = map(torch.tensor, (recon, mu, logvar, x))
    posterior = torch.distributions.Normal(mu_t, (0.5 * logvar_t).exp())
    prior = torch.distributions.Normal(torch.zeros(20), torch.ones(20))
    expected = torch.distributions.kl_divergence(posterior, prior).sum() + (
        torch.nn.functional.binary_cross_entropy(recon_t, x_t, reduction="sum")
    )
    assert_close(ours, ember.tensor(expected.item(), dtype=ember.float64))


def test_vae_trains_saves_pictures_and_reloads(data_dir, tmp_path, load_example):
    example = load_example("vae")
    checkpoint, out = tmp_path / "vae.pt", tmp_path / "pictures"
    result = example.run(data_dir, epochs=1, limit=2048, workers=0, checkpoint=checkpoint, out=out)
    test_set = example.open_dataset(
        example.datasets.MNIST, data_dir, train=False, transform=example.transforms.ToTensor()
    )
    loader = example.DataLoader(example.first(test_set, 2048), batch_size=1000)
    ember.manual_seed(0)
    untrained = example.evaluate(example.VAE(), loader, "cpu")
    # an untrained decoder outputs about 0.5 everywhere: 784 * log 2 = 543 nats per image
    assert untrained > 500 and result["test_loss"] < 0.6 * untrained, result

    reconstruction, sample = result["pictures"]
    assert reconstruction == out / "reconstruction_1.png" and sample == out / "sample_1.png"
    with Image.open(sample) as image:
        assert image.format == "PNG" and image.size == (242, 242)  # 8 x 8 digits, 2-pixel gaps
    with Image.open(reconstruction) as image:
        assert image.format == "PNG" and image.size == (242, 62)  # 8 digits over 8 outputs
        grid = np.asarray(image.convert("L"), dtype=np.float64)
    digits = np.stack([test_set[i][0].numpy()[0] for i in range(8)])
    for i, digit in enumerate(digits):  # the top row is the first eight test digits
        tile = grid[2:30, 2 + 30 * i : 30 + 30 * i]
        assert np.abs(tile - digit * 255).max() <= 1

    fresh = example.VAE()
    fresh.load_state_dict(ember.load(checkpoint))
    images = ember.stack([test_set[i][0] for i in range(16)])
    with ember.no_grad():
        expected = result["model"].decode(result["model"].encode(images)[0])
        assert_close(fresh.decode(fresh.encode(images)[0]), expected)
