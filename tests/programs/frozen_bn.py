"""Fine-tune a head on a backbone whose BatchNorm layers stay frozen in train mode.

The model overrides Module.train(mode): it calls the parent's train(mode), then puts every
BatchNorm of the backbone back into eval mode, so their running statistics are not updated and
their batch statistics are not used. The program prints the modes and checks the statistics.
"""

import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim

parser = argparse.ArgumentParser(description="frozen BatchNorm fine-tuning")
parser.add_argument("--steps", type=int, default=5)
parser.add_argument("--batch-size", type=int, default=8)
parser.add_argument("--lr", type=float, default=0.05)
parser.add_argument("--unfrozen", action="store_true", help="do not freeze the BatchNorms")
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()


class Backbone(nn.Sequential):
    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d(1),
        )


class FineTuneNet(nn.Module):
    def __init__(self, num_classes, freeze_bn=True):
        super().__init__()
        self.freeze_bn = freeze_bn
        self.backbone = Backbone()
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.25), nn.Linear(16, num_classes))
        if freeze_bn:
            for m in self.backbone.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.weight.requires_grad_(False)
                    m.bias.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        if self.freeze_bn:
            for m in self.backbone.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm):
                    m.eval()
        return self

    def forward(self, x):
        return self.head(self.backbone(x))


def modes(model):
    return " ".join(f"{name or 'model'}={int(m.training)}" for name, m in model.named_modules())


torch.manual_seed(args.seed)
model = FineTuneNet(num_classes=4, freeze_bn=not args.unfrozen)
# pretend the backbone was trained: give its BatchNorms some statistics
with torch.no_grad():
    for m in model.backbone.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            m.num_batches_tracked += 10

print("after construction:", modes(model))
print("train() returns the model:", model.train() is model)
print("after train():", modes(model))
model.eval()
print("after eval():", modes(model))
model.train(True)
print("after train(True):", modes(model))

trainable = [p for p in model.parameters() if p.requires_grad]
frozen = [n for n, p in model.named_parameters() if not p.requires_grad]
print(f"trainable tensors {len(trainable)} frozen {frozen}")
optimizer = optim.SGD(trainable, lr=args.lr, momentum=0.9)

bn = model.backbone[1]
mean_before = bn.running_mean.clone()
x = torch.randn(args.steps, args.batch_size, 3, 8, 8)
y = torch.randint(0, 4, (args.steps, args.batch_size))
for step in range(args.steps):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(x[step]), y[step])
    loss.backward()
    optimizer.step()
    print(f"step {step} loss {loss.item():.6f}")

print("running_mean unchanged:", torch.equal(bn.running_mean, mean_before))
print("num_batches_tracked:", bn.num_batches_tracked.item())
print("bn weight grad:", bn.weight.grad)
print("trained head bias requires_grad:", model.head[2].bias.requires_grad)
model.eval()
with torch.no_grad():
    out = model(x[0])
print(f"eval mean {out.mean().item():.6f} std {out.std().item():.6f}")
