"""A variational autoencoder on MNIST (Kingma & Welling, 2013), written for ember.

The model of pytorch/examples' ``vae/main.py``: a 784-400-(20+20) encoder giving the mean and
log-variance of a Gaussian posterior, the reparameterisation trick, a 20-400-784 decoder with
sigmoid outputs; the loss is the negative evidence lower bound, Bernoulli reconstruction
cross-entropy plus the KL divergence to N(0, I), summed over pixels and averaged over images
(nats per image). Adam at lr 1e-3, batches of 128.

Each epoch shows a tqdm bar (loss, images per second), then the test loss; the best state_dict
by test loss is saved with ``ember.save`` (atomically), and two PNG grids are written with
``ember.vision.utils.save_image`` into ``--out``: ``reconstruction_<epoch>.png`` (eight test
digits over their reconstructions) and ``sample_<epoch>.png`` (64 digits decoded from z drawn
from the prior).

    python examples/vae.py                   # 10 epochs, the shared data folder or ./data
    python -m ember.run examples/vae.py      # with torch resolving to ember

Measured: the full run (``--threads 1``: one BLAS thread plus one DataLoader worker, on a
2-core machine shared with other jobs) took 3 min 50 s for 10 epochs (2,000-4,500 images/s) and
reached a test loss of 105.83 nats per image (negative ELBO; 128.46 after epoch 1, 110.01
after epoch 4).

``--limit N`` keeps the first N images of each split (the tests run it that way).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _common import checkpoint_path, first, open_dataset
from tqdm import tqdm

import ember as torch
import ember.nn.functional as F
from ember import nn
from ember.utils.data import DataLoader
from ember.vision import datasets, transforms
from ember.vision.utils import save_image


class VAE(nn.Module):
    """q(z|x) = N(mu(x), exp(logvar(x))) over ``latent`` dims; p(x|z) Bernoulli per pixel."""

    def __init__(self, latent=20, hidden=400, pixels=784):
        super().__init__()
        self.pixels = pixels
        self.fc1 = nn.Linear(pixels, hidden)
        self.fc_mu = nn.Linear(hidden, latent)
        self.fc_logvar = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, pixels)

    def encode(self, x):
        h = F.relu(self.fc1(x.view(-1, self.pixels)))
        return self.fc_mu(h), self.fc_logvar(h)

    def reparameterize(self, mu, logvar):
        """A draw of z ~ q(z|x) written as mu + sigma * eps, so gradients reach mu and sigma."""
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def negative_elbo(recon, mu, logvar, x):
    """Reconstruction cross-entropy plus KL(q(z|x) || N(0, I)), summed over the batch."""
    bce = F.binary_cross_entropy(recon, x.view_as(recon), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def evaluate(model, loader, device):
    """The mean negative ELBO per test image (one posterior draw per image)."""
    model.eval()
    total = 0.0
    with torch.no_grad():
        for images, _ in loader:
            images = images.to(device)
            total += negative_elbo(*model(images), images).item()
    return total / len(loader.dataset)


def save_pictures(model, images, out, tag, latent, device):
    """``reconstruction_<tag>.png`` and ``sample_<tag>.png`` in ``out``; returns their paths."""
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        images = images[:8].to(device)
        recon = model.decode(model.encode(images)[0]).view_as(images)
        reconstruction = out / f"reconstruction_{tag}.png"
        save_image(torch.cat([images, recon]).cpu(), reconstruction, nrow=8)
        z = torch.randn(64, latent, device=device)
        sample = out / f"sample_{tag}.png"
        save_image(model.decode(z).view(64, 1, 28, 28).cpu(), sample, nrow=8)
    return reconstruction, sample


def run(
    data=None,
    epochs=10,
    batch_size=128,
    lr=1e-3,
    latent=20,
    limit=None,
    workers=1,
    seed=1,
    checkpoint="vae.pt",
    out="vae_results",
    device="cpu",
):
    """Train; returns ``{"model", "test_loss", "epoch", "pictures"}`` of the best epoch.

    The model holds the best weights, reloaded from ``checkpoint``; ``pictures`` are the PNG
    paths written for the last epoch.
    """
    torch.manual_seed(seed)
    transform = transforms.ToTensor()
    train_set = first(open_dataset(datasets.MNIST, data, train=True, transform=transform), limit)
    test_set = first(open_dataset(datasets.MNIST, data, train=False, transform=transform), limit)
    train_loader = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
    )
    test_loader = DataLoader(test_set, batch_size=1000, num_workers=workers)
    fixed = next(iter(test_loader))[0]  # the same eight test digits in every reconstruction

    model = VAE(latent=latent).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    checkpoint, out = checkpoint_path(checkpoint), Path(out)
    best = {"test_loss": float("inf")}
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        total, seen = 0.0, 0
        desc = f"epoch {epoch}/{epochs}"
        with tqdm(total=len(train_set), desc=desc, unit="img", dynamic_ncols=True) as bar:
            for images, _ in train_loader:
                images = images.to(device)
                optimizer.zero_grad()
                loss = negative_elbo(*model(images), images)
                loss.backward()
                optimizer.step()
                total += loss.item()
                seen += len(images)
                bar.update(len(images))
                bar.set_postfix(loss=f"{total / seen:.2f}", refresh=False)
        test_loss = evaluate(model, test_loader, device)
        pictures = save_pictures(model, fixed, out, epoch, latent, device)
        seconds = time.perf_counter() - start
        print(
            f"epoch {epoch}/{epochs}  train loss {total / seen:.2f}  test loss {test_loss:.2f} "
            f"nats/image  {seconds:.0f}s, {len(train_set) / seconds:.0f} img/s  "
            f"(pictures: {pictures[0].name}, {pictures[1].name})",
            flush=True,
        )
        if test_loss < best["test_loss"]:
            best = {"test_loss": test_loss, "epoch": epoch}
            torch.save(model.state_dict(), checkpoint)
            print(f"  saved the best state_dict so far to {checkpoint}", flush=True)

    model.load_state_dict(torch.load(checkpoint))
    print(
        f"best: epoch {best['epoch']}, test loss (negative ELBO) {best['test_loss']:.2f} "
        f"nats/image (reloaded from {checkpoint}); pictures in {out}",
        flush=True,
    )
    return {"model": model, "pictures": pictures, **best}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="dataset folder (see examples/_common.py)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--latent", type=int, default=20, help="size of z")
    parser.add_argument("--limit", type=int, default=None, help="first N images of each split")
    parser.add_argument("--workers", type=int, default=1, help="DataLoader worker processes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint", default="vae.pt")
    parser.add_argument("--out", default="vae_results", help="folder for the PNG grids")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    run(
        args.data,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        latent=args.latent,
        limit=args.limit,
        workers=args.workers,
        seed=args.seed,
        checkpoint=args.checkpoint,
        out=args.out,
        device=args.device,
    )


if __name__ == "__main__":
    main()
