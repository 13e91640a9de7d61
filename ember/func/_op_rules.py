"""Batching rules for whole primitives, where NumPy-level batching would not do well.

The convolutions and poolings lay out their input as (N, C, *S) and build strided windows of
it, which a batched array cannot give (NOTE [ vmap as a backend ] in ``_batched.py``). Their
rules fold the vmap batch into the primitive's own batch instead: a pooling, or a convolution
with an unbatched weight, of a batched input is one call on (B * N, C, *S); a batched weight
(per-sample models) becomes B groups of one grouped convolution, whose input is (N, B * C, *S).
The weight gradient sums over N, so it always takes the grouped form.

A rule is ``rule(op, xp, data, params)`` on the input arrays of one call and returns the
forward's result at the highest level among them, or ``NotImplemented``. Primitives whose
result's shape depends on the values (nonzero, unique, bincount) send vmap to its per-sample
run, which raises torch's error if the shapes do differ.
"""

from __future__ import annotations

import numpy as np

from ._batched import DynamicShape, batch_size, batched, is_batched, max_level

__all__ = ["OP_RULES"]

OP_RULES: dict = {}


def _fold(a):
    """(B, N, ...) -> (B * N, ...)"""
    v = a.value
    return np.reshape(v, (v.shape[0] * v.shape[1], *v.shape[2:]))


