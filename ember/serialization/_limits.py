"""Bounds on what a pickle can make ``ember.load`` do: nesting, hashing and total work.

NOTE [ Bounds on a hostile pickle ]
A pickle is a program, and even one that names no code can make a loader spend memory and time
out of proportion to its size. The restricted unpickler keeps four bounds; none of them is ever
reached by a checkpoint that ``torch.save`` or ``ember.save`` wrote, however large:

- ``MAX_DEPTH``: containers nest at most about this deep (the count skips innermost ones that
  hold no container). Hashing a tuple recurses in C with no recursion check, so a 10**6-deep
  tuple used as a dict key or set member overflows the C stack (a segfault). Tuples and
  frozensets (immutable, and the only containers that get hashed) are measured exactly, lazily:
  when they are put in a container, hashed or returned. Lists, dicts and sets get their depth
  when they are filled; a nest deepened later, through a memoized inner container, is seen
  only in part, is never hashed, and is guarded by Python's own recursion check.
- ``MAX_COLLISIONS``: one dict or set built by the unpickler holds at most this many distinct
  keys with the same full 64-bit hash. Python inserts colliding keys in quadratic time (100,000
  ints that are multiples of 2**61 - 1 take minutes); distinct real keys share a full hash only
  by accident (about n**2 / 2**64). str and bytes keys (SipHash: no full-hash multicollisions,
  even with a known PYTHONHASHSEED) and ints below 2**61 - 1 in magnitude (their own hash) are
  not counted.
- the hashing cost of a tuple (its number of nodes, counting shared ones each time they are
  reached, which can be exponential in the pickle's size) is charged before it is hashed.
- ``UNITS_PER_BYTE`` / ``BASE_UNITS``: a work budget of about 8 bytes of memory or one hashed
  node per unit. Every opcode, container, copy made by an allowed callable, BUILD and hash is
  charged; the budget is ``BASE_UNITS + UNITS_PER_BYTE * source bytes`` (the compressed size
  of data.pkl, the size of a legacy file), so a deflated data.pkl cannot make a small file do
  unbounded work either. A pickle written by Python's pickler uses at most about 20 units per
  byte; on a 1 MB file the budget is 40M units, a few hundred MB.
"""

from __future__ import annotations

import collections
import pickle
from itertools import chain, repeat

MAX_DEPTH = 1000
MAX_COLLISIONS = 256
UNITS_PER_BYTE = 32
BASE_UNITS = 8 << 20

HASH_MODULUS = (1 << 61) - 1  # sys.hash_info.modulus on 64-bit builds
_SALTED = frozenset({str, bytes})
_PLAIN_KEYS = frozenset({str, bytes, int})
_INT = {int}
_CONTAINERS = (list, tuple, dict, set, frozenset, str, bytes, bytearray)
# units per item an allowed callable may copy (0: text, a unit per 8 bytes); dict entries are
# object state, each set and checked in Python
_PER_ITEM = {list: 4, tuple: 4, set: 4, frozenset: 4, dict: 64, str: 0, bytes: 0, bytearray: 0}
_PER_ITEM.update({t: None for t in (int, float, bool, type(None))})

_IMMUTABLE = (tuple, frozenset)
LEAVES = frozenset({int, float, str, bytes, bool, type(None), complex})
_MUTABLE = LEAVES | {list, dict, set, collections.OrderedDict, collections.Counter}
_ZERO = repeat(0)
_ONE = repeat(1)


def _fail(message: str):
    raise pickle.UnpicklingError(message)


