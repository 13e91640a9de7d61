"""RNN / LSTM / GRU and their cells against torch with identical weights: outputs, final states,
input, initial-state and parameter gradients; packed input; errors; printing; gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from ember.nn._functional import rnn as EF
from ember.nn.modules import rnn as ER
from ember.nn.utils import rnn as EU

from ..oracle import assert_same, check, check_gradcheck

# torch warns that oneDNN cannot run LSTM projections and falls back to its own kernel
pytestmark = pytest.mark.filterwarnings("ignore:LSTM with projections:UserWarning")

RNG = np.random.default_rng(11)
TOL = {"rtol": 1e-4, "atol": 1e-5}


def arr(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def pair(name, *args, **kwargs):
    """The torch module and the ember module with the same weights (loaded via state_dict)."""
    torch.manual_seed(0)
    t = getattr(torch.nn, name)(*args, **kwargs)
    e = getattr(ER, name)(*args, **kwargs)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, e


def leaf(lib, a):
    return (ember.tensor(a) if lib is ember else torch.tensor(a)).requires_grad_(True)


def flat(out):
    """Every tensor of a module's result (output, h_n, c_n), packed data unwrapped."""
    res = []
    for o in out if isinstance(out, tuple) else (out,):
        if isinstance(o, (EU.PackedSequence, torch.nn.utils.rnn.PackedSequence)):
            res.append(o.data)
        elif isinstance(o, tuple):
            res.extend(flat(o))
        else:
            res.append(o)
    return res


def run_both(t, e, make_input, make_hidden=None, what=""):
    """Run both modules; compare all results, then the gradients of a random weighted sum with
    respect to every leaf (inputs, initial states) and every parameter."""
    results, leaves = {}, {}
    for lib, m in ((torch, t), (ember, e)):
        x, inputs = make_input(lib)
        hx, hidden_leaves = make_hidden(lib) if make_hidden else (None, [])
        results[lib] = flat(m(x) if hx is None else m(x, hx))
        leaves[lib] = inputs + hidden_leaves
    assert len(results[ember]) == len(results[torch])
    rng = np.random.default_rng(3)
    cots = [rng.standard_normal(tuple(o.shape)).astype(np.float32) for o in results[torch]]
    for k, (oe, ot) in enumerate(zip(results[ember], results[torch])):
        assert_same(oe, ot, what=f"{what} result {k}", **TOL)
    for lib in (torch, ember):
        loss = sum((o * lib.tensor(c)).sum() for o, c in zip(results[lib], cots))
        loss.backward()
    for k, (le, lt) in enumerate(zip(leaves[ember], leaves[torch])):
        assert_same(le.grad, lt.grad, what=f"{what} grad of leaf {k}", **TOL)
    for (ke, pe), (kt, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert ke == kt
        assert_same(pe.grad, pt.grad, what=f"{what} grad of {ke}", **TOL)


def hidden_maker(mode, shape_h, shape_c):
    a_h, a_c = arr(*shape_h), arr(*shape_c)

    def make(lib):
        h = leaf(lib, a_h)
        if mode != "LSTM":
            return h, [h]
        c = leaf(lib, a_c)
        return (h, c), [h, c]

    return make


CONFIGS = [  # (module options, whether h_0 / (h_0, c_0) are given)
    ({}, False),
    ({"num_layers": 2, "dropout": 0.0}, True),
    ({"bidirectional": True}, True),
    ({"num_layers": 2, "bidirectional": True, "batch_first": True}, True),
    ({"bias": False, "batch_first": True}, False),
]
MODES = [("LSTM", {}), ("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"})]


def _config_id(c):
    options, with_hidden = c
    return "-".join(f"{k}={v}" for k, v in options.items()) + f"-hx={with_hidden}"


@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
@pytest.mark.parametrize("mode", MODES, ids=lambda m: m[0] + m[1].get("nonlinearity", ""))
def test_module_matches_torch(mode, config):
    """Train mode (dropout 0) with identical weights, every option against torch."""
    name, extra = mode
    config, with_hidden = config
    t, e = pair(name, 3, 4, **config, **extra)
    dirs = 2 if config.get("bidirectional") else 1
    layers = config.get("num_layers", 1)
    shape = (2, 5, 3) if config.get("batch_first") else (5, 2, 3)
    a = arr(*shape)

    def make_input(lib):
        x = leaf(lib, a)
        return x, [x]

    hs = (layers * dirs, 2, 4)
    hidden = hidden_maker(name, hs, hs) if with_hidden else None
    run_both(t, e, make_input, hidden, what=repr(t))


