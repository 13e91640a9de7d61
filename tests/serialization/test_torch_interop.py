"""ember.save -> torch.load and torch.save -> ember.load, for every dtype, view and container."""

from __future__ import annotations

import collections
import dataclasses
import io
import pickle

import ml_dtypes
import numpy as np
import pytest
import torch

import ember
import ember.nn
from ember import serialization
from ember.serialization import _zip_format, load, save

DTYPES = [
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
]
SHAPES = [(), (0,), (3,), (2, 3), (2, 0, 4), (1, 2, 3, 2)]


def _values(dtype: str, shape) -> np.ndarray:
    rng = np.random.default_rng(len(shape) * 10 + DTYPES.index(dtype))
    raw = np.asarray(rng.normal(0, 50, size=shape))
    if dtype == "bool":
        return np.asarray(raw > 0)
    if dtype == "bfloat16":
        return raw.astype(ml_dtypes.bfloat16)
    return raw.astype(dtype)


def _torch_from(a: np.ndarray) -> torch.Tensor:
    if a.dtype == ml_dtypes.bfloat16:
        return torch.from_numpy(a.view(np.int16).copy()).view(torch.bfloat16)
    return torch.from_numpy(a.copy())


def _numpy_of_torch(t: torch.Tensor) -> np.ndarray:
    t = t.detach()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(ml_dtypes.bfloat16)
    return t.numpy()


def _roundtrip_to_torch(obj, **kw):
    buf = io.BytesIO()
    save(obj, buf, **kw)
    buf.seek(0)
    return torch.load(buf)


def _roundtrip_to_ember(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    buf.seek(0)
    return load(buf)


def _assert_same(e: ember.Tensor, t: torch.Tensor):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).removeprefix("torch.")
    assert e.requires_grad == t.requires_grad
    np.testing.assert_array_equal(e.detach().numpy(), _numpy_of_torch(t))


def _torch_storage_ptr(t: torch.Tensor) -> int:
    return t.untyped_storage().data_ptr()


# ------------------------------------------------------------------------- ember -> torch
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_every_dtype_and_shape_reaches_torch(dtype, shape):
    a = _values(dtype, shape)
    got = _roundtrip_to_torch(ember.from_numpy(a.copy()))
    assert isinstance(got, torch.Tensor)
    _assert_same(ember.from_numpy(a), got)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_every_dtype_and_shape_comes_from_torch(dtype, shape):
    a = _values(dtype, shape)
    got = _roundtrip_to_ember(_torch_from(a))
    assert isinstance(got, ember.Tensor)
    _assert_same(got, _torch_from(a))


def test_views_share_storage_in_torch():
    base = ember.arange(24.0).reshape(4, 6)
    views = {
        "base": base,
        "t": base.t(),
        "row": base[1],
        "cols": base[:, 2:5],
        "step": base[::2, 1::3],
        "flat": base.reshape(-1)[5:],
        "exp": base[0:1].expand(3, 6),
    }
    got = _roundtrip_to_torch(views)
    ptr = _torch_storage_ptr(got["base"])
    for name, view in views.items():
        t = got[name]
        assert _torch_storage_ptr(t) == ptr, name
        assert t.stride() == view.stride(), name
        assert t.storage_offset() == view.storage_offset(), name
        np.testing.assert_array_equal(t.numpy(), view.numpy())
    got["base"][1, 3] = -1.0  # shared memory in torch after loading
    assert got["t"][3, 1].item() == -1.0 and got["row"][3].item() == -1.0


def test_views_share_memory_after_torch_to_ember():
    base = torch.arange(30, dtype=torch.float64).reshape(5, 6)
    obj = {
        "base": base,
        "t": base.t(),
        "slice": base[1:4, ::2],
        "diag": base.diagonal(),
        "exp": base[2].expand(4, 6),
    }
    got = _roundtrip_to_ember(obj)
    for name, t in obj.items():
        assert got[name].stride() == t.stride(), name
        np.testing.assert_array_equal(got[name].numpy(), t.numpy())
    got["base"].add_(1.0)  # in place: every view sees it
    for name, t in obj.items():
        np.testing.assert_array_equal(got[name].numpy(), t.numpy() + 1.0, err_msg=name)


