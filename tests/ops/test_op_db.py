"""Generic op tests driven by the op database: torch as oracle, then gradcheck in float64."""

from __future__ import annotations

import pytest

from ..oracle import check, check_gradcheck
from .op_db import OP_DB

CASES = [(info, s) for info in OP_DB for s in info.samples()]


def _small(sample):
    sizes = [a.size for a in sample.args if hasattr(a, "size") and hasattr(a, "dtype")]
    return sizes and all(0 < n <= 16 for n in sizes)


def _grad_samples(info):
    if info.gradcheck_samples is not None:
        return info.gradcheck_samples()
    return [s for s in info.samples() if _small(s)][:2]


GRAD_CASES = [(info, s) for info in OP_DB if info.gradcheck for s in _grad_samples(info)]


def _id(case):
    info, s = case
    return f"{info.name}-{s.name}" if s.name else info.name


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_against_torch(case):
    info, s = case
    check(
        info.fn,
        *s.args,
        rtol=info.rtol,
        atol=info.atol,
        grad=info.grad,
        check_dtype=info.check_dtype,
        **s.kwargs,
    )


@pytest.mark.parametrize("case", GRAD_CASES, ids=[_id(c) for c in GRAD_CASES])
def test_gradcheck(case):
    info, s = case
    check_gradcheck(info.fn, *s.args, gradgrad=info.gradgrad, **s.kwargs)
