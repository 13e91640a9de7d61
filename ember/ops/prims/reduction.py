"""Reduction primitives: sum, mean, prod, amax/amin, argmax/argmin, var/std, logsumexp, ...

Every primitive takes ``dims`` as a sorted tuple of non-negative dims (the public functions in
:mod:`ember.ops.reduction` wrap and check them) and ``keepdim``. Backwards restore the reduced
dims of the gradient with :func:`_restore_dims` and are written with Tensor ops, so double
backward works.
"""

from __future__ import annotations

from ..._backend import cache_of
from .._registry import defop
from .pointwise import _no_complex


def _restore_dims(g, shape, dims, keepdim):
    """``g`` reshaped so it broadcasts against an input of ``shape`` reduced over ``dims``."""
    if not keepdim and dims:
        kept = [1 if i in dims else s for i, s in enumerate(shape)]
        g = g.reshape(kept)
    return g.expand(shape)


def _unsqueezed(t, shape, dims, keepdim):
    """A reduced tensor ``t`` with its reduced dims back as size 1 (no expansion)."""
    if not keepdim and dims:
        return t.reshape([1 if i in dims else s for i, s in enumerate(shape)])
    return t


def _count(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


# ---------------------------------------------------------------------------- sums and means


def _ones(xp, x, n):
    """``n`` ones of ``x``'s dtype, cached on ``x``'s device."""
    cache = cache_of(x, "reduction.ones")
    key = (x.dtype, n)
    ones = cache.get(key)
    if ones is None:
        if len(cache) > 32:
            cache.clear()
        ones = cache[key] = xp.ones(n, dtype=x.dtype)
    return ones


def blas_sum(xp, x, dims, keepdim):
    """Sum over ``dims`` as a matrix-vector product with ones when the reduced dims form a
    leading or trailing block of a contiguous float array: BLAS is 2-3x faster than a ufunc
    reduction there (bench/ops.py). None when that shape of reduction does not apply."""
    nd = x.ndim
    k = len(dims)
    if (
        x.size < 4096
        or k == 0
        or x.dtype.kind != "f"
        or x.dtype.itemsize < 4
        or not x.flags.c_contiguous
    ):
        return None
    if dims == tuple(range(nd - k, nd)):
        kept = x.shape[: nd - k]
        n = x.size // max(1, _numel(kept)) if kept else x.size
        if kept:
            out = x.reshape(-1, n) @ _ones(xp, x, n)
        else:
            # a whole-tensor sum as rows of 1024 (one pass over x, no full-size ones vector)
            flat = x.reshape(-1)
            m = n // 1024
            out = (flat[: m * 1024].reshape(m, 1024) @ _ones(xp, x, 1024)).sum()
            if m * 1024 < n:
                out = out + flat[m * 1024 :].sum()
    elif dims == tuple(range(k)):
        kept = x.shape[k:]
        m = _numel(x.shape[:k])
        out = _ones(xp, x, m) @ x.reshape(m, -1)
    else:
        return None
    out = xp.asarray(out).reshape(kept)
    if keepdim:
        out = out.reshape(tuple(1 if i in dims else s for i, s in enumerate(x.shape)))
    return out


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


@defop("sum")
def _sum(xp, x, dims, keepdim, dtype):
    if dtype is None:
        out = blas_sum(xp, x, dims, keepdim)
        if out is not None:
            return out
    return xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)


@_sum.vjp()
def _sum_backward(ctx, g):
    shape = ctx.in_meta[0][0]
    return _restore_dims(g, shape, ctx.params["dims"], ctx.params["keepdim"])


@defop("mean")
def _mean(xp, x, dims, keepdim):
    if _count(x.shape, dims) == 0:  # NumPy warns on an empty mean; PyTorch quietly gives nan
        return xp.sum(x, axis=dims, keepdims=keepdim) / 0
    total = blas_sum(xp, x, dims, keepdim)
    if total is not None:
        total *= x.dtype.type(1.0 / _count(x.shape, dims))
        return total
    return xp.mean(x, axis=dims, keepdims=keepdim)


