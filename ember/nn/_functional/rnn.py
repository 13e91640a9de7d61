"""The recurrent computations behind nn.RNN / nn.LSTM / nn.GRU and their cells.

``lstm_cell`` / ``gru_cell`` / ``rnn_tanh_cell`` / ``rnn_relu_cell`` (``torch.lstm_cell``, ...)
are one step; :func:`rnn_layers` runs a stacked, optionally bidirectional recurrence over a
sequence given as rows ``(sum(steps), features)`` with ``steps[t]`` active rows at time ``t``: a
padded sequence has equal steps, a packed one its ``batch_sizes`` (the active rows are always a
prefix, since a packed batch is sorted by decreasing length). See NOTE [ Fused RNN cells ] in
ember/ops/prims/rnn.py for the per-step primitives.
"""

from __future__ import annotations

from ..._tensor import Tensor
from ...ops.prims.rnn import gru_gates, lstm_gates, recurrent_matmul, rnn_gates, split_rows
from ...ops.prims.shape import _cat as _cat_op
from ...ops.products import matmul
from ...ops.shape import stack
from .dropout import dropout as _dropout

__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]


def _cat(tensors, dim):
    if len(tensors) == 1:
        return tensors[0]
    return _cat_op(*tensors, dim=dim, shapes=tuple(t.shape for t in tensors))


def _linear(x, w, b):
    out = matmul(x, w.t())
    return out if b is None else out + b


def _check_cell(input, hx, w_ih, w_hh, k=0):  # noqa: A002
    """PyTorch's ``check_rnn_cell_forward_input`` / ``_hidden`` messages."""
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(
            f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}"
        )
    if hx.shape[0] != input.shape[0]:
        raise RuntimeError(
            f"Input batch size {input.shape[0]} doesn't match hidden{k} batch size {hx.shape[0]}"
        )
    if hx.shape[1] != w_hh.shape[1]:
        raise RuntimeError(
            f"hidden{k} has inconsistent hidden_size: got {hx.shape[1]}, expected {w_hh.shape[1]}"
        )


def lstm_cell(
    input: Tensor,
    hx,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,  # noqa: A002
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """One LSTM step on a 2-D batch: ``(h', c')`` from ``hx = (h, c)`` (gates i, f, g, o)."""
    h, c = hx
    _check_cell(input, h, w_ih, w_hh, 0)
    _check_cell(input, c, w_ih, w_hh, 1)
    return lstm_gates(_linear(input, w_ih, b_ih), _linear(h, w_hh, b_hh), c)


def gru_cell(
    input: Tensor,
    hx: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,  # noqa: A002
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One GRU step on a 2-D batch (gates r, z, n; ``n = tanh(W_in x + b_in + r * (W_hn h +
    b_hn))``)."""
    _check_cell(input, hx, w_ih, w_hh)
    return gru_gates(_linear(input, w_ih, b_ih), matmul(hx, w_hh.t()), hx, b_hh)


def rnn_tanh_cell(
    input: Tensor,
    hx: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,  # noqa: A002
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One Elman RNN step: ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    _check_cell(input, hx, w_ih, w_hh)
    return rnn_gates(_linear(input, w_ih, b_ih), _linear(hx, w_hh, b_hh), "tanh")


def rnn_relu_cell(
    input: Tensor,
    hx: Tensor,
    w_ih: Tensor,
    w_hh: Tensor,  # noqa: A002
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One Elman RNN step with ReLU: ``relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    _check_cell(input, hx, w_ih, w_hh)
    return rnn_gates(_linear(input, w_ih, b_ih), _linear(hx, w_hh, b_hh), "relu")


def _direction(mode, xw, steps, h0, c0, w_hh, b_hh, w_hr, reverse):
    """One layer in one direction: the output rows and the final ``(h, c)`` (rows in batch
    order). ``xw`` already holds the input projection (with the biases folded in, except GRU's
    ``b_hh``, which must sit inside ``r * (W_hn h + b_hn)``)."""
    pieces = split_rows(xw, steps)
    n = len(steps)
    first = n - 1 if reverse else 0
    stash_hh, stash_hr = {}, {}
    outs = [None] * n
    done_h, done_c = [], []
    h, c = h0, c0
    if reverse and steps[-1] != steps[0]:
        h = h0.narrow(0, 0, steps[-1])
        c = None if c0 is None else c0.narrow(0, 0, steps[-1])
    for t in range(n - 1, -1, -1) if reverse else range(n):
        rows, active = h.shape[0], steps[t]
        if active < rows:  # forward: the shortest sequences have ended
            done_h.append(h.narrow(0, active, rows - active))
            h = h.narrow(0, 0, active)
            if c is not None:
                done_c.append(c.narrow(0, active, rows - active))
                c = c.narrow(0, 0, active)
        elif active > rows:  # backward: longer sequences start
            h = _cat([h, h0.narrow(0, rows, active - rows)], 0)
            if c is not None:
                c = _cat([c, c0.narrow(0, rows, active - rows)], 0)
        hw = recurrent_matmul(h, w_hh, t, stash_hh, t == first)
        if mode == "LSTM":
            h, c = lstm_gates(pieces[t], hw, c)
            if w_hr is not None:
                h = recurrent_matmul(h, w_hr, t, stash_hr, t == first)
        elif mode == "GRU":
            h = gru_gates(pieces[t], hw, h, b_hh)
        else:
            h = rnn_gates(pieces[t], hw, "tanh" if mode == "RNN_TANH" else "relu")
        outs[t] = h
    done_h.append(h)
    h_n = _cat(done_h[::-1], 0)
    c_n = None
    if c is not None:
        done_c.append(c)
        c_n = _cat(done_c[::-1], 0)
    return _cat(outs, 0), h_n, c_n


def rnn_layers(
    mode: str,
    x: Tensor,
    steps,
    hx: Tensor,
    cx: Tensor | None,
    weights,
    num_layers: int,
    bidirectional: bool,
    dropout: float,
    training: bool,
):
    """A stacked recurrence over the rows ``x`` (see the module docstring).

    ``weights[layer * num_directions + direction] = (w_ih, w_hh, b_ih, b_hh, w_hr)`` with None
    for absent ones; ``hx`` / ``cx`` are ``(num_layers * num_directions, steps[0], *)``.
    Returns ``(output rows, h_n, c_n or None)``.
    """
    steps = [int(s) for s in steps]
    dirs = 2 if bidirectional else 1
    h_n, c_n = [], []
    layer_in = x
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            w_ih, w_hh, b_ih, b_hh, w_hr = weights[k]
            xw = matmul(layer_in, w_ih.t())
            if b_ih is not None:
                xw = xw + (b_ih if mode == "GRU" else b_ih + b_hh)
            out, h, c = _direction(
                mode,
                xw,
                steps,
                hx[k],
                None if cx is None else cx[k],
                w_hh,
                b_hh if mode == "GRU" else None,
                w_hr,
                d == 1,
            )
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        layer_in = _cat(outs, 1)
        if dropout and training and layer < num_layers - 1:
            layer_in = _dropout(layer_in, dropout, True)
    return layer_in, stack(h_n), None if cx is None else stack(c_n)
