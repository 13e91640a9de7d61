"""Resilient backpropagation (``torch.optim.Rprop``)."""

from __future__ import annotations

from .optimizer import Optimizer, _check_lr, _full_like, _s, _scalar_state, _value, _xp, _zeros_like

__all__ = ["Rprop"]


class Rprop(Optimizer):
    r"""Rprop (Riedmiller & Braun), as ``torch.optim.Rprop``.

    Each element keeps its own step size: multiplied by ``etaplus`` while the gradient keeps
    its sign, by ``etaminus`` when it flips (and that step is skipped), clamped to
    ``step_sizes``; the parameter moves by the step size against the gradient's sign.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): initial step size (default: 1e-2).
        etas (tuple): (etaminus, etaplus) (default: (0.5, 1.2)).
        step_sizes (tuple): minimal and maximal step sizes (default: (1e-6, 50)).
        maximize (bool): maximize the objective (default: False).
        capturable, foreach, differentiable: accepted for compatibility.
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
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, state, group):
        state["step"] = _scalar_state(0.0)
        state["prev"] = _zeros_like(p)
        state["step_size"] = _full_like(p.grad, _value(group["lr"]))

    def _update(self, param, grad, state, group):
        etaminus, etaplus = group["etas"]
        step_size_min, step_size_max = group["step_sizes"]
        if group["maximize"]:
            grad = -grad
        step_t = state["step"]._data
        step_t += 1
        prev = state["prev"]._data
        step_size = state["step_size"]._data
        xp = _xp(param)
        sign = xp.sign(grad * prev)
        factor = xp.where(
            sign > 0, _s(etaplus, sign), xp.where(sign < 0, _s(etaminus, sign), _s(1, sign))
        )
        step_size *= factor
        xp.clip(
            step_size, _s(step_size_min, step_size), _s(step_size_max, step_size), out=step_size
        )
        grad = xp.where(factor == _s(etaminus, factor), _s(0, grad), grad)
        update = xp.sign(grad)
        update *= _s(-1, update)
        update *= step_size
        param += update
        prev[...] = grad