@pytest.mark.parametrize(
    "config", [{}, {"num_layers": 2, "bidirectional": True}, {"batch_first": True, "bias": False}]
)
@pytest.mark.parametrize("with_hidden", [False, True])
def test_lstm_projection_matches_torch(config, with_hidden):
    t, e = pair("LSTM", 3, 5, proj_size=2, **config)
    dirs = 2 if config.get("bidirectional") else 1
    layers = config.get("num_layers", 1)
    a = arr(3, 4, 3) if config.get("batch_first") else arr(4, 3, 3)

    def make_input(lib):
        x = leaf(lib, a)
        return x, [x]

    hidden = (
        hidden_maker("LSTM", (layers * dirs, 3, 2), (layers * dirs, 3, 5)) if with_hidden else None
    )
    run_both(t, e, make_input, hidden, what=repr(t))


@pytest.mark.parametrize("enforce_sorted,with_hidden", [(True, False), (False, True)])
@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_packed_input_matches_torch(name, enforce_sorted, with_hidden):
    t, e = pair(name, 3, 4, num_layers=2, bidirectional=True)
    lengths = [5, 3, 3, 1] if enforce_sorted else [3, 5, 1, 3]
    a = arr(5, 4, 3)

    def make_input(lib):
        x = leaf(lib, a)
        utils = EU if lib is ember else torch.nn.utils.rnn
        return utils.pack_padded_sequence(x, lengths, enforce_sorted=enforce_sorted), [x]

    hidden = hidden_maker(name, (4, 4, 4), (4, 4, 4)) if with_hidden else None
    run_both(t, e, make_input, hidden, what=f"packed {name}")


def test_packed_lstm_projection_and_output_unpacked():
    t, e = pair("LSTM", 3, 4, proj_size=2, bidirectional=True)
    a = arr(5, 4, 3)
    outs = {}
    for lib, m in ((torch, t), (ember, e)):
        utils = EU if lib is ember else torch.nn.utils.rnn
        x = leaf(lib, a)
        packed = utils.pack_padded_sequence(
            x, [2, 4, 1, 3, 4], batch_first=True, enforce_sorted=False
        )
        out, (h, c) = m(packed)
        padded, lengths = utils.pad_packed_sequence(out, batch_first=True)
        (padded.sum() + h.sum() + (c * c).sum()).backward()
        outs[lib] = (padded, lengths, h, c, x.grad)
    for k, (oe, ot) in enumerate(zip(outs[ember], outs[torch])):
        assert_same(oe, ot, what=f"result {k}", **TOL)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("batch_first,with_hidden", [(False, True), (True, False)])
def test_unbatched_input_matches_torch(name, batch_first, with_hidden):
    t, e = pair(name, 3, 4, num_layers=2, bidirectional=True, batch_first=batch_first)
    a = arr(5, 3)

    def make_input(lib):
        x = leaf(lib, a)
        return x, [x]

    hidden = hidden_maker(name, (4, 4), (4, 4)) if with_hidden else None
    run_both(t, e, make_input, hidden, what=f"unbatched {name}")


def test_dropout_between_layers_in_train_and_eval():
    t, e = pair("LSTM", 3, 4, num_layers=3, dropout=0.5)
    x = arr(6, 2, 3)
    e.eval()
    t.eval()
    assert_same(e(ember.tensor(x))[0], t(torch.tensor(x))[0], **TOL)
    e.train()
    ember.manual_seed(0)
    y1 = e(ember.tensor(x))[0]
    y2 = e(ember.tensor(x))[0]
    assert y1.shape == (6, 2, 4)
    assert not np.allclose(y1.detach().numpy(), y2.detach().numpy())  # a fresh mask each call
    # p = 1 drops every activation between layers: deterministic, so comparable with torch
    t, e = pair("GRU", 3, 4, num_layers=2, dropout=1.0)
    assert_same(e(ember.tensor(x))[1], t(torch.tensor(x))[1], **TOL)


