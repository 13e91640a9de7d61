"""The worker -> main result channel of the DataLoader: what goes in comes out, as its own
writable memory, and a worker that vanishes mid-message is end of file, not a hang."""

from __future__ import annotations

import os
import threading

import numpy as np
import pytest

import ember
from ember.utils.data import _channel


def _roundtrip(data, tag=0, idx=7, worker_id=1):
    main, worker = _channel.socket_pair()
    try:
        # a thread sends, as a worker would: a large inline body must not deadlock the test
        sender = threading.Thread(
            target=_channel.send, args=(worker, tag, idx, worker_id, _channel.encode(data))
        )
        sender.start()
        got = _channel.recv(main)
        sender.join()
        return got
    finally:
        main.close()
        worker.close()


def _owner_nbytes(array) -> int:
    """Size of the memory block that ultimately holds ``array``'s data."""
    owner = array
    while isinstance(owner, (np.ndarray, memoryview)):
        owner = owner.base if isinstance(owner, np.ndarray) else owner.obj
    return memoryview(owner).nbytes


@pytest.mark.parametrize(
    "size", [0, 10, _channel._INLINE_MAX // 8 - 100, _channel._INLINE_MAX, 1 << 20]
)
def test_arrays_of_every_size_come_back_writable_and_separate(size):
    data = {
        "x": np.arange(size, dtype=np.float64),
        "label": np.array([3, 1], dtype=np.int32),
        "t": ember.arange(float(size)),
        "view": np.arange(4.0 * size).reshape(-1, 4)[:, ::2],  # not contiguous: in the pickle
        "name": "a" * size,
    }
    tag, idx, worker_id, parts = _roundtrip(data)
    assert (tag, idx, worker_id) == (0, 7, 1)
    out = _channel.load(parts)
    np.testing.assert_array_equal(out["x"], data["x"])
    np.testing.assert_array_equal(out["view"], data["view"])
    assert out["label"].dtype == np.int32 and out["label"].tolist() == [3, 1]
    assert out["t"].tolist() == data["t"].tolist() and out["name"] == data["name"]
    # each array owns writable memory of its own: a kept label does not pin the batch
    out["label"][0] = 9
    assert _owner_nbytes(out["label"]) == 8
    if size:
        out["x"][0] = -1.0
        out["t"][0] = -1.0
        assert out["x"][0] == -1.0 and out["t"][0].item() == -1.0


def test_more_buffers_than_one_writev_takes():
    data = [np.full(3, i) for i in range(3 * _channel._IOV_MAX)] + [np.zeros(1 << 16)]
    out = _channel.load(_roundtrip(data)[3])
    assert [a[0] for a in out[:-1]] == list(range(3 * _channel._IOV_MAX))


def test_a_large_message_does_not_wait_for_the_reader():
    # 64 MB through the socket buffer would block; in a memfd it is sent at once
    main, worker = _channel.socket_pair()
    try:
        worker.settimeout(5)
        for i in range(8):
            _channel.send(worker, 0, i, 0, _channel.encode(np.full(1 << 20, i)))
        for i in range(8):
            _, idx, _, parts = _channel.recv(main)
            assert idx == i and _channel.load(parts)[-1] == i
    finally:
        main.close()
        worker.close()


def test_no_descriptor_is_left_open():
    before = set(os.listdir("/proc/self/fd"))
    for _ in range(5):
        _channel.load(_roundtrip(np.zeros(1 << 18))[3])
    assert set(os.listdir("/proc/self/fd")) <= before


@pytest.mark.parametrize("cut", [0, 5, 30])
def test_worker_gone_mid_message_is_end_of_file(cut):
    main, worker = _channel.socket_pair()
    try:
        whole = b"".join([_channel._PREFIX.pack(100, 100, False), b"x" * 40])
        worker.sendall(whole[:cut])
        worker.close()
        with pytest.raises(_channel.ChannelClosed):
            _channel.recv(main)
    finally:
        main.close()
