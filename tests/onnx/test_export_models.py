"""Whole models exported with ember.onnx.export: the ONNX model passes the checker, and ONNX
Runtime's output equals ember's forward and torch's forward with the same weights."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

import ember

from .helpers import export, onnx, op_types, run


def _load_into_torch(em, tm):
    state = {k: torch.from_numpy(np.array(v.numpy())) for k, v in em.state_dict().items()}
    tm.load_state_dict(state)
    return tm.eval()


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 3))


def _cnn(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1),
        nn.BatchNorm2d(8),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, bias=False),
        nn.BatchNorm2d(8),
        nn.Sigmoid(),
        nn.AvgPool2d(2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(8, 4),
        nn.LogSoftmax(-1),
    )


def _conv1d(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Conv1d(4, 6, 3, dilation=2, padding=2),
        nn.BatchNorm1d(6),
        nn.GELU(),
        nn.AdaptiveMaxPool1d(1),
        nn.Flatten(),
    )


def _block(lib):
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self, d=16, heads=4):
            super().__init__()
            self.ln1 = nn.LayerNorm(d)
            self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
            self.ln2 = nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

        def forward(self, x):
            h = self.ln1(x)
            a, w = self.attn(h, h, h)
            x = x + a
            return x + self.mlp(self.ln2(x)), w

    return Block()


def _embedder(lib):
    nn = lib.nn

    class Embedder(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(50, 12, padding_idx=0)
            self.pos = nn.Parameter(lib.zeros(1, 10, 12))
            self.head = nn.Linear(12, 5)

        def forward(self, ids):
            e = self.emb(ids) + self.pos[:, : ids.shape[1]]
            return self.head(e.mean(1)).softmax(-1)

    return Embedder()


def _randomize_stats(model):
    with ember.no_grad():
        for m in model.modules():
            if isinstance(m, (ember.nn.BatchNorm1d, ember.nn.BatchNorm2d)):
                m.running_mean.copy_(ember.randn(m.num_features) * 0.5)
                m.running_var.copy_(ember.rand(m.num_features) + 0.5)
                m.weight.copy_(ember.randn(m.num_features))
                m.bias.copy_(ember.randn(m.num_features))
            if isinstance(m, ember.nn.Embedding) or hasattr(m, "pos"):
                for p in m.parameters():
                    p.copy_(ember.randn(*p.shape))


def _float(shape, seed):
    return ember.tensor(np.random.default_rng(seed).standard_normal(shape).astype(np.float32))


def _ids(shape, seed):
    return ember.tensor(np.random.default_rng(seed).integers(0, 50, shape))


MODELS = [
    ("mlp", _mlp, lambda b, s: (_float((b, 5), s),), {"x0": {0: "batch"}}, 1),
    ("cnn", _cnn, lambda b, s: (_float((b, 3, 16, 16), s),), {"x0": {0: "batch"}}, 1),
    ("conv1d", _conv1d, lambda b, s: (_float((b, 4, 20), s),), {"x0": {0: "batch"}}, 1),
    (
        "transformer_block",
        _block,
        lambda b, s: (_float((b, 3 + s, 16), s),),
        {"x0": {0: "batch", 1: "seq"}},
        2,
    ),
    ("embedding", _embedder, lambda b, s: (_ids((b, 4 + s), s),), {"x0": {0: "b", 1: "t"}}, 1),
]


@pytest.mark.parametrize(
    ("build", "make", "dyn", "n_out"), [m[1:] for m in MODELS], ids=[m[0] for m in MODELS]
)
def test_model_matches_ember_and_torch(build, make, dyn, n_out):
    model = build(ember).eval()
    _randomize_stats(model)
    reference = _load_into_torch(model, build(torch))
    proto, session = export(model, make(2, 1), dynamic_axes=dyn)
    assert [o.name for o in proto.graph.output] == (
        ["output"] if n_out == 1 else ["output_0", "output_1"]
    )
    for batch, seed in ((2, 1), (3, 2), (1, 3)):  # the example size, then other sizes
        inputs = make(batch, seed)
        got = run(session, inputs)
        with ember.no_grad():
            mine = model(*inputs)
        with torch.no_grad():
            theirs = reference(*[torch.from_numpy(np.array(x.numpy())) for x in inputs])
        mine = mine if isinstance(mine, tuple) else (mine,)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        assert len(got) == n_out
        for g, m, t in zip(got, mine, theirs):
            assert g.shape == tuple(m.shape)
            np.testing.assert_allclose(g, m.numpy(), rtol=1e-5, atol=1e-5)
            np.testing.assert_allclose(g, t.numpy(), rtol=1e-5, atol=1e-5)


def test_layers_become_their_onnx_ops_with_named_weights():
    proto, _ = export(_cnn(ember).eval(), (_float((1, 3, 16, 16), 0),))
    ops = op_types(proto)
    for op in ("Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool"):
        assert op in ops
    assert "GlobalAveragePool" in ops and ops[-2:] == ["Gemm", "LogSoftmax"]
    assert "Add" not in ops  # the conv bias is the Conv's third input
    names = {t.name for t in proto.graph.initializer}
    assert {"0.weight", "0.bias", "1.running_mean", "1.running_var", "11.weight"} <= names
    assert "1.num_batches_tracked" not in names
    block, _ = export(_block(ember).eval(), (_float((2, 3, 16), 0),))
    for op in ("LayerNormalization", "Softmax", "MatMul", "Transpose", "Reshape"):
        assert op in op_types(block)
    emb, _ = export(_embedder(ember), (_ids((2, 4), 0),))
    assert op_types(emb)[0] == "Gather"


def test_names_and_dynamic_axes_in_the_graph():
    model = _mlp(ember)
    proto, session = export(
        model,
        (_float((2, 5), 0),),
        names=["features"],
        output_names=["logits"],
        dynamic_axes={"features": {0: "batch"}, "logits": {0: "batch"}},
    )
    (inp,), (out,) = proto.graph.input, proto.graph.output
    assert inp.name == "features" and out.name == "logits"
    assert [d.dim_param or d.dim_value for d in inp.type.tensor_type.shape.dim] == ["batch", 5]
    assert [d.dim_param or d.dim_value for d in out.type.tensor_type.shape.dim] == ["batch", 3]
    got = run(session, (_float((7, 5), 1),), ["features"])[0]
    assert got.shape == (7, 3)
    listed, _ = export(model, (_float((2, 5), 0),), dynamic_axes={"x0": [0]})
    dims = listed.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "x0_dynamic_axes_1"
    assert listed.graph.output[0].type.tensor_type.shape.dim[0].dim_param == "x0_dynamic_axes_1"


def test_static_export_keeps_example_shapes():
    proto, _ = export(_mlp(ember), (_float((2, 5), 0),))
    dims = proto.graph.input[0].type.tensor_type.shape.dim
    assert [d.dim_value for d in dims] == [2, 5]
    assert proto.opset_import[0].version == 17


def test_file_path_and_file_object(tmp_path):
    model, x = _mlp(ember).eval(), _float((2, 5), 0)
    path = tmp_path / "mlp.onnx"
    ember.onnx.export(model, x, str(path), input_names=["x"])
    loaded = onnx.load(str(path))
    onnx.checker.check_model(loaded)
    with open(tmp_path / "mlp2.onnx", "wb") as f:
        ember.onnx.export(model, (x,), f)
    assert onnx.load(str(tmp_path / "mlp2.onnx")).graph.node


def test_export_params_false_makes_parameters_inputs():
    proto, _ = export(_mlp(ember), (_float((2, 5), 0),), export_params=False)
    assert not proto.graph.initializer
    assert [i.name for i in proto.graph.input][:3] == ["x0", "0.weight", "0.bias"]


def test_without_constant_folding_the_constant_ops_stay():
    model = _cnn(ember).eval()
    _randomize_stats(model)
    x = _float((2, 3, 16, 16), 0)
    folded, _ = export(model, (x,))
    proto, session = export(model, (x,), do_constant_folding=False)
    assert len(proto.graph.node) > len(folded.graph.node)
    assert "Add" in op_types(proto)  # the conv biases, reshaped by their own nodes
    with ember.no_grad():
        want = model(x)
    np.testing.assert_allclose(run(session, (x,))[0], want.numpy(), rtol=1e-5, atol=1e-5)


def test_keep_initializers_as_inputs():
    proto, _ = export(_mlp(ember), (_float((2, 5), 0),), keep_initializers_as_inputs=True)
    inputs = {i.name for i in proto.graph.input}
    assert {t.name for t in proto.graph.initializer} <= inputs


def test_model_mode_is_restored_and_export_runs_in_eval():
    model = ember.nn.Sequential(
        ember.nn.Linear(4, 4), ember.nn.Dropout(0.9), ember.nn.BatchNorm1d(4)
    )
    model.train()
    proto, session = export(model, (_float((3, 4), 0),))
    assert model.training and all(m.training for m in model.modules())
    assert "BatchNormalization" in op_types(proto) and "Dropout" not in op_types(proto)
    x = _float((3, 4), 0)
    with ember.no_grad():
        want = model.eval()(x)
    np.testing.assert_allclose(run(session, (x,))[0], want.numpy(), rtol=1e-5, atol=1e-6)


def test_is_in_onnx_export():
    seen = []

    class Probe(ember.nn.Module):
        def forward(self, x):
            seen.append(ember.onnx.is_in_onnx_export())
            return x * 2

    export(Probe(), (_float((2,), 0),))
    assert seen == [True] and not ember.onnx.is_in_onnx_export()


def test_keyword_inputs_and_several_outputs():
    class Two(ember.nn.Module):
        def forward(self, x, y=None, scale=2.0):
            return x * scale, {"sum": x + y}

    model = Two()
    x, y = _float((2, 3), 0), _float((2, 3), 1)
    proto, session = export(model, (x, {"y": y}), names=["x", "y"], output_names=["a", "b"])
    a, b = run(session, (x, y), ["x", "y"])
    np.testing.assert_allclose(a, (x * 2).numpy())
    np.testing.assert_allclose(b, (x + y).numpy())


def test_repeated_passthrough_and_constant_outputs():
    class Outs(ember.nn.Module):
        def forward(self, x):
            y = x * 2
            return y, x, y + 1, y, ember.ones(2)

    x = _float((2, 2), 0)
    proto, session = export(Outs(), (x,))
    got = run(session, (x,))
    want = [(x * 2).numpy(), x.numpy(), (x * 2 + 1).numpy(), (x * 2).numpy(), np.ones(2)]
    assert len(got) == 5
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w)


def test_inplace_ops_are_followed():
    class Residual(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = ember.nn.Linear(4, 4)

        def forward(self, x):
            out = self.fc(x)
            out += x
            out.relu_()
            out.mul_(2)
            return ember.nn.functional.relu(out - 1, inplace=True)

    model, x = Residual(), _float((3, 4), 0)
    _, session = export(model, (x,))
    with ember.no_grad():
        want = model(x)
    np.testing.assert_allclose(run(session, (x,))[0], want.numpy(), rtol=1e-6)


def test_untracked_inplace_change_is_refused():
    class Writes(ember.nn.Module):
        def forward(self, x):
            y = x * 2
            y[:, 0] = 0.0
            return y + 1

    with pytest.raises(RuntimeError, match="ember.onnx.export: .*index assignment"):
        export(Writes(), (_float((2, 3), 0),))


def test_python_values_from_traced_tensors_warn():
    class Item(ember.nn.Module):
        def forward(self, x):
            return x * x.sum().item()

    with pytest.warns(UserWarning, match=r"Tensor.item turns a traced tensor"):
        export(Item(), (_float((2, 3), 0),))
    assert "item" not in ember.Tensor.__dict__ or not ember.Tensor.item.__qualname__.startswith(
        "Tracer"
    )


def test_unsupported_op_names_the_op():
    class Inv(ember.nn.Module):
        def forward(self, x):
            return ember.linalg.inv(x)

    x = _float((3, 3), 0) + 4 * ember.eye(3)
    with pytest.raises(
        RuntimeError, match=r"ember.onnx.export: op 'linalg_inv' is not supported yet"
    ):
        export(Inv(), (x,))


def test_shape_dependent_constant_with_dynamic_axes_is_refused():
    class MakesMask(ember.nn.Module):
        def forward(self, x):
            return x + ember.ones(x.shape[0], 3)

    with pytest.raises(RuntimeError, match="shape follows a dynamic axis"):
        export(MakesMask(), (_float((2, 3), 0),), dynamic_axes={"x0": [0]})
    export(MakesMask(), (_float((2, 3), 0),))  # fine without dynamic axes


def test_dynamic_shapes_like_dynamo():
    class Net(ember.nn.Module):
        def forward(self, x):
            return x.flatten(1).sum(-1)

    proto, session = export(
        Net(), (_float((2, 3, 4), 0),), dynamo=True, dynamic_shapes={"x": {0: "n"}}
    )
    assert proto.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "n"
    assert run(session, (_float((6, 3, 4), 0),))[0].shape == (6,)


def test_bad_arguments():
    model, x = _mlp(ember), _float((2, 5), 0)
    with pytest.raises(ValueError, match="opset_version"):
        export(model, (x,), opset_version=9)
    with pytest.raises(ValueError, match="neither input nor output"):
        export(model, (x,), dynamic_axes={"nope": [0]})
    with pytest.raises(NotImplementedError):
        export(model, (x,), export_modules_as_functions=True)


def test_missing_onnx_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install ember\[onnx\]"):
        ember.onnx.export(_mlp(ember), _float((2, 5), 0), None)


def test_import_ember_onnx_without_onnx():
    code = (
        "import sys; sys.modules['onnx'] = None; import ember.onnx; "
        "print(ember.onnx.is_in_onnx_export())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_hooks_are_removed_after_export():
    from ember.ops import _inplace
    from ember.ops._registry import _OBSERVERS

    def exporter_hooked():
        # vmap's own observer may come and go (while batched arrays of other tests live)
        return any(
            type(getattr(h, "__self__", None)).__module__.startswith("ember.onnx")
            for h in _OBSERVERS
        )

    before = _inplace.write_result
    model = _cnn(ember)
    export(model, (_float((1, 3, 16, 16), 0),))
    assert not exporter_hooked() and _inplace.write_result is before
    assert not any("forward" in m.__dict__ for m in model.modules())

    class Fails(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = ember.nn.Linear(3, 3)

        def forward(self, x):
            raise ValueError("inside forward")

    failing = Fails()
    with pytest.raises(ValueError, match="inside forward"):
        export(failing, (_float((3, 3), 0),))
    assert not exporter_hooked() and _inplace.write_result is before
    assert not any("forward" in m.__dict__ for m in failing.modules())
    with pytest.raises(ValueError, match="out of range"):
        export(model, (_float((1, 3, 16, 16), 0),), dynamic_axes={"x0": [4]})