def test_batch_of_zero_and_empty_sequence():
    t, e = pair("GRU", 3, 4)
    out_e, h_e = e(ember.zeros(5, 0, 3))
    out_t, h_t = t(torch.zeros(5, 0, 3))
    assert_same(out_e, out_t)
    assert_same(h_e, h_t)
    with pytest.raises(RuntimeError, match="Expected sequence length to be larger than 0"):
        e(ember.zeros(0, 2, 3))


def test_retain_graph_twice_and_grad_of_weights_only():
    t, e = pair("LSTM", 3, 4, num_layers=2)
    x = arr(5, 2, 3)
    for lib, m in ((torch, t), (ember, e)):
        out, _ = m(lib.tensor(x))
        loss = (out * out).sum()
        loss.backward(retain_graph=True)
        loss.backward()
    for (ke, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(pe.grad, pt.grad, what=ke, **TOL)
    ge = ember.autograd.grad(e(ember.tensor(x))[0].sum(), [e.weight_hh_l1])[0]
    gt = torch.autograd.grad(t(torch.tensor(x))[0].sum(), [t.weight_hh_l1])[0]
    assert_same(ge, gt, **TOL)
    # a first pass that wants only the input's gradient, then a full one on the same graph
    for lib, m in ((torch, t), (ember, e)):
        m.zero_grad()
        xl = lib.tensor(x).requires_grad_(True)
        loss = m(xl)[0].pow(2).sum()
        lib.autograd.grad(loss, [xl], retain_graph=True)
        loss.backward()
    for (ke, pe), (_, pt) in zip(e.named_parameters(), t.named_parameters()):
        assert_same(pe.grad, pt.grad, what=ke, **TOL)


def test_state_dict_names_shapes_and_init_range():
    t, e = pair("LSTM", 3, 6, num_layers=2, bidirectional=True, proj_size=2)
    assert [(k, tuple(v.shape)) for k, v in e.state_dict().items()] == [
        (k, tuple(v.shape)) for k, v in t.state_dict().items()
    ]
    fresh = ER.GRU(3, 16, num_layers=2)
    bound = 1 / math.sqrt(16)
    for p in fresh.parameters():
        a = p.detach().numpy()
        assert a.min() >= -bound and a.max() <= bound and a.std() > bound / 3
    assert len(fresh.all_weights) == 2 and len(fresh.all_weights[0]) == 4
    assert fresh._flat_weights_names[:2] == ["weight_ih_l0", "weight_hh_l0"]


@pytest.mark.parametrize(
    "args,kwargs",
    [
        (("LSTM", 10, 20), {"num_layers": 2, "batch_first": True, "bidirectional": True}),
        (("LSTM", 10, 20), {"proj_size": 5, "bias": False, "dropout": 0.5, "num_layers": 2}),
        (("GRU", 3, 4), {}),
        (("RNN", 3, 4, 2, "relu", False, True, 0.25, True), {}),
        (("RNNCell", 3, 4), {"bias": False, "nonlinearity": "relu"}),
        (("LSTMCell", 3, 4), {}),
        (("GRUCell", 3, 4), {"bias": False}),
    ],
)
def test_repr_matches_torch(args, kwargs):
    name, *rest = args
    assert repr(getattr(ER, name)(*rest, **kwargs)) == repr(
        getattr(torch.nn, name)(*rest, **kwargs)
    )


# ---------------------------------------------------------------------------- errors


def same_error(fn):
    """Both raise the same exception type and (dtype names aside) the same message."""
    with pytest.raises(Exception) as te:
        fn(torch)
    with pytest.raises(type(te.value)) as ee:
        fn(ember)
    assert str(ee.value).replace("ember.", "torch.") == str(te.value)


def module(lib, name, *args, **kwargs):
    torch.manual_seed(0)
    return (ER if lib is ember else torch.nn).__dict__[name](*args, **kwargs)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: module(lib, "LSTM", 10, 20)(lib.zeros(5, 3, 7)),
        lambda lib: module(lib, "LSTM", 10, 20, 2, bidirectional=True)(
            lib.zeros(5, 3, 10), (lib.zeros(1, 3, 20), lib.zeros(4, 3, 20))
        ),
        lambda lib: module(lib, "LSTM", 10, 20, 2, bidirectional=True)(
            lib.zeros(5, 3, 10), (lib.zeros(4, 3, 20), lib.zeros(4, 2, 20))
        ),
        lambda lib: module(lib, "LSTM", 10, 20)(
            lib.zeros(5, 10), (lib.zeros(1, 3, 20), lib.zeros(1, 3, 20))
        ),
        lambda lib: module(lib, "LSTM", 10, 20)(
            lib.zeros(5, 3, 10), (lib.zeros(1, 20), lib.zeros(1, 20))
        ),
        lambda lib: module(lib, "LSTM", 10, 20)(lib.zeros(2, 5, 3, 10)),
        lambda lib: module(lib, "GRU", 10, 20)(lib.zeros(2, 5, 3, 10)),
        lambda lib: module(lib, "RNN", 10, 20)(lib.zeros(2, 5, 3, 10)),
        lambda lib: module(lib, "LSTM", 10, 20)(lib.zeros(5, 3, 10, dtype=lib.float64)),
        lambda lib: module(lib, "GRU", 10, 20)(lib.zeros(5, 3, 10), lib.zeros(2, 3, 20)),
        lambda lib: module(lib, "GRU", 10, 20)(lib.zeros(5, 3, 10), lib.zeros(3, 20)),
        lambda lib: module(lib, "RNN", 10, 20)(lib.zeros(5, 10), lib.zeros(1, 3, 20)),
        lambda lib: module(lib, "LSTM", 10, 20, proj_size=20),
        lambda lib: module(lib, "LSTM", 10, 20, proj_size=-1),
        lambda lib: module(lib, "GRU", 10, 20, proj_size=2),
        lambda lib: module(lib, "RNN", 10, 20, nonlinearity="sigmoid"),
        lambda lib: module(lib, "RNN", 10, 20, dropout=1.5),
        lambda lib: module(lib, "RNN", 10, 0),
        lambda lib: module(lib, "RNN", 10, 20, 0),
        lambda lib: module(lib, "RNN", 10.0, 20),
        lambda lib: module(lib, "RNN", 10, 20, bias=1),
        lambda lib: module(lib, "LSTMCell", 10, 20)(lib.zeros(3, 7)),
        lambda lib: module(lib, "LSTMCell", 10, 20)(
            lib.zeros(3, 10), (lib.zeros(4, 20), lib.zeros(3, 20))
        ),
        lambda lib: module(lib, "LSTMCell", 10, 20)(
            lib.zeros(3, 10), (lib.zeros(3, 20), lib.zeros(3, 5))
        ),
        lambda lib: module(lib, "LSTMCell", 10, 20)(lib.zeros(2, 3, 10)),
        lambda lib: module(lib, "LSTMCell", 10, 20)(
            lib.zeros(3, 10), (lib.zeros(2, 3, 20), lib.zeros(3, 20))
        ),
        lambda lib: module(lib, "GRUCell", 10, 20)(lib.zeros(3, 10), lib.zeros(3, 5)),
        lambda lib: module(lib, "GRUCell", 10, 20)(lib.zeros(3, 10), lib.zeros(2, 3, 5)),
        lambda lib: module(lib, "RNNCell", 10, 20)(lib.zeros(3, 10), lib.zeros(4, 20)),
    ],
)
def test_errors_match_torch(call):
    same_error(call)


