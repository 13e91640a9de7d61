"""ember.save to a path is atomic: a failed save leaves the previous checkpoint and no debris."""

from __future__ import annotations

import io
import os
import pickle
import stat

import pytest
import torch

import ember
from ember.serialization import _save, _zip_format, load, save


def _dir_listing(path):
    return sorted(p.name for p in path.parent.iterdir())


def test_save_to_path_is_read_by_torch(tmp_path):
    path = tmp_path / "ckpt.pt"
    save({"w": ember.arange(4.0)}, path)
    assert torch.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    save({"w": ember.ones(1)}, str(path))  # str paths too, overwriting
    assert load(path)["w"].tolist() == [1.0]
    assert _dir_listing(path) == ["ckpt.pt"]


def test_failure_midway_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save({"w": ember.ones(3)}, path)
    before = path.read_bytes()
    original = _zip_format.ZipWriter.write_record
    calls = []

    def write_then_fail(self, name, data):
        calls.append(name)
        original(self, name, data)
        if name.startswith("data/"):
            raise OSError("disk full")

    monkeypatch.setattr(_zip_format.ZipWriter, "write_record", write_then_fail)
    with pytest.raises(OSError, match="disk full"):
        save({"w": ember.zeros(1000)}, path)
    assert calls[:2] == ["data.pkl", "byteorder"]  # it really wrote part of the file
    assert path.read_bytes() == before
    assert _dir_listing(path) == ["ckpt.pt"]
    monkeypatch.undo()
    assert load(path)["w"].tolist() == [1.0, 1.0, 1.0]


def test_unpicklable_object_keeps_previous_checkpoint(tmp_path):
    path = tmp_path / "ckpt.pt"
    save([ember.ones(2)], path)
    before = path.read_bytes()
    with pytest.raises(pickle.PicklingError):
        save({"fn": lambda x: x}, path)
    assert path.read_bytes() == before
    assert _dir_listing(path) == ["ckpt.pt"]


def test_interrupt_during_fsync_keeps_previous_checkpoint(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save([ember.ones(2)], path)
    before = path.read_bytes()

    def no_sync(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(_save.os, "fsync", no_sync)
    with pytest.raises(KeyboardInterrupt):
        save([ember.zeros(5)], path)
    assert path.read_bytes() == before
    assert _dir_listing(path) == ["ckpt.pt"]


def test_data_is_synced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync")
        real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(_save.os, "fsync", fsync)
    monkeypatch.setattr(_save.os, "replace", replace)
    save(ember.ones(2), tmp_path / "a.pt")
    assert events[:2] == ["fsync", "replace"]


def test_path_errors(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        save(ember.ones(1), tmp_path / "missing" / "x.pt")
    with pytest.raises(IsADirectoryError):
        save(ember.ones(1), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_permissions_and_symlinks(tmp_path):
    path = tmp_path / "ckpt.pt"
    save(ember.ones(1), path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    save(ember.zeros(1), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    link = tmp_path / "latest.pt"
    link.symlink_to(path)
    save(ember.full((2,), 3.0), link)
    assert link.is_symlink() and load(path).tolist() == [3.0, 3.0]


def test_file_like_targets_are_written_directly(tmp_path):
    buf = io.BytesIO()
    buf.write(b"prefix")
    save(ember.ones(2), buf)
    assert buf.getvalue().startswith(b"prefixPK")
    path = tmp_path / "f.pt"
    with open(path, "wb") as f:
        save({"x": ember.arange(3)}, f)
    assert torch.load(path)["x"].tolist() == [0, 1, 2]
