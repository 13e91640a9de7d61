"""Adadelta (``torch.optim.Adadelta``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_,
    add_scalar,
    addcmul_,
    array_of,
    div_,
    hyperparameter_value,
    increment_,
    mul_,
    mul_scalar_,
    neg,
    sqrt_,
)
from .optimizer import Optimizer, check_lr, check_nonnegative, scalar_state, zeros_state_like

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta``.

    .. math::
        v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad
        \Delta_t = \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t,\quad
        u_t = \rho u_{t-1} + (1-\rho)\Delta_t^2,\quad
        \theta_t = \theta_{t-1} - \gamma\Delta_t

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): coefficient that scales delta (default: 1.0).
        rho (float): running-average coefficient (default: 0.9).
        eps (float): added inside the square roots (default: 1e-6).
        weight_decay (float): L2 penalty (default: 0).
        maximize (bool): maximize the objective (default: False).
        foreach, capturable, differentiable: accepted for compatibility.
    """

    _capturable_devices = "['cuda', 'xpu', 'hpu', 'privateuseone']"
    _group_compat = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonnegative(eps, "epsilon value")
        check_nonnegative(weight_decay, "weight_decay value")
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["square_avg"] = zeros_state_like(p)
        state["acc_delta"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        increment_(array_of(state["step"]))
        if group["maximize"]:
            grad = neg(grad)
        if group["weight_decay"] != 0:
            grad = add(grad, param, group["weight_decay"])
        square_avg = array_of(state["square_avg"])
        acc_delta = array_of(state["acc_delta"])
        addcmul_(mul_scalar_(square_avg, rho), grad, grad, 1 - rho)
        std = sqrt_(add_scalar(square_avg, eps))
        delta = sqrt_(add_scalar(acc_delta, eps))
        mul_(div_(delta, std), grad)
        addcmul_(mul_scalar_(acc_delta, rho), delta, delta, 1 - rho)
        add_(param, delta, -hyperparameter_value(group["lr"]))
