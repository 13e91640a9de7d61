"""More shape functions: ``ravel``, ``hsplit``/``vsplit``/``dsplit``, ``split_with_sizes`` and the
``unsafe_*`` splits, ``select_scatter``/``slice_scatter``/``as_strided_scatter``, ``as_strided``,
``index_reduce``, ``nonzero_static``, ``unravel_index``, the functional ``*_copy`` forms of the
view ops, the in-place view ops (``t_``, ``transpose_``, ``squeeze_``, ``unsqueeze_``, ...),
``fill_diagonal_`` and the element-wise Python callables ``apply_``/``map_``/``map2_``."""

from __future__ import annotations

import math

from .. import _dtype, _factories
from .._size import wrap_dim
from .._tensor import Tensor
from ..autograd.grad_mode import GRAD_ENABLED
from . import indexing as indexing_api
from . import pointwise as P
from . import products
from . import shape as shaping
from ._binding import tensor_method
from ._inplace import check_inplace, inplace_method, inplace_op
from .prims import shape_extra as X

__all__ = [
    "ravel",
    "hsplit",
    "vsplit",
    "dsplit",
    "split_with_sizes",
    "unsafe_split",
    "unsafe_chunk",
    "unsafe_split_with_sizes",
    "select_scatter",
    "slice_scatter",
    "as_strided",
    "as_strided_",
    "as_strided_scatter",
    "index_reduce",
    "nonzero_static",
    "unravel_index",
]


@tensor_method()
def ravel(input):  # noqa: A002
    """``input`` flattened to one dim (a view when its memory allows it)."""
    return shaping.reshape(input, -1)


# ---------------------------------------------------------------- splits
def _split_along(name, input, sections, dim, least):  # noqa: A002
    if input.ndim < least:
        raise RuntimeError(
            f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor "
            f"with {input.ndim} dimensions!"
        )
    if isinstance(sections, int):
        size = input.shape[dim]
        if sections == 0 or size % sections:
            raise RuntimeError(
                f"torch.{name} attempted to split along dimension {dim}, but the size of the "
                f"dimension {size} is not divisible by the split_size {sections}!"
            )
    return shaping.tensor_split(input, sections, dim)


@tensor_method()
def hsplit(input, indices_or_sections):  # noqa: A002
    """Split along the columns (dim 1; dim 0 for a 1-D tensor)."""
    if input.ndim == 0:
        raise RuntimeError(
            "torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 "
            "dimensions!"
        )
    return _split_along("hsplit", input, indices_or_sections, 1 if input.ndim > 1 else 0, 1)


@tensor_method()
def vsplit(input, indices_or_sections):  # noqa: A002
    """Split along the rows (dim 0) of a tensor of at least 2 dims."""
    return _split_along("vsplit", input, indices_or_sections, 0, 2)


@tensor_method()
def dsplit(input, indices_or_sections):  # noqa: A002
    """Split along the depth (dim 2) of a tensor of at least 3 dims."""
    return _split_along("dsplit", input, indices_or_sections, 2, 3)


@tensor_method()
def split_with_sizes(input, split_sizes, dim=0):  # noqa: A002
    """Split into pieces of the given sizes along ``dim`` (views)."""
    return shaping.split(input, list(split_sizes), dim)


@tensor_method()
def unsafe_split(input, split_size, dim=0):  # noqa: A002
    """:func:`ember.split` (PyTorch's version without view tracking)."""
    return shaping.split(input, split_size, dim)


@tensor_method()
def unsafe_chunk(input, chunks, dim=0):  # noqa: A002
    """:func:`ember.chunk` (PyTorch's version without view tracking)."""
    return shaping.chunk(input, chunks, dim)


@tensor_method()
def unsafe_split_with_sizes(input, split_sizes, dim=0):  # noqa: A002
    """:func:`split_with_sizes` (PyTorch's version without view tracking)."""
    return split_with_sizes(input, split_sizes, dim)


# ---------------------------------------------------------------- scatters into views
def _positions(n, start, stop, step, device):
    return _factories.arange(start, stop, step, dtype=_dtype.int64, device=device)


def _check_src(src, slot_shape):
    if tuple(src.shape) != tuple(slot_shape):
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{list(src.shape)}, slice size = {list(slot_shape)}"
        )


@tensor_method()
def select_scatter(input, src, dim, index):  # noqa: A002
    """A copy of ``input`` with ``input.select(dim, index)`` replaced by ``src``."""
    d = wrap_dim(dim, input.ndim)
    _check_src(src, input.select(d, index).shape)
    n = input.shape[d]
    index = index + n if index < 0 else index
    where = _positions(n, index, index + 1, 1, input.device)
    return indexing_api.index_copy(input, d, where, src.unsqueeze(d).to(input.dtype))


