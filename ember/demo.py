"""ember's demo: fit a small MLP on a synthetic regression task and print the loss falling.

Run with ``python -m ember.demo``. It uses only ember's core (tensors, autograd and ops); it
will grow into the full nn/optim demo as those modules land.
"""

from __future__ import annotations

import ember


def main(steps: int = 300, lr: float = 0.05) -> list[float]:
    """Train y = sin(3x) + noise with a 1-32-1 tanh network by plain gradient descent."""
    ember.manual_seed(0)
    x = ember.linspace(-1, 1, 256).unsqueeze(1)
    y = (3 * x).sin() + 0.05 * ember.randn(256, 1)
    w1 = (ember.randn(1, 32) * 1.0).requires_grad_()
    b1 = ember.zeros(32, requires_grad=True)
    w2 = (ember.randn(32, 1) * 0.2).requires_grad_()
    b2 = ember.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]
    losses = []
    for step in range(steps):
        pred = (x @ w1 + b1).tanh() @ w2 + b2
        loss = ((pred - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with ember.no_grad():
            for p in params:
                p -= lr * 4 * p.grad
        losses.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step:4d}  loss {loss.item():.4f}")
    return losses


if __name__ == "__main__":
    main()
