"""AG News topic classification (torchtext.datasets.AG_NEWS)."""

from __future__ import annotations

import csv
import os

from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, fetch, splits

__all__ = ["AG_NEWS"]

_BASE = "https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/"

URL = {
    "train": _BASE + "train.csv",
    "test": _BASE + "test.csv",
}

MD5 = {
    "train": "b1a00f826fdfbd249f79597b59e1dc12",
    "test": "d52ea96a97a2d943681189a97654912d",
}

NUM_LINES = {
    "train": 120000,
    "test": 7600,
}

DATASET_NAME = "AG_NEWS"


def _read(path: str):
    with open(path, encoding="utf-8") as f:
        for row in csv.reader(f):
            yield int(row[0]), " ".join(row[1:])


def AG_NEWS(root: str = DEFAULT_ROOT, split=("train", "test"), *, download: bool = True):
    """The AG News dataset: news articles in 4 classes (1 World, 2 Sports, 3 Business,
    4 Sci/Tech), https://paperswithcode.com/dataset/ag-news.

    Reads the original CSV files ``root/AG_NEWS/train.csv`` and ``test.csv`` (each row: class,
    title, description), downloading a missing one from torchtext's URL with its MD5 check
    unless ``download=False`` (then a missing file is a ``FileNotFoundError`` naming it).

    Number of lines per split: train 120000, test 7600.

    Args:
        root: the folder that holds the ``AG_NEWS`` folder.
        split: ``"train"``, ``"test"``, or a tuple of them.
        download: fetch missing files (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding ``(label, text)``, ``label`` an int from 1 to 4
        and ``text`` the title and the description joined by a space.
    """

    def make(s):
        path = os.path.join(dataset_dir(root, DATASET_NAME), f"{s}.csv")
        fetch(DATASET_NAME, path, URL[s], MD5[s], download)
        return TextIterableDataset(DATASET_NAME, s, _read, path)

    return splits(DATASET_NAME, split, ("train", "test"), make)
