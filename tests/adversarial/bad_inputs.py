"""Bad op inputs (issue 8): factories, conversions and ops called with invalid arguments.

Every case is one call made twice, ``fn(ember)`` and ``fn(torch)``. Where torch raises, ember
must raise the same exception type with the same message (its first line: torch's parser
appends the signatures it knows, and some C++ errors a stack trace); where torch returns,
ember must return the same shape, dtype and (unless the case draws random numbers) values.
Nothing may be silently accepted where torch refuses it, and nothing refused that torch takes.

``cases("small")`` is the default configuration (a few hundred cheap calls), ``cases("long")``
(``EMBER_ADVERSARIAL=long``) every combination of the generators below. ``python -m
tests.adversarial.bad_inputs [long]`` prints the counts and every mismatch.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import sys
import warnings
from collections.abc import Callable

import numpy as np
import torch

import ember

NAN, INF = float("nan"), float("inf")


@dataclasses.dataclass
class Case:
    name: str
    fn: Callable  # fn(lib) with lib = ember or torch
    random: bool = False  # compare shape and dtype only
    types_only: bool = False  # compare the exception's type only (torch's parser words it)


@dataclasses.dataclass
class Outcome:
    kind: str  # "ok" or "raise"
    text: str  # the exception's type and first line, or the result's summary


def _summary(result, values: bool) -> str:
    if isinstance(result, (tuple, list)):
        return "(" + ", ".join(_summary(r, values) for r in result) + ")"
    if isinstance(result, (ember.Tensor, torch.Tensor)):
        dtype = str(result.dtype).split(".")[-1]
        text = f"{dtype}{list(result.shape)}"
        if values:
            t = result.detach()
            arr = (t.float() if dtype == "bfloat16" else t).numpy()
            if arr.dtype.kind in "fc":
                arr = np.round(arr.astype(np.float64), 4)
            text += f"={arr.tolist()}"
        return text
    return repr(result)


def outcome(case: Case, lib) -> Outcome:
    """What ``case`` does on ``lib``: its result, or the exception it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = case.fn(lib)
        except Exception as e:  # noqa: BLE001 - every exception is an outcome to compare
            first = str(e).split("\n")[0].replace("torch.", "").replace("ember.", "")
            if "DefaultCPUAllocator" in first:  # the allocator's text names its source file
                first = "DefaultCPUAllocator: <allocation failure>"
            return Outcome("raise", f"{type(e).__name__}: {first}")
    return Outcome("ok", _summary(result, values=not case.random))


def compare(case_list: list[Case]) -> tuple[int, list[tuple[str, Outcome, Outcome]]]:
    """(cases tried, mismatches as (name, ember's outcome, torch's outcome))."""
    bad = []
    for case in case_list:
        e, t = outcome(case, ember), outcome(case, torch)
        if case.types_only and e.kind == t.kind == "raise":
            e, t = (Outcome("raise", o.text.split(":")[0]) for o in (e, t))
        if e != t:
            bad.append((case.name, e, t))
    return len(case_list), bad


# ---------------------------------------------------------------------------- generators

BAD_SIZES = [
    (-1,),
    (2, -3),
    ((2, -1),),
    ([-5],),
    (2.5,),
    ((2.5,),),
    ((2, 2.5),),
    (2, 2.5),
    (NAN,),
    (INF,),
    (None,),
    ("3",),
    (True,),
    ((True, 2),),
    (2**63,),
    (2, 2**63),
    (2**60, 2**10),  # the byte count overflows
    (2**50,),  # more memory than any machine
    ((2,), 3),
]


def _size_cases() -> list[Case]:
    makers = {
        "zeros": lambda L, s: L.zeros(*s),
        "ones": lambda L, s: L.ones(*s),
        "empty": lambda L, s: L.empty(*s).shape,
        "rand": lambda L, s: L.rand(*s).shape,
        "randn": lambda L, s: L.randn(*s).shape,
        "new_zeros": lambda L, s: L.ones(2).new_zeros(*s),
        "new_ones": lambda L, s: L.ones(2).new_ones(*s),
        "full": lambda L, s: L.full(s[0] if len(s) == 1 else s, 1.5),
        "randint": lambda L, s: L.randint(0, 5, s[0] if len(s) == 1 else s).shape,
        "normal": lambda L, s: L.normal(0.0, 1.0, s[0] if len(s) == 1 else s).shape,
        "empty_strided": lambda L, s: L.empty_strided(s[0] if len(s) == 1 else s, (1,)).shape,
    }
    return [
        Case(f"{name}{size}", lambda L, m=make, s=size: m(L, s))
        for (name, make), size in itertools.product(makers.items(), BAD_SIZES)
    ]


