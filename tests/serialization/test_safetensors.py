"""safetensors: byte-exact with the reference package (when installed) and with hand-built files."""

from __future__ import annotations

import contextlib
import json
import struct

import ml_dtypes
import numpy as np
import pytest
import torch

import ember
from ember.serialization import SafetensorError, load_file, safe_open, save_file
from ember.serialization import safetensors as st

TORCH_DTYPES = [
    "float64",
    "float32",
    "float16",
    "bfloat16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
]


def _torch_tensors():
    gen = torch.Generator().manual_seed(0)
    out = {}
    for i, name in enumerate(TORCH_DTYPES):
        shape = [(2, 3), (4,), (), (0, 2), (1, 2, 2)][i % 5]
        raw = torch.randn(shape, generator=gen) * 20
        out[f"t_{name}"] = (raw > 0) if name == "bool" else raw.to(getattr(torch, name))
    return out


def _ember_of(t: torch.Tensor) -> ember.Tensor:
    if t.dtype == torch.bfloat16:
        return ember.from_numpy(t.view(torch.int16).numpy().view(ml_dtypes.bfloat16).copy())
    return ember.from_numpy(t.numpy().copy())


def _same(e: ember.Tensor, t: torch.Tensor):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).removeprefix("torch.")
    if t.dtype == torch.bfloat16:
        np.testing.assert_array_equal(e.numpy().view(np.int16), t.view(torch.int16).numpy())
    else:
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_hand_built_layout():
    """Expected bytes written out by hand from the format description."""
    tensors = {
        "b": ember.tensor([1, 2], dtype=ember.int8),
        "a": ember.tensor([1.0, 2.0], dtype=ember.float32),
    }
    header = (
        '{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},'
        '"b":{"dtype":"I8","shape":[2],"data_offsets":[8,10]}}'
    )
    header += " " * (-len(header) % 8)
    expected = (
        struct.pack("<Q", len(header))
        + header.encode()
        + struct.pack("<2f", 1.0, 2.0)
        + bytes([1, 2])
    )
    assert st.save(tensors, metadata={"k": "v"}) == expected
    got = st.load(expected)
    assert list(got) == ["a", "b"]
    assert got["a"].tolist() == [1.0, 2.0] and got["b"].dtype is ember.int8


def test_every_dtype_roundtrips_and_views_are_packed(tmp_path):
    base = ember.arange(12.0).reshape(3, 4)
    tensors = {
        "t": base.t(),
        "s": base[:, ::2],
        "scalar": ember.tensor(3.5),
        "empty": ember.zeros(0, 3),
        **{k: _ember_of(v) for k, v in _torch_tensors().items()},
    }
    path = tmp_path / "m.safetensors"
    save_file(tensors, path)
    got = load_file(path)
    assert set(got) == set(tensors)
    for name, value in tensors.items():
        assert got[name].dtype is value.dtype and got[name].shape == value.shape
        np.testing.assert_array_equal(
            got[name].numpy().astype(np.float64), value.numpy().astype(np.float64), err_msg=name
        )
    assert got["t"].is_contiguous()


def test_matches_reference_package_bytes():
    safetensors_torch = pytest.importorskip("safetensors.torch")
    tensors = _torch_tensors()
    ours = st.save({k: _ember_of(v) for k, v in tensors.items()}, metadata={"format": "pt"})
    assert ours == safetensors_torch.save(tensors, metadata={"format": "pt"})
    assert st.save({}) == safetensors_torch.save({})