@pytest.mark.parametrize("dtype", DTYPES)
def test_transposed_views_of_every_dtype_both_ways(dtype):
    a = _values(dtype, (3, 4))
    e = ember.from_numpy(a.copy())
    got = _roundtrip_to_torch({"a": e, "t": e.t(), "col": e[:, 1]})
    assert _torch_storage_ptr(got["t"]) == _torch_storage_ptr(got["a"])
    _assert_same(e.t(), got["t"])
    _assert_same(e[:, 1], got["col"])
    t = _torch_from(a)
    back = _roundtrip_to_ember({"a": t, "t": t.t(), "col": t[:, 1]})
    _assert_same(back["t"], t.t())
    _assert_same(back["col"], t[:, 1])
    assert back["t"].data_ptr() == back["a"].data_ptr()


def test_views_storage_cannot_describe_are_copied():
    a = np.arange(12, dtype=np.float32)
    flipped = ember.from_numpy(a[::-1])  # negative strides: no torch equivalent
    as_int = ember.from_numpy(a.view(np.int32))  # same memory as another dtype
    got = _roundtrip_to_torch({"f": flipped, "base": ember.from_numpy(a), "i": as_int})
    assert got["f"].tolist() == a[::-1].tolist()
    assert got["i"].tolist() == a.view(np.int32).tolist()
    assert _torch_storage_ptr(got["i"]) != _torch_storage_ptr(got["base"])


def test_loaded_views_still_share_when_saved_again():
    base = torch.arange(12.0).reshape(3, 4)
    first = _roundtrip_to_ember({"a": base, "t": base.t()})
    again = _roundtrip_to_torch(first)
    assert _torch_storage_ptr(again["a"]) == _torch_storage_ptr(again["t"])
    assert torch.equal(again["t"], base.t())


def test_ember_roundtrip_keeps_sharing_and_identity():
    x = ember.randn(3, 4)
    y = x.t()
    got = load(_saved({"x": x, "y": y, "again": x, "list": [x, y]}))
    assert got["again"] is got["x"] and got["list"][0] is got["x"]
    got["x"].mul_(0.0)
    assert float(got["y"].abs().sum()) == 0.0


def _saved(obj, **kw) -> io.BytesIO:
    buf = io.BytesIO()
    save(obj, buf, **kw)
    buf.seek(0)
    return buf


def test_requires_grad_and_parameters_to_torch():
    p = ember.nn.Parameter(ember.randn(2, 3))
    frozen = ember.nn.Parameter(ember.randn(2), requires_grad=False)
    w = ember.randn(4, requires_grad=True)
    got = _roundtrip_to_torch({"p": p, "frozen": frozen, "w": w, "plain": ember.ones(2)})
    assert type(got["p"]) is torch.nn.Parameter and got["p"].requires_grad
    assert type(got["frozen"]) is torch.nn.Parameter and not got["frozen"].requires_grad
    assert type(got["w"]) is torch.Tensor and got["w"].requires_grad
    assert not got["plain"].requires_grad
    _assert_same(p, got["p"])


def test_requires_grad_and_parameters_from_torch():
    p = torch.nn.Parameter(torch.randn(2, 3))
    obj = {
        "p": p,
        "frozen": torch.nn.Parameter(torch.randn(2), requires_grad=False),
        "w": torch.randn(4, requires_grad=True),
        "view_of_p": p.detach()[1],
    }
    got = _roundtrip_to_ember(obj)
    assert type(got["p"]) is ember.nn.Parameter and got["p"].requires_grad
    assert type(got["frozen"]) is ember.nn.Parameter and not got["frozen"].requires_grad
    assert type(got["w"]) is ember.Tensor and got["w"].requires_grad and got["w"].is_leaf
    _assert_same(got["p"], p)
    with ember.no_grad():
        got["p"][1, 0] = 7.0
    assert got["view_of_p"][0].item() == 7.0  # the Parameter and the view share memory


