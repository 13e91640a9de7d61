"""Adadelta (``torch.optim.Adadelta``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _add_,
    _addcmul_,
    _added,
    _check_lr,
    _check_nonnegative,
    _mul_,
    _s,
    _scalar_state,
    _value,
    _xp,
    _zeros_like,
)

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
        _check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        _check_nonnegative(eps, "epsilon value")
        _check_nonnegative(weight_decay, "weight_decay value")
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
        state["step"] = _scalar_state(0.0)
        state["square_avg"] = _zeros_like(p)
        state["acc_delta"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        rho, eps = group["rho"], group["eps"]
        step_t = state["step"]._data
        step_t += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = _added(grad, param, group["weight_decay"])
        square_avg = state["square_avg"]._data
        acc_delta = state["acc_delta"]._data
        xp = _xp(param)
        _addcmul_(_mul_(square_avg, rho), grad, grad, 1 - rho)
        std = square_avg + _s(eps, square_avg)
        xp.sqrt(std, out=std)
        delta = acc_delta + _s(eps, acc_delta)
        xp.sqrt(delta, out=delta)
        delta /= std
        delta *= grad
        _addcmul_(_mul_(acc_delta, rho), delta, delta, 1 - rho)
        _add_(param, delta, -_value(group["lr"]))