def test_dropout_with_one_layer_warns_like_torch():
    with pytest.warns(
        UserWarning,
        match="non-zero dropout expects num_layers greater than 1, "
        "but got dropout=0.5 and num_layers=1",
    ):
        ER.GRU(3, 4, dropout=0.5)


# ---------------------------------------------------------------------------- cells


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("RNNCell", {}),
        ("RNNCell", {"nonlinearity": "relu"}),
        ("LSTMCell", {}),
        ("GRUCell", {}),
        ("GRUCell", {"bias": False}),
        ("LSTMCell", {"bias": False}),
    ],
)
@pytest.mark.parametrize("batched,with_hidden", [(True, False), (True, True), (False, True)])
def test_cells_match_torch(name, kwargs, batched, with_hidden):
    t, e = pair(name, 3, 4, **kwargs)
    a = arr(5, 3) if batched else arr(3)
    state = (5, 4) if batched else (4,)

    def make_input(lib):
        x = leaf(lib, a)
        return x, [x]

    hidden = (
        hidden_maker("LSTM" if name == "LSTMCell" else name, state, state) if with_hidden else None
    )
    run_both(t, e, make_input, hidden, what=name)


def test_cell_used_over_steps_matches_torch():
    t, e = pair("LSTMCell", 3, 4)
    xs = arr(6, 2, 3)
    res = {}
    for lib, m in ((torch, t), (ember, e)):
        x = leaf(lib, xs)
        hc = None
        total = 0
        for step in x:
            hc = m(step, hc)
            total = total + hc[0].sum()
        total.backward()
        res[lib] = (hc[0], hc[1], x.grad, m.weight_hh.grad)
    for oe, ot in zip(res[ember], res[torch]):
        assert_same(oe, ot, **TOL)


