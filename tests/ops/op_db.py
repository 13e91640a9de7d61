"""The op database: one OpInfo per op, collected from ``tests/ops/db/*.py``.

An entry says how to call the op (one lambda for ember and torch alike), which inputs to try,
and which checks apply. ``tests/ops/test_op_db.py`` runs every check on every sample.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

_RNG = np.random.default_rng(1234)


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""


@dataclass
class OpInfo:
    name: str
    fn: Callable  # fn(lib, *args, **kwargs) with lib = ember or torch
    samples: Callable[[], list]  # -> list[Sample]; arrays are NumPy
    grad: bool = True  # compare gradients with torch
    gradcheck: bool = True  # ember gradcheck in float64
    gradgrad: bool = True  # and gradgradcheck
    rtol: float = 1e-5
    atol: float = 1e-6
    check_dtype: bool = True
    gradcheck_samples: Callable[[], list] | None = None  # small samples for gradcheck


OP_DB: list[OpInfo] = []


def register(*infos: OpInfo) -> None:
    OP_DB.extend(infos)


def arr(*shape, low=-2.0, high=2.0, dtype=np.float32):
    """Uniform random array of ``shape`` in [low, high)."""
    return _RNG.uniform(low, high, size=shape).astype(dtype)


def iarr(*shape, low=-5, high=5, dtype=np.int64):
    return _RNG.integers(low, high, size=shape).astype(dtype)


def positive(*shape, low=0.5, high=2.0, dtype=np.float32):
    return arr(*shape, low=low, high=high, dtype=dtype)


UNARY_SHAPES = [(), (0,), (5,), (3, 4), (2, 3, 4)]
BINARY_SHAPES = [
    ((), ()),
    ((3,), ()),
    ((2, 3), (2, 3)),
    ((3, 1), (1, 4)),
    ((2, 3), (3,)),
    ((0, 3), (3,)),
    ((2, 1, 4), (3, 1)),
]


def unary_samples(low=-2.0, high=2.0):
    def gen():
        out = [Sample((arr(*s, low=low, high=high),), name=str(s)) for s in UNARY_SHAPES]
        out.append(Sample((arr(4, 3, low=low, high=high, dtype=np.float64),), name="float64"))
        return out

    return gen


def binary_samples(low=-2.0, high=2.0, low2=None, high2=None):
    low2 = low if low2 is None else low2
    high2 = high if high2 is None else high2

    def gen():
        return [
            Sample((arr(*a, low=low, high=high), arr(*b, low=low2, high=high2)), name=f"{a}x{b}")
            for a, b in BINARY_SHAPES
        ]

    return gen


def small_gradcheck(*shapes, low=-2.0, high=2.0):
    def gen():
        return [Sample(tuple(arr(*s, low=low, high=high, dtype=np.float64) for s in shapes))]

    return gen


def _load():
    from . import db

    for mod in pkgutil.iter_modules(db.__path__):
        importlib.import_module(f"{db.__name__}.{mod.name}")


_load()
