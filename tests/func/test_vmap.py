"""ember.func.vmap against torch.func.vmap: in_dims / out_dims, nesting, chunks, per-sample
semantics inside the function, the nn functions with batching rules, randomness, in-place ops,
the per-sample fallback, differentiation through vmap, and torch's errors."""

from __future__ import annotations

import gc
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.func as tf

import ember
import ember.func as ef
from ember.func import _batched
from ember.ops import _registry

from ..oracle import check_error
from .test_transforms import both, same, same_error

RNG = np.random.default_rng(7)


def arr(*shape, dtype=np.float32):
    return RNG.standard_normal(shape).astype(dtype)


def check(fn, args, rtol=1e-5, atol=1e-6, **vmap_kwargs):
    """``vmap(fn(lib))`` on the same arguments in both libraries gives the same pytree."""
    e_args, t_args = both(args)
    same(
        ef.vmap(fn(ember), **vmap_kwargs)(*e_args),
        tf.vmap(fn(torch), **vmap_kwargs)(*t_args),
        rtol,
        atol,
    )


# ---------------------------------------------------------------------------- dims


@pytest.mark.parametrize(
    "in_dims,shapes",
    [
        (0, [(4, 3), (4, 3)]),
        (1, [(3, 4), (2, 4)]),
        (-1, [(3, 4), (4,)]),
        ((0, None), [(4, 3), (3,)]),
        ((None, 1), [(3,), (3, 4)]),
        ((2, 0), [(3, 2, 4), (4, 3)]),
    ],
)
def test_in_dims(in_dims, shapes):
    check(lambda m: lambda x, y: x * y.sum() + y.mean(), [arr(*s) for s in shapes], in_dims=in_dims)


@pytest.mark.parametrize("out_dims", [0, 1, -1, 2, (1, 0)])
def test_out_dims(out_dims):
    def fn(m):
        return lambda x: (x.T @ x, x.sum(0, keepdim=True).expand(2, 3))

    check(fn, [arr(5, 2, 3)], out_dims=out_dims)


def test_pytree_inputs_and_outputs():
    def fn(m):
        return lambda d, t: {"s": d["a"] * t[0], "p": (d["b"].sum(), t[1] + 1)}

    args = ({"a": arr(4, 3), "b": arr(3, 4)}, [arr(4, 3), arr(2)])
    check(fn, args, in_dims=({"a": 0, "b": 1}, [0, None]), out_dims={"s": 1, "p": (0, None)})


def test_unbatched_output_is_expanded_and_out_dims_none_kept():
    def fn(m):
        return lambda x, w: (w * 2, x.sum(), w + 1)

    check(fn, [arr(4, 3), arr(2)], in_dims=(0, None), out_dims=(0, 0, None))


def test_kwargs_are_not_mapped():
    def fn(m):
        return lambda x, scale=None: x * scale

    e, t = both(arr(3, 2))
    se, st = both(arr(2))
    same(ef.vmap(fn(ember))(e, scale=se), tf.vmap(fn(torch))(t, scale=st))


def test_per_sample_view_of_shapes_and_reductions():
    seen = []

    def fn(m):
        def f(x):
            seen.append((tuple(x.shape), x.dim(), x.numel(), len(x)))
            return x.sum(), x.mean(-1), x.view(-1), x.reshape(3, 2).T, x[0], x[:, 1:], x[..., None]

        return f

    check(fn, [arr(5, 2, 3)])
    assert seen == [((2, 3), 2, 6, 2)] * 2  # ember's run, then torch's: the same per sample


def test_nested_vmap():
    def outer(m, tr):
        return lambda x, y: tr.vmap(lambda a, b: (a * b).sum() + a.max())(x, y)

    e, t = both([arr(4, 5, 3), arr(5, 3)])
    same(
        ef.vmap(outer(ember, ef), in_dims=(0, None))(*e),
        tf.vmap(outer(torch, tf), in_dims=(0, None))(*t),
    )
    # an outer product of vectors with two vmaps, mapping different arguments
    pe, pt = both([arr(3), arr(4)])
    dot = lambda m: lambda a, b: a * b  # noqa: E731
    same(
        ef.vmap(ef.vmap(dot(ember), (None, 0)), (0, None))(*pe),
        tf.vmap(tf.vmap(dot(torch), (None, 0)), (0, None))(*pt),
    )


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 10])
def test_chunk_size(chunk_size):
    check(
        lambda m: lambda x, y: (x @ y, x.sum()),
        [arr(5, 2, 3), arr(3, 4)],
        in_dims=(0, None),
        chunk_size=chunk_size,
    )


