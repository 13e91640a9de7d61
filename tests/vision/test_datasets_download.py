"""download=True against a local HTTP server (127.0.0.1, a free port, in a thread) serving the
shared files and tiny archives: mirrors in order, MD5 checks, extraction, and no second fetch."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import lzma
import os
import pickle
import shutil
import tarfile
import threading
import zipfile
from functools import partial

import numpy as np
import pytest

from ember.vision.datasets import CIFAR10, EMNIST, MNIST, QMNIST
from ember.vision.datasets.utils import download_and_extract_archive, download_url

from .test_datasets_mnist import FILES, decode_idx, write_idx


class Server:
    """A static file server for ``folder``; ``requests`` lists the paths asked for."""

    def __init__(self, folder):
        self.requests: list[str] = []
        log = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                log.append(self.path)
                super().do_GET()

            def log_message(self, *args):  # keep the test output quiet
                pass

        handler = partial(Handler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def serve():
    servers = []

    def start(folder):
        servers.append(Server(folder))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def md5(path) -> str:
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def test_mnist_download_tries_mirrors_in_order(data_dir, tmp_path, serve, monkeypatch, capsys):
    server = serve(data_dir / "mnist")
    monkeypatch.setattr(MNIST, "mirrors", [server.url + "gone/", server.url])
    root = tmp_path / "data"
    ds = MNIST(root, train=False, download=True)
    raw = root / "MNIST" / "raw"
    for f in FILES:  # each fetched (first mirror: 404, then the second), checked, unpacked
        assert (raw / f"{f}.gz").is_file() and (raw / f).is_file()
        assert md5(raw / f"{f}.gz") == md5(data_dir / "mnist" / f"{f}.gz")
    assert server.requests == [p for f in FILES for p in (f"/gone/{f}.gz", f"/{f}.gz")]
    np.testing.assert_array_equal(
        ds.data.numpy(), decode_idx(data_dir / "mnist" / "t10k-images-idx3-ubyte.gz")
    )
    out = capsys.readouterr().out
    assert f"Downloading {server.url}gone/train-images-idx3-ubyte.gz" in out
    assert "Failed to download (trying next)" in out and "404" in out

    # Present and verified: a second download=True fetches nothing.
    MNIST(root, train=True, download=True)
    assert len(server.requests) == 8


def test_corrupt_download_fails_its_md5(data_dir, tmp_path, serve, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    data = bytearray(
        gzip.decompress((data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes())
    )
    data[100] ^= 1  # one flipped bit in the payload
    (served / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(bytes(data)))
    server = serve(served)
    good = md5(data_dir / "mnist" / "t10k-labels-idx1-ubyte.gz")
    monkeypatch.setattr(MNIST, "mirrors", [server.url])
    monkeypatch.setattr(MNIST, "resources", [("t10k-labels-idx1-ubyte.gz", good)])
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path / "root", download=True)
    msg = str(info.value)
    assert "File not found or corrupted" in msg and good in msg
    assert md5(served / "t10k-labels-idx1-ubyte.gz") in msg
    assert "t10k-labels-idx1-ubyte.gz" in msg
    assert not (tmp_path / "root" / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").exists()


def test_no_mirror_answers(tmp_path, serve, monkeypatch):
    server = serve(tmp_path)
    monkeypatch.setattr(MNIST, "mirrors", [server.url + "a/", server.url + "b/"])
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz"):
        MNIST(tmp_path / "root", download=True)


def test_download_url_skips_a_verified_file(tmp_path, serve):
    (tmp_path / "f.bin").write_bytes(b"payload")
    server = serve(tmp_path)
    dest = tmp_path / "dest"
    download_url(server.url + "f.bin", dest, md5=md5(tmp_path / "f.bin"))
    download_url(server.url + "f.bin", dest, filename="f.bin", md5=md5(tmp_path / "f.bin"))
    assert (dest / "f.bin").read_bytes() == b"payload" and len(server.requests) == 1
    download_url(server.url + "f.bin", dest, filename="g.bin")  # no md5: just the file
    assert (dest / "g.bin").read_bytes() == b"payload" and len(server.requests) == 2


def _cifar_archive(folder) -> tuple[str, dict]:
    """A tiny cifar-10-python.tar.gz (one image per batch) and the md5 of each member."""
    rng = np.random.default_rng(0)
    batches = {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    src = folder / "src" / "cifar-10-batches-py"
    src.mkdir(parents=True)
    for i, name in enumerate(names):
        entry = {"data": rng.integers(0, 256, (1, 3072), dtype=np.uint8), "labels": [i]}
        (src / name).write_bytes(pickle.dumps(entry, protocol=2))
        batches[name] = md5(src / name)
    meta = {"label_names": [f"class{i}" for i in range(10)]}
    (src / "batches.meta").write_bytes(pickle.dumps(meta, protocol=2))
    batches["batches.meta"] = md5(src / "batches.meta")
    with tarfile.open(folder / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(src, arcname="cifar-10-batches-py")
    return md5(folder / "cifar-10-python.tar.gz"), batches


def test_cifar_download_extracts_the_tarball(tmp_path, serve, monkeypatch):
    tgz_md5, batches = _cifar_archive(tmp_path)
    server = serve(tmp_path)
    monkeypatch.setattr(CIFAR10, "url", server.url + "cifar-10-python.tar.gz")
    monkeypatch.setattr(CIFAR10, "tgz_md5", tgz_md5)
    train = [[f"data_batch_{i}", batches[f"data_batch_{i}"]] for i in range(1, 6)]
    monkeypatch.setattr(CIFAR10, "train_list", train)
    monkeypatch.setattr(CIFAR10, "test_list", [["test_batch", batches["test_batch"]]])
    meta = dict(CIFAR10.meta, md5=batches["batches.meta"])
    monkeypatch.setattr(CIFAR10, "meta", meta)
    root = tmp_path / "root"
    ds = CIFAR10(root, download=True)
    assert (root / "cifar-10-batches-py" / "test_batch").is_file()
    assert len(ds) == 5 and ds.targets == [0, 1, 2, 3, 4] and ds.classes[2] == "class2"
    assert CIFAR10(root, train=False, download=True).targets == [5]
    assert len(server.requests) == 1  # the second one found the batches verified


def test_emnist_download_unpacks_the_zip_of_gzips(tmp_path, serve, monkeypatch):
    rng = np.random.default_rng(5)
    x = rng.integers(0, 256, (2, 28, 28), dtype=np.uint8)
    y = np.array([1, 7], dtype=np.uint8)
    work = tmp_path / "work"
    work.mkdir()
    write_idx(work / "emnist-digits-train-images-idx3-ubyte", x, compress=True)
    write_idx(work / "emnist-digits-train-labels-idx1-ubyte", y, compress=True)
    with zipfile.ZipFile(tmp_path / "gzip.zip", "w") as z:
        for f in sorted(os.listdir(work)):
            z.write(work / f, f"gzip/{f}")
    server = serve(tmp_path)
    monkeypatch.setattr(EMNIST, "url", server.url + "gzip.zip")
    monkeypatch.setattr(EMNIST, "md5", md5(tmp_path / "gzip.zip"))
    ds = EMNIST(tmp_path / "root", split="digits", download=True)
    np.testing.assert_array_equal(ds.data.numpy(), x)
    assert ds.targets.tolist() == [1, 7]
    raw = tmp_path / "root" / "EMNIST" / "raw"
    assert not (raw / "gzip").exists() and (raw / "emnist-digits-train-images-idx3-ubyte").is_file()


def test_qmnist_download_gz_and_xz(tmp_path, serve, monkeypatch):
    rng = np.random.default_rng(6)
    x = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 9, (3, 8)).astype(np.int32)
    write_idx(tmp_path / "xnist-images-idx3-ubyte", x)
    write_idx(tmp_path / "xnist-labels-idx2-int", labels)
    for f in ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int"):
        (tmp_path / f"{f}.xz").write_bytes(lzma.compress((tmp_path / f).read_bytes()))
    server = serve(tmp_path)
    resources = dict(QMNIST.resources)
    resources["nist"] = [
        (server.url + f"{f}.xz", md5(tmp_path / f"{f}.xz"))
        for f in ("xnist-images-idx3-ubyte", "xnist-labels-idx2-int")
    ]
    monkeypatch.setattr(QMNIST, "resources", resources)
    ds = QMNIST(tmp_path / "root", what="nist", download=True)
    np.testing.assert_array_equal(ds.data.numpy(), x)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    assert ds[1][1] == int(labels[1, 0])


def test_download_and_extract_to_another_folder(tmp_path, serve):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a/b.txt", "hello")
    (tmp_path / "x.zip").write_bytes(buf.getvalue())
    server = serve(tmp_path)
    download_and_extract_archive(
        server.url + "x.zip", tmp_path / "dl", extract_root=tmp_path / "ex", remove_finished=True
    )
    assert (tmp_path / "ex" / "a" / "b.txt").read_text() == "hello"
    assert not (tmp_path / "dl" / "x.zip").exists()
    shutil.rmtree(tmp_path / "ex")
