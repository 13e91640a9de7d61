"""MNIST and its relatives, read from the original IDX files (``torchvision.datasets.mnist``).

The files sit in ``root/<ClassName>/raw/`` as torchvision lays them out (``train-images-idx3-
ubyte``, ...). ember also reads them still gzipped (``train-images-idx3-ubyte.gz``), so the
files as published can be dropped in as they are.
"""

from __future__ import annotations

import gzip
import lzma
import os
import shutil
import string
import warnings
from urllib.error import URLError

import numpy as np

import ember

from ..io._pil import array_to_pil
from .utils import check_integrity, download_and_extract_archive, extract_archive, verify_str_arg
from .vision import VisionDataset

__all__ = [
    "EMNIST",
    "KMNIST",
    "MNIST",
    "QMNIST",
    "FashionMNIST",
    "read_image_file",
    "read_label_file",
    "read_sn3_pascalvincent_tensor",
]

_DIGITS = [
    "0 - zero",
    "1 - one",
    "2 - two",
    "3 - three",
    "4 - four",
    "5 - five",
    "6 - six",
    "7 - seven",
    "8 - eight",
    "9 - nine",
]


def _not_found(missing) -> RuntimeError:
    return RuntimeError(
        "Dataset not found. You can use download=True to download it "
        f"(missing: {', '.join(os.fspath(m) for m in missing)})"
    )


def _readable(path: str) -> str | None:
    """``path``, else the same file still compressed (``.gz``/``.xz``), else None."""
    for candidate in (path, path + ".gz", path + ".xz"):
        if os.path.isfile(candidate):
            return candidate
    return None


class MNIST(VisionDataset):
    """The `MNIST <http://yann.lecun.com/exdb/mnist/>`_ handwritten digits, 28x28 grayscale.

    Args:
        root: folder holding ``MNIST/raw/train-images-idx3-ubyte`` and the other three files
            (or the same names ending in ``.gz``).
        train: the 60,000 training images if True, else the 10,000 test images.
        transform: applied to each PIL image (mode ``"L"``), e.g. ``transforms.ToTensor()``.
        target_transform: applied to each integer label.
        download: fetch the files into ``root`` first (from :attr:`mirrors`, in order, with
            their MD5s checked); nothing is fetched when they are present.

    ``data`` is a uint8 tensor of shape (N, 28, 28), ``targets`` an int64 tensor of shape
    (N,); ``dataset[i]`` is ``(PIL image, int label)``.
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = _DIGITS

    def __init__(
        self, root, train: bool = True, transform=None, target_transform=None, download=False
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if self._check_legacy_exist():
            self.data, self.targets = self._load_legacy_data()
            return
        if download:
            self.download()
        missing = [p for p in self._raw_files() if _readable(p) is None]
        if missing:
            raise _not_found(missing)
        self.data, self.targets = self._load_data()

    # -- deprecated names, as torchvision keeps them
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets", stacklevel=2)
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets", stacklevel=2)
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data", stacklevel=2)
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data", stacklevel=2)
        return self.data

    # -- files
    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def processed_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "processed")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.classes)}

    def _raw_files(self) -> list[str]:
        """The decompressed files this dataset needs (all four for MNIST, as torchvision)."""
        return [
            os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])
            for url, _ in self.resources
        ]

    def _check_exists(self) -> bool:
        return all(_readable(p) is not None for p in self._raw_files())

    def _check_legacy_exist(self) -> bool:
        """Old torchvision versions cached ``processed/training.pt`` and ``test.pt``."""
        if not os.path.exists(self.processed_folder):
            return False
        files = (self.training_file, self.test_file)
        return all(check_integrity(os.path.join(self.processed_folder, f)) for f in files)

    def _load_legacy_data(self):
        from ...serialization import load

        name = self.training_file if self.train else self.test_file
        return load(os.path.join(self.processed_folder, name), weights_only=True)

    def _load_data(self):
        split = "train" if self.train else "t10k"
        images = read_image_file(os.path.join(self.raw_folder, f"{split}-images-idx3-ubyte"))
        labels = read_label_file(os.path.join(self.raw_folder, f"{split}-labels-idx1-ubyte"))
        return images, labels

    def download(self) -> None:
        """Fetch the files that are missing, each from the first of :attr:`mirrors` that
        answers, check its MD5 and decompress it into :attr:`raw_folder`."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            for mirror in self.mirrors:
                url = f"{mirror}{filename}"
                try:
                    print(f"Downloading {url}")
                    download_and_extract_archive(
                        url, download_root=self.raw_folder, filename=filename, md5=md5
                    )
                except URLError as error:
                    print(f"Failed to download (trying next):\n{error}")
                    continue
                finally:
                    print()
                break
            else:
                raise RuntimeError(
                    f"Error downloading {filename}: no mirror answered ({', '.join(self.mirrors)})"
                )

    # -- samples
    def __getitem__(self, index: int):
        """``(image, target)``: a PIL image of mode ``"L"`` and the class index (an int)."""
        img, target = self.data[index], int(self.targets[index])
        img = array_to_pil(img.numpy())
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """`Fashion-MNIST <https://github.com/zalandoresearch/fashion-mnist>`_: Zalando's article
    images, in MNIST's format and sizes (``root/FashionMNIST/raw/...``); arguments as
    :class:`MNIST`."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]


class KMNIST(MNIST):
    """`Kuzushiji-MNIST <https://github.com/rois-codh/kmnist>`_: cursive Japanese characters in
    MNIST's format (``root/KMNIST/raw/...``); arguments as :class:`MNIST`."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
        ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
        ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
        ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134"),
    ]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]


