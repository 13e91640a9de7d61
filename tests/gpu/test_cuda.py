"""The CUDA backend (CuPy): every op_db sample run on 'cuda' must match the CPU result, values
and gradients. Skipped cleanly without CuPy and a GPU."""

from __future__ import annotations

import numpy as np
import pytest

import ember

from ..ops.op_db import OP_DB
from ..oracle import flat_outputs

pytestmark = pytest.mark.gpu

CASES = [(info, s) for info in OP_DB for s in info.samples()]


def _run(info, sample, device):
    ins = []
    for a in sample.args:
        if isinstance(a, np.ndarray):
            t = ember.tensor(a, device=device)
            if info.grad and a.dtype.kind == "f":
                t.requires_grad_()
            ins.append(t)
        else:
            ins.append(a)
    outs = [
        o
        for o in flat_outputs(info.fn(ember, *ins, **sample.kwargs))
        if isinstance(o, ember.Tensor)
    ]
    diff_in = [t for t in ins if isinstance(t, ember.Tensor) and t.requires_grad]
    diff_out = [o for o in outs if o.requires_grad]
    grads = []
    if diff_in and diff_out:
        cots = [ember.ones_like(o) for o in diff_out]
        grads = ember.autograd.grad(diff_out, diff_in, cots, allow_unused=True)
    return outs, grads


@pytest.mark.parametrize("case", CASES, ids=[f"{i.name}-{s.name}" for i, s in CASES])
def test_cuda_matches_cpu(case):
    info, sample = case
    cpu_out, cpu_grads = _run(info, sample, "cpu")
    gpu_out, gpu_grads = _run(info, sample, "cuda")
    for c, g in zip(cpu_out, gpu_out):
        assert g.device.type == "cuda"
        assert c.dtype is g.dtype and c.shape == g.shape
        np.testing.assert_allclose(
            g.detach().cpu().numpy().astype(np.float64),
            c.detach().numpy().astype(np.float64),
            rtol=1e-4,
            atol=1e-5,
        )
    for c, g in zip(cpu_grads, gpu_grads):
        if c is None:
            continue
        np.testing.assert_allclose(
            g.cpu().numpy().astype(np.float64), c.numpy().astype(np.float64), rtol=1e-4, atol=1e-5
        )


def test_device_mismatch_raises():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ember.ones(2) + ember.ones(2, device="cuda")


def test_moves_and_repr():
    x = ember.arange(3.0, device="cuda")
    assert x.is_cuda and x.device == ember.device("cuda:0")
    assert "device='cuda:0'" in repr(x)
    assert x.cpu().tolist() == [0.0, 1.0, 2.0]
    y = ember.ones(2, requires_grad=True)
    (y.cuda() * 3).sum().backward()
    assert y.grad.tolist() == [3.0, 3.0] and y.grad.device.type == "cpu"


def test_module_to_cuda():
    m = ember.nn.Linear(3, 2).to("cuda")
    assert m.weight.device.type == "cuda"
    out = m(ember.ones(4, 3, device="cuda"))
    out.sum().backward()
    assert m.weight.grad.device.type == "cuda"
    assert ember.cuda.is_available() and ember.cuda.device_count() >= 1
