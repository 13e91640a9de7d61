"""ember.nn.parallel against torch.nn.parallel: DataParallel on one device, the functional
helpers (scatter, gather, replicate, parallel_apply, data_parallel) and the DDP placeholder."""

from __future__ import annotations

import collections
import importlib
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_error, check_same_outcome


def _pair(seed=0):
    """The same small network in ember and torch (torch's weights copied through NumPy)."""
    torch.manual_seed(seed)
    t = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    e = ember.nn.Sequential(ember.nn.Linear(4, 5), ember.nn.ReLU(), ember.nn.Linear(5, 3))
    e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})
    return e, t


# ---------------------------------------------------------------- names and import paths
def test_all_matches_torch():
    assert sorted(ember.nn.parallel.__all__) == sorted(torch.nn.parallel.__all__)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("nn.parallel.data_parallel", "DataParallel"),
        ("nn.parallel.data_parallel", "data_parallel"),
        ("nn.parallel.distributed", "DistributedDataParallel"),
        ("nn.parallel.scatter_gather", "scatter"),
        ("nn.parallel.scatter_gather", "scatter_kwargs"),
        ("nn.parallel.scatter_gather", "gather"),
        ("nn.parallel.replicate", "replicate"),
        ("nn.parallel.parallel_apply", "parallel_apply"),
    ],
)
def test_import_paths_are_torchs(module, name):
    assert hasattr(importlib.import_module(f"torch.{module}"), name)
    value = getattr(importlib.import_module(f"ember.{module}"), name)
    if hasattr(ember.nn.parallel, name):
        assert value is getattr(ember.nn.parallel, name)


def test_reachable_as_attributes():
    assert ember.nn.parallel.DataParallel is ember.nn.DataParallel
    assert ember.nn.parallel.DistributedDataParallel.__module__.endswith("parallel.distributed")
    assert hasattr(torch.nn, "DataParallel") and not hasattr(torch.nn, "DistributedDataParallel")
    assert not hasattr(ember.nn, "DistributedDataParallel")


# ---------------------------------------------------------------- DataParallel
def test_state_dict_keys_and_values_match_torch():
    e, t = _pair()
    ed, td = ember.nn.DataParallel(e), torch.nn.DataParallel(t)
    assert list(ed.state_dict()) == list(td.state_dict())
    assert all(k.startswith("module.") for k in ed.state_dict())
    for k, v in td.state_dict().items():
        np.testing.assert_array_equal(ed.state_dict()[k].numpy(), v.numpy())


def test_loads_a_torch_dataparallel_checkpoint_and_unwraps(tmp_path):
    e, t = _pair(1)
    torch.save(torch.nn.DataParallel(t).state_dict(), tmp_path / "dp.pt")
    fresh = ember.nn.Sequential(ember.nn.Linear(4, 5), ember.nn.ReLU(), ember.nn.Linear(5, 3))
    wrapped = ember.nn.DataParallel(fresh)
    wrapped.load_state_dict(ember.load(tmp_path / "dp.pt"))
    x = np.random.randn(6, 4).astype(np.float32)
    np.testing.assert_allclose(
        wrapped.module(ember.tensor(x)).detach().numpy(),
        t(torch.tensor(x)).detach().numpy(),
        rtol=1e-6,
    )


def test_forward_and_backward_match_torch():
    e, t = _pair(2)
    ed, td = ember.nn.DataParallel(e), torch.nn.DataParallel(t)
    x = np.random.randn(7, 4).astype(np.float32)
    eo, to = ed(ember.tensor(x)), td(torch.tensor(x))
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-6, atol=1e-7)
    eo.square().sum().backward()
    to.square().sum().backward()
    for (name, ep), (_, tp) in zip(ed.named_parameters(), td.named_parameters()):
        np.testing.assert_allclose(ep.grad.numpy(), tp.grad.numpy(), rtol=1e-5, err_msg=name)


def test_cpu_attributes_and_repr_match_torch():
    e, t = _pair()
    ed, td = ember.nn.DataParallel(e, device_ids=[0, 1]), torch.nn.DataParallel(t, [0, 1])
    assert ed.device_ids == td.device_ids == []  # no accelerator: the ids are dropped
    assert ed.module is e and td.module is t
    assert repr(ed) == repr(td)
    assert list(dict(ed.named_children())) == list(dict(td.named_children()))


