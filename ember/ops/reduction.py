"""Public reductions (sum, mean, prod, max, min, std, var, logsumexp, all, any, ...) in
PyTorch's terms: dims are checked and wrapped here, dtypes chosen, then one primitive of
:mod:`ember.ops.prims.reduction` runs (or a few, for ops that return several tensors)."""

from __future__ import annotations

import warnings

from .. import _dtype, return_types
from .._dtype import kernel_not_implemented
from .._size import wrap_dim, wrap_dims
from .._tensor import Tensor
from ._binding import tensor_method
from ._out import CAST, EXACT, OutRule, dtype_from_out, no_out_overload, unless, with_out
from ._promote import FLOAT_NP, cast, to_float
from .cumulative import cummax, cummin, cumprod, cumsum, logcumsumexp
from .prims import reduction as R
from .prims.indexing import _gather

__all__ = [
    "sum",
    "nansum",
    "mean",
    "nanmean",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "aminmax",
    "argmax",
    "argmin",
    "std",
    "var",
    "std_mean",
    "var_mean",
    "logsumexp",
    "all",
    "any",
    "count_nonzero",
    "cumsum",
    "cumprod",
    "cummax",
    "cummin",
    "logcumsumexp",
]


def _dims(dim, ndim):
    """``dim`` (None, an int or a sequence; None or empty = every dim) as sorted wrapped dims."""
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim)
    return dims if ndim else ()  # a 0-d tensor accepts dim 0 / -1 and reduces nothing


def _int_to_long(input, dtype):
    """``input`` in ``dtype`` if given, else ints and bools widened to int64 (sum, prod, ...)."""
    if dtype is not None:
        return cast(input, dtype)
    if input.dtype.category < 2:
        return cast(input, _dtype.int64)
    return input


def _check_nonempty(input, dims, name, dim_given):
    """PyTorch's errors for reductions without identity (max, amin, ...) over size 0."""
    if input.numel() != 0:
        return
    if not dim_given:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for "
            "input.numel() == 0. Specify the reduction dim with the 'dim' argument."
        )
    for d in dims:
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


# ---------------------------------------------------------------------------- sums and means


@tensor_method()
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001, A002
    """Sum over ``dim`` (all dims when None); ints and bools accumulate in int64."""
    if out is not None:
        if dim is None:
            raise no_out_overload("sum", "with a dim")
        return with_out(out, CAST, sum, input, dim, keepdim, dtype=dtype_from_out(out, dtype))
    input = _int_to_long(input, dtype)
    result = R._sum(input, dims=_dims(dim, input.ndim), keepdim=keepdim, dtype=None)
    return cast(result, _dtype.bool) if dtype is _dtype.bool else result  # a logical or


