"""Helpers shared by the text examples: where the data is, and a one-line error when it is not.

The examples read datasets through ``ember.text.datasets`` exactly as torchtext's would, from
torchtext's layout (``<root>/AG_NEWS/test.csv``, ``<root>/Multi30k/train.de.gz`` ...).
``--data`` may point at either of two layouts:

- torchtext's: ``<data>/AG_NEWS/``, ``<data>/Multi30k/`` (what ``download=True`` writes);
  missing files are downloaded there;
- the flat one of the project's shared data folder: ``<data>/ag_news/test.csv``,
  ``<data>/multi30k/train.en.gz`` ... with the original file names. Those are linked (or
  copied, where links are not allowed) once into a cache folder in torchtext's layout
  (``$EMBER_EXAMPLES_CACHE``, default ``<tmp>/ember-examples``), and the dataset reads that.

With no ``--data``, the shared folder ``../shared/data`` (beside the repository) is used when it
exists, else ``./data`` with ``download=True``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"

# torchtext's dataset name -> (the folder of the flat layout, the files it holds)
FLAT = {
    "AG_NEWS": ("ag_news", ("test.csv",)),
    "Multi30k": (
        "multi30k",
        tuple(
            f"{split}.{lang}.gz"
            for split in ("train", "val", "test_2016_flickr")
            for lang in ("en", "de")
        ),
    ),
}


def default_data() -> Path:
    """``../shared/data`` beside the repository when it exists, else ``./data``."""
    return SHARED if SHARED.is_dir() else Path("data")


def cache_folder() -> Path:
    """Where the flat layout is mirrored in torchtext's (``$EMBER_EXAMPLES_CACHE``)."""
    override = os.environ.get("EMBER_EXAMPLES_CACHE")
    return Path(override) if override else Path(tempfile.gettempdir()) / "ember-examples"


def dataset_root(data, name: str) -> tuple[Path, bool]:
    """The ``root`` to give ``datasets.<name>(root, ...)`` for ``--data``, and its ``download``.

    A folder in the flat layout is mirrored into :func:`cache_folder` and that folder is
    returned with ``download=False``; any other folder is returned as it is with
    ``download=True`` (torchtext's layout is used when present and fetched when not).
    """
    data = default_data() if data is None else Path(data).expanduser()
    folder, files = FLAT[name]
    sources = [data / folder / file for file in files]
    if not all(source.is_file() for source in sources):
        return data, True
    mirror = cache_folder() / name
    mirror.mkdir(parents=True, exist_ok=True)
    for source in sources:
        target = mirror / source.name
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            continue
        # make it beside the target and rename, so a concurrent run never sees half a file
        partial = mirror / f".{source.name}.{uuid.uuid4().hex}.partial"
        try:
            partial.symlink_to(source.resolve())
        except OSError:
            shutil.copyfile(source, partial)
        os.replace(partial, target)
    return mirror.parent, False


def open_dataset(dataset_fn, data, **kwargs):
    """``dataset_fn(root, download=..., **kwargs)`` for ``--data``.

    A dataset that is absent and cannot be downloaded ends the program with one line naming
    the folder and what was wrong (``SystemExit``), not a traceback.
    """
    name = dataset_fn.__name__
    root, download = dataset_root(data, name)
    try:
        return dataset_fn(root, download=download, **kwargs)
    except (RuntimeError, OSError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise SystemExit(
            f"error: {name} is not under {root} and could not be fetched ({reason}). Point "
            f"--data at a folder holding {FLAT[name][0]}/ or {name}/."
        ) from None


def checkpoint_path(path) -> Path:
    """``path`` as a Path, its folder created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
