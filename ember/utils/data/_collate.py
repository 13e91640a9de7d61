"""Collation (``torch.utils.data._utils.collate``): turning a list of samples into a batch.

``default_collate`` stacks tensors, turns NumPy arrays and Python numbers into tensors, keeps
strings as lists, and recurses into dicts, namedtuples and sequences (which it transposes).
``default_convert`` does the same conversions on one sample, without adding a batch dimension.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable

import numpy as np

import ember

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

# NumPy dtype codes of byte strings, unicode strings and objects: not convertible to tensors.
_STR_OBJ_DTYPE = re.compile(r"[SaUO]")

_ERR_FMT = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)


def _rebuild_mapping(template, items: dict):
    """A mapping like ``template`` holding ``items`` (a plain dict if the type resists)."""
    try:
        if isinstance(template, collections.abc.MutableMapping):
            clone = copy.copy(template)
            clone.update(items)
            return clone
        return type(template)(items)
    except TypeError:
        return items


def _rebuild_sequence(template, items: list):
    """A sequence like ``template`` holding ``items`` (a plain list if the type resists)."""
    try:
        if isinstance(template, collections.abc.MutableSequence):
            clone = copy.copy(template)
            for i, item in enumerate(items):
                clone[i] = item
            return clone
        return type(template)(items)
    except TypeError:
        return items


def default_convert(data):
    """Convert NumPy arrays and scalars inside ``data`` to tensors, leaving the rest as is.

    The DataLoader's ``collate_fn`` when automatic batching is off (``batch_size=None``).
    """
    if isinstance(data, ember.Tensor):
        return data
    cls = type(data)
    if cls.__module__ == "numpy" and cls.__name__ not in ("str_", "bytes_", "string_"):
        if isinstance(data, np.ndarray) and _STR_OBJ_DTYPE.search(data.dtype.str):
            return data
        # np.asarray: a NumPy scalar keeps its own dtype (np.float64 -> float64)
        return ember.as_tensor(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {k: default_convert(data[k]) for k in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return cls(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def collate(batch, *, collate_fn_map: dict | None = None):
    """Collate ``batch`` (a list of samples), dispatching leaves through ``collate_fn_map``.

    ``collate_fn_map`` maps a type (or tuple of types) to ``fn(batch, *, collate_fn_map)``;
    the exact type of the first sample is looked up first, then ``isinstance`` in insertion
    order. Mappings, namedtuples and other sequences are handled structurally.
    """
    elem = batch[0]
    cls = type(elem)
    if collate_fn_map is not None:
        if cls in collate_fn_map:
            return collate_fn_map[cls](batch, collate_fn_map=collate_fn_map)
        for types, fn in collate_fn_map.items():
            if isinstance(elem, types):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        return _rebuild_mapping(
            elem, {k: collate([d[k] for d in batch], collate_fn_map=collate_fn_map) for k in elem}
        )
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return cls(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(d) != size for d in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # each column is a tuple, which string leaves return as is (as PyTorch does)
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        return _rebuild_sequence(elem, columns)
    raise TypeError(_ERR_FMT.format(cls))


def _stack_arrays(arrays):
    """``np.stack`` of arrays that share one shape and dtype; None when they do not."""
    shape, dtype = arrays[0].shape, arrays[0].dtype
    for a in arrays:
        if a.shape != shape or a.dtype != dtype:
            return None
    return np.stack(arrays)


def _collate_tensor(batch, *, collate_fn_map=None):
    # The common batch (CPU tensors of one shape and dtype, no autograd) is stacked by NumPy
    # directly: ember.stack goes through one unsqueeze per sample, ~10x slower on 64 small
    # images. Anything else takes ember.stack, for its autograd graph, promotion and errors.
    if all(isinstance(t, ember.Tensor) and not t.requires_grad and t.is_cpu for t in batch):
        stacked = _stack_arrays([t.numpy() for t in batch])
        if stacked is not None:
            return ember.from_numpy(stacked)
    return ember.stack(batch, 0)


def _collate_ndarray(batch, *, collate_fn_map=None):
    if _STR_OBJ_DTYPE.search(batch[0].dtype.str):
        raise TypeError(_ERR_FMT.format(batch[0].dtype))
    if all(isinstance(b, np.ndarray) for b in batch):
        stacked = _stack_arrays(batch)
        if stacked is not None:  # one conversion for the batch, not one per sample
            return ember.as_tensor(stacked)
    return ember.stack([ember.as_tensor(b) for b in batch], 0)


def _collate_numpy_scalar(batch, *, collate_fn_map=None):
    return ember.as_tensor(np.asarray(batch))


def _collate_float(batch, *, collate_fn_map=None):
    return ember.tensor(batch, dtype=ember.float64)


def _collate_int(batch, *, collate_fn_map=None):
    return ember.tensor(batch)


def _collate_str(batch, *, collate_fn_map=None):
    return batch


default_collate_fn_map: dict[type | tuple[type, ...], Callable] = {
    ember.Tensor: _collate_tensor,
    np.ndarray: _collate_ndarray,
    (np.bool_, np.number, np.object_): _collate_numpy_scalar,
    float: _collate_float,
    int: _collate_int,
    str: _collate_str,
    bytes: _collate_str,
}


def default_collate(batch):
    """Stack a list of samples into a batch, following PyTorch's rules.

    Tensors are stacked along a new first dimension (equal shapes required); NumPy arrays
    become tensors and are stacked; NumPy scalars become a 1-d tensor of their dtype; Python
    ints give an int64 tensor (bools a bool tensor), floats a float64 tensor; strings and bytes
    stay a list. Dicts collate per key, namedtuples per field, and other sequences are
    transposed and collated per position (tuples come back as lists).
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
