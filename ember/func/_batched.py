"""Batched arrays: the arrays of the tensors a function sees inside :func:`ember.func.vmap`.

NOTE [ vmap as a backend ]
Inside ``vmap`` a tensor's ``_data`` is a :class:`BatchedArray`: a physical array whose dim 0
is the mapped (batch) dim, plus the ``level`` of the ``vmap`` that made it. Everything ember
reads from a tensor's array (``shape``, ``ndim``, ``size``, ``dtype``) is the *logical*,
per-sample view, so ``x.shape``, ``x.sum()``, ``x.view(-1)`` and every error message behave as
they would on one sample. The batched array is registered in the backend table like another
array library (:class:`VmapBackend`: same ``xp``, device, caches and generator as the array
inside it), and it speaks NumPy's array protocols (``__array_ufunc__``,
``__array_function__``, the ndarray methods, indexing) with a *batching rule* for each common
NumPy function (``_rules.py``): the function runs once on the physical arrays with the dims
shifted past the batch dim. So every primitive's forward, written against ``xp``, runs batched
unchanged, and so do the backward formulas (they are ember ops), which is what makes
``vmap(grad(f))`` give per-sample gradients.

Anything without a rule runs once per sample (``per_sample``) and the results are stacked:
a NumPy function or method without a rule, and a primitive whose forward needs what a batched
array cannot give (its memory as a plain array, ``np.asarray``; its strides): those raise
:class:`NotBatchable`, and the op hook of ``_vmap.py`` reruns that primitive's forward per
sample. Both are always correct, only slower. Nested ``vmap`` calls nest batched arrays: the
``value`` of a level-2 array may itself be a level-1 array (levels only grow, so an inner
``vmap`` always has the higher level), and each rule handles the highest level among its
arguments, treating the others as values shared by every sample of that level.
"""

from __future__ import annotations

import threading

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from .._backend import Backend, backend_by_type, backend_of, register_backend

__all__ = ["BatchedArray", "NotBatchable", "batched", "level_of", "is_batched", "BATCHED_TYPES"]


class NotBatchable(Exception):
    """A computation on a batched array that has no batched form (it needs the plain array,
    or its samples disagree on a Python value): the caller reruns it once per sample."""


class AsPlainArray(NotBatchable):
    """A batched array asked for as one plain array (``np.asarray``, a write into a plain
    array's memory)."""


class DynamicShape(NotBatchable):
    """A primitive whose result's shape depends on each sample's values (nonzero, unique):
    vmap runs the function once per sample, and raises torch's error (this exception's text)
    if the samples' results differ in shape."""


class ItemError(NotBatchable, RuntimeError):
    """A batched tensor's values asked for as one sample's (``.item()``, ``bool(t)``,
    ``.tolist()``) where the samples differ: vmap then runs the function once per sample (torch
    raises this error instead)."""


ITEM_ERROR = (
    "vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over "
    "calling .item() on a Tensor, please try to rewrite what you're doing with other "
    "operations. If error is occurring somewhere inside PyTorch internals, please file a bug "
    "report."
)

BATCHED_TYPES: set = set()  # the BatchedArray class of each array library in use
_FAMILY: dict = {}  # plain array type -> its BatchedArray class

# How many batched arrays exist: the op hook of ``_vmap.py`` stays installed while any does (a
# graph made inside vmap can be run backward after it returned), and removes itself after.
_LIVE = [0]
_LIVE_LOCK = threading.RLock()


def live_batched() -> int:
    return _LIVE[0]


def level_of(x) -> int:
    """The vmap level of ``x``'s outermost batch dim; 0 for anything not batched."""
    return x.level if type(x) in BATCHED_TYPES else 0


def is_batched(x, level) -> bool:
    return type(x) in BATCHED_TYPES and x.level == level


def max_level(*objs) -> int:
    """The highest vmap level among ``objs`` and the items of the lists, tuples and dicts
    among them (one level of nesting, as NumPy's signatures have)."""
    best = 0
    for o in objs:
        t = type(o)
        if t in BATCHED_TYPES:
            if o.level > best:
                best = o.level
        elif t is list or t is tuple:
            for x in o:
                if type(x) in BATCHED_TYPES and x.level > best:
                    best = x.level
                elif type(x) is list or type(x) is tuple:
                    best = max(best, max_level(*x))
        elif t is dict:
            best = max(best, max_level(*o.values()))
    return best


