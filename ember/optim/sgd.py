"""Stochastic gradient descent with momentum, dampening and Nesterov momentum (torch.optim.SGD)."""

from __future__ import annotations

from .._tensor import Tensor
from ._kernels import add, add_, array_of, clone, hyperparameter_value, mul_scalar_, neg, tensor_of
from .optimizer import Optimizer, check_lr

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent (optionally with momentum), as ``torch.optim.SGD``.

    .. math::
        g_t = \pm\nabla f(\theta_{t-1}) + \lambda\theta_{t-1},\quad
        b_t = \mu b_{t-1} + (1-\tau) g_t,\quad
        \theta_t = \theta_{t-1} - \gamma\,(g_t + \mu b_t \text{ if nesterov else } b_t)

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate :math:`\gamma` (default: 1e-3).
        momentum (float): momentum factor :math:`\mu` (default: 0).
        dampening (float): dampening :math:`\tau` for momentum (default: 0).
        weight_decay (float): L2 penalty :math:`\lambda` (default: 0).
        nesterov (bool): use Nesterov momentum (default: False).
        maximize (bool): maximize the objective instead of minimizing it (default: False).
        foreach, differentiable, fused: accepted for compatibility; ember has one implementation.

    Example::

        >>> import ember
        >>> w = ember.nn.Parameter(ember.ones(2))
        >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([0.8000, 0.8000], requires_grad=True)
    """

    _group_compat = {
        "nesterov": False,
        "maximize": False,
        "foreach": None,
        "differentiable": False,
        "fused": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay=0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _update_param(self, p: Tensor, group: dict) -> None:
        # SGD keeps state only with momentum (PyTorch's state_dict has no entry otherwise).
        param = array_of(p)
        grad = array_of(p.grad)
        if group["maximize"]:
            grad = neg(grad)
        weight_decay = hyperparameter_value(group["weight_decay"])
        if weight_decay != 0:
            grad = add(grad, param, weight_decay)
        momentum = group["momentum"]
        if momentum != 0:
            state = self.state[p]
            buf = state.get("momentum_buffer")
            if buf is None:
                state["momentum_buffer"] = tensor_of(clone(grad))
                buf = grad
            else:
                buf = add_(mul_scalar_(array_of(buf), momentum), grad, 1 - group["dampening"])
            grad = add(grad, buf, momentum) if group["nesterov"] else buf
        add_(param, grad, -hyperparameter_value(group["lr"]))