def test_empty_batch():
    check(lambda m: lambda x: (x * 2).sum(-1) + x.mean(), [arr(0, 3)])


# ---------------------------------------------------------------------------- nn functions


NN = [
    (
        "linear",
        lambda m: lambda x, w, b: m.nn.functional.linear(x, w, b),
        [(6, 5), (4, 5), (4,)],
        (0, None, None),
    ),
    (
        "linear-batched-w",
        lambda m: lambda x, w: m.nn.functional.linear(x, w),
        [(6, 5), (6, 4, 5)],
        0,
    ),
    (
        "mm-mv-bmm",
        lambda m: lambda a, b: (m.mm(a, b), m.mv(a, b[:, 0]), m.bmm(a[None], b[None])),
        [(3, 2, 4), (3, 4, 5)],
        0,
    ),
    ("dot", lambda m: lambda a, b: m.dot(a, b), [(3, 4), (4,)], (0, None)),
    (
        "relu-gelu",
        lambda m: (
            lambda x: (
                m.nn.functional.relu(x),
                m.nn.functional.gelu(x),
                m.nn.functional.gelu(x, approximate="tanh"),
            )
        ),
        [(3, 4, 5)],
        0,
    ),
    (
        "softmax",
        lambda m: (
            lambda x: (m.softmax(x, -1), m.log_softmax(x, 0), m.nn.functional.softmax(x, dim=1))
        ),
        [(3, 4, 5)],
        0,
    ),
    (
        "reductions",
        lambda m: (
            lambda x: (
                x.amax(1),
                x.max(0).values,
                x.min(-1)[1],
                x.prod(1, keepdim=True),
                x.sum((0, 1)),
            )
        ),
        [(3, 4, 5)],
        0,
    ),
    (
        "shape-ops",
        lambda m: (
            lambda x: (
                x.permute(1, 0),
                x.unsqueeze(1),
                x[:, None].squeeze(1),
                x.flatten(),
                x.expand(2, 4, 5),
                m.cat([x, x], 1),
                m.stack([x, x], -1),
                x.transpose(0, 1),
            )
        ),
        [(3, 4, 5)],
        0,
    ),
    (
        "layer_norm",
        lambda m: lambda x, w, b: m.nn.functional.layer_norm(x, (5,), w, b),
        [(3, 4, 5), (5,), (5,)],
        (0, None, None),
    ),
    ("mse", lambda m: lambda x, y: m.nn.functional.mse_loss(x, y), [(3, 4, 5), (4, 5)], (0, None)),
    (
        "conv2d",
        lambda m: lambda x, w, b: m.nn.functional.conv2d(x, w, b, padding=1),
        [(3, 2, 2, 5, 5), (4, 2, 3, 3), (4,)],
        (0, None, None),
    ),
    (
        "conv2d-batched-w",
        lambda m: lambda x, w: m.nn.functional.conv2d(x, w, stride=2, groups=2),
        [(3, 2, 4, 6, 6), (3, 6, 2, 3, 3)],
        0,
    ),
    (
        "pools",
        lambda m: (
            lambda x: (
                m.nn.functional.max_pool2d(x, 2),
                m.nn.functional.avg_pool2d(x, 3, stride=1, padding=1),
                m.nn.functional.max_pool2d(x, 3, stride=1, padding=1),
                m.nn.functional.unfold(x, 2),
            )
        ),
        [(3, 2, 2, 6, 6)],
        0,
    ),
    (
        "conv1d-unbatched-input",
        lambda m: lambda x, w: m.nn.functional.conv1d(x, w),
        [(2, 7), (3, 4, 2, 3)],
        (None, 0),
    ),
]


@pytest.mark.parametrize("name,fn,shapes,in_dims", NN, ids=[c[0] for c in NN])
def test_nn_functions(name, fn, shapes, in_dims):
    check(fn, [arr(*s) for s in shapes], in_dims=in_dims, atol=1e-5)


