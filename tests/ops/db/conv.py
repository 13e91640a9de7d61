"""OpInfo entries: convolutions, transposed convolutions, unfold and fold
(``torch.nn.functional``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .activations import F

F64 = np.float64


def _conv(nd):
    return lambda m, x, w, b, **kw: getattr(F(m), f"conv{nd}d")(x, w, b, **kw)


def _conv_t(nd):
    return lambda m, x, w, b, **kw: getattr(F(m), f"conv_transpose{nd}d")(x, w, b, **kw)


def conv2d_samples():
    return [
        Sample((arr(2, 3, 5, 5), arr(4, 3, 3, 3), arr(4)), {}, "plain"),
        Sample((arr(2, 3, 6, 5), arr(4, 3, 3, 2), arr(4)), {"stride": 2, "padding": 1}, "stride2"),
        Sample((arr(1, 4, 7, 7), arr(6, 2, 3, 3), arr(6)), {"groups": 2, "dilation": 2}, "groups"),
        Sample((arr(3, 5, 5), arr(2, 3, 3, 3), arr(2)), {"padding": "same"}, "unbatched_same"),
        Sample(
            (arr(2, 3, 5, 5, dtype=F64), arr(2, 3, 1, 1, dtype=F64), arr(2, dtype=F64)), {}, "1x1"
        ),
    ]


def _small(*shapes, **kw):
    return lambda: [Sample(tuple(arr(*s, dtype=F64) for s in shapes), kw)]


register(
    *isolated(
        OpInfo(
            "conv1d",
            _conv(1),
            lambda: [
                Sample((arr(2, 3, 7), arr(4, 3, 3), arr(4)), {}, "plain"),
                Sample(
                    (arr(2, 3, 8), arr(4, 3, 2), arr(4)), {"stride": 3, "padding": 2}, "stride3"
                ),
            ],
            gradcheck_samples=_small((1, 2, 5), (2, 2, 2), (2,), stride=2),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "conv2d",
            _conv(2),
            conv2d_samples,
            gradcheck_samples=lambda: [
                Sample(tuple(arr(*s, dtype=F64) for s in ((1, 2, 4, 3), (2, 2, 2, 2), (2,)))),
                Sample(
                    tuple(arr(*s, dtype=F64) for s in ((1, 1, 4, 4), (2, 1, 2, 2), (2,))),
                    {"stride": 2, "padding": 1},
                ),
            ],
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "conv3d",
            _conv(3),
            lambda: [
                Sample((arr(1, 2, 4, 4, 3), arr(3, 2, 2, 2, 2), arr(3)), {"stride": (1, 2, 1)})
            ],
            gradcheck_samples=_small((1, 1, 3, 2, 2), (1, 1, 2, 2, 1), (1,)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "conv_transpose1d",
            _conv_t(1),
            lambda: [Sample((arr(2, 3, 5), arr(3, 2, 3), arr(2)), {"stride": 2, "padding": 1})],
            gradcheck_samples=_small((1, 2, 3), (2, 2, 2), (2,), stride=2),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "conv_transpose2d",
            _conv_t(2),
            lambda: [
                Sample((arr(2, 3, 4, 4), arr(3, 2, 3, 3), arr(2)), {}, "plain"),
                Sample(
                    (arr(2, 4, 3, 4), arr(4, 3, 3, 2), arr(6)),
                    {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2},
                    "stride2_groups",
                ),
            ],
            gradcheck_samples=_small((1, 2, 2, 3), (2, 1, 2, 2), (1,), stride=2, output_padding=1),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "unfold",
            lambda m, x, **kw: F(m).unfold(x, **kw),
            lambda: [
                Sample((arr(2, 3, 5, 5),), {"kernel_size": 3}, "plain"),
                Sample(
                    (arr(1, 2, 6, 5),),
                    {"kernel_size": (2, 3), "stride": 2, "padding": 1, "dilation": (1, 2)},
                    "strided",
                ),
            ],
            gradcheck_samples=_small((1, 1, 3, 4), kernel_size=2),
        ),
        OpInfo(
            "fold",
            lambda m, x, **kw: F(m).fold(x, **kw),
            lambda: [
                Sample((arr(2, 12, 9),), {"output_size": (4, 4), "kernel_size": 2}, "plain"),
                Sample(
                    (arr(1, 8, 9),),
                    {"output_size": (5, 4), "kernel_size": 2, "stride": 2, "padding": 1},
                    "strided",
                ),
            ],
            gradcheck_samples=_small((1, 4, 4), output_size=(3, 3), kernel_size=2),
        ),
    )
)
