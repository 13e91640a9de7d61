"""Helpers shared by the vision examples: where the data is, and a one-line error when it is not.

The examples read datasets through ``ember.vision.datasets`` exactly as torchvision's would,
from torchvision's layout (``<root>/MNIST/raw/train-images-idx3-ubyte`` ...). ``--data`` may
point at either of two layouts:

- torchvision's: ``<data>/MNIST/raw/``, ``<data>/FashionMNIST/raw/`` (what ``download=True``
  writes); missing files are downloaded there;
- the flat one of the project's shared data folder: ``<data>/mnist/*.gz``,
  ``<data>/fashion-mnist/*.gz`` with the original file names. Those are unpacked once, as
  torchvision's download step would unpack them, into a cache folder in torchvision's layout
  (``$EMBER_EXAMPLES_CACHE``, default ``<tmp>/ember-examples``), and the dataset reads that.

With no ``--data``, the shared folder ``../shared/data`` (beside the repository) is used when it
exists, else ``./data`` with ``download=True``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
import uuid
from pathlib import Path

from ember.utils.data import Subset

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

# torchvision's dataset class name -> the folder of the flat (shared) layout
FLAT_FOLDERS = {"MNIST": "mnist", "FashionMNIST": "fashion-mnist"}
IDX_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def default_data() -> Path:
    """``../shared/data`` beside the repository when it exists, else ``./data``."""
    return SHARED if SHARED.is_dir() else Path("data")


def cache_folder() -> Path:
    """Where the flat layout is unpacked into torchvision's (``$EMBER_EXAMPLES_CACHE``)."""
    override = os.environ.get("EMBER_EXAMPLES_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / "ember-examples"


def dataset_root(data, name: str) -> tuple[Path, bool]:
    """The ``root`` to give ``datasets.<name>(root, ...)`` for ``--data``, and its ``download``.

    ``data`` None means :func:`default_data`. A folder in the flat layout is unpacked into
    :func:`cache_folder` (once; it is reused while newer than the ``.gz`` files) and that folder
    is returned with ``download=False``; any other folder is returned as it is with
    ``download=True``, so torchvision's layout is used when present and fetched when not.
    """
    data = default_data() if data is None else Path(data).expanduser()
    flat = data / FLAT_FOLDERS[name]
    sources = [flat / f"{stem}.gz" for stem in IDX_FILES]
    if not all(source.is_file() for source in sources):
        return data, True
    raw = cache_folder() / name / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for source in sources:
        target = raw / source.stem
        if target.is_file() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        # unpack beside the target and rename, so a concurrent run never reads half a file
        partial = raw / f".{source.stem}.{uuid.uuid4().hex}.partial"
        with gzip.open(source, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(partial, target)
    return raw.parent.parent, False


def open_dataset(dataset_class, data, **kwargs):
    """``dataset_class(root, download=..., **kwargs)`` for ``--data``.

    A dataset that is absent and cannot be downloaded ends the program with one line naming
    the folder and what was wrong (``SystemExit``), not a traceback.
    """
    name = dataset_class.__name__
    root, download = dataset_root(data, name)
    try:
        return dataset_class(root, download=download, **kwargs)
    except (RuntimeError, OSError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise SystemExit(
            f"error: {name} is not under {root} and could not be fetched ({reason}). Point "
            f"--data at a folder holding {FLAT_FOLDERS[name]}/*.gz or {name}/raw/."
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