def batch_size(objs, level) -> int:
    """The size of the batch dim of ``level`` (from the first array batched at it)."""
    for o in objs:
        if type(o) in BATCHED_TYPES and o.level == level:
            return o.value.shape[0]
        if type(o) in (list, tuple):
            n = batch_size(o, level)
            if n >= 0:
                return n
        elif type(o) is dict:
            n = batch_size(tuple(o.values()), level)
            if n >= 0:
                return n
    return -1


def innermost(a):
    while type(a) in BATCHED_TYPES:
        a = a.value
    return a


def batched(value, level):
    """``value`` (batch dim first) as a batched array of ``level``."""
    t = type(value)
    cls = t if t in BATCHED_TYPES else _FAMILY.get(t)
    if cls is None:
        cls = _family_of(t)
    out = object.__new__(cls)
    out.value = value
    out.level = level
    with _LIVE_LOCK:
        _LIVE[0] += 1
    return out


def _family_of(array_type):
    """The BatchedArray class (and its backend) for arrays of ``array_type``, made once."""
    inner = backend_by_type[array_type]
    cls = type(f"BatchedArray[{inner.name}]", (BatchedArray,), {"__slots__": ()})
    cls.inner_type = array_type
    register_backend(VmapBackend(inner, cls))  # the vmap backend, beside numpy/cupy
    BATCHED_TYPES.add(cls)
    _FAMILY[array_type] = cls
    return cls


def sample(x, level, i):
    """Sample ``i`` of ``x`` at ``level`` (``x`` itself where it is not batched there),
    looking into lists, tuples and dicts."""
    t = type(x)
    if t in BATCHED_TYPES:
        return x.value[i] if x.level == level else x
    if t is list or t is tuple:
        return t(sample(v, level, i) for v in x)
    if t is dict:
        return {k: sample(v, level, i) for k, v in x.items()}
    return x


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        eq = a == b
        return bool(eq) if not hasattr(eq, "shape") else False
    except Exception:
        return False


def stack_samples(results, level, what=None):
    """One batched result of ``level`` from the per-sample ``results`` (arrays are stacked;
    tuples, lists and dicts element by element; other values must agree)."""
    if not results:
        raise NotBatchable("no samples")
    first = results[0]
    t = type(first)
    if t in BATCHED_TYPES or isinstance(first, (np.ndarray, np.generic)) or is_plain_array(first):
        shapes = {np.shape(r) if type(r) not in BATCHED_TYPES else r.shape for r in results}
        if len(shapes) > 1:
            if what is None:
                raise NotBatchable("samples of different shapes")
            raise RuntimeError(
                "vmap: We do not support batching operators that can output dynamic shape. "
                f"Attempted to vmap over aten::{what}. Please file an issue at "
                "https://github.com/pytorch/pytorch/issues if you need this feature."
            )
        return batched(_stack(results), level)
    if t is tuple or t is list or (isinstance(first, tuple) and hasattr(t, "_fields")):
        parts = [stack_samples([r[j] for r in results], level, what) for j in range(len(first))]
        return t(*parts) if hasattr(t, "_fields") else t(parts)
    if t is dict:
        return {k: stack_samples([r[k] for r in results], level, what) for k in first}
    for r in results[1:]:
        if not _same(r, first):
            raise NotBatchable("samples disagree on a value")
    return first


def is_plain_array(x) -> bool:
    return type(x) in backend_by_type and type(x) not in BATCHED_TYPES


def _stack(results):
    first = innermost(results[0])
    if isinstance(first, np.generic):
        return np.stack([np.asarray(r) if isinstance(r, np.generic) else r for r in results])
    xp = backend_of(first).xp if type(first) in backend_by_type else np
    return xp.stack(results)


