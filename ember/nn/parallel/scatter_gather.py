"""``scatter``, ``scatter_kwargs`` and ``gather`` (``torch.nn.parallel.scatter_gather``).

``scatter`` splits the tensors of a nested structure into chunks along ``dim``, one per target
device, and moves each chunk there; ``gather`` does the reverse. Containers are walked the way
torch walks them: tuples, named tuples, lists and dicts are rebuilt around their scattered items,
anything else is passed to every device unchanged.
"""

from __future__ import annotations

import warnings

from ..._tensor import Tensor
from ._devices import as_target

__all__ = ["scatter", "scatter_kwargs", "gather"]


def _is_namedtuple(obj) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_asdict") and hasattr(obj, "_fields")


def scatter(inputs, target_gpus, dim: int = 0):
    """Split ``inputs`` into one piece per device of ``target_gpus``.

    A tensor is chunked along ``dim`` (as ``Tensor.chunk`` does, so a short dimension gives fewer
    pieces than devices) and chunk ``i`` is moved to device ``i``; tuples, lists and dicts are
    split item by item and rebuilt, one per piece; any other object is repeated for each device.
    Returns a list with one entry per piece.
    """
    targets = [as_target(d) for d in target_gpus]

    def split(obj):
        if isinstance(obj, Tensor):
            chunks = obj.chunk(len(targets), dim) if targets else ()
            return [c.to(d) for c, d in zip(chunks, targets)]
        if _is_namedtuple(obj):
            return [type(obj)(*items) for items in zip(*map(split, obj))]
        if isinstance(obj, tuple) and obj:
            return list(zip(*map(split, obj)))
        if isinstance(obj, list) and obj:
            return [list(items) for items in zip(*map(split, obj))]
        if isinstance(obj, dict) and obj:
            return [type(obj)(items) for items in zip(*map(split, obj.items()))]
        return [obj for _ in targets]

    return split(inputs)


def scatter_kwargs(inputs, kwargs, target_gpus, dim: int = 0):
    """Scatter positional ``inputs`` and keyword ``kwargs`` alike; the shorter of the two lists
    is padded with ``()`` / ``{}`` so each device gets one of each. Returns two tuples."""
    pieces = scatter(inputs, target_gpus, dim) if inputs else []
    kw_pieces = scatter(kwargs, target_gpus, dim) if kwargs else []
    pieces = list(pieces) + [() for _ in range(len(kw_pieces) - len(pieces))]
    kw_pieces = list(kw_pieces) + [{} for _ in range(len(pieces) - len(kw_pieces))]
    return tuple(pieces), tuple(kw_pieces)


def _gather_tensors(tensors, target, dim):
    from ... import cat

    moved = [t.to(target) for t in tensors]
    if all(t.dim() == 0 for t in moved):
        warnings.warn(
            "Was asked to gather along dimension 0, but all input tensors were scalars; "
            "will instead unsqueeze and return a vector.",
            stacklevel=3,
        )
        moved = [t.reshape(1) for t in moved]
        dim = 0
    return cat(moved, dim)


def gather(outputs, target_device, dim: int = 0):
    """Bring the per-device ``outputs`` onto ``target_device`` (an int names a CUDA device,
    ``-1`` or ``'cpu'`` the CPU), concatenating tensors along ``dim`` and rebuilding tuples,
    named tuples, lists and dicts around them; ``None`` stays ``None``."""
    target = as_target(target_device)

    def join(items):
        first = items[0]
        if isinstance(first, Tensor):
            return _gather_tensors(items, target, dim)
        if first is None:
            return None
        if isinstance(first, dict):
            if not all(len(first) == len(d) for d in items):
                raise ValueError("All dicts must have the same number of keys")
            return type(first)((k, join([d[k] for d in items])) for k in first)
        if _is_namedtuple(first):
            return type(first)._make(map(join, zip(*items)))
        return type(first)(map(join, zip(*items)))

    return join(list(outputs))
