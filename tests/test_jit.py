"""ember.jit against torch.jit's eager behaviour: scripting and tracing hand the model back
unchanged (with one warning), the decorators and queries behave as torch's do outside
TorchScript, and TorchScript archives are refused with a pointer to state_dict saving."""

from __future__ import annotations

import subprocess
import sys
import typing
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_error, check_same_outcome

# torch deprecates its own TorchScript entry points; the comparison runs them anyway.
pytestmark = pytest.mark.filterwarnings("ignore:.*torch.jit.*deprecated:DeprecationWarning")


@pytest.fixture
def fresh_warning(monkeypatch):
    """Each test sees the one-time warning as a fresh process would."""
    monkeypatch.setattr(ember.jit, "_warned", False)


def _pair(seed=0):
    torch.manual_seed(seed)
    t = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    e = ember.nn.Sequential(ember.nn.Linear(3, 4), ember.nn.Tanh(), ember.nn.Linear(4, 2))
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return e, t


def test_is_imported_lazily():
    code = "import sys, ember; assert 'ember.jit' not in sys.modules; ember.jit.is_scripting()"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_all_covers_torchs():
    assert set(torch.jit.__all__) <= set(ember.jit.__all__)
    for name in ember.jit.__all__:
        assert hasattr(ember.jit, name)


def test_script_returns_the_module_and_warns_once(fresh_warning):
    e, t = _pair()
    with pytest.warns(UserWarning, match="no TorchScript"):
        s = ember.jit.script(e)
    assert s is e and isinstance(s, ember.nn.Module) and isinstance(s, ember.jit.ScriptModule)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.jit.script(e)  # the second call is silent
        ember.jit.trace(e, ember.ones(1, 3))
    x = np.random.randn(5, 3).astype(np.float32)
    ts = torch.jit.script(t)
    np.testing.assert_allclose(
        s(ember.tensor(x)).detach().numpy(), ts(torch.tensor(x)).detach().numpy(), rtol=1e-6
    )
    assert list(s.state_dict()) == list(ts.state_dict())


def test_script_as_a_decorator(fresh_warning):
    with pytest.warns(UserWarning):

        @ember.jit.script
        def double(x):
            return x * 2

    assert double(ember.tensor([1.0, 2.0])).tolist() == [2.0, 4.0]


def test_trace_runs_once_and_returns_the_module(fresh_warning):
    calls = []

    class Counting(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = ember.nn.Linear(3, 2)

        def forward(self, x, y=None):
            calls.append(x.shape)
            return self.lin(x) if y is None else self.lin(x) + y

    m = Counting()
    with pytest.warns(UserWarning, match="no TorchScript"):
        traced = ember.jit.trace(m, ember.ones(4, 3))
    assert traced is m and calls == [(4, 3)]
    ember.jit.trace(m, (ember.ones(2, 3), ember.ones(2, 2)))
    ember.jit.trace(m, example_kwarg_inputs={"x": ember.ones(1, 3)})
    assert calls == [(4, 3), (2, 3), (1, 3)]
    assert ember.jit.trace_module(m, {"forward": ember.ones(6, 3)}) is m and len(calls) == 4


def test_trace_matches_torch_outputs(fresh_warning):
    e, t = _pair(1)
    x = np.random.randn(2, 3).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        et = ember.jit.trace(e, ember.tensor(x))
    tt = torch.jit.trace(t, torch.tensor(x))
    y = np.random.randn(7, 3).astype(np.float32)
    np.testing.assert_allclose(
        et(ember.tensor(y)).detach().numpy(), tt(torch.tensor(y)).detach().numpy(), rtol=1e-6
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.jit.trace(lib.nn.Linear(2, 2)),
        lambda lib: lib.jit.trace(lib.nn.Linear(2, 2), lib.ones(2, 3)),
        lambda lib: lib.jit.trace_module(lib.nn.Linear(2, 2), [lib.ones(1, 2)]),
    ],
)
def test_trace_errors_match_torch(call, fresh_warning):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(call)


def test_trace_error_message_matches_torch(fresh_warning):
    check_same_outcome(lambda lib: lib.jit.trace(lib.nn.Linear(2, 2)))


@pytest.mark.parametrize("fn", ["save", "load"])
def test_archives_are_refused_with_advice(fn, tmp_path):
    args = (ember.nn.Linear(2, 2), tmp_path / "m.pt") if fn == "save" else (tmp_path / "m.pt",)
    with pytest.raises(RuntimeError, match=r"ember\.save\(model\.state_dict\(\), f\)"):
        getattr(ember.jit, fn)(*args)
    assert not (tmp_path / "m.pt").exists()


