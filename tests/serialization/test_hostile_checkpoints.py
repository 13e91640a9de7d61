"""Regression tests for the loader's bounds: compression methods, inflation, nesting, hashing and
work (issue 8, items 4 and 5). Each hostile case runs in a forked child, so a regression shows up
as a failed test (crash, hang, memory), not a dead test run."""

from __future__ import annotations

import functools
import io
import pickle
import sys
import zipfile

import numpy as np
import pytest
import torch

import ember
from ember.serialization import load
from ember.serialization._limits import MAX_COLLISIONS, MAX_DEPTH
from ember.serialization._unpickler import Unpickler

from ..adversarial import hostile
from ..adversarial.isolate import run_forked

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="forks a child per case")

FOUR = np.arange(4, dtype=np.float32).tobytes()
deep_pickles = functools.cache(hostile.deep_pickles)
collision_pickles = functools.cache(hostile.collision_pickles)
work_pickles = functools.cache(hostile.work_pickles)


def _load_bytes(raw: bytes, weights_only: bool = True):
    def call():
        return repr(load(io.BytesIO(raw), weights_only=weights_only))

    return call


def _unpickle(raw: bytes, weights_only: bool = True):
    def call():
        Unpickler(io.BytesIO(raw), weights_only=weights_only).load()
        return "loaded"

    return call


