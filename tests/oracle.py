"""The oracle harness: run one lambda on ember and on torch, compare values and gradients.

``check(fn, *arrays, **kwargs)`` builds ember and torch tensors from the same NumPy arrays
(float arrays require grad), runs ``fn(lib, *tensors, **kwargs)`` with ``lib`` = ember / torch,
compares outputs (values, shapes, dtypes) and then the gradients of a random cotangent against
``torch.autograd.grad``. ``check_gradcheck`` runs ember's float64 gradcheck (and gradgradcheck).
"""

from __future__ import annotations

import numpy as np
import torch

import ember

GRAD_DTYPES = (np.float32, np.float64)


def to_ember(a, requires_grad=False):
    if isinstance(a, np.ndarray):
        t = ember.tensor(a)
        if requires_grad and a.dtype in GRAD_DTYPES:
            t.requires_grad_(True)
        return t
    return a


def to_torch(a, requires_grad=False):
    if isinstance(a, np.ndarray):
        t = torch.tensor(a)
        if requires_grad and a.dtype in GRAD_DTYPES:
            t.requires_grad_(True)
        return t
    return a


def flat_outputs(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flat_outputs(o))
        return res
    return [out]


def to_numpy(x):
    if isinstance(x, ember.Tensor):
        return x.detach().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    return np.asarray(x)


def torch_dtype_name(d):
    return str(d).replace("torch.", "")


def assert_same(e, t, rtol=1e-5, atol=1e-6, check_dtype=True, what="output"):
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f"{what}: expected a Tensor, got {type(e)}"
        assert tuple(e.shape) == tuple(t.shape), (
            f"{what}: shape {tuple(e.shape)} != torch's {tuple(t.shape)}"
        )
        if check_dtype:
            assert e.dtype.name == torch_dtype_name(t.dtype), (
                f"{what}: dtype {e.dtype.name} != torch's {t.dtype}"
            )
        np.testing.assert_allclose(
            to_numpy(e).astype(np.float64),
            to_numpy(t).astype(np.float64),
            rtol=rtol,
            atol=atol,
            equal_nan=True,
            err_msg=what,
        )
    elif isinstance(t, (bool, int, float)):
        assert e == t or np.isclose(e, t, rtol=rtol, atol=atol), f"{what}: {e} != {t}"
    else:
        raise AssertionError(f"unexpected torch result type {type(t)}")


def check(fn, *arrays, rtol=1e-5, atol=1e-6, grad=True, check_dtype=True, seed=0, **kwargs):
    """Compare ``fn`` on ember and torch: outputs, then input gradients."""
    e_in = [to_ember(a, grad) for a in arrays]
    t_in = [to_torch(a, grad) for a in arrays]
    e_out = flat_outputs(fn(ember, *e_in, **kwargs))
    t_out = flat_outputs(fn(torch, *t_in, **kwargs))
    assert len(e_out) == len(t_out), f"{len(e_out)} outputs, torch has {len(t_out)}"
    for i, (e, t) in enumerate(zip(e_out, t_out)):
        assert_same(e, t, rtol, atol, check_dtype, what=f"output {i}")
    if not grad:
        return
    t_diff_in = [t for t in t_in if isinstance(t, torch.Tensor) and t.requires_grad]
    e_diff_in = [e for e in e_in if isinstance(e, ember.Tensor) and e.requires_grad]
    pairs = [
        (e, t) for e, t in zip(e_out, t_out) if isinstance(t, torch.Tensor) and t.requires_grad
    ]
    if not t_diff_in or not pairs:
        return
    rng = np.random.default_rng(seed)
    cots = [rng.standard_normal(tuple(t.shape)).astype(to_numpy(t).dtype) for _, t in pairs]
    t_grads = torch.autograd.grad(
        [t for _, t in pairs], t_diff_in, [torch.tensor(c) for c in cots], allow_unused=True
    )
    e_grads = ember.autograd.grad(
        [e for e, _ in pairs], e_diff_in, [ember.tensor(c) for c in cots], allow_unused=True
    )
    for i, (eg, tg) in enumerate(zip(e_grads, t_grads)):
        if tg is None:
            assert eg is None or float(eg.abs().sum()) == 0, f"grad {i}: torch has none"
            continue
        assert eg is not None, f"grad of input {i} missing"
        assert_same(eg, tg, rtol, atol, check_dtype, what=f"grad of input {i}")


def check_gradcheck(fn, *arrays, gradgrad=True, **kwargs):
    """ember's gradcheck (and gradgradcheck) in float64 on ``fn``."""
    ins = [
        to_ember(
            a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a, True
        )
        for a in arrays
    ]
    tensors = [i for i in ins if isinstance(i, ember.Tensor)]
    positions = [k for k, i in enumerate(ins) if isinstance(i, ember.Tensor)]

    def f(*ts):
        args = list(ins)
        for k, t in zip(positions, ts):
            args[k] = t
        out = fn(ember, *args, **kwargs)
        return tuple(
            o for o in flat_outputs(out) if isinstance(o, ember.Tensor) and o.is_floating_point()
        )

    assert ember.autograd.gradcheck(f, tuple(tensors))
    if gradgrad:
        assert ember.autograd.gradgradcheck(f, tuple(tensors))


def check_error(fn, *arrays, **kwargs):
    """Both libraries raise the same exception type; returns ember's message."""
    e_in = [to_ember(a) for a in arrays]
    t_in = [to_torch(a) for a in arrays]
    try:
        fn(torch, *t_in, **kwargs)
    except Exception as te:  # noqa: BLE001 - we compare whatever torch raises
        t_exc = te
    else:
        raise AssertionError("torch did not raise")
    try:
        fn(ember, *e_in, **kwargs)
    except Exception as ee:  # noqa: BLE001
        assert isinstance(ee, type(t_exc)) or type(t_exc) in type(ee).__mro__, (
            f"ember raised {type(ee).__name__}: {ee}; torch raised {type(t_exc).__name__}: {t_exc}"
        )
        return str(ee)
    raise AssertionError(f"ember did not raise; torch raised {type(t_exc).__name__}: {t_exc}")


def outcome(fn, lib):
    """What ``fn(lib)`` gives: its exception's type and first line (library prefixes dropped),
    or its result (a tensor as dtype and values, NaN comparing equal)."""
    try:
        result = fn(lib)
    except Exception as e:  # noqa: BLE001 - every exception is an outcome
        return type(e).__name__, str(e).split("\n")[0].replace("torch.", "").replace("ember.", "")
    if isinstance(result, (torch.Tensor, ember.Tensor)):
        return str(result.dtype).split(".")[-1], str(result.tolist())
    return result


def check_same_outcome(fn):
    """``fn`` raises what torch raises, with torch's message, or returns what torch returns."""
    assert outcome(fn, ember) == outcome(fn, torch)