def test_forward_passes_keyword_arguments():
    class Affine(ember.nn.Module):
        def forward(self, x, *, scale=1.0, shift=None):
            return x * scale + (0 if shift is None else shift)

    dp = ember.nn.DataParallel(Affine())
    out = dp(ember.ones(3), scale=2.0, shift=ember.tensor(1.0))
    assert out.tolist() == [3.0, 3.0, 3.0]


def test_train_eval_reach_the_wrapped_module():
    e, _ = _pair()
    dp = ember.nn.DataParallel(e).eval()
    assert not e.training
    dp.train()
    assert e.training


# ---------------------------------------------------------------- DistributedDataParallel
def test_ddp_without_process_group_raises_torchs_error():
    msg = check_error(lambda lib: lib.nn.parallel.DistributedDataParallel(lib.nn.Linear(2, 2)))
    try:
        torch.nn.parallel.DistributedDataParallel(torch.nn.Linear(2, 2))
    except ValueError as te:
        assert msg == str(te)


def test_ddp_is_a_module_subclass():
    assert issubclass(ember.nn.parallel.DistributedDataParallel, ember.nn.Module)


def test_distributed_placeholder_reports_no_process_group():
    import ember.distributed as dist

    assert dist.is_initialized() is False
    assert dist.is_available() is False


# ---------------------------------------------------------------- scatter / gather
def test_scatter_chunks_like_torch_chunk():
    x = np.arange(20, dtype=np.float32).reshape(5, 4)
    for n in (1, 2, 3, 7):
        for dim in (0, 1):
            pieces = ember.nn.parallel.scatter(ember.tensor(x), ["cpu"] * n, dim)
            expected = torch.tensor(x).chunk(n, dim)
            assert len(pieces) == len(expected)
            for p, q in zip(pieces, expected):
                np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_scatter_rebuilds_containers():
    Pair = collections.namedtuple("Pair", "a b")
    x = ember.arange(6.0).reshape(6, 1)
    pieces = ember.nn.parallel.scatter(
        (x, [x, 7], {"k": x, "s": "text"}, Pair(x, None)), ["cpu", "cpu"]
    )
    assert len(pieces) == 2
    for i, (a, lst, dct, pair) in enumerate(pieces):
        part = [[0.0], [1.0], [2.0]] if i == 0 else [[3.0], [4.0], [5.0]]
        assert a.tolist() == part
        assert isinstance(lst, list) and lst[0].tolist() == part and lst[1] == 7
        assert dct["k"].tolist() == part and dct["s"] == "text"
        assert isinstance(pair, Pair) and pair.a.tolist() == part and pair.b is None


def test_scatter_kwargs_pads_the_shorter_side():
    x = ember.arange(4.0)
    inputs, kwargs = ember.nn.parallel.scatter_gather.scatter_kwargs((x,), {}, ["cpu", "cpu"])
    assert len(inputs) == len(kwargs) == 2 and kwargs == ({}, {})
    inputs, kwargs = ember.nn.parallel.scatter_gather.scatter_kwargs((), {"y": x}, ["cpu"] * 2)
    assert inputs == ((), ()) and [k["y"].tolist() for k in kwargs] == [[0.0, 1.0], [2.0, 3.0]]


def test_gather_undoes_scatter():
    x = ember.randn(6, 3)
    out = {"x": (x, x * 2), "none": None}
    pieces = ember.nn.parallel.scatter(out, ["cpu"] * 3)
    back = ember.nn.parallel.gather(pieces, "cpu")
    assert back["none"] is None
    np.testing.assert_array_equal(back["x"][0].numpy(), x.numpy())
    np.testing.assert_array_equal(back["x"][1].numpy(), (x * 2).numpy())
    cols = ember.nn.parallel.gather(ember.nn.parallel.scatter(x, ["cpu"] * 3, 1), -1, dim=1)
    np.testing.assert_array_equal(cols.numpy(), x.numpy())


def test_gather_of_scalars_warns_and_stacks():
    with pytest.warns(UserWarning, match="all input tensors were scalars"):
        v = ember.nn.parallel.gather([ember.tensor(1.0), ember.tensor(2.0)], "cpu")
    assert v.tolist() == [1.0, 2.0]


def test_gather_of_unequal_dicts_raises():
    with pytest.raises(ValueError, match="All dicts must have the same number of keys"):
        ember.nn.parallel.gather([{"a": ember.ones(1)}, {"a": ember.ones(1), "b": 1}], "cpu")