# ------------------------------------------------------------------------ compression (item 4)
@pytest.mark.parametrize(
    ("method", "name"),
    [(zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma"), (9, "deflate64"), (99, "99")],
)
def test_only_stored_and_deflate_records_are_read(method, name):
    for raw, record in (
        (hostile.checkpoint(hostile.tensor_pickle(4), {"0": FOUR}, method=method), "data/0"),
        (hostile.checkpoint(hostile.tensor_pickle(4), {"0": FOUR}, pkl_method=method), "data.pkl"),
    ):
        with pytest.raises(RuntimeError, match=f"archive/{record} uses .*{name}") as info:
            load(io.BytesIO(raw))
        assert "stored and deflate" in str(info.value)
        with pytest.raises(RuntimeError):  # torch's reader refuses them too
            torch.load(io.BytesIO(raw))


def test_deflate_records_load_like_torch():
    raw = hostile.checkpoint(hostile.tensor_pickle(4), {"0": FOUR}, method=8, pkl_method=8)
    assert load(io.BytesIO(raw)).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert torch.load(io.BytesIO(raw)).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_bzip2_bomb_is_refused_without_inflating():
    raw = hostile.bomb_checkpoint(64 << 20, zipfile.ZIP_BZIP2)
    assert len(raw) < 10_000
    out = run_forked(_load_bytes(raw), timeout=60)
    assert out.kind == "error" and out.error == "RuntimeError" and "bzip2" in out.message
    assert out.peak_mb < 32, out  # the record is never inflated (it was: 64 MiB and more)


def test_deflate_record_stops_at_its_declared_size():
    # the directory and the pickle say 16 bytes; the stream holds 32 MiB of zeros
    raw = hostile.bomb_checkpoint(32 << 20, zipfile.ZIP_DEFLATED, declared=16)
    with pytest.raises(RuntimeError, match="inflates past its declared size of 16 bytes"):
        load(io.BytesIO(raw))
    out = run_forked(_load_bytes(raw), timeout=60)
    assert out.kind == "error" and out.peak_mb < 16, out


def test_deflate_bomb_of_declared_size_inflates_once_into_place():
    raw = hostile.bomb_checkpoint(64 << 20, zipfile.ZIP_DEFLATED)
    out = run_forked(lambda: load(io.BytesIO(raw)).count_nonzero().item(), timeout=60)
    assert out.kind == "ok" and out.value == 0, out
    assert out.peak_mb < 64 * 1.25, out  # the storage itself, no second copy


def test_records_that_cannot_hold_their_declared_size():
    storage = hostile.Record("archive/data/0", FOUR, payload=FOUR, file_size=1 << 30)
    raw = hostile.checkpoint(hostile.tensor_pickle(1 << 28), {"0": storage})
    with pytest.raises(RuntimeError, match="claims 1073741824 bytes but its stored data"):
        load(io.BytesIO(raw))
    deflated = hostile.Record(
        "archive/data/0", payload=hostile.compress(FOUR, 8), method=8, file_size=1 << 30
    )
    raw = hostile.checkpoint(hostile.tensor_pickle(1 << 28), {"0": deflated})
    with pytest.raises(RuntimeError, match="deflate data holds at most"):
        load(io.BytesIO(raw))
    pkl = hostile.tensor_pickle(4)
    records = [
        hostile.Record(
            "archive/data.pkl", payload=hostile.compress(pkl, 8), method=8, file_size=10**8
        ),
        hostile.Record("archive/data/0", FOUR),
    ]
    with pytest.raises(RuntimeError, match="more than ember.load inflates a pickle"):
        load(io.BytesIO(hostile.build_zip(records)))


def test_a_damaged_zip_directory_is_a_plain_runtime_error():
    raw = bytearray(hostile.checkpoint(hostile.tensor_pickle(4), {"0": FOUR}))
    central = raw.index(b"PK\x01\x02")
    raw[central + 6] = 250  # "version needed to extract": zipfile raised NotImplementedError
    with pytest.raises(RuntimeError, match="corrupt or unsupported") as info:
        load(io.BytesIO(bytes(raw)))
    assert type(info.value) is RuntimeError


def test_small_records_claiming_gigabytes_are_refused_before_allocating():
    pkl = hostile.tensor_pickle(4)
    for name in ("byteorder", "data.pkl"):
        records = [
            hostile.Record("archive/data.pkl", pkl),
            hostile.Record("archive/byteorder", b"little"),
            hostile.Record("archive/data/0", FOUR),
        ]
        for r in records:
            if r.name == f"archive/{name}":
                r.file_size = 3 << 30  # a flipped size field: zero-filling it took 3 GB, 2.5 s
        raw = hostile.build_zip(records)
        out = run_forked(_load_bytes(raw), timeout=30, memory_mb=2048)
        assert out.kind == "error" and "claims 3221225472 bytes" in out.message, out
        assert out.seconds < 2 and out.peak_mb < 16, out


def test_truncated_record_is_named_before_allocating():
    raw = hostile.checkpoint(hostile.tensor_pickle(4), {"0": FOUR})
    cut = raw.index(FOUR) + 8  # inside the storage's bytes; the directory is gone with it
    with pytest.raises(RuntimeError):
        load(io.BytesIO(raw[:cut]))


# ------------------------------------------------------------------------ nesting (item 5)
@pytest.mark.parametrize("kind", list(hostile.deep_pickles(2)))
def test_deep_nesting_is_refused_without_crashing(kind):
    raw = deep_pickles(200_000)[kind]  # 200 KB; hashing it overflowed the C stack
    call = _load_bytes(hostile.checkpoint(raw)) if kind == "tuple_in_set" else _unpickle(raw)
    out = run_forked(call, timeout=60, memory_mb=2048)
    assert out.kind == "error", out
    assert out.error == "UnpicklingError" and f"more than {MAX_DEPTH} deep" in out.message


def test_nesting_up_to_the_bound_loads():
    for raw in hostile.deep_pickles(MAX_DEPTH - 10).values():  # the wrapping adds a few levels
        Unpickler(io.BytesIO(raw)).load()


def test_opcodes_torch_refuses_are_refused_in_weights_only_mode():
    data = b"\x80\x02(I1\nI2\nd."  # protocol 0/1 opcodes: DICT, INT
    with pytest.raises(pickle.UnpicklingError, match="weights_only=True"):
        load(io.BytesIO(hostile.checkpoint(data)))
    assert load(io.BytesIO(hostile.checkpoint(data)), weights_only=False) == {1: 2}


# ------------------------------------------------------------------------ hashing (item 5)
@pytest.mark.parametrize("kind", list(hostile.collision_pickles(2)))
def test_colliding_keys_are_refused_quickly(kind):
    raw = collision_pickles(20_000)[kind]  # torch and the old loader: minutes
    out = run_forked(_unpickle(raw), timeout=20)
    assert out.kind == "error", out
    assert out.error == "UnpicklingError" and "same hash" in out.message
    assert out.seconds < 15, out  # generous for shared CI machines (it is ~0.05 s idle)


def test_a_few_colliding_keys_still_load():
    keys = hostile.colliding_ints(MAX_COLLISIONS)
    raw = hostile.PROTO2 + b"}(" + b"".join(k + b"N" for k in keys) + b"u."
    got = Unpickler(io.BytesIO(raw)).load()
    assert sorted(got) == [k * hostile.P for k in range(1, MAX_COLLISIONS + 1)]
    assert load(io.BytesIO(hostile.checkpoint(raw))) == got


def test_exponential_hash_cost_is_charged_before_hashing():
    raw = hostile.work_pickles(80, 1)["hash_exponential_tuple"]  # hash would visit 2**80 nodes
    out = run_forked(_unpickle(raw), timeout=20)
    assert out.kind == "error" and "units of work" in out.message, out


# ------------------------------------------------------------------------ work (item 5)
@pytest.mark.parametrize(
    "kind", ["set_of_memo_list", "bytearray_of_memo_bytes", "build_with_memo_state"]
)
def test_small_pickles_cannot_copy_big_objects_many_times(kind):
    raw = work_pickles(10_000, 50_000)[kind]  # < 1 MB; 5e8 copied items unbounded
    assert len(raw) < 1 << 20
    out = run_forked(_unpickle(raw), timeout=30, memory_mb=2048)
    assert out.kind == "error" and "units of work" in out.message, out
    assert out.seconds < 15 and out.peak_mb < 512, out


def test_tensor_geometry_is_checked_before_it_is_walked():
    for kind, raw in hostile.geometry_pickles().items():
        data = hostile.checkpoint(raw, {"0": FOUR[:4]})
        out = run_forked(_load_bytes(data), timeout=20)
        assert out.kind == "error" and "invalid tensor geometry" in out.message, (kind, out)


def test_real_checkpoints_fit_in_the_bounds():
    """Big, deep-ish and set-heavy checkpoints written by torch.save load with room to spare."""
    nested = {"x": 1}
    for _ in range(150):  # torch.save's pickler recurses: ~3 Python frames a level
        nested = {"n": [nested, (1, 2)]}
    obj = {
        "model": {f"layer{i}.weight": torch.ones(2) for i in range(500)},
        "sets": [set(range(i, i + 3)) for i in range(1000)],
        "empty_sets": [set() for _ in range(10_000)],
        "tuple_keys": {(i, (i, -1), "x"): i for i in range(1000)},
        "nested": nested,
        "floats": [float(i) for i in range(10_000)],
    }
    for proto in (2, 4):
        buf = io.BytesIO()
        torch.save(obj, buf, pickle_protocol=proto)
        got = load(io.BytesIO(buf.getvalue()))
        assert got["sets"] == obj["sets"] and got["tuple_keys"] == obj["tuple_keys"]
        assert got["floats"] == obj["floats"] and len(got["empty_sets"]) == 10_000
    buf = io.BytesIO()
    ember.save({"w": ember.ones(3), "nested": nested}, buf, pickle_protocol=5)
    assert load(io.BytesIO(buf.getvalue()))["w"].tolist() == [1.0, 1.0, 1.0]
