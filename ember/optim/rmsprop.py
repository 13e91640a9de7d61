"""RMSprop (``torch.optim.RMSprop``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_,
    add_scalar_,
    addcdiv_,
    addcmul_,
    array_of,
    hyperparameter_value,
    increment_,
    lerp_,
    mul,
    mul_scalar_,
    neg,
    sqrt,
    sqrt_,
    sub,
)
from .optimizer import Optimizer, check_lr, check_nonnegative, scalar_state, zeros_state_like

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), as ``torch.optim.RMSprop``.

    .. math::
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad
        \theta_t = \theta_{t-1} - \gamma\,\frac{g_t}{\sqrt{v_t - \bar g_t^2} + \epsilon}

    where :math:`\bar g_t` (the running mean of the gradient) is used only when ``centered``;
    with ``momentum`` the ratio feeds a momentum buffer.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-2).
        alpha (float): smoothing constant (default: 0.99).
        eps (float): added to the denominator (default: 1e-8).
        weight_decay (float): L2 penalty (default: 0).
        momentum (float): momentum factor (default: 0).
        centered (bool): normalize by an estimate of the gradient's variance (default: False).
        maximize (bool): maximize the objective (default: False).
        capturable, foreach, differentiable: accepted for compatibility.
    """

    _group_compat = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        check_nonnegative(eps, "epsilon value")
        check_nonnegative(momentum, "momentum value")
        check_nonnegative(weight_decay, "weight_decay value")
        check_nonnegative(alpha, "alpha value")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["square_avg"] = zeros_state_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_state_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        alpha = group["alpha"]
        if group["maximize"]:
            grad = neg(grad)
        increment_(array_of(state["step"]))
        if group["weight_decay"] != 0:
            grad = add(grad, param, group["weight_decay"])
        square_avg = array_of(state["square_avg"])
        addcmul_(mul_scalar_(square_avg, alpha), grad, grad, 1 - alpha)
        if group["centered"]:
            grad_avg = lerp_(array_of(state["grad_avg"]), grad, 1 - alpha)
            avg = sqrt_(sub(square_avg, mul(grad_avg, grad_avg)))
        else:
            avg = sqrt(square_avg)
        add_scalar_(avg, group["eps"])
        if group["momentum"] > 0:
            buf = array_of(state["momentum_buffer"])
            addcdiv_(mul_scalar_(buf, group["momentum"]), grad, avg)
            add_(param, buf, -lr)
        else:
            addcdiv_(param, grad, avg, -lr)
