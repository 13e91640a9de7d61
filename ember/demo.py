"""ember's demo: train a small CNN on the handwritten digits shipped inside the package.

``python -m ember.demo`` loads ``ember/_demo_data/digits.csv.gz`` (1,797 8x8 images), splits it
80/20, and trains a two-layer CNN with Adam and OneCycleLR through a DataLoader, printing the
loss and the held-out accuracy each epoch, exactly as the same script would with PyTorch.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

import ember as torch
from ember import nn
from ember.utils.data import DataLoader, TensorDataset, random_split

__all__ = ["load_digits", "DigitNet", "evaluate", "main"]

DATA = Path(__file__).resolve().parent / "_demo_data" / "digits.csv.gz"


def load_digits():
    """The digits as (N, 1, 8, 8) float images scaled to [0, 1] and int64 labels."""
    with gzip.open(DATA, "rt") as f:
        raw = np.loadtxt(f, delimiter=",", dtype=np.float32)
    images = torch.tensor(raw[:, :64].reshape(-1, 1, 8, 8) / 16.0)
    labels = torch.tensor(raw[:, 64].astype(np.int64))
    return images, labels


class DigitNet(nn.Module):
    """conv(1->16) -> relu -> maxpool -> conv(16->32) -> relu -> linear(32*4*4 -> 10)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.1), nn.Linear(32 * 4 * 4, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def evaluate(model, loader) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / total


def main(epochs: int = 8, batch_size: int = 64, seed: int = 0) -> float:
    """Train and return the held-out accuracy."""
    torch.manual_seed(seed)
    images, labels = load_digits()
    train_set, test_set = random_split(
        TensorDataset(images, labels), [0.8, 0.2], generator=torch.Generator().manual_seed(seed)
    )
    train = DataLoader(train_set, batch_size=batch_size, shuffle=True)
    test = DataLoader(test_set, batch_size=256)
    model = DigitNet()
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=1e-2, epochs=epochs, steps_per_epoch=len(train)
    )
    loss_fn = nn.CrossEntropyLoss()
    accuracy = 0.0
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for x, y in train:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
            scheduler.step()
            running += loss.item() * y.numel()
        accuracy = evaluate(model, test)
        print(
            f"epoch {epoch + 1}/{epochs}  loss {running / len(train_set):.4f}  "
            f"test accuracy {accuracy:.3f}"
        )
    return accuracy


if __name__ == "__main__":
    main()
