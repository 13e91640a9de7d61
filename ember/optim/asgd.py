"""Averaged stochastic gradient descent (``torch.optim.ASGD``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_,
    array_of,
    copy_,
    fill_,
    hyperparameter_value,
    increment_,
    mul_scalar_,
    neg,
    sub,
)
from .optimizer import Optimizer, check_lr, check_nonnegative, scalar_state, zeros_state_like

__all__ = ["ASGD"]


class ASGD(Optimizer):
    r"""Averaged SGD (Polyak & Juditsky), as ``torch.optim.ASGD``.

    Each step decays and updates the parameters with the current step size
    :math:`\eta_t = \gamma / (1 + \lambda\gamma t)^\alpha`, and keeps their running average in
    ``state['ax']`` once :math:`t > t_0`.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-2).
        lambd (float): decay term (default: 1e-4).
        alpha (float): power for the eta update (default: 0.75).
        t0 (float): step at which averaging starts (default: 1e6).
        weight_decay (float): L2 penalty (default: 0).
        maximize (bool): maximize the objective (default: False).
        foreach, differentiable, capturable: accepted for compatibility.
    """

    _capturable_tensors = "params, mus, etas, and state_steps"
    _group_compat = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }
    _scalar_state_keys = ("step", "eta", "mu")

    def __init__(
        self,
        params,
        lr=1e-2,
        lambd: float = 1e-4,
        alpha: float = 0.75,
        t0: float = 1e6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        check_lr(lr)
        check_nonnegative(weight_decay, "weight_decay value")
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["eta"] = scalar_state(hyperparameter_value(group["lr"]))
        state["mu"] = scalar_state(1.0)
        state["ax"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        lambd, alpha = group["lambd"], group["alpha"]
        if group["maximize"]:
            grad = neg(grad)
        step_t = increment_(array_of(state["step"]))
        if group["weight_decay"] != 0:
            grad = add(grad, param, group["weight_decay"])
        eta = array_of(state["eta"])
        mu = array_of(state["mu"])
        eta_value = float(eta)
        mu_value = float(mu)
        mul_scalar_(param, 1 - lambd * eta_value)
        add_(param, grad, -eta_value)
        ax = array_of(state["ax"])
        if mu_value != 1:
            add_(ax, mul_scalar_(sub(param, ax), mu_value))
        else:
            copy_(ax, param)
        step = float(step_t)
        fill_(eta, lr / ((1 + lambd * lr * step) ** alpha))
        fill_(mu, 1 / max(1, step - group["t0"]))
