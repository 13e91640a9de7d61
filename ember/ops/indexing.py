"""Public indexing functions: gather, scatter, index_select, masked_select, take, tril, diag, ...

Each function validates its arguments with PyTorch's exception types and messages, then calls
one primitive of :mod:`ember.ops.prims.indexing` (or composes existing ones). Index tensors
are checked here (dtype, shape, bounds) so the primitives can index raw arrays without
further checks.
"""

from __future__ import annotations

import warnings

from .. import _dtype
from .._dtype import kernel_not_implemented
from .._size import wrap_dim
from .._tensor import Tensor, _wrap, device_mismatch
from . import shape as shaping
from ._binding import tensor_method
from ._out import EXACT, OutRule, both, exact, unless, with_out
from ._promote import broadcast_shapes, cast, checked, scalar_like
from .prims import indexing as I
from .prims import shape as S

__all__ = [
    "gather",
    "scatter",
    "scatter_add",
    "scatter_reduce",
    "index_select",
    "index_add",
    "index_copy",
    "index_fill",
    "masked_select",
    "masked_scatter",
    "take",
    "take_along_dim",
    "put",
    "nonzero",
    "argwhere",
    "searchsorted",
    "bucketize",
    "tril",
    "triu",
    "diag",
    "diagonal",
    "diagflat",
    "diag_embed",
    "diagonal_scatter",
    "repeat_interleave",
    "meshgrid",
]

_INDEX_DTYPES = (_dtype.int64, _dtype.int32)


def _shape(t):
    return f"[{', '.join(map(str, t.shape))}]"


def _same_device(input, *others):  # noqa: A002
    for o in others:
        # arrays of two types may share a device (a vmap batched array and a plain one)
        if type(o._data) is not type(input._data) and o.device != input.device:
            raise device_mismatch((input, o))


def _bounds(index, size, message, exc=RuntimeError, allow_negative=False):
    """Raise ``exc(message.format(i))`` for the smallest or largest out-of-range index ``i``."""
    if index.numel() == 0:
        return
    lo, hi = int(index._data.min()), int(index._data.max())
    if lo < (-size if allow_negative else 0):
        raise exc(message.format(lo))
    if hi >= size:
        raise exc(message.format(hi))


def _oob(dim, size):
    return "index {} is out of bounds for dimension " + f"{dim} with size {size}"


def _vector(t):
    return S._view(t, shape=(1,)) if t.ndim == 0 else t


# ---------------------------------------------------------------------------- gather / scatter


@tensor_method()
def gather(input, dim, index, *, sparse_grad=False, out=None):  # noqa: A002
    """Values of ``input`` at ``index`` along ``dim``: ``out[i][j] = input[index[i][j]][j]``.

    ember has no sparse tensors: with ``sparse_grad=True`` the gradient has the same values,
    stored dense (as ``nn.Embedding(sparse=True)``'s)."""
    if out is not None:
        return with_out(out, EXACT, gather, input, dim, index, sparse_grad=sparse_grad)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("gather(): Expected dtype int32/int64 for index")
    _same_device(input, index)
    d = wrap_dim(dim, input.ndim)
    x, idx = _vector(input), _vector(index)
    if idx.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    if idx.numel():
        for k in range(x.ndim):
            if k != d and idx.shape[k] > x.shape[k]:
                raise RuntimeError(
                    f"Size does not match at dimension {k} expected index "
                    f"{_shape(idx)} to be no larger than self {_shape(x)} apart "
                    f"from dimension {d}"
                )
        _bounds(idx, x.shape[d], _oob(d, x.shape[d]))
    res = I._gather(x, index=idx._data, dim=d)
    return S._view(res, shape=()) if index.ndim == 0 else res