def per_sample(fn, args, kwargs, mutated=(), what=None):
    """``fn(*args, **kwargs)`` once per sample of the highest level among the arguments,
    stacked. ``mutated``: positions (ints) or names of arguments ``fn`` writes into; writing
    samples into an array that is not batched at that level has no batched form."""
    level = max_level(args, kwargs)
    n = batch_size((args, kwargs), level)
    for m in mutated:
        target = args[m] if isinstance(m, int) and m < len(args) else kwargs.get(m)
        if target is not None and level_of(target) < level:
            raise NotBatchable("a write of batched values into an unbatched array")
            # (targets given in tuples, e.g. out=(a,), are checked by the callers)
    if n == 0:
        raise NotBatchable("an empty batch")
    results = []
    for i in range(n):
        out = fn(*sample(args, level, i), **sample(kwargs, level, i))
        results.append(out)
    if mutated and all(r is None for r in results):
        return None
    return stack_samples(results, level, what)


class _Flags:
    """``flags`` of a batched array: those of its physical array (a sample of a C-contiguous
    batch is C-contiguous)."""

    __slots__ = ("c_contiguous", "f_contiguous", "writeable", "owndata")

    def __init__(self, value):
        f = value.flags
        self.c_contiguous = f.c_contiguous
        self.f_contiguous = f.c_contiguous and value.ndim <= 2 and value.shape[0] == 1
        self.writeable = f.writeable
        self.owndata = False

    def __getitem__(self, key):
        return getattr(self, key.lower())


def _consensus(a, fn):
    """``fn`` of every sample of ``a``: its value when all samples agree (a data-dependent
    branch all samples take the same way is a branch of each of them), else NotBatchable."""
    n = a.value.shape[0]
    if n == 0:
        raise NotBatchable("an empty batch")
    first = fn(a.value[0])
    for i in range(1, n):
        if not _same(fn(a.value[i]), first):
            raise NotBatchable("samples disagree on a Python value")
    return first


