"""Fit a random polynomial with a single Linear layer on polynomial features.

The target is y = w . (x, x^2, ..., x^d) + b with w and b drawn once; each step draws a fresh
batch of x, and a Linear(d, 1) learns w and b with SGD on the smooth L1 loss.
"""

import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim

parser = argparse.ArgumentParser(description="polynomial regression")
parser.add_argument("--degree", type=int, default=4)
parser.add_argument("--batch-size", type=int, default=32)
parser.add_argument("--steps", type=int, default=200)
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--momentum", type=float, default=0.0)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.manual_seed(args.seed)

W_target = torch.randn(args.degree, 1) * 5
b_target = torch.randn(1) * 5


def make_features(x):
    """Stack x, x^2, ..., x^degree as the columns of a matrix."""
    x = x.unsqueeze(1)
    return torch.cat([x**i for i in range(1, args.degree + 1)], 1)


def f(x):
    """The function to learn."""
    return x.mm(W_target) + b_target.item()


def poly_desc(W, b):
    """A polynomial as text, highest power last."""
    result = "y = "
    for i, w in enumerate(W):
        result += f"{w:+.2f} x^{i + 1} "
    result += f"{b[0]:+.2f}"
    return result


def get_batch(batch_size):
    """A batch of features and targets for fresh random x."""
    random = torch.randn(batch_size)
    x = make_features(random)
    y = f(x)
    return x, y


fc = nn.Linear(W_target.size(0), 1)
optimizer = optim.SGD(fc.parameters(), lr=args.lr, momentum=args.momentum)
print(fc)

for step in range(1, args.steps + 1):
    batch_x, batch_y = get_batch(args.batch_size)
    optimizer.zero_grad()
    output = F.smooth_l1_loss(fc(batch_x), batch_y)
    loss = output.item()
    output.backward()
    optimizer.step()
    print(f"step {step} loss {loss:.6f}")
    if loss < 1e-3:
        break

print(f"Loss: {loss:.6f} after {step} batches")
print("==> Learned function:\t" + poly_desc(fc.weight.view(-1), fc.bias))
print("==> Actual function:\t" + poly_desc(W_target.view(-1), b_target))
