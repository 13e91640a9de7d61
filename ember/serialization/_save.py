"""``ember.save``: PyTorch's zip checkpoint, written atomically when the target is a path."""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import re
import secrets
import stat
import sys
import time

try:
    import fcntl
except ImportError:  # Windows: an open file cannot be deleted there anyway
    fcntl = None

from .._backend import backend_of
from ._pickler import dump
from ._zip_format import ZipWriter

_FORMAT_VERSION = b"3\n"  # the record version PyTorch's writer produces
_STALE_AFTER = 1.0  # seconds: a temp file younger than this may be one being created


def save(obj, f, pickle_module=None, pickle_protocol: int = 2) -> None:
    """Save ``obj`` to ``f`` in PyTorch's zip checkpoint format, as ``torch.save`` does.

    Args:
        obj: tensors, Parameters and containers of them and of plain Python values.
        f: a path (str or ``os.PathLike``) or a writable binary file-like object.
        pickle_module: accepted for PyTorch's signature; only ``None`` or ``pickle``.
        pickle_protocol: the pickle protocol (2 to 5; PyTorch's default is 2).

    ``torch.load`` reads the result, tensors sharing memory still share it, and a path is
    written through a temporary file in the same directory that is fsync'd and then renamed
    over ``f``, so an interrupted save never leaves a damaged checkpoint behind.

    Example::

        >>> import os, tempfile
        >>> import ember
        >>> with tempfile.TemporaryDirectory() as d:
        ...     path = os.path.join(d, "ckpt.pt")
        ...     ember.serialization.save({"w": ember.ones(2)}, path)
        ...     ember.load(path)["w"]
        tensor([1., 1.])
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise ValueError(
            "ember.save pickles with its own torch-compatible pickler; "
            "pickle_module must be None or pickle"
        )
    if type(pickle_protocol) is not int or not 2 <= pickle_protocol <= pickle.HIGHEST_PROTOCOL:
        raise ValueError(
            f"pickle_protocol must be an int from 2 to {pickle.HIGHEST_PROTOCOL}, "
            f"got {pickle_protocol!r}"
        )
    data_pkl, storages = dump(obj, pickle_protocol)  # fails before any file is touched
    if isinstance(f, (str, bytes, os.PathLike)):
        with atomic_write(f) as stream:
            _write_archive(stream, data_pkl, storages)
    else:
        _write_archive(f, data_pkl, storages)
        flush = getattr(f, "flush", None)
        if flush is not None:
            flush()


def _write_archive(stream, data_pkl: bytes, storages) -> None:
    writer = ZipWriter(stream)
    writer.write_record("data.pkl", data_pkl)
    writer.write_record("byteorder", sys.byteorder.encode("ascii"))
    for ref in storages:
        writer.write_record(f"data/{ref.key}", backend_of(ref.array).to_host(ref.array))
    writer.write_record("version", _FORMAT_VERSION)
    writer.write_record(".data/serialization_id", b"%040d" % secrets.randbits(128))
    writer.close()


@contextlib.contextmanager
def atomic_write(path):
    """Yield a binary stream whose content replaces ``path`` only once fully written.

    The stream is a new file ``.<name>.<hex>.tmp`` in ``path``'s directory, locked while it is
    written; on success it is flushed and fsync'd, the directory fsync'd, the file renamed over
    ``path`` and the directory fsync'd again, so a power loss leaves the old or the new file,
    never an empty one. On any error it is removed and the previous file at ``path`` is left
    untouched. Temp files of the same target that a killed save left behind (unlocked, older
    than a second) are removed first. A symlink is written through, like ``open``.
    """
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise RuntimeError(f"Parent directory {parent} does not exist.")
    name = os.path.basename(path)
    _remove_stale_temps(parent, name)
    fd, tmp = _create_temp(parent, name)
    try:
        with os.fdopen(fd, "wb") as stream:
            _lock(fd, blocking=True)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(OSError):  # keep an existing checkpoint's permissions
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        _fsync_dir(parent)  # the temp file's entry is durable before it is renamed
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(parent)


def _create_temp(parent: str, name: str):
    while True:
        tmp = os.path.join(parent, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            # 0o666 and the process umask: the permissions ``open(path, "wb")`` would give
            fd = os.open(
                tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666
            )
        except FileExistsError:
            continue
        return fd, tmp


def _lock(fd: int, blocking: bool) -> bool:
    """An exclusive advisory lock on ``fd`` (True where there is no flock)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        return False
    return True


def _remove_stale_temps(parent: str, name: str) -> None:
    """Delete ``.<name>.<hex>.tmp`` files that a killed save of the same target left behind.

    A save in progress holds a lock on its temp file, and one being created right now is
    younger than ``_STALE_AFTER``; both are left alone. Errors are ignored: this is cleanup.
    """
    pattern = re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    now = time.time()
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < _STALE_AFTER:
                continue
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                if _lock(fd, blocking=False):
                    os.unlink(entry.path)
            finally:
                os.close(fd)


def _fsync_dir(parent: str) -> None:
    """Make the rename durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(parent, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
