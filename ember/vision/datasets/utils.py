"""Downloading, verifying and unpacking dataset files (``torchvision.datasets.utils``).

This is ember's one mechanism for fetching data: ``ember.vision`` and ``ember.text`` datasets
both use it. A download goes through :func:`ember.hub.download_url_to_file` (a progress bar on
stderr, a temporary file renamed into place only when complete), then its MD5 is checked.
Archives are unpacked safely: a member whose path would land outside the destination folder (an
absolute name, ``..``, a link pointing out), or a device file, is refused before anything is
written.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import pathlib
import shutil
import tarfile
import uuid
import zipfile
from collections.abc import Iterable

__all__ = [
    "calculate_md5",
    "check_integrity",
    "check_md5",
    "download_and_extract_archive",
    "download_url",
    "extract_archive",
    "iterable_to_str",
    "list_dir",
    "list_files",
    "verify_str_arg",
]

_CHUNK = 1024 * 1024


# ---------------------------------------------------------------- checksums
def calculate_md5(fpath, chunk_size: int = _CHUNK) -> str:
    """The MD5 hex digest of the file at ``fpath``, read in chunks of ``chunk_size`` bytes.

    MD5 only detects corrupt or truncated downloads here; it is not used for security.
    """
    md5 = hashlib.md5(usedforsecurity=False)
    with open(fpath, "rb") as f:
        while chunk := f.read(chunk_size):
            md5.update(chunk)
    return md5.hexdigest()


def check_md5(fpath, md5: str, **kwargs) -> bool:
    """Whether the file at ``fpath`` has the MD5 hex digest ``md5``."""
    return md5 == calculate_md5(fpath, **kwargs)


def check_integrity(fpath, md5: str | None = None) -> bool:
    """Whether ``fpath`` is an existing file and, when ``md5`` is given, has that MD5 digest."""
    if not os.path.isfile(fpath):
        return False
    if md5 is None:
        return True
    return check_md5(fpath, md5)


# ---------------------------------------------------------------- downloads
def download_url(
    url: str, root, filename=None, md5: str | None = None, max_redirect_hops: int = 3
) -> None:
    """Download ``url`` into the folder ``root`` (created if needed) as ``filename``.

    ``filename`` defaults to the last part of the URL. Nothing is fetched when the file is
    there already and matches ``md5`` (or simply exists, when ``md5`` is None). After the
    download the MD5 is checked, and a mismatch raises ``RuntimeError`` naming the file.
    Redirects are followed by ``urllib`` (``max_redirect_hops`` is accepted as torchvision's;
    its limit is urllib's). Network failures raise ``urllib.error.URLError`` (``HTTPError`` for
    an HTTP error status), which callers with mirrors catch to try the next one.
    """
    from ...hub import download_url_to_file

    root = os.path.expanduser(os.fspath(root))
    if not filename:
        filename = os.path.basename(url)
    fpath = os.path.join(root, os.fspath(filename))
    os.makedirs(root, exist_ok=True)
    if check_integrity(fpath, md5):
        return
    download_url_to_file(url, fpath, progress=True)
    if not check_integrity(fpath, md5):
        got = calculate_md5(fpath) if os.path.isfile(fpath) else "no file"
        raise RuntimeError(
            f"File not found or corrupted: {fpath} (downloaded from {url}; "
            f"expected MD5 {md5}, got {got})."
        )


def list_dir(root, prefix: bool = False) -> list[str]:
    """The names of the folders directly inside ``root`` (full paths with ``prefix=True``)."""
    root = os.path.expanduser(os.fspath(root))
    names = [p for p in os.listdir(root) if os.path.isdir(os.path.join(root, p))]
    return [os.path.join(root, d) for d in names] if prefix else names


def list_files(root, suffix, prefix: bool = False) -> list[str]:
    """The names of the files directly inside ``root`` ending with ``suffix`` (a string or a
    tuple of strings); full paths with ``prefix=True``."""
    root = os.path.expanduser(os.fspath(root))
    names = [
        p for p in os.listdir(root) if os.path.isfile(os.path.join(root, p)) and p.endswith(suffix)
    ]
    return [os.path.join(root, d) for d in names] if prefix else names


# ---------------------------------------------------------------- archives
_ARCHIVES = (".tar", ".zip")
_COMPRESSORS = {".bz2": bz2.open, ".gz": gzip.open, ".xz": lzma.open}
_ALIASES = {".tbz": (".tar", ".bz2"), ".tbz2": (".tar", ".bz2"), ".tgz": (".tar", ".gz")}


def _detect_file_type(file) -> tuple[str, str | None, str | None]:
    """(suffix, archive type, compression) of a file, from its name."""
    suffixes = pathlib.Path(file).suffixes
    if not suffixes:
        raise RuntimeError(
            f"File '{file}' has no suffixes that could be used to detect the archive type and "
            "compression."
        )
    suffix = suffixes[-1]
    if suffix in _ALIASES:
        return (suffix, *_ALIASES[suffix])
    if suffix in _ARCHIVES:
        return suffix, suffix, None
    if suffix in _COMPRESSORS:
        if len(suffixes) > 1 and suffixes[-2] in _ARCHIVES:
            return suffixes[-2] + suffix, suffixes[-2], suffix
        return suffix, None, suffix
    known = sorted(set(_ALIASES) | set(_ARCHIVES) | set(_COMPRESSORS))
    raise RuntimeError(
        f"Unknown compression or archive type: '{suffix}'.\nKnown suffixes are: '{known}'."
    )


def _inside(root: str, path: str) -> bool:
    root = os.path.realpath(root)
    return os.path.commonpath([root, os.path.realpath(path)]) == root


def _unsafe(archive, name: str, why: str) -> RuntimeError:
    return RuntimeError(f"Refusing to extract {archive}: member {name!r} {why}")


def _extract_tar(from_path, to_path, compression) -> None:
    mode = f"r:{compression[1:]}" if compression else "r"
    with tarfile.open(from_path, mode) as tar:
        members = tar.getmembers()
        for m in members:
            target = os.path.join(to_path, m.name)
            if os.path.isabs(m.name) or not _inside(to_path, target):
                raise _unsafe(from_path, m.name, "would be written outside the destination")
            if m.issym() or m.islnk():
                base = os.path.dirname(target) if m.issym() else to_path
                if os.path.isabs(m.linkname) or not _inside(
                    to_path, os.path.join(base, m.linkname)
                ):
                    raise _unsafe(
                        from_path, m.name, f"links outside the destination ({m.linkname})"
                    )
            elif not (m.isfile() or m.isdir()):
                raise _unsafe(from_path, m.name, "is a device or FIFO, not a file")
        # The checks above are ember's own; tarfile's 'data' filter is a second line of defence.
        tar.extractall(to_path, members=members, filter="data")


def _extract_zip(from_path, to_path, compression) -> None:
    with zipfile.ZipFile(from_path) as archive:
        infos = archive.infolist()
        for info in infos:
            name = info.filename
            if os.path.isabs(name) or name.startswith(("/", "\\")) or ".." in name.split("/"):
                raise _unsafe(from_path, name, "would be written outside the destination")
            if not _inside(to_path, os.path.join(to_path, name)):
                raise _unsafe(from_path, name, "would be written outside the destination")
        archive.extractall(to_path, members=infos)


def _decompress(from_path, to_path, remove_finished: bool = False) -> pathlib.Path:
    """Decompress a single compressed file (``.gz``, ``.bz2``, ``.xz``) to ``to_path``."""
    suffix, archive_type, compression = _detect_file_type(from_path)
    if not compression:
        raise RuntimeError(f"Couldn't detect a compression from suffix {suffix}.")
    partial = f"{to_path}.{uuid.uuid4().hex}.partial"
    try:
        with _COMPRESSORS[compression](from_path, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        os.replace(partial, to_path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    if remove_finished:
        os.remove(from_path)
    return pathlib.Path(to_path)


def extract_archive(from_path, to_path=None, remove_finished: bool = False):
    """Unpack ``from_path`` into the folder ``to_path`` (default: the archive's own folder).

    The type is read from the name: ``.tar`` (optionally ``.gz``/``.bz2``/``.xz``, or ``.tgz``,
    ``.tbz``, ``.tbz2``), ``.zip``, or a single compressed file (``.gz``, ``.bz2``, ``.xz``),
    which is decompressed to ``to_path/<name without the suffix>``. A member that would land
    outside ``to_path`` (absolute path, ``..``, an outward link) or a device file makes it raise
    ``RuntimeError`` before anything is written. ``remove_finished`` deletes the archive after.
    Returns the folder (the decompressed file's path for a single compressed file), as a
    ``pathlib.Path`` when ``from_path`` was one, else a string.
    """

    def same_kind(path):
        return os.fspath(path) if isinstance(from_path, str) else pathlib.Path(path)

    if to_path is None:
        to_path = os.path.dirname(from_path) or os.curdir
    suffix, archive_type, compression = _detect_file_type(from_path)
    os.makedirs(to_path, exist_ok=True)
    if not archive_type:
        name = os.path.basename(from_path).replace(suffix, "")
        return same_kind(_decompress(from_path, os.path.join(to_path, name), remove_finished))
    extractor = _extract_tar if archive_type == ".tar" else _extract_zip
    extractor(from_path, to_path, compression)
    if remove_finished:
        os.remove(from_path)
    return same_kind(to_path)


def download_and_extract_archive(
    url: str,
    download_root,
    extract_root=None,
    filename=None,
    md5: str | None = None,
    remove_finished: bool = False,
) -> None:
    """:func:`download_url` into ``download_root``, then :func:`extract_archive` into
    ``extract_root`` (default: ``download_root``)."""
    download_root = os.path.expanduser(os.fspath(download_root))
    if extract_root is None:
        extract_root = download_root
    if not filename:
        filename = os.path.basename(url)
    download_url(url, download_root, filename, md5)
    extract_archive(os.path.join(download_root, filename), extract_root, remove_finished)


# ---------------------------------------------------------------- arguments
def iterable_to_str(iterable: Iterable) -> str:
    """``'a', 'b', 'c'``: the items quoted and joined, for error messages."""
    return "'" + "', '".join(str(item) for item in iterable) + "'"


def verify_str_arg(value, arg: str | None = None, valid_values=None, custom_msg=None):
    """Check that ``value`` is a string and, when ``valid_values`` is given, one of them.

    Returns ``value``; raises ``ValueError`` with torchvision's messages otherwise.

    >>> verify_str_arg("train", "split", ("train", "test"))
    'train'
    >>> verify_str_arg("val", "split", ("train", "test"))
    Traceback (most recent call last):
    ...
    ValueError: Unknown value 'val' for argument split. Valid values are {'train', 'test'}.
    """
    if not isinstance(value, str):
        where = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{where}, but got type {type(value)}.")
    if valid_values is None or value in valid_values:
        return value
    if custom_msg is not None:
        raise ValueError(custom_msg)
    raise ValueError(
        f"Unknown value '{value}' for argument {arg}. "
        f"Valid values are {{{iterable_to_str(valid_values)}}}."
    )
