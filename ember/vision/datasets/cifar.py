"""CIFAR-10 and CIFAR-100, read from the original Python batches (``torchvision.datasets.cifar``).

The batches are pickles. They are read with a restricted unpickler that admits only what those
files hold: dicts, lists, strings, bytes, numbers, and NumPy arrays of plain (non-object)
dtypes. Any other global a file names (a function, a class, ``os.system``, ...) makes loading
fail with ``pickle.UnpicklingError`` before anything is called, so a batch never runs code.
"""

from __future__ import annotations

import io
import os
import pickle

import numpy as np

from ..io._pil import array_to_pil
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100"]


class _NdarrayClass:
    """Stands for ``numpy.ndarray`` in a pickle: only :func:`_reconstruct` accepts it, so the
    file cannot instantiate the real class any other way (NEWOBJ, REDUCE)."""


def _reconstruct(subtype, shape, dtype):
    """``numpy.core.multiarray._reconstruct`` for a plain ndarray only; its data comes with the
    BUILD opcode that follows (``ndarray.__setstate__``, which checks the size)."""
    if subtype is not _NdarrayClass or not isinstance(dtype, (bytes, str)):
        raise pickle.UnpicklingError("CIFAR batch: unexpected array reconstruction arguments")
    return np.ndarray.__new__(np.ndarray, (0,), np.uint8)


def _dtype(spec, align=False, copy=False):
    """``numpy.dtype`` for plain element types (numbers, bytes, text): never objects."""
    if not isinstance(spec, str) or not isinstance(align, (bool, int)):
        raise pickle.UnpicklingError(f"CIFAR batch: unexpected dtype {spec!r}")
    dtype = np.dtype(spec, bool(align), True)  # always a copy: BUILD then sets its state
    if dtype.hasobject or dtype.kind not in "biufcSU":
        raise pickle.UnpicklingError(f"CIFAR batch: dtype {spec!r} is not allowed")
    return dtype


def _latin1(text, encoding="utf-8"):
    """``_codecs.encode`` as Python 3's protocol-2 pickles use it for bytes: latin1 only."""
    if not isinstance(text, str) or encoding != "latin1":
        raise pickle.UnpicklingError("CIFAR batch: unexpected _codecs.encode call")
    return text.encode("latin1")


_ALLOWED = {
    ("_codecs", "encode"): _latin1,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): _NdarrayClass,
    ("numpy", "dtype"): _dtype,
}


class _BatchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"CIFAR batch names {module}.{name}, which a CIFAR batch never holds; "
                "refusing to load it"
            ) from None

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("CIFAR batch: persistent ids are not allowed")


def _load_batch(path) -> dict:
    """Unpickle a CIFAR batch (written by Python 2: ``latin1`` decodes its byte strings)."""
    with open(path, "rb") as f:
        data = f.read()
    entry = _BatchUnpickler(io.BytesIO(data), encoding="latin1").load()
    if not isinstance(entry, dict):
        raise pickle.UnpicklingError(f"{path}: a CIFAR batch is a dict, got {type(entry).__name__}")
    for value in entry.values():
        if isinstance(value, np.ndarray) and value.dtype.hasobject:  # pragma: no cover
            raise pickle.UnpicklingError(f"{path}: object arrays are not allowed")
    return entry


class CIFAR10(VisionDataset):
    """`CIFAR-10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: 60,000 32x32 colour images
    in 10 classes.

    Args:
        root: folder holding ``cifar-10-batches-py/`` (``data_batch_1`` ... ``data_batch_5``,
            ``test_batch``, ``batches.meta``), or where the download is unpacked.
        train: the 50,000 training images if True, else the 10,000 test images.
        transform: applied to each PIL image (mode ``"RGB"``).
        target_transform: applied to each integer label.
        download: fetch ``cifar-10-python.tar.gz`` into ``root`` (MD5 checked) and unpack it,
            unless the batches are there and verified.

    ``data`` is a NumPy uint8 array of shape (N, 32, 32, 3) (HWC), ``targets`` a list of ints,
    ``classes`` the label names from ``batches.meta``.
    """

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = "c58f30108f718f92721af3b95e74349a"
    train_list = [
        ["data_batch_1", "c99cafc152244af753f735de768cd75f"],
        ["data_batch_2", "d4bba439e000b95fd0a9bffe97cbabec"],
        ["data_batch_3", "54ebc095f3ab1f0389bbae665268c751"],
        ["data_batch_4", "634d18415352ddfa80567beed471001a"],
        ["data_batch_5", "482c414d41f54cd18b22e5b47cb7c3cb"],
    ]
    test_list = [["test_batch", "40351d587109b95175f43aff81a1287e"]]
    meta = {
        "filename": "batches.meta",
        "key": "label_names",
        "md5": "5ff9c542aee3614f3951f8cda6e48888",
    }

    def __init__(
        self, root, train: bool = True, transform=None, target_transform=None, download=False
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        bad = self._failed_files()
        if bad:
            raise RuntimeError(
                "Dataset not found or corrupted. You can use download=True to download it "
                f"(missing or wrong MD5: {', '.join(bad)})"
            )
        data, self.targets = [], []
        for name, _ in self.train_list if self.train else self.test_list:
            entry = _load_batch(os.path.join(self.root, self.base_folder, name))
            data.append(entry["data"])
            self.targets.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
        self.data = np.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))  # to HWC
        self._load_meta()

    def _load_meta(self) -> None:
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if not check_integrity(path, self.meta["md5"]):
            raise RuntimeError(
                "Dataset metadata file not found or corrupted. You can use download=True to "
                f"download it ({path})"
            )
        self.classes = _load_batch(path)[self.meta["key"]]
        self.class_to_idx = {name: i for i, name in enumerate(self.classes)}

    def __getitem__(self, index: int):
        """``(image, target)``: a PIL image of mode ``"RGB"`` and the class index (an int)."""
        img, target = self.data[index], self.targets[index]
        img = array_to_pil(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def _failed_files(self) -> list[str]:
        files = [os.path.join(self.root, self.base_folder, name) for name, _ in self.train_list]
        files += [os.path.join(self.root, self.base_folder, name) for name, _ in self.test_list]
        md5s = [md5 for _, md5 in self.train_list + self.test_list]
        return [f for f, md5 in zip(files, md5s) if not check_integrity(f, md5)]

    def _check_integrity(self) -> bool:
        return not self._failed_files()

    def download(self) -> None:
        """Fetch and unpack the archive, unless every batch is present with its MD5."""
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """`CIFAR-100 <https://www.cs.toronto.edu/~kriz/cifar.html>`_: as :class:`CIFAR10` with
    100 classes (``cifar-100-python/``: ``train``, ``test``, ``meta``); ``targets`` are the
    fine labels, ``classes`` the fine label names."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    tgz_md5 = "eb9058c3a382ffc7106e4002c42a8d85"
    train_list = [["train", "16019d7e3df5f24257cddd939b257f8d"]]
    test_list = [["test", "f0ef6b0ae62326f3e7ffdfab6717acfc"]]
    meta = {
        "filename": "meta",
        "key": "fine_label_names",
        "md5": "7973b15100ade9c7d40fb424638fde48",
    }
