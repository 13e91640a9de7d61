"""Adagrad (``torch.optim.Adagrad``)."""

from __future__ import annotations

from ._kernels import (
    add,
    add_scalar_,
    addcdiv_,
    addcmul_,
    array_of,
    hyperparameter_value,
    increment_,
    neg,
    sqrt,
)
from .optimizer import Optimizer, check_lr, check_nonnegative, full_state_like, scalar_state

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi et al.), as ``torch.optim.Adagrad``.

    .. math::
        \tilde\gamma = \frac{\gamma}{1 + (t-1)\eta},\quad
        s_t = s_{t-1} + g_t^2,\quad
        \theta_t = \theta_{t-1} - \tilde\gamma\,\frac{g_t}{\sqrt{s_t} + \epsilon}

    The per-parameter state (``step`` and ``sum``) is created at construction, as in PyTorch.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-2).
        lr_decay (float): learning-rate decay :math:`\eta` (default: 0).
        weight_decay (float): L2 penalty (default: 0).
        initial_accumulator_value (float): starting value of the sums (default: 0).
        eps (float): added to the denominator (default: 1e-10).
        maximize (bool): maximize the objective (default: False).
        foreach, differentiable, fused: accepted for compatibility.
    """

    _group_compat = {"foreach": None, "maximize": False, "differentiable": False, "fused": None}

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        check_lr(lr)
        check_nonnegative(lr_decay, "lr_decay value")
        check_nonnegative(weight_decay, "weight_decay value")
        check_nonnegative(initial_accumulator_value, "initial_accumulator_value value")
        check_nonnegative(eps, "epsilon value")
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["sum"] = full_state_like(p, self.defaults["initial_accumulator_value"])

    def share_memory(self) -> None:
        """Move the ``sum`` state to shared memory (a no-op for ember's arrays)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        step = float(increment_(array_of(state["step"])))
        if group["maximize"]:
            grad = neg(grad)
        if group["weight_decay"] != 0:
            grad = add(grad, param, group["weight_decay"])
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        state_sum = addcmul_(array_of(state["sum"]), grad, grad)
        std = add_scalar_(sqrt(state_sum), group["eps"])
        addcdiv_(param, grad, std, -clr)
