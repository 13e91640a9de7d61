"""``vmap``: the function once on a batch of inputs, with batched tensors (NOTE [ vmap as a
backend ] in ``_batched.py``).

NOTE [ The vmap op hook ]
An op whose inputs hold batched arrays goes through :func:`_hook`, installed with
:func:`ember.ops._registry.observe` while any batched array exists (vmap is running, or a graph
recorded inside it is still alive for a later backward) and removed after, so ops cost nothing
extra when vmap is not in use. The hook runs the primitive's forward batched
(:func:`run_forward`: a rule for the whole primitive, else the forward itself on the batched
arrays, else once per sample), then wraps and records the result as the op wrapper does, with
the logical (per-sample) tensors as the node's inputs: the backward formulas then run batched
too, which is what makes ``vmap(grad(f))`` per-sample.

Entering and leaving a ``vmap`` are differentiable (``_ToBatched`` / ``_FromBatched``, each the
other's backward), so ``grad(vmap(f))``, ``jacrev(vmap(f))`` and a plain ``.backward()`` through
a vmapped function work. When a function touches a batched array in a way nothing can batch
(outside any primitive), vmap runs the whole function once per sample and stacks the results.
"""

from __future__ import annotations

import functools
import itertools
import os
import threading

import numpy as np

from .._backend import backend_by_type
from .._random import default_generator
from .._tensor import Tensor, _wrap, device_mismatch
from ..autograd.function import Function
from ._batched import (
    BATCHED_TYPES,
    AsPlainArray,
    DynamicShape,
    NotBatchable,
    batch_size,
    batched,
    live_batched,
    max_level,
    per_sample,
)
from ._op_rules import OP_RULES
from ._pytree import broadcast_prefix, tree_flatten, tree_unflatten

__all__ = ["vmap"]

_LEVELS = itertools.count(1)  # levels only grow: an inner vmap always has the higher level
STRICT = [False]  # tests: let errors of the batched forward through instead of the fallback

# ---------------------------------------------------------------------------- the op hook


def _batched_params(params) -> bool:
    for v in params.values():
        t = type(v)
        if t in BATCHED_TYPES:
            return True
        if (t is tuple or t is list) and any(type(x) in BATCHED_TYPES for x in v):
            return True
    return False


def _hook(op, inputs, params, inplace, proceed):
    for t in inputs:
        if type(t._data) in BATCHED_TYPES:
            break
    else:
        if not (params and _batched_params(params)):
            if not live_batched():
                _Hook.release()
            return proceed()
    data = [t._data for t in inputs]
    kinds = {getattr(type(d), "inner_type", None) or type(d) for d in data}
    if len(kinds) > 1:
        raise device_mismatch(inputs)
    backend = backend_by_type[type(data[0])]
    xp = getattr(backend, "inner", backend).xp  # the library's own namespace (special_of)
    out = run_forward(op, xp, data, params)
    aux = None
    if op.has_aux:
        out, aux = out
    if inplace:
        target = data[0]
        top = max_level(out) if isinstance(out, tuple) else _level(out)
        if top > _level(target):
            raise RuntimeError(INPLACE_ERROR)
        return out, aux, xp
    return _finish(op, inputs, params, out, aux, xp)


def _level(a) -> int:
    return a.level if type(a) in BATCHED_TYPES else 0


INPLACE_ERROR = (
    "vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a "
    "Tensor `other` in extra_args that has more elements than `self`. This happened due to "
    "`other` being vmapped over but `self` not being vmapped over in a vmap. Please try to use "
    "out-of-place operators instead of inplace arithmetic. If said operator is being called "
    "inside the PyTorch framework, please file a bug report instead."
)


def run_forward(op, xp, data, params):
    """The forward of ``op`` on arrays some of which are batched (see NOTE [ The vmap op
    hook ]): its primitive rule, else the forward on the batched arrays (NumPy's protocols),
    else once per sample."""
    if not max_level(data, params):  # a sample of a per-sample run: a plain call
        return op.forward(xp, *data, **params)
    rule = OP_RULES.get(op.name)
    if rule is not None:
        out = rule(op, xp, data, params)
        if out is not NotImplemented:
            return out
    if xp is np:
        try:
            return op.forward(xp, *data, **params)
        except RandomDraw:
            raise
        except NotBatchable:
            pass
        except Exception:
            # a forward that trips over a batched array where a plain one would not; a real
            # error (bad arguments) comes back from the per-sample run with its own message
            if STRICT[0]:
                raise
    return _per_sample_forward(op, xp, data, params)


