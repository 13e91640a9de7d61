"""vmap over every entry of the op database, against torch run once per sample.

Each float argument gets a batch of two samples (the array and a permutation of its values, so
every sample stays in the op's domain); integer and bool arguments (indices, masks) are the same
in both. Two layouts: every array mapped, and only the first (the others shared, in_dims None).
The oracle is torch applied to each sample and stacked, not ``torch.func.vmap``: that one lacks
rules for some ops and disagrees with its own per-sample results for a few (argmax keepdim with
no dim, index_select of a 0-d index, addmm with beta=0). Per-sample gradients come from
``vmap(vjp)``, so every backward formula runs batched too.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.func import vjp, vmap

from ..ops.db import seeded
from ..ops.op_db import OP_DB
from ..oracle import flat_outputs, to_numpy

# unsorted permutations of a sorted sequence give each library its own undefined answer
_SKIP = {"searchsorted", "searchsorted_sorter", "searchsorted_scalar", "bucketize"}
_N_SAMPLES = 3


def _batch(a, rng):
    if a.dtype.kind == "f" and a.size > 1:
        b = a.reshape(-1)[rng.permutation(a.size)].reshape(a.shape)
    else:
        b = a.copy()
    return np.stack([a, b])


def _cases():
    out = []
    for info in OP_DB:
        if info.name in _SKIP:
            continue
        # samples from a generator seeded by the entry's name: the same in every run and order
        for k, s in enumerate(seeded(info.name, info.samples)()[:_N_SAMPLES]):
            if any(isinstance(a, np.ndarray) for a in s.args):
                out.append(pytest.param(info, k, s, id=f"{info.name}-{k}"))
    return out


def _torch_loop(info, s, bargs, in_dims, cot=None):
    """torch on each sample: stacked outputs, and per-sample gradients of <out, cot>."""
    outs, grads = [], []
    for i in range(2):
        args = []
        for a, d in zip(bargs, in_dims):
            if isinstance(a, np.ndarray):
                v = torch.tensor(a[i] if d == 0 else a)
                if cot is not None and d == 0 and v.is_floating_point():
                    v.requires_grad_(True)
                args.append(v)
            else:
                args.append(a)
        o = flat_outputs(info.fn(torch, *args, **s.kwargs))
        outs.append(o)
        if cot is not None:
            diff = [a for a in args if isinstance(a, torch.Tensor) and a.requires_grad]
            pairs = [(t, c[i]) for t, c in zip(o, cot) if c is not None]
            g = torch.autograd.grad(
                [t for t, _ in pairs],
                diff,
                [torch.tensor(c) for _, c in pairs],
                allow_unused=True,
            )
            grads.append([None if x is None else x.numpy() for x in g])
    return outs, grads


def _close(e, t, info, what):
    e = to_numpy(e).astype(np.float64)
    t = np.asarray(t, dtype=np.float64)
    assert e.shape == t.shape, f"{what}: shape {e.shape} != {t.shape}"
    rtol, atol = max(info.rtol, 1e-4), max(info.atol, 1e-5)
    np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)


@pytest.mark.parametrize("mode", ["all", "first"])
@pytest.mark.parametrize("info,k,s", _cases())
def test_vmap_matches_per_sample_torch(info, k, s, mode):
    rng = np.random.default_rng(k)
    arrays = [i for i, a in enumerate(s.args) if isinstance(a, np.ndarray)]
    in_dims = tuple(
        0 if isinstance(a, np.ndarray) and (mode == "all" or i == arrays[0]) else None
        for i, a in enumerate(s.args)
    )
    bargs = [_batch(a, rng) if d == 0 else a for a, d in zip(s.args, in_dims)]
    try:
        t_outs, _ = _torch_loop(info, s, bargs, in_dims)
    except Exception as e:  # torch refuses this sample on its own (not a vmap question)
        pytest.skip(f"torch: {type(e).__name__}")
    e_in = [ember.tensor(a) if isinstance(a, np.ndarray) else a for a in bargs]
    fn = vmap(lambda *xs: info.fn(ember, *xs, **s.kwargs), in_dims=in_dims, randomness="same")
    e_out = flat_outputs(fn(*e_in))
    assert len(e_out) == len(t_outs[0])
    for j, e in enumerate(e_out):
        t = t_outs[0][j]
        if not isinstance(t, torch.Tensor):
            continue
        _close(e, np.stack([o[j].detach().numpy() for o in t_outs]), info, f"output {j}")

    # per-sample gradients of <out, cot> with respect to the mapped float inputs
    diff = [i for i, d in enumerate(in_dims) if d == 0 and bargs[i].dtype.kind == "f"]
    float_outs = [j for j, t in enumerate(t_outs[0]) if t.is_floating_point()]
    if not info.grad or not diff or not float_outs:
        return
    cot = [
        rng.standard_normal((2, *t_outs[0][j].shape)).astype(bargs[diff[0]].dtype)
        if j in float_outs
        else None
        for j in range(len(t_outs[0]))
    ]
    try:
        _, t_grads = _torch_loop(info, s, bargs, in_dims, cot)
    except Exception as e:
        pytest.skip(f"torch backward: {type(e).__name__}")
    n_in = len(e_in)

    def mapped(*args):
        xs, cs = args[:n_in], args[n_in:]

        def f(*d):
            full = list(xs)
            for i, v in zip(diff, d):
                full[i] = v
            return tuple(flat_outputs(info.fn(ember, *full, **s.kwargs)))

        outs, vjp_fn = vjp(f, *[xs[i] for i in diff])
        return vjp_fn(tuple(c if c is not None else ember.zeros_like(o) for o, c in zip(outs, cs)))

    cot_e = [None if c is None else ember.tensor(c) for c in cot]
    cot_dims = tuple(None if c is None else 0 for c in cot)
    e_grads = vmap(mapped, in_dims=in_dims + cot_dims, randomness="same")(*e_in, *cot_e)
    for n, i in enumerate(diff):
        tg = [g[n] for g in t_grads]
        if any(g is None for g in tg):
            continue
        _close(e_grads[n], np.stack(tg), info, f"grad of input {i}")
