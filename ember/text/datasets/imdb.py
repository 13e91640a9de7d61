"""IMDB movie-review sentiment (torchtext.datasets.IMDB)."""

from __future__ import annotations

import os

from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, splits, unpacked

__all__ = ["IMDB"]

URL = "http://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"

MD5 = "7c2ac02c03563afcf9b574c7e56c153a"

NUM_LINES = {
    "train": 25000,
    "test": 25000,
}

MAP_LABELS = {"neg": 1, "pos": 2}

_PATH = "aclImdb_v1.tar.gz"

DATASET_NAME = "IMDB"


def _read(folder: str):
    for label, value in MAP_LABELS.items():
        directory = os.path.join(folder, label)
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".txt"):
                continue
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                lines = [line for line in f.read().splitlines() if line.strip()]
            yield value, " ".join(lines)


def IMDB(root: str = DEFAULT_ROOT, split=("train", "test"), *, download: bool = True):
    """The IMDB Large Movie Review dataset: 50000 reviews labelled negative or positive,
    http://ai.stanford.edu/~amaas/data/sentiment/.

    Reads the original layout, ``root/IMDB/aclImdb/<split>/{neg,pos}/<id>_<rating>.txt`` (the
    unlabelled ``unsup`` reviews are left out), unpacking ``root/IMDB/aclImdb_v1.tar.gz`` first
    if only the archive is there, and downloading it (torchtext's URL, MD5 checked) when it is
    missing too, unless ``download=False`` (then a ``FileNotFoundError`` names the files).

    Number of lines per split: train 25000, test 25000.

    Args:
        root: the folder that holds the ``IMDB`` folder.
        split: ``"train"``, ``"test"``, or a tuple of them.
        download: fetch the archive if needed (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding ``(label, text)``: ``label`` 1 (negative) or 2
        (positive), ``text`` the review. The negative reviews come first, then the positive
        ones, each in file-name order.
    """

    def make(s):
        base = dataset_dir(root, DATASET_NAME)
        folder = unpacked(DATASET_NAME, base, os.path.join("aclImdb", s), _PATH, URL, MD5, download)
        return TextIterableDataset(DATASET_NAME, s, _read, folder)

    return splits(DATASET_NAME, split, ("train", "test"), make)
