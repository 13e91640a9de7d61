"""RAdam: Adam with a rectified adaptive learning rate (``torch.optim.RAdam``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_scalar_,
    addcmul_,
    array_of,
    div_scalar,
    hyperparameter_value,
    increment_,
    lerp_,
    mul_,
    mul_scalar_,
    neg,
    reciprocal_,
    sqrt,
    sub_,
)
from .optimizer import (
    Optimizer,
    check_betas,
    check_lr,
    check_nonnegative,
    scalar_state,
    zeros_state_like,
)

__all__ = ["RAdam"]


class RAdam(Optimizer):
    r"""RAdam (Liu et al., 2019), as ``torch.optim.RAdam``.

    While the length of the approximated SMA :math:`\rho_t` is at most 5 the step is plain
    momentum SGD with bias correction; after that the adaptive step is scaled by the variance
    rectification term :math:`r_t`.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-3).
        betas (tuple): running-average coefficients (default: (0.9, 0.999)).
        eps (float): added to the denominator (default: 1e-8).
        weight_decay (float): weight decay (default: 0).
        decoupled_weight_decay (bool): decay the parameters as in AdamW (default: False).
        maximize (bool): maximize the objective (default: False).
        foreach, capturable, differentiable: accepted for compatibility.
    """

    _group_compat = {
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
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
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "decoupled_weight_decay": decoupled_weight_decay,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["exp_avg"] = zeros_state_like(p)
        state["exp_avg_sq"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        if group["maximize"]:
            grad = neg(grad)
        step = float(increment_(array_of(state["step"])))
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                mul_scalar_(param, 1 - lr * weight_decay)
            else:
                grad = add(grad, param, weight_decay)
        exp_avg = array_of(state["exp_avg"])
        exp_avg_sq = array_of(state["exp_avg_sq"])
        lerp_(exp_avg, grad, 1 - beta1)
        addcmul_(mul_scalar_(exp_avg_sq, beta2), grad, grad, 1 - beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        update = mul_scalar_(div_scalar(exp_avg, bias_correction1), lr)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            adaptive_lr = add_scalar_(sqrt(exp_avg_sq), group["eps"])
            # PyTorch computes ``scalar / tensor`` as ``tensor.reciprocal() * scalar``
            mul_scalar_(reciprocal_(adaptive_lr), bias_correction2**0.5)
            mul_(update, adaptive_lr)
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            mul_scalar_(update, rect)
        sub_(param, update)
