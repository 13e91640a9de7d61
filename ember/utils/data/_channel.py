"""The result channel from a DataLoader worker to the main process: one Unix socket per worker.

A worker sends each result synchronously from its only thread: a ``multiprocessing`` queue's
feeder thread waits for the GIL, which cost the worker up to a switch interval (5 ms) per
batch. The batch is pickled with protocol 5 and out-of-band buffers, so NumPy arrays are not
copied into the pickle. A message whose body is over ``_INLINE_MAX`` bytes is written once into
an anonymous in-memory file (``memfd_create``) whose descriptor travels with the message
(``SCM_RIGHTS``): messages on the socket stay small, and a worker never waits for the main
process to read a batch (what torch achieves with tensors in shared memory). Nothing is named,
so nothing can leak: the file goes with its last descriptor.

Wire format: a prefix ``(meta length, body length, body_in_fd)``, the metadata
``pickle((tag, idx, worker_id, sizes))``, then the body inline or in the one descriptor sent
with the prefix. The body is the parts laid end to end: part 0 is the pickle, the others its
buffers, each ``sizes[i]`` bytes. The main process reads every part straight into a buffer of
its own (one copy, and a kept label tensor does not keep its batch's images alive). Only the
worker holds its end of the socket, so a worker that dies mid-message gives end of file, never
a hang.
"""

from __future__ import annotations

import os
import pickle
import socket
import struct
import tempfile

_PREFIX = struct.Struct("<QQB")
# A message body up to this size travels inline on the socket (the socket buffer holds several).
_INLINE_MAX = 1 << 16

# Buffers per writev call (the kernel refuses more than IOV_MAX, 1024 on Linux).
_IOV_MAX = 512

_HAS_FDS = hasattr(socket, "send_fds")


def socket_pair() -> tuple[socket.socket, socket.socket]:
    """(main end, worker end) of a new result channel."""
    return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)


def _anonymous_file(parts: list[memoryview]) -> int:
    """A descriptor of an unnamed in-memory file holding ``parts`` end to end."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("ember-dataloader", os.MFD_CLOEXEC)
    else:
        with tempfile.TemporaryFile() as f:  # unlinked at once: gone with its last descriptor
            fd = os.dup(f.fileno())
    try:
        pending = [p for p in parts if p.nbytes]
        while pending:
            written = os.writev(fd, pending[:_IOV_MAX])
            while pending and written >= pending[0].nbytes:
                written -= pending.pop(0).nbytes
            if pending and written:
                pending[0] = pending[0][written:]
    except BaseException:
        os.close(fd)
        raise
    return fd


def encode(data) -> list[memoryview]:
    """``data`` pickled: the pickle, then its out-of-band buffers (views, not copies)."""
    buffers = []
    header = pickle.dumps(data, protocol=5, buffer_callback=buffers.append)
    return [memoryview(header), *(b.raw() for b in buffers)]


def send(sock: socket.socket, tag: int, idx, worker_id: int, parts: list[memoryview]) -> None:
    """Send one result, ``parts`` from :func:`encode`; OSError if the main process is gone."""
    sizes = [p.nbytes for p in parts]
    meta = pickle.dumps((tag, idx, worker_id, sizes), protocol=5)
    body_len = sum(sizes)
    in_fd = _HAS_FDS and body_len > _INLINE_MAX
    head = _PREFIX.pack(len(meta), body_len, in_fd) + meta
    if in_fd:
        fd = _anonymous_file(parts)
        try:
            sent = socket.send_fds(sock, [head], [fd])
        finally:
            os.close(fd)  # the message in flight holds its own reference
        if sent < len(head):
            sock.sendall(memoryview(head)[sent:])
    else:
        sock.sendall(b"".join([head, *parts]))


class ChannelClosed(Exception):
    """The worker's end of the channel is closed: the worker is gone."""


def _recv_into(sock: socket.socket, buf) -> None:
    view = memoryview(buf)
    while view:
        got = sock.recv_into(view)
        if not got:
            raise ChannelClosed
        view = view[got:]


def _read_into(fd: int, buf, offset: int) -> None:
    view = memoryview(buf)
    while view:
        got = os.preadv(fd, [view], offset)
        if not got:
            raise RuntimeError("DataLoader: a worker's message was cut short")
        view, offset = view[got:], offset + got


def recv(sock: socket.socket):
    """The next message: ``(tag, idx, worker_id, parts)``, ``parts`` for :func:`load`.

    Raises ChannelClosed when the worker's end closed (it exited or was killed).
    """
    fds = []
    try:
        if _HAS_FDS:
            prefix, fds, flags, _ = socket.recv_fds(sock, _PREFIX.size, 1)
            if flags & getattr(socket, "MSG_CTRUNC", 0):
                raise RuntimeError(
                    "Too many open files. Communication with the workers is no longer "
                    "possible. Please increase the limit using `ulimit -n` in the shell."
                )
        else:
            prefix = sock.recv(_PREFIX.size)
        if not prefix:
            raise ChannelClosed
        prefix = bytearray(prefix)
        if len(prefix) < _PREFIX.size:
            rest = bytearray(_PREFIX.size - len(prefix))
            _recv_into(sock, rest)
            prefix += rest
        meta_len, _, body_in_fd = _PREFIX.unpack(prefix)
        meta = bytearray(meta_len)
        _recv_into(sock, meta)
        tag, idx, worker_id, sizes = pickle.loads(meta)
        # every part in a writable buffer of its own, read straight from the kernel
        parts = [bytearray(n) for n in sizes]
        offset = 0
        for part in parts:
            if body_in_fd:
                _read_into(fds[0], part, offset)
                offset += len(part)
            else:
                _recv_into(sock, part)
        return tag, idx, worker_id, parts
    finally:
        for fd in fds:
            os.close(fd)


def load(parts):
    """The object that the ``parts`` of a :func:`recv` message hold."""
    return pickle.loads(parts[0], buffers=parts[1:])
