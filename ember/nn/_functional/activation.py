"""The activations of ``torch.nn.functional``: relu and its relatives, the smooth and the
shrinking ones, gated (glu), and the softmax family.

Thin functions: they check arguments with PyTorch's exceptions, then call the public functions
of :mod:`ember.ops.activations` or the fused activation primitives of
:mod:`ember.ops.prims.activations` (in place through ``apply`` when ``inplace``).
"""

from __future__ import annotations

import warnings

from ... import _dtype
from ..._size import wrap_dim
from ..._tensor import Tensor
from ...ops import activations as A
from ...ops.activations import (
    apply,
    celu_,
    check_float,
    hardshrink,
    prelu,
    relu_,
    selu_,
    threshold_,
)
from ...ops.prims import activations as PA

__all__ = [
    "relu",
    "relu_",
    "relu6",
    "hardtanh",
    "hardtanh_",
    "gelu",
    "silu",
    "mish",
    "elu",
    "elu_",
    "selu",
    "selu_",
    "celu",
    "celu_",
    "leaky_relu",
    "leaky_relu_",
    "rrelu",
    "rrelu_",
    "softplus",
    "hardsigmoid",
    "hardswish",
    "logsigmoid",
    "softsign",
    "tanhshrink",
    "hardshrink",
    "softshrink",
    "threshold",
    "threshold_",
    "glu",
    "softmax",
    "softmin",
    "log_softmax",
    "prelu",
    "sigmoid",
    "tanh",
]


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(input, 0)`` elementwise."""
    return A.relu_(input) if inplace else A.relu(input)


def hardtanh(
    input: Tensor,
    min_val: float = -1.0,
    max_val: float = 1.0,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``input`` clamped to ``[min_val, max_val]``."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if input.dtype is _dtype.bool:
        raise RuntimeError("Bool inputs not supported for hardtanh")
    return apply(PA._hardtanh, input, inplace, min_val=min_val, max_val=max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:  # noqa: A002
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``min(max(input, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    """``x * Phi(x)`` (Phi the normal CDF), or its tanh approximation."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    check_float(input, "GeluKernelImpl")
    return PA._gelu(input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * sigmoid(x)`` (swish)."""
    check_float(input, "silu_cpu", complex_ok=True)
    return apply(PA._silu, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * tanh(softplus(x))``."""
    check_float(input, "mish_cpu")
    return apply(PA._mish, input, inplace)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    check_float(input, "elu_cpu")
    return apply(PA._elu, input, inplace, alpha=float(alpha), scale=1.0, input_scale=1.0)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:  # noqa: A002
    """In-place :func:`elu`."""
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """Scaled ELU with PyTorch's fixed alpha and scale."""
    return A.selu_impl(input, inplace)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:  # noqa: A002
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return A.celu_impl(input, alpha, inplace)


def leaky_relu(
    input: Tensor,
    negative_slope: float = 0.01,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    check_float(input, "leaky_relu_cpu")
    return apply(PA._leaky_relu, input, inplace, negative_slope=negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:  # noqa: A002
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, True)


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,  # noqa: A002
    training: bool = False,
    inplace: bool = False,
) -> Tensor:
    """Randomized leaky ReLU (random negative slopes in training, their mean otherwise)."""
    return A.rrelu_impl(input, lower, upper, training, inplace)


def rrelu_(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,  # noqa: A002
    training: bool = False,
) -> Tensor:
    """In-place :func:`rrelu`."""
    return A.rrelu_impl(input, lower, upper, training, True)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:  # noqa: A002
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``."""
    check_float(input, "softplus_cpu")
    return PA._softplus(input, beta=beta, threshold=threshold)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``clamp(x + 3, 0, 6) / 6``."""
    check_float(input, "hardsigmoid_cpu")
    return apply(PA._hardsigmoid, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    """``x * clamp(x + 3, 0, 6) / 6``."""
    check_float(input, "hardswish_cpu")
    return apply(PA._hardswish, input, inplace)


def logsigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``log(sigmoid(x))``, computed without overflow."""
    check_float(input, "log_sigmoid_cpu")
    return PA._log_sigmoid(input)


def softsign(input: Tensor) -> Tensor:  # noqa: A002
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:  # noqa: A002
    """``x - tanh(x)``."""
    return input - input.tanh()


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:  # noqa: A002
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    check_float(input, "softshrink_check")
    if lambd < 0:
        raise RuntimeError(
            "lambda must be in range [0, 3.40282e+38] for input dtype "
            f"{input.dtype.legacy_name}, but found {lambd:g}"
        )
    return PA._softshrink(input, lambd=lambd)


def threshold(
    input: Tensor,
    threshold: float,
    value: float,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """``input`` where greater than ``threshold``, else ``value``."""
    return A.threshold_impl(input, threshold, value, inplace)


def glu(input: Tensor, dim: int = -1) -> Tensor:  # noqa: A002
    """Gated linear unit: ``a * sigmoid(b)`` with ``a, b`` the halves of ``input`` on ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    check_float(input, "glu_cpu")
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    return input.narrow(d, 0, n // 2) * input.narrow(d, n // 2, n // 2).sigmoid()


def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to "
        "include dim=X as an argument.",
        UserWarning,
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim`` (implicit dim: PyTorch's deprecated rule)."""
    if dim is None:
        dim = _get_softmax_dim("softmax", input.dim(), _stacklevel)
    return A.softmax(input, dim, dtype)


def softmin(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``softmax(-input)`` along ``dim``."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input.dim(), _stacklevel)
    return A.softmax(-input, dim, dtype)


def log_softmax(
    input: Tensor,
    dim: int | None = None,
    _stacklevel: int = 3,  # noqa: A002
    dtype=None,
) -> Tensor:
    """``log(softmax(input))`` along ``dim``, computed stably."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return A.log_softmax(input, dim, dtype)


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    """``1 / (1 + exp(-x))``."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    """Hyperbolic tangent."""
    return input.tanh()
