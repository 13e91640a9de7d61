"""Printed graphs read as torch's: the common layers and losses record torch's node names.

A tutorial prints ``loss.grad_fn`` and walks ``next_functions``; the names must be torch's
(``MseLossBackward0 -> AddmmBackward0 -> TBackward0 -> AccumulateGrad``). One difference is
kept on purpose: ``cross_entropy`` (and ``nll_loss`` of ``log_softmax``) is one fused node,
CrossEntropyBackward0, about 10% faster than torch's NllLossBackward0 -> LogSoftmaxBackward0.
"""

from __future__ import annotations

import pytest
import torch

import ember


def chain(node, depth=3):
    """Node names along the first differentiable edge, as a tutorial prints them."""
    names = []
    while node is not None and depth:
        names.append(node.name().split("::")[-1])
        node = next((n for n, _ in node.next_functions if n is not None), None)
        depth -= 1
    return names


CASES = {
    "linear 2-D": lambda lib, x: lib.nn.functional.linear(x, x.new_ones(2, 3), x.new_ones(2)),
    "linear 3-D": lambda lib, x: lib.nn.functional.linear(
        x.reshape(2, 2, 3), x.new_ones(2, 3), x.new_ones(2)
    ),
    "linear no bias": lambda lib, x: lib.nn.functional.linear(x, x.new_ones(2, 3)),
    "mse": lambda lib, x: lib.nn.functional.mse_loss(x, x.detach() * 0.5),
    "mse of linear": lambda lib, x: lib.nn.functional.mse_loss(
        lib.nn.functional.linear(x, x.new_ones(2, 3), x.new_ones(2)), x.new_zeros(4, 2)
    ),
    "bce": lambda lib, x: lib.nn.functional.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid()),
    "mm": lambda lib, x: x @ x.t(),
    "transpose": lambda lib, x: x.transpose(0, 1).relu().sum(),
    "tanh sigmoid": lambda lib, x: x.tanh().sigmoid().mean(),
}


@pytest.mark.parametrize("case", CASES)
def test_node_names_are_torchs(case):
    data = [[0.1 * (i + j) for j in range(3)] for i in range(4)]
    ours = CASES[case](ember, ember.tensor(data, requires_grad=True))
    theirs = CASES[case](torch, torch.tensor(data, requires_grad=True))
    assert chain(ours.grad_fn) == chain(theirs.grad_fn)
    assert str(ours.grad_fn).split(" ")[0] == str(theirs.grad_fn).split(" ")[0]