@_mean.vjp()
def _mean_backward(ctx, g):
    shape = ctx.in_meta[0][0]
    dims = ctx.params["dims"]
    n = 1
    for d in dims:
        n *= shape[d]
    return _restore_dims(g, shape, dims, ctx.params["keepdim"]) / n


@defop("sum_to_size")
def _sum_to_size(xp, x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and x.shape[lead + i] != 1
    )
    if not axes:
        return x.reshape(shape)
    out = blas_sum(xp, x, axes, True)
    if out is None:
        out = xp.sum(x, axis=axes, keepdims=True)
    return out.reshape(shape)


@_sum_to_size.vjp()
def _sum_to_size_backward(ctx, g):
    return g.expand(ctx.in_meta[0][0])


@defop("nansum")
def _nansum(xp, x, dims, keepdim):
    return xp.nansum(x, axis=dims, keepdims=keepdim)


@_nansum.vjp(save_inputs=True)
def _nansum_backward(ctx, g):
    x = ctx.inputs[0]
    g = _restore_dims(g, x.shape, ctx.params["dims"], ctx.params["keepdim"])
    return g.masked_fill(x.isnan(), 0.0)


# ---------------------------------------------------------------------------- products


@defop("prod")
def _prod(xp, x, dims, keepdim):
    return xp.prod(x, axis=dims, keepdims=keepdim)


@_prod.vjp(save_inputs=True, save_output=True)
def _prod_backward(ctx, g):
    x = ctx.inputs[0]
    dims, keepdim = ctx.params["dims"], ctx.params["keepdim"]
    g = _restore_dims(g, x.shape, dims, keepdim)
    if x.numel() == 0:
        return g
    if not bool((x._data == 0).any()):
        return g * (_restore_dims(ctx.output, x.shape, dims, keepdim) / x).conj()
    return g * _prod_of_others(x, dims).conj()


def _prod_of_others(x, dims):
    """For each element, the product of the other elements of its group (zero-safe).

    NOTE [ prod with zeros ]: ``out / x`` divides by zero, so the product of the others is
    built from an exclusive cumulative product from the left times one from the right, along
    the reduced dims flattened into one. Both are cumprods, so the result stays differentiable
    (as PyTorch's ``prod_safe_zeros_backward``).
    """
    from .cumulative import _cumprod, _shift

    kept = [d for d in range(x.ndim) if d not in dims]
    order = kept + list(dims)
    moved = x.permute(*order) if order != list(range(x.ndim)) else x
    lead = [x.shape[d] for d in kept]
    flat = moved.reshape(*lead, -1)
    last = flat.ndim - 1
    left = _cumprod(_shift(flat, dim=last, step=1, fill=1), dim=last, reverse=False)
    right = _cumprod(_shift(flat, dim=last, step=-1, fill=1), dim=last, reverse=True)
    others = (left * right).reshape(moved.shape)
    if order == list(range(x.ndim)):
        return others
    inverse = [0] * len(order)
    for i, d in enumerate(order):
        inverse[d] = i
    return others.permute(*inverse)


# ---------------------------------------------------------------------------- extremes


def _extreme(name, fn_name):
    message = f'"{fn_name}_values_cpu" not implemented for ' + "'{dtype}'"

    def forward(xp, x, dims, keepdim):
        _no_complex(x, message)
        return getattr(xp, fn_name)(x, axis=dims, keepdims=keepdim)

    op = defop(name)(forward)

    def backward(ctx, g):
        # the gradient is split evenly among the elements that reach the extreme (as PyTorch)
        x = ctx.inputs[0]
        dims, keepdim = ctx.params["dims"], ctx.params["keepdim"]
        out = _unsqueezed(ctx.output, x.shape, dims, keepdim)
        mask = x == out
        count = _sum(mask, dims=dims, keepdim=True, dtype=None)
        return (_unsqueezed(g, x.shape, dims, keepdim) / count).expand(x.shape).where(mask, 0.0)

    backward.__name__ = f"_{name}_backward"
    op.vjp(save_inputs=True, save_output=True)(backward)
    return op


_amax = _extreme("amax", "max")
_amin = _extreme("amin", "min")


