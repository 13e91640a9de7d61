"""Convolution primitives: ``convolution``, its input and weight gradients, ``im2col``/``col2im``.

NOTE [ Convolution as a GEMM ]
Layout, for any number of spatial dims: input ``x`` (N, C, *S), weight ``w`` (O, C/G, *K),
output (N, O, *So). ``padding`` holds one ``(before, after)`` pair per spatial dim.

- forward: pad ``x`` with zeros, take the strided window view (N, C, *K, *So) with
  ``as_strided`` (no copy), lay it out as columns (N, G, C/G * |K|, |So|) -- the one copy,
  im2col -- and multiply the weight (G, O/G, C/G * |K|) by it in one batched matmul.
- input gradient (also the transposed convolution): columns ``w^T g`` in one batched matmul,
  then col2im sums them back into the padded input with a loop over the |K| kernel offsets,
  each adding one strided slice (never a scatter over elements).
- weight gradient: ``g`` times the transposed columns of ``x``, summed over the batch.

``conv(x, w)`` is bilinear, and the three maps are each other's adjoints, so each backward
(and double backward) is a call to one of the three:
``conv -> (input_grad(g, w), weight_grad(x, g))``,
``input_grad(g, w) -> (conv(gg, w), weight_grad(gg, g))``,
``weight_grad(x, g) -> (input_grad(g, gg), conv(x, gg))``.
With stride 1 the input gradient is computed as a convolution instead: the full correlation of
``g`` with the kernel flipped and its channel axes swapped, which skips the col2im pass.
An explicit ``out_shape`` lets ``conv`` ignore trailing input positions no window reaches (as
when the transposed convolution's ``output_padding`` added them).

NOTE [ im2col workspace ]
The columns are a temporary 9x (for 3x3) the size of the input, consumed by one matmul. A fresh
allocation of that size costs as much as filling it (the OS maps new pages on first touch),
so they are copied into one per-thread scratch buffer that grows to the largest size seen and
is reused. ``im2col`` (F.unfold), whose result the user keeps, allocates its own.
"""

from __future__ import annotations

import itertools
import math

from ..._backend import workspace_of
from .._registry import defop

# ---------------------------------------------------------------------------- array helpers


def out_size(size, kernel, stride, padding, dilation):
    """Output spatial shape of a convolution with ``padding`` as (before, after) pairs."""
    return tuple(
        (n + lo + hi - d * (k - 1) - 1) // s + 1
        for n, k, s, (lo, hi), d in zip(size, kernel, stride, padding, dilation)
    )


def pad_array(xp, x, padding, value=0):
    """``x`` (N, C, *S) with its spatial dims padded by ``value`` (a copy only when needed)."""
    if not any(lo or hi for lo, hi in padding):
        return x
    shape = x.shape[:2] + tuple(n + lo + hi for n, (lo, hi) in zip(x.shape[2:], padding))
    out = xp.full(shape, value, dtype=x.dtype)
    out[
        (slice(None), slice(None), *(slice(lo, lo + n) for n, (lo, _) in zip(x.shape[2:], padding)))
    ] = x
    return out


def windows(xp, x, kernel, stride, padding, dilation, out_shape):
    """The strided view (N, C, *K, *So) of the zero-padded ``x``: one window per output."""
    x = pad_array(xp, x, padding)
    st = x.strides
    spatial = st[2:]
    shape = (*x.shape[:2], *kernel, *out_shape)
    strides = (
        *st[:2],
        *(s * d for s, d in zip(spatial, dilation)),
        *(s * t for s, t in zip(spatial, stride)),
    )
    return xp.lib.stride_tricks.as_strided(x, shape, strides)


def col2im(xp, cols, in_shape, stride, padding, dilation):
    """Sum columns (N, C, *K, *So) back into an input of spatial shape ``in_shape``.

    The adjoint of :func:`windows`: each kernel offset adds one strided slice.
    """
    nd = len(in_shape)
    n, c = cols.shape[:2]
    kernel = cols.shape[2 : 2 + nd]
    out_shape = cols.shape[2 + nd :]
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(in_shape, padding))
    buf = xp.zeros((n, c, *padded), dtype=cols.dtype)
    if 0 not in out_shape:
        lead = (slice(None), slice(None))
        for offs in itertools.product(*(range(k) for k in kernel)):
            dst = tuple(
                slice(i * d, i * d + t * (m - 1) + 1, t)
                for i, d, t, m in zip(offs, dilation, stride, out_shape)
            )
            buf[lead + dst] += cols[lead + offs]
    if not any(lo or hi for lo, hi in padding):
        return buf
    crop = tuple(slice(lo, lo + s) for s, (lo, _) in zip(in_shape, padding))
    return xp.ascontiguousarray(buf[(slice(None), slice(None), *crop)])


