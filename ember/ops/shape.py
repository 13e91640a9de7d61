"""Public shape functions (view, reshape, permute, cat, split, indexing, ...) in PyTorch's terms."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from numbers import Integral

from .. import _dtype
from .._options import check_memory_format
from .._size import shape_text, wrap_dim
from .._tensor import Tensor
from ._binding import tensor_method
from ._inplace import assign, inplace_op
from ._out import OutRule, unless, with_out
from ._promote import broadcast_shapes, cast
from .prims import shape as S

# view, view_as, reshape_as, contiguous, expand, expand_as, repeat, getitem and setitem are
# Tensor methods only: torch has no module-level function of those names.
__all__ = [
    "reshape",
    "clone",
    "flatten",
    "unflatten",
    "squeeze",
    "unsqueeze",
    "permute",
    "transpose",
    "swapaxes",
    "swapdims",
    "t",
    "adjoint",
    "movedim",
    "moveaxis",
    "broadcast_to",
    "broadcast_tensors",
    "cat",
    "concat",
    "concatenate",
    "stack",
    "hstack",
    "vstack",
    "row_stack",
    "dstack",
    "column_stack",
    "atleast_1d",
    "atleast_2d",
    "atleast_3d",
    "narrow",
    "select",
    "split",
    "chunk",
    "tensor_split",
    "unbind",
    "flip",
    "fliplr",
    "flipud",
    "roll",
    "rot90",
    "tile",
    "index_put",
    "index_put_",
]


def _shape_arg(shape) -> tuple:
    one = len(shape) == 1 and isinstance(shape[0], (Sequence, Tensor))
    shape = shape[0] if one and getattr(shape[0], "ndim", 1) else shape  # 0-d tensor: an int
    return tuple(s if isinstance(s, int) else operator.index(s) for s in shape)  # 2.5: TypeError


def _infer_shape(shape, numel, input_shape) -> tuple:
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
            )
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(
            f"shape '[{', '.join(map(str, shape))}]' is invalid for input of size {numel}"
        )
    return tuple(shape)


@tensor_method()
def view(input, *shape):  # noqa: A002
    """A view with a new shape (same memory); fails if the strides do not allow it."""
    if len(shape) == 1 and isinstance(shape[0], _dtype.dtype):
        raise NotImplementedError("Tensor.view(dtype) is not supported")
    shape = _infer_shape(_shape_arg(shape), input._data.size, input.shape)
    return S._view(input, shape=shape)


@tensor_method()
def reshape(input, *shape):  # noqa: A002
    """A tensor with a new shape: a view when possible, else a copy."""
    shape = _infer_shape(_shape_arg(shape), input._data.size, input.shape)
    try:
        return S._view(input, shape=shape)
    except RuntimeError:
        return S._view(S._copy(input), shape=shape)


@tensor_method()
def view_as(input, other):  # noqa: A002
    """``input.view(other.shape)``."""
    return view(input, other.shape)


@tensor_method()
def reshape_as(input, other):  # noqa: A002
    """``input.reshape(other.shape)``."""
    return reshape(input, other.shape)


@tensor_method()
def contiguous(input, memory_format=None):  # noqa: A002
    """``input`` if already C-contiguous, else a contiguous copy."""
    check_memory_format(memory_format)
    if input._data.flags.c_contiguous:
        return input
    return S._copy(input)


@tensor_method()
def clone(input, *, memory_format=None):  # noqa: A002
    """A copy of ``input`` that stays in the autograd graph."""
    check_memory_format(memory_format)
    return S._copy(input)


@tensor_method()
def flatten(input, start_dim=0, end_dim=-1):  # noqa: A002
    """Merge dims ``start_dim..end_dim`` into one."""
    shape = input.shape
    if not shape:
        return reshape(input, (1,))
    s, e = wrap_dim(start_dim, len(shape)), wrap_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s : e + 1]:
        n *= d
    return reshape(input, (*shape[:s], n, *shape[e + 1 :]))


@tensor_method()
def unflatten(input, dim, sizes):  # noqa: A002
    """Split dim ``dim`` into ``sizes`` (one entry may be -1)."""
    shape = input.shape
    d = wrap_dim(dim, len(shape))
    sizes = _infer_shape(tuple(sizes), shape[d], shape)
    return view(input, (*shape[:d], *sizes, *shape[d + 1 :]))


@tensor_method()
def squeeze(input, dim=None):  # noqa: A002
    """Remove size-1 dims (all of them, or those in ``dim``)."""
    shape = input.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = {wrap_dim(d, len(shape)) for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    if new == tuple(shape):
        return S._view(input, shape=new)
    return S._view(input, shape=new)


@tensor_method()
def unsqueeze(input, dim):  # noqa: A002
    """Insert a size-1 dim at ``dim``."""
    shape = list(input.shape)
    d = wrap_dim(dim, len(shape) + 1)
    shape.insert(d, 1)
    return S._view(input, shape=tuple(shape))


@tensor_method()
def permute(input, *dims):  # noqa: A002
    """A view with dimensions reordered."""
    dims = _shape_arg(dims)
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does "
            "not match the length of the desired ordering of dimensions i.e. "
            f"input.dim() = {n} is not equal to len(dims) = {len(dims)}"
        )
    wrapped = tuple(wrap_dim(d, n) for d in dims)
    if len(set(wrapped)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return S._permute(input, dims=wrapped)


@tensor_method("transpose", "swapaxes", "swapdims")
def transpose(input, dim0, dim1):  # noqa: A002
    """A view with ``dim0`` and ``dim1`` swapped."""
    n = input.ndim
    if n == 0:
        return S._view(input, shape=())
    return S._transpose(input, dim0=wrap_dim(dim0, n), dim1=wrap_dim(dim1, n))


swapaxes = swapdims = transpose


@tensor_method()
def t(input):  # noqa: A002
    """Transpose of a tensor with at most 2 dims."""
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return S._t(input) if input.ndim == 2 else S._view(input, shape=input.shape)


@tensor_method()
def adjoint(input):  # noqa: A002
    """``transpose(input, -2, -1)``."""
    return transpose(input, -2, -1)


@tensor_method("movedim", "moveaxis")
def movedim(input, source, destination):  # noqa: A002
    """Move dims ``source`` to positions ``destination``."""
    n = input.ndim
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({list(src)} "
            f"dims) should contain the same number of dims as destination "
            f"({list(dst)} dims)"
        )
    src = [wrap_dim(d, n) for d in src]
    dst = [wrap_dim(d, n) for d in dst]
    for name, ds in (("source", src), ("destination", dst)):
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({ds})")
    order = [d for d in range(n) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return S._permute(input, dims=tuple(order))


moveaxis = movedim


@tensor_method()
def expand(input, *sizes):  # noqa: A002
    """A broadcast view with ``sizes`` (-1 keeps a dim)."""
    sizes = _shape_arg(sizes)
    shape = input.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{[{', '.join(map(str, shape))}]}}, "
            f"size=[{', '.join(map(str, sizes))}]): the number of sizes provided "
            f"({len(sizes)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({len(shape)})"
        )
    lead = len(sizes) - len(shape)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    f"The expanded size of the tensor ({s}) isn't allowed in a "
                    "leading, non-existing dimension 0"
                )
            out.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if cur != s and cur != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing "
                f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                f"[{', '.join(map(str, sizes))}].  Tensor sizes: "
                f"[{', '.join(map(str, shape))}]"
            )
        out.append(s)
    out = tuple(out)
    if out == tuple(shape):
        return S._view(input, shape=out)
    return S._expand(input, shape=out)


@tensor_method()
def expand_as(input, other):  # noqa: A002
    """``input.expand(other.shape)``."""
    return expand(input, other.shape)


@tensor_method()
def broadcast_to(input, size):  # noqa: A002
    """``input.expand(size)``."""
    return expand(input, *size)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = broadcast_shapes(*(t.shape for t in tensors))
    return tuple(expand(t, shape) for t in tensors)


def _tensor_list(tensors, name):
    if isinstance(tensors, Tensor):
        raise TypeError(
            f"{name}(): argument 'tensors' (position 1) must be tuple of Tensors, not Tensor"
        )
    tensors = list(tensors)
    if not tensors:
        if name == "cat":
            raise ValueError("torch.cat(): expected a non-empty list of Tensors")
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


_JOIN_OUT = OutRule(  # cat and the stacks: any dtype the inputs' type can be cast to
    "cat",
    unless(
        "castable",
        "torch.cat(): input types can't be cast to the desired output type {got}",
        TypeError,
    ),
)


def cat(tensors, dim=0, *, out=None):
    """Join tensors along an existing dim (1-D empty tensors are skipped, as in PyTorch)."""
    if out is not None:
        return with_out(out, _JOIN_OUT, cat, tensors, dim)
    tensors = _tensor_list(tensors, "cat")
    dt = _dtype.result_type(*tensors)
    tensors = [cast(t, dt) for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)] or [
        cast(tensors[0], dt)
    ]
    ref = tensors[0]
    n = ref.ndim
    if n == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = wrap_dim(dim, n)
    for i, x in enumerate(tensors):
        if x.ndim != n:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {n} and {x.ndim}")
        for k in range(n):
            if k != d and x.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. "
                    f"Expected size {ref.shape[k]} but got size {x.shape[k]} for "
                    f"tensor number {i} in the list."
                )
    if len(tensors) == 1:
        return S._copy(tensors[0])
    return S._cat(*tensors, dim=d, shapes=tuple(t.shape for t in tensors))


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join tensors along a new dim."""
    if out is not None:
        return with_out(out, OutRule("stack", _JOIN_OUT.check), stack, tensors, dim)
    tensors = _tensor_list(tensors, "stack")
    shape = tensors[0].shape
    for i, x in enumerate(tensors):
        if x.shape != shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got "
                f"[{', '.join(map(str, shape))}] at entry 0 and "
                f"[{', '.join(map(str, x.shape))}] at entry {i}"
            )
    d = wrap_dim(dim, len(shape) + 1)
    return cat([unsqueeze(x, d) for x in tensors], d)