@defop("argmax")
def _argmax(xp, x, dim, keepdim):
    _no_complex(x, "argmax(): does not support complex input", RuntimeError)
    return xp.argmax(x, axis=dim, keepdims=keepdim).astype(xp.int64, copy=False)


@defop("argmin")
def _argmin(xp, x, dim, keepdim):
    _no_complex(x, "argmin(): does not support complex input", RuntimeError)
    return xp.argmin(x, axis=dim, keepdims=keepdim).astype(xp.int64, copy=False)


# ---------------------------------------------------------------------------- statistics


def _var_fwd(xp, x, dims, correction):
    n = _count(x.shape, dims)
    mean = xp.sum(x, axis=dims, keepdims=True) / n if n else xp.sum(x, axis=dims, keepdims=True)
    d = x - mean
    squares = d.real * d.real + d.imag * d.imag if d.dtype.kind == "c" else d * d  # |d|^2, real
    return xp.sum(squares, axis=dims, keepdims=True) / max(0, n - correction)


def _var_grad(x, gvar, dims, correction):
    n = _count(x.shape, dims)
    centered = x - _mean(x, dims=dims, keepdim=True)
    return gvar * centered * (2.0 / max(0, n - correction))


@defop("var")
def _var(xp, x, dims, correction, keepdim):
    out = _var_fwd(xp, x, dims, correction)
    return out if keepdim else xp.squeeze(out, axis=dims)


@_var.vjp(save_inputs=True)
def _var_backward(ctx, g):
    x = ctx.inputs[0]
    dims, keepdim = ctx.params["dims"], ctx.params["keepdim"]
    return _var_grad(x, _unsqueezed(g, x.shape, dims, keepdim), dims, ctx.params["correction"])


@defop("std")
def _std(xp, x, dims, correction, keepdim):
    out = xp.sqrt(_var_fwd(xp, x, dims, correction))
    return out if keepdim else xp.squeeze(out, axis=dims)


@_std.vjp(save_inputs=True, save_output=True)
def _std_backward(ctx, g):
    x = ctx.inputs[0]
    dims, keepdim = ctx.params["dims"], ctx.params["keepdim"]
    out = _unsqueezed(ctx.output, x.shape, dims, keepdim)
    gvar = (_unsqueezed(g, x.shape, dims, keepdim) / (2 * out)).masked_fill(out == 0, 0.0)
    return _var_grad(x, gvar, dims, ctx.params["correction"])


@defop("logsumexp")
def _logsumexp(xp, x, dims, keepdim):
    if _count(x.shape, dims) == 0:
        return xp.full(xp.sum(x, axis=dims, keepdims=keepdim).shape, -xp.inf, dtype=x.dtype)
    # shifted by the largest real part: a complex result is the principal logarithm, as torch's
    m = xp.max(x.real if x.dtype.kind == "c" else x, axis=dims, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)
    out = xp.log(xp.sum(xp.exp(x - m), axis=dims, keepdims=True)) + m
    return out if keepdim else xp.squeeze(out, axis=dims)


@_logsumexp.vjp(save_inputs=True, save_output=True)
def _logsumexp_backward(ctx, g):
    x = ctx.inputs[0]
    dims, keepdim = ctx.params["dims"], ctx.params["keepdim"]
    out = _unsqueezed(ctx.output, x.shape, dims, keepdim)
    return _unsqueezed(g, x.shape, dims, keepdim) * (x - out).exp().conj()


# ---------------------------------------------------------------------------- logical, counts


@defop("all")
def _all(xp, x, dims, keepdim):
    return xp.all(x, axis=dims, keepdims=keepdim)


@defop("any")
def _any(xp, x, dims, keepdim):
    return xp.any(x, axis=dims, keepdims=keepdim)


@defop("count_nonzero")
def _count_nonzero(xp, x, dims):
    if len(dims) == x.ndim:  # a whole-tensor count needs no boolean copy of the tensor
        return xp.asarray(xp.count_nonzero(x), dtype=xp.int64)
    return xp.sum(x != 0, axis=dims, dtype=xp.int64)
