"""Gamma samples with a gradient (``ember._standard_gamma``) and the derivative of a sample with
respect to its concentration (``ember._standard_gamma_grad``), as ``torch._standard_gamma`` and
``torch._standard_gamma_grad``; ``ember.distributions`` builds Gamma, Beta and Dirichlet on them.
"""

from __future__ import annotations

from .._dtype import kernel_not_implemented
from .._tensor import Tensor
from ..autograd.function import Function
from ..autograd.grad_mode import GRAD_ENABLED
from .prims import gamma_sample as G

__all__: list[str] = []  # private names (torch._standard_gamma), imported by name


def _check(op, t, what):
    if not isinstance(t, Tensor):
        raise TypeError(f"{op}(): argument '{what}' must be Tensor, not {type(t).__name__}")
    if not t.dtype.is_floating_point:
        kernel = "gamma_cpu" if op == "_standard_gamma" else "_standard_gamma_grad_cpu"
        raise kernel_not_implemented(f"{kernel}", t.dtype)


def _standard_gamma(input, generator=None):  # noqa: A002
    """Samples of Gamma(``input``, 1), one per element of ``input`` (the concentrations).

    Differentiable with respect to ``input`` by implicit reparameterisation: the gradient of a
    sample ``x`` is ``_standard_gamma_grad(input, x)``. A sample that would underflow is the
    smallest normal number of the dtype, never 0, and a concentration that is not positive
    gives that number too.
    """
    _check("_standard_gamma", input, "input")
    return G._standard_gamma(input, generator=generator)


class _GammaSampleGrad(Function):
    """``_standard_gamma_grad`` in a graph: its own derivative is not implemented (as torch)."""

    @staticmethod
    def forward(ctx, alpha, x):
        return G._standard_gamma_grad(alpha, x)

    @staticmethod
    def backward(ctx, g):
        raise NotImplementedError("the derivative for '_standard_gamma_grad' is not implemented.")


def _standard_gamma_grad(input, output):  # noqa: A002
    """The derivative of Gamma(``input``, 1) samples ``output`` with respect to ``input``.

    With ``P(a, x)`` the regularised lower incomplete gamma function and ``p(x; a)`` the density,
    this is ``-(dP/da)(input, output) / p(output; input)``: how a sample moves when its
    concentration changes while its quantile stays fixed. Computed in float64 from a series and a
    continued fraction carrying their derivatives (NOTE [ The derivative of a gamma sample ] in
    ``ember/ops/prims/gamma_sample.py``), accurate to float64 rounding. Its own derivative is
    not implemented, as in torch.
    """
    _check("_standard_gamma_grad", input, "self")
    _check("_standard_gamma_grad", output, "output")
    if output.dtype != input.dtype:
        raise RuntimeError(
            f"Found dtype {output.dtype.legacy_name} but expected {input.dtype.legacy_name}"
        )
    if GRAD_ENABLED.get() and (input.requires_grad or output.requires_grad):
        return _GammaSampleGrad.apply(input, output)
    return G._standard_gamma_grad(input, output)
