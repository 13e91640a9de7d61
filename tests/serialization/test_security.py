"""The restricted unpickler: nothing outside the allowlist runs, and bad input fails cleanly."""

from __future__ import annotations

import collections
import contextlib
import io
import os
import pickle
import warnings
import zipfile

import numpy as np
import pytest
import torch

import ember
from ember.serialization import load, save
from ember.serialization._unpickler import Unpickler


def _zip_with_pickle(data_pkl: bytes, extra: dict | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("archive/data.pkl", data_pkl)
        z.writestr("archive/byteorder", "little")
        for name, data in (extra or {}).items():
            z.writestr(f"archive/{name}", data)
    buf.seek(0)
    return buf


class _RunsShell:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return os.system, (f"touch {self.path}",)


def _evil_pickles(marker) -> dict[str, bytes]:
    cmd = f"touch {marker}".encode()
    return {
        "global": b"cos\nsystem\n(S'" + cmd + b"'\ntR.",
        "python_p2": pickle.dumps(_RunsShell(marker), protocol=2),
        "python_p4": pickle.dumps(_RunsShell(marker), protocol=4),
        "inside_dict": pickle.dumps({"w": [_RunsShell(marker)]}, protocol=2),
        "inst": b"(S'" + cmd + b"'\nios\nsystem\n.",
        "obj": b"(cos\nsystem\nS'" + cmd + b"'\no.",
        "stack_global": b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c"
        + bytes([len(cmd)])
        + cmd
        + b"\x85R.",
        "builtins_eval": b"cbuiltins\neval\n(S'__import__(\"os\")'\ntR.",
        "getattr": b"c__builtin__\ngetattr\n(ctorch._utils\n_rebuild_tensor_v2\nS'__globals__'"
        b"\ntR.",
    }


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("kind", list(_evil_pickles("x")))
def test_code_in_a_checkpoint_never_runs(tmp_path, kind, weights_only):
    marker = tmp_path / "pwned"
    data = _evil_pickles(marker)[kind]
    with pytest.raises(pickle.UnpicklingError) as info:
        load(_zip_with_pickle(data), weights_only=weights_only)
    assert not marker.exists()
    message = str(info.value)
    if kind in ("global", "stack_global", "obj"):
        assert "os.system" in message
    elif kind.startswith("python") or kind == "inside_dict":
        assert f"{os.system.__module__}.system" in message  # posix.system / nt.system
    elif kind == "inst":
        assert "Unsupported operand" in message
    else:
        assert "Unsupported global" in message


def test_torch_saved_object_with_code_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save(
            {"x": torch.ones(2), "evil": _RunsShell(marker)},
            buf,
            _use_new_zipfile_serialization=not legacy,
        )
        buf.seek(0)
        with pytest.raises(pickle.UnpicklingError, match="system"):
            load(buf, weights_only=False)
    assert not marker.exists()


def test_whole_modules_are_refused():
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="torch.nn.modules.linear.Linear"):
        load(buf)


def test_allowed_names_cannot_be_abused():
    """REDUCE/BUILD/NEWOBJ/APPEND on allowed objects stay within their narrow contracts."""
    cases = {
        # calling a type marker
        b"ctorch\nTensor\n)R.": "REDUCE may only call",
        # BUILD on an allowed callable (would set function attributes)
        b"ctorch._utils\n_rebuild_tensor_v2\n}S'__defaults__'\nNsb.": "Unsupported BUILD",
        # BUILD that would overwrite a Tensor internal
        b"ccollections\nOrderedDict\n)R}S'__class__'\nNsb.": "cannot restore attribute",
        # NEWOBJ on a callable global
        b"\x80\x02ccollections\nOrderedDict\n)\x81.": "NEWOBJ may only create",
        # APPEND to something that is not a list
        b"\x80\x02ctorch\nSize\n(]tRK\x01a.": "APPEND on a Size",
        # SETITEM on a tuple
        b"\x80\x02)K\x01K\x02s.": "SETITEM on a tuple",
        # rebuild_from_type_v2 steering an arbitrary allowed callable
        b"ctorch._tensor\n_rebuild_from_type_v2\n(ccollections\nOrderedDict\nctorch\nTensor\n)"
        b"NtR.": "_rebuild_from_type_v2",
        # OrderedDict fed something other than items
        b"ccollections\nOrderedDict\n(I5\ntR.": "OrderedDict",
        # the extension registry
        b"\x80\x02\x82\x01.": "Unsupported operand",
    }
    for data, message in cases.items():
        # weights_only=True refuses the protocol 0 opcodes some cases use before reaching them
        with pytest.raises(pickle.UnpicklingError, match=message):
            Unpickler(io.BytesIO(data), weights_only=False).load()
        with pytest.raises(pickle.UnpicklingError):
            Unpickler(io.BytesIO(data)).load()
    # numpy only with weights_only=False
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
        Unpickler(io.BytesIO(b"\x80\x02cnumpy\ndtype\nX\x02\x00\x00\x00f8\x85R.")).load()