# ---------------------------------------------------------------------------- gradcheck


def _cell_fn(name):
    """``fn(lib, x, h, [c,] w_ih, w_hh, b_ih, b_hh)`` calling ``torch.<name>`` or ember's."""

    def fn(lib, x, h, *rest):
        f = getattr(torch, name) if lib is torch else getattr(EF, name)
        if name == "lstm_cell":
            c, *rest = rest
            return f(x, (h, c), *rest)
        return f(x, h, *rest)

    return fn


def _cell_args(name, chunks, hidden=2, batch=2, inputs=2):
    states = [arr(batch, hidden)] * (2 if name == "lstm_cell" else 1)
    return (
        arr(batch, inputs),
        *states,
        arr(chunks * hidden, inputs) * 0.7,
        arr(chunks * hidden, hidden) * 0.7,
        arr(chunks * hidden),
        arr(chunks * hidden),
    )


CELL_FUNCTIONS = [("lstm_cell", 4), ("gru_cell", 3), ("rnn_tanh_cell", 1), ("rnn_relu_cell", 1)]


@pytest.mark.parametrize("name,chunks", CELL_FUNCTIONS)
def test_cell_functions_match_torch(name, chunks):
    check(_cell_fn(name), *_cell_args(name, chunks, hidden=3, batch=4, inputs=5), **TOL)


@pytest.mark.parametrize("name,chunks", CELL_FUNCTIONS)
def test_cell_functions_gradcheck(name, chunks):
    """Float64 gradcheck and gradgradcheck (the fused backward's Tensor-op form)."""
    check_gradcheck(_cell_fn(name), *_cell_args(name, chunks))


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_module_gradcheck_and_double_backward(name):
    """Float64 gradcheck and gradgradcheck through a short bidirectional sequence, with respect
    to the input and to ``weight_hh_l0`` (whose per-step gradients NOTE [ Recurrent weight
    gradient ] gathers into one product, or sums step by step under create_graph)."""
    kwargs = {"proj_size": 1} if name == "LSTM" else {}
    m = getattr(ER, name)(2, 2, bidirectional=True, **kwargs).double()
    x = ember.tensor(arr(3, 1, 2, dtype=np.float64), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: m(x)[0], (x,))
    assert ember.autograd.gradgradcheck(lambda x: m(x)[0], (x,))

    def with_weight(w):
        saved = m._parameters["weight_hh_l0"]
        m._parameters["weight_hh_l0"] = w
        try:
            return m(x.detach())[0]
        finally:
            m._parameters["weight_hh_l0"] = saved

    w = m.weight_hh_l0.detach().clone().requires_grad_(True)
    assert ember.autograd.gradcheck(with_weight, (w,))
    assert ember.autograd.gradgradcheck(with_weight, (w,))


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("LSTM", {"proj_size": 2, "bidirectional": True}),
        ("GRU", {"num_layers": 2}),
        ("RNN", {"bidirectional": True}),
        ("LSTMCell", {}),
        ("GRUCell", {"bias": False}),
    ],
)
def test_double_backward_matches_torch(name, kwargs):
    """``create_graph=True`` takes the Tensor-op form of every backward: its first-order values
    and the second-order gradients (of the squared input gradient) must both match torch."""
    t, e = pair(name, 3, 4, **kwargs)
    t, e = t.double(), e.double()
    a = arr(2, 3, dtype=np.float64) if name.endswith("Cell") else arr(4, 2, 3, dtype=np.float64)
    res = {}
    for lib, m in ((torch, t), (ember, e)):
        x = leaf(lib, a)
        out = m(x)[0]
        params = list(m.parameters())
        grads = lib.autograd.grad((out * out).sum(), [x, *params], create_graph=True)
        sum((g * g).sum() for g in grads).backward()
        res[lib] = [*grads, x.grad] + [p.grad for p in params]
    for k, (oe, ot) in enumerate(zip(res[ember], res[torch])):
        assert_same(oe, ot, what=f"{name} result {k}", **TOL)
