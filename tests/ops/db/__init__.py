"""The op database's entries, one module per family (``tests/ops/db/<family>.py``).

The samples of most entries are drawn, in load order, from one shared stream (``op_db.arr``), so
an entry added in the middle would change the samples of every entry after it. New entries are
registered through :func:`isolated`, which draws each entry's samples from a generator seeded
by its own name: adding one leaves all the other samples as they were.
"""

from __future__ import annotations

import dataclasses
import zlib

import numpy as np


def seeded(name, gen):
    """``gen`` (a sample generator) drawing from a generator seeded by ``name``."""
    if gen is None:
        return None

    def run():
        from .. import op_db

        shared = op_db._RNG
        op_db._RNG = np.random.default_rng(zlib.crc32(name.encode()))
        try:
            return gen()
        finally:
            op_db._RNG = shared

    return run


def isolated(*infos):
    """``infos`` with samples (and gradcheck samples) drawn from their own seeded generators."""
    return [
        dataclasses.replace(
            info,
            samples=seeded(info.name, info.samples),
            gradcheck_samples=seeded(info.name + "/gradcheck", info.gradcheck_samples),
        )
        for info in infos
    ]
