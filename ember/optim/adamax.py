"""Adamax, the infinity-norm variant of Adam (``torch.optim.Adamax``)."""

from __future__ import annotations

from ._kernels import (
    absolute,
    add,
    add_scalar_,
    addcdiv_,
    array_of,
    hyperparameter_value,
    increment_,
    lerp_,
    maximum_,
    mul_scalar_,
    neg,
)
from .optimizer import (
    Optimizer,
    check_betas,
    check_lr,
    check_nonnegative,
    scalar_state,
    zeros_state_like,
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
        check_lr(lr)
        check_nonnegative(eps, "epsilon value")
        check_betas(betas)
        check_nonnegative(weight_decay, "weight_decay value")
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
        state["step"] = scalar_state(0.0)
        state["exp_avg"] = zeros_state_like(p)
        state["exp_inf"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        beta1, beta2 = group["betas"]
        if group["maximize"]:
            grad = neg(grad)
        step_t = increment_(array_of(state["step"]))
        if group["weight_decay"] != 0:
            grad = add(grad, param, group["weight_decay"])
        exp_avg = array_of(state["exp_avg"])
        exp_inf = array_of(state["exp_inf"])
        lerp_(exp_avg, grad, 1 - beta1)
        norm = add_scalar_(absolute(grad), group["eps"])
        maximum_(mul_scalar_(exp_inf, beta2), norm)
        clr = lr / (1 - beta1 ** float(step_t))
        addcdiv_(param, exp_avg, exp_inf, -clr)
