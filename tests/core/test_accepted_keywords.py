"""No keyword is accepted and ignored: each one PyTorch takes is honoured, or its values that
ember cannot honour are refused (PyTorch's error where PyTorch refuses them too)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import torch
from torch.autograd import functional as TF

import ember
from ember.autograd import functional as EF


def _same_outcome(call):
    """``call(lib)`` on both libraries: the same exception (type and message), or the same
    values."""
    results = []
    for lib in (torch, ember):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                results.append(("ok", call(lib), [str(w.message) for w in caught]))
            except Exception as exc:  # noqa: BLE001 - compared below
                results.append(("error", exc, None))
    (t_kind, t_val, t_warn), (e_kind, e_val, e_warn) = results
    assert e_kind == t_kind, f"torch: {t_kind} {t_val!r}; ember: {e_kind} {e_val!r}"
    if t_kind == "error":
        assert type(e_val) is type(t_val)
        t_msg = str(t_val)
        if "unexpected keyword" not in t_msg and "invalid combination" not in t_msg:
            assert _classless(str(e_val)) == _classless(t_msg)
        return None
    t_warn = [w.split(" (Triggered internally")[0] for w in t_warn]
    mine = ("`grad_variables`", "only_inputs")  # the deprecations these tests are about
    assert [w for w in e_warn if w.startswith(mine)] == [w for w in t_warn if w.startswith(mine)]
    return t_val, e_val


def _classless(message):
    return re.sub(r"<class '[^']*'>", "<class>", message)


def _close(t, e):
    if isinstance(t, (tuple, list)):
        for a, b in zip(t, e):
            _close(a, b)
        return
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=1e-6)


# ------------------------------------------------------------------------ tensor options
FACTORY_CALLS = {
    "zeros": lambda m, **kw: m.zeros(2, 3, **kw),
    "ones": lambda m, **kw: m.ones(2, **kw),
    "empty": lambda m, **kw: m.empty(2, **kw).zero_(),
    "full": lambda m, **kw: m.full((2,), 1.5, **kw),
    "arange": lambda m, **kw: m.arange(3, **kw),
    "linspace": lambda m, **kw: m.linspace(0, 1, 3, **kw),
    "logspace": lambda m, **kw: m.logspace(0, 1, 3, **kw),
    "eye": lambda m, **kw: m.eye(2, **kw),
    "rand": lambda m, **kw: m.rand(2, **kw) * 0,
    "randn": lambda m, **kw: m.randn(2, **kw) * 0,
    "randint": lambda m, **kw: m.randint(1, (2,), **kw),
    "randperm": lambda m, **kw: m.randperm(1, **kw),
    "normal": lambda m, **kw: m.normal(0.0, 0.0, (2,), **kw),
    "scalar_tensor": lambda m, **kw: m.scalar_tensor(1.0, **kw),
    "tril_indices": lambda m, **kw: m.tril_indices(2, 2, **kw),
    "empty_strided": lambda m, **kw: m.empty_strided((2, 3), (1, 2), **kw).zero_(),
    "zeros_like": lambda m, **kw: m.zeros_like(m.ones(2), **kw),
    "ones_like": lambda m, **kw: m.ones_like(m.ones(2), **kw),
    "empty_like": lambda m, **kw: m.empty_like(m.ones(2), **kw).zero_(),
    "full_like": lambda m, **kw: m.full_like(m.ones(2), 3, **kw),
    "rand_like": lambda m, **kw: m.rand_like(m.ones(2), **kw) * 0,
    "randn_like": lambda m, **kw: m.randn_like(m.ones(2), **kw) * 0,
    "randint_like": lambda m, **kw: m.randint_like(m.ones(2), 1, **kw),
}
_HAS_MEMORY_FORMAT = {"empty"} | {n for n in FACTORY_CALLS if n.endswith("_like")}


def _option_cases():
    for name, call in FACTORY_CALLS.items():
        yield pytest.param(call, {"layout": "strided"}, id=f"{name}-layout")
        yield pytest.param(call, {"pin_memory": False}, id=f"{name}-pin_memory")
        yield pytest.param(call, {"pin_memory": True}, id=f"{name}-pin_memory-true")
        yield pytest.param(call, {"bogus": 1}, id=f"{name}-bogus")
        yield pytest.param(call, {"memory_format": "contiguous"}, id=f"{name}-memory_format")


@pytest.mark.parametrize(("call", "kwargs"), list(_option_cases()))
def test_factory_options_as_torch(call, kwargs):
    """Default options are accepted, pinned memory is refused (as torch on a machine without
    an accelerator), an unknown keyword is a TypeError, memory_format only where torch has it."""

    def run(lib):
        kw = dict(kwargs)
        if "layout" in kw:
            kw["layout"] = torch.strided if lib is torch else "torch.strided"
        if "memory_format" in kw:
            kw["memory_format"] = (
                torch.contiguous_format if lib is torch else "torch.contiguous_format"
            )
        return call(lib, **kw)

    if kwargs.get("pin_memory") and torch.cuda.is_available():
        pytest.skip("torch pins memory where it has an accelerator")
    values = _same_outcome(run)
    if values is not None:
        _close(*values)


def test_empty_strided_honours_its_strides():
    for lib in (torch, ember):
        t = lib.empty_strided((2, 3), (1, 2))
        assert t.stride() == (1, 2) and tuple(t.shape) == (2, 3)
        t.copy_(lib.arange(6.0).reshape(2, 3))
        assert t.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]


@pytest.mark.parametrize(
    "call",
    [
        lambda x, f: x.float(memory_format=f),
        lambda x, f: x.long(memory_format=f),
        lambda x, f: x.contiguous(memory_format=f),
        lambda x, f: x.clone(memory_format=f),
        lambda x, f: x.to(ember.float64, memory_format=f),
        lambda x, f: x.is_contiguous(memory_format=f),
        lambda x, f: ember.empty(2, 3, 4, 5, memory_format=f),
        lambda x, f: ember.zeros_like(x, memory_format=f),
    ],
)
def test_a_memory_format_ember_cannot_make_is_refused(call):
    x = ember.ones(2, 3, 4, 5)
    call(x, "torch.contiguous_format")
    call(x, None)
    with pytest.raises(NotImplementedError, match="memory_format"):
        call(x, "torch.channels_last")


def test_a_layout_ember_cannot_make_is_refused():
    with pytest.raises(NotImplementedError, match="layout"):
        ember.zeros(2, layout="torch.sparse_coo")


# ------------------------------------------------------------------------ ops and layers
def test_svd_driver_refused_as_torch_does_on_the_cpu():
    a = np.eye(3, dtype=np.float32)
    for call in (
        lambda m: m.linalg.svd(m.tensor(a), driver="gesvd"),
        lambda m: m.linalg.svdvals(m.tensor(a), driver="gesvd"),
    ):
        _same_outcome(call)
    _close(*_same_outcome(lambda m: m.linalg.svdvals(m.tensor(a), driver=None)))


def test_sparse_gradients_keep_their_values_dense():
    """torch gives these a sparse gradient; ember has no sparse tensors and gives the same
    values dense (pinned for nn.Embedding by tests/nn/test_embedding.py)."""

    def run(lib):
        w = lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
        (lib.gather(w, 0, lib.tensor([[2, 0]]), sparse_grad=True) * 3).sum().backward()
        return w.grad.to_dense() if w.grad.is_sparse else w.grad

    _close(*_same_outcome(run))


# ------------------------------------------------------------------------ autograd
def test_backward_grad_variables_is_grad_tensors():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        lib.autograd.backward([(x * 2).sum()], grad_variables=[lib.tensor(3.0)])
        return x.grad

    _close(*_same_outcome(run))

    def both(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        lib.autograd.backward([y], grad_tensors=[lib.tensor(1.0)], grad_variables=[lib.tensor(1.0)])

    _same_outcome(both)


def test_grad_only_inputs_warns_as_deprecated():
    def run(lib):
        x = lib.ones(2, requires_grad=True)
        return lib.autograd.grad([(x * 3).sum()], [x], only_inputs=False)

    _close(*_same_outcome(run))


@pytest.mark.parametrize("create_graph", [False, True])
def test_grad_is_grads_batched(create_graph):
    def run(lib):
        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        z = x * x
        v = lib.stack([lib.ones(2, 3), 2 * lib.ones(2, 3), lib.arange(6.0).reshape(2, 3)])
        return lib.autograd.grad([z], [x], [v], create_graph=create_graph, is_grads_batched=True)

    t, e = _same_outcome(run)
    assert tuple(e[0].shape) == (3, 2, 3)
    _close(t, e)


@pytest.mark.parametrize(
    "call",
    [
        lambda F, m: F.jacobian(lambda a: a * 2, m.ones(2), strategy="forward-mode"),
        lambda F, m: F.jacobian(lambda a: a * 2, m.ones(2), strategy="bogus"),
        lambda F, m: F.jacobian(
            lambda a: a * 2, m.ones(2), strategy="forward-mode", vectorize=True
        ),
        lambda F, m: F.jacobian(lambda a: a * 2, m.ones(2), strict=True, vectorize=True),
        lambda F, m: F.jacobian(lambda a, b: a * 2, (m.ones(2), m.ones(2)), strict=True),
        lambda F, m: F.hessian(lambda a: (a * a).sum(), m.ones(2), outer_jacobian_strategy="x"),
        lambda F, m: F.hessian(
            lambda a: (a * a).sum(),
            m.ones(2),
            vectorize=True,
            outer_jacobian_strategy="forward-mode",
        ),
        lambda F, m: F.vjp(lambda a, b: a * 2, (m.ones(2), m.ones(2)), m.ones(2), strict=True),
    ],
)
def test_functional_strategy_vectorize_strict(call):
    values = _same_outcome(lambda lib: call(TF if lib is torch else EF, lib))
    if values is not None:
        _close(*values)


# ------------------------------------------------------------------------ testing
def test_assert_close_allow_subclasses_and_check_stride():
    for kwargs, make in (
        ({"allow_subclasses": False}, lambda m: (m.nn.Parameter(m.ones(1)), m.ones(1))),
        ({"check_stride": True}, lambda m: (m.ones(3, 2).t(), m.ones(2, 3))),
    ):
        _same_outcome(
            lambda lib, kwargs=kwargs, make=make: lib.testing.assert_close(*make(lib), **kwargs)
        )
    ember.testing.assert_close(ember.ones(3, 2).t(), ember.ones(2, 3))  # strides not checked
    with pytest.raises(AssertionError, match="stride"):  # and the flags reach sequence items
        ember.testing.assert_close([ember.ones(3, 2).t()], [ember.ones(2, 3)], check_stride=True)


# ------------------------------------------------------------------------ gradcheck
def _gradcheck_function(lib, kind, calls):
    """A custom Function ``x * x`` (``kind``: a backward that drifts between calls, or one
    that cannot handle a missing gradient of its first output when the second is zero)."""

    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            if kind == "undefined":
                ctx.set_materialize_grads(False)
                return x * 2, x * 3
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, *grads):
            calls.append(all(g is None or g.is_contiguous() for g in grads))
            if kind == "undefined":
                g1, g2 = grads
                if g1 is None and g2 is not None and not bool(g2.any()):
                    raise RuntimeError("cannot handle an undefined gradient")
                gx = 0
                gx = gx + 2 * g1 if g1 is not None else gx
                return gx + 3 * g2 if g2 is not None else gx
            (x,) = ctx.saved_tensors
            out = 2 * x * grads[0]
            return out * (1 + len(calls) * 1e-9) if kind == "drifting" else out

    return F.apply


def _gradcheck_outcome(lib, kind, check="gradcheck", **kwargs):
    """``(result or (error class name, first line), backward calls)``."""
    calls = []
    fn = _gradcheck_function(lib, kind, calls)
    x = lib.tensor([[0.3, -0.7, 1.1], [0.2, 0.4, 0.5]], dtype=lib.float64, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = getattr(lib.autograd, check)(fn, (x,), **kwargs)
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            result = (type(exc).__name__, str(exc).splitlines()[0])
    return result, calls


@pytest.mark.parametrize(
    ("kind", "kwargs"),
    [
        ("drifting", {}),
        ("drifting", {"nondet_tol": 1e-6}),
        ("undefined", {}),
        ("undefined", {"check_undefined_grad": False}),
        ("plain", {"check_backward_ad": False}),
        ("plain", {"check_batched_grad": True}),
        ("plain", {"check_batched_grad": True, "check_backward_ad": False}),
        ("plain", {"check_batched_forward_grad": True}),
        ("plain", {"check_grad_dtypes": True, "masked": True}),
        ("plain", {"fast_mode": True}),
    ],
)
def test_gradcheck_keywords_as_torch(kind, kwargs):
    """nondet_tol bounds a backward's drift, check_undefined_grad checks missing output
    gradients, the keyword combinations torch refuses are refused, and fast_mode runs one
    backward per output (twice, as torch) instead of one per output element."""
    (t_res, t_calls), (e_res, e_calls) = (
        _gradcheck_outcome(m, kind, **kwargs) for m in (torch, ember)
    )
    assert e_res == t_res
    if kwargs == {"fast_mode": True}:
        assert len(e_calls) == len(t_calls) == 4


def test_gradgradcheck_keywords_as_torch():
    for kwargs in (
        {"gen_non_contig_grad_outputs": True},
        {"check_rev_over_rev": False},
        {"check_rev_over_rev": False, "check_undefined_grad": False, "check_fwd_over_rev": True},
        {"check_undefined_grad": False, "check_batched_grad": True, "fast_mode": True},
    ):
        (t_res, t_calls), (e_res, e_calls) = (
            _gradcheck_outcome(m, "plain", "gradgradcheck", **kwargs) for m in (torch, ember)
        )
        if kwargs.get("check_fwd_over_rev"):  # ember has no forward-mode AD
            assert e_res == ("NotImplementedError", e_res[1]) and "check_fwd_over_rev" in e_res[1]
            continue
        assert e_res == t_res, kwargs
        # non-contiguous cotangents reach the backward as they are
        assert (False in e_calls) == (False in t_calls), kwargs


def test_gradcheck_forward_ad_is_refused_and_inputs_checked_as_torch():
    x = ember.ones(2, dtype=ember.float64, requires_grad=True)
    for key in ("check_forward_ad", "check_batched_forward_grad"):
        with pytest.raises(NotImplementedError, match="forward-mode AD"):
            ember.autograd.gradcheck(lambda t: t * 2, (x,), **{"check_forward_ad": True, key: True})
    _same_outcome(
        lambda m: m.autograd.gradcheck(
            lambda t: t * 2, (m.ones(3, dtype=m.float64).expand(2, 3).requires_grad_(),)
        )
    )
    t, e = _same_outcome(
        lambda m: m.autograd.gradgradcheck(
            lambda t: t * t, (m.ones(3, 4, dtype=m.float64)[:, ::2].requires_grad_(),)
        )
    )
    assert t is e is True


# ------------------------------------------------------------------------ checkpoint
def _cp(lib):
    return torch.utils.checkpoint if lib is torch else ember.utils.checkpoint


@pytest.mark.parametrize(
    "kwargs",
    [
        {"use_reentrant": True, "context_fn": lambda: (None, None)},
        {"use_reentrant": True, "debug": True},
        {"use_reentrant": False, "determinism_check": "bogus"},
        {"use_reentrant": False, "debug": True, "context_fn": lambda: (None, None)},
        {"use_reentrant": False, "determinism_check": "none", "debug": True, "early_stop": False},
        {"use_reentrant": True, "preserve_rng_state": False},
        {"use_reentrant": False, "preserve_rng_state": False},
    ],
)
def test_checkpoint_keywords_as_torch(kwargs):
    def run(lib):
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        out = _cp(lib).checkpoint(lambda a: (a.sin() * a).sum(), x, **kwargs)
        out.backward()
        return x.grad

    values = _same_outcome(run)
    if values is not None:
        _close(*values)


def test_checkpoint_context_fn_wraps_the_forward():
    from contextlib import contextmanager

    for lib in (torch, ember):
        seen = []

        @contextmanager
        def note(name, seen=seen):
            seen.append(name)
            yield

        x = lib.ones(2, requires_grad=True)
        fns = lambda: (note("forward"), note("recompute"))  # noqa: E731
        out = _cp(lib).checkpoint(lambda a: a * 2, x, use_reentrant=False, context_fn=fns)
        assert seen == ["forward"]  # the recomputation (torch's only) comes with backward
        with lib.no_grad():  # nothing to checkpoint: no context entered
            _cp(lib).checkpoint(lambda a: a * 2, x, use_reentrant=False, context_fn=fns)
        assert seen == ["forward"]
        out.sum().backward()


@pytest.mark.parametrize("use_reentrant", [True, False])
def test_checkpoint_refuses_to_redraw_random_numbers(use_reentrant):
    """With preserve_rng_state=False torch's backward redraws what the function drew."""
    x = ember.ones(4, requires_grad=True)
    drop = ember.nn.functional.dropout
    with pytest.raises(NotImplementedError, match="preserve_rng_state"):
        ember.utils.checkpoint.checkpoint(
            lambda a: drop(a, 0.5), x, use_reentrant=use_reentrant, preserve_rng_state=False
        )
    for lib_x, preserve in ((x.detach(), False), (x, True)):  # nothing to differentiate / kept
        ember.utils.checkpoint.checkpoint(
            lambda a: drop(a, 0.5), lib_x, use_reentrant=use_reentrant, preserve_rng_state=preserve
        )


