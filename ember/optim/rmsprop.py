"""RMSprop (``torch.optim.RMSprop``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _add_,
    _addcdiv_,
    _addcmul_,
    _added,
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

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Hinton), as ``torch.optim.RMSprop``.

    .. math::
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad
        \theta_t = \theta_{t-1} - \gamma\,\frac{g_t}{\sqrt{v_t - \bar g_t^2} + \epsilon}

    where :math:`\bar g_t` (the running mean of the gradient) is used only when ``centered``;
    with ``momentum`` the ratio feeds a momentum buffer.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-2).
        alpha (float): smoothing constant (default: 0.99).
        eps (float): added to the denominator (default: 1e-8).
        weight_decay (float): L2 penalty (default: 0).
        momentum (float): momentum factor (default: 0).
        centered (bool): normalize by an estimate of the gradient's variance (default: False).
        maximize (bool): maximize the objective (default: False).
        capturable, foreach, differentiable: accepted for compatibility.
    """

    _group_compat = {
        "momentum": 0,
        "centered": False,
        "foreach": None,
        "maximize": False,
        "differentiable": False,
        "capturable": False,
    }

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check_nonnegative(eps, "epsilon value")
        _check_nonnegative(momentum, "momentum value")
        _check_nonnegative(weight_decay, "weight_decay value")
        _check_nonnegative(alpha, "alpha value")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = _scalar_state(0.0)
        state["square_avg"] = _zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = _zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = _zeros_like(p)

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        alpha = group["alpha"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        if group["weight_decay"] != 0:
            grad = _added(grad, param, group["weight_decay"])
        square_avg = state["square_avg"]._data
        _addcmul_(_mul_(square_avg, alpha), grad, grad, 1 - alpha)
        xp = _xp(param)
        if group["centered"]:
            grad_avg = _lerp_(state["grad_avg"]._data, grad, 1 - alpha)
            avg = square_avg - grad_avg * grad_avg
            xp.sqrt(avg, out=avg)
        else:
            avg = xp.sqrt(square_avg)
        avg += _s(group["eps"], avg)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]._data
            _addcdiv_(_mul_(buf, group["momentum"]), grad, avg)
            _add_(param, buf, -lr)
        else:
            _addcdiv_(param, grad, avg, -lr)