def _scatter_args(input, dim, index, src):  # noqa: A002
    """Validate a scatter call in PyTorch's terms; returns the wrapped dim and the index array."""
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    _same_device(input, index)
    if isinstance(src, Tensor):
        _same_device(input, src)
        if src.dtype is not input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    d = wrap_dim(dim, input.ndim)
    if index.numel() == 0:
        return d, index._data
    x, idx = _vector(input), _vector(index)
    if idx.ndim != x.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    src_v = _vector(src) if isinstance(src, Tensor) else None
    if src_v is not None and src_v.ndim != idx.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    for k in range(x.ndim):
        if (k != d and idx.shape[k] > x.shape[k]) or (
            src_v is not None and idx.shape[k] > src_v.shape[k]
        ):
            tail = (
                f" and to be no larger size than src {_shape(src_v)}" if src_v is not None else ""
            )
            raise RuntimeError(
                f"Expected index {_shape(idx)} to be no larger than self "
                f"{_shape(x)} apart from dimension {d}{tail}"
            )
    _bounds(idx, x.shape[d], _oob(d, x.shape[d]))
    return d, idx._data


def _run_on_vector(fn, input, *args):  # noqa: A002
    """Run ``fn`` on a 0-d ``input`` seen as 1-d (PyTorch's rule), then give the 0-d shape back."""
    if input.ndim:
        return fn(input, *args)
    return S._view(
        fn(_vector(input), *(_vector(a) if isinstance(a, Tensor) else a for a in args)), shape=()
    )


