"""The array kernels of ``ember.optim``: the one place where optimizers read and write memory.

Every optimizer reaches a tensor's array through :func:`array_of`, computes on arrays only with
the kernels below, and reports an in-place write with :func:`mark_modified`. No other file of
``ember.optim`` touches a tensor's storage, so a graph compiler or a new backend that wraps this
module sees every optimizer update.

Conventions, as in ``torch.Tensor``: a kernel whose name ends in ``_`` writes into its first
argument and returns it; any other kernel returns a new array. Arrays passed together live on
one device; ``value``, ``alpha``, ``weight`` and the bounds are Python or NumPy numbers (the
``*_scalar`` kernels are the number-operand twins of ``add``/``mul``/``div``).

NOTE [ Optimizer arithmetic ]
Updates run on the parameters' raw arrays, in place, through the array namespace (NumPy or
CuPy), never recording a graph. Each algorithm follows the order of operations of PyTorch's
single-tensor implementation, and Python-float hyperparameters are cast to the array's dtype
before they meet an array (``array.dtype.type(value)``), as PyTorch's CPU kernels do, so float32
trajectories agree with PyTorch's to a few ulps per step. A 0-d Tensor hyperparameter (e.g.
``lr``) becomes a NumPy scalar of its own dtype (:func:`hyperparameter_value`), so arithmetic on
it rounds like PyTorch's 0-d tensors.
"""

from __future__ import annotations

import numpy as np

from .._backend import backend_of, is_array
from .._tensor import Tensor, _wrap

__all__ = [
    "absolute",
    "add",
    "add_",
    "add_flat_",
    "add_scalar",
    "add_scalar_",
    "addcdiv_",
    "addcmul_",
    "array_namespace",
    "array_of",
    "arrays_to_tensors",
    "clamp_",
    "clone",
    "copy_",
    "copy_params",
    "div_",
    "div_scalar",
    "div_scalar_",
    "dot",
    "eq_scalar",
    "fill_",
    "flatten_grads",
    "host_scalar",
    "hyperparameter_value",
    "increment_",
    "lerp_",
    "mark_modified",
    "masked_fill",
    "max_abs",
    "maximum_",
    "mul",
    "mul_",
    "mul_scalar",
    "mul_scalar_",
    "neg",
    "reciprocal_",
    "restore_params_",
    "sign",
    "sqrt",
    "sqrt_",
    "sub",
    "sub_",
    "sum_abs",
    "tensor_of",
    "tensors_to_arrays",
    "where_sign",
]

# --- tensors <-> arrays ------------------------------------------------------------------------


def array_of(tensor: Tensor):
    """The array holding ``tensor``'s values (shared memory, not a copy): the one accessor."""
    return tensor._data


def mark_modified(tensor: Tensor) -> None:
    """Record that ``tensor``'s memory was written in place (bumps its version counter)."""
    tensor._version_counter.v += 1


def tensor_of(array) -> Tensor:
    """A new leaf Tensor around ``array``, sharing its memory."""
    return _wrap(array)


def array_namespace(array):
    """The array library (``numpy`` or ``cupy``) that computes on ``array``."""
    return backend_of(array).xp


def hyperparameter_value(value):
    """A hyperparameter ready for array arithmetic: a 0-d or 1-element Tensor becomes a NumPy
    scalar of its own dtype; numbers pass through unchanged."""
    if isinstance(value, Tensor):
        return np.asarray(value._host_array()).reshape(())[()]
    return value


def host_scalar(array):
    """A 0-d array (e.g. a reduction's result, NumPy or CuPy) as a NumPy scalar of its dtype."""
    return array.dtype.type(array.item())


def arrays_to_tensors(value):
    """Arrays and NumPy scalars, also inside lists, as Tensors (``state_dict`` holds Tensors)."""
    if isinstance(value, list):
        return [arrays_to_tensors(v) for v in value]
    if is_array(value):
        return tensor_of(value)
    if isinstance(value, np.generic):
        return tensor_of(np.asarray(value))
    return value


def tensors_to_arrays(value):
    """The inverse of :func:`arrays_to_tensors`: 0-d Tensors become NumPy scalars."""
    if isinstance(value, list):
        return [tensors_to_arrays(v) for v in value]
    if isinstance(value, Tensor):
        array = array_of(value)
        return host_scalar(array) if array.ndim == 0 else array
    return value


# --- new arrays --------------------------------------------------------------------------------


def clone(a):
    """A copy of ``a``."""
    return a.copy()


def neg(a):
    """``-a``."""
    return -a


def absolute(a):
    """``|a|``, elementwise."""
    return array_namespace(a).abs(a)


def sign(a):
    """The sign of each element of ``a`` (-1, 0 or 1; NaN stays NaN)."""
    return array_namespace(a).sign(a)


def sqrt(a):
    """``sqrt(a)``, elementwise."""
    return array_namespace(a).sqrt(a)


def add(a, b, alpha):
    """``a + alpha * b`` (``Tensor.add(b, alpha=alpha)``), e.g. L2 weight decay on a gradient."""
    return a + b * a.dtype.type(alpha)


def sub(a, b):
    """``a - b``."""
    return a - b


def mul(a, b):
    """``a * b``, elementwise."""
    return a * b


def add_scalar(a, value):
    """``a + value``."""
    return a + a.dtype.type(value)


def mul_scalar(a, value):
    """``a * value``."""
    return a * a.dtype.type(value)


def div_scalar(a, value):
    """``a / value``."""
    return a / a.dtype.type(value)


