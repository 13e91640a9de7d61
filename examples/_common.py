"""Helpers shared by the examples: where the data is, and a one-line error when it is not.

The examples read datasets through ``ember.vision.datasets`` and ``ember.text.datasets`` exactly
as torchvision's and torchtext's would, from those libraries' layouts
(``<root>/MNIST/raw/train-images-idx3-ubyte.gz``, ``<root>/AG_NEWS/test.csv`` ...). ``--data``
may point at either of two layouts:

- the libraries' own (what ``download=True`` writes); missing files are downloaded there;
- the flat one of the project's shared data folder: ``<data>/mnist/*.gz``,
  ``<data>/fashion-mnist/*.gz``, ``<data>/ag_news/test.csv``, ``<data>/multi30k/*.gz`` with the
  original file names. Those are linked (copied where links are not allowed) once into a cache
  folder in the libraries' layout (``$EMBER_EXAMPLES_CACHE``, default ``<tmp>/ember-examples``),
  and the dataset reads that (the datasets read the gzipped files as they are).

With no ``--data``, the shared folder ``../shared/data`` (beside the repository) is used when it
exists, else ``./data`` with ``download=True``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

from ember.utils.data import Subset

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

IDX_FILES = tuple(
    f"{split}-{kind}-idx{dims}-ubyte.gz"
    for split in ("train", "t10k")
    for kind, dims in (("images", 3), ("labels", 1))
)
# dataset name -> (folder of the flat layout, its files, where the library's layout keeps them)
FLAT = {
    "MNIST": ("mnist", IDX_FILES, "MNIST/raw"),
    "FashionMNIST": ("fashion-mnist", IDX_FILES, "FashionMNIST/raw"),
    "AG_NEWS": ("ag_news", ("test.csv",), "AG_NEWS"),
    "Multi30k": (
        "multi30k",
        tuple(
            f"{split}.{lang}.gz"
            for split in ("train", "val", "test_2016_flickr")
            for lang in ("en", "de")
        ),
        "Multi30k",
    ),
}


def default_data() -> Path:
    """``../shared/data`` beside the repository when it exists, else ``./data``."""
    return SHARED if SHARED.is_dir() else Path("data")


def cache_folder() -> Path:
    """Where the flat layout is mirrored in the libraries' (``$EMBER_EXAMPLES_CACHE``)."""
    override = os.environ.get("EMBER_EXAMPLES_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / "ember-examples"


def dataset_root(data, name: str) -> tuple[Path, bool]:
    """The ``root`` to give the dataset ``name`` for ``--data``, and its ``download``.

    ``data`` None means :func:`default_data`. A folder in the flat layout is mirrored into
    :func:`cache_folder` (once) and that folder is returned with ``download=False``; any other
    folder is returned as it is with ``download=True``, so the library's layout is used when
    present and fetched when not.
    """
    data = default_data() if data is None else Path(data).expanduser()
    folder, files, layout = FLAT[name]
    sources = [data / folder / file for file in files]
    if not all(source.is_file() for source in sources):
        return data, True
    mirror = cache_folder() / layout
    mirror.mkdir(parents=True, exist_ok=True)
    for source in sources:
        target = mirror / source.name
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            continue
        # made beside the target and renamed, so a concurrent run never sees half a file
        partial = mirror / f".{source.name}.{uuid.uuid4().hex}.partial"
        try:
            partial.symlink_to(source.resolve())
        except OSError:
            shutil.copyfile(source, partial)
        os.replace(partial, target)
    return cache_folder(), False


def open_dataset(dataset, data, **kwargs):
    """``dataset(root, download=..., **kwargs)`` for ``--data`` (a torchvision dataset class or
    a torchtext dataset function).

    A dataset that is absent and cannot be downloaded ends the program with one line naming
    the folder and what was wrong (``SystemExit``), not a traceback.
    """
    name = dataset.__name__
    root, download = dataset_root(data, name)
    try:
        return dataset(root, download=download, **kwargs)
    except (RuntimeError, OSError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        folder, _, layout = FLAT[name]
        raise SystemExit(
            f"error: {name} is not under {root} and could not be fetched ({reason}). Point "
            f"--data at a folder holding {folder}/ or {layout}/."
        ) from None


def checkpoint_path(path) -> Path:
    """``path`` as a Path, its folder created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def first(dataset, limit):
    """The first ``limit`` items of ``dataset`` (all of it when ``limit`` is None)."""
    if limit is None or limit >= len(dataset):
        return dataset
    return Subset(dataset, range(limit))
