"""SST-2 binary sentiment, GLUE's version (torchtext.datasets.SST2)."""

from __future__ import annotations

import csv
import os

from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, splits, unpacked

__all__ = ["SST2"]

URL = "https://dl.fbaipublicfiles.com/glue/data/SST-2.zip"

MD5 = "9f81648d4199384278b86e315dac217c"

NUM_LINES = {
    "train": 67349,
    "dev": 872,
    "test": 1821,
}

_PATH = "SST-2.zip"

DATASET_NAME = "SST2"

_EXTRACTED_FILES = {
    "train": os.path.join("SST-2", "train.tsv"),
    "dev": os.path.join("SST-2", "dev.tsv"),
    "test": os.path.join("SST-2", "test.tsv"),
}


def _read(path: str, labelled: bool):
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(f, delimiter="\t")
        next(rows, None)  # the header
        for row in rows:
            yield (row[0].strip(), int(row[1])) if labelled else (row[1].strip(),)


def SST2(root: str = DEFAULT_ROOT, split=("train", "dev", "test"), *, download: bool = True):
    """The Stanford Sentiment Treebank, binary version of GLUE (SST-2),
    https://nlp.stanford.edu/sentiment/.

    Reads the tab-separated files ``root/SST2/SST-2/{train,dev,test}.tsv`` (a header line, then
    ``sentence<TAB>label``; the test file is ``index<TAB>sentence``), unpacking
    ``root/SST2/SST-2.zip`` first if only the archive is there, and downloading it
    (torchtext's URL, MD5 checked) when it is missing too, unless ``download=False`` (then a
    ``FileNotFoundError`` names the files).

    Number of lines per split: train 67349, dev 872, test 1821.

    Args:
        root: the folder that holds the ``SST2`` folder.
        split: ``"train"``, ``"dev"``, ``"test"``, or a tuple of them.
        download: fetch the archive if needed (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding ``(text, label)``, ``label`` 0 (negative) or 1
        (positive); the test split, which has no labels, yields ``(text,)``.
    """

    def make(s):
        base = dataset_dir(root, DATASET_NAME)
        path = unpacked(DATASET_NAME, base, _EXTRACTED_FILES[s], _PATH, URL, MD5, download)
        return TextIterableDataset(DATASET_NAME, s, _read, path, s != "test")

    return splits(DATASET_NAME, split, ("train", "dev", "test"), make)
