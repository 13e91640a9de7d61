"""What the text datasets share: the split argument, the dataset object, and finding (or
fetching) the original files under ``root/<DATASET_NAME>/``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from urllib.error import URLError

from ...utils.data import IterableDataset
from ...vision.datasets import utils as _fetch
from ..utils import extract_archive

DEFAULT_ROOT = ".data"


class TextIterableDataset(IterableDataset):
    """An iterable dataset over one split, read from its files anew on each iteration (so it
    can be iterated again, and :func:`~ember.text.data.to_map_style_dataset` reads it whole).

    ``reader(*args)`` returns the iterator over the items; it is a module-level function, so
    the dataset pickles (DataLoader workers)."""

    def __init__(self, name: str, split: str, reader: Callable[..., Iterator], *args):
        super().__init__()
        self.name = name
        self.split = split
        self._reader = reader
        self._args = args

    def __iter__(self) -> Iterator:
        return self._reader(*self._args)

    def __repr__(self) -> str:
        return f"{self.name}(split={self.split!r})"


def splits(name: str, split, valid: tuple[str, ...], make: Callable[[str], object]):
    """One dataset for a split given as a string, a tuple of them for a tuple (or list) of
    splits; torchtext's ``TypeError`` for a split the dataset lacks."""
    chosen = (split,) if isinstance(split, str) else tuple(split)
    if not set(chosen).issubset(valid):
        raise TypeError(
            f"Given selection {chosen} of splits is not supported for dataset {name}. "
            f"Please choose from {valid}."
        )
    if isinstance(split, str):
        return make(split)
    return tuple(make(s) for s in chosen)


def dataset_dir(root, name: str) -> str:
    """``root/name``, where torchtext keeps a dataset's files."""
    return os.path.join(os.path.expanduser(os.fspath(root)), name)


def fetch(name: str, path: str, url: str, md5: str | None, download: bool) -> str:
    """Return ``path``, downloading ``url`` there first (checked against ``md5``) when the file
    is missing and ``download`` is true. A file already there is used as it is."""
    if os.path.isfile(path):
        return path
    if not download:
        raise FileNotFoundError(
            f"{name}: {path} not found. Pass download=True to fetch it from {url}, or put the "
            "original file there yourself."
        )
    try:
        _fetch.download_url(url, os.path.dirname(path), os.path.basename(path), md5=md5)
    except (URLError, OSError) as e:
        raise RuntimeError(
            f"{name}: could not download {url} to {path} ({e}). Download it yourself and put "
            "it at that path."
        ) from e
    except RuntimeError:
        if os.path.isfile(path):  # a corrupt download must not be taken for the file next time
            os.remove(path)
        raise
    return path


def unpacked(name: str, folder: str, wanted: str, archive: str, url: str, md5, download: bool):
    """The path of ``wanted`` (relative to ``folder``), unpacking the archive ``archive`` (a
    file name in ``folder``, fetched from ``url`` if missing) first when it is not there."""
    target = os.path.join(folder, wanted)
    if os.path.exists(target):
        return target
    archive_path = os.path.join(folder, archive)
    if not os.path.isfile(archive_path) and not download:
        raise FileNotFoundError(
            f"{name}: neither {target} nor the archive {archive_path} was found. Pass "
            f"download=True to fetch the archive from {url}, or put the original archive (or "
            "its unpacked files) there yourself."
        )
    fetch(name, archive_path, url, md5, download)
    extract_archive(archive_path, folder)
    if not os.path.exists(target):
        raise RuntimeError(f"{name}: {archive_path} holds no {wanted}")
    return target