def test_cross_entropy_with_batched_targets():
    def fn(m):
        return lambda x, y: (
            m.nn.functional.cross_entropy(x, y),
            m.nn.functional.cross_entropy(x, y, reduction="none", label_smoothing=0.1),
            m.nn.functional.nll_loss(m.log_softmax(x, -1), y),
        )

    x = arr(4, 3, 5)
    y = RNG.integers(0, 5, size=(4, 3))
    check(fn, [x, y])


def test_per_sample_grads_of_a_convolution():
    """vmap(grad) through conv2d: the batched weight gradient takes the grouped form."""

    def fn(m, tr):
        def loss(w, x):
            return m.nn.functional.conv2d(x[None], w, padding=1).tanh().sum()

        return tr.vmap(tr.grad(loss), in_dims=(None, 0))

    e, t = both([arr(4, 2, 3, 3), arr(5, 2, 6, 6)])
    same(fn(ember, ef)(*e), fn(torch, tf)(*t), atol=1e-5)


# ---------------------------------------------------------------------------- semantics


def test_in_place_on_batched_and_unbatched():
    def fn(m):
        def f(x):
            y = x.clone()
            y.add_(1.0)
            y[0] = x.sum()
            y.mul_(y)
            return y

        return f

    check(fn, [arr(4, 3)])
    # an in-place op on a mapped input writes into the input, as in torch
    xe, xt = both(arr(3, 2))
    ef.vmap(lambda r: r.mul_(2).add_(1))(xe)
    tf.vmap(lambda r: r.mul_(2).add_(1))(xt)
    same(xe, xt)
    # writing per-sample values into a tensor every sample shares: torch's refusal
    for write in (lambda w, x: w.add_(x), lambda w, x: w.copy_(x), lambda w, x: w.mul_(x)):
        check_error(
            lambda m, w, x, f=write: _vmap_of(m)(f, in_dims=(None, 0))(w, x), arr(3), arr(2, 3)
        )
    same_error(
        lambda m, w, x: _vmap_of(m)(lambda w, x: w.copy_(x), in_dims=(None, 0))(w, x),
        arr(3),
        arr(2, 3),
    )


def _vmap_of(m):
    return ef.vmap if m is ember else tf.vmap


def test_data_dependent_python_runs_per_sample():
    """torch raises on ``.item()`` or ``if tensor:`` inside vmap; ember runs the function once
    per sample instead, which gives what a loop over the samples gives."""

    def f(x):
        return x * 2 if x.sum() > 0 else x.exp() * float(x.max())

    x = arr(6, 3)
    xe = ember.tensor(x)
    expected = torch.stack(
        [(lambda t: t * 2 if t.sum() > 0 else t.exp() * float(t.max()))(t) for t in torch.tensor(x)]
    )
    same(ef.vmap(f)(xe), expected)


@pytest.mark.filterwarnings("ignore:There is a performance drop")  # torch's, for histc
def test_ops_without_a_rule_run_per_sample(monkeypatch):
    calls = []
    orig = _batched.per_sample

    def spy(*args, **kwargs):
        calls.append(1)
        return orig(*args, **kwargs)

    monkeypatch.setattr(_batched, "per_sample", spy)
    monkeypatch.setattr("ember.func._vmap.per_sample", spy)
    monkeypatch.setattr("ember.func._rules.per_sample", spy)
    # histc (np.histogram) and kthvalue have no batching rule
    check(
        lambda m: lambda x: (m.histc(x, bins=4, min=-2, max=2), x.kthvalue(2, dim=-1).values),
        [arr(5, 3, 4)],
    )
    assert calls


def test_randomness():
    x = ember.zeros(4, 3)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        ef.vmap(lambda x: x + ember.rand(3))(x)
    with pytest.raises(RuntimeError, match="randomness error mode"):
        ef.vmap(lambda x: ember.nn.functional.dropout(x + 1, 0.5))(x)
    same_out = ef.vmap(lambda x: x + ember.rand(3), randomness="same")(x)
    assert (same_out == same_out[0]).all()
    diff_out = ef.vmap(lambda x: ember.nn.functional.dropout(x + 1, 0.5), randomness="different")(
        ember.zeros(8, 50)
    )
    assert diff_out.shape == (8, 50)
    assert not (diff_out == diff_out[0]).all()
    same_drop = ef.vmap(lambda x: ember.nn.functional.dropout(x + 1, 0.5), randomness="same")(
        ember.zeros(8, 50)
    )
    assert (same_drop == same_drop[0]).all() and not (same_drop == 2).all()
    # the default generator is itself again afterwards
    ember.manual_seed(3)
    a = ember.rand(2)
    ember.manual_seed(3)
    assert (ember.rand(2) == a).all()


