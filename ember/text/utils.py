"""Downloading, checking and unpacking files (torchtext.utils), on the one fetch mechanism of
:mod:`ember.vision.datasets.utils`."""

from __future__ import annotations

import hashlib
import os
import tarfile
import zipfile

from ..vision.datasets import utils as _fetch

__all__ = ["download_from_url", "extract_archive", "validate_file"]


def validate_file(file_obj, hash_value: str, hash_type: str = "sha256") -> bool:
    """Whether the binary file object ``file_obj`` (read to its end) has the hex digest
    ``hash_value`` under ``hash_type`` (``"sha256"`` or ``"md5"``)."""
    if hash_type not in ("sha256", "md5"):
        raise ValueError(f"hash_type must be 'sha256' or 'md5', got {hash_type!r}")
    digest = hashlib.new(hash_type, usedforsecurity=False)
    while chunk := file_obj.read(1024**2):
        digest.update(chunk)
    return digest.hexdigest() == hash_value


def _check_hash(path: str, hash_value: str, hash_type: str) -> None:
    with open(path, "rb") as f:
        if not validate_file(f, hash_value, hash_type):
            raise RuntimeError(
                f"The hash of {os.path.abspath(path)} does not match. "
                "Delete the file manually and retry."
            )


def download_from_url(
    url: str,
    path: str | None = None,
    root: str = ".data",
    overwrite: bool = False,
    hash_value: str | None = None,
    hash_type: str = "sha256",
) -> str:
    """Download ``url`` to ``path`` (default: ``root/<last part of the URL>``) and return the
    path.

    A file already there is kept (``overwrite=False``) after checking ``hash_value`` if one is
    given. A downloaded file is checked against ``hash_value`` (``hash_type`` ``"sha256"`` or
    ``"md5"``); a mismatch raises ``RuntimeError`` naming the file.
    """
    if path is None:
        root = os.path.abspath(root)
        path = os.path.join(root, os.path.basename(url))
    else:
        path = os.path.abspath(path)
        root = os.path.dirname(path)
    if os.path.exists(path):
        if not overwrite:
            if hash_value:
                _check_hash(path, hash_value, hash_type)
            return path
        os.remove(path)
    md5 = hash_value if hash_value and hash_type == "md5" else None
    _fetch.download_url(url, root, os.path.basename(path), md5=md5)
    if hash_value and hash_type != "md5":
        _check_hash(path, hash_value, hash_type)
    return path


def _members(from_path: str, to_path: str) -> list[str]:
    """The paths of the files an archive holds, once unpacked into ``to_path``."""
    if from_path.endswith((".tar.gz", ".tgz", ".tar")):
        with tarfile.open(from_path, "r") as tar:
            return [os.path.join(to_path, m.name) for m in tar if m.isfile()]
    if from_path.endswith(".zip"):
        with zipfile.ZipFile(from_path) as archive:
            return [os.path.join(to_path, i.filename) for i in archive.infolist() if not i.is_dir()]
    if from_path.endswith(".gz"):
        return [os.path.join(to_path, os.path.basename(from_path)[:-3])]
    raise NotImplementedError("We currently only support tar.gz, .tgz, .gz and zip achives.")


def extract_archive(from_path: str, to_path: str | None = None, overwrite: bool = False):
    """Unpack a ``.tar.gz``/``.tgz``/``.tar``, ``.zip`` or ``.gz`` file into the folder
    ``to_path`` (default: the archive's folder) and return the list of the files it holds.

    When every one of them exists already and ``overwrite`` is False, nothing is written (the
    list is still returned). Members that would land outside ``to_path`` are refused
    (``RuntimeError``), as :func:`ember.vision.datasets.utils.extract_archive` does.
    """
    if to_path is None:
        to_path = os.path.dirname(from_path)
    files = _members(from_path, to_path)
    if overwrite or not all(os.path.isfile(f) for f in files):
        os.makedirs(to_path or os.curdir, exist_ok=True)
        _fetch.extract_archive(from_path, to_path or os.curdir)
    return files
