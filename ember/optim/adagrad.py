"""Adagrad (``torch.optim.Adagrad``)."""

from __future__ import annotations

from .optimizer import (
    Optimizer,
    _addcdiv_,
    _addcmul_,
    _added,
    _check_lr,
    _check_nonnegative,
    _full_like,
    _s,
    _scalar_state,
    _value,
    _xp,
)

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
        _check_lr(lr)
        _check_nonnegative(lr_decay, "lr_decay value")
        _check_nonnegative(weight_decay, "weight_decay value")
        _check_nonnegative(initial_accumulator_value, "initial_accumulator_value value")
        _check_nonnegative(eps, "epsilon value")
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
        state["step"] = _scalar_state(0.0)
        state["sum"] = _full_like(p, self.defaults["initial_accumulator_value"])

    def share_memory(self) -> None:
        """Move the ``sum`` state to shared memory (a no-op for ember's arrays)."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _update(self, param, grad, state, group):
        lr = _value(group["lr"])
        step_t = state["step"]._data
        step_t += 1
        step = float(step_t)
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = _added(grad, param, group["weight_decay"])
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        state_sum = state["sum"]._data
        _addcmul_(state_sum, grad, grad)
        std = _xp(param).sqrt(state_sum)
        std += _s(group["eps"], std)
        _addcdiv_(param, grad, std, -clr)