def _per_sample_forward(op, xp, data, params):
    level = max_level(data, params)
    if batch_size((data, params), level) == 0:
        return _empty_batch(op, xp, data, params, level)
    return per_sample(lambda *d, **p: run_forward(op, xp, d, p), tuple(data), params, what=op.name)


def _empty_batch(op, xp, data, params, level):
    """A batch of no samples: the forward runs on zeros of one sample's shape to learn the
    shape of its result, which is then given with no samples."""

    def one(a):
        if type(a) in BATCHED_TYPES and a.level == level:
            return xp.zeros(a.shape, dtype=a.dtype)
        return a

    out = op.forward(xp, *[one(a) for a in data], **{k: one(v) for k, v in params.items()})
    return _no_samples(out, xp, level)


def _no_samples(o, xp, level):
    if isinstance(o, tuple):
        return tuple(_no_samples(x, xp, level) for x in o)
    if hasattr(o, "shape") and hasattr(o, "dtype"):
        return batched(xp.empty((0, *o.shape), dtype=o.dtype), level)
    return o


def _finish(op, inputs, params, out, aux, xp):
    """Wrap and record a batched op's result as the op wrapper does; the node runs its backward
    at this vmap level."""
    result, node = op.wrap(inputs, params, out, aux, xp)
    if node is not None:
        node.op = _LevelledOp(op, inputs)
    return result


def levels(a) -> set:
    """The vmap levels of the batched array ``a`` (nested ones included)."""
    out = set()
    while type(a) in BATCHED_TYPES:
        out.add(a.level)
        a = a.value
    return out


_ALIVE: set = set()  # the levels of the vmaps running now


def _sum_level(g, level):
    """The tensor ``g`` summed over the batch dim of ``level`` (differentiably)."""
    a = g._data
    while a.level != level:
        a = a.value
    return _FromBatched.apply(g, level, a.value.shape[0], 0).sum(0)


class _LevelledOp:
    """The op of a node recorded by the vmap hook: its backward, run after the vmap of some
    level has returned (``grad(vmap(f))``, ``jacrev(jacrev(f))``, a ``.backward()`` of a
    vmapped function's result), sums the gradient of an input that level did not batch over
    that level's samples, since they all used the same input. While the vmap runs, the
    differentiation is inside it (``vmap(grad(f))``) and each sample keeps its own gradient."""

    __slots__ = ("op", "in_levels", "name", "node_name", "saves", "n_outputs", "has_aux")

    def __init__(self, op, inputs):
        self.op = op
        self.in_levels = [levels(t._data) for t in inputs]
        self.name, self.node_name = op.name, op.node_name
        self.saves, self.n_outputs, self.has_aux = op.saves, op.n_outputs, op.has_aux

    def __getattr__(self, name):
        return getattr(self.op, name)

    def backward(self, ctx, *grads):
        res = self.op.backward(ctx, *grads)
        single = not isinstance(res, tuple)
        out = []
        for g, have in zip((res,) if single else res, self.in_levels):
            if g is not None and type(g._data) in BATCHED_TYPES:
                for level in sorted(levels(g._data) - have, reverse=True):
                    if level not in _ALIVE:
                        g = _sum_level(g, level)
            out.append(g)
        return out[0] if single else tuple(out)


class _Hook:
    """The installed op hook (one for all vmap levels): on while vmap runs or batched arrays
    exist, off otherwise."""

    lock = threading.RLock()
    remove = None
    running = 0

    @classmethod
    def acquire(cls):
        from ..ops._registry import observe

        with cls.lock:
            cls.running += 1
            if cls.remove is None:
                cls.remove = observe(_hook)

    @classmethod
    def done(cls):
        with cls.lock:
            cls.running -= 1

    @classmethod
    def release(cls):
        """Remove the hook once no vmap runs and no batched array is left."""
        with cls.lock:
            if cls.running == 0 and cls.remove is not None and not live_batched():
                cls.remove()
                cls.remove = None


# ---------------------------------------------------------------------------- in and out


def _rewrap(a, level, dim):
    """The array ``a`` (of a tensor with the mapped dim at ``dim``) as a batched array of
    ``level``; an array batched at a higher level keeps that level outermost."""
    if type(a) in BATCHED_TYPES and a.level > level:
        return batched(_rewrap(a.value, level, dim + 1), a.level)
    return batched(np.moveaxis(a, dim, 0), level)