@tensor_method()
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Sum over ``dim`` treating NaN as zero."""
    if out is not None:
        dtype = dtype_from_out(out, dtype)
        if input.dtype.is_floating_point and not dtype.is_floating_point:
            raise kernel_not_implemented("nansum_cpu", dtype)
        return with_out(out, CAST, nansum, input, dim, keepdim, dtype=dtype)
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    input = _int_to_long(input, dtype)
    if input._data.dtype not in FLOAT_NP:
        return sum(input, dim, keepdim)
    return R._nansum(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


@tensor_method()
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Mean over ``dim`` (all dims when None); needs a floating point input."""
    if out is not None:
        return with_out(out, CAST, mean, input, dim, keepdim, dtype=dtype)
    if dtype is not None:
        input = cast(input, dtype)
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a "
            f"floating point or complex dtype. Got: {input.dtype.legacy_name}"
        )
    return R._mean(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


@tensor_method()
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Mean over ``dim`` of the non-NaN elements (NaN where all are NaN)."""
    if out is not None:
        no_int = unless("float", "\"nansum_cpu\" not implemented for '{got}'", NotImplementedError)
        return with_out(out, OutRule("nansum", no_int), nanmean, input, dim, keepdim, dtype=dtype)
    if dtype is not None:
        input = cast(input, dtype)
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError(
            "nanmean(): expected input to have floating point or complex dtype "
            f"but got {input.dtype.legacy_name}"
        )
    dims = _dims(dim, input.ndim)
    count = R._sum(~input.isnan(), dims=dims, keepdim=keepdim, dtype=None)
    return R._nansum(input, dims=dims, keepdim=keepdim) / count


@tensor_method()
def sum_to_size(input, *size):  # noqa: A002
    """Sum ``input`` down to ``size`` (the reverse of broadcasting)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(size)
    if tuple(input.shape) == size:
        return input
    return R._sum_to_size(input, shape=size)


@tensor_method()
def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A002
    """Product over one ``dim`` (all elements when None); ints and bools give int64."""
    if out is not None:
        if dim is None:
            raise no_out_overload("prod", "with a dim")
        return with_out(out, CAST, prod, input, dim, keepdim, dtype=dtype_from_out(out, dtype))
    if dim is not None and not isinstance(dim, int):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    input = _int_to_long(input, dtype)
    result = R._prod(input, dims=_dims(dim, input.ndim), keepdim=keepdim)
    return cast(result, _dtype.bool) if dtype is _dtype.bool else result  # a logical and


# ---------------------------------------------------------------------------- extremes


def _select_along(input, dim, keepdim, finder, name, rtype):
    """(values, indices) of the element ``finder`` picks along ``dim``; values differentiable."""
    if not isinstance(dim, int):
        raise TypeError(f"{name}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = wrap_dim(dim, input.ndim)
    x = input if input.ndim else input.reshape(1)
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    idx = finder(x, d)
    values = _gather(x, index=idx._data, dim=d)
    if input.ndim == 0:
        return rtype(values.reshape(()), idx.reshape(()))
    if not keepdim:
        values, idx = values.squeeze(d), idx.squeeze(d)
    return rtype(values, idx)


def _minmax(name, reduce_op, arg_op, binary, rtype):
    def fn(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A002
        if out is not None:
            if isinstance(dim, Tensor) or other is not None:
                rule = OutRule({"max": "maximum", "min": "minimum"}[name])
                return with_out(out, rule, fn, input, dim, keepdim, other=other)
            if dim is None:
                message = (
                    "Expected canCast( typeMetaToScalarType(self.dtype()), "
                    "typeMetaToScalarType(out.dtype())) to be true, but got false.  (Could this "
                    "error message be improved?  If so, please report an enhancement request "
                    "to PyTorch.)"
                )
                return with_out(out, unless("castable", message), fn, input)
            return with_out(out, EXACT, fn, input, dim, keepdim)
        if isinstance(dim, Tensor) or other is not None:
            return binary(input, dim if other is None else other)
        if dim is None:
            _check_nonempty(input, (), name, False)
            return reduce_op(input, dims=tuple(range(input.ndim)), keepdim=False)
        return _select_along(
            input, dim, keepdim, lambda x, d: arg_op(x, dim=d, keepdim=True), name, rtype
        )

    fn.__name__ = fn.__qualname__ = name
    return fn


def _binary_max(a, b):
    from .pointwise import maximum

    return maximum(a, b)


def _binary_min(a, b):
    from .pointwise import minimum

    return minimum(a, b)


_INPUT_DTYPE = (
    "Expected the dtype for input and out to match, but got {want} for input's dtype and {got} "
    "for out's dtype."
)


max = tensor_method()(_minmax("max", R._amax, R._argmax, _binary_max, return_types.max))  # noqa: A001
max.__doc__ = (
    "Largest element (0-d), or ``(values, indices)`` along ``dim``; "
    "``max(a, b)`` is :func:`maximum`."
)
min = tensor_method()(_minmax("min", R._amin, R._argmin, _binary_min, return_types.min))  # noqa: A001
min.__doc__ = (
    "Smallest element (0-d), or ``(values, indices)`` along ``dim``; "
    "``min(a, b)`` is :func:`minimum`."
)


@tensor_method()
def amax(input, dim=(), keepdim=False, *, out=None):  # noqa: A002
    """Largest values over ``dim`` (all dims when empty); ties share the gradient evenly."""
    if out is not None:
        return with_out(out, unless("equal", _INPUT_DTYPE), amax, input, dim, keepdim)
    dims = _dims(dim, input.ndim)
    _check_nonempty(input, dims, "amax", bool(dim) or dim == 0)
    return R._amax(input, dims=dims, keepdim=keepdim)


@tensor_method()
def amin(input, dim=(), keepdim=False, *, out=None):  # noqa: A002
    """Smallest values over ``dim`` (all dims when empty); ties share the gradient evenly."""
    if out is not None:
        return with_out(out, unless("equal", _INPUT_DTYPE), amin, input, dim, keepdim)
    dims = _dims(dim, input.ndim)
    _check_nonempty(input, dims, "amin", bool(dim) or dim == 0)
    return R._amin(input, dims=dims, keepdim=keepdim)


@tensor_method()
def aminmax(input, *, dim=None, keepdim=False, out=None):  # noqa: A002
    """``(min, max)`` over ``dim`` (all elements when None), as a named tuple."""
    if out is not None:
        return with_out(out, EXACT, aminmax, input, dim=dim, keepdim=keepdim)
    dims = _dims(dim, input.ndim)
    if input.numel() == 0:
        if dim is None:
            raise RuntimeError(
                "aminmax(): cannot compute aminmax over an empty dimension as the "
                "operation has no identity."
            )
        d = wrap_dim(dim, input.ndim)
        if input.shape[d] == 0:
            raise IndexError(f"aminmax: Expected reduction dim {d} to have non-zero size.")
    return return_types.aminmax(
        R._amin(input, dims=dims, keepdim=keepdim), R._amax(input, dims=dims, keepdim=keepdim)
    )


def _argext(name, op):
    def fn(input, dim=None, keepdim=False):  # noqa: A002
        if input.dtype is _dtype.bool:
            raise RuntimeError(f"{name}(): does not support bool input")
        if dim is None:
            if input.numel() == 0:
                raise IndexError(
                    f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
                )
            out = op(input, dim=None, keepdim=False)
            return out.reshape([1] * input.ndim) if keepdim else out
        d = wrap_dim(dim, input.ndim)
        if input.ndim == 0:
            return op(input.reshape(1), dim=0, keepdim=False).reshape(())
        if input.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
        return op(input, dim=d, keepdim=keepdim)

    fn.__name__ = fn.__qualname__ = name
    return fn


argmax = tensor_method()(_argext("argmax", R._argmax))
argmax.__doc__ = "Index of the largest element (of the flattened input when ``dim`` is None)."
argmin = tensor_method()(_argext("argmin", R._argmin))
argmin.__doc__ = "Index of the smallest element (of the flattened input when ``dim`` is None)."


# ---------------------------------------------------------------------------- statistics


def _var_args(name, input, dim, unbiased, correction):
    if isinstance(dim, bool):  # the legacy form std(input, unbiased)
        dim, unbiased = None, dim
    if input._data.dtype not in FLOAT_NP:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = _dims(dim, input.ndim)
    n = 1
    for d in dims:
        n *= input.shape[d]
    if n - correction <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
            "than the reduction factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=3,
        )
    return dims, correction


@tensor_method()
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):  # noqa: A002
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default, 0 if not unbiased)."""
    if out is not None:
        return with_out(out, CAST, var, input, dim, unbiased, keepdim, correction=correction)
    dims, correction = _var_args("var", input, dim, unbiased, correction)
    return R._var(input, dims=dims, correction=correction, keepdim=keepdim)


@tensor_method()
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):  # noqa: A002
    """Standard deviation over ``dim``; see :func:`var` for ``correction``/``unbiased``."""
    if out is not None:
        return with_out(out, CAST, std, input, dim, unbiased, keepdim, correction=correction)
    dims, correction = _var_args("std", input, dim, unbiased, correction)
    return R._std(input, dims=dims, correction=correction, keepdim=keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(var, mean)`` over ``dim``."""
    dims, correction = _var_args("var_mean", input, dim, unbiased, correction)
    return (
        R._var(input, dims=dims, correction=correction, keepdim=keepdim),
        R._mean(input, dims=dims, keepdim=keepdim),
    )


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):  # noqa: A002
    """``(std, mean)`` over ``dim``."""
    dims, correction = _var_args("std_mean", input, dim, unbiased, correction)
    return (
        R._std(input, dims=dims, correction=correction, keepdim=keepdim),
        R._mean(input, dims=dims, keepdim=keepdim),
    )