@tensor_method(inplace=True)
def scatter(input, dim, index, src=None, value=None, *, reduce=None):  # noqa: A002
    """Write ``src`` (a tensor or a scalar ``value``) into ``input`` at ``index`` along ``dim``."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError("reduce argument must be either add or multiply.")
        if isinstance(src, Tensor):
            warnings.warn(
                "The reduce argument of torch.scatter with Tensor src is deprecated and "
                "will be removed in a future PyTorch release. Use torch.scatter_reduce "
                "instead for more reduction options.",
                UserWarning,
                stacklevel=2,
            )
        else:
            src = input.new_full(tuple(index.shape), src)
        return scatter_reduce(input, dim, index, src, "sum" if reduce == "add" else "prod")
    d, idx = _scatter_args(input, dim, index, src)
    if isinstance(src, Tensor):
        return _run_on_vector(lambda x, s: I._scatter(x, s, index=idx, dim=d), input, src)
    value = scalar_like(src, input.dtype, input)._data.item()
    return _run_on_vector(lambda x: I._scatter_value(x, index=idx, dim=d, value=value), input)


@tensor_method(inplace=True)
def scatter_add(input, dim, index, src):  # noqa: A002
    """Add ``src`` into ``input`` at ``index`` along ``dim`` (duplicates accumulate)."""
    d, idx = _scatter_args(input, dim, index, src)
    return _run_on_vector(lambda x, s: I._scatter_add(x, s, index=idx, dim=d), input, src)


_REDUCTIONS = ("sum", "prod", "mean", "amax", "amin")


@tensor_method(inplace=True)
def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):  # noqa: A002
    """Reduce ``src`` into ``input`` at ``index`` with sum, prod, mean, amax or amin."""
    if reduce not in _REDUCTIONS:
        raise RuntimeError(
            f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}"
        )
    d, idx = _scatter_args(input, dim, index, src)
    return _run_on_vector(
        lambda x, s: I._scatter_reduce(
            x, s, index=idx, dim=d, reduce=reduce, include_self=bool(include_self)
        ),
        input,
        src,
    )


# ---------------------------------------------------------------------------- index_* family


def _index_vector(index, name):
    if index.ndim > 1:
        raise IndexError(
            f"{name}(): Index is supposed to be a vector, but got dim: {index.ndim} "
            f"with type: {index.dtype.legacy_name} and size: {_shape(index)}"
        )
    return index._data.reshape(-1)


@tensor_method()
def index_select(input, dim, index, *, out=None):  # noqa: A002
    """The entries of ``input`` along ``dim`` at the positions in the 1-D ``index``."""
    if out is not None:
        message = "index_select(): self and result must have the same scalar type"
        return with_out(out, unless("equal", message), index_select, input, dim, index)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    _same_device(input, index)
    d = wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        if index.numel() != 1:
            raise RuntimeError(
                f"index_select(): Index to scalar can have only 1 value, got "
                f"{index.numel()} value(s)"
            )
        _bounds(index, 1, "index out of range in self", IndexError)
        return S._copy(input)
    _bounds(index, input.shape[d], "index out of range in self", IndexError)
    return I._index_select(input, index=index._data.reshape(-1), dim=d)


def _index_source_checks(name, input, d, idx, source):  # noqa: A002
    if source.dtype is not input.dtype:
        if name == "index_add_":
            raise RuntimeError(
                f"index_add_(): self ({input.dtype.legacy_name}) and source "
                f"({source.dtype.legacy_name}) must have the same scalar type"
            )
        raise RuntimeError(
            f"index_copy_(): self and source expected to have the same dtype, but "
            f"got (self) {input.dtype.legacy_name} and (source) {source.dtype.legacy_name}"
        )
    n = source.shape[d] if source.ndim else 1
    if idx.size != n:
        if name == "index_add_":
            raise RuntimeError(
                f"index_add_(): Number of indices ({idx.size}) should be equal to "
                f"source.size(dim): ({n}), for dim: {d}"
            )
        raise IndexError(
            f"index_copy_(): Number of indices ({idx.size}) should be equal to "
            f"source.size(dim) ({n})"
        )
    if source.ndim != input.ndim or any(
        a != b for k, (a, b) in enumerate(zip(input.shape, source.shape)) if k != d
    ):
        if name == "index_add_":
            raise RuntimeError(
                f"source tensor shape must match self tensor shape, excluding the "
                f"specified dimension. Got self.shape = {_shape(input)} "
                f"source.shape = {_shape(source)}"
            )
        bad = next(
            (
                k
                for k in range(min(input.ndim, source.ndim))
                if k != d and input.shape[k] != source.shape[k]
            ),
            0,
        )
        raise RuntimeError(
            f"index_copy_(): Source/destination tensor must have same slice "
            f"shapes. Destination slice shape: {input.shape[bad]} at dimension "
            f"{bad} and source slice shape: {source.shape[bad]} at dimension {bad}."
        )


@tensor_method(inplace=True)
def index_add(input, dim, index, source, *, alpha=1, out=None):  # noqa: A002
    """``input`` with ``alpha * source`` added at ``index`` along ``dim`` (duplicates add up)."""
    if out is not None:
        return with_out(out, EXACT, index_add, input, dim, index, source, alpha=alpha)
    if index.dtype not in _INDEX_DTYPES:
        raise RuntimeError(
            f"index_add_(): Expected dtype int32/int64 for index but got: {index.dtype.legacy_name}"
        )
    idx = _index_vector(index, "index_add_")
    _same_device(input, index, source)
    d = wrap_dim(dim, input.ndim)
    _index_source_checks("index_add_", _vector(input), d, idx, _vector(source))
    _bounds(
        index, input.shape[d] if input.ndim else 1, _oob(d, input.shape[d] if input.ndim else 1)
    )
    return _run_on_vector(
        lambda x, s: I._index_add(x, s, index=idx, dim=d, alpha=alpha), input, source
    )


@tensor_method(inplace=True)
def index_copy(input, dim, index, source):  # noqa: A002
    """``input`` with the slices at ``index`` along ``dim`` replaced by those of ``source``."""
    if index.dtype is not _dtype.int64:
        raise RuntimeError(
            f"index_copy_(): Expected a long tensor for index, but got {index.dtype.legacy_name}"
        )
    if index.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {index.ndim})")
    idx = index._data.reshape(-1)
    _same_device(input, index, source)
    d = wrap_dim(dim, input.ndim)
    _index_source_checks("index_copy_", _vector(input), d, idx, _vector(source))
    size = input.shape[d] if input.ndim else 1
    _bounds(index, size, "index_copy_(): " + _oob(d, size), IndexError)
    return _run_on_vector(lambda x, s: I._index_copy(x, s, index=idx, dim=d), input, source)


@tensor_method(inplace=True)
def index_fill(input, dim, index, value):  # noqa: A002
    """``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    if index.dtype is not _dtype.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if index.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"index_fill_ only supports a 0-dimensional value tensor, but got "
                f"tensor with {value.ndim} dimension(s)."
            )
        value = cast(value, input.dtype)
    else:
        value = scalar_like(checked(value, input.dtype), input.dtype, input)
    _same_device(input, index, value)
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d] if input.ndim else 1
    _bounds(index, size, _oob(d, size), IndexError, allow_negative=True)
    idx = index._data.reshape(-1)
    return _run_on_vector(lambda x: I._index_fill(x, value, index=idx, dim=d), input)