@tensor_method()
def slice_scatter(input, src, dim=0, start=None, end=None, step=1):  # noqa: A002
    """A copy of ``input`` with ``input[start:end:step]`` along ``dim`` replaced by ``src``."""
    d = wrap_dim(dim, input.ndim)
    start, stop, step = slice(start, end, step).indices(input.shape[d])
    slot = list(input.shape)
    slot[d] = len(range(start, stop, step))
    _check_src(src, slot)
    where = _positions(input.shape[d], start, stop, step, input.device)
    return indexing_api.index_copy(input, d, where, src.to(input.dtype))


def _storage_geometry(input, size, stride, storage_offset):  # noqa: A002
    """Checks of ``as_strided``'s arguments (PyTorch's messages); the absolute offset."""
    size, stride = [int(s) for s in size], [int(s) for s in stride]
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    if any(s < 0 for s in stride):
        raise RuntimeError(
            f"as_strided: Negative strides are not supported at the moment, got strides: {stride}"
        )
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    root = X.storage_of(input._data)
    if not root.flags.c_contiguous:
        raise NotImplementedError(
            "as_strided: ember needs the tensor's storage to be contiguous (make it with "
            ".contiguous() first)"
        )
    needed = 0 if 0 in size else offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
    item = input._data.itemsize
    if needed > root.size:
        raise RuntimeError(
            f"setStorage: sizes {size}, strides {stride}, storage offset {offset}, and itemsize "
            f"{item} requiring a storage size of {needed * item} are out of bounds for storage "
            f"of size {root.size * item}"
        )
    return size, stride, offset


@tensor_method()
def as_strided(input, size, stride, storage_offset=None):  # noqa: A002
    """A view of ``input``'s storage with the given ``size``, element ``stride`` and
    ``storage_offset`` (default: ``input``'s own). Differentiable (NOTE [ as_strided and its
    gradient ] in :mod:`ember.ops.prims.shape_extra`)."""
    size, stride, offset = _storage_geometry(input, size, stride, storage_offset)
    # a view reads its base's storage: the strided view may reach elements outside the view
    source = input if input._base is None else input._base
    return X._as_strided(
        source,
        size=tuple(size),
        stride=tuple(stride),
        offset=offset,
        in_strides=tuple(source.stride()),
        in_offset=source.storage_offset(),
    )


@tensor_method()
def as_strided_scatter(input, src, size, stride, storage_offset=None):  # noqa: A002
    """A copy of ``input`` with its ``as_strided(size, stride, storage_offset)`` view replaced
    by ``src`` (``input`` is taken as contiguous)."""
    out = input.contiguous().clone()
    view = as_strided(out, size, stride, storage_offset)
    _check_src(src, view.shape)
    view.copy_(src)
    return out


# ---------------------------------------------------------------- in-place view ops
def _become(self, view):
    """``self`` turned into ``view`` of its own memory (PyTorch's in-place view ops)."""
    if GRAD_ENABLED.get():
        check_inplace(self)
    self._data = view._data
    if view.requires_grad:
        self.grad_fn = view.grad_fn
        self._output_nr = view._output_nr
    return self


def as_strided_(input, size, stride, storage_offset=None):  # noqa: A002
    """In-place :func:`as_strided`: ``input`` itself becomes the view."""
    return _become(input, as_strided(input, size, stride, storage_offset))


tensor_method("as_strided_")(as_strided_)


@tensor_method()
def t_(self):
    """In-place :meth:`Tensor.t`: ``self`` becomes its transpose (a view of its memory)."""
    return _become(self, shaping.t(self))


@tensor_method()
def transpose_(self, dim0, dim1):
    """In-place :meth:`Tensor.transpose`."""
    return _become(self, shaping.transpose(self, dim0, dim1))


@tensor_method()
def swapaxes_(self, axis0, axis1):
    """In-place :meth:`Tensor.swapaxes`."""
    return _become(self, shaping.transpose(self, axis0, axis1))


@tensor_method()
def swapdims_(self, dim0, dim1):
    """In-place :meth:`Tensor.swapdims`."""
    return _become(self, shaping.transpose(self, dim0, dim1))


@tensor_method()
def squeeze_(self, dim=None):
    """In-place :meth:`Tensor.squeeze`."""
    return _become(self, shaping.squeeze(self) if dim is None else shaping.squeeze(self, dim))


