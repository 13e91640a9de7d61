"""OpInfo entries: activations, softmax family, losses and padding (torch.nn.functional)."""

from __future__ import annotations

import numpy as np

import ember.nn.functional  # noqa: F401 - makes ``ember.nn`` reachable as ``m.nn``

from ..op_db import OpInfo, Sample, arr, iarr, register

SHAPES = [(), (0,), (5,), (3, 4), (2, 3, 4)]
# values from the flat parts, the kinks' neighbourhood and the far tails of every activation
LARGE = np.array(
    [-1000.0, -60.0, -21.0, -4.0, -2.5, -0.7, 0.3, 1.7, 2.9, 4.5, 19.0, 25.0, 60.0, 1000.0],
    dtype=np.float32,
)


def F(m):
    return m.nn.functional


def act_samples(low=-3.0, high=3.0, large=True):
    def gen():
        out = [Sample((arr(*s, low=low, high=high),), name=str(s)) for s in SHAPES]
        out.append(Sample((arr(4, 3, low=low, high=high, dtype=np.float64),), name="float64"))
        if large:
            out.append(Sample((LARGE.copy(),), name="large"))
        return out

    return gen


def _act(name, call, low=-3.0, high=3.0, large=True, **kw):
    """One entry on contiguous samples, one on a transposed (non-contiguous) view."""
    return [
        OpInfo(name, call, act_samples(low, high, large), **kw),
        OpInfo(
            f"{name}_noncontig",
            lambda m, x, _c=call: _c(m, x.mT),
            lambda: [Sample((arr(5, 3, low=low, high=high),))],
            gradcheck=False,
            **kw,
        ),
    ]


ACTIVATIONS = [
    ("relu", lambda m, x: F(m).relu(x)),
    ("torch.relu", lambda m, x: m.relu(x)),
    ("Tensor.relu", lambda m, x: x.relu()),
    ("relu6", lambda m, x: F(m).relu6(x * 3)),
    ("hardtanh", lambda m, x: F(m).hardtanh(x, -0.5, 1.5)),
    ("gelu", lambda m, x: F(m).gelu(x)),
    ("gelu_tanh", lambda m, x: F(m).gelu(x, approximate="tanh")),
    ("silu", lambda m, x: F(m).silu(x)),
    ("mish", lambda m, x: F(m).mish(x)),
    ("elu", lambda m, x: F(m).elu(x)),
    ("elu_alpha", lambda m, x: F(m).elu(x, alpha=0.7)),
    ("selu", lambda m, x: F(m).selu(x)),
    ("torch.selu", lambda m, x: m.selu(x)),
    ("celu", lambda m, x: F(m).celu(x, alpha=1.5)),
    ("torch.celu", lambda m, x: m.celu(x)),
    ("leaky_relu", lambda m, x: F(m).leaky_relu(x)),
    ("leaky_relu_slope", lambda m, x: F(m).leaky_relu(x, 0.2)),
    ("rrelu_eval", lambda m, x: F(m).rrelu(x)),
    ("torch.rrelu", lambda m, x: m.rrelu(x, 0.1, 0.3)),
    ("softplus", lambda m, x: F(m).softplus(x)),
    ("softplus_beta", lambda m, x: F(m).softplus(x, beta=2.0, threshold=3.0)),
    ("hardsigmoid", lambda m, x: F(m).hardsigmoid(x * 2)),
    ("hardswish", lambda m, x: F(m).hardswish(x * 2)),
    ("logsigmoid", lambda m, x: F(m).logsigmoid(x)),
    ("softsign", lambda m, x: F(m).softsign(x)),
    ("tanhshrink", lambda m, x: F(m).tanhshrink(x)),
    ("hardshrink", lambda m, x: F(m).hardshrink(x)),
    ("Tensor.hardshrink", lambda m, x: x.hardshrink(1.0)),
    ("softshrink", lambda m, x: F(m).softshrink(x, 0.7)),
    ("threshold", lambda m, x: F(m).threshold(x, 0.5, -2.0)),
    ("torch.threshold", lambda m, x: m.threshold(x, -0.5, 3.0)),
    ("F.sigmoid", lambda m, x: F(m).sigmoid(x)),
    ("F.tanh", lambda m, x: F(m).tanh(x)),
    ("act_used_twice", lambda m, x: F(m).gelu(x) * F(m).silu(x) + F(m).elu(x)),
]
# the LARGE sample makes softsign's / tanhshrink's float32 rounding differ past rtol at 1e3
_NO_LARGE = {"softsign", "tanhshrink"}
for _name, _call in ACTIVATIONS:
    register(*_act(_name, _call, large=_name not in _NO_LARGE))

