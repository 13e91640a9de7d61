"""OpInfo entries: attention (``torch.nn.functional.scaled_dot_product_attention`` and
``multi_head_attention_forward``)."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated
from .activations import F

F64 = np.float64


def _sdpa(m, q, k, v, mask=None, **kw):
    return F(m).scaled_dot_product_attention(q, k, v, attn_mask=mask, **kw)


def sdpa_samples():
    return [
        Sample((arr(2, 3, 4), arr(2, 5, 4), arr(2, 5, 6)), {}, "plain"),
        Sample((arr(2, 2, 4, 3), arr(2, 2, 4, 3), arr(2, 2, 4, 3)), {"is_causal": True}, "causal"),
        Sample((arr(2, 3, 4), arr(2, 5, 4), arr(2, 5, 4), arr(3, 5)), {}, "float_mask"),
        Sample((arr(1, 3, 4), arr(1, 5, 4), arr(1, 5, 2)), {"scale": 0.3}, "scale"),
        Sample(
            (arr(2, 3, 4, dtype=F64), arr(2, 3, 4, dtype=F64), arr(2, 3, 4, dtype=F64)), {}, "f64"
        ),
    ]


def _mha(m, q, kv, w, b, wo, bo, *, self_attention, **kw):
    """Self-attention (one input projection split in three) or a shared key/value (split in
    two): the two paths of the in-projection."""
    key = q if self_attention else kv
    e = q.shape[-1]
    out, weights = F(m).multi_head_attention_forward(
        q, key, key, e, 2, w, b, None, None, False, 0.0, wo, bo, **kw
    )
    return (out,) if weights is None else (out, weights)


def mha_samples():
    e = 4
    params = (arr(3 * e, e), arr(3 * e), arr(e, e), arr(e))
    return [
        Sample((arr(3, 2, e), arr(5, 2, e), *params), {"self_attention": True}, "self_weights"),
        Sample(
            (arr(3, 2, e), arr(5, 2, e), *params),
            {"self_attention": True, "need_weights": False},
            "self_no_weights",
        ),
        Sample((arr(3, 2, e), arr(5, 2, e), *params), {"self_attention": False}, "shared_kv"),
        Sample(
            (arr(3, 2, e), arr(5, 2, e), *params),
            {"self_attention": False, "average_attn_weights": False},
            "per_head_weights",
        ),
    ]


def mha_small():
    e = 2
    shapes = ((2, 1, e), (3, 1, e), (3 * e, e), (3 * e,), (e, e), (e,))
    return [
        Sample(
            tuple(arr(*s, dtype=F64) for s in shapes), {"self_attention": sa, "need_weights": nw}
        )
        for sa, nw in ((True, True), (True, False), (False, True))
    ]


register(
    *isolated(
        OpInfo(
            "scaled_dot_product_attention",
            _sdpa,
            sdpa_samples,
            gradcheck_samples=lambda: [
                Sample(tuple(arr(*s, dtype=F64) for s in ((1, 2, 3), (1, 3, 3), (1, 3, 2)))),
                Sample(
                    tuple(arr(*s, dtype=F64) for s in ((1, 2, 2), (1, 3, 2), (1, 3, 2), (2, 3))),
                    {"is_causal": False},
                ),
                Sample(tuple(arr(*s, dtype=F64) for s in ((1, 3, 2), (1, 3, 2), (1, 3, 2)))),
            ],
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "multi_head_attention_forward",
            _mha,
            mha_samples,
            gradcheck_samples=mha_small,
            rtol=1e-3,
            atol=1e-4,
        ),
    )
)