class Bounds:
    """The bookkeeping of one unpickling run: depths, hash costs, collisions and work.

    Lists, dicts and sets get their depth when the unpickler fills them. Tuples and frozensets,
    the bulk of a checkpoint's pickle (every tensor's arguments), are measured lazily, once
    each, when they are put in a container, hashed, or returned.
    """

    __slots__ = ("depth", "hcost", "shapes", "buckets", "work", "limit")

    def __init__(self, source_bytes: int | None):
        self.depth: dict[int, int] = {}  # id -> depth of a non-empty list, dict or set
        self.hcost: dict[int, int] = {}  # id -> cost of hashing a long int
        self.shapes: dict[int, tuple] = {}  # id -> (tuple or frozenset, depth, hash cost)
        self.buckets: dict[int, tuple] = {}  # id(container) -> (container, {hash: keys})
        self.work = 0
        self.limit = (
            float("inf") if source_bytes is None else BASE_UNITS + UNITS_PER_BYTE * source_bytes
        )

    # ---------------------------------------------------------------- work
    def charge(self, units: int) -> None:
        """Add ``units`` of work; UnpicklingError once the budget is spent."""
        self.work += units
        if self.work > self.limit:
            self.over_budget()

    def over_budget(self):
        _fail(
            f"the pickle does more than {self.limit:.0f} units of work (ember.load bounds the "
            "memory and time a checkpoint may cost by its size; see "
            "ember/serialization/_limits.py:UNITS_PER_BYTE)"
        )

    def charge_call(self, args) -> None:
        """Charge a call (or BUILD) by the sizes of its arguments, which it may copy."""
        units = 1 + len(args)
        for a in args:
            per = _PER_ITEM.get(type(a), -1)
            if per is None:  # a scalar
                continue
            if per < 0:  # a subclass, or something unsized
                if isinstance(a, dict):
                    per = 64
                elif isinstance(a, _CONTAINERS):
                    per = 4
                else:
                    continue
            if per:
                units += per * len(a)
            else:  # text and bytes: a unit per 8 bytes
                units += len(a) >> 3
        self.charge(units)

    # ---------------------------------------------------------------- nesting
    def measure(self, obj) -> tuple[int, int]:
        """``(depth, hash cost)`` of ``obj``; UnpicklingError past ``MAX_DEPTH``.

        Tuples and frozensets are walked iteratively (never recursing in C or Python), each
        one once: the result is kept with the object, which stays alive so its id stays its.
        """
        shapes = self.shapes
        hit = shapes.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1], hit[2]
        if not isinstance(obj, _IMMUTABLE):
            return self.depth.get(id(obj), 0), self.hcost.get(id(obj), 1)
        if LEAVES.issuperset(map(type, obj)):  # flat: the common case, at C speed
            return 1, 1 + (sum(map(self.hcost.get, map(id, obj), _ONE)) if self.hcost else len(obj))
        path = [(obj, iter(obj))]
        while path:
            node, children = path[-1]
            for child in children:
                if isinstance(child, _IMMUTABLE):
                    hit = shapes.get(id(child))
                    if hit is None or hit[0] is not child:
                        if len(path) >= MAX_DEPTH:
                            too_deep()
                        path.append((child, iter(child)))
                        break
            else:
                path.pop()
                depth, cost = 0, 0
                for child in node:
                    d, c = (
                        self.measure(child)
                        if isinstance(child, _IMMUTABLE)
                        else (
                            self.depth.get(id(child), 0),
                            self.hcost.get(id(child), 1),
                        )
                    )
                    depth = max(depth, d)
                    cost += c
                if isinstance(node, frozenset):
                    cost = len(node)  # a frozenset keeps its members' hashes
                shapes[id(node)] = (node, depth + 1, cost + 1)
        hit = shapes[id(obj)]
        return hit[1], hit[2]

    def nest(self, target, items) -> None:
        """Record that the list, dict or set ``target`` now also holds ``items``."""
        kinds = set(map(type, items))
        if kinds <= LEAVES:  # the common case, at C speed
            return
        depth = 1 + max(map(self.depth.get, map(id, items), _ZERO))
        if not kinds <= _MUTABLE:
            inner = [x for x in items if isinstance(x, _IMMUTABLE)]
            if LEAVES.issuperset(map(type, chain.from_iterable(inner))):
                depth = max(depth, 2)  # flat tuples, measured at once
            else:
                depth = max(depth, 1 + max(self.measure(x)[0] for x in inner))
        if depth > self.depth.get(id(target), 0):
            if depth > MAX_DEPTH:
                too_deep()
            self.depth[id(target)] = depth

    def forget(self, obj) -> None:
        """A new container that reuses a dead one's id starts with no record."""
        self.depth.pop(id(obj), None)

    def big_int(self, value: int, nbytes: int) -> None:
        """Hashing a long int costs one unit per 8 bytes of its digits."""
        if nbytes > 64:
            self.hcost[id(value)] = 1 + nbytes // 8

    def hash_cost(self, keys) -> int:
        """Nodes visited to hash every key (measured, and so depth-checked, first)."""
        return sum(self.measure(k)[1] for k in keys)

    # ---------------------------------------------------------------- hashing
    def insert(self, target, keys, values=None) -> None:
        """``target[k] = v`` (or ``target.add(k)``) for each key, with collisions bounded."""
        kinds = set(map(type, keys))
        if kinds <= _SALTED or (
            kinds <= _PLAIN_KEYS
            and (
                min(keys) > -HASH_MODULUS and max(keys) < HASH_MODULUS
                if kinds == _INT
                else all(-HASH_MODULUS < k < HASH_MODULUS for k in keys if type(k) is int)
            )
        ):
            self.charge(len(keys))
            if values is None:
                target.update(keys)
            else:
                for k, v in zip(keys, values):
                    target[k] = v
            return
        entry = self.buckets.get(id(target))
        if entry is None or entry[0] is not target:
            entry = (target, {})
            self.buckets[id(target)] = entry
        counts = entry[1]
        for i, k in enumerate(keys):
            cost = self.measure(k)[1]
            self.charge(cost)
            h = hash(k)
            seen = counts.get(h, 0)
            if seen:
                self.charge(seen * cost)  # equality tests along the collision chain
                if seen >= MAX_COLLISIONS and k not in target:
                    _fail(
                        f"the pickle puts more than {MAX_COLLISIONS} distinct keys with the "
                        "same hash in one dict or set (a hash-flooding attack); ember.load "
                        "refuses it"
                    )
            size = len(target)
            if values is None:
                target.add(k)
            else:
                target[k] = values[i]
            if len(target) > size:
                counts[h] = seen + 1


def too_deep():
    _fail(
        f"the pickle nests containers more than {MAX_DEPTH} deep; ember.load refuses it "
        "(checkpoints never need more than a few hundred levels)"
    )