def _unwrap(a, level, n, dim):
    """The batched array ``a`` of ``level`` as an array with the batch at ``dim``; one that
    is not batched at ``level`` is the same for every sample (broadcast, as a view)."""
    if type(a) in BATCHED_TYPES:
        if a.level == level:
            return np.moveaxis(a.value, 0, dim)
        if a.level > level:
            return batched(_unwrap(a.value, level, n, dim + 1), a.level)
    shape = tuple(a.shape)
    return np.broadcast_to(np.expand_dims(a, dim), (*shape[:dim], n, *shape[dim:]))


class _ToBatched(Function):
    @staticmethod
    def forward(ctx, x, level, dim):
        ctx.level, ctx.dim, ctx.n = level, dim, x.shape[dim]
        out = _wrap(_rewrap(x._data, level, dim))
        out._version_counter = x._version_counter  # one memory: an in-place write is seen
        return out

    @staticmethod
    def backward(ctx, g):
        return _FromBatched.apply(g, ctx.level, ctx.n, ctx.dim), None, None


class _FromBatched(Function):
    @staticmethod
    def forward(ctx, t, level, n, dim):
        ctx.level, ctx.dim = level, dim
        out = _wrap(_unwrap(t._data, level, n, dim))
        out._version_counter = t._version_counter
        return out

    @staticmethod
    def backward(ctx, g):
        return _ToBatched.apply(g, ctx.level, ctx.dim), None, None, None


def _is_batched_at(t, level) -> bool:
    a = t._data
    while type(a) in BATCHED_TYPES:
        if a.level == level:
            return True
        a = a.value
    return False


# ---------------------------------------------------------------------------- randomness

RANDOM_ERROR = (
    "vmap: called random operation while in randomness error mode. Please either use the "
    "'same' or 'different' randomness flags on vmap or perform the randomness operation out of "
    "vmap"
)


class RandomDraw(NotBatchable):
    """A random draw inside a vmap with randomness='different': the function then runs once
    per sample, each drawing its own numbers."""


_STATE_METHODS = frozenset(
    {"bit_generator", "manual_seed", "seed", "to_bytes", "load_bytes", "copy", "state"}
)


class _Refusing:
    """Stands for the default generator's engine while a vmap runs batched: the state methods
    pass through, a draw raises (torch's error, or :class:`RandomDraw`)."""

    def __init__(self, engine, mode):
        self._engine, self._mode = engine, mode

    def __getattr__(self, name):
        attr = getattr(self._engine, name)
        if name in _STATE_METHODS or not callable(attr):
            return attr
        mode = self._mode

        def refuse(*args, **kwargs):
            if mode == "error":
                raise RuntimeError(RANDOM_ERROR)
            raise RandomDraw("a random draw with randomness='different'")

        return refuse


class _Randomness:
    """The randomness mode of one vmap run: with 'error' a random op (on the default
    generator; an explicit ``generator=`` is left alone) raises torch's error; with
    'different' it sends vmap to its per-sample run, where each sample draws its own numbers;
    'same' needs nothing (a draw inside the batched run is made once, for every sample)."""

    def __init__(self, mode):
        self.mode = mode
        self.saved = None
        gen = default_generator
        self.attr = "_engine" if "_engine" in vars(gen) else "_rng"

    def __enter__(self):
        if self.mode != "same":
            self.saved = getattr(default_generator, self.attr)
            setattr(default_generator, self.attr, _Refusing(self.saved, self.mode))
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            setattr(default_generator, self.attr, self.saved)


# ---------------------------------------------------------------------------- vmap


