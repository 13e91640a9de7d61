"""Argument preparation shared by the public op functions: scalars, promotion, broadcasting."""

from __future__ import annotations

import warnings

from .. import _dtype
from .._backend import backend_by_type
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import GRAD_ENABLED
from .prims.pointwise import _cast

FLOAT_NP = _dtype.INEXACT_NP  # float and complex arrays' dtypes (bfloat16 once it is used)


def scalar_like(value, dtype: _dtype.dtype, ref: Tensor) -> Tensor:
    """A 0-d tensor holding ``value`` with ``dtype`` on ``ref``'s device; an int the integer
    dtype cannot hold wraps, as PyTorch's arithmetic has it (``int8 + 300``: NumPy refuses)."""
    xp = backend_by_type[type(ref._data)].xp  # per-op path: a subscript, not a call
    try:
        return _wrap(xp.asarray(value, dtype=dtype.np))
    except OverflowError:
        if dtype.is_floating_point or not isinstance(value, int):
            raise
        return _wrap(xp.asarray(_wrapped(value, dtype), dtype=dtype.np))


def _wrapped(value: int, dtype: _dtype.dtype) -> int:
    if value >= 1 << 64:
        raise OverflowError("int too big to convert") from None
    if value < -(1 << 63):
        raise OverflowError("can't convert negative int to unsigned") from None
    bits = 8 * dtype.itemsize
    value %= 1 << bits
    return value - (1 << bits) if dtype.is_signed and value >= 1 << (bits - 1) else value


def scaled(input, other, alpha):  # noqa: A002
    """``alpha * other`` for ``add``/``sub`` (a Python number stays one), with PyTorch's
    refusals of an ``alpha`` that the dtype of their result cannot take."""
    dt = _dtype.result_type(input, other)
    if isinstance(alpha, bool) and dt is not _dtype.bool:
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if isinstance(alpha, float) and not dt.is_floating_point:
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number."
        )
    return other * checked(alpha, dt)


def checked(value, dtype: _dtype.dtype):
    """A Python fill value or bound (``masked_fill``, ``index_fill``, ``clamp``), which PyTorch
    refuses where ``dtype`` cannot hold it (:func:`ember._dtype.check_scalar`); None stays."""
    return value if value is None else _dtype.check_scalar(value, dtype)


def cast(t: Tensor, dtype: _dtype.dtype) -> Tensor:
    """``t`` converted to ``dtype`` (differentiable between float and complex types); complex
    to real warns as PyTorch does, keeping the real part."""
    if t._data.dtype == dtype.np:
        return t
    if t._data.dtype.kind == "c" and dtype.category > 0 and not dtype.is_complex:
        warnings.warn(
            "Casting complex values to real discards the imaginary part", UserWarning, stacklevel=4
        )
    if t.requires_grad and dtype.category < 2:
        # an integer result is never part of the graph
        token = GRAD_ENABLED.set(False)
        try:
            return _cast(t, dtype=dtype.np)
        finally:
            GRAD_ENABLED.reset(token)
    return _cast(t, dtype=dtype.np)


def promote2(a, b):
    """``a`` and ``b`` as tensors of their PyTorch result dtype (scalars become 0-d tensors)."""
    a_t = isinstance(a, Tensor)
    b_t = isinstance(b, Tensor)
    if a_t and b_t:
        if a._data.dtype == b._data.dtype:
            return a, b
        dt = _dtype.result_type(a, b)
        return cast(a, dt), cast(b, dt)
    if a_t:
        dt = _dtype.result_type(a, b)
        return cast(a, dt), scalar_like(_scalar_value(b), dt, a)
    if b_t:
        dt = _dtype.result_type(a, b)
        return scalar_like(_scalar_value(a), dt, b), cast(b, dt)
    raise TypeError(
        f"expected at least one Tensor argument, got {type(a).__name__} and {type(b).__name__}"
    )


def _scalar_value(x):
    if isinstance(x, (bool, int, float, complex)) or hasattr(x, "dtype"):
        return x
    raise TypeError(f"unsupported operand type: '{type(x).__name__}'")


def to_float(t: Tensor) -> Tensor:
    """``t`` itself if floating point, else cast to the default float dtype (int -> float ops)."""
    if t._data.dtype in FLOAT_NP:
        return t
    return cast(t, _dtype.get_default_dtype())


def ensure_tensor(x, name: str = "input") -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}"
        )
    return x


def broadcast_error(a_shape, b_shape) -> RuntimeError:
    """PyTorch's message for shapes that do not broadcast."""
    na, nb = len(a_shape), len(b_shape)
    n = max(na, nb)
    for i in range(1, n + 1):
        sa = a_shape[-i] if i <= na else 1
        sb = b_shape[-i] if i <= nb else 1
        if sa != sb and sa != 1 and sb != 1:
            return RuntimeError(
                f"The size of tensor a ({sa}) must match the size of tensor b "
                f"({sb}) at non-singleton dimension {n - i}"
            )
    return RuntimeError(f"shapes {tuple(a_shape)} and {tuple(b_shape)} cannot be broadcast")


def broadcast_shapes(*shapes) -> tuple:
    """The broadcast of several shapes, raising PyTorch's error if they do not broadcast."""
    out: list = []
    for s in shapes:
        s = tuple(s)
        if len(s) > len(out):
            out = [1] * (len(s) - len(out)) + out
        for i in range(1, len(s) + 1):
            a, b = out[-i], s[-i]
            if a == b or b == 1:
                continue
            if a == 1:
                out[-i] = b
            else:
                raise broadcast_error(tuple(out), s)
    return tuple(out)