OVERFLOW_VALUES = [
    300,
    -129,
    255,
    256,
    -255,
    -256,
    127.5,
    -128.9,
    -1.5,
    -0.5,
    -0.0,
    NAN,
    INF,
    -INF,
    2**31,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    2**1100,
    9.3e18,
    1e5,
    70000,
    1e39,
    True,
    1 + 2j,
    "np.int64(300)",
    "np.float64(300.0)",
    "L.tensor(300)",
]
DTYPES = ["int8", "uint8", "int16", "int32", "int64", "bool", "float16", "bfloat16", "float32"]
CONVERSIONS = {
    "tensor[v]": lambda L, v, d: L.tensor([v], dtype=d),
    "tensor[1,v]": lambda L, v, d: L.tensor([1, v], dtype=d),
    "tensor[[1.5],[v]]": lambda L, v, d: L.tensor([[1.5], [v]], dtype=d),
    "tensor(v)": lambda L, v, d: L.tensor(v, dtype=d),
    "as_tensor[v]": lambda L, v, d: L.as_tensor([v], dtype=d),
    "full(2,)": lambda L, v, d: L.full((2,), v, dtype=d),
    "full(1,)": lambda L, v, d: L.full((1,), v, dtype=d),
    "scalar_tensor": lambda L, v, d: L.scalar_tensor(v, dtype=d),
    "new_full": lambda L, v, d: L.ones(1).new_full((2,), v, dtype=d),
    "full_like": lambda L, v, d: L.full_like(L.ones(2), v, dtype=d),
}


def _value(v, lib):
    return eval(v, {"np": np, "L": lib}) if isinstance(v, str) else v  # noqa: S307 - literals


def _conversion_cases() -> list[Case]:
    out = []
    for (name, make), v, d in itertools.product(
        CONVERSIONS.items(), OVERFLOW_VALUES, [*DTYPES, None]
    ):
        if isinstance(v, complex) and (d is None or "full" in name or "scalar" in name):
            continue  # ember has no complex dtypes
        label = f"{name} v={str(v)[:24]} dtype={d}"
        out.append(
            Case(
                label,
                lambda L, m=make, v=v, d=d: m(L, _value(v, L), d and getattr(L, d)),
            )
        )
    return out