class EMNIST(MNIST):
    """`EMNIST <https://www.nist.gov/itl/products-and-services/emnist-dataset>`_: handwritten
    letters and digits, in one of six ``split``\\ s: ``"byclass"``, ``"bymerge"``,
    ``"balanced"``, ``"letters"``, ``"digits"``, ``"mnist"``.

    The files are ``root/EMNIST/raw/emnist-<split>-<train|test>-images-idx3-ubyte`` (and
    ``-labels-idx1-ubyte``); the download is NIST's ``gzip.zip`` holding all splits. Other
    arguments as :class:`MNIST`.
    """

    url = "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip"
    md5 = "58c8d27c78d21e728a6bc7b3cc06412e"
    splits = ("byclass", "bymerge", "balanced", "letters", "digits", "mnist")
    # Letters whose upper and lower case are merged into one class (they look alike).
    _merged_classes = {"c", "i", "j", "k", "l", "m", "o", "p", "s", "u", "v", "w", "x", "y", "z"}
    _all_classes = set(string.digits + string.ascii_letters)
    classes_split_dict = {
        "byclass": sorted(_all_classes),
        "bymerge": sorted(_all_classes - _merged_classes),
        "balanced": sorted(_all_classes - _merged_classes),
        "letters": ["N/A", *string.ascii_lowercase],
        "digits": list(string.digits),
        "mnist": list(string.digits),
    }

    def __init__(self, root, split: str, **kwargs) -> None:
        self.split = verify_str_arg(split, "split", self.splits)
        self.training_file = f"training_{split}.pt"
        self.test_file = f"test_{split}.pt"
        super().__init__(root, **kwargs)
        self.classes = self.classes_split_dict[self.split]

    @property
    def _file_prefix(self) -> str:
        return f"emnist-{self.split}-{'train' if self.train else 'test'}"

    @property
    def images_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-images-idx3-ubyte")

    @property
    def labels_file(self) -> str:
        return os.path.join(self.raw_folder, f"{self._file_prefix}-labels-idx1-ubyte")

    def _raw_files(self) -> list[str]:
        return [self.images_file, self.labels_file]

    def _load_data(self):
        return read_image_file(self.images_file), read_label_file(self.labels_file)

    def download(self) -> None:
        """Fetch NIST's ``gzip.zip`` (MD5 checked) and decompress every split into
        :attr:`raw_folder`."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, download_root=self.raw_folder, md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, "gzip")
        for name in os.listdir(gzip_folder):
            if name.endswith(".gz"):
                extract_archive(os.path.join(gzip_folder, name), self.raw_folder)
        shutil.rmtree(gzip_folder)


class QMNIST(MNIST):
    """`QMNIST <https://github.com/facebookresearch/qmnist>`_: MNIST reconstructed from NIST,
    with the test set extended to 60,000 digits and extra information per digit.

    Args:
        root: folder holding ``QMNIST/raw/``.
        what: ``"train"``, ``"test"`` (60,000 digits), ``"test10k"`` (the first 10,000: MNIST's
            test set), ``"test50k"`` (the other 50,000) or ``"nist"`` (all NIST digits);
            by default ``"train"`` or ``"test"`` according to ``train``.
        compat: the target is the class index (an int) if True, else the whole row of the
            label file (an int64 tensor of 8 values: class, NIST writer, ... as QMNIST's
            README describes).
        train, transform, target_transform, download: as :class:`MNIST`.
    """

    subsets = {
        "train": "train",
        "test": "test",
        "test10k": "test",
        "test50k": "test",
        "nist": "nist",
    }
    _QMNIST = "https://raw.githubusercontent.com/facebookresearch/qmnist/master/"
    resources = {
        "train": [
            (f"{_QMNIST}qmnist-train-images-idx3-ubyte.gz", "ed72d4157d28c017586c42bc6afe6370"),
            (f"{_QMNIST}qmnist-train-labels-idx2-int.gz", "0058f8dd561b90ffdd0f734c6a30e5e4"),
        ],
        "test": [
            (f"{_QMNIST}qmnist-test-images-idx3-ubyte.gz", "1394631089c404de565df7b7aeaf9412"),
            (f"{_QMNIST}qmnist-test-labels-idx2-int.gz", "5b5b05890a5e13444e108efe57b788aa"),
        ],
        "nist": [
            (f"{_QMNIST}xnist-images-idx3-ubyte.xz", "7f124b3b8ab81486c9d8c2749c17f834"),
            (f"{_QMNIST}xnist-labels-idx2-int.xz", "5ed0e788978e45d4a8bd4b7caec3d79d"),
        ],
    }
    classes = _DIGITS

    def __init__(self, root, what: str | None = None, compat: bool = True, train=True, **kwargs):
        if what is None:
            what = "train" if train else "test"
        self.what = verify_str_arg(what, "what", tuple(self.subsets))
        self.compat = compat
        self.data_file = what + ".pt"
        self.training_file = self.data_file
        self.test_file = self.data_file
        super().__init__(root, train, **kwargs)

    def _file(self, i: int) -> str:
        url = self.resources[self.subsets[self.what]][i][0]
        return os.path.join(self.raw_folder, os.path.splitext(os.path.basename(url))[0])

    @property
    def images_file(self) -> str:
        return self._file(0)

    @property
    def labels_file(self) -> str:
        return self._file(1)

    def _raw_files(self) -> list[str]:
        return [self.images_file, self.labels_file]

    def _load_data(self):
        data = read_sn3_pascalvincent_tensor(self.images_file)
        if data.dtype != ember.uint8:
            raise TypeError(f"data should be of dtype torch.uint8 instead of {data.dtype}")
        if data.ndim != 3:
            raise ValueError(f"data should have 3 dimensions instead of {data.ndim}")
        targets = read_sn3_pascalvincent_tensor(self.labels_file).long()
        if targets.ndim != 2:
            raise ValueError(f"targets should have 2 dimensions instead of {targets.ndim}")
        if self.what == "test10k":
            data, targets = data[0:10000].clone(), targets[0:10000].clone()
        elif self.what == "test50k":
            data, targets = data[10000:].clone(), targets[10000:].clone()
        return data, targets

    def download(self) -> None:
        """Fetch (MD5 checked) and decompress only the files of the subset asked for."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for url, md5 in self.resources[self.subsets[self.what]]:
            download_and_extract_archive(url, self.raw_folder, md5=md5)

    def __getitem__(self, index: int):
        """``(image, target)``: a PIL image of mode ``"L"``; the target is the class index
        with ``compat=True``, else the label row (an int64 tensor)."""
        img, target = self.data[index], self.targets[index]
        img = array_to_pil(img.numpy())
        if self.transform is not None:
            img = self.transform(img)
        if self.compat:
            target = int(target[0])
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def extra_repr(self) -> str:
        return f"Split: {self.what}"


