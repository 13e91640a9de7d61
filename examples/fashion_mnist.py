"""Train a CNN on Fashion-MNIST with ember, the way one would with PyTorch.

A complete training script: a Dataset subclass reading the original IDX files, a DataLoader
with worker processes, a CNN, Adam with OneCycleLR, evaluation with metrics every epoch, and the
best checkpoint saved and reloaded.

    python examples/fashion_mnist.py --root ../shared/data/fashion-mnist --epochs 3

``--limit`` trains on a subset (the tests run it that way in a few seconds).
"""

from __future__ import annotations

import argparse
import gzip
import struct
import tempfile
from pathlib import Path

import numpy as np

import ember as torch
from ember import nn
from ember.metrics import Accuracy, F1Score, MetricCollection
from ember.utils.data import DataLoader, Dataset

CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip or not) as a NumPy array."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        _, dtype_code, ndim = struct.unpack(">HBB", f.read(4))
        shape = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        if dtype_code != 0x08:
            raise ValueError(f"{path}: only unsigned-byte IDX files are supported")
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(shape)


class FashionMNIST(Dataset):
    """Fashion-MNIST from its IDX files; items are (1x28x28 float image, int label)."""

    def __init__(self, root, train=True, limit=None):
        prefix = "train" if train else "t10k"
        root = Path(root)
        self.images = read_idx(root / f"{prefix}-images-idx3-ubyte.gz")[:limit]
        self.labels = read_idx(root / f"{prefix}-labels-idx1-ubyte.gz")[:limit]

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        image = torch.from_numpy(self.images[i].astype(np.float32) / 255.0).unsqueeze(0)
        return (image - 0.2860) / 0.3530, int(self.labels[i])


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.BatchNorm2d(32),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Dropout(0.25),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(),
            nn.Linear(128, len(CLASSES)),
        )

    def forward(self, x):
        return self.body(x)


def run(root, epochs=3, batch_size=128, limit=None, workers=2, lr=3e-3, checkpoint=None, seed=0):
    """Train, keep the best checkpoint by validation accuracy, reload it; returns its metrics."""
    torch.manual_seed(seed)
    train_set = FashionMNIST(root, train=True, limit=limit)
    test_set = FashionMNIST(root, train=False, limit=limit and max(limit // 4, 256))
    train = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
    )
    test = DataLoader(test_set, batch_size=512, num_workers=workers)
    model = Net()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=lr, epochs=epochs, steps_per_epoch=len(train)
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    metrics = MetricCollection(
        {
            "accuracy": Accuracy(task="multiclass", num_classes=len(CLASSES)),
            "macro_f1": F1Score(task="multiclass", num_classes=len(CLASSES), average="macro"),
        }
    )
    checkpoint = Path(checkpoint or Path(tempfile.mkdtemp()) / "best.pt")
    best = -1.0
    for epoch in range(epochs):
        model.train()
        for x, y in train:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
        result = evaluate(model, test, metrics)
        print(
            f"epoch {epoch + 1}/{epochs}  train loss {loss.item():.4f}  "
            + "  ".join(f"{k} {v:.4f}" for k, v in result.items())
        )
        if result["accuracy"] > best:
            best = result["accuracy"]
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "epoch": epoch,
                    "metrics": result,
                },
                checkpoint,
            )
    state = torch.load(checkpoint)
    reloaded = Net()
    reloaded.load_state_dict(state["model"])
    final = evaluate(reloaded, test, metrics)
    print(
        f"best checkpoint (epoch {state['epoch'] + 1}) reloaded: "
        + "  ".join(f"{k} {v:.4f}" for k, v in final.items())
    )
    return final


def evaluate(model, loader, metrics):
    model.eval()
    metrics.reset()
    with torch.no_grad():
        for x, y in loader:
            metrics.update(model(x), y)
    return {k: float(v) for k, v in metrics.compute().items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default="../shared/data/fashion-mnist")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--checkpoint", default=None)
    args = parser.parse_args()
    run(
        args.root,
        args.epochs,
        args.batch_size,
        args.limit,
        args.workers,
        checkpoint=args.checkpoint,
    )


if __name__ == "__main__":
    main()