def eq_scalar(a, value):
    """The boolean mask ``a == value``."""
    return a == a.dtype.type(value)


def where_sign(a, positive, negative, zero):
    """``positive`` where ``a > 0``, ``negative`` where ``a < 0``, ``zero`` elsewhere (also
    where ``a`` is NaN), as an array of ``a``'s dtype."""
    xp = array_namespace(a)
    return xp.where(
        a > 0,
        a.dtype.type(positive),
        xp.where(a < 0, a.dtype.type(negative), a.dtype.type(zero)),
    )


def masked_fill(a, mask, value):
    """A copy of ``a`` with ``value`` where ``mask`` is true (``Tensor.masked_fill``)."""
    return array_namespace(a).where(mask, a.dtype.type(value), a)


def dot(a, b):
    """The inner product of two vectors, as a NumPy scalar of their dtype."""
    return host_scalar(a.dot(b))


def max_abs(a):
    """``max(|a|)`` (the infinity norm), as a NumPy scalar of ``a``'s dtype."""
    return host_scalar(abs(a).max())


def sum_abs(a):
    """``sum(|a|)`` (the l1 norm), as a NumPy scalar of ``a``'s dtype."""
    return host_scalar(abs(a).sum())


# --- in place ----------------------------------------------------------------------------------


def copy_(dst, src):
    """Write ``src`` into ``dst``."""
    dst[...] = src
    return dst


def fill_(dst, value):
    """Write the number ``value`` into every element of ``dst``."""
    dst[...] = value
    return dst


def add_(dst, other, alpha=1.0):
    """``dst += alpha * other`` (``Tensor.add_(other, alpha=alpha)``)."""
    if alpha == 1:
        dst += other
    else:
        dst += other * dst.dtype.type(alpha)
    return dst


def sub_(dst, other):
    """``dst -= other``."""
    dst -= other
    return dst


def mul_(dst, other):
    """``dst *= other``, elementwise."""
    dst *= other
    return dst


def div_(dst, other):
    """``dst /= other``, elementwise."""
    dst /= other
    return dst


def increment_(counter):
    """``counter += 1`` (a step counter, e.g. ``state["step"]``'s array)."""
    counter += 1
    return counter


def add_scalar_(dst, value):
    """``dst += value``."""
    dst += dst.dtype.type(value)
    return dst


def mul_scalar_(dst, value):
    """``dst *= value``."""
    dst *= dst.dtype.type(value)
    return dst


def div_scalar_(dst, value):
    """``dst /= value``."""
    dst /= dst.dtype.type(value)
    return dst


def sqrt_(dst):
    """``dst = sqrt(dst)``."""
    return array_namespace(dst).sqrt(dst, out=dst)


def reciprocal_(dst):
    """``dst = 1 / dst``."""
    return array_namespace(dst).reciprocal(dst, out=dst)


def maximum_(dst, other):
    """``dst = max(dst, other)``, elementwise."""
    return array_namespace(dst).maximum(dst, other, out=dst)


def clamp_(dst, min_value, max_value):
    """Clamp ``dst`` into ``[min_value, max_value]`` (two numbers)."""
    return array_namespace(dst).clip(
        dst, dst.dtype.type(min_value), dst.dtype.type(max_value), out=dst
    )


def lerp_(dst, end, weight):
    """``dst += weight * (end - dst)`` (``Tensor.lerp_``), with PyTorch's two-sided formula:
    from ``end`` backwards when ``|weight| >= 0.5``, which is exact at ``weight == 1``."""
    w = dst.dtype.type(weight)
    diff = end - dst
    if abs(w) < 0.5:
        diff *= w
        dst += diff
    else:
        diff *= dst.dtype.type(1) - w
        dst[...] = end - diff
    return dst


def addcmul_(dst, t1, t2, value=1.0):
    """``dst += value * t1 * t2`` (``Tensor.addcmul_``)."""
    tmp = t1 * dst.dtype.type(value)
    tmp *= t2
    dst += tmp
    return dst


def addcdiv_(dst, t1, t2, value=1.0):
    """``dst += value * t1 / t2`` (``Tensor.addcdiv_``)."""
    tmp = t1 * dst.dtype.type(value)
    tmp /= t2
    dst += tmp
    return dst


# --- many parameters as one flat vector (L-BFGS) -----------------------------------------------


def flatten_grads(params):
    """The gradients of ``params`` concatenated into one vector (zeros where ``grad`` is None)."""
    arrays = [array_of(p) for p in params]
    xp = array_namespace(arrays[0])
    return xp.concatenate(
        [
            array_of(p.grad).reshape(-1)
            if p.grad is not None
            else xp.zeros(data.size, dtype=data.dtype)
            for p, data in zip(params, arrays)
        ]
    )


def add_flat_(params, flat, alpha) -> None:
    """``p += alpha * segment`` for each parameter and its segment of the vector ``flat``."""
    offset = 0
    for p in params:
        data = array_of(p)
        add_(data, flat[offset : offset + data.size].reshape(data.shape), alpha)
        mark_modified(p)
        offset += data.size


def copy_params(params) -> list:
    """Copies of the arrays of ``params`` (to restore them with :func:`restore_params_`)."""
    return [array_of(p).copy() for p in params]


def restore_params_(params, arrays) -> None:
    """Write ``arrays`` (from :func:`copy_params`) back into ``params``."""
    for p, array in zip(params, arrays):
        copy_(array_of(p), array)
        mark_modified(p)