register(
    OpInfo(
        "relu_int",
        lambda m, x: m.relu(x),
        lambda: [Sample((iarr(7),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "threshold_int",
        lambda m, x: F(m).threshold(x, 1, 7),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "hardtanh_int",
        lambda m, x: F(m).hardtanh(x, -2, 3),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "softsign_int",
        lambda m, x: F(m).softsign(x),
        lambda: [Sample((iarr(6),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "glu",
        lambda m, x, dim: F(m).glu(x, dim),
        lambda: [
            Sample((arr(4, 6),), {"dim": -1}, "last"),
            Sample((arr(4, 6),), {"dim": 0}, "dim0"),
            Sample((arr(2, 4, 3),), {"dim": 1}, "3d"),
            Sample((arr(6),), {"dim": 0}, "1d"),
        ],
    ),
    OpInfo(
        "glu_noncontig",
        lambda m, x: F(m).glu(x.mT),
        lambda: [Sample((arr(4, 6),))],
        gradcheck=False,
    ),
    OpInfo(
        "prelu_channels",
        lambda m, x, w: F(m).prelu(x, w),
        lambda: [Sample((arr(2, 3, 4), arr(3)), name="3d"), Sample((arr(2, 3), arr(3)), name="2d")],
    ),
    OpInfo(
        "prelu_single",
        lambda m, x, w: m.prelu(x, w),
        lambda: [
            Sample((arr(2, 3, 2), arr(1)), name="1w"),
            Sample((arr(5), arr(1)), name="1d"),
            Sample((arr(), arr(1)), name="0d"),
        ],
    ),
    OpInfo("Tensor.prelu", lambda m, x, w: x.prelu(w), lambda: [Sample((arr(2, 4), arr(4)))]),
)


# ---------------------------------------------------------------------------- softmax family

LOGITS = np.array(
    [[1000.0, -1000.0, 0.0, 999.0], [1e4, 1e4 - 1.0, -1e4, 0.5], [-1e4, -1e4, -1e4, -1e4]],
    dtype=np.float32,
)


def softmax_samples():
    return [
        Sample((arr(),), {"dim": 0}, "0d"),
        Sample((arr(),), {"dim": -1}, "0d_neg"),
        Sample((arr(5),), {"dim": 0}, "1d"),
        Sample((arr(3, 4),), {"dim": 1}, "2d_dim1"),
        Sample((arr(3, 4),), {"dim": 0}, "2d_dim0"),
        Sample((arr(2, 3, 4),), {"dim": -1}, "3d_last"),
        Sample((arr(2, 3, 4),), {"dim": 1}, "3d_mid"),
        Sample((arr(0, 3),), {"dim": 1}, "empty"),
        Sample((arr(3, 4, dtype=np.float64),), {"dim": 1}, "float64"),
        Sample((LOGITS.copy(),), {"dim": 1}, "large"),
        Sample((LOGITS.copy(),), {"dim": 0}, "large_dim0"),
    ]


def softmax_gradcheck():
    return [
        Sample((arr(3, 4, dtype=np.float64),), {"dim": 1}),
        Sample((arr(2, 3, 2, dtype=np.float64),), {"dim": 0}),
    ]


for _name, _call in [
    ("softmax", lambda m, x, dim: F(m).softmax(x, dim=dim)),
    ("torch.softmax", lambda m, x, dim: m.softmax(x, dim)),
    ("Tensor.softmax", lambda m, x, dim: x.softmax(dim)),
    ("log_softmax", lambda m, x, dim: F(m).log_softmax(x, dim=dim)),
    ("torch.log_softmax", lambda m, x, dim: m.log_softmax(x, dim)),
    ("Tensor.log_softmax", lambda m, x, dim: x.log_softmax(dim)),
    ("softmin", lambda m, x, dim: F(m).softmin(x, dim=dim)),
]:
    register(OpInfo(_name, _call, softmax_samples, gradcheck_samples=softmax_gradcheck))

register(
    OpInfo(
        "softmax_dtype",
        lambda m, x: F(m).softmax(x, dim=1, dtype=m.float64),
        lambda: [Sample((arr(3, 4),))],
    ),
    OpInfo(
        "log_softmax_dtype",
        lambda m, x: m.log_softmax(x, 0, dtype=m.float64),
        lambda: [Sample((arr(3, 4),))],
    ),
    OpInfo(
        "softmax_int_dtype",
        lambda m, x: m.softmax(x, -1, dtype=m.float32),
        lambda: [Sample((iarr(3, 4),))],
        grad=False,
        gradcheck=False,
    ),
    OpInfo(
        "softmax_noncontig",
        lambda m, x: F(m).softmax(x.mT, dim=1),
        lambda: [Sample((arr(4, 3),))],
        gradcheck=False,
    ),
    OpInfo(
        "log_softmax_noncontig",
        lambda m, x: F(m).log_softmax(x[:, ::2], dim=-1),
        lambda: [Sample((arr(3, 8),))],
        gradcheck=False,
    ),
    OpInfo(
        "softmax_then_log_softmax",
        lambda m, x: F(m).softmax(x, 1) * F(m).log_softmax(x, 1),
        lambda: [Sample((arr(3, 4),))],
    ),
)


# ---------------------------------------------------------------------------- class losses


def _probs(*shape, axis=1):
    e = np.exp(arr(*shape))
    return (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)


def _targets(n, c, ignore=()):
    t = iarr(n, low=0, high=c)
    for i in ignore:
        t[i] = -100
    return t


def ce_samples():
    t3 = iarr(2, 3, low=0, high=5)
    t3[1, 2] = -100
    return [
        Sample((arr(4, 5), _targets(4, 5)), {}, "2d"),
        Sample((arr(4, 5), _targets(4, 5, ignore=(1,))), {}, "ignored"),
        Sample((arr(4, 5), _targets(4, 5)), {"reduction": "sum"}, "sum"),
        Sample((arr(4, 5), _targets(4, 5, ignore=(2,))), {"reduction": "none"}, "none"),
        Sample((arr(4, 5), _targets(4, 5)), {"ignore_index": 2}, "ignore_index"),
        Sample((arr(4, 5), _targets(4, 5, ignore=(0,))), {"label_smoothing": 0.1}, "smooth"),
        Sample(
            (arr(4, 5), _targets(4, 5, ignore=(0,))),
            {"label_smoothing": 0.2, "reduction": "none"},
            "smooth_none",
        ),
        Sample(
            (arr(4, 5), _targets(4, 5)), {"label_smoothing": 0.3, "reduction": "sum"}, "smooth_sum"
        ),
        Sample((arr(5), np.array(3)), {}, "1d"),
        Sample((arr(5), np.array(3)), {"reduction": "none"}, "1d_none"),
        Sample((arr(2, 5, 3), t3), {}, "3d"),
        Sample((arr(2, 5, 3), t3), {"reduction": "none", "label_smoothing": 0.1}, "3d_none"),
        Sample((arr(2, 4, 2, 2), iarr(2, 2, 2, low=0, high=4)), {}, "4d"),
        Sample((arr(0, 5), _targets(0, 5)), {"reduction": "sum"}, "empty_sum"),
        Sample((arr(3, 5, dtype=np.float64), _targets(3, 5)), {}, "float64"),
        Sample((LOGITS.copy(), np.array([0, 1, 2])), {}, "large"),
        Sample((LOGITS.copy(), np.array([1, 3, 2])), {"label_smoothing": 0.1}, "large_smooth"),
        Sample((arr(4, 5), iarr(4, low=0, high=5).astype(np.uint8)), {}, "uint8_target"),
    ]


def ce_prob_samples():
    return [
        Sample((arr(4, 5), _probs(4, 5)), {}, "probs"),
        Sample((arr(4, 5), _probs(4, 5)), {"reduction": "none"}, "probs_none"),
        Sample(
            (arr(4, 5), _probs(4, 5)), {"reduction": "sum", "label_smoothing": 0.2}, "probs_smooth"
        ),
        Sample((arr(2, 3, 2), _probs(2, 3, 2)), {"reduction": "none"}, "probs_3d"),
        Sample((arr(5), _probs(5, axis=0)), {}, "probs_1d"),
        Sample((LOGITS.copy(), _probs(3, 4)), {}, "probs_large"),
    ]


def _weight(x, values):
    return x.new_tensor(values)


def ce_small():
    return [
        Sample((arr(3, 4, dtype=np.float64), np.array([0, 3, -100])), {}),
        Sample(
            (arr(3, 4, dtype=np.float64), np.array([1, 3, 0])),
            {"label_smoothing": 0.2, "reduction": "none"},
        ),
    ]


def ce_prob_small():
    return [
        Sample(
            (arr(3, 4, dtype=np.float64), _probs(3, 4).astype(np.float64)), {"label_smoothing": 0.1}
        )
    ]


W5 = [0.5, 2.0, 1.0, 0.0, 1.5]
register(
    OpInfo(
        "cross_entropy",
        lambda m, x, t, **kw: F(m).cross_entropy(x, t, **kw),
        ce_samples,
        gradcheck_samples=ce_small,
        rtol=1e-4,
    ),
    OpInfo(
        "cross_entropy_weight",
        lambda m, x, t, **kw: F(m).cross_entropy(x, t, weight=_weight(x, W5), **kw),
        lambda: [s for s in ce_samples()[:8] if s.name != "1d"],
        rtol=1e-4,
        gradcheck_samples=lambda: [
            Sample((arr(3, 5, dtype=np.float64), np.array([0, 3, -100])), {"label_smoothing": 0.1})
        ],
    ),
    OpInfo(
        "cross_entropy_probs",
        lambda m, x, t, **kw: F(m).cross_entropy(x, t, **kw),
        ce_prob_samples,
        gradcheck_samples=ce_prob_small,
        rtol=1e-4,
    ),
    OpInfo(
        "cross_entropy_probs_weight",
        lambda m, x, t: F(m).cross_entropy(x, t, weight=_weight(x, W5), label_smoothing=0.1),
        lambda: [Sample((arr(4, 5), _probs(4, 5)))],
        rtol=1e-4,
        gradcheck_samples=lambda: [
            Sample((arr(2, 5, dtype=np.float64), _probs(2, 5).astype(np.float64)))
        ],
    ),
    OpInfo(
        "cross_entropy_noncontig",
        lambda m, x, t: F(m).cross_entropy(x.mT, t),
        lambda: [Sample((arr(5, 4), _targets(4, 5)))],
        gradcheck=False,
    ),
    OpInfo(
        "cross_entropy_all_ignored",
        lambda m, x, t: F(m).cross_entropy(x, t),
        lambda: [Sample((arr(3, 4), np.array([-100, -100, -100])))],
        gradcheck=False,
    ),
    OpInfo(
        "nll_loss",
        lambda m, x, t, **kw: F(m).nll_loss(x, t, **kw),
        lambda: [s for s in ce_samples() if "label_smoothing" not in s.kwargs],
        rtol=1e-4,
        gradcheck_samples=lambda: ce_small()[:1],
    ),
    OpInfo(
        "nll_loss_weight",
        lambda m, x, t, **kw: F(m).nll_loss(x, t, weight=_weight(x, W5), **kw),
        lambda: [s for s in ce_samples()[:5]],
        rtol=1e-4,
        gradcheck_samples=lambda: [
            Sample((arr(3, 5, dtype=np.float64), np.array([4, 3, -100])), {"reduction": "none"})
        ],
    ),
    OpInfo(
        "nll_of_log_softmax",
        lambda m, x, t: F(m).nll_loss(F(m).log_softmax(x, 1), t),
        lambda: [Sample((arr(4, 5), _targets(4, 5)))],
    ),
)


# ---------------------------------------------------------------------------- elementwise losses


def pair_samples(low=-2.0, high=2.0, tlow=None, thigh=None):
    tlow = low if tlow is None else tlow
    thigh = high if thigh is None else thigh

    def gen():
        out = []
        for s in [(), (5,), (3, 4), (2, 3, 2)]:
            for red in ("mean", "sum", "none"):
                out.append(
                    Sample(
                        (arr(*s, low=low, high=high), arr(*s, low=tlow, high=thigh)),
                        {"reduction": red},
                        f"{s}_{red}",
                    )
                )
        return out

    return gen


def _pair_small(low=-2.0, high=2.0, tlow=None, thigh=None):
    tlow = low if tlow is None else tlow
    thigh = high if thigh is None else thigh
    return lambda: [
        Sample(
            (
                arr(3, 4, low=low, high=high, dtype=np.float64),
                arr(3, 4, low=tlow, high=thigh, dtype=np.float64),
            ),
            {"reduction": r},
        )
        for r in ("mean", "none")
    ]


register(
    OpInfo(
        "mse_loss",
        lambda m, x, t, **kw: F(m).mse_loss(x, t, **kw),
        pair_samples(),
        gradcheck_samples=_pair_small(),
    ),
    OpInfo(
        "l1_loss",
        lambda m, x, t, **kw: F(m).l1_loss(x, t, **kw),
        pair_samples(),
        gradcheck_samples=_pair_small(),
        gradgrad=False,
    ),
    OpInfo(
        "smooth_l1_loss",
        lambda m, x, t, **kw: F(m).smooth_l1_loss(x, t, beta=0.8, **kw),
        pair_samples(),
        gradcheck_samples=_pair_small(),
    ),
    OpInfo(
        "smooth_l1_loss_beta0",
        lambda m, x, t: F(m).smooth_l1_loss(x, t, beta=0.0),
        lambda: [Sample((arr(3, 4), arr(3, 4)))],
        gradcheck=False,
    ),
    OpInfo(
        "huber_loss",
        lambda m, x, t, **kw: F(m).huber_loss(x, t, delta=1.3, **kw),
        pair_samples(),
        gradcheck_samples=_pair_small(),
    ),
    OpInfo(
        "mse_loss_weight",
        lambda m, x, t, w: F(m).mse_loss(x, t, weight=w),
        lambda: [Sample((arr(3, 4), arr(3, 4), arr(3, 4, low=0.1)))],
    ),
    OpInfo(
        "l1_loss_weight_sum",
        lambda m, x, t, w: F(m).l1_loss(x, t, reduction="sum", weight=w),
        lambda: [Sample((arr(3, 4), arr(3, 4), arr(3, 4, low=0.1)))],
        gradgrad=False,
    ),
    OpInfo(
        "huber_loss_weight",
        lambda m, x, t, w: F(m).huber_loss(x, t, weight=w),
        lambda: [Sample((arr(3, 4), arr(3, 4), arr(3, 4, low=0.1)))],
    ),
    OpInfo(
        "mse_loss_noncontig",
        lambda m, x, t: F(m).mse_loss(x.mT, t),
        lambda: [Sample((arr(4, 3), arr(3, 4)))],
        gradcheck=False,
    ),
    OpInfo(
        "binary_cross_entropy",
        lambda m, x, t, **kw: F(m).binary_cross_entropy(x, t, **kw),
        pair_samples(0.05, 0.95, 0.0, 1.0),
        gradcheck_samples=_pair_small(0.05, 0.95, 0, 1),
    ),
    OpInfo(
        "binary_cross_entropy_weight",
        lambda m, x, t: F(m).binary_cross_entropy(x, t, weight=x.new_tensor([0.5, 2.0, 1.0])),
        lambda: [Sample((arr(4, 3, low=0.05, high=0.95), arr(4, 3, low=0.0, high=1.0)))],
    ),
    OpInfo(
        "binary_cross_entropy_edges",
        lambda m, x, t: F(m).binary_cross_entropy(x, t),
        lambda: [
            Sample(
                (
                    np.array([0.0, 1.0, 0.5, 1e-30], dtype=np.float32),
                    np.array([1.0, 0.0, 1.0, 1.0], dtype=np.float32),
                )
            )
        ],
        gradcheck=False,
    ),
    OpInfo(
        "bce_with_logits",
        lambda m, x, t, **kw: F(m).binary_cross_entropy_with_logits(x, t, **kw),
        pair_samples(-3.0, 3.0, 0.0, 1.0),
        gradcheck_samples=_pair_small(-3, 3, 0, 1),
    ),
    OpInfo(
        "bce_with_logits_weights",
        lambda m, x, t: F(m).binary_cross_entropy_with_logits(
            x,
            t,
            weight=x.new_tensor([[0.5], [1.0], [2.0]]),
            pos_weight=x.new_tensor([1.0, 3.0, 0.5, 2.0]),
        ),
        lambda: [Sample((arr(3, 4, low=-3, high=3), arr(3, 4, low=0.0, high=1.0)))],
    ),
    OpInfo(
        "bce_with_logits_large",
        lambda m, x, t: F(m).binary_cross_entropy_with_logits(x, t, reduction="none"),
        lambda: [Sample((LARGE.copy(), np.linspace(0, 1, LARGE.size).astype(np.float32)))],
        gradcheck=False,
    ),
)


# ---------------------------------------------------------------------------- padding


def pad_samples():
    return [
        Sample((arr(2, 3, 4),), {"pad": (1, 2)}, "last"),
        Sample((arr(2, 3, 4),), {"pad": (1, 2, 0, 1)}, "last2"),
        Sample((arr(2, 3, 4),), {"pad": (1, 1, 2, 0, 1, 1)}, "all3"),
        Sample((arr(2, 3, 4),), {"pad": (-1, 2)}, "crop_pad"),
        Sample((arr(2, 3, 4),), {"pad": (-1, -2, 0, -1)}, "crop"),
        Sample((arr(2, 3, 4),), {"pad": (1, 2), "value": 3.5}, "value"),
        Sample((arr(5),), {"pad": (2, 0)}, "1d"),
        Sample((arr(),), {"pad": ()}, "0d"),
        Sample((arr(0, 3),), {"pad": (1, 1)}, "empty"),
        Sample((iarr(2, 3),), {"pad": (1, 1), "value": 1.7}, "int"),
    ]


def mode_samples(mode):
    def gen():
        out = [
            Sample((arr(2, 3, 4),), {"pad": (2, 1), "mode": mode}, "1d_batch"),
            Sample((arr(3, 4),), {"pad": (1, 3), "mode": mode}, "1d_nobatch"),
            Sample((arr(2, 3, 4, 5),), {"pad": (1, 2, 2, 1), "mode": mode}, "2d_batch"),
            Sample((arr(3, 4, 5),), {"pad": (0, 2, 1, 0), "mode": mode}, "2d_nobatch"),
            Sample((arr(1, 2, 3, 4, 5),), {"pad": (1, 2, 2, 1, 1, 1), "mode": mode}, "3d"),
            Sample((arr(0, 3, 4),), {"pad": (1, 1), "mode": mode}, "empty_batch"),
        ]
        if mode != "circular":
            out.append(Sample((arr(2, 3, 4),), {"pad": (-1, 2), "mode": mode}, "crop"))
        return out

    return gen


def _pad_small(mode):
    return lambda: [
        Sample((arr(1, 2, 5, dtype=np.float64),), {"pad": (2, 1), "mode": mode}),
        Sample((arr(1, 3, 3, dtype=np.float64),), {"pad": (1, 2, 2, 1), "mode": mode}),
    ]


register(
    OpInfo(
        "pad_constant",
        lambda m, x, **kw: F(m).pad(x, **kw),
        pad_samples,
        gradcheck_samples=lambda: [Sample((arr(3, 4, dtype=np.float64),), {"pad": (-1, 2, 1, 0)})],
    ),
    OpInfo(
        "pad_noncontig",
        lambda m, x: F(m).pad(x.mT, (1, 1, 0, 2), mode="reflect"),
        lambda: [Sample((arr(2, 4, 3),))],
        gradcheck=False,
    ),
    *[
        OpInfo(
            f"pad_{mode}",
            lambda m, x, **kw: F(m).pad(x, **kw),
            mode_samples(mode),
            gradcheck_samples=_pad_small(mode),
        )
        for mode in ("reflect", "replicate", "circular")
    ],
)