def _factory_cases() -> list[Case]:
    calls = {
        "randperm(-1)": lambda L: L.randperm(-1),
        "randperm(-5)": lambda L: L.randperm(-5),
        "randperm(0)": lambda L: L.randperm(0),
        "randperm(3.0)": lambda L: L.randperm(3.0),
        "randperm(True)": lambda L: L.randperm(True),
        "randperm(2**63)": lambda L: L.randperm(2**63),
        "randperm(300, int8)": lambda L: L.randperm(300, dtype=L.int8),
        "randperm(128, int8)": lambda L: L.randperm(128, dtype=L.int8).shape,
        "randperm(129, int8)": lambda L: L.randperm(129, dtype=L.int8),
        "randperm(257, uint8)": lambda L: L.randperm(257, dtype=L.uint8),
        "randperm(5000, float16)": lambda L: L.randperm(5000, dtype=L.float16),
        "randperm(3, bool)": lambda L: L.randperm(3, dtype=L.bool),
        "randperm(-1, bool)": lambda L: L.randperm(-1, dtype=L.bool),
        "empty_strided neg stride": lambda L: L.empty_strided((2,), (-1,)),
        "empty_strided neg stride 2d": lambda L: L.empty_strided((2, 3), (3, -1)),
        "empty_strided neg stride size1": lambda L: L.empty_strided((1,), (-1,)).shape,
        "empty_strided neg stride size0": lambda L: L.empty_strided((3, 0), (-1, 1)).shape,
        "empty_strided huge stride": lambda L: L.empty_strided((2,), (2**62,)),
        "empty_strided rank": lambda L: L.empty_strided((2,), (1, 1)),
        "empty_strided float stride": lambda L: L.empty_strided((2,), (2.5,)),
        "empty_strided int size": lambda L: L.empty_strided(2, 1),
        "eye(-1)": lambda L: L.eye(-1),
        "eye(2, -1)": lambda L: L.eye(2, -1),
        "eye(2.5)": lambda L: L.eye(2.5),
        "eye(0)": lambda L: L.eye(0),
        "arange(nan)": lambda L: L.arange(NAN),
        "arange(inf)": lambda L: L.arange(INF),
        "arange(0, 5, nan)": lambda L: L.arange(0, 5, NAN),
        "arange(0, 5, 0)": lambda L: L.arange(0, 5, 0),
        "arange(5, 0)": lambda L: L.arange(5, 0),
        "arange(0, 5, -1)": lambda L: L.arange(0, 5, -1),
        "arange(bool)": lambda L: L.arange(3, dtype=L.bool),
        "linspace(-1)": lambda L: L.linspace(0, 1, -1),
        "linspace(2.5)": lambda L: L.linspace(0, 1, 2.5),
        "linspace(0)": lambda L: L.linspace(0, 1, 0),
        "logspace(-1)": lambda L: L.logspace(0, 1, -1),
        "logspace(2.5)": lambda L: L.logspace(0, 1, 2.5),
        "tril_indices(-1, 3)": lambda L: L.tril_indices(-1, 3),
        "tril_indices(3, -1)": lambda L: L.tril_indices(3, -1),
        "triu_indices(-2, 2)": lambda L: L.triu_indices(-2, 2),
        "full(None)": lambda L: L.full((2,), None),
        "full('a')": lambda L: L.full((2,), "a"),
        "full(int size)": lambda L: L.full(2, 1.0),
        "randint(5, 2)": lambda L: L.randint(5, 2, (3,)),
        "randint(0, 5, -1)": lambda L: L.randint(0, 5, (-1,)),
        "randint(bool, 3)": lambda L: L.randint(0, 3, (2,), dtype=L.bool),
        "randint(0, 300, int8)": lambda L: L.randint(0, 300, (2,), dtype=L.int8),
        "normal(std=-1)": lambda L: L.normal(0.0, -1.0, (2,)),
        "normal(int dtype)": lambda L: L.normal(0.0, 1.0, (2,), dtype=L.int64),
        "rand(int dtype)": lambda L: L.rand(2, dtype=L.int64),
        "randn(bool)": lambda L: L.randn(2, dtype=L.bool),
        "bernoulli(p=2)": lambda L: L.bernoulli(L.ones(2), p=2.0),
        "bernoulli(-0.5)": lambda L: L.bernoulli(L.full((2,), -0.5)),
        "multinomial(neg)": lambda L: L.multinomial(L.tensor([-1.0, 2.0]), 1),
        "multinomial(too many)": lambda L: L.multinomial(L.tensor([1.0, 2.0]), 3),
        "multinomial(3d)": lambda L: L.multinomial(L.ones(2, 2, 2), 1),
        "multinomial(zeros)": lambda L: L.multinomial(L.zeros(2), 1),
        "zeros(tensor(3))": lambda L: L.zeros(L.tensor(3)),
        "zeros(tensor([3]))": lambda L: L.zeros(L.tensor([3])),
        "zeros(tensor(3.0))": lambda L: L.zeros(L.tensor(3.0)),
        "zeros(tensor([3, 2]))": lambda L: L.zeros(L.tensor([3, 2])),
        "ones(2, tensor(2))": lambda L: L.ones(2, L.tensor(2)),
        "zeros([tensor(2), 3])": lambda L: L.zeros([L.tensor(2), 3]),
        "zeros(np.int64(3))": lambda L: L.zeros(np.int64(3)),
        "tensor([None])": lambda L: L.tensor([None]),
        "tensor(ragged)": lambda L: L.tensor([[1, 2], [3]]),
        "tensor(str)": lambda L: L.tensor(["a"]),
        "tensor(None int8)": lambda L: L.tensor([None], dtype=L.int8),
    }
    return [Case(name, fn, random="rand" in name) for name, fn in calls.items()]


