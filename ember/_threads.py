"""Intra-op thread control (``torch.set_num_threads``): the BLAS pool, via threadpoolctl."""

from __future__ import annotations

import os

_state = {"n": None, "limiter": None}


def set_num_threads(n: int) -> None:
    """Limit the threads BLAS uses for matmul and friends."""
    from threadpoolctl import threadpool_limits

    if n < 1:
        raise RuntimeError("set_num_threads expects a positive integer")
    _state["limiter"] = threadpool_limits(limits=int(n))
    _state["n"] = int(n)


def get_num_threads() -> int:
    """The number of threads BLAS uses."""
    if _state["n"] is not None:
        return _state["n"]
    from threadpoolctl import threadpool_info

    nums = [p.get("num_threads", 1) for p in threadpool_info()]
    return max(nums) if nums else (os.cpu_count() or 1)


def set_num_interop_threads(n: int) -> None:
    """Accepted for compatibility; ember runs ops on the calling thread."""


def get_num_interop_threads() -> int:
    return 1