def test_numpy_object_arrays_refused_even_without_weights_only():
    data = pickle.dumps(np.array([1, "x"], dtype=object), protocol=2)
    with pytest.raises(pickle.UnpicklingError):
        Unpickler(io.BytesIO(data), weights_only=False).load()
    plain = {"a": np.arange(4.0).reshape(2, 2), "s": np.float32(2.5), "i": np.int64(7)}
    got = Unpickler(io.BytesIO(pickle.dumps(plain, protocol=2)), weights_only=False).load()
    np.testing.assert_array_equal(got["a"], plain["a"])
    assert got["s"] == np.float32(2.5) and got["s"].dtype == np.float32 and got["i"] == 7


def test_weights_only_false_reads_numpy_and_namespace_from_torch():
    import argparse

    obj = {
        "args": argparse.Namespace(lr=0.1, name="run"),
        "best": np.float64(0.25),
        "hist": np.array([1, 2, 3], dtype=np.int32),
        "w": torch.ones(2),
    }
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="argparse.Namespace"):
        load(buf)
    buf.seek(0)
    got = load(buf, weights_only=False)
    assert got["args"].lr == 0.1 and got["args"].name == "run"
    assert got["best"] == 0.25 and got["hist"].tolist() == [1, 2, 3]


def test_plain_values_match_pickle_for_every_protocol():
    loop = []
    loop.append(loop)
    values = {
        "int": 3,
        "big": 2**70,
        "neg": -(2**40),
        "f": 1.5e-300,
        "s": "héllo\n\\",
        "b": b"\x00\xff",
        "ba": bytearray(b"xy"),
        "t": (1, (2, 3)),
        "set": {1, 2},
        "fs": frozenset({3}),
        "c": 1 + 2j,
        "sl": slice(1, None, 2),
        "r": range(2, 9, 3),
        "od": collections.OrderedDict(a=1),
        "cnt": collections.Counter("aab"),
        "none": None,
        "bools": [True, False],
        "empty": ((), [], {}),
    }
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        # weights_only=True reads what protocols 2-5 write; 0 and 1 need weights_only=False
        weights_only = proto >= 2
        for obj in (values, loop):
            data = io.BytesIO(pickle.dumps(obj, protocol=proto))
            got = Unpickler(data, weights_only=weights_only).load()
            assert got[0] is got if obj is loop else got == values