@pytest.mark.parametrize("segments", [0, 1, 2, 3, -1, 2.5])
def test_checkpoint_sequential_segments_as_torch(segments):
    def run(lib):
        lib.manual_seed(0)
        seq = lib.nn.Sequential(lib.nn.Linear(2, 2), lib.nn.Tanh())
        x = lib.ones(1, 2, requires_grad=True)
        _cp(lib).checkpoint_sequential(seq, segments, x, use_reentrant=False).sum().backward()
        return x.grad

    values = _same_outcome(run)
    if values is not None:
        assert tuple(values[0].shape) == tuple(values[1].shape)


# ------------------------------------------------------------------------ cuda
def test_cuda_queries_read_their_device(monkeypatch):
    """device= picks the device (through a stand-in for CuPy: this runs without a GPU)."""
    from types import SimpleNamespace

    import ember.cuda as ec

    current, events = [0], []

    class Device:
        def __init__(self, index):
            self.index = index

        def __enter__(self):
            self.prev, current[0] = current[0], self.index

        def __exit__(self, *exc):
            current[0] = self.prev

    pool = SimpleNamespace(used_bytes=lambda: 100 * current[0], total_bytes=lambda: 7 * current[0])
    runtime = SimpleNamespace(
        getDevice=lambda: current[0],
        deviceSynchronize=lambda: events.append(current[0]),
        getDeviceProperties=lambda i: {"name": f"gpu{i}".encode()},
    )
    fake = SimpleNamespace(cuda=SimpleNamespace(Device=Device, runtime=runtime))
    fake.get_default_memory_pool = lambda: pool
    monkeypatch.setattr(ec, "_cupy", lambda: fake)
    assert ec.memory_allocated("cuda:1") == 100 and ec.memory_allocated() == 0
    assert ec.memory_reserved(ember.device("cuda", 1)) == 7 == ec.max_memory_allocated(1)
    assert (ec.get_device_name(1), ec.get_device_name("cuda"), ec.get_device_name()) == (
        "gpu1",
        "gpu0",
        "gpu0",
    )
    ec.synchronize("cuda:1")
    ec.synchronize()
    assert events == [1, 0]
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        ec.memory_allocated("cpu")


