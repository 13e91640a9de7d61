"""torch-level spellings of Tensor methods: the in-place functions (``torch.abs_(x)`` is
``x.abs_()``: the very method, so one implementation), the functional ``*_copy`` forms of the
view ops (the view's values in new memory, differentiable), and ``fill``/``detach``."""

from __future__ import annotations

from .._tensor import Tensor
from . import composite, pointwise_extra, special_fns  # noqa: F401 - they bind i0_, gcd_, ...
from . import shape as shaping
from ._binding import tensor_method
from .shape_extra import as_strided, split_with_sizes

_INPLACE = """abs_ acos_ acosh_ addmv_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_
asinh_ atan_ atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ cos_ cosh_ deg2rad_ detach_ erf_
erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ lcm_ ldexp_ log10_ log1p_ log2_ log_
logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ round_ rsqrt_ sigmoid_ sin_ sinc_ sinh_
sqrt_ square_ tan_ tanh_ trunc_ xlogy_ zero_"""

# torch.abs_ and the others are the Tensor methods themselves
globals().update({name: getattr(Tensor, name) for name in _INPLACE.split()})

__all__ = [
    *_INPLACE.split(),
    "fill",
    "detach",
    "alias_copy",
    "as_strided_copy",
    "detach_copy",
    "diagonal_copy",
    "expand_copy",
    "narrow_copy",
    "permute_copy",
    "select_copy",
    "slice_copy",
    "split_copy",
    "split_with_sizes_copy",
    "squeeze_copy",
    "t_copy",
    "transpose_copy",
    "unbind_copy",
    "unfold_copy",
    "unsqueeze_copy",
    "view_copy",
]


def fill(input, value):  # noqa: A002
    """A new tensor of ``input``'s shape and dtype filled with ``value`` (out-of-place
    ``fill_``; differentiable in a tensor ``value``)."""
    if isinstance(value, Tensor):
        if value.ndim:
            raise RuntimeError(
                "fill only supports 0-dimension value tensor but got tensor with "
                f"{value.ndim} dimensions."
            )
        return value.to(input.dtype).expand(input.shape).clone()
    return input.detach().clone().fill_(value)


def detach(input):  # noqa: A002
    """:meth:`Tensor.detach`: the same memory without autograd history."""
    return input.detach()


# ---------------------------------------------------------------- the *_copy forms
def alias_copy(input):  # noqa: A002
    """A copy of ``input`` (PyTorch's functional form of an alias)."""
    return input.clone()


def as_strided_copy(input, size, stride, storage_offset=None):  # noqa: A002
    """:func:`ember.as_strided`, copied into new memory."""
    return as_strided(input, size, stride, storage_offset).clone()


def detach_copy(input):  # noqa: A002
    """:meth:`Tensor.detach`, copied into new memory."""
    return input.detach().clone()


def diagonal_copy(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """:func:`ember.diagonal`, copied into new memory."""
    return input.diagonal(offset, dim1, dim2).clone()


def expand_copy(input, size, *, implicit=False):  # noqa: A002
    """:meth:`Tensor.expand`, copied into new memory."""
    return input.expand(*size).clone()


@tensor_method()
def narrow_copy(input, dim, start, length):  # noqa: A002
    """:func:`ember.narrow`, copied into new memory."""
    return shaping.narrow(input, dim, start, length).clone()


def permute_copy(input, dims):  # noqa: A002
    """:func:`ember.permute`, copied into new memory."""
    return input.permute(*dims).clone()


def select_copy(input, dim, index):  # noqa: A002
    """:func:`ember.select`, copied into new memory."""
    return input.select(dim, index).clone()


def slice_copy(input, dim=0, start=None, end=None, step=1):  # noqa: A002
    """``input[start:end:step]`` along ``dim``, copied into new memory."""
    key = [slice(None)] * input.ndim
    key[dim] = slice(start, end, step)
    return input[tuple(key)].clone()


def split_copy(input, split_size, dim=0):  # noqa: A002
    """:func:`ember.split`, each piece copied into new memory."""
    return tuple(t.clone() for t in shaping.split(input, split_size, dim))


def split_with_sizes_copy(input, split_sizes, dim=0):  # noqa: A002
    """:func:`ember.split_with_sizes`, each piece copied into new memory."""
    return tuple(t.clone() for t in split_with_sizes(input, split_sizes, dim))


def squeeze_copy(input, dim=None):  # noqa: A002
    """:func:`ember.squeeze`, copied into new memory."""
    return (input.squeeze() if dim is None else input.squeeze(dim)).clone()


def t_copy(input):  # noqa: A002
    """:func:`ember.t`, copied into new memory."""
    return input.t().clone()


def transpose_copy(input, dim0, dim1):  # noqa: A002
    """:func:`ember.transpose`, copied into new memory."""
    return input.transpose(dim0, dim1).clone()


def unbind_copy(input, dim=0):  # noqa: A002
    """:func:`ember.unbind`, each slice copied into new memory."""
    return tuple(t.clone() for t in input.unbind(dim))


def unfold_copy(input, dimension, size, step):  # noqa: A002
    """:meth:`Tensor.unfold`, copied into new memory."""
    return input.unfold(dimension, size, step).clone()


def unsqueeze_copy(input, dim):  # noqa: A002
    """:func:`ember.unsqueeze`, copied into new memory."""
    return input.unsqueeze(dim).clone()


def view_copy(input, size):  # noqa: A002
    """:meth:`Tensor.view` (a shape or a dtype), copied into new memory."""
    viewed = input.view(size) if not isinstance(size, (list, tuple)) else input.view(*size)
    return viewed.clone()