def _plain_values():
    return {
        "int": 3,
        "big": 2**70,
        "neg": -5,
        "float": 1.5,
        "str": "héllo",
        "none": None,
        "bools": [True, False],
        "tuple": (1, (2.5, "x")),
        "bytes": b"\x00\xff",
        "nested": {"a": [{"b": None}], 7: "seven"},
        "set": {1, 2},
        "fs": frozenset({3}),
        "complex": 1 + 2j,
        "od": collections.OrderedDict([("z", 1), ("a", 2)]),
    }


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
def test_plain_containers_roundtrip_both_ways(protocol):
    values = _plain_values()
    buf = _saved(values, pickle_protocol=protocol)
    # torch's weights_only unpickler refuses frozenset and pickle frames (protocol 4+)
    assert torch.load(buf, weights_only=False) == values
    buf.seek(0)
    assert load(buf) == values
    from_torch = _roundtrip_to_ember(values, pickle_protocol=protocol)
    assert from_torch == values
    assert type(from_torch["od"]) is collections.OrderedDict
    assert list(from_torch["od"]) == ["z", "a"]


def test_dtypes_devices_and_sizes_translate():
    obj = {"dtype": ember.float16, "dev": ember.device("cpu"), "size": ember.ones(2, 3).shape}
    got = _roundtrip_to_torch(obj)
    assert got == {"dtype": torch.float16, "dev": torch.device("cpu"), "size": torch.Size([2, 3])}
    assert type(got["size"]) is torch.Size
    back = _roundtrip_to_ember(got)
    assert back["dtype"] is ember.float16 and back["dev"] == ember.device("cpu")
    assert type(back["size"]) is ember.Size and back["size"] == (2, 3)
    cuda_dev = _roundtrip_to_ember({"d": torch.device("cuda", 1)})["d"]
    assert cuda_dev == ember.device("cuda", 1)


def test_torch_reads_ember_state_dict_into_torch_model():
    ember.manual_seed(1)
    e_model = ember.nn.Sequential(
        ember.nn.Conv2d(3, 4, 3), ember.nn.BatchNorm2d(4), ember.nn.Linear(5, 2)
    )
    with ember.no_grad():
        e_model[1].running_mean.add_(0.5)
    t_model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.Linear(5, 2)
    )
    state = _roundtrip_to_torch(e_model.state_dict())
    assert isinstance(state, collections.OrderedDict)
    t_model.load_state_dict(state)
    for name, value in e_model.state_dict().items():
        np.testing.assert_array_equal(
            t_model.state_dict()[name].numpy(), value.numpy(), err_msg=name
        )
    x = np.random.default_rng(0).normal(size=(2, 3, 7, 7)).astype(np.float32)
    t_out = t_model[0](torch.from_numpy(x))
    e_out = e_model[0](ember.from_numpy(x))
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_ember_reads_torch_state_dict_into_ember_model():
    torch.manual_seed(2)
    t_model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3))
    t_model[1].running_var.mul_(3.0)
    state = _roundtrip_to_ember(t_model.state_dict())
    assert isinstance(state, collections.OrderedDict)
    assert state._metadata == t_model.state_dict()._metadata
    e_model = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3))
    e_model.load_state_dict(state)
    assert int(e_model[1].num_batches_tracked) == 0
    x = np.random.default_rng(1).normal(size=(5, 4)).astype(np.float32)
    e_model.eval()
    t_model.eval()
    np.testing.assert_allclose(
        e_model(ember.from_numpy(x)).detach().numpy(),
        t_model(torch.from_numpy(x)).detach().numpy(),
        rtol=1e-5,
        atol=1e-6,
    )
    # the whole-model parameters (not just the state_dict) also load
    params = _roundtrip_to_ember(dict(t_model.named_parameters()))
    assert all(type(p) is ember.nn.Parameter for p in params.values())


def test_legacy_format_from_torch():
    base = torch.arange(12, dtype=torch.int16).reshape(3, 4)
    obj = {
        "base": base,
        "t": base.t(),
        "row": base[1, 1:],
        "f": torch.randn(2, 2),
        "p": torch.nn.Parameter(torch.ones(3)),
        "bf": torch.ones(2, dtype=torch.bfloat16),
        "meta": [1, "two", None],
        "empty": torch.zeros(0, 3),
    }
    got = _roundtrip_to_ember(obj, _use_new_zipfile_serialization=False)
    for name in ("base", "t", "row", "f", "bf", "empty"):
        _assert_same(got[name], obj[name])
    assert type(got["p"]) is ember.nn.Parameter
    assert got["meta"] == [1, "two", None]
    got["base"].fill_(5)
    assert got["row"].tolist() == [5, 5, 5] and got["t"].tolist()[0] == [5, 5, 5]