# ---------------------------------------------------------------- replicate / parallel_apply
def test_parallel_apply_matches_direct_calls():
    e1, t1 = _pair(3)
    e2, t2 = _pair(4)
    x1, x2 = np.random.randn(2, 4).astype(np.float32), np.random.randn(3, 4).astype(np.float32)
    eo = ember.nn.parallel.parallel_apply([e1, e2], [ember.tensor(x1), (ember.tensor(x2),)])
    to = [t1(torch.tensor(x1)), t2(torch.tensor(x2))]
    for a, b in zip(eo, to):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, m: lib.nn.parallel.parallel_apply([m, m], [lib.ones(1, 2)]),
        lambda lib, m: lib.nn.parallel.parallel_apply([m], [lib.ones(1, 2)], [{}, {}]),
        lambda lib, m: lib.nn.parallel.parallel_apply([m], [lib.ones(1, 2)], None, [0, 1]),
    ],
)
def test_parallel_apply_length_errors_match_torch(call):
    check_same_outcome(lambda lib: call(lib, lib.nn.Linear(2, 2)))


def test_replicate_on_the_modules_device_shares_it():
    e, _ = _pair()
    assert ember.nn.parallel.replicate(e, ["cpu", "cpu"]) == [e, e]


def test_replicate_elsewhere_without_detach_refuses():
    e, _ = _pair()
    with pytest.raises(RuntimeError, match="one device"):
        ember.nn.parallel.replicate(e, ["cuda:0"])


def test_data_parallel_runs_the_module():
    e, t = _pair(5)
    x = np.random.randn(4, 4).astype(np.float32)
    out = ember.nn.parallel.data_parallel(e, ember.tensor(x))
    np.testing.assert_allclose(out.detach().numpy(), t(torch.tensor(x)).detach().numpy(), 1e-6)
    kw = ember.nn.parallel.data_parallel(
        ember.nn.Identity(), (), module_kwargs={"input": ember.ones(2)}
    )
    assert kw.tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- CUDA
@pytest.mark.gpu
def test_dataparallel_on_cuda_moves_and_runs():
    e, t = _pair(6)
    dp = ember.nn.DataParallel(e, device_ids=[0])
    assert dp.device_ids == [0] and dp.output_device == 0 and dp.dim == 0
    assert all(p.device == ember.device("cuda:0") for p in dp.parameters())
    x = np.random.randn(5, 4).astype(np.float32)
    out = dp(ember.tensor(x))  # a CPU input is moved to the module's device
    assert out.device == ember.device("cuda:0")
    np.testing.assert_allclose(
        out.cpu().detach().numpy(), t(torch.tensor(x)).detach().numpy(), 1e-5
    )
    out.sum().backward()
    assert dp.module[0].weight.grad.device == ember.device("cuda:0")
    assert list(dp.state_dict()) == list(torch.nn.DataParallel(t).state_dict())


@pytest.mark.gpu
def test_dataparallel_on_cuda_checks_parameter_device():
    ids = list(range(ember.cuda.device_count()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dp = ember.nn.DataParallel(ember.nn.Linear(2, 2), device_ids=ids + [0])
    with pytest.raises(RuntimeError, match=r"on device cuda:0 \(device_ids\[0\]\)"):
        dp(ember.ones(1, 2))
    dp.module.cuda(0)
    out = dp(ember.ones(3, 2))
    assert out.device == ember.device("cuda:0") and out.shape == (3, 2)


def test_dataparallel_methods_delegate_to_the_functions():
    e, _ = _pair()
    dp = ember.nn.DataParallel(e)
    x = ember.arange(8.0).reshape(4, 2)
    inputs, kwargs = dp.scatter((x,), {"flag": 1}, ["cpu", "cpu"])
    assert [i[0].tolist() for i in inputs] == [[[0.0, 1.0], [2.0, 3.0]], [[4.0, 5.0], [6.0, 7.0]]]
    assert kwargs == ({"flag": 1}, {"flag": 1})
    assert dp.replicate(e, ["cpu"]) == [e]
    with ember.no_grad():  # without grad a replica elsewhere may be a detached copy
        assert dp.replicate(ember.nn.ReLU(), ["cpu"])[0] is not None
    outs = dp.parallel_apply([ember.nn.Identity()] * 2, [i[0] for i in inputs], None)
    assert dp.gather(outs, "cpu").tolist() == x.tolist()
