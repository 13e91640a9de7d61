"""Averaged stochastic gradient descent (``torch.optim.ASGD``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _add_,
    _added,
    _check_lr,
    _check_nonnegative,
    _mul_,
    _s,
    _scalar_state,
    _value,
    _zeros_like,
)

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
        _check_lr(lr)
        _check_nonnegative(weight_decay, "weight_decay value")
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
        state["step"] = _scalar_state(0.0)
        state["eta"] = _scalar_state(_value(group["lr"]))
        state["mu"] = _scalar_state(1.0)
        state["ax"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        lambd, alpha = group["lambd"], group["alpha"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        if group["weight_decay"] != 0:
            grad = _added(grad, param, group["weight_decay"])
        eta = state["eta"]._data
        mu = state["mu"]._data
        eta_value = float(eta)
        mu_value = float(mu)
        _mul_(param, 1 - lambd * eta_value)
        _add_(param, grad, -eta_value)
        ax = state["ax"]._data
        if mu_value != 1:
            diff = param - ax
            diff *= _s(mu_value, diff)
            ax += diff
        else:
            ax[...] = param
        step = float(step_t)
        eta[...] = lr / ((1 + lambd * lr * step) ** alpha)
        mu[...] = 1 / max(1, step - group["t0"])