class BatchedArray(NDArrayOperatorsMixin):
    """A physical array ``value`` whose dim 0 is the batch dim of vmap level ``level``, seen
    as one sample (see NOTE [ vmap as a backend ])."""

    __slots__ = ("value", "level")
    inner_type = None
    __array_priority__ = 10_000

    # ------------------------------------------------------------------ logical metadata
    @property
    def shape(self):
        return tuple(self.value.shape[1:])

    @property
    def ndim(self):
        return self.value.ndim - 1

    @property
    def size(self):
        n = 1
        for s in self.value.shape[1:]:
            n *= s
        return n

    @property
    def dtype(self):
        return self.value.dtype

    @property
    def itemsize(self):
        return self.value.itemsize

    @property
    def nbytes(self):
        return self.size * self.value.itemsize

    @property
    def flags(self):
        return _Flags(innermost(self.value)) if self.level else None

    @property
    def base(self):
        return self.value  # never None: a batched array is not a plain owner of memory

    @property
    def strides(self):
        raise NotBatchable("the strides of a batched array")

    @property
    def data(self):
        raise NotBatchable("the memory of a batched array")

    @property
    def ctypes(self):
        raise NotBatchable("the memory of a batched array")

    def __array__(self, dtype=None, copy=None):
        raise AsPlainArray("a batched array as a plain array")

    @property
    def T(self):  # noqa: N802 - NumPy's name
        return np.transpose(self)

    @property
    def mT(self):  # noqa: N802 - NumPy's name
        return np.swapaxes(self, -1, -2)

    @property
    def real(self):
        return np.real(self)

    @property
    def imag(self):
        return np.imag(self)

    def __del__(self):
        try:
            with _LIVE_LOCK:
                _LIVE[0] -= 1
        except Exception:  # interpreter shutdown
            pass

    def __len__(self):
        if self.value.ndim < 2:
            raise TypeError("len() of unsized object")
        return self.value.shape[1]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __repr__(self):
        return f"BatchedArray(lvl={self.level}, bdim=0, value={self.value!r})"

    # ------------------------------------------------------------------ Python values
    def __bool__(self):
        return _consensus(self, bool)

    def __int__(self):
        return _consensus(self, int)

    def __float__(self):
        return _consensus(self, float)

    def __complex__(self):
        return _consensus(self, complex)

    def __index__(self):
        return _consensus(self, lambda s: s.__index__())

    def item(self, *args):
        return _consensus(self, lambda s: s.item(*args))

    def tolist(self):
        return _consensus(self, lambda s: s.tolist())

    # ------------------------------------------------------------------ NumPy protocols
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        from ._rules import ufunc_rule

        return ufunc_rule(ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        from ._rules import function_rule

        return function_rule(func, args, kwargs)

    def __getitem__(self, key):
        from ._indexing import getitem

        return getitem(self, key)

    def __setitem__(self, key, value):
        from ._indexing import setitem

        setitem(self, key, value)

    # ------------------------------------------------------------------ ndarray methods
    def reshape(self, *shape, order="C", copy=None):
        if len(shape) == 1 and not isinstance(shape[0], int):
            shape = shape[0]
        kw = {} if copy is None else {"copy": copy}
        return np.reshape(self, shape, order=order, **kw)

    def transpose(self, *axes):
        if len(axes) == 1 and (axes[0] is None or not isinstance(axes[0], int)):
            axes = axes[0]
        return np.transpose(self, axes or None)

    def swapaxes(self, a, b):
        return np.swapaxes(self, a, b)

    def squeeze(self, axis=None):
        return np.squeeze(self, axis)

    def ravel(self, order="C"):
        return np.ravel(self, order)

    def flatten(self, order="C"):
        return np.ravel(self, order).copy()

    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        return batched(
            self.value.astype(dtype, order=order, casting=casting, copy=copy), self.level
        )

    def copy(self, order="C"):
        return batched(self.value.copy(order), self.level)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def view(self, *args, **kwargs):
        dtype = args[0] if args else kwargs.get("dtype")
        if dtype is None and not kwargs and not args:
            return batched(self.value.view(), self.level)
        if dtype is not None and (
            np.dtype(dtype).itemsize == self.value.itemsize or self.value.ndim > 1
        ):
            # another item size rescales the last dim, which a sample has too
            return batched(self.value.view(dtype), self.level)
        raise NotBatchable("a view of a batched array with another item size")

    def fill(self, value):
        if level_of(value) > self.level:
            raise NotBatchable("a write of batched values into an unbatched array")
        self[...] = value

    def sort(self, axis=-1, kind=None, order=None):
        from ._rules import shift_axis

        self.value.sort(shift_axis(axis, self.ndim), kind=kind, order=order)

    def sum(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return np.sum(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return np.mean(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)

    def prod(self, axis=None, dtype=None, out=None, keepdims=False, **kw):
        return np.prod(self, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kw)

    def max(self, axis=None, out=None, keepdims=False, **kw):
        return np.max(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def min(self, axis=None, out=None, keepdims=False, **kw):
        return np.min(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def all(self, axis=None, out=None, keepdims=False, **kw):
        return np.all(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def any(self, axis=None, out=None, keepdims=False, **kw):
        return np.any(self, axis=axis, out=out, keepdims=keepdims, **kw)

    def argmax(self, axis=None, out=None, **kw):
        return np.argmax(self, axis=axis, out=out, **kw)

    def argmin(self, axis=None, out=None, **kw):
        return np.argmin(self, axis=axis, out=out, **kw)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        return np.std(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False, **kw):
        return np.var(self, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kw)

    def cumsum(self, axis=None, dtype=None, out=None):
        return np.cumsum(self, axis=axis, dtype=dtype, out=out)

    def cumprod(self, axis=None, dtype=None, out=None):
        return np.cumprod(self, axis=axis, dtype=dtype, out=out)

    def clip(self, min=None, max=None, out=None, **kw):  # noqa: A002
        return np.clip(self, min, max, out=out, **kw)

    def round(self, decimals=0, out=None):
        return np.round(self, decimals, out=out)

    def take(self, indices, axis=None, out=None, mode="raise"):
        return np.take(self, indices, axis=axis, out=out, mode=mode)

    def repeat(self, repeats, axis=None):
        return np.repeat(self, repeats, axis=axis)

    def diagonal(self, offset=0, axis1=0, axis2=1):
        return np.diagonal(self, offset, axis1, axis2)

    def trace(self, offset=0, axis1=0, axis2=1, dtype=None, out=None):
        return np.trace(self, offset, axis1, axis2, dtype, out)

    def dot(self, b, out=None):
        return np.dot(self, b, out=out)

    def nonzero(self):
        return np.nonzero(self)

    def argsort(self, axis=-1, kind=None, order=None, **kw):
        return np.argsort(self, axis=axis, kind=kind, order=order, **kw)

    def conj(self):
        return np.conjugate(self)

    conjugate = conj

    def __getattr__(self, name):
        """Any other ndarray method, once per sample (``self``'s samples are views, so the
        in-place ones write through)."""
        if name.startswith("__") or self.inner_type is None:
            raise AttributeError(name)
        if not hasattr(self.inner_type, name):
            raise AttributeError(f"'ndarray' object has no attribute '{name}'")

        def method(*args, **kwargs):
            if max_level(args, kwargs) > self.level:
                raise NotBatchable(f"ndarray.{name} with batched arguments")
            return per_sample(
                lambda s, *a, **k: getattr(s, name)(*a, **k), (self, *args), kwargs, mutated=(0,)
            )

        return method


def _per_sample_when_batched(fn):
    def call(*args, **kwargs):
        if max_level(args, kwargs):
            return per_sample(fn, args, kwargs)
        return fn(*args, **kwargs)

    call.__name__ = getattr(fn, "__name__", "call")
    return call


class _Namespace:
    """The array namespace of batched arrays, for code outside the primitives that computes
    on arrays (``backend_of(x).xp``): the library's own, except that ``asarray`` and its kin
    keep a batched array batched (NumPy's would need its memory as one plain array)."""

    def __init__(self, xp):
        self._xp = xp

    def __getattr__(self, name):
        attr = getattr(self._xp, name)
        if callable(attr) and not isinstance(attr, type) and self._xp is not np:
            # NumPy hands batched arguments to their __array_function__ (the rules); another
            # library would not know them: its functions run once per sample when given one
            attr = _per_sample_when_batched(attr)
        self.__dict__[name] = attr
        return attr

    def asarray(self, a, dtype=None, **kwargs):
        if type(a) in BATCHED_TYPES:
            return a if dtype is None else a.astype(dtype, copy=False)
        return self._xp.asarray(a, dtype=dtype, **kwargs)

    asanyarray = asarray

    def array(self, a, dtype=None, copy=True, **kwargs):
        if type(a) in BATCHED_TYPES:
            out = a if dtype is None else a.astype(dtype, copy=False)
            return out.copy() if copy and out is a else out
        return self._xp.array(a, dtype=dtype, copy=copy, **kwargs)

    def ascontiguousarray(self, a, dtype=None, **kwargs):
        if type(a) in BATCHED_TYPES:
            v = self._xp.ascontiguousarray(innermost(a)) if a.value is innermost(a) else a.value
            out = batched(v, a.level) if v is not a.value else a
            return out if dtype is None else out.astype(dtype, copy=False)
        return self._xp.ascontiguousarray(a, dtype=dtype, **kwargs)


class VmapBackend(Backend):
    """The backend of batched arrays: the array library, device, caches and generator of the
    arrays inside them (see NOTE [ vmap as a backend ])."""

    def __init__(self, inner, array_type):
        super().__init__()
        self.inner = inner
        self.name = inner.name
        self.xp = _Namespace(inner.xp)
        self.special = inner.special
        self.array_type = array_type

    def device_of(self, array):
        return self.inner.device_of(innermost(array))

    def to_host(self, array):
        """A batched array's values on the host: only when every sample holds the same
        values (then they are one sample's); otherwise :class:`ItemError`."""
        try:
            return self.inner.to_host(innermost(_consensus_array(array)))
        except NotBatchable:
            raise ItemError(ITEM_ERROR) from None

    def from_host(self, array, dev):
        return self.inner.from_host(array, dev)

    def data_ptr(self, array) -> int:
        raise NotBatchable("the memory of a batched array")

    def cache(self, dev, key):
        return self.inner.cache(dev, key)

    def workspace(self, dev, key):
        return self.inner.workspace(dev, key)

    def generator(self, dev):
        return self.inner.generator(dev)


def _consensus_array(a):
    """The one sample of ``a`` when all its samples are equal, else NotBatchable."""
    while type(a) in BATCHED_TYPES:
        v = a.value
        n = v.shape[0]
        if n == 0:
            raise NotBatchable("an empty batch")
        first = v[0]
        for i in range(1, n):
            if not bool(np.all(v[i] == first)):
                raise NotBatchable("samples differ")
        a = first
    return a


_family_of(np.ndarray)