def _scratch(xp, x, shape, dtype):
    """A reusable per-thread buffer on ``x``'s device for im2col columns (see NOTE [ im2col
    workspace ])."""
    nbytes = math.prod(shape) * xp.dtype(dtype).itemsize
    pool = workspace_of(x, "conv.im2col")
    buf = pool.get("columns")
    if buf is None or buf.nbytes < nbytes:
        buf = pool["columns"] = xp.empty(nbytes, dtype=xp.uint8)
    return buf[:nbytes].view(dtype).reshape(shape)


def _columns(xp, x, kernel, stride, padding, dilation, groups, out_shape):
    """im2col into the workspace: (N, G, C/G * |K|, |So|), valid until the next call."""
    n, c = x.shape[:2]
    view = windows(xp, x, kernel, stride, padding, dilation, out_shape)
    cols = _scratch(xp, x, view.shape, x.dtype)
    xp.copyto(cols, view)
    return cols.reshape(n, groups, c // groups * math.prod(kernel), math.prod(out_shape))


def _conv_arrays(xp, x, w, stride, padding, dilation, groups, out_shape):
    n = x.shape[0]
    o, cg = w.shape[:2]
    kernel = w.shape[2:]
    cols = _columns(xp, x, kernel, stride, padding, dilation, groups, out_shape)
    w3 = w.reshape(groups, o // groups, cg * math.prod(kernel))
    return xp.matmul(w3, cols).reshape((n, o, *out_shape))


# ---------------------------------------------------------------------------- convolution


@defop("convolution")
def _conv(xp, x, w, stride, padding, dilation, groups, out_shape=None):
    if out_shape is None:
        out_shape = out_size(x.shape[2:], w.shape[2:], stride, padding, dilation)
    return _conv_arrays(xp, x, w, stride, padding, dilation, groups, out_shape)


def _conf(ctx):
    p = ctx.params
    return {
        "stride": p["stride"],
        "padding": p["padding"],
        "dilation": p["dilation"],
        "groups": p["groups"],
    }


@_conv.vjp(save_inputs=True)
def _conv_backward(ctx, g):
    x, w = ctx.inputs
    need = ctx.needs_input_grad
    conf = _conf(ctx)
    gx = _conv_input_grad(g, w, in_shape=tuple(x.shape[2:]), **conf) if need[0] else None
    gw = _conv_weight_grad(x, g, kernel=tuple(w.shape[2:]), **conf) if need[1] else None
    return gx, gw


@defop("convolution_backward_input")
def _conv_input_grad(xp, g, w, in_shape, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    out_shape = g.shape[2:]
    cg = w.shape[1]
    kernel = w.shape[2:]
    # stride 1: a full correlation of g with the flipped, transposed kernel (see the NOTE)
    full = tuple(
        (d * (k - 1) - lo, n_in + lo - m)
        for k, d, (lo, _), n_in, m in zip(kernel, dilation, padding, in_shape, out_shape)
    )
    if all(s == 1 for s in stride) and all(lo >= 0 and hi >= 0 for lo, hi in full):
        wt = w.reshape(groups, o // groups, cg, *kernel).swapaxes(1, 2)
        flip = (slice(None),) * 3 + (slice(None, None, -1),) * len(kernel)
        wt = wt[flip].reshape(groups * cg, o // groups, *kernel)
        return _conv_arrays(xp, g, wt, stride, full, dilation, groups, tuple(in_shape))
    wt = w.reshape(groups, o // groups, cg * math.prod(kernel)).transpose(0, 2, 1)
    cols = xp.matmul(wt, g.reshape(n, groups, o // groups, math.prod(out_shape)))
    cols = cols.reshape((n, groups * cg, *kernel, *out_shape))
    return col2im(xp, cols, in_shape, stride, padding, dilation)


@_conv_input_grad.vjp(save_inputs=True)
def _conv_input_grad_backward(ctx, gg):
    g, w = ctx.inputs
    need = ctx.needs_input_grad
    conf = _conf(ctx)
    dg = _conv(gg, w, out_shape=tuple(g.shape[2:]), **conf) if need[0] else None
    dw = _conv_weight_grad(gg, g, kernel=tuple(w.shape[2:]), **conf) if need[1] else None
    return dg, dw


@defop("convolution_backward_weight")
def _conv_weight_grad(xp, x, g, kernel, stride, padding, dilation, groups):
    n, o = g.shape[:2]
    out_shape = g.shape[2:]
    cg = x.shape[1] // groups
    cols = _columns(xp, x, kernel, stride, padding, dilation, groups, out_shape)
    s = math.prod(out_shape)
    g4 = g.reshape(n, groups, o // groups, s)
    if o // groups <= s:
        # one (O x |So|) @ (|So| x CK) product per sample, summed over the batch
        gw = xp.matmul(g4, cols.swapaxes(-1, -2)).sum(axis=0)
    else:
        # small outputs (deep layers): per-sample products would be N times (O x CK), far more
        # than the inputs (at 1x1, 512 channels: 2.4M floats per sample); one GEMM over N*|So|
        g3 = g4.transpose(1, 2, 0, 3).reshape(groups, o // groups, n * s)
        c3 = cols.transpose(1, 2, 0, 3).reshape(groups, cols.shape[2], n * s)
        gw = xp.matmul(g3, c3.swapaxes(-1, -2))
    return gw.reshape((o, cg, *kernel))


@_conv_weight_grad.vjp(save_inputs=True)
def _conv_weight_grad_backward(ctx, gg):
    x, g = ctx.inputs
    need = ctx.needs_input_grad
    conf = _conf(ctx)
    dx = _conv_input_grad(g, gg, in_shape=tuple(x.shape[2:]), **conf) if need[0] else None
    dg = _conv(x, gg, out_shape=tuple(g.shape[2:]), **conf) if need[1] else None
    return dx, dg


def conv(x, w, stride, padding, dilation, groups):
    """N-d convolution of ``x`` (N, C, *S) with ``w`` (O, C/groups, *K); padding as pairs."""
    return _conv(
        x, w, stride=tuple(stride), padding=tuple(padding), dilation=tuple(dilation), groups=groups
    )


def conv_transpose(x, w, out_shape, stride, padding, dilation, groups):
    """Transposed convolution of ``x`` (N, Cin, *S) with ``w`` (Cin, Cout/groups, *K)."""
    return _conv_input_grad(
        x,
        w,
        in_shape=tuple(out_shape),
        stride=tuple(stride),
        padding=tuple(padding),
        dilation=tuple(dilation),
        groups=groups,
    )


# ---------------------------------------------------------------------------- unfold / fold


@defop("im2col")
def _im2col(xp, x, kernel, stride, padding, dilation):
    n, c = x.shape[:2]
    out_shape = out_size(x.shape[2:], kernel, stride, padding, dilation)
    view = windows(xp, x, kernel, stride, padding, dilation, out_shape)
    return view.reshape(n, c * math.prod(kernel), math.prod(out_shape))


@_im2col.vjp()
def _im2col_backward(ctx, g):
    p = ctx.params
    return _col2im(g, in_shape=tuple(ctx.in_meta[0][0][2:]), **p)


@defop("col2im")
def _col2im(xp, cols, in_shape, kernel, stride, padding, dilation):
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel)
    out_shape = out_size(in_shape, kernel, stride, padding, dilation)
    cols = cols.reshape((n, c, *kernel, *out_shape))
    return col2im(xp, cols, in_shape, stride, padding, dilation)


@_col2im.vjp()
def _col2im_backward(ctx, g):
    p = dict(ctx.params)
    del p["in_shape"]
    return _im2col(g, **p)


def im2col(x, kernel, stride, padding, dilation):
    """``x`` (N, C, *S) -> sliding blocks (N, C * |K|, L); padding as pairs."""
    return _im2col(
        x,
        kernel=tuple(kernel),
        stride=tuple(stride),
        padding=tuple(padding),
        dilation=tuple(dilation),
    )


def col2im_sum(cols, in_shape, kernel, stride, padding, dilation):
    """Sum sliding blocks (N, C * |K|, L) into (N, C, *in_shape); padding as pairs."""
    return _col2im(
        cols,
        in_shape=tuple(in_shape),
        kernel=tuple(kernel),
        stride=tuple(stride),
        padding=tuple(padding),
        dilation=tuple(dilation),
    )
