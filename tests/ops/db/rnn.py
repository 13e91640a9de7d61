"""OpInfo entries: recurrent cells (``torch.rnn_tanh_cell``, ``lstm_cell``, ...), whole RNN /
LSTM / GRU layers, and ``torch.nn.utils.rnn.pad_sequence``."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, register
from . import isolated

F64 = np.float64
H, I = 3, 2


def _cell(name):
    return lambda m, x, h, *w: getattr(m, name)(x, h, *w)


def _lstm_cell(m, x, h, c, *w):
    return m.lstm_cell(x, (h, c), *w)


def _cell_samples(gates, state=1):
    def gen():
        w = (arr(gates * H, I), arr(gates * H, H), arr(gates * H), arr(gates * H))
        states = tuple(arr(4, H) for _ in range(state))
        return [
            Sample((arr(4, I), *states, *w), name="bias"),
            Sample((arr(4, I), *states, *w[:2]), name="no_bias"),
        ]

    return gen


def _cell_small(gates, state=1):
    def gen():
        g = gates * H
        shapes = ((2, I), *[(2, H)] * state, (g, I), (g, H), (g,), (g,))
        return [Sample(tuple(arr(*s, dtype=F64) for s in shapes))]

    return gen


def _layer(m, mode, x, h, c, *weights, **kw):
    """``nn.<mode>`` with its parameters replaced by the sample's tensors, so that their
    gradients are compared too (both libraries read the weights by name on each call)."""
    mod = getattr(m.nn, mode)(x.shape[-1], h.shape[-1], **kw)
    for name, w in zip(mod._flat_weights_names, weights):
        delattr(mod, name)
        setattr(mod, name, w)
    if mode == "LSTM":
        out, (hn, cn) = mod(x, (h, c))
        return out, hn, cn
    out, hn = mod(x, h)
    return out, hn


def _layer_samples(mode, gates):
    def gen():
        w = (arr(gates * H, I), arr(gates * H, H), arr(gates * H), arr(gates * H))
        return [Sample((arr(5, 2, I), arr(1, 2, H), arr(1, 2, H), *w))]

    return gen


def _layer_small(mode, gates):
    def gen():
        shapes = ((3, 1, I), (1, 1, H), (1, 1, H), (gates * H, I), (gates * H, H))
        return [Sample(tuple(arr(*s, dtype=F64) for s in shapes), {"bias": False})]

    return gen


def _pad_sequence(m, a, b, c, **kw):
    return m.nn.utils.rnn.pad_sequence([a, b, c], **kw)


register(
    *isolated(
        OpInfo(
            "rnn_tanh_cell",
            _cell("rnn_tanh_cell"),
            _cell_samples(1),
            gradcheck_samples=_cell_small(1),
        ),
        OpInfo(
            "rnn_relu_cell",
            _cell("rnn_relu_cell"),
            _cell_samples(1),
            gradcheck_samples=_cell_small(1),
        ),
        OpInfo(
            "gru_cell",
            _cell("gru_cell"),
            _cell_samples(3),
            gradcheck_samples=_cell_small(3),
            rtol=1e-4,
            atol=1e-5,
        ),
        OpInfo(
            "lstm_cell",
            _lstm_cell,
            _cell_samples(4, state=2),
            gradcheck_samples=_cell_small(4, state=2),
            rtol=1e-4,
            atol=1e-5,
        ),
        *[
            OpInfo(
                f"nn.{mode}",
                lambda m, *a, _mode=mode, **kw: _layer(m, _mode, *a, **kw),
                _layer_samples(mode, gates),
                gradcheck_samples=_layer_small(mode, gates),
                rtol=1e-4,
                atol=1e-5,
            )
            for mode, gates in (("RNN", 1), ("GRU", 3), ("LSTM", 4))
        ],
        OpInfo(
            "pad_sequence",
            _pad_sequence,
            lambda: [
                Sample((arr(3, 2), arr(5, 2), arr(1, 2)), {}, "time_first"),
                Sample((arr(3, 2), arr(5, 2), arr(1, 2)), {"batch_first": True}, "batch_first"),
                Sample(
                    (arr(3), arr(5), arr(2)),
                    {"batch_first": True, "padding_value": -1.0, "padding_side": "left"},
                    "left",
                ),
            ],
            gradcheck_samples=lambda: [
                Sample(tuple(arr(n, 2, dtype=F64) for n in (2, 3, 1)), {"batch_first": True})
            ],
        ),
    )
)
