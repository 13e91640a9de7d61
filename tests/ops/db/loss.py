"""OpInfo entries: losses of ``torch.nn.functional`` (CTC; the class and elementwise losses
are in ``activations.py``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register
from . import isolated
from .activations import F

# ---------------------------------------------------------------------------- CTC


def _ctc(m, x, t, **kw):
    # log_probs as PyTorch documents them, a log_softmax output: ember's gradient with respect
    # to log_probs matches through it (NOTE [ CTC in log space ])
    return F(m).ctc_loss(x.log_softmax(-1), t, **kw)


def ctc_samples():
    t = iarr(2, 3, low=1, high=5)
    return [
        Sample((arr(6, 2, 5), t), {"input_lengths": (6, 5), "target_lengths": (3, 2)}, "mean"),
        Sample(
            (arr(6, 2, 5), t),
            {"input_lengths": (6, 6), "target_lengths": (3, 3), "reduction": "sum"},
            "sum",
        ),
        Sample(
            (arr(6, 2, 5), t),
            {"input_lengths": (5, 6), "target_lengths": (2, 3), "reduction": "none"},
            "none",
        ),
        Sample(
            (arr(4, 2, 5), np.array([1, 2, 2, 3, 1], dtype=np.int64)),
            {"input_lengths": (4, 4), "target_lengths": (2, 3), "blank": 4},
            "concatenated_blank4",
        ),
        Sample(
            (arr(5, 4), iarr(2, low=1, high=4)), {"input_lengths": (5,), "target_lengths": (2,)}
        ),
    ]


register(
    *isolated(
        OpInfo(
            "ctc_loss",
            _ctc,
            ctc_samples,
            gradcheck_samples=lambda: [
                Sample(
                    (arr(4, 2, 3, dtype=np.float64), iarr(2, 2, low=1, high=3)),
                    {"input_lengths": (4, 3), "target_lengths": (2, 1)},
                )
            ],
            gradgrad=False,  # torch: "derivative for aten::_ctc_loss_backward is not implemented"
            rtol=1e-4,
            atol=1e-5,
        ),
    )
)