def _conv_cases() -> list[Case]:
    def F(L):
        return L.nn.functional

    shapes = {  # name: (input shape, weight shape, keyword arguments)
        "conv1d k0": ((1, 1, 4), (1, 1, 0), {}),
        "conv1d k0 unbatched": ((1, 4), (1, 1, 0), {}),
        "conv1d k0 dilation 2": ((1, 1, 4), (1, 1, 0), {"dilation": 2}),
        "conv1d k0 same": ((1, 1, 4), (1, 1, 0), {"padding": "same"}),
        "conv2d k0": ((1, 1, 4, 4), (1, 1, 0, 2), {}),
        "conv2d k00": ((1, 1, 4, 4), (1, 1, 0, 0), {}),
        "conv2d k0 width": ((1, 1, 4, 4), (1, 1, 2, 0), {}),
        "conv2d k0 stride 2": ((1, 1, 4, 4), (1, 1, 0, 2), {"stride": 2}),
        "conv2d k0 padding 1": ((1, 1, 4, 4), (1, 1, 0, 2), {"padding": 1}),
        "conv2d k0 dilation 2": ((1, 1, 4, 4), (1, 1, 0, 2), {"dilation": 2}),
        "conv2d k0 dilation (1,2)": ((1, 1, 4, 4), (1, 1, 0, 2), {"dilation": (1, 2)}),
        "conv2d k0 too big": ((1, 1, 4, 4), (1, 1, 0, 9), {}),
        "conv2d k0 bad channels": ((1, 3, 4, 4), (1, 1, 0, 2), {}),
        "conv3d k0": ((1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {}),
        "conv3d k0 first": ((1, 1, 4, 4, 4), (1, 1, 0, 2, 2), {}),
        "conv3d k0 unbatched": ((1, 4, 4, 4), (1, 1, 0, 2, 2), {}),
        "conv3d k0 dilation 2": ((1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {"dilation": 2}),
        "conv3d k0 stride 2": ((1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {"stride": 2}),
        "conv_transpose1d k0": ((1, 1, 4), (1, 1, 0), {}),
        "conv_transpose1d k0 dilation 2": ((1, 1, 4), (1, 1, 0), {"dilation": 2}),
        "conv_transpose2d k0": ((1, 1, 4, 4), (1, 1, 0, 2), {}),
        "conv_transpose2d k0 width": ((1, 1, 4, 4), (1, 1, 3, 0), {}),
        "conv_transpose2d k0 padding": ((1, 1, 4, 4), (1, 1, 0, 2), {"padding": 1}),
        "conv_transpose2d k0 too small": ((1, 1, 1, 1), (1, 1, 0, 2), {"padding": 1}),
        "conv_transpose2d k0 zero out": ((1, 1, 4, 4), (1, 0, 0, 2), {}),
        "conv_transpose3d k0": ((1, 1, 4, 4, 4), (1, 1, 2, 0, 2), {}),
        "conv_transpose3d k0 first": ((1, 1, 4, 4, 4), (1, 1, 0, 2, 2), {}),
        "conv_transpose3d k0 too small": ((1, 1, 1, 1, 1), (1, 1, 0, 2, 2), {"padding": 1}),
        "conv2d no out channels": ((1, 1, 4, 4), (0, 1, 2, 2), {}),
        "conv2d out < groups": ((1, 2, 4, 4), (1, 1, 2, 2), {"groups": 2}),
        "conv2d out % groups": ((1, 2, 4, 4), (3, 1, 2, 2), {"groups": 2}),
        "conv_transpose2d no in channels": ((1, 0, 4, 4), (0, 1, 2, 2), {}),
        "conv_transpose2d no out channels": ((1, 1, 4, 4), (1, 0, 2, 2), {}),
        "conv_transpose1d no out channels": ((1, 1, 4), (1, 0, 2), {}),
        "conv_transpose3d no out channels": ((1, 1, 4, 4, 4), (1, 0, 2, 2, 2), {}),
        "conv_transpose2d w < groups": ((1, 2, 4, 4), (2, 1, 2, 2), {"groups": 3}),
        "conv_transpose2d empty spatial": ((1, 1, 0, 4), (1, 1, 1, 1), {}),
        "conv_transpose1d empty spatial": ((1, 1, 0), (1, 1, 1), {}),
        "conv_transpose3d empty spatial": ((1, 1, 0, 2, 2), (1, 1, 1, 1, 1), {}),
        "conv2d stride 0": ((1, 1, 4, 4), (1, 1, 2, 2), {"stride": 0}),
        "conv2d dilation -1": ((1, 1, 4, 4), (1, 1, 2, 2), {"dilation": -1}),
        "conv2d dilation 0": ((1, 1, 4, 4), (1, 1, 2, 2), {"dilation": 0}),
        "conv2d dilation (0,-1)": ((1, 1, 4, 4), (1, 1, 2, 2), {"dilation": (0, -1)}),
        "conv_transpose2d dilation 0": ((1, 1, 4, 4), (1, 1, 2, 2), {"dilation": 0}),
        "conv_transpose2d dilation -1": ((1, 1, 4, 4), (1, 1, 2, 2), {"dilation": -1}),
        "conv_transpose2d output_padding -1": (
            (1, 1, 4, 4),
            (1, 1, 2, 2),
            {"output_padding": -1},
        ),
        "conv_transpose2d output_padding -1 stride 0": (
            (1, 1, 4, 4),
            (1, 1, 2, 2),
            {"output_padding": -1, "stride": 0},
        ),
        "conv2d padding -1": ((1, 1, 4, 4), (1, 1, 2, 2), {"padding": -1}),
        "conv2d groups 0": ((1, 1, 4, 4), (1, 1, 2, 2), {"groups": 0}),
        "conv2d padding 'full'": ((1, 1, 4, 4), (1, 1, 2, 2), {"padding": "full"}),
        "conv2d stride 3 values": ((1, 1, 4, 4), (1, 1, 2, 2), {"stride": (1, 1, 1)}),
        "conv2d 2-d input": ((4, 4), (1, 1, 2, 2), {}),
        "conv2d 3-d weight": ((1, 1, 4, 4), (1, 1, 2), {}),
        "conv2d kernel too big": ((1, 1, 4, 4), (1, 1, 5, 5), {}),
        "conv2d stride 1.5": ((1, 1, 4, 4), (1, 1, 2, 2), {"stride": 1.5}),
        "conv2d padding (1, 0.5)": ((1, 1, 4, 4), (1, 1, 2, 2), {"padding": (1, 0.5)}),
        "conv1d dilation 0": ((1, 1, 4), (1, 1, 2), {"dilation": 0}),
        "conv_transpose1d dilation 0": ((1, 1, 4), (1, 1, 2), {"dilation": 0}),
        "conv_transpose3d dilation 0": ((1, 1, 4, 4, 4), (1, 1, 2, 2, 2), {"dilation": 0}),
    }
    out = []
    for name, (x, w, kw) in shapes.items():
        op = name.split()[0]
        out.append(
            Case(
                name,
                lambda L, op=op, x=x, w=w, kw=kw: getattr(F(L), op)(L.ones(x), L.ones(w), **kw),
            )
        )
    return out


def _op_cases() -> list[Case]:
    def x(L):
        return L.arange(6.0).reshape(2, 3)

    def i(L):
        return L.arange(6).reshape(2, 3)

    calls = {
        "flip(0, 1)": lambda L: x(L).flip(0, 1),
        "flip([0, 1])": lambda L: x(L).flip([0, 1]),
        "flip(dims=(0,))": lambda L: x(L).flip(dims=(0,)),
        "flip()": lambda L: x(L).flip(),
        "flip(2)": lambda L: x(L).flip(2),
        "flip(0, 0)": lambda L: x(L).flip(0, 0),
        "flip(tensor(0))": lambda L: x(L).flip(L.tensor(0)),
        "flip([])": lambda L: x(L).flip([]),
        "torch.flip(x, 0)": lambda L: L.flip(x(L), 0),
        "tile(2)": lambda L: x(L).tile(2),
        "tile(2, 1, 1)": lambda L: x(L).tile(2, 1, 1),
        "tile((2,))": lambda L: x(L).tile((2,)),
        "tile([])": lambda L: x(L).tile([]),
        "tile(-1)": lambda L: x(L).tile(-1),
        "tile(tensor(2))": lambda L: x(L).tile(L.tensor(2)),
        "torch.tile(x, (2,))": lambda L: L.tile(x(L), (2,)),
        "repeat(2)": lambda L: x(L).repeat(2),
        "repeat(-1, 1)": lambda L: x(L).repeat(-1, 1),
        "pow int ** -1 tensor": lambda L: L.tensor([2]).pow(L.tensor([-1])),
        "pow int ** negatives": lambda L: L.tensor([1, -1, 2, 0, -2, 3]).pow(
            L.tensor([-1, -3, -2, -1, -2, 2])
        ),
        "pow int ** 0-d -1": lambda L: L.tensor([2, 1]).pow(L.tensor(-1)),
        "pow int ** -1": lambda L: L.tensor([2]).pow(-1),
        "pow 2 ** int tensor -1": lambda L: L.pow(2, L.tensor([-1, 2])),
        "int tensor ** int tensor": lambda L: L.tensor([2, -3]) ** L.tensor([-1, 3]),
        "2 ** int tensor": lambda L: 2 ** L.tensor([-1, 3]),
        "int8 ** -1": lambda L: L.tensor([2, -1], dtype=L.int8).pow(L.tensor([-1], dtype=L.int8)),
        "uint8 ** int8 -1": lambda L: L.tensor([2], dtype=L.uint8).pow(
            L.tensor([-1], dtype=L.int8)
        ),
        "pow shapes": lambda L: L.ones(2).pow(L.ones(3)),
        "sum(dim=2)": lambda L: x(L).sum(dim=2),
        "sum(dim=-3)": lambda L: x(L).sum(dim=-3),
        "mean(int)": lambda L: i(L).mean(),
        "softmax(dim=2)": lambda L: x(L).softmax(2),
        "transpose(0, 2)": lambda L: x(L).transpose(0, 2),
        "permute(0)": lambda L: x(L).permute(0),
        "permute(0, 0)": lambda L: x(L).permute(0, 0),
        "squeeze(3)": lambda L: x(L).squeeze(3),
        "unsqueeze(4)": lambda L: x(L).unsqueeze(4),
        "unsqueeze(-4)": lambda L: x(L).unsqueeze(-4),
        "view(4, 2)": lambda L: x(L).view(4, 2),
        "view(-1, -1)": lambda L: x(L).view(-1, -1),
        "view(2.5, 2)": lambda L: x(L).view(2.5, 2),
        "reshape(-2, 3)": lambda L: x(L).reshape(-2, 3),
        "reshape(5)": lambda L: x(L).reshape(5),
        "expand(3, 3)": lambda L: x(L).expand(3, 3),
        "expand(-2, 3)": lambda L: x(L).expand(-2, 3),
        "expand(3)": lambda L: x(L).expand(3),
        "narrow(0, 1, 5)": lambda L: x(L).narrow(0, 1, 5),
        "narrow(0, -5, 1)": lambda L: x(L).narrow(0, -5, 1),
        "narrow(0, 0, -1)": lambda L: x(L).narrow(0, 0, -1),
        "select(0, 5)": lambda L: x(L).select(0, 5),
        "select(2, 0)": lambda L: x(L).select(2, 0),
        "index 5": lambda L: x(L)[5],
        "index -3": lambda L: x(L)[-3],
        "index too many": lambda L: x(L)[0, 0, 0],
        "index_select out of range": lambda L: x(L).index_select(0, L.tensor([2])),
        "index_select negative": lambda L: x(L).index_select(0, L.tensor([-1])),
        "index_select float index": lambda L: x(L).index_select(0, L.tensor([0.0])),
        "gather out of range": lambda L: x(L).gather(1, L.tensor([[3]])),
        "gather rank": lambda L: x(L).gather(1, L.tensor([0])),
        "take out of range": lambda L: x(L).take(L.tensor([6])),
        "chunk(0)": lambda L: x(L).chunk(0),
        "chunk(-1)": lambda L: x(L).chunk(-1),
        "split(0)": lambda L: x(L).split(0),
        "split([1, 1])": lambda L: x(L).split([1, 1], dim=1),
        "topk(4)": lambda L: x(L).topk(4),
        "topk(-1)": lambda L: x(L).topk(-1),
        "kthvalue(0)": lambda L: x(L).kthvalue(0),
        "kthvalue(4)": lambda L: x(L).kthvalue(4),
        "sort(dim=3)": lambda L: x(L).sort(dim=3),
        "argmax(dim=2)": lambda L: x(L).argmax(dim=2),
        "cumsum(dim=2)": lambda L: x(L).cumsum(dim=2),
        "diagonal(0, 0)": lambda L: x(L).diagonal(0, 0, 0),
        "tril 1-d": lambda L: L.ones(3).tril(),
        "movedim(0, 2)": lambda L: x(L).movedim(0, 2),
        "cat mismatched": lambda L: L.cat([L.ones(2, 3), L.ones(2, 2)]),
        "cat dim 2": lambda L: L.cat([x(L), x(L)], dim=2),
        "cat empty list": lambda L: L.cat([]),
        "stack mismatched": lambda L: L.stack([L.ones(2), L.ones(3)]),
        "matmul mismatch": lambda L: L.ones(2, 3) @ L.ones(2, 3),
        "mm dtypes": lambda L: L.mm(L.ones(2, 2), L.ones(2, 2, dtype=L.float64)),
        "mm 1-d": lambda L: L.mm(L.ones(2), L.ones(2, 2)),
        "add shapes": lambda L: L.ones(2) + L.ones(3),
        "add alpha float to int": lambda L: L.add(i(L), i(L), alpha=0.5),
        "int8 + 300": lambda L: L.zeros(2, dtype=L.int8) + 300,
        "int8 * 1000": lambda L: L.ones(2, dtype=L.int8) * 1000,
        "uint8 - 1": lambda L: L.zeros(2, dtype=L.uint8) - 1,
        "uint8 + (-1)": lambda L: L.zeros(2, dtype=L.uint8) + (-1),
        "int32 + 2**40": lambda L: L.ones(2, dtype=L.int32) + 2**40,
        "int8 + 2**63": lambda L: L.ones(2, dtype=L.int8) + 2**63,
        "int8 + 2**64": lambda L: L.ones(2, dtype=L.int8) + 2**64,
        "int8 + -2**63-1": lambda L: L.ones(2, dtype=L.int8) + (-(2**63) - 1),
        "int64 - 2**63": lambda L: L.zeros(2, dtype=L.int64) - 2**63,
        "float16 + 1e6": lambda L: L.zeros(2, dtype=L.float16) + 1e6,
        "clamp int8 max=300": lambda L: L.zeros(2, dtype=L.int8).clamp(max=300),
        "clamp int8 min=-129": lambda L: L.zeros(2, dtype=L.int8).clamp(min=-129),
        "clamp uint8 min=-1": lambda L: L.zeros(2, dtype=L.uint8).clamp(min=-1),
        "clamp float32 max=1e39": lambda L: L.zeros(2).clamp(max=1e39),
        "clamp float16 max=1e5": lambda L: L.zeros(1, dtype=L.float16).clamp(max=1e5),
        "clamp int8 max=nan": lambda L: L.zeros(2, dtype=L.int8).clamp(max=NAN),
        "index_fill int8 300": lambda L: L.zeros(2, dtype=L.int8).index_fill(0, L.tensor([0]), 300),
        "index_fill uint8 -1": lambda L: L.zeros(2, dtype=L.uint8).index_fill(0, L.tensor([0]), -1),
        "masked_fill float16 1e5": lambda L: L.zeros(1, dtype=L.float16).masked_fill(
            L.tensor([True]), 1e5
        ),
        "masked_fill uint8 -1": lambda L: L.zeros(2, dtype=L.uint8).masked_fill(
            L.tensor([True, False]), -1
        ),
        "masked_fill long mask": lambda L: x(L).masked_fill(L.ones(2, 3, dtype=L.int64), 1.0),
        "bool - bool": lambda L: L.tensor([True]) - L.tensor([False]),
        "int // 0": lambda L: i(L) // 0,
        "int % 0": lambda L: i(L) % 0,
        "clamp(min > max)": lambda L: x(L).clamp(3, 1),
        "clamp() no bounds": lambda L: x(L).clamp(),
        "masked_fill int8 300": lambda L: L.zeros(2, dtype=L.int8).masked_fill(
            L.tensor([True, False]), 300
        ),
        "masked_fill float mask": lambda L: x(L).masked_fill(L.ones(2, 3), 1.0),
        "fill_ int8 300": lambda L: L.zeros(2, dtype=L.int8).fill_(300),
        "fill_ uint8 -1": lambda L: L.zeros(2, dtype=L.uint8).fill_(-1),
        "fill_ float16 1e5": lambda L: L.zeros(2, dtype=L.float16).fill_(1e5),
        "one_hot negative": lambda L: L.nn.functional.one_hot(L.tensor([-1])),
        "one_hot classes": lambda L: L.nn.functional.one_hot(L.tensor([3]), 2),
        "one_hot float": lambda L: L.nn.functional.one_hot(L.tensor([1.0])),
        "embedding out of range": lambda L: L.nn.functional.embedding(L.tensor([5]), L.ones(3, 2)),
        "embedding negative": lambda L: L.nn.functional.embedding(L.tensor([-1]), L.ones(3, 2)),
        "cross_entropy bad target": lambda L: L.nn.functional.cross_entropy(
            L.ones(2, 3), L.tensor([0, 3])
        ),
        "cross_entropy float target shape": lambda L: L.nn.functional.cross_entropy(
            L.ones(2, 3), L.ones(2, 2)
        ),
        "nll_loss negative target": lambda L: L.nn.functional.nll_loss(
            L.ones(2, 3), L.tensor([0, -5])
        ),
        "dropout p=1.5": lambda L: L.nn.functional.dropout(x(L), p=1.5),
        "dropout p=-0.1": lambda L: L.nn.functional.dropout(x(L), p=-0.1),
        "max_pool2d k0": lambda L: L.nn.functional.max_pool2d(L.ones(1, 1, 4, 4), 0),
        "avg_pool2d k0": lambda L: L.nn.functional.avg_pool2d(L.ones(1, 1, 4, 4), 0),
        "max_pool2d pad > k/2": lambda L: L.nn.functional.max_pool2d(
            L.ones(1, 1, 4, 4), 2, padding=2
        ),
        "pad negative too much": lambda L: L.nn.functional.pad(L.ones(1, 2), (-3, 0)),
        "pad odd": lambda L: L.nn.functional.pad(L.ones(1, 2), (1,)),
        "interpolate scale 0": lambda L: L.nn.functional.interpolate(
            L.ones(1, 1, 4), scale_factor=0.0
        ),
        "linear mismatch": lambda L: L.nn.functional.linear(L.ones(2, 3), L.ones(4, 2)),
        "bincount negative": lambda L: L.bincount(L.tensor([-1, 2])),
        "bincount float": lambda L: L.bincount(L.tensor([1.0])),
        "histc bins 0": lambda L: L.histc(L.ones(3), bins=0),
        "histc min > max": lambda L: L.histc(L.ones(3), bins=3, min=2, max=1),
        "searchsorted unsorted dims": lambda L: L.searchsorted(L.ones(2, 3), L.ones(3, 1)),
        "nn.Linear(-1, 2)": lambda L: L.nn.Linear(-1, 2),
        "nn.Conv2d kernel 0": lambda L: L.nn.Conv2d(1, 1, 0),
        "nn.Conv2d groups": lambda L: L.nn.Conv2d(3, 4, 2, groups=2),
        "nn.Embedding(-1, 2)": lambda L: L.nn.Embedding(-1, 2),
        "nn.LSTM(0, 2)": lambda L: L.nn.LSTM(0, 2),
        "nn.Dropout(2)": lambda L: L.nn.Dropout(2.0),
    }
    return [Case(name, fn) for name, fn in calls.items()]


DIM_OPS = {
    "sum": lambda L, x, d: x.sum(d),
    "mean": lambda L, x, d: x.mean(d),
    "prod": lambda L, x, d: x.prod(d),
    "amax": lambda L, x, d: x.amax(d),
    "max": lambda L, x, d: x.max(d),
    "argmax": lambda L, x, d: x.argmax(d),
    "argmin": lambda L, x, d: x.argmin(d),
    "cumsum": lambda L, x, d: x.cumsum(d),
    "cumprod": lambda L, x, d: x.cumprod(d),
    "cummax": lambda L, x, d: x.cummax(d),
    "softmax": lambda L, x, d: x.softmax(d),
    "log_softmax": lambda L, x, d: x.log_softmax(d),
    "std": lambda L, x, d: x.std(d),
    "var": lambda L, x, d: x.var(d),
    "norm": lambda L, x, d: x.norm(dim=d),
    "logsumexp": lambda L, x, d: x.logsumexp(d),
    "all": lambda L, x, d: x.all(d),
    "any": lambda L, x, d: x.any(d),
    "sort": lambda L, x, d: x.sort(d),
    "argsort": lambda L, x, d: x.argsort(d),
    "topk": lambda L, x, d: x.topk(1, d),
    "median": lambda L, x, d: x.median(d),
    "mode": lambda L, x, d: x.mode(d),
    "kthvalue": lambda L, x, d: x.kthvalue(1, d),
    "roll": lambda L, x, d: x.roll(1, d),
    "flip": lambda L, x, d: x.flip(d),
    "squeeze": lambda L, x, d: x.squeeze(d),
    "unsqueeze": lambda L, x, d: x.unsqueeze(d),
    "transpose": lambda L, x, d: x.transpose(0, d),
    "movedim": lambda L, x, d: x.movedim(0, d),
    "flatten": lambda L, x, d: x.flatten(d),
    "select": lambda L, x, d: x.select(d, 0),
    "narrow": lambda L, x, d: x.narrow(d, 0, 1),
    "chunk": lambda L, x, d: x.chunk(2, d),
    "split": lambda L, x, d: x.split(1, d),
    "tensor_split": lambda L, x, d: x.tensor_split(2, d),
    "unbind": lambda L, x, d: x.unbind(d),
    "diff": lambda L, x, d: x.diff(dim=d),
    "count_nonzero": lambda L, x, d: x.count_nonzero(d),
    "nansum": lambda L, x, d: x.nansum(d),
    "aminmax": lambda L, x, d: L.aminmax(x, dim=d),
    "repeat_interleave": lambda L, x, d: x.repeat_interleave(2, d),
    "index_select": lambda L, x, d: x.index_select(d, L.tensor([0])),
    "gather": lambda L, x, d: x.gather(d, L.zeros(2, 3, dtype=L.int64)),
    "scatter": lambda L, x, d: x.scatter(d, L.zeros(2, 3, dtype=L.int64), 1.0),
    "index_add": lambda L, x, d: x.index_add(d, L.tensor([0]), L.ones(1, 3)),
    "cat": lambda L, x, d: L.cat([x, x], d),
    "stack": lambda L, x, d: L.stack([x, x], d),
    "F.normalize": lambda L, x, d: L.nn.functional.normalize(x, dim=d),
    "F.glu": lambda L, x, d: L.nn.functional.glu(L.ones(2, 4), d),
    "F.cosine_similarity": lambda L, x, d: L.nn.functional.cosine_similarity(x, x, d),
}
# out of range: torch's IndexError word for word; not an int: torch's parser names the function
# and the argument's position in its TypeError, so the type alone is compared
BAD_DIMS = [(2, False), (-3, False), (5, False), (1.5, True), ("a", True), (True, True)]


def _dim_cases() -> list[Case]:
    return [
        Case(
            f"{name}(dim={dim!r})",
            lambda L, op=op, d=dim: op(L, L.arange(6.0).reshape(2, 3), d),
            types_only=types_only,
        )
        for (name, op), (dim, types_only) in itertools.product(DIM_OPS.items(), BAD_DIMS)
    ]


def cases(size: str = "small", seed: int = 0) -> list[Case]:
    """Every generator's cases (``long``), or a fixed sample of the big generators with every
    hand-written case (``small``)."""
    sized, conversions, dims = _size_cases(), _conversion_cases(), _dim_cases()
    if size == "small":
        rng = random.Random(seed)
        sized = rng.sample(sized, 60)
        conversions = rng.sample(conversions, 150)
        dims = rng.sample(dims, 60)
    return sized + conversions + dims + _factory_cases() + _conv_cases() + _op_cases()


def main(argv: list[str]) -> int:
    size = argv[1] if len(argv) > 1 else "small"
    tried, bad = compare(cases(size))
    for name, e, t in bad:
        print(f"{name}\n   ember: {e.kind} {e.text[:200]}\n   torch: {t.kind} {t.text[:200]}")
    print(f"{size}: {tried} cases tried, {tried - len(bad)} match torch, {len(bad)} differ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
