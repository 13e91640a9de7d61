"""Resilient backpropagation (``torch.optim.Rprop``)."""

from __future__ import annotations

from ._kernels import (
    add_,
    array_of,
    clamp_,
    copy_,
    eq_scalar,
    increment_,
    masked_fill,
    mul,
    mul_,
    mul_scalar_,
    neg,
    sign,
    where_sign,
)
from .optimizer import Optimizer, check_lr, full_state_like, scalar_state, zeros_state_like

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop (Riedmiller & Braun), as ``torch.optim.Rprop``.

    Each element keeps its own step size: multiplied by ``etaplus`` while the gradient keeps
    its sign, by ``etaminus`` when it flips (and that step is skipped), clamped to
    ``step_sizes``; the parameter moves by the step size against the gradient's sign.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): initial step size (default: 1e-2).
        etas (tuple): (etaminus, etaplus) (default: (0.5, 1.2)).
        step_sizes (tuple): minimal and maximal step sizes (default: (1e-6, 50)).
        maximize (bool): maximize the objective (default: False).
        capturable, foreach, differentiable: accepted for compatibility.
    """

    _group_compat = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["prev"] = zeros_state_like(p)
        state["step_size"] = full_state_like(p.grad, group["lr"])

    def _update(self, param, grad, state, group):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if group["maximize"]:
            grad = neg(grad)
        increment_(array_of(state["step"]))
        prev = array_of(state["prev"])
        step_size = array_of(state["step_size"])
        factor = where_sign(sign(mul(grad, prev)), etaplus, etaminus, 1)
        clamp_(mul_(step_size, factor), step_size_min, step_size_max)
        # where the gradient's sign flipped, skip this step and forget the gradient
        grad = masked_fill(grad, eq_scalar(factor, etaminus), 0)
        add_(param, mul_(mul_scalar_(sign(grad), -1), step_size))
        copy_(prev, grad)
