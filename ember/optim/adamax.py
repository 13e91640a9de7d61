"""Adamax, the infinity-norm variant of Adam (``torch.optim.Adamax``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _added,
    _check_betas,
    _check_lr,
    _check_nonnegative,
    _lerp_,
    _mul_,
    _s,
    _scalar_state,
    _value,
    _xp,
    _zeros_like,
)

__all__ = ["Adamax"]


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, section 7), as ``torch.optim.Adamax``.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad
        \theta_t = \theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\,\frac{m_t}{u_t}

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 2e-3).
        betas (tuple): running-average coefficients (default: (0.9, 0.999)).
        eps (float): added to :math:`|g_t|` (default: 1e-8).
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

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        capturable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay value")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = _scalar_state(0.0)
        state["exp_avg"] = _zeros_like(p)
        state["exp_inf"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        if group["weight_decay"] != 0:
            grad = _added(grad, param, group["weight_decay"])
        exp_avg = state["exp_avg"]._data
        exp_inf = state["exp_inf"]._data
        _lerp_(exp_avg, grad, 1 - beta1)
        xp = _xp(param)
        norm = xp.abs(grad)
        norm += _s(group["eps"], norm)
        xp.maximum(_mul_(exp_inf, beta2), norm, out=exp_inf)
        clr = lr / (1 - beta1 ** float(step_t))
        _addcdiv_(param, exp_avg, exp_inf, -clr)