def _fname(func) -> str:
    return getattr(func, "__name__", repr(func))


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """Vectorize ``func`` over a dim of its inputs, as ``torch.vmap`` / ``torch.func.vmap``.

    ``vmap(func)(x)`` is ``func`` applied to each slice ``x.select(0, i)`` and the results
    stacked along dim 0, computed with one call of ``func`` on *batched* tensors: inside
    ``func`` a tensor shows one sample's shape (``x.shape``, ``x.sum()``, ``x.view(-1)`` are
    per sample), and every op runs once on the whole batch through its batching rule
    (elementwise ops broadcast with the batch dims aligned, reductions and shape ops shift
    their dims, matmul/linear/einsum and convolutions fold the batch in); an op without a rule
    runs once per sample, with the same result. Transforms nest: ``vmap(grad(f))`` gives
    per-sample gradients, ``vmap(vmap(f))`` maps over two dims.

    ``in_dims``: an int (the mapped dim of every tensor argument), or a tuple with one entry
    per positional argument, itself an int, None (the argument is not mapped: every sample
    sees it whole) or a pytree matching that argument's. ``out_dims``: where the mapped dim
    goes in each output (an int, None for an output that does not depend on the mapped
    inputs, or a pytree). Keyword arguments are passed unmapped. ``randomness``: 'error'
    (random ops inside raise), 'different' (each sample draws its own numbers) or 'same'
    (every sample gets the same numbers). ``chunk_size``: run at most that many samples at a
    time (memory), with the same result.

    >>> import ember
    >>> from ember.func import vmap
    >>> x = ember.arange(6.0).reshape(2, 3)
    >>> vmap(lambda row: row.sum())(x)
    tensor([ 3., 12.])
    >>> vmap(ember.dot, in_dims=(0, None))(x, ember.ones(3))
    tensor([ 3., 12.])
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(
            "Only allowed values for randomness are 'error', 'different', or 'same'. "
            f"Got {randomness}"
        )
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size < 1):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        return _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)

    return wrapped


def _flat_in_dims(func, in_dims, args):
    name = _fname(func)
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a "
            "(potentially nested) tuple matching the structure of inputs, got: "
            f"{type(in_dims)}."
        )
    if not args:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you "
            "are trying to vmap over a function with no inputs. The latter is unsupported."
        )
    flat, spec = tree_flatten(args)
    dims = broadcast_prefix(in_dims, spec)
    if dims is None:
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with "
            "the structure of `inputs`. in_dims has structure "
            f"{tree_flatten(in_dims)[1]} but inputs has structure {spec}."
        )
    sizes = []
    for x, d in zip(flat, dims):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                "but in_dim must be either an integer dimension or None."
            )
        if not isinstance(x, Tensor):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input "
                f"but the input is of type {type(x)}. We cannot vmap over non-Tensor "
                "arguments, please use None as the respective in_dim"
            )
        nd = x.dim()
        if not -nd <= d < nd:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some "
                f"input, but that input is a Tensor of dimensionality {nd} so expected in_dim "
                f"to satisfy -{nd} <= in_dim < {nd}."
            )
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if len(set(sizes)) > 1:
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got "
            f"sizes {sizes} for the mapped dimension"
        )
    dims = [None if d is None else d % flat[i].dim() for i, d in enumerate(dims)]
    return flat, spec, dims, sizes[0]


def _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs):
    flat, spec, dims, n = _flat_in_dims(func, in_dims, args)
    _check_out_dims(func, out_dims)
    if chunk_size is None or chunk_size >= n or n == 0:
        return _run(func, flat, spec, dims, n, kwargs, out_dims, randomness)
    outs = []
    for start in range(0, n, chunk_size):
        size = min(chunk_size, n - start)
        part = [x if d is None else x.narrow(d, start, size) for x, d in zip(flat, dims)]
        outs.append(_run(func, part, spec, dims, size, kwargs, out_dims, randomness))
    return _concat_chunks(func, outs, out_dims)


def _check_out_dims(func, out_dims):
    flat, _ = tree_flatten(out_dims)
    if not all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in flat):
        raise ValueError(
            f"vmap({_fname(func)}, ..., out_dims={out_dims}): `out_dims` must be an int, None "
            "or a python collection of ints representing where in the outputs the vmapped "
            "dimension should appear."
        )


def _concat_chunks(func, outs, out_dims):
    from .. import cat

    flat0, spec = tree_flatten(outs[0])
    dims = _flat_out_dims(func, out_dims, spec, flat0)
    cols = [tree_flatten(o)[0] for o in outs]
    joined = []
    for j, d in enumerate(dims):
        if d is None or not isinstance(flat0[j], Tensor):
            joined.append(flat0[j])
        else:
            joined.append(cat([c[j] for c in cols], dim=d))
    return tree_unflatten(joined, spec)


def _flat_out_dims(func, out_dims, spec, flat):
    dims = broadcast_prefix(out_dims, spec)
    if dims is None:
        raise ValueError(
            f"vmap({_fname(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
            "compatible with the structure of `outputs`. out_dims has structure "
            f"{tree_flatten(out_dims)[1]} but outputs has structure {spec}."
        )
    return dims


_PER_SAMPLE = object()


def _run(func, flat, spec, dims, n, kwargs, out_dims, randomness):
    level = next(_LEVELS)
    _Hook.acquire()
    _ALIVE.add(level)
    try:
        out = _run_batched(func, flat, spec, dims, n, kwargs, out_dims, randomness, level)
    finally:
        _ALIVE.discard(level)
        _Hook.done()
    _Hook.release()  # the batched inputs are gone with _run_batched's frame
    if type(out) is tuple and len(out) == 2 and out[0] is _PER_SAMPLE:
        dynamic = out[1]
        return _per_sample_call(func, flat, spec, dims, n, kwargs, out_dims, randomness, dynamic)
    return out


def _run_batched(func, flat, spec, dims, n, kwargs, out_dims, randomness, level):
    with _Randomness(randomness):
        inputs = [x if d is None else _ToBatched.apply(x, level, d) for x, d in zip(flat, dims)]
        try:
            out = func(*tree_unflatten(inputs, spec), **kwargs)
        except NotBatchable as e:
            if isinstance(e, AsPlainArray) and _from_inplace(e):
                raise RuntimeError(INPLACE_ERROR) from None
            return _PER_SAMPLE, (str(e) if isinstance(e, DynamicShape) else None)
        return _outputs(func, out, level, n, out_dims)


def _from_inplace(exc) -> bool:
    """Whether ``exc`` came from the in-place machinery writing a batched result into the
    memory of a tensor that is not batched (torch refuses that write)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(_INPLACE_FILE):
            return True
        tb = tb.tb_next
    return False