@pytest.mark.skipif(torch.cuda.is_available(), reason="the answers without CUDA")
@pytest.mark.parametrize("name", ["memory_allocated", "memory_reserved", "max_memory_allocated"])
def test_cuda_memory_queries_without_cuda_as_torch(name):
    for device in (None, 0, "cuda:1", "cpu"):
        _same_outcome(lambda m, device=device: getattr(m.cuda, name)(device))


# ------------------------------------------------------------------------ safetensors
def test_safe_open_framework_as_the_reference_reader(tmp_path):
    from ember.serialization.safetensors import SafetensorError, safe_open, save_file

    path = str(tmp_path / "w.safetensors")
    save_file({"w": ember.arange(3.0)}, path)
    for framework in ("pt", "torch", "pytorch"):
        with safe_open(path, framework) as f:
            assert f.get_tensor("w").tolist() == [0.0, 1.0, 2.0]
    with pytest.raises(NotImplementedError, match="framework np"):
        safe_open(path, "np")
    with pytest.raises(SafetensorError, match="framework bogus is invalid"):
        safe_open(path, framework="bogus")


# ------------------------------------------------------------------------ pinning, PackedSequence
@pytest.mark.skipif(
    torch.cuda.is_available(), reason="torch pins memory where it has an accelerator"
)
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2).pin_memory(),
        lambda m: m.nn.utils.rnn.pack_sequence([m.ones(3), m.ones(2)]).pin_memory(),
        lambda m: m.ones(2).is_pinned(),
    ],
)
def test_pin_memory_as_torch_without_an_accelerator(call):
    _same_outcome(call)


