"""Transfer learning with torchvision's ResNet-18, written for ember: frozen backbone, new head.

The task: Fashion-MNIST (10 classes of clothing), a training subset of ``--train-size`` images
(default 10,000) and the full 10,000-image test set, each image resized to 32x32 and repeated
to 3 channels so that it fits a network made for RGB pictures, normalised with ImageNet's
statistics as torchvision's pretrained weights expect.

The network is ``ember.vision.models.resnet18`` with the weights of ``--weights``:

- none (the default): torchvision's random initialisation;
- a checkpoint file holding a ResNet-18 state_dict: torchvision's ImageNet file
  ``resnet18-f37072fd.pth`` (``ember.load`` reads PyTorch's format), or one written by this
  script's ``--pretrain`` mode; its ``fc`` entries are dropped, the head being new;
- a weights name (``IMAGENET1K_V1``), fetched through ``ember.hub`` as torchvision would.

Its ``fc`` becomes a new ``nn.Linear(512, 10)``. The stem and the first ``4 - trainable``
residual stages are frozen (``requires_grad_(False)``, and kept in eval mode so that their
batch-norm statistics stay those loaded); the last ``--trainable-layers`` stages (default 1,
``layer4``) are fine-tuned. The optimizer has two parameter groups: the fine-tuned stages at
``--backbone-lr`` and the new head at ``--lr`` (ten times larger by default), with one cosine
schedule scaling both. Each epoch shows a tqdm bar (loss, images per second), then the test
accuracy; the best state_dict is saved with ``ember.save`` (atomically) and reloaded at the end.

``--pretrain`` makes a source model instead: the whole ResNet-18 is trained on MNIST digits
(same preprocessing) and saved to ``--checkpoint``, ready for ``--weights``::

    python examples/transfer_learning.py                              # random frozen backbone
    python examples/transfer_learning.py --pretrain --epochs 1 --checkpoint resnet18_mnist.pt
    python examples/transfer_learning.py --weights resnet18_mnist.pt  # digits -> clothing
    python examples/transfer_learning.py --weights resnet18-f37072fd.pth   # ImageNet's

Measured (``--threads 1``: one BLAS thread plus one DataLoader worker, on a 2-core machine
shared with other jobs; defaults otherwise: 10,000 training images, 5 epochs, layer4 + head):

- ``--weights`` none (random frozen stem and layer1-3): 83.33% test accuracy (best epoch 4;
  78.11% after epoch 1), 7 min 20 s;
- ``--pretrain --epochs 1`` (the source model): 99.23% on the MNIST test set, 10 min 32 s;
- ``--weights resnet18_mnist.pt`` (frozen digit features): 78.91%, 6 min 11 s. Features
  learned on digits serve clothing worse than random ones: a source has to be related to the
  target (torchvision's ImageNet weights are the usual choice; no network was available here
  to measure them).

``--limit N`` caps both splits at N images (the tests run it that way).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from _common import checkpoint_path, first, open_dataset
from tqdm import tqdm

import ember as torch
from ember import nn
from ember.utils.data import DataLoader
from ember.vision import datasets, models, transforms

IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
STAGES = ("layer1", "layer2", "layer3", "layer4")


def make_transform(size=32):
    """Grey 28x28 digits or clothes -> normalised 3 x ``size`` x ``size`` tensors."""
    return transforms.Compose(
        [
            transforms.Resize(size),
            transforms.Grayscale(num_output_channels=3),
            transforms.ToTensor(),
            transforms.Normalize(IMAGENET_MEAN, IMAGENET_STD),
        ]
    )


def load_backbone(weights=None):
    """``models.resnet18`` with ``weights``: None, a state_dict file, or a weights name."""
    if weights is None:
        return models.resnet18(weights=None)
    if not Path(weights).is_file():
        try:
            return models.resnet18(weights=str(weights))
        except (KeyError, ValueError, OSError) as error:
            names = ", ".join(w.name for w in models.ResNet18_Weights)
            raise SystemExit(
                f"error: --weights {weights}: no such file, and not a weights name that could be "
                f"fetched ({type(error).__name__}: {error}); names: {names}"
            ) from None
    model = models.resnet18(weights=None)
    state = torch.load(weights)
    state = {k: v for k, v in state.items() if not k.startswith("fc.")}  # the head is replaced
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith("fc.") for k in missing):
        raise SystemExit(
            f"error: {weights} is not a ResNet-18 state_dict "
            f"(missing {missing[:3]}, unexpected {unexpected[:3]})"
        )
    return model


def frozen_modules(model, trainable_layers):
    """The modules kept fixed: the stem and all but the last ``trainable_layers`` stages."""
    fixed = STAGES[: len(STAGES) - trainable_layers]
    return [model.conv1, model.bn1, *(getattr(model, name) for name in fixed)]


def prepare(weights=None, num_classes=10, trainable_layers=1):
    """The network for transfer: frozen stem and early stages, a new ``fc``; returns
    ``(model, frozen modules, trainable backbone parameters)``."""
    if not 0 <= trainable_layers <= len(STAGES):
        raise SystemExit(f"error: --trainable-layers must be 0 to {len(STAGES)}")
    model = load_backbone(weights)
    model.fc = nn.Linear(model.fc.in_features, num_classes)
    frozen = frozen_modules(model, trainable_layers)
    for module in frozen:
        module.requires_grad_(False)
    tuned = [
        p
        for name in STAGES[len(STAGES) - trainable_layers :]
        for p in getattr(model, name).parameters()
    ]
    return model, frozen, tuned


def set_training(model, frozen, training=True):
    """``model.train(training)``, except that the frozen modules always stay in eval mode."""
    model.train(training)
    for module in frozen:
        module.eval()


def evaluate(model, loader, device):
    """The accuracy of ``model`` on ``loader``."""
    model.eval()
    correct = 0
    with torch.no_grad():
        for images, targets in loader:
            correct += (model(images.to(device)).argmax(1).cpu() == targets).sum().item()
    return correct / len(loader.dataset)


def fit(model, frozen, optimizer, train_loader, test_loader, epochs, checkpoint, device):
    """Train with a cosine schedule, save the best state_dict by test accuracy, reload it."""
    steps = epochs * len(train_loader)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: 0.5 * (1 + math.cos(math.pi * step / steps))
    )
    loss_fn = nn.CrossEntropyLoss()
    n = len(train_loader.dataset)
    best = {"accuracy": -1.0}
    for epoch in range(1, epochs + 1):
        set_training(model, frozen)
        start = time.perf_counter()
        total, seen = 0.0, 0
        with tqdm(total=n, desc=f"epoch {epoch}/{epochs}", unit="img", dynamic_ncols=True) as bar:
            for images, targets in train_loader:
                images, targets = images.to(device), targets.to(device)
                optimizer.zero_grad()
                loss = loss_fn(model(images), targets)
                loss.backward()
                optimizer.step()
                scheduler.step()
                total += loss.item() * len(targets)
                seen += len(targets)
                bar.update(len(targets))
                bar.set_postfix(loss=f"{total / seen:.4f}", refresh=False)
        accuracy = evaluate(model, test_loader, device)
        seconds = time.perf_counter() - start
        print(
            f"epoch {epoch}/{epochs}  train loss {total / seen:.4f}  "
            f"test accuracy {100 * accuracy:.2f}% ({len(test_loader.dataset)} images)  "
            f"{seconds:.0f}s, {n / seconds:.0f} img/s",
            flush=True,
        )
        if accuracy > best["accuracy"]:
            best = {"accuracy": accuracy, "epoch": epoch}
            torch.save(model.state_dict(), checkpoint)
            print(f"  saved the best state_dict so far to {checkpoint}", flush=True)
    model.load_state_dict(torch.load(checkpoint))
    print(
        f"best: epoch {best['epoch']}, test accuracy {100 * best['accuracy']:.2f}% "
        f"(reloaded from {checkpoint})",
        flush=True,
    )
    return best


def loaders(dataset_class, data, train_size, limit, batch_size, workers, size):
    """Training and test loaders of ``dataset_class`` with the 3-channel transform."""
    transform = make_transform(size)
    train_set = open_dataset(dataset_class, data, train=True, transform=transform)
    test_set = open_dataset(dataset_class, data, train=False, transform=transform)
    limits = [x for x in (train_size, limit) if x is not None]
    train_set = first(train_set, min(limits) if limits else None)
    test_set = first(test_set, limit)
    train = DataLoader(
        train_set,
        batch_size=batch_size,
        shuffle=True,
        num_workers=workers,
        persistent_workers=workers > 0,
    )
    test = DataLoader(test_set, batch_size=500, num_workers=workers)
    return train, test


def run(
    data=None,
    weights=None,
    epochs=5,
    batch_size=128,
    lr=1e-2,
    backbone_lr=1e-3,
    trainable_layers=1,
    train_size=10_000,
    limit=None,
    size=32,
    workers=1,
    seed=0,
    checkpoint="resnet18_fashion_mnist.pt",
    device="cpu",
):
    """Transfer to Fashion-MNIST; returns ``{"model", "accuracy", "epoch", "optimizer"}``."""
    torch.manual_seed(seed)
    train, test = loaders(datasets.FashionMNIST, data, train_size, limit, batch_size, workers, size)
    model, frozen, tuned = prepare(weights, 10, trainable_layers)
    model.to(device)
    groups = [{"params": model.fc.parameters(), "lr": lr}]
    if tuned:
        groups.insert(0, {"params": tuned, "lr": backbone_lr})
    optimizer = torch.optim.SGD(groups, momentum=0.9, weight_decay=5e-4)
    counts = [sum(p.numel() for p in g["params"]) for g in optimizer.param_groups]
    fixed = sum(p.numel() for m in frozen for p in m.parameters())
    print(
        f"resnet18 (weights: {weights or 'none, random init'}): {fixed:,} frozen parameters, "
        + ", ".join(f"{c:,} at lr {g['lr']:g}" for c, g in zip(counts, optimizer.param_groups)),
        flush=True,
    )
    best = fit(model, frozen, optimizer, train, test, epochs, checkpoint_path(checkpoint), device)
    return {"model": model, "optimizer": optimizer, **best}


def pretrain(
    data=None,
    epochs=1,
    batch_size=128,
    lr=1e-3,
    limit=None,
    size=32,
    workers=1,
    seed=0,
    checkpoint="resnet18_mnist.pt",
    device="cpu",
):
    """The source model: all of ResNet-18 trained on MNIST digits; returns its best metrics."""
    torch.manual_seed(seed)
    train, test = loaders(datasets.MNIST, data, None, limit, batch_size, workers, size)
    model = models.resnet18(weights=None, num_classes=10).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    print(
        f"pretraining resnet18 on MNIST: {sum(p.numel() for p in model.parameters()):,} "
        "parameters, all trained",
        flush=True,
    )
    best = fit(model, [], optimizer, train, test, epochs, checkpoint_path(checkpoint), device)
    return {"model": model, **best}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="dataset folder (see examples/_common.py)")
    parser.add_argument("--weights", default=None, help="state_dict file or weights name")
    parser.add_argument("--pretrain", action="store_true", help="train the source model on MNIST")
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (1 with --pretrain)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument(
        "--lr", type=float, default=None, help="head lr (1e-2; 1e-3 Adam for --pretrain)"
    )
    parser.add_argument("--backbone-lr", type=float, default=1e-3)
    parser.add_argument("--trainable-layers", type=int, default=1, help="last stages fine-tuned")
    parser.add_argument("--train-size", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=None, help="first N images of each split")
    parser.add_argument("--size", type=int, default=32, help="image side after resizing")
    parser.add_argument("--workers", type=int, default=1, help="DataLoader worker processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checkpoint", default=None)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    common = {
        "batch_size": args.batch_size,
        "limit": args.limit,
        "size": args.size,
        "workers": args.workers,
        "seed": args.seed,
        "device": args.device,
    }
    if args.pretrain:
        pretrain(
            args.data,
            epochs=args.epochs or 1,
            lr=args.lr or 1e-3,
            checkpoint=args.checkpoint or "resnet18_mnist.pt",
            **common,
        )
        return
    run(
        args.data,
        weights=args.weights,
        epochs=args.epochs or 5,
        lr=args.lr or 1e-2,
        backbone_lr=args.backbone_lr,
        trainable_layers=args.trainable_layers,
        train_size=args.train_size,
        checkpoint=args.checkpoint or "resnet18_fashion_mnist.pt",
        **common,
    )


if __name__ == "__main__":
    main()
