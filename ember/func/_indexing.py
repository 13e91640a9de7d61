"""Indexing of batched arrays (``a[key]``, ``a[key] = v``; see NOTE [ vmap as a backend ] in
``_batched.py``).

A key without per-sample index arrays gets a full slice for the batch dim in front, wherever
NumPy then keeps the batch dim first (basic keys; advanced index arrays in one run). Integer
index arrays some of which are per sample get an ``arange`` of the batch broadcast against
them. Anything else runs once per sample.
"""

from __future__ import annotations

import numpy as np

from ._batched import NotBatchable, batched, is_batched, level_of, max_level, per_sample
from ._rules import _align, _ndim

__all__ = ["getitem", "setitem"]


def _is_basic(k) -> bool:
    return (
        k is None
        or k is Ellipsis
        or isinstance(k, slice)
        or (isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)))
    )


def _adjacent(key) -> bool:
    """Whether the advanced entries of ``key`` (arrays, sequences, and ints next to them)
    are one run, so that NumPy puts their dims where they stand."""
    adv = [i for i, k in enumerate(key) if not _is_basic(k) or isinstance(k, (int, np.integer))]
    arrays = [i for i, k in enumerate(key) if not _is_basic(k)]
    if not arrays:
        return True
    return adv == list(range(adv[0], adv[0] + len(adv)))


def _int_array_key(key) -> bool:
    """Whether every entry of ``key`` is an integer index array (or an int)."""
    for k in key:
        if isinstance(k, (bool, np.bool_)):
            return False
        if (
            not isinstance(k, (int, np.integer))
            and getattr(k, "dtype", np.dtype("f")).kind not in "iu"
        ):
            return False
    return True


def getitem(a, key):
    key = key if isinstance(key, tuple) else (key,)
    level = max(a.level, max_level(key))
    if level == a.level and max_level(key) < level:
        if all(_is_basic(k) for k in key) or _adjacent(key):
            return batched(a.value[(slice(None), *key)], level)
    elif _int_array_key(key) and len(key) <= _ndim(a):
        # integer index arrays, some per sample: NumPy's advanced indexing with an arange of
        # the batch broadcast against them (the block of index dims then comes first)
        m = max(_ndim(k) for k in key)
        keys = tuple(_align(k, level, m) for k in key)
        if level == a.level:
            n = a.value.shape[0]
            return batched(a.value[(np.arange(n).reshape((n,) + (1,) * m), *keys)], level)
        return batched(a[keys], level)
    return per_sample(lambda x, *k: x[k], (a, *key), {})


def setitem(a, key, value):
    key = key if isinstance(key, tuple) else (key,)
    level = max(a.level, max_level(key), level_of(value))
    if level > a.level:
        raise NotBatchable("a write of batched values into an unbatched array")
    if max_level(key) < level and all(_is_basic(k) for k in key):
        target = a.value[(slice(None), *key)]
        target[...] = _align(value, level, target.ndim - 1)
        return
    n = a.value.shape[0]
    for i in range(n):
        sub = a.value[i]
        k_i = tuple(x.value[i] if is_batched(x, level) else x for x in key)
        sub[k_i] = value.value[i] if is_batched(value, level) else value
