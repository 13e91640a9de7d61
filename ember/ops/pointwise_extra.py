"""More public elementwise functions: ``logaddexp``, ``logaddexp2``, ``copysign``, ``frexp``,
``ldexp``, ``deg2rad``, ``rad2deg``, ``gcd``, ``lcm``, ``heaviside``, ``nextafter``, ``isin``,
``dist`` and ``renorm`` (Tensor methods where PyTorch has them). Arguments are checked and
promoted in PyTorch's terms, then a primitive of :mod:`ember.ops.prims.pointwise_extra` runs
(or a short composition of ember ops)."""

from __future__ import annotations

import math

from .. import return_types
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from .._tensor import Tensor
from . import norms
from . import pointwise as P
from ._binding import tensor_method
from ._inplace import inplace_method
from ._out import CAST, OutRule, exact, with_out
from ._promote import broadcast_error, promote2, scalar_like, to_float
from .prims import pointwise_extra as E

__all__ = [
    "logaddexp",
    "logaddexp2",
    "copysign",
    "frexp",
    "ldexp",
    "deg2rad",
    "rad2deg",
    "gcd",
    "lcm",
    "heaviside",
    "nextafter",
    "isin",
    "dist",
    "renorm",
]

frexp_result = return_types._make("frexp", ["mantissa", "exponent"])


def _run(op, a, b):
    try:
        return op(a, b)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None


def _float_kernel(name, a, b):
    """Both operands promoted; PyTorch's error for an integer result (no integer kernel)."""
    a, b = promote2(a, b)
    if a._data.dtype.kind in "biu":
        raise kernel_not_implemented(f"{name}_cpu", a.dtype)
    return a, b


@tensor_method()
def logaddexp(input, other, *, out=None):  # noqa: A002
    """``log(exp(input) + exp(other))``, computed without overflow."""
    if out is not None:
        return with_out(out, CAST, logaddexp, input, other)
    return _run(E._logaddexp, *_float_kernel("logaddexp", input, other))


@tensor_method()
def logaddexp2(input, other, *, out=None):  # noqa: A002
    """``log2(2**input + 2**other)``, computed without overflow."""
    if out is not None:
        return with_out(out, CAST, logaddexp2, input, other)
    return _run(E._logaddexp2, *_float_kernel("logaddexp2", input, other))


@tensor_method(inplace=True)
def copysign(input, other, *, out=None):  # noqa: A002
    """``input``'s magnitude with ``other``'s sign (integers compute in the default float
    dtype); differentiable in ``input``."""
    if out is not None:
        return with_out(out, CAST, copysign, input, other)
    a, b = promote2(input, other)
    return _run(E._copysign, to_float(a), to_float(b))


@tensor_method()
def frexp(input, *, out=None):  # noqa: A002
    """``(mantissa, exponent)`` with ``input = mantissa * 2**exponent``, ``|mantissa|`` in
    [0.5, 1) and ``exponent`` int32."""
    if out is not None:
        return with_out(out, OutRule("frexp", exact), frexp, input)
    if not input.dtype.is_floating_point:
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    return frexp_result(*E._frexp(input))


@tensor_method(inplace=True)
def ldexp(input, other, *, out=None):  # noqa: A002
    """``input * 2**other`` (a floating-point result)."""
    if out is not None:
        return with_out(out, CAST, ldexp, input, other)
    scale = P.pow(2.0, other) if isinstance(other, Tensor) else 2.0**other
    return P.mul(input, scale)


def _angle(input, factor, fn, out):  # noqa: A002
    if out is not None:
        return with_out(out, CAST, fn, input)
    if input.dtype.category < 2:  # bool and integers compute in the default float dtype
        input = to_float(input)  # noqa: A001
    return P.mul(input, factor)


@tensor_method(inplace=True)
def deg2rad(input, *, out=None):  # noqa: A002
    """Degrees to radians, ``input * pi / 180``."""
    return _angle(input, math.pi / 180, deg2rad, out)