def _unfold(r, n):
    return np.reshape(r, (n, r.shape[0] // n, *r.shape[1:]))


def _grouped(x, level, n):
    """(B, N, C, ...) (a batched x, or x broadcast) -> (N, B * C, ...)"""
    v = x.value if is_batched(x, level) else np.broadcast_to(x, (n, *x.shape))
    v = np.moveaxis(v, 0, 1)
    return np.reshape(v, (v.shape[0], v.shape[1] * v.shape[2], *v.shape[3:]))


def _ungrouped(r, n):
    """(N, B * C, ...) -> (B, N, C, ...)"""
    r = np.reshape(r, (r.shape[0], n, r.shape[1] // n, *r.shape[2:]))
    return np.moveaxis(r, 1, 0)


def _weights(w, level, n):
    """(B, O, ...) (or w broadcast) -> (B * O, ...)"""
    v = w.value if is_batched(w, level) else np.broadcast_to(w, (n, *w.shape))
    return np.reshape(v, (v.shape[0] * v.shape[1], *v.shape[2:]))


def _run(op, xp, data, params):
    from ._vmap import run_forward

    return run_forward(op, xp, data, params)


def _conv_like(op, xp, data, params):
    """convolution(x, w) and convolution_backward_input(g, w): the data operand first."""
    x, w = data
    level = max_level(data, params)
    if max_level(params) >= level:
        return NotImplemented
    n = batch_size(data, level)
    if is_batched(x, level) and not is_batched(w, level):
        return batched(_unfold(_run(op, xp, [_fold(x), w], params), n), level)
    grouped = dict(params, groups=params["groups"] * n)
    out = _run(op, xp, [_grouped(x, level, n), _weights(w, level, n)], grouped)
    return batched(_ungrouped(out, n), level)


def _conv_weight(op, xp, data, params):
    """convolution_backward_weight(x, g): per-sample weight gradients as groups."""
    x, g = data
    level = max_level(data, params)
    if max_level(params) >= level:
        return NotImplemented
    n = batch_size(data, level)
    grouped = dict(params, groups=params["groups"] * n)
    out = _run(op, xp, [_grouped(x, level, n), _grouped(g, level, n)], grouped)
    return batched(np.reshape(out, (n, out.shape[0] // n, *out.shape[1:])), level)


def _folding(array_params=(), shape_params=()):
    """The rule of a primitive whose inputs are (N, ...) with independent rows (pooling,
    im2col): the batch is folded into N. ``array_params``: parameters that are (N, ...) arrays
    too (max pooling's indices); ``shape_params``: parameters giving the full (N, ...) shape."""

    def rule(op, xp, data, params):
        level = max_level(data, params)
        n = batch_size((data, params), level)
        plain = {k: v for k, v in params.items() if k not in array_params}
        if max_level(plain) >= level or not data:
            return NotImplemented
        full = dict(params)
        for k in array_params:
            full[k] = _fold_full(params[k], level, n)
        for k in shape_params:
            shape = tuple(params[k])
            full[k] = (n * shape[0], *shape[1:])
        out = _run(op, xp, [_fold_full(a, level, n) for a in data], full)
        return _unfold_tree(out, n, level)

    return rule


def _fold_full(a, level, n):
    """(B, N, ...) -> (B * N, ...) for ``a`` batched at ``level`` (or ``a`` broadcast)."""
    v = a.value if is_batched(a, level) else np.broadcast_to(a, (n, *np.shape(a)))
    return np.reshape(v, (v.shape[0] * v.shape[1], *v.shape[2:]))


def _unfold_tree(out, n, level):
    if isinstance(out, tuple):
        return tuple(_unfold_tree(o, n, level) for o in out)
    if hasattr(out, "shape") and hasattr(out, "dtype") and np.ndim(out):
        return batched(_unfold(out, n), level)
    return out


def _full(a, level, n):
    """``a`` as a physical array of ``level``: its value, or ``a`` broadcast along the batch."""
    return a.value if is_batched(a, level) else np.broadcast_to(a, (n, *np.shape(a)))


def _along_dim(op, xp, data, params):
    """gather / scatter along ``dim`` with an index of the input's rank: on the physical
    arrays (the index too) one dim further on, each batch row on its own."""
    level = max_level(data, params)
    rest = {k: v for k, v in params.items() if k != "index"}
    if max_level(rest) >= level:
        return NotImplemented
    n = batch_size((data, params), level)
    ndim = data[0].ndim
    dim = params["dim"] + (ndim if params["dim"] < 0 else 0)
    full = dict(params, index=_full(params["index"], level, n), dim=dim + 1)
    out = _run(op, xp, [_full(a, level, n) for a in data], full)
    return batched(out, level)


def _int_index(k) -> bool:
    return (
        isinstance(k, (int, np.integer))
        and not isinstance(k, (bool, np.bool_))
        or (hasattr(k, "dtype") and k.dtype.kind in "iu")
    )


def _batched_key(key, level, n, ndim):
    """The physical key for a key of the logical arrays: a slice for the batch dim in front of
    a key with no batched array (where NumPy keeps the batch dim first), or an ``arange`` of
    the batch broadcast against integer index arrays some of which are batched."""
    from ._indexing import _adjacent, _is_basic
    from ._rules import _align

    key = key if isinstance(key, tuple) else (key,)
    if max_level(key) < level:
        if all(_is_basic(k) for k in key) or _adjacent(key):
            return (slice(None), *key)
        return None
    if not all(_int_index(k) for k in key) or len(key) > ndim:
        return None
    m = max(np.ndim(k) if not is_batched(k, level) else k.ndim for k in key)
    rows = np.arange(n).reshape((n,) + (1,) * m)
    return (rows, *(_align(k, level, m) for k in key))


def _keyed(op, xp, data, params):
    """index_put(x, v) and index_backward(g) (the scatter of a gradient into zeros) with a
    key: on the physical arrays with the key of the batch (:func:`_batched_key`)."""
    level = max_level(data, params)
    rest = {k: v for k, v in params.items() if k != "key"}
    if max_level(rest) >= level:
        return NotImplemented
    n = batch_size((data, params), level)
    if op.name == "index_backward":
        shape = tuple(params["shape"])
        key = _batched_key(params["key"], level, n, len(shape))
        if key is None:
            return NotImplemented
        out = _run(op, xp, [_full(data[0], level, n)], dict(params, shape=(n, *shape), key=key))
        return batched(out, level)
    x, v = data
    key = _batched_key(params["key"], level, n, x.ndim)
    if key is None:
        return NotImplemented
    xf = _full(x, level, n).copy() if not is_batched(x, level) else x.value
    if is_batched(v, level):
        region = np.ndim(xf[key]) - 1
        k = v.ndim
        v = v.value if k >= region else v.value[(slice(None),) + (None,) * (region - k)]
    return batched(_run(op, xp, [xf, v], dict(params, key=key)), level)


def _dynamic_shape(op, xp, data, params):
    raise DynamicShape(
        "vmap: We do not support batching operators that can output dynamic shape. Attempted "
        f"to vmap over aten::{op.name}. Please file an issue at "
        "https://github.com/pytorch/pytorch/issues if you need this feature."
    )


for _name in ("nonzero", "unique", "unique_consecutive", "bincount", "bincount_weights"):
    OP_RULES[_name] = _dynamic_shape  # the result's shape depends on each sample's values

OP_RULES["convolution"] = _conv_like
OP_RULES["convolution_backward_input"] = _conv_like
OP_RULES["convolution_backward_weight"] = _conv_weight
OP_RULES["im2col"] = _folding()
OP_RULES["col2im"] = _folding()
OP_RULES["avg_pool"] = _folding()
OP_RULES["avg_pool_backward"] = _folding()
OP_RULES["max_pool_with_indices"] = _folding()
OP_RULES["max_pool_backward"] = _folding(array_params=("indices",), shape_params=("shape",))
OP_RULES["max_pool_double_backward"] = _folding(array_params=("indices",))
for _name in ("gather", "scatter_add", "scatter", "scatter_value", "scatter_reduce"):
    OP_RULES[_name] = _along_dim
OP_RULES["index_put"] = _keyed
OP_RULES["index_backward"] = _keyed
