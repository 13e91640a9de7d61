"""Helpers shared by the distributions (``torch.distributions.utils``): broadcasting parameters,
probabilities <-> logits, lazily computed attributes, lower-triangular packing."""

from __future__ import annotations

import math
from functools import update_wrapper
from numbers import Number

import ember

__all__ = [
    "broadcast_all",
    "clamp_probs",
    "euler_constant",
    "lazy_property",
    "logits_to_probs",
    "probs_to_logits",
    "tril_matrix_to_vec",
    "vec_to_tril_matrix",
]

euler_constant = 0.57721566490153286060  # Euler-Mascheroni constant


def is_tensor_like(value) -> bool:
    """Whether ``value`` is an ember Tensor."""
    return isinstance(value, ember.Tensor)


def broadcast_all(*values):
    """Broadcast numbers and tensors to one shape, numbers becoming tensors of the first
    tensor's dtype and device (the default dtype when there is none).

    >>> import ember
    >>> from ember.distributions.utils import broadcast_all
    >>> a, b = broadcast_all(ember.zeros(2, dtype=ember.float64), 1.5)
    >>> b
    tensor([1.5000, 1.5000], dtype=ember.float64)
    """
    if not all(isinstance(v, (ember.Tensor, Number)) for v in values):
        raise ValueError(
            "Input arguments must all be instances of numbers.Number, "
            "torch.Tensor or objects implementing __torch_function__."
        )
    if not all(isinstance(v, ember.Tensor) for v in values):
        ref = next((v for v in values if isinstance(v, ember.Tensor)), None)
        dtype = ref.dtype if ref is not None else ember.get_default_dtype()
        device = ref.device if ref is not None else "cpu"
        values = tuple(
            v if isinstance(v, ember.Tensor) else ember.tensor(v, dtype=dtype, device=device)
            for v in values
        )
    return ember.broadcast_tensors(*values)


def _standard_normal(shape, dtype, device):
    """N(0, 1) samples of ``shape`` from ember's generator."""
    return ember.empty(shape, dtype=dtype, device=device).normal_()


def _sum_rightmost(value, dim: int):
    """Sum out the ``dim`` rightmost dimensions of ``value``."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[: value.dim() - dim]) + (-1,)).sum(-1)


def expand_probs_logits(source, new, shape) -> None:
    """Give ``new`` the ``probs`` and ``logits`` that ``source`` holds (either may not be
    computed yet), expanded to ``shape``; ``new._param`` is the last one set. The expand step
    of every distribution parametrised by probs or logits."""
    for name in ("probs", "logits"):
        if name in source.__dict__:
            value = getattr(source, name).expand(shape)
            setattr(new, name, value)
            new._param = value


def logits_to_probs(logits, is_binary: bool = False):
    """Probabilities from logits: a sigmoid for binary logits, else a softmax over the last dim."""
    if is_binary:
        return ember.sigmoid(logits)
    return ember.softmax(logits, dim=-1)


def clamp_probs(probs):
    """``probs`` clamped into ``[eps, 1 - eps]`` of their dtype (so their logits are finite)."""
    eps = ember.finfo(probs.dtype).eps
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary: bool = False):
    """Logits from probabilities: log-odds for binary ones, else the log (unnormalised logits)."""
    ps = clamp_probs(probs)
    if is_binary:
        return ember.log(ps) - ember.log1p(-ps)
    return ember.log(ps)


class lazy_property:  # noqa: N801 - torch's name
    """A method computed on first access and then stored on the instance (under grad mode, so a
    parameter derived from another keeps its graph)."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return _lazy_property_and_property(self.wrapped)
        with ember.enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value


class _lazy_property_and_property(lazy_property, property):  # noqa: N801
    """What the class sees: a lazy_property that is also a property (for documentation tools)."""

    def __init__(self, wrapped):
        lazy_property.__init__(self, wrapped)
        property.__init__(self, wrapped)


def tril_matrix_to_vec(mat, diag: int = 0):
    """The entries of ``mat`` on and below its ``diag``-th diagonal, row by row, as a vector."""
    n = mat.shape[-1]
    if not isinstance(n, int) or (-n > diag or diag >= n):
        raise ValueError(f"diag ({diag}) provided is outside [{-n}, {n - 1}].")
    rows, cols = ember.tril_indices(n, n, offset=diag, device=mat.device)
    return mat[..., rows, cols]


def vec_to_tril_matrix(vec, diag: int = 0):
    """The inverse of :func:`tril_matrix_to_vec`: a square lower-triangular matrix."""
    length = vec.shape[-1]
    n = (
        -(1 + 2 * diag) + math.sqrt((1 + 2 * diag) ** 2 + 8 * length + 4 * abs(diag) * (diag + 1))
    ) / 2
    eps = ember.finfo(vec.dtype).eps
    if round(n) - n > eps:
        raise ValueError(
            f"The size of last dimension is {length} which cannot be expressed as "
            "the lower triangular part of a square D x D matrix."
        )
    n = round(n)
    mat = vec.new_zeros(tuple(vec.shape[:-1]) + (n, n))
    rows, cols = ember.tril_indices(n, n, offset=diag, device=vec.device)
    mat[..., rows, cols] = vec
    return mat