_INPLACE_FILE = os.path.join("ember", "ops", "_inplace.py")


def _outputs(func, out, level, n, out_dims):
    name = _fname(func)
    flat, spec = tree_flatten(out)
    dims = _flat_out_dims(func, out_dims, spec, flat)
    res = []
    for o, d in zip(flat, dims):
        if d is None:
            if isinstance(o, Tensor) and _is_batched_at(o, level):
                raise ValueError(
                    f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim "
                    "is None"
                )
            res.append(o)
            continue
        if not isinstance(o, Tensor):
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type {type(o)}. "
                "Did you mean to set out_dims= to None for output?"
            )
        nd = o.dim() + 1
        if not -nd <= d < nd:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], but "
                f"got {d})"
            )
        res.append(_FromBatched.apply(o, level, n, d % nd))
    return tree_unflatten(res, spec)


def _per_sample_call(func, flat, spec, dims, n, kwargs, out_dims, randomness, dynamic=None):
    """The whole function once per sample, stacked: for a function that does, outside any
    primitive, something a batched array has no form for. Each sample is a tensor of its own
    (storage-level ops such as ``as_strided`` see one sample's storage, as under torch's
    vmap); one the function changed in place is written back into the input. ``dynamic``:
    torch's error to raise if the samples' results differ in shape."""
    from .. import no_grad, stack

    state = default_generator.get_state() if randomness == "same" else None
    results = []
    for i in range(n):
        if state is not None:
            default_generator.set_state(state)
        with _Randomness("error" if randomness == "error" else "same"):
            part = [x if d is None else x.select(d, i).clone() for x, d in zip(flat, dims)]
            versions = [None if d is None else p._version for p, d in zip(part, dims)]
            results.append(func(*tree_unflatten(part, spec), **kwargs))
        for x, d, p, v in zip(flat, dims, part, versions):
            if d is not None and p._version != v:
                with no_grad():
                    x.select(d, i).copy_(p)
    flat0, out_spec = tree_flatten(results[0])
    odims = _flat_out_dims(func, out_dims, out_spec, flat0)
    cols = [tree_flatten(r)[0] for r in results]
    joined = []
    for j, d in enumerate(odims):
        if d is None:
            joined.append(flat0[j])
        elif not isinstance(flat0[j], Tensor):
            name = _fname(func)
            raise ValueError(
                f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                f"{type(flat0[j])}. Did you mean to set out_dims= to None for output?"
            )
        else:
            column = [c[j] for c in cols]
            if dynamic is not None and len({tuple(t.shape) for t in column}) > 1:
                raise RuntimeError(dynamic)
            joined.append(stack(column, dim=d))
    return tree_unflatten(joined, out_spec)