def hstack(tensors, *, out=None):
    """Stack horizontally (dim 1, or dim 0 for 1-D tensors)."""
    if out is not None:
        return with_out(out, _JOIN_OUT, hstack, tensors)
    tensors = [atleast_1d(x) for x in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors, *, out=None):
    """Stack vertically (rows), promoting 1-D tensors to rows."""
    if out is not None:
        return with_out(out, _JOIN_OUT, vstack, tensors)
    return cat([atleast_2d(x) for x in tensors], 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Stack along the third dim."""
    if out is not None:
        return with_out(out, _JOIN_OUT, dstack, tensors)
    return cat([atleast_3d(x) for x in tensors], 2)


def column_stack(tensors, *, out=None):
    """Stack 1-D tensors as columns."""
    if out is not None:
        return with_out(out, _JOIN_OUT, column_stack, tensors)
    return hstack([x.reshape(-1, 1) if x.ndim <= 1 else x for x in tensors])


def atleast_1d(x):
    """``x`` with at least one dim."""
    return reshape(x, (1,)) if x.ndim == 0 else x


def atleast_2d(x):
    """``x`` with at least two dims."""
    return reshape(x, (1, -1) if x.ndim else (1, 1)) if x.ndim < 2 else x


def atleast_3d(x):
    """``x`` with at least three dims."""
    if x.ndim == 0:
        return reshape(x, (1, 1, 1))
    if x.ndim == 1:
        return reshape(x, (1, -1, 1))
    if x.ndim == 2:
        return unsqueeze(x, -1)
    return x


@tensor_method()
def narrow(input, dim, start, length):  # noqa: A002
    """A view of ``length`` elements along ``dim`` from ``start``."""
    n = input.ndim
    if n == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, n)
    size = input.shape[d]
    start = int(start)
    if start < 0:
        start += size
    if start < 0 or start + length > size or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    key = (slice(None),) * d + (slice(start, start + length),)
    return S._basic_index(input, key=key)


@tensor_method()
def select(input, dim, index):  # noqa: A002
    """The slice at ``index`` along ``dim`` (that dim removed), as a view."""
    n = input.ndim
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, n)
    size = input.shape[d]
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size "
            f"[{', '.join(map(str, input.shape))}] at dimension {d}"
        )
    key = (slice(None),) * d + (index,)
    return S._basic_index(input, key=key)


@tensor_method()
def split(tensor, split_size_or_sections, dim=0):
    """Split into chunks of a given size, or of the given list of sizes."""
    d = wrap_dim(dim, tensor.ndim)
    size = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        if step <= 0 and size:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        sizes = [min(step, size - i) for i in range(0, size, step)] if size else [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} "
                f"(input tensor's size at dimension {d}), but got split_sizes="
                f"{sizes}"
            )
    out = []
    start = 0
    for s in sizes:
        out.append(narrow(tensor, d, start, s))
        start += s
    return tuple(out)


@tensor_method()
def chunk(input, chunks, dim=0):  # noqa: A002
    """Split into ``chunks`` pieces of (almost) equal size."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    size = input.shape[wrap_dim(dim, input.ndim)]
    step = -(-size // chunks) if size else 1
    return split(input, step, dim)


@tensor_method()
def tensor_split(input, indices_or_sections, dim=0):  # noqa: A002
    """Split by a number of sections (numpy.array_split rules) or at indices."""
    d = wrap_dim(dim, input.ndim)
    size = input.shape[d]
    if isinstance(indices_or_sections, Tensor):
        indices_or_sections = indices_or_sections.tolist()
    if isinstance(indices_or_sections, int):
        n = indices_or_sections
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        sizes = [q + 1] * r + [q] * (n - r)
        bounds = [0]
        for s in sizes:
            bounds.append(bounds[-1] + s)
    else:
        bounds = [0, *indices_or_sections, size]
    out = []
    for a, b in zip(bounds[:-1], bounds[1:]):
        a, b = min(max(a, 0), size), min(max(b, 0), size)
        out.append(narrow(input, d, a, max(b - a, 0)))
    return tuple(out)


@tensor_method()
def unbind(input, dim=0):  # noqa: A002
    """All slices along ``dim``, as a tuple of views."""
    d = wrap_dim(dim, input.ndim)
    return tuple(select(input, d, i) for i in range(input.shape[d]))


@tensor_method()
def flip(input, *args, dims=None):  # noqa: A002
    """Reverse the order of elements along ``dims`` (a copy, as in PyTorch); ``x.flip(0, 1)``."""
    if not args and dims is None:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    dims = tuple(wrap_dim(d, input.ndim) for d in _shape_arg(args if dims is None else (dims,)))
    if len(set(dims)) != len(dims):
        dup = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(f"dim {dup} appears multiple times in the list of dims")
    if input.ndim == 0:  # NumPy has no axis to flip on a 0-d array; PyTorch returns a copy
        return S._copy(input)
    return S._flip(input, dims=dims)


@tensor_method()
def fliplr(input):  # noqa: A002
    """Flip along dim 1."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


@tensor_method()
def flipud(input):  # noqa: A002
    """Flip along dim 0."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


@tensor_method()
def roll(input, shifts, dims=None):  # noqa: A002
    """Roll elements along ``dims`` (the flattened tensor when None)."""
    if dims is None:
        return S._roll(flatten(input), shifts=shifts, dims=None).view(input.shape)
    shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
    dims = (dims,) if isinstance(dims, int) else tuple(dims)
    if not shifts:
        raise RuntimeError("`shifts` required")
    if len(shifts) != len(dims):
        raise RuntimeError(
            f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}"
        )
    dims = tuple(wrap_dim(d, input.ndim) for d in dims)
    return S._roll(input, shifts=shifts, dims=dims)


@tensor_method()
def rot90(input, k=1, dims=(0, 1)):  # noqa: A002
    """Rotate by 90 degrees ``k`` times in the plane of ``dims``."""
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if input.ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {input.ndim}")
    d0, d1 = wrap_dim(dims[0], input.ndim), wrap_dim(dims[1], input.ndim)
    if d0 == d1:
        raise RuntimeError(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}"
        )
    k %= 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return clone(input)