def test_reference_package_reads_ember_files(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    from safetensors import safe_open as reference_open

    tensors = _torch_tensors()
    path = tmp_path / "e.safetensors"
    save_file({k: _ember_of(v) for k, v in tensors.items()}, path, metadata={"a": "1", "b": "two"})
    got = safetensors_torch.load_file(path)
    for name, t in tensors.items():
        assert torch.equal(got[name], t), name
    with reference_open(path, "pt") as f:
        assert f.metadata() == {"a": "1", "b": "two"}


def test_ember_reads_reference_package_files(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    tensors = _torch_tensors()
    path = tmp_path / "t.safetensors"
    safetensors_torch.save_file(tensors, path, metadata={"m": "x"})
    got = load_file(path, device="cpu")
    for name, t in tensors.items():
        _same(got[name], t)
    with safe_open(path, "pt") as f:
        assert f.keys() == sorted(tensors) and f.metadata() == {"m": "x"}
        _same(f.get_tensor("t_int16"), tensors["t_int16"])
    from_bytes = st.load(safetensors_torch.save(tensors))
    for name, t in tensors.items():
        _same(from_bytes[name], t)


def test_loaded_tensors_are_writable_and_independent():
    data = st.save({"a": ember.ones(2), "b": ember.zeros(2)})
    got = st.load(data)
    got["a"].add_(1.0)
    assert got["a"].tolist() == [2.0, 2.0] and got["b"].tolist() == [0.0, 0.0]


def test_bad_arguments():
    with pytest.raises(TypeError, match="metadata"):
        st.save({"a": ember.ones(1)}, metadata={"k": 1})
    with pytest.raises(ValueError, match="dict of"):
        st.save([ember.ones(1)])
    with pytest.raises(ValueError, match="dict of"):
        st.save({"a": np.ones(1)})


def _header_bytes(text: bytes, data: bytes = b"") -> bytes:
    return struct.pack("<Q", len(text)) + text + data


def _file(header: dict, data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x01\x02", "header too small"),
        (struct.pack("<Q", 1000) + b"{}", "invalid header length"),
        (struct.pack("<Q", 10**12) + b"{}", "header too large"),
        (struct.pack("<Q", 4) + b"{x}!", "deserializing header"),
        (
            _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 4),
            "does not match",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\0" * 12),
            "invalid offset",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\0" * 8),
            "does not fill",
        ),
        (
            _file({"a": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8),
            "does not support",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4),
            "bad shape",
        ),
        (_file({"__metadata__": {"k": 1}}), "__metadata__"),
        (_file([1, 2]), "JSON object"),
        # these leaked RecursionError / NumPy's ValueError
        (struct.pack("<Q", 200_000) + b"[" * 100_000 + b"]" * 100_000, "deserializing header"),
        (_header_bytes(b'{"a":' * 50_000 + b"1" + b"}" * 50_000), "deserializing header"),
        (
            _file({"a": {"dtype": "F32", "shape": [1] * 65, "data_offsets": [0, 4]}}, b"\0" * 4),
            "65 dimensions",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [0, 10**30], "data_offsets": [0, 0]}}),
            "bad shape",
        ),
        (
            _file({"a": {"dtype": "F32", "shape": [0, 2**63], "data_offsets": [0, 0]}}),
            "bad shape",
        ),
    ],
)
def test_malformed_buffers(data, message):
    with pytest.raises(SafetensorError, match=message):
        st.load(data)


def test_fuzz_corrupted_buffers_fail_cleanly():
    raw = st.save({"w": ember.randn(3, 2), "i": ember.arange(4)}, metadata={"k": "v"})
    rng = np.random.default_rng(3)
    for _ in range(300):
        data = bytearray(raw)
        for pos in rng.integers(0, len(raw), int(rng.integers(1, 4))):
            data[pos] = int(rng.integers(0, 256))
        with contextlib.suppress(SafetensorError):
            st.load(bytes(data[: int(rng.integers(0, len(data) + 1))]))


def test_malformed_files_raise_safetensor_error_from_every_reader(tmp_path):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(struct.pack("<Q", 20_000) + b"[" * 10_000 + b"]" * 10_000)
    with pytest.raises(SafetensorError):
        st.load_file(path)
    with pytest.raises(SafetensorError):
        st.safe_open(path)
    path.write_bytes(
        _file({"a": {"dtype": "F32", "shape": [1] * 65, "data_offsets": [0, 4]}}, b"\0" * 4)
    )
    with pytest.raises(SafetensorError, match="65 dimensions"):
        st.load_file(path)
    good = tmp_path / "good.safetensors"
    st.save_file({"a": ember.ones(2)}, good)
    with st.safe_open(good) as f, pytest.raises(SafetensorError, match="does not contain"):
        f.get_tensor("b")


def test_safetensor_error_is_the_reference_packages_when_installed():
    try:
        import safetensors
    except ImportError:
        assert SafetensorError.__module__ == "ember.serialization.safetensors"
    else:
        assert SafetensorError is safetensors.SafetensorError