def _packed(m):
    return m.nn.utils.rnn.pack_sequence([m.ones(3), m.ones(2)])


@pytest.mark.parametrize(
    "call",
    [
        lambda m: _packed(m).cpu(m.float64),
        lambda m: _packed(m).cpu(dtype=m.float16),
        lambda m: _packed(m).cpu("cpu", m.float64),
        lambda m: _packed(m).cpu(bogus=1),
        lambda m: _packed(m).to(m.float64, non_blocking=True),
        lambda m: _packed(m).cpu(copy=True),
    ],
)
def test_packed_sequence_conversions_as_torch(call):
    values = _same_outcome(lambda m: call(m).data)
    if values is not None:
        t, e = values
        assert str(e.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        _close(t, e)


# ------------------------------------------------------------------------ optim
def test_plateau_step_epoch_sets_last_epoch_with_torchs_warning():
    def run(lib):
        p = lib.nn.Parameter(lib.ones(1))
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(lib.optim.SGD([p], lr=1.0), patience=0)
        with pytest.warns(UserWarning, match="epoch parameter"):
            sched.step(1.0, epoch=7)
        sched.step(2.0)
        return sched.last_epoch, sched.optimizer.param_groups[0]["lr"]

    t, e = _same_outcome(run)
    assert t == e == (8, 0.1)


# ------------------------------------------------------------------------ NumPy / DLPack / repr
@pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")  # torch's
def test_numpy_protocols_honour_copy():
    for lib in (torch, ember):
        t = lib.zeros(3)
        np.array(t, copy=True)[0] = 5  # a new array: the tensor keeps its values
        np.from_dlpack(t, copy=True)[1] = 6
        assert t.tolist() == [0.0, 0.0, 0.0]
        np.asarray(t)[2] = 7  # no copy asked: the tensor's memory
        assert t.tolist() == [0.0, 0.0, 7.0]
        with pytest.raises(ValueError, match="Unable to avoid copy"):
            np.array(t, dtype=np.float64, copy=False)
    t = ember.zeros(2)  # torch refuses copy=False always (its __array__ predates the keyword)
    np.array(t, copy=False)[0] = 1
    assert t.tolist() == [1.0, 0.0]


def test_repr_tensor_contents_as_torch():
    for make in (
        lambda m: m.arange(3.0),
        lambda m: m.ones(2, 3, dtype=m.float64, requires_grad=True),
        lambda m: m.ones(0, 2),
    ):
        t, e = (make(m).__repr__(tensor_contents="...") for m in (torch, ember))
        assert e == t.replace("torch.", "ember.")


_FLAGGED = ["Adam", "AdamW", "Adadelta", "Adamax", "ASGD", "NAdam", "RAdam", "RMSprop", "Rprop"]


@pytest.mark.parametrize("name", _FLAGGED + ["SGD", "Adagrad"])
@pytest.mark.parametrize("flag", ["capturable", "differentiable", "fused", "foreach"])
def test_optimizer_implementation_flags_as_torch(name, flag):
    """foreach/fused change only how torch computes (the same values); capturable is refused
    for CPU parameters and differentiable for leaf parameters, both as torch refuses them."""

    def run(lib):
        p = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0]))
        opt = getattr(lib.optim, name)([p], lr=0.1, **{flag: True})
        for _ in range(2):
            p.grad = lib.tensor([0.5, 1.0, -1.5])
            opt.step()
        return p.detach()

    values = _same_outcome(run)
    if values is not None:
        _close(*values)


def test_a_differentiable_step_is_refused():
    p = ember.ones(3, requires_grad=True).clone()  # torch records this step; ember cannot
    p.retain_grad()
    opt = ember.optim.SGD([p], lr=0.1, differentiable=True)
    p.grad = ember.ones(3)
    with pytest.raises(NotImplementedError, match="differentiable=True"):
        opt.step()