# ---------------------------------------------------------------------------- autograd


def test_backward_through_vmap_reaches_shared_parameters():
    """A parameter used by every sample gets the sum of the per-sample gradients."""
    w, x = arr(3, 4), arr(5, 4)
    we, wt = ember.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ef.vmap(lambda r: (we @ r).tanh().sum())(ember.tensor(x)).square().sum().backward()
    tf.vmap(lambda r: (wt @ r).tanh().sum())(torch.tensor(x)).square().sum().backward()
    same(we.grad, wt.grad, atol=1e-5)


def test_grad_of_vmap_with_a_closure():
    def fn(m, tr):
        return tr.grad(lambda w, x: tr.vmap(lambda r: (w * r).sin().sum())(x).pow(2).sum())

    e, t = both([arr(3), arr(4, 3)])
    same(fn(ember, ef)(*e), fn(torch, tf)(*t), atol=1e-5)


def test_the_hook_is_removed_after_vmap():
    gc.collect()  # batched arrays kept by reference cycles of earlier tests
    ember.ones(1) * 2  # an op call with none left removes the hook
    assert _registry.Op.__call__ is _registry._PLAIN[0]
    ef.vmap(lambda x: x * 2)(ember.ones(2, 2))
    assert _registry.Op.__call__ is _registry._PLAIN[0]
    w = ember.ones(3, requires_grad=True)
    out = ef.vmap(lambda r: (w * r).sum())(ember.ones(2, 3))  # its graph holds batched arrays
    out.sum().backward()
    del out
    ember.ones(1) * 2  # the next op call finds no batched array left
    assert _registry.Op.__call__ is _registry._PLAIN[0]


def test_lazy_import_and_top_level_alias():
    code = (
        "import sys, ember; assert 'ember.func' not in sys.modules; "
        "v = ember.vmap; import ember.func; from ember.func import vmap; "
        "assert v is vmap is ember.func.vmap; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


# ---------------------------------------------------------------------------- errors


ERRORS = [
    lambda m, x: _vmap_of(m)(lambda x: x)(x, x[:2]),
    lambda m, x: _vmap_of(m)(lambda x, y: x + y)(x, x[:2]),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=1)(x[0]),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=(0, 0))(x),
    lambda m, x: _vmap_of(m)(lambda x: x)(1.0),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=None)(x),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=[0])(x),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims="a")(x),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=(1.5,))(x),
    lambda m, x: _vmap_of(m)(lambda x: x, in_dims=(None,))(x),
    lambda m, x: _vmap_of(m)(lambda x: x)(x[0, 0]),
    lambda m, x: _vmap_of(m)(lambda x: x)(),
    lambda m, x: _vmap_of(m)(lambda x: 1.0)(x),
    lambda m, x: _vmap_of(m)(lambda x: (x, None))(x),
    lambda m, x: _vmap_of(m)(lambda x: [x, "a"])(x),
    lambda m, x: _vmap_of(m)(lambda x: x, out_dims=3)(x),
    lambda m, x: _vmap_of(m)(lambda x: x, out_dims=(0, 1))(x),
    lambda m, x: _vmap_of(m)(lambda x: x, out_dims=1.5)(x),
    lambda m, x: _vmap_of(m)(lambda x: (x, x), out_dims=(0, None))(x),
    lambda m, x: _vmap_of(m)(lambda x: x, randomness="foo"),
    lambda m, x: _vmap_of(m)(lambda x: x, chunk_size=0),
    lambda m, x: _vmap_of(m)(lambda x: x + m.randn(3))(x),
]


@pytest.mark.parametrize("call", ERRORS)
def test_errors_match_torch(call):
    same_error(call, arr(3, 3))


def test_errors_of_the_function_inside():
    """Errors of the function itself are the per-sample ones (torch's batching rules phrase a
    few of them their own way, so only the type is compared)."""
    check_error(lambda m, x: _vmap_of(m)(lambda x: x @ m.ones(4))(x), arr(3, 3))
    check_error(lambda m, x: _vmap_of(m)(lambda x: x.view(2, 2))(x), arr(3, 3))
    check_error(lambda m, x: _vmap_of(m)(lambda x: x.sum(2))(x), arr(3, 3))


