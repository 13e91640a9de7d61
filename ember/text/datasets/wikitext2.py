"""WikiText-2 language modelling (torchtext.datasets.WikiText2)."""

from __future__ import annotations

import os

from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, splits, unpacked

__all__ = ["WikiText2"]

URL = "https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-2-v1.zip"

MD5 = "542ccefacc6c27f945fb54453812b3cd"

NUM_LINES = {
    "train": 36718,
    "valid": 3760,
    "test": 4358,
}

_PATH = "wikitext-2-v1.zip"

DATASET_NAME = "WikiText2"

_EXTRACTED_FILES = {
    "train": os.path.join("wikitext-2", "wiki.train.tokens"),
    "test": os.path.join("wikitext-2", "wiki.test.tokens"),
    "valid": os.path.join("wikitext-2", "wiki.valid.tokens"),
}


def _read_lines(path: str):
    with open(path, encoding="utf-8", newline="") as f:
        yield from f


def WikiText2(root: str = DEFAULT_ROOT, split=("train", "valid", "test"), *, download=True):
    """The WikiText-2 dataset: tokenised Wikipedia articles (Merity et al. 2016).

    Reads ``root/WikiText2/wikitext-2/wiki.<split>.tokens``, unpacking
    ``root/WikiText2/wikitext-2-v1.zip`` first if only the archive is there, and downloading it
    (torchtext's URL, MD5 checked) when it is missing too, unless ``download=False`` (then a
    ``FileNotFoundError`` names the files).

    Number of lines per split: train 36718, valid 3760, test 4358.

    Args:
        root: the folder that holds the ``WikiText2`` folder.
        split: ``"train"``, ``"valid"``, ``"test"``, or a tuple of them.
        download: fetch the archive if needed (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding the lines of the file as strings, each with its
        newline (blank lines included), as torchtext's does.
    """

    def make(s):
        base = dataset_dir(root, DATASET_NAME)
        path = unpacked(DATASET_NAME, base, _EXTRACTED_FILES[s], _PATH, URL, MD5, download)
        return TextIterableDataset(DATASET_NAME, s, _read_lines, path)

    return splits(DATASET_NAME, split, ("train", "valid", "test"), make)
