"""OpInfo entries: batch, layer, group and instance norm (``torch.nn.functional``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .activations import F

F64 = np.float64


def _stats(x, step):
    """Running statistics (constants, as in eval mode) for the channels of ``x``."""
    return x.new_tensor([step * (c + 1) for c in range(x.shape[1])])


def _small(*shapes):
    return lambda: [Sample(tuple(arr(*s, dtype=F64) for s in shapes))]


register(
    *isolated(
        OpInfo(
            "layer_norm",
            lambda m, x, w, b: F(m).layer_norm(x, x.shape[-2:], w, b, eps=1e-5),
            lambda: [
                Sample((arr(2, 3, 4), arr(3, 4), arr(3, 4))),
                Sample((arr(5, 3, 4, dtype=F64), arr(3, 4, dtype=F64), arr(3, 4, dtype=F64))),
            ],
            gradcheck_samples=_small((2, 2, 3), (2, 3), (2, 3)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "layer_norm_no_affine",
            lambda m, x: F(m).layer_norm(x, x.shape[-1:]),
            lambda: [Sample((arr(3, 5),)), Sample((arr(2, 3, 4),))],
            gradcheck_samples=_small((3, 4)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "batch_norm_training",
            lambda m, x, w, b: F(m).batch_norm(x, None, None, w, b, training=True),
            lambda: [
                Sample((arr(4, 3), arr(3), arr(3)), name="2d"),
                Sample((arr(2, 3, 5), arr(3), arr(3)), name="3d"),
                Sample((arr(2, 3, 2, 2), arr(3), arr(3)), name="4d"),
            ],
            gradcheck_samples=_small((3, 2, 2), (2,), (2,)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "batch_norm_eval",
            lambda m, x, w, b: F(m).batch_norm(x, _stats(x, 0.1), _stats(x, 0.7), w, b),
            lambda: [Sample((arr(4, 3, 2), arr(3), arr(3)))],
            gradcheck_samples=_small((2, 2, 2), (2,), (2,)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "group_norm",
            lambda m, x, w, b: F(m).group_norm(x, 2, w, b),
            lambda: [
                Sample((arr(2, 4, 3), arr(4), arr(4))),
                Sample((arr(3, 6, 2, 2), arr(6), arr(6))),
            ],
            gradcheck_samples=_small((2, 4, 2), (4,), (4,)),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "instance_norm",
            lambda m, x, w, b: F(m).instance_norm(x, weight=w, bias=b),
            lambda: [
                Sample((arr(2, 3, 5), arr(3), arr(3))),
                Sample((arr(2, 3, 2, 3), arr(3), arr(3))),
            ],
            gradcheck_samples=_small((2, 2, 3), (2,), (2,)),
            rtol=1e-4,
            atol=1e-5,
        ),
    )
)
