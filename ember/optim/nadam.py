"""NAdam: Adam with Nesterov momentum (``torch.optim.NAdam``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
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
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay value")
        _check_nonnegative(momentum_decay, "momentum_decay value")
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
        state["step"] = _scalar_state(0.0)
        state["mu_product"] = _scalar_state(1.0)
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        momentum_decay = group["momentum_decay"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        bias_correction2 = 1 - beta2**step
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                _mul_(param, 1 - lr * weight_decay)
            else:
                grad = _added(grad, param, weight_decay)
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * momentum_decay)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
        mu_product = state["mu_product"]._data
        mu_product *= _s(mu, mu_product)
        exp_avg = state["exp_avg"]._data
        exp_avg_sq = state["exp_avg_sq"]._data
        _lerp_(exp_avg, grad, 1 - beta1)
        _addcmul_(_mul_(exp_avg_sq, beta2), grad, grad, 1 - beta2)
        denom = exp_avg_sq / _s(bias_correction2, exp_avg_sq)
        denom = _xp(param).sqrt(denom, out=denom)
        mu_product_value = float(mu_product)
        mu_product_next = mu_product_value * mu_next
        denom += _s(group["eps"], denom)
        _addcdiv_(param, grad, denom, -lr * (1.0 - mu) / (1.0 - mu_product_value))
        _addcdiv_(param, exp_avg, denom, (-lr * mu_next) / (1.0 - mu_product_next))