# ---------------------------------------------------------------------------- masks and flat


@tensor_method()
def masked_select(input, mask, *, out=None):  # noqa: A002
    """The 1-D tensor of the entries of ``input`` where the (broadcast) ``mask`` is True."""
    if out is not None:
        message = "masked_select(): self and result must have the same scalar type"
        return with_out(out, unless("equal", message), masked_select, input, mask)
    if mask.dtype is not _dtype.bool:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    _same_device(input, mask)
    shape = broadcast_shapes(input.shape, mask.shape)
    x = shaping.expand(input, shape)
    m = mask._data if tuple(mask.shape) == shape else shaping.expand(mask, shape)._data
    return S._advanced_index(_vector(x), key=(m.reshape(-1) if m.ndim == 0 else m,))


@tensor_method(inplace=True)
def masked_scatter(input, mask, source):  # noqa: A002
    """``input`` with the positions where ``mask`` is True filled, in order, from ``source``."""
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(
            "masked_scatter_ only supports boolean masks, but got mask with dtype "
            f"{mask.dtype.legacy_name}"
        )
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"masked_scatter: expected self and source to have same dtypes but got"
            f"{input.dtype.legacy_name} and {source.dtype.legacy_name}"
        )
    _same_device(input, mask, source)
    shape = broadcast_shapes(input.shape, mask.shape)
    x = input if tuple(input.shape) == shape else shaping.expand(input, shape)
    m = mask._data if tuple(mask.shape) == shape else shaping.expand(mask, shape)._data
    if int(m.sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return I._masked_scatter(x, source, mask=m)


def _flat_index(index, numel, name):
    if index.dtype is not _dtype.int64:
        raise RuntimeError(
            f"{name}(): Expected a long tensor for index, but got {index.dtype.legacy_name}"
        )
    _bounds(
        index,
        numel,
        f"out of range: tried to access index {{}} on a tensor of {numel} elements.",
        IndexError,
        allow_negative=True,
    )
    return index._data


@tensor_method()
def take(input, index):  # noqa: A002
    """``input`` seen as 1-D, read at ``index``; the result has the shape of ``index``."""
    idx = _flat_index(index, input.numel(), "take")
    _same_device(input, index)
    return S._advanced_index(shaping.reshape(input, (-1,)), key=(idx,))


@tensor_method()
def take_along_dim(input, indices, dim=None, *, out=None):  # noqa: A002
    """``gather`` with ``indices`` broadcast against ``input`` (or on the flattened input)."""
    if out is not None:
        return with_out(out, OutRule("gather", exact), take_along_dim, input, indices, dim)
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(
            "torch.take_along_dim(): dtype of indices should be Long but got "
            f"{indices.dtype.legacy_name}"
        )
    if dim is None:
        return gather(shaping.reshape(input, (-1,)), 0, shaping.reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise RuntimeError(
            f"torch.take_along_dim(): input and indices should have the same "
            f"number of dimensions, but got {input.ndim} dimensions for input, "
            f"and {indices.ndim} dimensions for indices"
        )
    d = wrap_dim(dim, input.ndim)
    x_shape, i_shape = list(input.shape), list(indices.shape)
    x_shape[d] = i_shape[d] = 1
    common = list(broadcast_shapes(x_shape, i_shape))
    x = shaping.expand(input, common[:d] + [input.shape[d]] + common[d + 1 :])
    idx = shaping.expand(indices, common[:d] + [indices.shape[d]] + common[d + 1 :])
    return gather(x, d, idx)


@tensor_method(inplace=True)
def put(input, index, source, accumulate=False):  # noqa: A002
    """``input`` (seen as 1-D) with ``source`` written (or added) at ``index``."""
    if source.dtype is not input.dtype:
        raise RuntimeError(
            f"put_(): self and source expected to have the same dtype, but got "
            f"self.dtype = {input.dtype.legacy_name} and source.dtype = {source.dtype.legacy_name}"
        )
    if source.numel() != index.numel():
        raise IndexError(
            f"put_(): Expected source and index to have the same number of "
            f"elements, but got source.numel() = {source.numel()}, index.numel() = "
            f"{index.numel()}"
        )
    idx = _flat_index(index, input.numel(), "put_").reshape(-1)
    _same_device(input, index, source)
    flat = shaping.reshape(input, (-1,))
    res = S._index_put(
        flat, shaping.reshape(source, (-1,)), key=(idx,), accumulate=bool(accumulate)
    )
    return shaping.reshape(res, input.shape)


@tensor_method()
def nonzero(input, *, out=None, as_tuple=False):  # noqa: A002
    """Indices of the non-zero entries: an (n, ndim) int64 tensor, or one 1-D tensor per dim."""
    if out is not None:
        message = "nonzero: Expected out tensor to have scalar type Long but got scalar type{got}"
        rule = OutRule(check=unless("equal", message), autograd="none")
        return with_out(out, rule, nonzero, input, as_tuple=as_tuple)
    if not as_tuple:
        return I._nonzero(input)
    rows = I._nonzero(_vector(input))
    return tuple(shaping.unbind(shaping.contiguous(shaping.t(rows)), 0))


@tensor_method()
def argwhere(input):  # noqa: A002
    """``nonzero(input)``: the (n, ndim) indices of the non-zero entries."""
    return I._nonzero(input)


def _searchsorted_out(out_int32):
    """searchsorted's rule for ``out``: int32 with ``out_int32``, else int64."""
    return unless(
        lambda want, got: got is want,
        "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
        "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's "
        f"dtype {{got}} and out_int32 flag is {bool(out_int32)}",
    )


def searchsorted(
    sorted_sequence,
    input,
    *,
    out_int32=False,
    right=False,
    side=None,  # noqa: A002
    out=None,
    sorter=None,
):
    """Insertion points of ``input`` in the innermost dim of ``sorted_sequence``."""
    if out is not None:
        rule = OutRule(check=_searchsorted_out(out_int32), autograd="none")
        return with_out(
            out,
            rule,
            searchsorted,
            sorted_sequence,
            input,
            out_int32=out_int32,
            right=right,
            side=side,
            sorter=sorter,
        )
    seq = sorted_sequence
    if seq.ndim == 0:
        raise RuntimeError(
            "torch.searchsorted(): boundaries tensor should have positive "
            "dimension, but got 0 dimension"
        )
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(
                f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}"
            )
        if right and side == "left":
            raise RuntimeError(
                "torch.searchsorted(): side and right can't be set to opposites, "
                "got side of left while right was True"
            )
        right = side == "right"
    if not isinstance(input, Tensor):
        input = scalar_like(input, _dtype.result_type(seq, input), seq)  # noqa: A001
    _same_device(seq, input)
    if seq.ndim > 1 and input.ndim == 0:
        raise RuntimeError(
            f"torch.searchsorted(): input value can be a scalar only when "
            f"boundaries tensor dimension is 1, but we got boundaries tensor "
            f"dim({seq.ndim}) and input value's dim(0) numel(1)"
        )
    if seq.ndim > 1 and (input.ndim != seq.ndim or input.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError(
            f"torch.searchsorted(): boundaries tensor should be 1 dimension or the "
            f"first N-1 dimensions of boundaries tensor and input value tensor "
            f"must match, but we got boundaries tensor {_shape(seq)} and input "
            f"value tensor {_shape(input)}"
        )
    seq = seq.detach()
    if sorter is not None:
        if sorter.dtype is not _dtype.int64:
            raise RuntimeError(
                f"torch.searchsorted(): sorter must be a tensor of long dtype but "
                f"got dtype {sorter.dtype.legacy_name}"
            )
        if sorter.shape != seq.shape:
            raise RuntimeError(
                f"torch.searchsorted(): boundary and sorter must have the same "
                f"size, but got boundary tensor {_shape(seq)}and got sorter tensor "
                f"{_shape(sorter)}"
            )
        seq = gather(seq, -1, sorter)
    return I._searchsorted(seq, input.detach(), right=bool(right), out_int32=bool(out_int32))


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):  # noqa: A002
    """The bucket index of each value of ``input`` among the 1-D ``boundaries``."""
    if out is not None:
        rule = OutRule(check=_searchsorted_out(out_int32), autograd="none")
        return with_out(out, rule, bucketize, input, boundaries, out_int32=out_int32, right=right)
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


# ---------------------------------------------------------------------------- triangles, diagonals


def _triangle(op, name):
    def fn(input, diagonal=0, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, EXACT, fn, input, diagonal)
        if input.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
        return op(input, diagonal=int(diagonal))

    fn.__name__ = fn.__qualname__ = name
    return fn


tril = tensor_method(inplace=True)(_triangle(I._tril, "tril"))
tril.__doc__ = "The lower triangle of the last two dims (entries above ``diagonal`` zeroed)."
triu = tensor_method(inplace=True)(_triangle(I._triu, "triu"))
triu.__doc__ = "The upper triangle of the last two dims (entries below ``diagonal`` zeroed)."


def _diag_dims(ndim, dim1, dim2):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


@tensor_method()
def diagonal(input, offset=0, dim1=0, dim2=1):  # noqa: A002
    """A view of the diagonal over ``dim1``/``dim2`` (moved to the last dim)."""
    d1, d2 = _diag_dims(input.ndim, dim1, dim2)
    return I._diagonal(input, offset=int(offset), dim1=d1, dim2=d2)


@tensor_method()
def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):  # noqa: A002
    """``input`` with its diagonal over ``dim1``/``dim2`` replaced by ``src``."""
    d1, d2 = _diag_dims(input.ndim, dim1, dim2)
    want = I.diagonal_shape(input.shape, int(offset), d1, d2)
    if tuple(src.shape) != want:
        raise RuntimeError(
            f"expected src to have a size equal to the slice of self. src size = "
            f"{_shape(src)}, slice size = [{', '.join(map(str, want))}]"
        )
    _same_device(input, src)
    return I._diagonal_scatter(input, cast(src, input.dtype), offset=int(offset), dim1=d1, dim2=d2)


