"""OpInfo entries: ``torch.nn.functional.interpolate`` (padding is in ``activations.py``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .activations import F

# ---------------------------------------------------------------------------- interpolation


def _interp(m, x, **kw):
    return F(m).interpolate(x, **kw)


def interp_samples():
    return [
        Sample((arr(2, 3, 5),), {"size": 8, "mode": "nearest"}, "nearest_1d"),
        Sample((arr(2, 3, 5),), {"scale_factor": 1.5, "mode": "linear"}, "linear"),
        Sample(
            (arr(2, 3, 5),),
            {"size": 3, "mode": "linear", "align_corners": True},
            "linear_align",
        ),
        Sample((arr(1, 2, 4, 5),), {"size": (6, 3), "mode": "bilinear"}, "bilinear"),
        Sample((arr(1, 2, 4, 5),), {"scale_factor": 2, "mode": "bicubic"}, "bicubic"),
        Sample((arr(1, 2, 4, 5),), {"size": (3, 7), "mode": "nearest-exact"}, "nearest_exact"),
        Sample(
            (arr(1, 2, 8, 6),),
            {"size": (3, 4), "mode": "bilinear", "antialias": True},
            "antialias",
        ),
        Sample((arr(1, 1, 3, 4, 2),), {"scale_factor": 2, "mode": "trilinear"}, "trilinear"),
    ]


register(
    *isolated(
        OpInfo(
            "interpolate",
            _interp,
            interp_samples,
            gradcheck_samples=lambda: [
                Sample((arr(1, 1, 3, dtype=np.float64),), {"size": 5, "mode": "linear"}),
                Sample(
                    (arr(1, 1, 2, 3, dtype=np.float64),), {"scale_factor": 2, "mode": "bicubic"}
                ),
            ],
            rtol=1e-4,
            atol=1e-5,
        ),
    )
)