@tensor_method(inplace=True)
def rad2deg(input, *, out=None):  # noqa: A002
    """Radians to degrees, ``input * 180 / pi``."""
    return _angle(input, 180 / math.pi, rad2deg, out)


def _integer_kernel(name, a, b):
    a, b = promote2(a, b)
    if a._data.dtype.kind not in "iu":
        raise kernel_not_implemented(f"{name}_cpu", a.dtype)
    return a, b


@tensor_method(inplace=True)
def gcd(input, other, *, out=None):  # noqa: A002
    """The greatest common divisor of integer tensors (non-negative)."""
    if out is not None:
        return with_out(out, CAST, gcd, input, other)
    return _run(E._gcd, *_integer_kernel("gcd", input, other))


@tensor_method(inplace=True)
def lcm(input, other, *, out=None):  # noqa: A002
    """The least common multiple of integer tensors (non-negative)."""
    if out is not None:
        return with_out(out, CAST, lcm, input, other)
    return _run(E._lcm, *_integer_kernel("lcm", input, other))


@tensor_method(inplace=True)
def heaviside(input, values, *, out=None):  # noqa: A002
    """The Heaviside step: 0 where ``input < 0``, 1 where ``input > 0``, ``values`` where it is
    0. Both must have one dtype. Not differentiable."""
    if out is not None:
        return with_out(out, CAST, heaviside, input, values)
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    return _run(E._heaviside, input, values)


@tensor_method(inplace=True)
def nextafter(input, other, *, out=None):  # noqa: A002
    """The next floating-point value after ``input`` towards ``other``. Not differentiable."""
    if out is not None:
        return with_out(out, CAST, nextafter, input, other)
    a, b = promote2(input, other)
    if not a.dtype.is_floating_point:
        raise kernel_not_implemented("nextafter_cpu", a.dtype)
    return _run(E._nextafter, a, b)


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None):
    """Boolean mask of the ``elements`` found in ``test_elements`` (either may be a number;
    compared after type promotion). ``invert`` flips it."""
    if out is not None:
        return with_out(
            out,
            OutRule("isin", autograd="none"),
            isin,
            elements,
            test_elements,
            assume_unique=assume_unique,
            invert=invert,
        )
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin() received an invalid combination of arguments")
    a, b = promote2(elements, test_elements)
    return E._isin(a, b, invert=bool(invert))


@tensor_method()
def dist(input, other, p=2):  # noqa: A002
    """The ``p``-norm of ``input - other`` (broadcast), a 0-d tensor."""
    diff = P.sub(input, other)
    if not diff.dtype.is_floating_point:
        raise RuntimeError(
            "norm(): input dtype should be either floating point or complex. "
            f"Got {diff.dtype.legacy_name} instead."
        )
    return norms.vector_norm(diff, p)


@tensor_method(inplace=True)
def renorm(input, p, dim, maxnorm, *, out=None):  # noqa: A002
    """Each slice of ``input`` along ``dim`` rescaled so that its ``p``-norm is at most
    ``maxnorm`` (slices within it are kept as they are)."""
    if out is not None:
        return with_out(out, CAST, renorm, input, p, dim, maxnorm)
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if input.ndim <= 1:
        raise RuntimeError(
            f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions"
        )
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    d = wrap_dim(dim, input.ndim)
    others = [i for i in range(input.ndim) if i != d]
    norm = norms.vector_norm(input, p, dim=others, keepdim=True)
    factor = P.where(
        P.gt(norm, maxnorm),
        P.div(maxnorm, P.add(norm, 1e-7)),
        scalar_like(1.0, norm.dtype, norm),
    )
    return P.mul(input, factor)


_abs_inplace = inplace_method(P.abs)


@tensor_method("abs_", "absolute_")
def abs_(input):  # noqa: A002
    """In-place :func:`abs`; refused for complex tensors, whose absolute value is real (as
    torch refuses it)."""
    if input.dtype.is_complex:
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _abs_inplace(input)
