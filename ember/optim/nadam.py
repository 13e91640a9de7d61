"""NAdam: Adam with Nesterov momentum (``torch.optim.NAdam``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_scalar_,
    addcdiv_,
    addcmul_,
    array_of,
    div_scalar,
    hyperparameter_value,
    increment_,
    lerp_,
    mul_scalar_,
    neg,
    sqrt_,
)
from .optimizer import (
    Optimizer,
    check_betas,
    check_lr,
    check_nonnegative,
    scalar_state,
    zeros_state_like,
)

__all__ = ["NAdam"]


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), as ``torch.optim.NAdam``.

    The momentum schedule is :math:`\mu_t = \beta_1 (1 - \tfrac12 0.96^{t\psi})` with
    :math:`\psi` = ``momentum_decay``, and the update combines the current gradient and the
    first moment with Nesterov's look-ahead weights.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 2e-3).
        betas (tuple): running-average coefficients (default: (0.9, 0.999)).
        eps (float): added to the denominator (default: 1e-8).
        weight_decay (float): weight decay (default: 0).
        momentum_decay (float): :math:`\psi` (default: 4e-3).
        decoupled_weight_decay (bool): apply weight decay to the parameters as in AdamW
            (NAdamW) instead of adding it to the gradient (default: False).
        maximize (bool): maximize the objective (default: False).
        foreach, capturable, differentiable: accepted for compatibility.
    """

    _capturable_tensors = "params, mu_products and state_steps"
    _group_compat = {
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
    }
    _scalar_state_keys = ("step", "mu_product")

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
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
        check_nonnegative(momentum_decay, "momentum_decay value")
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum_decay": momentum_decay,
            "decoupled_weight_decay": decoupled_weight_decay,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["mu_product"] = scalar_state(1.0)
        state["exp_avg"] = zeros_state_like(p)
        state["exp_avg_sq"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        momentum_decay = group["momentum_decay"]
        if group["maximize"]:
            grad = neg(grad)
        step = float(increment_(array_of(state["step"])))
        bias_correction2 = 1 - beta2**step
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                mul_scalar_(param, 1 - lr * weight_decay)
            else:
                grad = add(grad, param, weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = mul_scalar_(array_of(state["mu_product"]), mu)
        exp_avg = array_of(state["exp_avg"])
        exp_avg_sq = array_of(state["exp_avg_sq"])
        lerp_(exp_avg, grad, 1 - beta1)
        addcmul_(mul_scalar_(exp_avg_sq, beta2), grad, grad, 1 - beta2)
        denom = sqrt_(div_scalar(exp_avg_sq, bias_correction2))
        mu_product_value = float(mu_product)
        mu_product_next = mu_product_value * mu_next
        add_scalar_(denom, group["eps"])
        addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product_value))
        addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