def test_legacy_format_from_a_path(tmp_path):
    path = tmp_path / "legacy.pt"
    torch.save({"x": torch.arange(5.0)}, path, _use_new_zipfile_serialization=False)
    assert load(path)["x"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    with pytest.raises(RuntimeError, match="mmap can only be used"):
        load(path, mmap=True)


def test_paths_and_mmap(tmp_path):
    path = tmp_path / "model.pt"
    x = torch.randn(4, 5)
    torch.save({"x": x, "xt": x.t(), "i": torch.arange(3)}, path)
    mapped = load(str(path), mmap=True)
    np.testing.assert_array_equal(mapped["x"].numpy(), x.numpy())
    mapped["x"][0, 0] = 100.0  # copy-on-write: the file is untouched, views see the change
    assert mapped["xt"][0, 0].item() == 100.0
    assert torch.load(path)["x"][0, 0].item() == x[0, 0].item()
    with pytest.raises(ValueError, match="file path"):
        load(io.BytesIO(path.read_bytes()), mmap=True)


def test_map_location_variants():
    buf = _saved({"x": ember.ones(2)})
    calls = []

    def keep(storage, location):
        calls.append((location, storage.size(), storage.dtype))
        return storage

    for where in (
        None,
        "cpu",
        ember.device("cpu"),
        {"cpu": "cpu"},
        keep,
        lambda storage, location: None,
    ):
        buf.seek(0)
        assert load(buf, map_location=where)["x"].tolist() == [1.0, 1.0]
    assert calls == [("cpu", 2, ember.float32)]
    buf.seek(0)
    with pytest.raises(TypeError, match="map_location"):
        load(buf, map_location=5)


def test_map_location_errors_like_torch():
    buf = io.BytesIO()
    torch.save({"x": torch.ones(2)}, buf)
    if not ember.cuda.is_available():
        for where in ("cuda", {"cpu": "cuda:0"}):
            buf.seek(0)
            with pytest.raises(RuntimeError, match="torch.cuda.is_available\\(\\) is False"):
                load(buf, map_location=where)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="don't know how to restore data location"):
        load(buf, map_location="mps")

    def boom(storage, location):
        raise KeyError("user error")

    buf.seek(0)
    with pytest.raises(KeyError, match="user error"):
        load(buf, map_location=boom)


def test_cuda_checkpoint_maps_to_cpu():
    """A checkpoint whose storages say 'cuda:0' (hand-edited location) loads with map_location."""
    raw = _saved({"x": ember.arange(3.0)}).getvalue()
    patched = _replace_location(raw, b"cpu", b"cuda:0")
    got = load(io.BytesIO(patched), map_location="cpu")
    assert got["x"].tolist() == [0.0, 1.0, 2.0]
    seen = []
    load(io.BytesIO(patched), map_location=lambda s, loc: seen.append(loc) or s)
    assert seen == ["cuda:0"]
    if not ember.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA"):
            load(io.BytesIO(patched))


