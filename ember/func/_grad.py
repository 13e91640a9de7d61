"""``grad`` and ``grad_and_value`` (torch.func), on ember's reverse mode (NOTE [ Transforms on
a tape ] in ``_autodiff.py``)."""

from __future__ import annotations

import functools

from .._tensor import Tensor
from ..autograd import grad as _autograd_grad
from ..autograd.grad_mode import GRAD_ENABLED, enable_grad
from ._autodiff import check_argnums, check_aux, fresh_inputs, lift, regroup, zeros_for

__all__ = ["grad", "grad_and_value"]

_WHO = "grad_and_value(f)(*args)"


def _grad_and_value(func, argnums, has_aux, args, kwargs):
    positions = check_argnums(argnums, len(args))
    outer = GRAD_ENABLED.get()  # record the backward only if someone outside can use it
    with enable_grad():
        new_args, fresh, specs = fresh_inputs(args, positions)
        output = func(*new_args, **kwargs)
        aux = None
        if has_aux:
            if not (isinstance(output, tuple) and len(output) == 2):
                raise RuntimeError(
                    f"{_WHO}: output of function f should be a tuple: (output, aux) if "
                    "has_aux is True"
                )
            output, aux = output
            check_aux(aux)
        if not isinstance(output, Tensor):
            raise RuntimeError(f"{_WHO}: Expected f(*args) to return a Tensor, got {type(output)}")
        if output.dim() != 0:
            raise RuntimeError(
                f"{_WHO}: Expected f(*args) to return a scalar Tensor, got tensor with "
                f"{output.dim()} dims. Maybe you wanted to use the vjp or jacrev APIs instead?"
            )
        if output.requires_grad:
            grads = _autograd_grad(output, fresh, create_graph=outer, allow_unused=True)
        else:
            grads = [None] * len(fresh)
        grads = zeros_for(list(grads), fresh)
    grads, output, aux = lift((grads, output, aux), fresh)
    per_arg = regroup(grads, specs)
    g = per_arg[0] if isinstance(argnums, int) else tuple(per_arg)
    return g, output, aux


def grad_and_value(func, argnums=0, has_aux=False):
    """``torch.func.grad_and_value``: a function returning ``(gradient, value)`` of the scalar
    function ``func`` at its arguments (``(gradient, (value, aux))`` with ``has_aux``).

    ``argnums``: the positional argument (int) or arguments (tuple of ints) to differentiate
    with respect to; each may be a pytree (tuple, list, dict) of tensors, and the gradient has
    its structure. The gradient of an input the output does not depend on is zeros.

    >>> import ember
    >>> from ember.func import grad_and_value
    >>> grad_and_value(lambda x: (x**2).sum())(ember.tensor([1.0, 2.0]))
    (tensor([2., 4.]), tensor(5.))
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value, aux = _grad_and_value(func, argnums, has_aux, args, kwargs)
        return (g, (value, aux)) if has_aux else (g, value)

    return wrapper


def grad(func, argnums=0, has_aux=False):
    """``torch.func.grad``: a function computing the gradient of the scalar function ``func``
    with respect to the argument(s) ``argnums`` (``(gradient, aux)`` with ``has_aux``, where
    ``func`` returns ``(output, aux)``).

    Transforms compose: ``grad(grad(f))`` is the second derivative, ``vmap(grad(f))`` gives
    one gradient per sample, and the result is differentiable again by an enclosing transform
    or ``.backward()`` when it depends on tensors they differentiate. ``func`` must return a
    0-dim tensor (torch's errors otherwise); gradients of inputs it does not use are zeros.

    >>> import ember
    >>> from ember.func import grad
    >>> x = ember.tensor(0.5)
    >>> grad(ember.sin)(x)
    tensor(0.8776)
    >>> grad(grad(ember.sin))(x)
    tensor(-0.4794)
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, _, aux = _grad_and_value(func, argnums, has_aux, args, kwargs)
        return (g, aux) if has_aux else g

    return wrapper