def test_weights_only_refuses_what_torch_refuses():
    """Protocol 0/1 and Python 2 opcodes, which torch's weights-only unpickler refuses."""
    for proto in (0, 1):
        value = {"a": [1, 2.5, "x", 2**70]}  # protocol 1 writes long ints as text
        data = pickle.dumps(value, protocol=proto)
        with pytest.raises(pickle.UnpicklingError, match="weights_only=True"):
            Unpickler(io.BytesIO(data)).load()
        with pytest.raises(pickle.UnpicklingError, match="weights_only=True"):
            load(_zip_with_pickle(data))
        assert Unpickler(io.BytesIO(data), weights_only=False).load() == value
    for op in (b"I1\n", b"L1L\n", b"F1.0\n", b"S'a'\n", b"T\x01\x00\x00\x00a", b"Va\n"):
        with pytest.raises(pickle.UnpicklingError, match="weights_only=True"):
            Unpickler(io.BytesIO(b"\x80\x02" + op + b".")).load()
    for data in (b"\x80\x02K\x012\x86.", b"\x80\x02(K\x01l.", b"\x80\x02(d."):
        with pytest.raises(pickle.UnpicklingError, match="weights_only=True"):
            Unpickler(io.BytesIO(data)).load()
        Unpickler(io.BytesIO(data), weights_only=False).load()


def test_out_of_bounds_tensor_geometry_is_refused():
    buf = io.BytesIO()
    save({"x": ember.arange(4.0)}, buf)
    raw = buf.getvalue()
    z = zipfile.ZipFile(io.BytesIO(raw))
    data_pkl = z.read("archive/data.pkl")
    storage = z.read("archive/data/0")
    # size (4,) -> (40,): the tensor would read past its 16-byte storage
    bad = data_pkl.replace(b"K\x04\x85", b"K(\x85", 1)
    assert bad != data_pkl
    with pytest.raises(RuntimeError, match="out of bounds"):
        load(_zip_with_pickle(bad, {"data/0": storage}))


def _fuzz_sources():
    state = collections.OrderedDict(
        w=ember.randn(3, 2),
        b=ember.zeros(3, dtype=ember.int64),
        p=ember.nn.Parameter(ember.ones(2)),
    )
    state._metadata = {"": {"version": 1}}
    zipped = io.BytesIO()
    save({"state": state, "step": 10, "view": state["w"].t(), "name": "run"}, zipped)
    legacy = io.BytesIO()
    torch.save(
        {"w": torch.randn(3, 2), "n": [1, 2.5, "x"]}, legacy, _use_new_zipfile_serialization=False
    )
    return {"zip": zipped.getvalue(), "legacy": legacy.getvalue()}


@pytest.mark.parametrize("source", ["zip", "legacy"])
def test_fuzz_truncated_and_corrupted_files_fail_cleanly(source):
    raw = _fuzz_sources()[source]
    rng = np.random.default_rng(1234)
    cases = [raw[:n] for n in sorted(set(rng.integers(0, len(raw), 100).tolist()))]
    for _ in range(200):
        data = bytearray(raw)
        for pos in rng.integers(0, len(raw), int(rng.integers(1, 6))):
            data[pos] = int(rng.integers(0, 256))
        cases.append(bytes(data))
    failures = 0
    for data in cases:
        try:
            load(io.BytesIO(data))
        except (RuntimeError, pickle.UnpicklingError):
            failures += 1
    assert failures > len(cases) // 2  # most damage is detected (some lands in padding)


def test_fuzz_raw_pickles_fail_cleanly():
    raw = pickle.dumps({"a": [1, 2.5, "x", (None, True)], "b": {3: b"yz"}}, protocol=2)
    rng = np.random.default_rng(7)
    for _ in range(300):
        data = bytearray(raw)
        for pos in rng.integers(0, len(raw), int(rng.integers(1, 4))):
            data[pos] = int(rng.integers(0, 256))
        cut = int(rng.integers(1, len(data) + 1))
        with contextlib.suppress(pickle.UnpicklingError, EOFError):
            Unpickler(io.BytesIO(bytes(data[:cut]))).load()


def test_empty_and_garbage_files():
    for data in (b"", b"garbage" * 10, b"PK\x03\x04" + b"\x00" * 50, b"\x80\x02K\x05."):
        with pytest.raises((RuntimeError, pickle.UnpicklingError)):
            load(io.BytesIO(data))


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.pt")


def test_torchscript_archive_is_named():
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # torch.jit.script is deprecated
        torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), buf)
    buf.seek(0)
    with pytest.raises(RuntimeError, match="TorchScript"):
        load(buf)