def test_namespace_of_another_array_library_runs_per_sample():
    """Outside the primitives, code computes on ``backend_of(x).xp``; for a library that does
    not hand batched arguments to NumPy's protocols (CuPy), its functions run per sample."""
    import types

    plain = types.SimpleNamespace(norm=lambda a, axis: np.sqrt((np.asarray(a) ** 2).sum(axis)))
    ns = _batched._Namespace(plain)
    x = arr(4, 3, 2)
    b = _batched.batched(x, 10**9)  # a level no vmap uses
    out = ns.norm(b, axis=0)
    np.testing.assert_allclose(out.value, np.sqrt((x**2).sum(1)), rtol=1e-6)
    assert ns.norm(x[0], axis=0).shape == (2,)


def test_values_dependent_shapes():
    """nonzero, unique: torch's error where the samples' results differ in shape; ember runs
    them per sample, so a result of one shape for every sample (nonzero_static) works."""
    x = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]], dtype=np.float32)
    same_error(lambda m, x: _vmap_of(m)(lambda r: r.nonzero())(x), x)
    check_error(lambda m, x: _vmap_of(m)(lambda r: m.unique(r))(x), x)  # aten::_unique2
    e, t = both(x)
    same(
        ef.vmap(lambda r: ember.nonzero_static(r, size=2, fill_value=-1))(e),
        torch.stack([torch.nonzero_static(r, size=2, fill_value=-1) for r in t]),
    )


@pytest.mark.parametrize("name,fn,shapes,in_dims", NN, ids=[c[0] for c in NN])
def test_common_ops_run_batched_not_per_sample(name, fn, shapes, in_dims, monkeypatch):
    """The ops with batching rules never fall back to a per-sample loop, forward or backward
    (the loop would give the same values: only the rules are checked here)."""
    loops = []

    def refuse(*args, **kwargs):
        loops.append(args[0])
        raise AssertionError("a per-sample loop")

    for where in ("ember.func._batched", "ember.func._rules", "ember.func._vmap"):
        monkeypatch.setattr(f"{where}.per_sample", refuse)
    monkeypatch.setattr("ember.func._vmap.STRICT", [True])
    monkeypatch.setattr("ember.func._vmap._per_sample_call", refuse)
    args = [ember.tensor(arr(*s)) for s in shapes]

    def loss(*xs):
        out = [o for o in _flat(fn(ember)(*xs)) if o.is_floating_point()]
        return sum(o.square().sum() for o in out)

    dims = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
    ef.vmap(fn(ember), in_dims=in_dims)(*args)
    argnums = tuple(i for i, d in enumerate(dims) if d is not None)
    ef.vmap(ef.grad(loss, argnums=argnums), in_dims=in_dims)(*args)
    assert not loops


def _flat(out):
    return [x for o in (out if isinstance(out, tuple) else (out,)) for x in _flat_one(o)]


def _flat_one(o):
    return list(o) if isinstance(o, (list, tuple)) else [o]


def test_per_sample_gradients_run_batched(monkeypatch):
    """The canonical per-sample-gradient computation (an MLP with cross entropy through
    functional_call) runs on batched tensors from start to end."""
    monkeypatch.setattr("ember.func._vmap.STRICT", [True])

    def refuse(*args, **kwargs):
        raise AssertionError("a per-sample loop")

    for where in ("ember.func._batched", "ember.func._rules", "ember.func._vmap"):
        monkeypatch.setattr(f"{where}.per_sample", refuse)
    monkeypatch.setattr("ember.func._vmap._per_sample_call", refuse)
    ember.manual_seed(0)
    model = ember.nn.Sequential(
        ember.nn.Linear(5, 8), ember.nn.GELU(), ember.nn.LayerNorm(8), ember.nn.Linear(8, 3)
    )
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p, x, y):
        out = ef.functional_call(model, p, (x.unsqueeze(0),))
        return ember.nn.functional.cross_entropy(out, y.unsqueeze(0))

    x, y = ember.randn(6, 5), ember.tensor([0, 1, 2, 0, 1, 2])
    grads = ef.vmap(ef.grad(loss), in_dims=(None, 0, 0))(params, x, y)
    assert grads["0.weight"].shape == (6, 8, 5)
