"""``SVHN``: Street View House Numbers, from the original ``.mat`` files (torchvision's ``svhn``).

Reading them needs SciPy (``scipy.io.loadmat``), an optional dependency, imported on first use.
"""

from __future__ import annotations

import os

import numpy as np

from ..io._pil import array_to_pil
from .utils import check_integrity, download_url, verify_str_arg
from .vision import VisionDataset

__all__ = ["SVHN"]


class SVHN(VisionDataset):
    """`SVHN <http://ufldl.stanford.edu/housenumbers/>`_: 32x32 colour crops of house-number
    digits. The files give the digit 0 the label 10; here it is 0, as in torchvision, so the
    labels lie in [0, 9] as loss functions expect.

    Args:
        root: folder holding ``train_32x32.mat``, ``test_32x32.mat`` or ``extra_32x32.mat``.
        split: ``"train"``, ``"test"`` or ``"extra"`` (the extra training set).
        transform: applied to each PIL image (mode ``"RGB"``).
        target_transform: applied to each integer label.
        download: fetch the split's file into ``root`` (MD5 checked) unless it is there.

    ``data`` is a NumPy uint8 array of shape (N, 3, 32, 32), ``labels`` an int64 array.
    """

    split_list = {
        "train": [
            "http://ufldl.stanford.edu/housenumbers/train_32x32.mat",
            "train_32x32.mat",
            "e26dedcc434d2e4c54c9b2d4a06d8373",
        ],
        "test": [
            "http://ufldl.stanford.edu/housenumbers/test_32x32.mat",
            "test_32x32.mat",
            "eb5a983be6a315427106f1b164d9cef3",
        ],
        "extra": [
            "http://ufldl.stanford.edu/housenumbers/extra_32x32.mat",
            "extra_32x32.mat",
            "a93ce644f1a588dc4d68dda5feec44a7",
        ],
    }

    def __init__(
        self, root, split: str = "train", transform=None, target_transform=None, download=False
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.split = verify_str_arg(split, "split", tuple(self.split_list))
        self.url, self.filename, self.file_md5 = self.split_list[split]
        if download:
            self.download()
        path = os.path.join(self.root, self.filename)
        if not self._check_integrity():
            raise RuntimeError(
                "Dataset not found or corrupted. You can use download=True to download it "
                f"(missing or wrong MD5: {path})"
            )
        try:
            import scipy.io as sio
        except ImportError as e:  # pragma: no cover - SciPy is in the test extras
            raise ImportError("SVHN reads .mat files with SciPy: pip install scipy") from e
        loaded = sio.loadmat(path)
        # X is (H, W, C, N); the labels are (N, 1) with 10 standing for the digit 0.
        self.data = np.transpose(loaded["X"], (3, 2, 0, 1))
        self.labels = loaded["y"].astype(np.int64).squeeze()
        np.place(self.labels, self.labels == 10, 0)

    def __getitem__(self, index: int):
        """``(image, target)``: a PIL image of mode ``"RGB"`` and the digit (an int)."""
        img, target = self.data[index], int(self.labels[index])
        img = array_to_pil(np.transpose(img, (1, 2, 0)))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def _check_integrity(self) -> bool:
        return check_integrity(os.path.join(self.root, self.filename), self.file_md5)

    def download(self) -> None:
        """Fetch the split's ``.mat`` file (nothing when it is there with its MD5)."""
        download_url(self.url, self.root, self.filename, self.file_md5)

    def extra_repr(self) -> str:
        return f"Split: {self.split}"