@tensor_method()
def repeat(input, *sizes):  # noqa: A002
    """Tile ``input`` ``sizes`` times along each dim (leading dims may be added)."""
    sizes = _shape_arg(sizes)
    if len(sizes) < input.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number "
            "of dimensions of tensor"
        )
    lead = len(sizes) - input.ndim
    full = (1,) * lead + tuple(input.shape)
    if any(r < 0 for r in sizes):
        out = [r * s for r, s in zip(sizes, full)]
        bad = next(r for r in out if r < 0)
        raise RuntimeError(
            f"Trying to create tensor with negative dimension {bad}: [{', '.join(map(str, out))}]"
        )
    x = reshape(input, full) if lead else input
    return S._tile(x, reps=sizes)


@tensor_method()
def tile(input, *args, dims=None):  # noqa: A002
    """Like repeat, but fewer ``dims`` than input dims are padded with ones; ``x.tile(2, 2)``."""
    dims = _shape_arg(args if dims is None else (dims,))
    if len(dims) < input.ndim:
        dims = (1,) * (input.ndim - len(dims)) + dims
    return repeat(input, dims)


# ---------------------------------------------------------------------------- indexing


def _index_key(key, ref):
    """A PyTorch index as a NumPy one; second value says whether it is basic (a view)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if k is None or k is Ellipsis:
            out.append(k)
        elif isinstance(k, slice):
            k = slice(_int_or_none(k.start), _int_or_none(k.stop), _int_or_none(k.step))
            if k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(k)
        elif isinstance(k, bool):
            basic = False
            out.append(k)
        elif isinstance(k, Integral):
            out.append(int(k))
        elif isinstance(k, Tensor):
            if k.dtype.category == 2:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if k.device != ref.device:
                raise RuntimeError(
                    "indices should be either on cpu or on the same device as the "
                    f"indexed tensor ({ref.device})"
                )
            basic = False
            out.append(k._data.astype(bool) if k.dtype is _dtype.uint8 else k._data)
        elif isinstance(k, (list, tuple)) or hasattr(k, "__array__"):
            basic = False
            from .._factories import tensor

            t = tensor(k, device=ref.device)
            if t.dtype.category == 2:
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(t._data)
        else:
            raise IndexError(
                "only integers, slices (`:`), ellipsis (`...`), None and long or "
                f"byte Variables are valid indices (got {type(k).__name__})"
            )
    return tuple(out), basic


def _int_or_none(v):
    return None if v is None else int(v)


def _index_error(err, input):  # noqa: A002
    """NumPy's IndexError in PyTorch's words (dimensions and tensors, not axes and arrays)."""
    msg = str(err)
    if msg.startswith("too many indices"):
        msg = f"too many indices for tensor of dimension {input.ndim}"
    return IndexError(msg.replace("axis", "dimension").replace("array", "tensor"))


def _setitem_error(input, np_key, value):  # noqa: A002
    try:
        target = input._data[np_key].shape
    except IndexError as e:
        return _index_error(e, input)
    return RuntimeError(
        f"shape mismatch: value tensor of shape {shape_text(value.shape)} cannot "
        f"be broadcast to indexing result of shape {shape_text(target)}"
    )


@tensor_method("__getitem__")
def getitem(input, key):  # noqa: A002
    """``input[key]``: basic indexing gives a view; tensors, lists and masks give a copy."""
    np_key, basic = _index_key(key, input)
    if input.ndim == 0 and basic and any(type(k) is int for k in np_key):
        raise IndexError(
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
            "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number"
        )
    try:
        if basic:
            return S._basic_index(input, key=np_key)
        return S._advanced_index(input, key=np_key)
    except IndexError as e:
        raise _index_error(e, input) from None


@tensor_method("__setitem__")
def setitem(input, key, value):  # noqa: A002
    """``input[key] = value`` in place, recorded for autograd as PyTorch does."""
    np_key, basic = _index_key(key, input)
    if not isinstance(value, Tensor):
        from ._promote import scalar_like

        value = scalar_like(value, input.dtype, input)
    elif value.dtype is not input.dtype:
        value = cast(value, input.dtype)
    try:
        assign(input, np_key, value, basic)
    except (ValueError, IndexError):
        raise _setitem_error(input, np_key, value) from None


def _index_put_args(input, indices, values):  # noqa: A002
    np_key, _ = _index_key(tuple(indices), input)
    if not isinstance(values, Tensor):
        from ._promote import scalar_like

        values = scalar_like(values, input.dtype, input)
    return np_key, cast(values, input.dtype)


@tensor_method()
def index_put(input, indices, values, accumulate=False):  # noqa: A002
    """Out-of-place ``input[indices] = values`` (or ``+=`` when accumulate)."""
    np_key, values = _index_put_args(input, indices, values)
    try:
        return S._index_put(input, values, key=np_key, accumulate=bool(accumulate))
    except (ValueError, IndexError):
        raise _setitem_error(input, np_key, values) from None


@tensor_method()
def index_put_(input, indices, values, accumulate=False):  # noqa: A002
    """In-place ``index_put``."""
    np_key, values = _index_put_args(input, indices, values)
    try:
        return inplace_op(S._index_put, input, values, key=np_key, accumulate=bool(accumulate))
    except (ValueError, IndexError):
        raise _setitem_error(input, np_key, values) from None