@tensor_method()
def unsqueeze_(self, dim):
    """In-place :meth:`Tensor.unsqueeze`."""
    return _become(self, shaping.unsqueeze(self, dim))


# ---------------------------------------------------------------- index_reduce
@tensor_method(inplace=True)
def index_reduce(input, dim, index, source, reduce, *, include_self=True):  # noqa: A002
    """``input`` with the slices of ``source`` reduced (``'prod'``, ``'mean'``, ``'amax'``,
    ``'amin'``) into the positions ``index`` names along ``dim``."""
    products._warn_once(
        "index_reduce",
        "index_reduce() is in beta and the API may change at any time.",
    )
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(
            "index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got "
            f"{reduce}."
        )
    d = wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    shape = [1] * source.ndim
    shape[d] = -1
    where = index.reshape(shape).expand(source.shape)
    return indexing_api.scatter_reduce(input, d, where, source, reduce, include_self=include_self)


# ---------------------------------------------------------------- nonzero_static, unravel_index
def nonzero_static(input, *, size, fill_value=-1):  # noqa: A002
    """The indices of the nonzero elements, as :func:`ember.nonzero`, cut or padded with
    ``fill_value`` to exactly ``size`` rows."""
    if size < 0:
        raise RuntimeError("nonzero_static: 'size' must be an non-negative integer")
    found = indexing_api.nonzero(input)
    found = found[:size]
    missing = size - found.shape[0]
    if missing:
        pad = _factories.full(
            (missing, input.ndim), fill_value, dtype=_dtype.int64, device=input.device
        )
        found = shaping.cat([found, pad], 0)
    return found


tensor_method("nonzero_static")(nonzero_static)


def unravel_index(indices, shape):
    """The coordinates of flat ``indices`` in a tensor of ``shape``: a tuple of tensors."""
    if not isinstance(indices, Tensor):
        from .._factories import tensor

        indices = tensor(indices)
    if indices.dtype.is_floating_point or indices.dtype is _dtype.bool:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError("'shape' cannot have negative values, but got " + str(tuple(shape)))
    coords = []
    rest = indices.long()
    for size in reversed(shape):
        coords.append(P.remainder(rest, size))
        rest = P.floor_divide(rest, size)
    return tuple(reversed(coords))


# ---------------------------------------------------------------- fill_diagonal_, callables
def _diagonal_filled(self, fill_value, wrap=False):
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    n = self.numel()
    if self.ndim == 2:
        rows, cols = self.shape
        step = cols + 1
        stop = n if wrap or rows <= cols else cols * cols
    else:
        step = sum(math.prod(self.shape[i + 1 :]) for i in range(self.ndim))
        stop = n
    flat = _factories.zeros(n, dtype=_dtype.bool, device=self.device)
    flat[slice(0, stop, step)] = True
    mask = flat.reshape(self.shape)
    fill = _factories.scalar_tensor(fill_value, dtype=self.dtype, device=self.device)
    return P.where(mask, fill, self)


_fill_diagonal = inplace_method(_diagonal_filled)


@tensor_method()
def fill_diagonal_(self, fill_value, wrap=False):
    """Fill the main diagonal with ``fill_value``, in place (``wrap``: for a tall matrix, start
    again every ``cols + 1`` rows, as NumPy's ``fill_diagonal``)."""
    return _fill_diagonal(self, fill_value, wrap)


def _python_callable(self, name):
    if self.requires_grad and GRAD_ENABLED.get():
        raise RuntimeError(
            f"Can't call {name}() on Variable that requires grad. Use "
            f"var.detach().{name}() instead."
        )
    if self.device.type != "cpu":
        raise TypeError(f"{name} is only implemented on CPU tensors")


@tensor_method()
def apply_(self, callable):  # noqa: A002
    """Replace each element ``x`` by ``callable(x)``, in place (CPU only; slow)."""
    _python_callable(self, "apply_")
    return inplace_op(X._apply, self, fn=callable)


@tensor_method()
def map_(self, tensor, callable):  # noqa: A002
    """Replace each element ``x`` by ``callable(x, y)`` with ``y`` from ``tensor`` (broadcast),
    in place (CPU only; slow)."""
    _python_callable(self, "map_")
    return inplace_op(X._map, self, tensor, fn=callable)


@tensor_method()
def map2_(self, x, y, callable):  # noqa: A002
    """Replace each element ``s`` by ``callable(s, a, b)`` with ``a``, ``b`` from ``x``, ``y``
    (broadcast), in place (CPU only; slow)."""
    _python_callable(self, "map2_")
    return inplace_op(X._map2, self, x, y, fn=callable)
