"""ember.save to a path is atomic: a failed save leaves the previous checkpoint and no debris."""

from __future__ import annotations

import io
import os
import pickle
import re
import signal
import stat
import time

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


def _killed_save(path, obj) -> None:
    """Run ember.save(obj, path) in a child that is SIGKILLed once data.pkl is written."""
    pid = os.fork()
    if pid == 0:
        original = _zip_format.ZipWriter.write_record

        def write_then_die(self, name, data):
            original(self, name, data)
            if name.startswith("data/"):
                os.kill(os.getpid(), signal.SIGKILL)

        _zip_format.ZipWriter.write_record = write_then_die
        save(obj, path)
        os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


@pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a child mid-save")
def test_a_killed_save_leaves_debris_that_the_next_save_removes(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    save({"w": ember.ones(2)}, path)
    _killed_save(path, {"w": ember.zeros(100_000)})
    _killed_save(path, {"w": ember.zeros(100_000)})
    debris = [name for name in _dir_listing(path) if name != "ckpt.pt"]
    assert len(debris) == 2 and all(
        re.fullmatch(r"\.ckpt\.pt\.[0-9a-f]{12}\.tmp", n) for n in debris
    )
    assert load(path)["w"].tolist() == [1.0, 1.0]  # the old checkpoint survived
    other = tmp_path / ".other.pt.0123456789ab.tmp"  # another target's: not ours to touch
    unrelated = tmp_path / ".ckpt.pt.notours.tmp"
    other.write_bytes(b"x")
    unrelated.write_bytes(b"x")
    monkeypatch.setattr(_save, "_STALE_AFTER", 0.0)
    save({"w": ember.full((2,), 3.0)}, path)
    assert _dir_listing(path) == sorted(
        [".ckpt.pt.notours.tmp", ".other.pt.0123456789ab.tmp", "ckpt.pt"]
    )
    assert load(path)["w"].tolist() == [3.0, 3.0]


@pytest.mark.skipif(_save.fcntl is None, reason="flock")
def test_a_save_in_progress_keeps_its_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.pt"
    busy = tmp_path / ".ckpt.pt.00000000000a.tmp"
    young = tmp_path / ".ckpt.pt.00000000000b.tmp"
    old = time.time() - 60
    for p in (busy, young):
        p.write_bytes(b"partial")
    os.utime(busy, (old, old))
    with open(busy, "rb") as f:
        _save.fcntl.flock(f.fileno(), _save.fcntl.LOCK_EX)  # another process is writing it
        save(ember.ones(1), path)
        assert busy.exists() and young.exists()
    os.utime(young, (old, old))
    save(ember.ones(1), path)
    assert _dir_listing(path) == ["ckpt.pt"]


def test_file_then_directory_are_synced_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("fsync dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(_save.os, "fsync", fsync)
    monkeypatch.setattr(_save.os, "replace", replace)
    save(ember.ones(2), tmp_path / "a.pt")
    assert events == ["fsync file", "fsync dir", "replace", "fsync dir"]
