"""F.linear and F.bilinear (re-exported by ember.nn.functional)."""

from __future__ import annotations

from ..ops.products import addmm, matmul, mm


def linear(input, weight, bias=None):  # noqa: A002
    """``input @ weight.T + bias`` (PyTorch's F.linear).

    As in torch, an input of 2 or more dims is folded to one matrix and multiplied by one GEMM
    (``addmm`` with a bias, else ``mm``), whatever its batch dims, then viewed back.
    """
    if weight.ndim == 2 and input.ndim >= 2:
        x = input if input.ndim == 2 else input.reshape(-1, input.shape[-1])
        out = mm(x, weight.t()) if bias is None else addmm(bias, x, weight.t())
        return out if input.ndim == 2 else out.view(*input.shape[:-1], weight.shape[0])
    out = matmul(input, weight.t() if weight.ndim == 2 else weight)
    if bias is not None:
        out = out + bias
    return out


def bilinear(input1, input2, weight, bias=None):
    """``y_k = input1 @ weight[k] @ input2 + bias_k`` over the last dims."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            "bilinear(): input batch dimensions do not match: got "
            f"{list(input1.shape[:-1])} and {list(input2.shape[:-1])}"
        )
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got "
            f"{input1.shape[-1]} but expected {weight.shape[1]}"
        )
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got "
            f"{input2.shape[-1]} but expected {weight.shape[2]}"
        )
    # (..., i) x (o, i, j) -> (..., o, j), then contract j with input2
    left = matmul(input1.unsqueeze(-2).unsqueeze(-3), weight).squeeze(-2)
    out = (left * input2.unsqueeze(-2)).sum(-1)
    if bias is not None:
        out = out + bias
    return out
