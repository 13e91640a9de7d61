"""RAdam: Adam with a rectified adaptive learning rate (``torch.optim.RAdam``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
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
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon value")
        _check_betas(betas)
        _check_nonnegative(weight_decay, "weight_decay value")
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
        state["step"] = _scalar_state(0.0)
        state["exp_avg"] = _zeros_like(p)
        state["exp_avg_sq"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        beta1, beta2 = group["betas"]
        weight_decay = group["weight_decay"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                _mul_(param, 1 - lr * weight_decay)
            else:
                grad = _added(grad, param, weight_decay)
        exp_avg = state["exp_avg"]._data
        exp_avg_sq = state["exp_avg_sq"]._data
        _lerp_(exp_avg, grad, 1 - beta1)
        _addcmul_(_mul_(exp_avg_sq, beta2), grad, grad, 1 - beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        update = exp_avg / _s(bias_correction1, exp_avg)
        update *= _s(lr, update)
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2**step) / bias_correction2
        if rho_t > 5.0:
            xp = _xp(param)
            adaptive_lr = xp.sqrt(exp_avg_sq)
            adaptive_lr += _s(group["eps"], adaptive_lr)
            # PyTorch computes ``scalar / tensor`` as ``tensor.reciprocal() * scalar``
            xp.reciprocal(adaptive_lr, out=adaptive_lr)
            adaptive_lr *= _s(bias_correction2**0.5, adaptive_lr)
            update *= adaptive_lr
            rect = (
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            ) ** 0.5
            update *= _s(rect, update)
        param -= update
