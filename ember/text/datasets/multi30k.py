"""Multi30k German-English translation, task 1 (torchtext.datasets.Multi30k)."""

from __future__ import annotations

import gzip
import os

from ..utils import extract_archive
from ._common import DEFAULT_ROOT, TextIterableDataset, dataset_dir, fetch, splits

__all__ = ["Multi30k"]

# The task-1 raw files of the Multi30k repository, one sentence per line, gzipped, with the
# MD5s torchtext checked them with (up to 0.9). torchtext 0.18 fetches the same sentences as
# three archives (_ARCHIVES below), which are read too when found under root.
_BASE = "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw/"

_RAW = {"train": "train", "valid": "val", "test": "test_2016_flickr"}

URL = {
    split: {lang: f"{_BASE}{name}.{lang}.gz" for lang in ("de", "en")}
    for split, name in _RAW.items()
}

MD5 = {
    "train": {"de": "81ff90b99829c0cd4b1b587d394afd39", "en": "0065d13af80720a55ca8153d126e6627"},
    "valid": {"de": "6e0e229eb049e3fc99a1ef02fb2d5f91", "en": "2b69aa9253948ac9f67e94917272dd40"},
    "test": {"de": "efd67d314d98489b716b145475101932", "en": "ff2c0fcb4893a13bd73414306bc250ae"},
}

_ARCHIVES = {
    "train": "training.tar.gz",
    "valid": "validation.tar.gz",
    "test": "mmt16_task1_test.tar.gz",
}

_PREFIX = {
    "train": "train",
    "valid": "val",
    "test": "test",
}

NUM_LINES = {
    "train": 29000,
    "valid": 1014,
    "test": 1000,
}

DATASET_NAME = "Multi30k"


def _locate(folder: str, split: str, lang: str, download: bool) -> str:
    """The file of one language of one split: unpacked (torchtext 0.18's layout), the raw
    gzipped file, or unpacked from torchtext 0.18's archive; else the raw file is fetched."""
    plain = os.path.join(folder, f"{_PREFIX[split]}.{lang}")
    raw = os.path.join(folder, f"{_RAW[split]}.{lang}.gz")
    for path in (plain, raw):
        if os.path.isfile(path):
            return path
    archive = os.path.join(folder, _ARCHIVES[split])
    url = URL[split]
    if isinstance(url, str) and not os.path.isfile(archive):
        # URL[split] replaced by one archive's address, as scripts written for torchtext 0.18
        # do (multi30k.URL["train"] = ".../training.tar.gz"): fetch that archive (unchecked)
        fetch(DATASET_NAME, archive, url, None, download)
    if os.path.isfile(archive):
        extract_archive(archive, folder)
        if os.path.isfile(plain):
            return plain
        raise RuntimeError(f"{DATASET_NAME}: {archive} holds no {os.path.basename(plain)}")
    return fetch(DATASET_NAME, raw, url[lang], MD5[split][lang], download)


def _lines(path: str):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield line.rstrip("\r\n")


def _read(src_path: str, tgt_path: str):
    yield from zip(_lines(src_path), _lines(tgt_path))


def Multi30k(
    root: str = DEFAULT_ROOT,
    split=("train", "valid", "test"),
    language_pair=("de", "en"),
    *,
    download: bool = True,
):
    """The Multi30k dataset, task 1: English descriptions of Flickr30k images and their German
    translations, https://www.statmt.org/wmt16/multimodal-task.html#task1.

    Looks in ``root/Multi30k`` for each language of a split, in this order: the unpacked file
    torchtext 0.18 leaves there (``train.de``, ``val.de``, ``test.de``, ...), the Multi30k
    repository's gzipped raw file (``train.de.gz``, ``val.de.gz``, ``test_2016_flickr.de.gz``),
    torchtext 0.18's archive (``training.tar.gz``, ``validation.tar.gz``,
    ``mmt16_task1_test.tar.gz``, unpacked there). When none is present the raw file is
    downloaded from the Multi30k repository with its MD5 check, unless ``download=False`` (then
    a ``FileNotFoundError`` names the file). A script that sets ``multi30k.URL[split]`` to the
    address of one archive (as scripts for torchtext 0.18 do) gets that archive fetched and
    unpacked instead.

    Number of lines per split: train 29000, valid 1014, test 1000.

    Args:
        root: the folder that holds the ``Multi30k`` folder.
        split: ``"train"``, ``"valid"``, ``"test"``, or a tuple of them.
        language_pair: ``("de", "en")`` or ``("en", "de")``: source and target language.
        download: fetch missing files (an ember addition; torchtext always fetches).

    Returns:
        An iterable dataset per split yielding ``(source, target)`` sentence pairs, without
        their newlines.
    """
    assert len(language_pair) == 2, (
        "language_pair must contain only 2 elements: src and tgt language respectively"
    )
    assert tuple(sorted(language_pair)) == ("de", "en"), (
        "language_pair must be either ('de','en') or ('en', 'de')"
    )

    def make(s):
        folder = dataset_dir(root, DATASET_NAME)
        src, tgt = (_locate(folder, s, lang, download) for lang in language_pair)
        return TextIterableDataset(DATASET_NAME, s, _read, src, tgt)

    return splits(DATASET_NAME, split, ("train", "valid", "test"), make)