@tensor_method()
def logsumexp(input, dim, keepdim=False, *, out=None):  # noqa: A002
    """``log(sum(exp(input)))`` over ``dim``, computed stably; ints give the default float."""
    if out is not None:
        message = "logsumexp(): Expected floating point type for result tensor, but got: {got}"
        return with_out(out, unless("float", message), logsumexp, input, dim, keepdim)
    input = to_float(input)
    return R._logsumexp(input, dims=_dims(dim, input.ndim), keepdim=keepdim)


# ---------------------------------------------------------------------------- logical, counts


def _logical(name, op):
    def fn(input, dim=None, keepdim=False, *, out=None):  # noqa: A002
        if out is not None:
            message = name + " only supports bool tensor for result, got: {got}"
            return with_out(out, unless("equal", message), fn, input, dim, keepdim)
        result = op(input, dims=_dims(dim, input.ndim), keepdim=keepdim)
        return cast(result, _dtype.uint8) if input.dtype is _dtype.uint8 else result

    fn.__name__ = fn.__qualname__ = name
    return fn


all = tensor_method()(_logical("all", R._all))  # noqa: A001
all.__doc__ = "Whether every element over ``dim`` is nonzero (bool; uint8 for uint8 input)."
any = tensor_method()(_logical("any", R._any))  # noqa: A001
any.__doc__ = "Whether some element over ``dim`` is nonzero (bool; uint8 for uint8 input)."


@tensor_method()
def count_nonzero(input, dim=None):  # noqa: A002
    """Number of nonzero elements over ``dim`` (int64)."""
    return R._count_nonzero(input, dims=_dims(dim, input.ndim))
