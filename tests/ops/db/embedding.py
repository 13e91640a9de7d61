"""OpInfo entries: ``torch.nn.functional.embedding``."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register
from . import isolated
from .activations import F


def embedding_samples():
    idx = iarr(2, 3, low=0, high=6)
    idx[0, 1] = idx[1, 2] = 2  # repeated rows accumulate; row 2 is also the padding row below
    return [
        Sample((arr(6, 4), idx), {}, "2d_indices"),
        Sample((arr(6, 4), iarr(5, low=0, high=6)), {}, "1d_indices"),
        Sample((arr(6, 4), np.array(3)), {}, "0d_index"),
        Sample((arr(6, 4), idx), {"padding_idx": 2}, "padding_idx"),
        Sample((arr(6, 4), idx), {"scale_grad_by_freq": True}, "freq"),
        Sample((arr(6, 4), idx), {"padding_idx": -4, "scale_grad_by_freq": True}, "both"),
        Sample((arr(6, 4, dtype=np.float64), idx), {}, "float64"),
    ]


register(
    *isolated(
        OpInfo(
            "embedding",
            lambda m, w, idx, **kw: F(m).embedding(idx, w, **kw),
            embedding_samples,
            # padding_idx and scale_grad_by_freq change the gradient on purpose (it is no longer
            # the derivative), so they are compared with torch only, not gradchecked
            gradcheck_samples=lambda: [
                Sample((arr(4, 3, dtype=np.float64), np.array([[0, 2], [2, 2]]))),
            ],
        ),
    )
)
