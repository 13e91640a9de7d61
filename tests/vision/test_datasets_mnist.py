"""MNIST and its relatives: the real MNIST/Fashion-MNIST files, and tiny IDX files in the
documented format (LeCun's MNIST page: big-endian magic ``0x0000TTDD``, then DD sizes, then the
data) for EMNIST/KMNIST/QMNIST. Expected values are decoded here with gzip + struct + numpy."""

from __future__ import annotations

import gzip
import os
import struct

import numpy as np
import pytest
import torch

import ember
from ember.vision.datasets import EMNIST, KMNIST, MNIST, QMNIST, FashionMNIST
from ember.vision.datasets.mnist import read_label_file, read_sn3_pascalvincent_tensor

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
FILES += ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
TYPE_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C}
TYPE_CODES |= {np.float32: 0x0D, np.float64: 0x0E}


def decode_idx(path) -> np.ndarray:
    """An IDX file decoded from its documented layout, independently of ember."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    (magic,) = struct.unpack(">I", data[:4])
    assert magic >> 16 == 0 and (magic >> 8) & 0xFF == 0x08
    nd = magic & 0xFF
    dims = struct.unpack(f">{nd}I", data[4 : 4 + 4 * nd])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * nd).reshape(dims)


def write_idx(path, array: np.ndarray, compress: bool = False) -> None:
    """Write ``array`` as an IDX file (big-endian), gzipped when ``compress``."""
    code = TYPE_CODES[array.dtype.type]
    header = struct.pack(">I", (code << 8) | array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    body = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    with gzip.open(f"{path}.gz", "wb") if compress else open(path, "wb") as f:
        f.write(body)


def link_layout(src, root, name):
    """``root/<name>/raw/<the four .gz files>``, as symbolic links to the shared files."""
    raw = root / name / "raw"
    raw.mkdir(parents=True)
    for f in FILES:
        os.symlink(src / f"{f}.gz", raw / f"{f}.gz")
    return root


@pytest.fixture
def mnist_root(data_dir, tmp_path):
    return link_layout(data_dir / "mnist", tmp_path, "MNIST")


def test_mnist_train_matches_independent_decoding(mnist_root, data_dir):
    ds = MNIST(str(mnist_root), train=True)
    images = decode_idx(data_dir / "mnist" / "train-images-idx3-ubyte.gz")
    labels = decode_idx(data_dir / "mnist" / "train-labels-idx1-ubyte.gz")
    assert len(ds) == 60000
    assert isinstance(ds.data, ember.Tensor) and isinstance(ds.targets, ember.Tensor)
    assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (60000, 28, 28)
    assert ds.targets.dtype == ember.int64 and tuple(ds.targets.shape) == (60000,)
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    # The first training labels, as printed on countless MNIST tutorials.
    assert ds.targets[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    img, target = ds[0]
    assert img.mode == "L" and img.size == (28, 28)
    assert isinstance(target, int) and target == 5
    np.testing.assert_array_equal(np.asarray(img), images[0])
    img, target = ds[-1]
    np.testing.assert_array_equal(np.asarray(img), images[-1])
    assert target == int(labels[-1])


def test_mnist_test_split_transforms_and_repr(mnist_root):
    seen = []
    ds = MNIST(
        mnist_root,  # a pathlib.Path works as well as a str
        train=False,
        transform=lambda im: np.asarray(im, dtype=np.float32) / 255,
        target_transform=lambda t: seen.append(t) or t * 10,
    )
    assert len(ds) == 10000
    assert ds.targets[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    x, y = ds[1]
    assert x.dtype == np.float32 and x.shape == (28, 28) and y == 20 and seen == [2]
    assert ds.classes[3] == "3 - three" and ds.class_to_idx["9 - nine"] == 9
    lines = repr(ds).splitlines()
    assert lines[:4] == [
        "Dataset MNIST",
        "    Number of datapoints: 10000",
        f"    Root location: {mnist_root}",
        "    Split: Test",
    ]
    assert lines[4] == "    StandardTransform"
    assert lines[5].startswith("Transform: <function") and lines[6].startswith("Target transform:")
    with pytest.warns(UserWarning, match="renamed targets"):
        assert ds.test_labels is ds.targets


def test_fashion_mnist(data_dir, tmp_path):
    root = link_layout(data_dir / "fashion-mnist", tmp_path, "FashionMNIST")
    ds = FashionMNIST(root, train=False)
    images = decode_idx(data_dir / "fashion-mnist" / "t10k-images-idx3-ubyte.gz")
    labels = decode_idx(data_dir / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz")
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[0]
    assert img.mode == "L" and target == int(labels[0]) == 9  # the first test item: a boot
    np.testing.assert_array_equal(np.asarray(img), images[0])
    assert ds.classes[9] == "Ankle boot" and ds.classes[0] == "T-shirt/top"
    assert os.path.basename(ds.raw_folder.rstrip("/")) == "raw"
    assert "FashionMNIST" in ds.raw_folder


def test_missing_files_name_the_path_and_download(tmp_path):
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path / "nowhere")
    msg = str(info.value)
    assert "Dataset not found. You can use download=True to download it" in msg
    assert os.path.join(str(tmp_path / "nowhere"), "MNIST", "raw", "train-images-idx3-ubyte") in msg


def test_legacy_processed_files_written_by_torch(tmp_path):
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    rng = np.random.default_rng(0)
    arrays = {}
    for name, n in (("training.pt", 4), ("test.pt", 3)):
        x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        y = rng.integers(0, 10, n)
        torch.save((torch.from_numpy(x), torch.from_numpy(y)), processed / name)
        arrays[name] = x, y
    for train, name in ((True, "training.pt"), (False, "test.pt")):
        ds = MNIST(tmp_path, train=train)
        np.testing.assert_array_equal(ds.data.numpy(), arrays[name][0])
        np.testing.assert_array_equal(ds.targets.numpy(), arrays[name][1])
        assert ds[1][1] == int(arrays[name][1][1])


def _tiny(rng, n, h=28, w=28):
    return rng.integers(0, 256, (n, h, w), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def test_kmnist_reads_uncompressed_files(tmp_path):
    raw = tmp_path / "KMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    (x, y), (xt, yt) = _tiny(rng, 5), _tiny(rng, 2)
    write_idx(raw / "train-images-idx3-ubyte", x)
    write_idx(raw / "train-labels-idx1-ubyte", y)
    write_idx(raw / "t10k-images-idx3-ubyte", xt, compress=True)
    write_idx(raw / "t10k-labels-idx1-ubyte", yt, compress=True)
    ds = KMNIST(tmp_path)
    np.testing.assert_array_equal(ds.data.numpy(), x)
    assert ds.targets.tolist() == y.tolist()
    assert ds.classes == ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
    np.testing.assert_array_equal(np.asarray(KMNIST(tmp_path, train=False)[1][0]), xt[1])


def test_emnist_splits(tmp_path):
    raw = tmp_path / "EMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(2)
    x, y = _tiny(rng, 3)
    write_idx(raw / "emnist-letters-test-images-idx3-ubyte", x)
    write_idx(raw / "emnist-letters-test-labels-idx1-ubyte", y + 1)
    ds = EMNIST(tmp_path, split="letters", train=False)
    np.testing.assert_array_equal(ds.data.numpy(), x)
    assert ds.targets.tolist() == (y + 1).tolist()
    assert ds.classes[:3] == ["N/A", "a", "b"] and len(ds.classes) == 27
    assert repr(ds).splitlines()[-1] == "    Split: Test"
    assert len(EMNIST.classes_split_dict["byclass"]) == 62
    assert len(EMNIST.classes_split_dict["balanced"]) == 47
    with pytest.raises(RuntimeError, match="emnist-letters-train-images-idx3-ubyte"):
        EMNIST(tmp_path, split="letters")
    with pytest.raises(ValueError, match="Unknown value 'abc' for argument split. Valid values"):
        EMNIST(tmp_path, split="abc")


def test_qmnist_targets_and_subsets(tmp_path):
    raw = tmp_path / "QMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(3)
    x, _ = _tiny(rng, 4)
    labels = rng.integers(0, 70000, (4, 8)).astype(np.int32)  # class, writer, ... (idx2-int)
    labels[:, 0] = [3, 1, 4, 1]
    write_idx(raw / "qmnist-test-images-idx3-ubyte", x, compress=True)
    write_idx(raw / "qmnist-test-labels-idx2-int", labels)
    ds = QMNIST(tmp_path, train=False)
    assert ds.targets.dtype == ember.int64 and tuple(ds.targets.shape) == (4, 8)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[2]
    assert target == 4 and img.mode == "L"
    np.testing.assert_array_equal(np.asarray(img), x[2])
    _, full = QMNIST(tmp_path, what="test10k", compat=False)[0]
    assert full.tolist() == labels[0].tolist()
    assert len(QMNIST(tmp_path, what="test50k")) == 0  # rows after the first 10,000
    assert repr(ds).splitlines()[-1] == "    Split: test"
    with pytest.raises(RuntimeError, match="xnist-images-idx3-ubyte"):
        QMNIST(tmp_path, what="nist")
    with pytest.raises(ValueError, match="for argument what"):
        QMNIST(tmp_path, what="valid")


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_idx_element_types(tmp_path, dtype):
    array = (np.arange(24).reshape(2, 3, 4) * 37 - 300).astype(dtype)
    write_idx(tmp_path / "f-idx3", array)
    out = read_sn3_pascalvincent_tensor(tmp_path / "f-idx3")
    assert out.dtype == getattr(ember, np.dtype(dtype).name)
    np.testing.assert_array_equal(out.numpy(), array)


def test_idx_rejects_what_is_not_idx(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x00\x00\x07\x01" + b"\x00" * 8)
    with pytest.raises(ValueError, match="not an IDX file"):
        read_sn3_pascalvincent_tensor(tmp_path / "bad")
    write_idx(tmp_path / "labels", np.arange(3, dtype=np.int32))
    with pytest.raises(TypeError, match="x should be of dtype torch.uint8"):
        read_label_file(tmp_path / "labels")