@tensor_method()
def diag_embed(input, offset=0, dim1=-2, dim2=-1):  # noqa: A002
    """Tensors whose diagonals (over ``dim1``/``dim2``) are the last dim of ``input``."""
    d1, d2 = _diag_dims(input.ndim + 1, dim1, dim2)
    size = (input.shape[-1] if input.ndim else 1) + abs(int(offset))
    shape = list(input.shape[:-1])
    for d in sorted((d1, d2)):
        shape.insert(d, size)
    src = _vector(input)
    return I._diagonal_scatter(
        input.new_zeros(tuple(shape)), src, offset=int(offset), dim1=d1, dim2=d2
    )


@tensor_method()
def diag(input, diagonal=0, *, out=None):  # noqa: A002
    """A 1-D ``input`` as a diagonal matrix, or the diagonal of a 2-D ``input`` (a copy)."""
    if out is not None:
        check = exact
        if input.ndim == 1:
            message = "diag: result type {want} can't be cast to the desired out= type {got}"
            check = both(unless("castable", message), exact)
        name = "aten::diag_embed" if input.ndim == 1 else "aten::diagonal_copy"
        rule = OutRule(name, check, autograd="refuse_out")
        return with_out(out, rule, diag, input, diagonal)
    if input.ndim == 1:
        return diag_embed(input, diagonal)
    if input.ndim == 2:
        return S._copy(I._diagonal(input, offset=int(diagonal), dim1=0, dim2=1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


@tensor_method()
def diagflat(input, offset=0):  # noqa: A002
    """The flattened ``input`` as the ``offset`` diagonal of a square matrix."""
    return diag_embed(shaping.reshape(input, (-1,)), offset)


# ---------------------------------------------------------------------------- repeats, grids


@tensor_method()
def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):  # noqa: A002
    """Repeat each element (along ``dim``, or of the flattened input) ``repeats`` times."""
    if repeats is None:  # repeat_interleave(repeats): the indices, each repeated
        if input.ndim != 1:
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        reps = input
        input = _wrap(I._xp(reps).arange(reps.shape[0]))  # noqa: A001
        dim = 0
    elif isinstance(repeats, Tensor):
        if repeats.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        reps = repeats
    else:
        reps = int(repeats)
        if reps < 0:
            raise RuntimeError("Repeats must be non-negative")
    x = shaping.reshape(input, (-1,)) if dim is None else input
    d = 0 if dim is None else wrap_dim(dim, x.ndim)
    if isinstance(reps, Tensor):
        if reps.dtype.category != 1:
            raise kernel_not_implemented("repeat_interleave_cpu", reps.dtype)
        if reps.numel() and int(reps._data.min()) < 0:
            raise RuntimeError("repeats can not be negative")
        if reps.numel() == 1:
            reps = int(reps.item())
    if isinstance(reps, int):
        total = (x.shape[d] if x.ndim else 1) * reps
    else:
        n = x.shape[d] if x.ndim else 1
        if reps.shape[0] != n:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got "
                f"repeats.size(0) = {reps.shape[0]} and input.size({d}) = {n}"
            )
        total = int(reps._data.sum())
    if output_size is not None and output_size != total:
        raise RuntimeError("allocated size does not match required size")
    x = _vector(x)
    if isinstance(reps, int):
        shape = list(x.shape)
        spread = shaping.expand(shaping.unsqueeze(x, d + 1), *shape[: d + 1], reps, *shape[d + 1 :])
        shape[d] *= reps
        return shaping.reshape(spread, shape)
    xp = I._xp(x)
    index = xp.repeat(xp.arange(x.shape[d]), reps._data)
    return I._index_select(x, index=index, dim=d)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors ('ij': matrix indexing, 'xy': Cartesian), as views."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        warnings.warn(
            "torch.meshgrid: in an upcoming release, it will be required to pass the "
            "indexing argument.",
            UserWarning,
            stacklevel=2,
        )
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(
            f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}'
        )
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}"
            )
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        _same_device(tensors[0], t)
    swap = indexing == "xy" and len(tensors) >= 2
    ts = [tensors[1], tensors[0], *tensors[2:]] if swap else list(tensors)
    shape = [t.numel() for t in ts]
    grids = []
    for i, t in enumerate(ts):
        view = [1] * len(ts)
        view[i] = -1
        grids.append(shaping.expand(shaping.reshape(t, view), shape))
    if swap:  # the grids of the first two inputs back in their order
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


@tensor_method()
def unfold(self, dimension, size, step):
    """``Tensor.unfold``: a view of all windows of ``size`` taken every ``step`` along a dim."""
    d = wrap_dim(dimension, self.ndim)
    n = self.shape[d] if self.ndim else 1
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if self.ndim == 0:
        return S._basic_index(S._view(self, shape=(1,)), key=(slice(0, size),))
    return I._unfold(self, dim=d, size=int(size), step=int(step))