# ---------------------------------------------------------------- the IDX ("SN3") format
# Big-endian element types by the type byte of the magic number.
_SN3_TYPES = {8: ">u1", 9: ">i1", 11: ">i2", 12: ">i4", 13: ">f4", 14: ">f8"}


def _read_bytes(path) -> bytes:
    path = os.fspath(path)
    found = _readable(path) or path
    opener = {".gz": gzip.open, ".xz": lzma.open}.get(os.path.splitext(found)[1], open)
    with opener(found, "rb") as f:
        return f.read()


def read_sn3_pascalvincent_tensor(path, strict: bool = True):
    """Read an IDX file (the "SN3" format of LeCun's MNIST page, after Pascal Vincent's Lush
    reader) into a tensor of its element type and shape.

    The file may also be the same name gzipped or xz-compressed (``path + ".gz"``). The magic
    number's third byte gives the type (uint8, int8, int16, int32, float32, float64, stored
    big-endian) and the fourth the number of dimensions, whose sizes follow as 32-bit
    big-endian integers. With ``strict``, the element count must match the sizes.
    """
    data = _read_bytes(path)
    nd, ty = data[3], data[2]
    if data[0] or data[1] or not 1 <= nd <= 3 or ty not in _SN3_TYPES:
        raise ValueError(f"{path} is not an IDX file (magic number {data[:4].hex()})")
    shape = [int.from_bytes(data[4 * (i + 1) : 4 * (i + 2)], "big") for i in range(nd)]
    big = np.dtype(_SN3_TYPES[ty])
    body = np.frombuffer(data, dtype=big, offset=4 * (nd + 1))
    if strict and body.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {body.size} elements, but the header says {shape}")
    array = body[: int(np.prod(shape))].astype(big.newbyteorder("="))  # native order, writable
    return ember.from_numpy(array.reshape(shape))


def read_label_file(path):
    """The labels of an IDX label file (``*-labels-idx1-ubyte``) as an int64 tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 1:
        raise ValueError(f"x should have 1 dimension instead of {x.ndim}")
    return x.long()


def read_image_file(path):
    """The images of an IDX image file (``*-images-idx3-ubyte``) as a uint8 (N, H, W) tensor."""
    x = read_sn3_pascalvincent_tensor(path, strict=False)
    if x.dtype != ember.uint8:
        raise TypeError(f"x should be of dtype torch.uint8 instead of {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"x should have 3 dimension instead of {x.ndim}")
    return x