def _replace_location(archive: bytes, old: bytes, new: bytes) -> bytes:
    """Rewrite the storages' location string inside data.pkl and rebuild the zip."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("data.pkl"):
                data = data.replace(
                    b"X\x03\x00\x00\x00" + old, b"X" + len(new).to_bytes(4, "little") + new
                )
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_records_are_aligned_and_stored():
    import zipfile

    buf = _saved(
        {
            "a": ember.ones(3),
            "b": ember.zeros(5, dtype=ember.int8),
            "c": ember.ones(7, dtype=ember.float64),
        }
    )
    z = zipfile.ZipFile(buf)
    names = z.namelist()
    assert names[0] == "archive/data.pkl" and "archive/byteorder" in names
    assert "archive/version" in names and "archive/.data/serialization_id" in names
    reader = _zip_format.ZipReader(buf)
    for info in z.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        offset = reader.data_offset(info.filename.removeprefix("archive/"))
        assert offset % 64 == 0, info.filename
    assert z.testzip() is None  # CRCs are right


def test_zip64_records_are_read_by_torch_and_ember(monkeypatch):
    monkeypatch.setattr(_zip_format, "_ZIP64_LIMIT", 0)
    monkeypatch.setattr(_zip_format, "_MAX_ENTRIES", 0)
    obj = {"a": ember.arange(10.0), "b": ember.ones(3, dtype=ember.int64)}
    buf = _saved(obj)
    monkeypatch.undo()
    assert torch.load(buf)["a"].tolist() == list(range(10))
    buf.seek(0)
    assert load(buf)["b"].tolist() == [1, 1, 1]


def test_torch_archive_named_after_file(tmp_path):
    path = tmp_path / "weights.pth"
    torch.save([torch.ones(1)], path)
    assert load(path)[0].tolist() == [1.0]


def test_save_arguments():
    with pytest.raises(ValueError, match="pickle_protocol"):
        save(ember.ones(1), io.BytesIO(), pickle_protocol=1)
    with pytest.raises(ValueError, match="pickle_module"):
        save(ember.ones(1), io.BytesIO(), pickle_module=object())
    save(ember.ones(1), io.BytesIO(), pickle_module=pickle)


def test_unsupported_torch_dtype_names_itself():
    buf = io.BytesIO()
    torch.save({"dtype": torch.complex32}, buf)  # complex64 and complex128 load
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="complex32"):
        load(buf)


@dataclasses.dataclass
class RunConfig:
    """A user class only loadable once trusted with add_safe_globals/safe_globals."""

    lr: float
    name: str


def test_user_trusted_globals():
    buf = io.BytesIO()
    torch.save({"cfg": RunConfig(0.1, "run"), "w": torch.ones(1)}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="RunConfig"):
        load(buf)
    with serialization.safe_globals([RunConfig]):
        assert serialization.get_safe_globals() == [(RunConfig, f"{__name__}.RunConfig")]
        buf.seek(0)
        got = load(buf)
    assert got["cfg"] == RunConfig(0.1, "run")
    assert serialization.get_safe_globals() == []
    serialization.add_safe_globals([(RunConfig, f"{__name__}.RunConfig")])
    try:
        buf.seek(0)
        assert load(buf)["cfg"].name == "run"
    finally:
        serialization.clear_safe_globals()


def test_torch_optimizer_state_dict():
    model = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model(torch.randn(4, 3)).sum().backward()
    opt.step()
    got = _roundtrip_to_ember(opt.state_dict())
    want = opt.state_dict()
    assert got["param_groups"] == want["param_groups"]
    for index, state in want["state"].items():
        for name, value in state.items():
            _assert_same(got["state"][index][name], value)


def test_big_endian_checkpoint_is_byteswapped():
    """A checkpoint whose byteorder record says 'big' (data swapped): both loaders agree."""
    import zipfile

    values = {
        "f": ember.tensor([1.5, -2.0, 3.25]),
        "i": ember.tensor([1, 256, -3]),
        "h": ember.tensor([0.5, 2.0], dtype=ember.float16),
        "b": ember.tensor([1, 2], dtype=ember.uint8),
    }
    src = zipfile.ZipFile(_saved(values))
    data_pkl = src.read("archive/data.pkl")
    swapped = io.BytesIO()
    with zipfile.ZipFile(swapped, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename.endswith("byteorder"):
                data = b"big"
            elif "/data/" in info.filename:
                key = info.filename.rsplit("/", 1)[1]
                name = [n for n, k in (("f", "0"), ("i", "1"), ("h", "2"), ("b", "3")) if k == key]
                dtype = values[name[0]].numpy().dtype
                data = np.frombuffer(data, dtype).byteswap().tobytes()
            dst.writestr(info.filename, data)
    assert b"FloatStorage" in data_pkl
    swapped.seek(0)
    mine = load(swapped)
    swapped.seek(0)
    theirs = torch.load(swapped)
    for name, value in values.items():
        assert mine[name].tolist() == value.tolist() == theirs[name].tolist(), name


def test_torch_mmap_reads_ember_file(tmp_path):
    path = tmp_path / "m.pt"
    x = ember.randn(5, 3)
    save({"x": x, "xt": x.t(), "n": ember.arange(7)}, path)
    got = torch.load(path, mmap=True)
    np.testing.assert_array_equal(got["x"].numpy(), x.numpy())
    assert got["xt"].stride() == (1, 3) and got["n"].tolist() == list(range(7))


def test_weights_only_none_means_true():
    buf = io.BytesIO()
    torch.save({"best": np.float64(0.5)}, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="numpy"):
        load(buf, weights_only=None)
