"""CIFAR (tiny batches in the original pickled-dict format), SVHN (.mat), DatasetFolder /
ImageFolder (PNGs written by Pillow), FakeData (torch's RNG calls), VisionDataset, and the
download/extract helpers of ember.vision.datasets.utils."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import os
import pickle
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision.datasets import (
    CIFAR10,
    CIFAR100,
    SVHN,
    DatasetFolder,
    FakeData,
    ImageFolder,
    VisionDataset,
)
from ember.vision.datasets import folder as folder_mod
from ember.vision.datasets import utils as U


def md5(path) -> str:
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


# ---------------------------------------------------------------- CIFAR
def _write_cifar(root, cls, batches, meta):
    """Pickled dicts as in the CIFAR 'python version' page; md5s patched onto a subclass."""
    base = root / cls.base_folder
    base.mkdir(parents=True)
    for name, entry in {**batches, cls.meta["filename"]: meta}.items():
        (base / name).write_bytes(pickle.dumps(entry, protocol=2))

    class Local(cls):
        train_list = [[n, md5(base / n)] for n, _ in cls.train_list]
        test_list = [[n, md5(base / n)] for n, _ in cls.test_list]
        meta = {**cls.meta, "md5": md5(base / cls.meta["filename"])}

    return Local


def test_cifar10_layout_and_samples(tmp_path):
    rng = np.random.default_rng(0)
    rows = {n: rng.integers(0, 256, (2, 3072), dtype=np.uint8) for n, _ in CIFAR10.train_list}
    rows["test_batch"] = rng.integers(0, 256, (3, 3072), dtype=np.uint8)
    batches = {
        n: {"batch_label": n, "data": r, "labels": [int(v) for v in rng.integers(0, 10, len(r))]}
        for n, r in rows.items()
    }
    names = ["airplane", "automobile", "bird", "cat", "deer"]
    names += ["dog", "frog", "horse", "ship", "truck"]
    Local = _write_cifar(tmp_path, CIFAR10, batches, {"label_names": names, "num_vis": 3072})
    ds = Local(str(tmp_path))
    assert isinstance(ds.data, np.ndarray) and ds.data.shape == (10, 32, 32, 3)
    assert ds.data.dtype == np.uint8
    all_rows = np.concatenate([rows[n] for n, _ in CIFAR10.train_list])
    # A row holds the red plane, then green, then blue, each 32x32 row-major (the CIFAR page).
    for i, (y, x, c) in enumerate([(0, 0, 0), (5, 7, 1), (31, 31, 2), (12, 30, 0)]):
        assert ds.data[i, y, x, c] == all_rows[i, c * 1024 + y * 32 + x]
    assert ds.targets == sum((batches[n]["labels"] for n, _ in CIFAR10.train_list), [])
    img, target = ds[3]
    assert img.mode == "RGB" and img.size == (32, 32) and target == ds.targets[3]
    np.testing.assert_array_equal(
        np.asarray(img), all_rows[3].reshape(3, 32, 32).transpose(1, 2, 0)
    )
    assert ds.classes == names and ds.class_to_idx["cat"] == 3
    test = Local(tmp_path, train=False)
    assert len(test) == 3 and test.targets == batches["test_batch"]["labels"]
    assert repr(test).splitlines()[-1] == "    Split: Test"


def test_cifar100_uses_fine_labels(tmp_path):
    rng = np.random.default_rng(1)
    data = rng.integers(0, 256, (4, 3072), dtype=np.uint8)
    fine, coarse = [5, 99, 0, 42], [1, 19, 0, 3]
    entry = {"data": data, "fine_labels": fine, "coarse_labels": coarse, "filenames": list("abcd")}
    meta = {"fine_label_names": [f"f{i}" for i in range(100)], "coarse_label_names": ["c"] * 20}
    Local = _write_cifar(tmp_path, CIFAR100, {"train": entry, "test": entry}, meta)
    ds = Local(tmp_path)
    assert ds.targets == fine and ds.classes[99] == "f99" and len(ds.classes) == 100


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > pwned.txt",))


def test_cifar_batch_that_would_run_code_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for hostile in (
        {"data": _Evil(), "labels": [0]},
        {"data": np.array([1, "x"], dtype=object), "labels": [0]},  # object arrays hold objects
        [np.zeros(3, np.uint8)],  # not a dict
    ):
        base = tmp_path / "cifar-10-batches-py"
        base.mkdir(exist_ok=True)
        for n, _ in CIFAR10.train_list + CIFAR10.test_list:
            (base / n).write_bytes(pickle.dumps(hostile, protocol=2))
        (base / "batches.meta").write_bytes(pickle.dumps({"label_names": []}, protocol=2))

        class Local(CIFAR10):
            train_list = [[n, None] for n, _ in CIFAR10.train_list]
            test_list = [["test_batch", None]]
            meta = dict(CIFAR10.meta, md5=None)

        with pytest.raises(pickle.UnpicklingError):
            Local(tmp_path)
    assert not (tmp_path / "pwned.txt").exists()


def test_cifar_missing_or_corrupt(tmp_path):
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted.*download=True") as info:
        CIFAR10(tmp_path)
    assert os.path.join(str(tmp_path), "cifar-10-batches-py", "data_batch_1") in str(info.value)


# ---------------------------------------------------------------- SVHN
def test_svhn_mat_file(tmp_path):
    sio = pytest.importorskip("scipy.io")
    rng = np.random.default_rng(2)
    X = rng.integers(0, 256, (32, 32, 3, 5), dtype=np.uint8)  # H, W, C, N as in the .mat files
    y = np.array([[10], [1], [9], [10], [3]], dtype=np.uint8)  # 10 is the digit 0
    sio.savemat(tmp_path / "test_32x32.mat", {"X": X, "y": y})

    class Local(SVHN):
        split_list = dict(
            SVHN.split_list, test=[None, "test_32x32.mat", md5(tmp_path / "test_32x32.mat")]
        )

    ds = Local(tmp_path, split="test")
    assert ds.data.shape == (5, 3, 32, 32) and ds.labels.dtype == np.int64
    assert ds.labels.tolist() == [0, 1, 9, 0, 3]
    img, target = ds[2]
    assert img.mode == "RGB" and target == 9
    np.testing.assert_array_equal(np.asarray(img), X[:, :, :, 2])
    with pytest.raises(RuntimeError, match="train_32x32.mat"):
        Local(tmp_path, split="train")
    with pytest.raises(ValueError, match="Unknown value 'val' for argument split"):
        SVHN(tmp_path, split="val")


# ---------------------------------------------------------------- folders
def _png(path, color, size=(4, 3), mode="RGB"):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path)


def test_image_folder(tmp_path):
    _png(tmp_path / "dog" / "b.png", (10, 20, 30))
    _png(tmp_path / "dog" / "a.PNG", (1, 2, 3))
    _png(tmp_path / "dog" / "deeper" / "c.png", (7, 7, 7))
    _png(tmp_path / "cat" / "z.png", 200, mode="L")  # gray: loaded as RGB
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    ds = ImageFolder(tmp_path)
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    paths = [os.path.relpath(p, tmp_path) for p, _ in ds.samples]
    assert paths == ["cat/z.png", "dog/a.PNG", "dog/b.png", "dog/deeper/c.png"]
    assert ds.targets == [0, 1, 1, 1] and ds.imgs is ds.samples
    img, target = ds[0]
    assert img.mode == "RGB" and img.size == (4, 3) and target == 0
    assert np.asarray(img)[0, 0].tolist() == [200, 200, 200]
    assert np.asarray(ds[2][0])[2, 3].tolist() == [10, 20, 30]
    only_b = ImageFolder(tmp_path, is_valid_file=lambda p: p.endswith("b.png"), allow_empty=True)
    assert [os.path.basename(p) for p, _ in only_b.samples] == ["b.png"]


def test_dataset_folder_rules(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.npy").write_bytes(b"1")
    (tmp_path / "b").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes b. Supported"):
        DatasetFolder(tmp_path, loader=open, extensions=(".npy",))
    ds = DatasetFolder(
        tmp_path,
        loader=lambda p: Path(p).read_text(),
        extensions=".npy",
        allow_empty=True,
        target_transform=lambda t: -t,
    )
    assert ds.classes == ["a", "b"] and ds[0] == ("1", 0) and len(ds) == 1
    with pytest.raises(ValueError, match="Both extensions and is_valid_file cannot be None"):
        folder_mod.make_dataset(tmp_path, extensions=None, is_valid_file=None)
    with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
        folder_mod.make_dataset(tmp_path, extensions=".npy", is_valid_file=bool)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder in"):
        folder_mod.find_classes(tmp_path / "empty")
    assert folder_mod.is_image_file("x.JPEG") and not folder_mod.is_image_file("x.gif")
    assert folder_mod.IMG_EXTENSIONS[:3] == (".jpg", ".jpeg", ".png")


# ---------------------------------------------------------------- FakeData
@pytest.mark.parametrize("image_size", [(3, 6, 5), (1, 4, 4)])
def test_fake_data_draws_torchvisions_samples(image_size):
    ds = FakeData(size=5, image_size=image_size, num_classes=7, random_offset=11)
    ember.manual_seed(123)
    for index in (0, 4):
        img, target = ds[index]
        # torchvision: seed index + offset, randn(*image_size), randint(0, n, (1,)), then
        # ToPILImage (times 255, .byte(): truncating and wrapping).
        torch.manual_seed(index + 11)
        expected = torch.randn(*image_size)
        expected_target = torch.randint(0, 7, size=(1,), dtype=torch.long)[0]
        pixels = expected.mul(255).byte().permute(1, 2, 0).numpy()
        assert img.mode == ("RGB" if image_size[0] == 3 else "L")
        np.testing.assert_array_equal(np.asarray(img).reshape(pixels.shape), pixels)
        assert target == int(expected_target) and isinstance(target, int)
    after = ember.rand(3)  # the global generator's state was restored
    ember.manual_seed(123)
    assert ember.equal(after, ember.rand(3))
    with pytest.raises(IndexError, match="FakeData index out of range"):
        ds[5]
    assert len(ds) == 5


# ---------------------------------------------------------------- VisionDataset
def test_vision_dataset_transforms():
    with pytest.raises(ValueError, match="Only transforms or transform/target_transform"):
        VisionDataset("r", transforms=lambda a, b: (a, b), transform=abs)
    vd = VisionDataset("~/data", transform=abs)
    assert vd.root == os.path.expanduser("~/data")
    assert vd.transforms(-2, -3) == (2, -3)
    assert isinstance(vd, ember.utils.data.Dataset)
    with pytest.raises(NotImplementedError):
        vd[0]


# ---------------------------------------------------------------- datasets.utils
def test_checksums(tmp_path):
    (tmp_path / "f").write_bytes(b"abc" * 1000)
    expected = hashlib.md5(b"abc" * 1000).hexdigest()
    assert U.calculate_md5(tmp_path / "f", chunk_size=7) == expected
    assert U.check_integrity(tmp_path / "f", expected) and U.check_integrity(tmp_path / "f")
    assert not U.check_integrity(tmp_path / "f", "0" * 32)
    assert not U.check_integrity(tmp_path / "missing")


@pytest.mark.parametrize(
    ("suffix", "compress"), [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)]
)
def test_extract_single_compressed_file(tmp_path, suffix, compress):
    (tmp_path / f"data.bin{suffix}").write_bytes(compress(b"payload"))
    out = U.extract_archive(str(tmp_path / f"data.bin{suffix}"), str(tmp_path / "out"))
    assert out == str(tmp_path / "out" / "data.bin") and isinstance(out, str)
    assert (tmp_path / "out" / "data.bin").read_bytes() == b"payload"


@pytest.mark.parametrize("name", ["a.tar", "a.tar.gz", "a.tgz", "a.tar.xz", "a.zip"])
def test_extract_archives(tmp_path, name):
    path = tmp_path / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("top/f.txt", "hi")
    else:
        mode = {"a.tar": "w", "a.tar.gz": "w:gz", "a.tgz": "w:gz", "a.tar.xz": "w:xz"}[name]
        with tarfile.open(path, mode) as t:
            info = tarfile.TarInfo("top/f.txt")
            info.size = 2
            t.addfile(info, io.BytesIO(b"hi"))
    out = U.extract_archive(path, tmp_path / "x", remove_finished=True)
    assert out == tmp_path / "x" and (tmp_path / "x" / "top" / "f.txt").read_text() == "hi"
    assert not path.exists()


def _tar(path, *members):
    with tarfile.open(path, "w") as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)


def _member(name, data=b"x", type=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.size = type, linkname, len(data) if data else 0
    return info, data if type == tarfile.REGTYPE else None


@pytest.mark.parametrize(
    "member",
    [
        _member("../escape.txt"),
        _member("ok/../../escape.txt"),
        _member("/tmp/escape-abs.txt"),
        _member("link", type=tarfile.SYMTYPE, linkname="/etc"),
        _member("link", type=tarfile.SYMTYPE, linkname="../.."),
        _member("hard", type=tarfile.LNKTYPE, linkname="../escape.txt"),
        _member("dev", type=tarfile.CHRTYPE),
    ],
)
def test_extract_refuses_members_outside_the_destination(tmp_path, member):
    _tar(tmp_path / "evil.tar", _member("fine.txt"), member)
    dest = tmp_path / "dest" / "inner"
    with pytest.raises(RuntimeError, match="Refusing to extract"):
        U.extract_archive(tmp_path / "evil.tar", dest)
    assert (
        not (tmp_path / "escape.txt").exists() and not (tmp_path / "dest" / "escape.txt").exists()
    )
    assert not (dest / "fine.txt").exists()  # nothing at all was written


def test_extract_refuses_zip_traversal(tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("fine.txt", "ok")
        z.writestr("../escape.txt", "no")
    with pytest.raises(RuntimeError, match="Refusing to extract"):
        U.extract_archive(tmp_path / "evil.zip", tmp_path / "dest")
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "dest" / "fine.txt").exists()


def test_extract_unknown_suffix(tmp_path):
    with pytest.raises(RuntimeError, match="Unknown compression or archive type: '.rar'"):
        U.extract_archive(tmp_path / "a.rar")
    with pytest.raises(RuntimeError, match="has no suffixes"):
        U.extract_archive(tmp_path / "archive")


def test_verify_str_arg_messages():
    assert U.verify_str_arg("a", "x", ("a", "b")) == "a"
    with pytest.raises(
        ValueError, match=r"^Expected type str for argument x, but got type <class 'int'>\.$"
    ):
        U.verify_str_arg(1, "x")
    with pytest.raises(ValueError, match=r"^Expected type str, but got type"):
        U.verify_str_arg(1)
    with pytest.raises(ValueError, match=r"^custom$"):
        U.verify_str_arg("c", "x", ("a",), custom_msg="custom")
    assert U.iterable_to_str([1, "b"]) == "'1', 'b'"


def test_list_dir_and_files(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"")
    assert U.list_dir(tmp_path) == ["d"]
    assert U.list_files(tmp_path, ".png", prefix=True) == [os.path.join(tmp_path, "a.png")]
