"""OpInfo entries: max and average pooling (``torch.nn.functional``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .activations import F

F64 = np.float64


def _small(*shape, **kw):
    return lambda: [Sample((arr(*shape, dtype=F64),), kw)]


def _max_pool_grad(m, x, g, **kw):
    """The gradient of max_pool2d as a function of the input and the cotangent: the op db's
    gradgradcheck of it is the third derivative, the one check that runs the vjp of
    ``max_pool_double_backward`` (max pooling's backward of its backward)."""
    x = x.detach().requires_grad_()  # only g is differentiable, as in torch
    out = F(m).max_pool2d(x, **kw)
    return m.autograd.grad(out, x, g, create_graph=True)[0]


register(
    *isolated(
        OpInfo(
            "max_pool1d",
            lambda m, x, **kw: F(m).max_pool1d(x, **kw),
            lambda: [
                Sample((arr(2, 3, 7),), {"kernel_size": 2}, "plain"),
                Sample((arr(2, 3, 8),), {"kernel_size": 3, "stride": 2, "padding": 1}, "padded"),
            ],
            gradcheck_samples=_small(1, 2, 6, kernel_size=2),
        ),
        OpInfo(
            "max_pool2d",
            lambda m, x, **kw: F(m).max_pool2d(x, **kw),
            lambda: [
                Sample((arr(2, 3, 6, 6),), {"kernel_size": 2}, "plain"),
                Sample(
                    (arr(1, 2, 7, 6),),
                    {"kernel_size": 3, "stride": 2, "padding": 1, "dilation": 1, "ceil_mode": True},
                    "ceil",
                ),
                Sample((arr(2, 5, 5),), {"kernel_size": 2, "stride": 1, "dilation": 2}, "dilated"),
            ],
            gradcheck_samples=_small(1, 1, 4, 4, kernel_size=2),
        ),
        OpInfo(
            "max_pool2d_grad",
            _max_pool_grad,
            lambda: [Sample((arr(1, 2, 4, 4), arr(1, 2, 2, 2)), {"kernel_size": 2})],
            gradcheck_samples=lambda: [
                Sample((arr(1, 1, 4, 4, dtype=F64), arr(1, 1, 2, 2, dtype=F64)), {"kernel_size": 2})
            ],
        ),
        OpInfo(
            "avg_pool1d",
            lambda m, x, **kw: F(m).avg_pool1d(x, **kw),
            lambda: [Sample((arr(2, 3, 7),), {"kernel_size": 3, "stride": 2, "padding": 1})],
            gradcheck_samples=_small(1, 2, 5, kernel_size=2),
        ),
        OpInfo(
            "avg_pool2d",
            lambda m, x, **kw: F(m).avg_pool2d(x, **kw),
            lambda: [
                Sample((arr(2, 3, 6, 6),), {"kernel_size": 2}, "plain"),
                Sample(
                    (arr(1, 2, 7, 6),),
                    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True},
                    "ceil",
                ),
                Sample(
                    (arr(1, 2, 5, 5),),
                    {"kernel_size": 3, "padding": 1, "count_include_pad": False},
                    "exclude_pad",
                ),
                Sample((arr(1, 2, 4, 4),), {"kernel_size": 2, "divisor_override": 3}, "divisor"),
            ],
            gradcheck_samples=_small(1, 1, 4, 4, kernel_size=3, stride=1, padding=1),
        ),
    )
)
