"""Adam (``torch.optim.Adam``)."""

from __future__ import annotations

from .._tensor import Tensor
from ._kernels import (
    add,
    add_scalar_,
    addcdiv_,
    addcmul_,
    array_of,
    div_scalar_,
    hyperparameter_value,
    increment_,
    lerp_,
    maximum_,
    mul_scalar_,
    neg,
    sqrt,
)
from .optimizer import (
    Optimizer,
    check_betas,
    check_lr,
    check_nonnegative,
    scalar_state,
    zeros_state_like,
)

__all__ = ["Adam"]


def _check_tensor_betas(betas, foreach, capturable):
    if not (
        (isinstance(betas[0], float) and isinstance(betas[1], float))
        or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))
    ):
        raise ValueError("betas must be either both floats or both Tensors")
    for i in (0, 1):
        if isinstance(betas[i], Tensor):
            if not capturable and foreach:
                raise ValueError(
                    f"betas[{i}] as a Tensor is not supported for capturable=False and foreach=True"
                )
            if betas[i].numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")


class Adam(Optimizer):
    r"""The Adam algorithm (Kingma & Ba), as ``torch.optim.Adam``.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad
        \theta_t = \theta_{t-1}
            - \gamma\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)}+\epsilon}

    with :math:`v_t` replaced by its running maximum under ``amsgrad``.

    Args:
        params: parameters or parameter groups to optimize.
        lr (float or Tensor): learning rate (default: 1e-3).
        betas (tuple): coefficients of the running averages of the gradient and its square
            (default: (0.9, 0.999)); both floats or both Tensors.
        eps (float): added to the denominator (default: 1e-8).
        weight_decay (float): L2 penalty added to the gradient (default: 0), or decoupled
            (``decoupled_weight_decay=True``, as AdamW) applied to the parameters.
        amsgrad (bool): use the AMSGrad variant (default: False).
        maximize (bool): maximize the objective (default: False).
        foreach, capturable, differentiable, fused: accepted for compatibility.

    Example::

        >>> import ember
        >>> w = ember.nn.Parameter(ember.ones(2))
        >>> opt = ember.optim.Adam([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([0.9000, 0.9000], requires_grad=True)
    """

    _group_compat = {
        "amsgrad": False,
        "maximize": False,
        "foreach": None,
        "capturable": False,
        "differentiable": False,
        "decoupled_weight_decay": False,
        "fused": None,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if isinstance(lr, Tensor) and foreach and not capturable:
            raise ValueError(
                "lr as a Tensor is not supported for capturable=False and foreach=True"
            )
        check_lr(lr)
        check_nonnegative(eps, "epsilon value")
        check_betas(betas)
        check_nonnegative(weight_decay, "weight_decay value")
        _check_tensor_betas(betas, foreach, capturable)
        betas = tuple(b.squeeze() if isinstance(b, Tensor) and b.dim() != 0 else b for b in betas)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        if fused:
            if differentiable:
                raise RuntimeError("`fused` does not support `differentiable`")
            if foreach:
                raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _init_state(self, p, state, group):
        state["step"] = scalar_state(0.0)
        state["exp_avg"] = zeros_state_like(p)
        state["exp_avg_sq"] = zeros_state_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_state_like(p)

    def _update(self, param, grad, state, group):
        lr = hyperparameter_value(group["lr"])
        beta1, beta2 = (hyperparameter_value(b) for b in group["betas"])
        weight_decay = group["weight_decay"]
        if group["maximize"]:
            grad = neg(grad)
        step_t = increment_(array_of(state["step"]))
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                mul_scalar_(param, 1 - lr * weight_decay)
            else:
                grad = add(grad, param, weight_decay)
        exp_avg = array_of(state["exp_avg"])
        exp_avg_sq = array_of(state["exp_avg_sq"])
        lerp_(exp_avg, grad, 1 - beta1)
        addcmul_(mul_scalar_(exp_avg_sq, beta2), grad, grad, 1 - beta2)

        step = float(step_t)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2**0.5
        if group["amsgrad"]:
            max_exp_avg_sq = array_of(state["max_exp_avg_sq"])
            denom = sqrt(maximum_(max_exp_avg_sq, exp_avg_sq))
        else:
            denom = sqrt(exp_avg_sq)
        add_scalar_(div_scalar_(denom, bias_correction2_sqrt), group["eps"])
        addcdiv_(param, exp_avg, denom, -step_size)