def test_decorators_leave_functions_alone():
    def f(x):
        return x + 1

    for deco in (
        ember.jit.ignore,
        ember.jit.ignore(drop=True),
        ember.jit.ignore(),
        ember.jit.unused,
        ember.jit.export,
        ember.jit.script_if_tracing,
        ember.jit.interface,
    ):
        assert deco(f) is f


def test_queries_match_torch_eager():
    check_same_outcome(lambda lib: lib.jit.is_scripting())
    check_same_outcome(lambda lib: lib.jit.is_tracing())
    check_same_outcome(lambda lib: lib.jit.annotate(typing.List[int], [4]))  # noqa: UP006
    check_same_outcome(lambda lib: lib.jit.annotate(dict, {}))


def test_fork_and_wait_match_torch():
    for lib in (ember, torch):
        fut = lib.jit.fork(lambda a, b=0: a * 10 + b, 4, b=2)
        assert lib.jit.wait(fut) == 42 and fut.done() and fut.value() == 42
    check_error(lambda lib: lib.jit.fork(lambda: 1 / 0))


def test_fork_of_tensors():
    x = ember.tensor([1.0, 2.0])
    futures = [ember.jit.fork(ember.mul, x, k) for k in range(3)]
    assert [ember.jit.wait(f).tolist() for f in futures] == [[0, 0], [1, 2], [2, 4]]


def test_freeze_and_optimize_for_inference():
    e, t = _pair()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_same_outcome(lambda lib: lib.jit.freeze(lib.jit.script(_pair()[lib is torch])))
    e.eval()
    assert ember.jit.freeze(e) is e
    e.train()
    assert ember.jit.optimize_for_inference(e) is e and not e.training


CASES = [
    ([1, 2], typing.List[int]),  # noqa: UP006
    ([1, "a"], list[int]),
    ({"a": 1}, dict[str, int]),
    ({"a": "b"}, typing.Dict[str, int]),  # noqa: UP006
    ((1, "a"), tuple[int, str]),
    ((1, "a"), tuple[int, int]),
    ((1, 2, 3), tuple[int, ...]),  # eager torch reads the ... as a second element type
    ((1,), tuple[int, str]),
    (None, typing.Optional[int]),  # noqa: UP045
    (3, typing.Optional[int]),  # noqa: UP045
    ("3", typing.Optional[int]),  # noqa: UP045
    ([[1], [2]], list[list[int]]),
    ([[1], ["2"]], list[list[int]]),
    (3, int),
    ([1], list),
    ({}, typing.Dict),  # noqa: UP006
    ((1,), typing.Tuple),  # noqa: UP006
]


@pytest.mark.parametrize(("obj", "kind"), CASES)
def test_isinstance_matches_torch(obj, kind):
    check_same_outcome(lambda lib: lib.jit.isinstance(obj, kind))


def test_isinstance_of_tensors():
    assert ember.jit.isinstance([ember.ones(1)], list[ember.Tensor])
    assert not ember.jit.isinstance([torch.ones(1)], list[ember.Tensor])


def test_names_and_types():
    assert ember.jit.Final is typing.Final is torch.jit.Final
    assert ember.jit.ScriptModule is ember.nn.Module
    assert ember.jit.Attribute(3, int) == tuple(torch.jit.Attribute(3, int))
    assert ember.jit.Attribute._fields == torch.jit.Attribute._fields
    assert ember.jit.Error.__mro__[1:] == torch.jit.Error.__mro__[1:]
    with pytest.raises(RuntimeError, match="TorchScript"):
        ember.jit.CompilationUnit()


def test_fusion_switches_round_trip():
    previous = ember.jit.set_fusion_strategy([("DYNAMIC", 3)])
    tprev = torch.jit.set_fusion_strategy([("DYNAMIC", 3)])
    try:
        assert previous == tprev
        assert ember.jit.onednn_fusion_enabled() == torch.jit.onednn_fusion_enabled()
        ember.jit.enable_onednn_fusion(True)
        assert ember.jit.onednn_fusion_enabled()
        with ember.jit.strict_fusion():
            pass
    finally:
        ember.jit.set_fusion_strategy(previous)
        torch.jit.set_fusion_strategy(tprev)
        ember.jit.enable_onednn_fusion(False)
