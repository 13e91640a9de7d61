"""``ember.hub`` (``torch.hub``): models published as a ``hubconf.py``, and cached downloads.

A hub repository is a directory (or a GitHub repository, downloaded as a zip archive and cached)
holding a ``hubconf.py``: its public callables are the entry points, and its optional
``dependencies`` list names the packages they need. ``load`` imports that file and calls one
entry point, so it runs the repository's code, exactly as ``torch.hub.load`` does: load only
repositories you trust. ``load_state_dict_from_url`` downloads a checkpoint once into
``<hub_dir>/checkpoints`` and reads it with ``ember.load`` (which never runs code from a file).

The hub directory is torch's (``$TORCH_HOME/hub``, by default ``~/.cache/torch/hub``), so
weights and repositories already fetched by torch are reused, and ember reads torch's
checkpoints as they are.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import sys
import uuid
import warnings
import zipfile
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

__all__ = [
    "download_url_to_file",
    "get_dir",
    "help",
    "list",
    "load",
    "load_state_dict_from_url",
    "set_dir",
]

MODULE_HUBCONF = "hubconf.py"
VAR_DEPENDENCY = "dependencies"
ENV_GITHUB_TOKEN = "GITHUB_TOKEN"
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
READ_DATA_CHUNK = 128 * 1024
# A checkpoint named ``name-<hex>.ext`` carries a prefix of its SHA-256 (check_hash=True).
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")

# Owners whose repositories torch trusts without asking (the same list, so both agree).
_TRUSTED_REPO_OWNERS = ("facebookresearch", "facebookincubator", "pytorch", "fairinternal")

_hub_dir: str | None = None


# ---------------------------------------------------------------- the hub directory
def _torch_home() -> str:
    default = os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")
    return os.path.expanduser(os.getenv(ENV_TORCH_HOME, default))


def get_dir() -> str:
    """The hub cache directory: the one :func:`set_dir` chose, else ``$TORCH_HOME/hub``
    (``$TORCH_HOME`` defaults to ``$XDG_CACHE_HOME/torch``, that to ``~/.cache/torch``)."""
    if os.getenv("TORCH_HUB"):
        warnings.warn("TORCH_HUB is deprecated, please use env TORCH_HOME instead", stacklevel=2)
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_torch_home(), "hub")


def set_dir(d) -> None:
    """Use directory ``d`` (``~`` expanded) as the hub cache from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


# ---------------------------------------------------------------- hubconf.py
@contextlib.contextmanager
def _on_sys_path(path):
    """Let ``hubconf.py`` import the modules beside it while it is loaded and called."""
    sys.path.insert(0, path)
    try:
        yield
    finally:
        sys.path.remove(path)


def _import_hubconf(repo_dir):
    """Import ``repo_dir/hubconf.py`` as a fresh module (running its code)."""
    path = os.path.join(repo_dir, MODULE_HUBCONF)
    spec = importlib.util.spec_from_file_location(MODULE_HUBCONF, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check_dependencies(hubconf) -> None:
    needed = getattr(hubconf, VAR_DEPENDENCY, None)
    if needed is None:
        return
    missing = [name for name in needed if importlib.util.find_spec(name) is None]
    if missing:
        raise RuntimeError(f"Missing dependencies: {', '.join(missing)}")


def _entry_point(hubconf, model):
    """The callable named ``model`` in ``hubconf``, once its dependencies are checked."""
    if not isinstance(model, str):
        raise ValueError("Invalid input: model should be a string of function name")
    _check_dependencies(hubconf)
    entry = getattr(hubconf, model, None)
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry


def _entry_points(hubconf) -> list[str]:
    """The public callables of ``hubconf`` (a leading ``_`` marks a helper)."""
    return [n for n in dir(hubconf) if callable(getattr(hubconf, n)) and not n.startswith("_")]


# ---------------------------------------------------------------- GitHub repositories
def _read_url(url):
    with urlopen(url) as r:
        return r.read().decode(r.headers.get_content_charset("utf-8"))


def _split_repo(github: str):
    """``owner/name[:ref]`` -> (owner, name, ref). Without a ref the default branch is ``main``
    if GitHub has one, else ``master``; offline, whichever of the two is cached."""
    repo, _, ref = github.partition(":")
    owner, name = repo.split("/")
    if ref:
        return owner, name, ref
    try:
        with urlopen(f"https://github.com/{owner}/{name}/tree/main/"):
            return owner, name, "main"
    except HTTPError as e:
        if e.code == 404:
            return owner, name, "master"
        raise
    except URLError as e:
        for branch in ("main", "master"):
            if os.path.exists(f"{get_dir()}/{owner}_{name}_{branch}"):
                return owner, name, branch
        raise RuntimeError(
            "It looks like there is no internet connection and the repo could not be found in "
            f"the cache ({get_dir()})"
        ) from e


def _git_archive_link(owner, name, ref):
    return f"https://github.com/{owner}/{name}/zipball/{ref}"


def _check_repo_is_trusted(owner, name, folder, trust_repo) -> None:
    """Ask before running code from a repository not trusted yet, and remember the answer in
    ``<hub_dir>/trusted_list``. A repository already cached counts as trusted."""
    hub_dir = get_dir()
    trusted_file = os.path.join(hub_dir, "trusted_list")
    Path(trusted_file).touch()
    with open(trusted_file) as f:
        trusted = {line.strip() for line in f}
    cached = set(next(os.walk(hub_dir))[1])
    owner_name = f"{owner}_{name}"
    is_trusted = owner_name in trusted or folder in cached or owner in _TRUSTED_REPO_OWNERS
    if trust_repo is False or (trust_repo == "check" and not is_trusted):
        answer = input(
            f"The repository {owner_name} does not belong to the list of trusted repositories "
            "and as such cannot be downloaded. Do you trust this repository and wish to add it "
            "to the trusted list of repositories (y/N)?"
        ).lower()
        if answer in ("y", "yes"):
            if is_trusted:
                print("The repository is already trusted.")
        elif answer in ("n", "no", ""):
            raise Exception("Untrusted repository.")  # noqa: TRY002 - torch's exact type
        else:
            raise ValueError(f"Unrecognized response {answer}.")
    if not is_trusted:
        with open(trusted_file, "a") as f:
            f.write(owner_name + "\n")


def _validate_not_a_forked_repo(owner, name, ref) -> None:
    """Check with GitHub's API that ``ref`` is a branch, tag or commit of ``owner/name`` itself
    (not of a fork, whose code would run under the original's name)."""
    headers = {"Accept": "application/vnd.github.v3+json"}
    token = os.environ.get(ENV_GITHUB_TOKEN)
    if token is not None:
        headers["Authorization"] = f"token {token}"
    for kind in ("branches", "tags"):
        page = 1
        while True:
            url = f"https://api.github.com/repos/{owner}/{name}/{kind}?per_page=100&page={page}"
            try:
                items = json.loads(_read_url(Request(url, headers=headers)))
            except HTTPError:
                headers.pop("Authorization", None)  # the token may lack the permission
                items = json.loads(_read_url(Request(url, headers=headers)))
            if not items:
                break
            if any(it["name"] == ref or it["commit"]["sha"].startswith(ref) for it in items):
                return
            page += 1
    raise ValueError(
        f"Cannot find {ref} in https://github.com/{owner}/{name}. If it's a commit from a "
        "forked repo, please call hub.load() with forked repo directly."
    )


def _remove(path) -> None:
    if os.path.isfile(path) or os.path.islink(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)


def _safe_extract(archive: zipfile.ZipFile, dest) -> None:
    """Extract ``archive`` into ``dest``, refusing any entry that would land outside it."""
    root = Path(dest).resolve()
    for member in archive.infolist():
        name = os.path.normpath(member.filename)
        parts = re.split(r"[/\\]", name)
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            raise ValueError(f"Archive entry has absolute path: {member.filename}")
        if ".." in parts:
            raise ValueError(f"Archive entry contains directory traversal: {member.filename}")
        if not (root / name).resolve().is_relative_to(root):
            raise ValueError(f"Archive entry escapes target directory: {member.filename}")
        archive.extract(member, root)


def _fetch_repo(owner, name, ref, hub_dir, repo_dir, skip_validation) -> None:
    if not skip_validation:
        _validate_not_a_forked_repo(owner, name, ref)
    archive = os.path.join(hub_dir, ref.replace("/", "_") + ".zip")
    _remove(archive)
    url = _git_archive_link(owner, name, ref)
    sys.stdout.write(f'Downloading: "{url}" to {archive}\n')
    try:
        download_url_to_file(url, archive, progress=False)
    except HTTPError as e:
        if e.code != 300:
            raise
        # 300 Multiple Choices: the ref names both a tag and a branch; take the branch, as git.
        warnings.warn(
            f"The ref {ref} is ambiguous. Perhaps it is both a tag and a branch in the repo? "
            "Torchhub will now assume that it's a branch. You can disambiguate tags and "
            "branches by explicitly passing refs/heads/branch_name or refs/tags/tag_name as the "
            "ref. That might require using skip_validation=True.",
            stacklevel=4,
        )
        download_url_to_file(
            _git_archive_link(owner, name, f"refs/heads/{ref}"), archive, progress=False
        )
    with zipfile.ZipFile(archive) as z:
        top = z.infolist()[0].filename.split("/")[0]  # GitHub's folder: owner-name-<sha>
        extracted = os.path.join(hub_dir, top)
        _remove(extracted)
        _safe_extract(z, hub_dir)
    _remove(archive)
    _remove(repo_dir)
    shutil.move(extracted, repo_dir)


def _repo_dir(github, force_reload, trust_repo, verbose=True, skip_validation=False) -> str:
    """The local copy of GitHub repository ``github`` (``owner/name[:ref]``), downloaded into
    ``<hub_dir>/<owner>_<name>_<ref>`` unless it is cached there already."""
    hub_dir = get_dir()
    os.makedirs(hub_dir, exist_ok=True)
    owner, name, ref = _split_repo(github)
    folder = f"{owner}_{name}_{ref.replace('/', '_')}"
    repo_dir = os.path.join(hub_dir, folder)
    _check_repo_is_trusted(owner, name, folder, trust_repo)
    if not force_reload and os.path.exists(repo_dir):
        if verbose:
            sys.stderr.write(f"Using cache found in {repo_dir}\n")
    else:
        _fetch_repo(owner, name, ref, hub_dir, repo_dir, skip_validation)
    return repo_dir


# ---------------------------------------------------------------- the public calls
def list(github, force_reload=False, skip_validation=False, trust_repo="check", verbose=True):  # noqa: A001
    """The entry points (public callables of ``hubconf.py``) of GitHub repository ``github``
    (``"owner/name[:ref]"``), downloading it into the hub cache first if needed."""
    repo_dir = _repo_dir(github, force_reload, trust_repo, verbose, skip_validation)
    with _on_sys_path(repo_dir):
        hubconf = _import_hubconf(repo_dir)
    return _entry_points(hubconf)


def help(github, model, force_reload=False, skip_validation=False, trust_repo="check"):  # noqa: A001
    """The docstring of entry point ``model`` of GitHub repository ``github``."""
    repo_dir = _repo_dir(github, force_reload, trust_repo, True, skip_validation)
    with _on_sys_path(repo_dir):
        hubconf = _import_hubconf(repo_dir)
    return _entry_point(hubconf, model).__doc__


def load(
    repo_or_dir,
    model,
    *args,
    source="github",
    trust_repo="check",
    force_reload=False,
    verbose=True,
    skip_validation=False,
    **kwargs,
):
    """Call entry point ``model`` of a hub repository with ``*args, **kwargs`` and return what
    it returns (usually a model with its weights).

    ``source='github'``: ``repo_or_dir`` is ``"owner/name[:ref]"``, downloaded into the hub
    cache on first use (asking whether to trust it, per ``trust_repo``; checking that ``ref``
    belongs to that repository unless ``skip_validation``). ``source='local'``: a directory
    holding ``hubconf.py``. Either way ``hubconf.py`` is imported and run: it is code, so load
    only repositories you trust. A package listed in its ``dependencies`` but not installed
    raises ``RuntimeError("Missing dependencies: ...")``.
    """
    source = source.lower()
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        repo_or_dir = _repo_dir(repo_or_dir, force_reload, trust_repo, verbose, skip_validation)
    with _on_sys_path(repo_or_dir):
        hubconf = _import_hubconf(repo_or_dir)
        return _entry_point(hubconf, model)(*args, **kwargs)


# ---------------------------------------------------------------- downloads
def _progress_bar(total, progress):
    from .utils._progress import progress_bar

    return progress_bar(
        total=total, disable=not progress, unit="B", unit_scale=True, unit_divisor=1024
    )


def download_url_to_file(url, dst, hash_prefix=None, progress=True) -> None:
    """Download ``url`` to the path ``dst``.

    The bytes go to a temporary file beside ``dst`` that is renamed into place only once the
    download is complete (and, with ``hash_prefix``, once its SHA-256 hex digest is found to
    start with it), so an interrupted or corrupt download never replaces a good file.
    ``progress`` shows a bar on stderr (tqdm's, when installed).
    """
    dst = os.path.expanduser(os.fspath(dst))
    partial = f"{dst}.{uuid.uuid4().hex}.partial"
    sha256 = hashlib.sha256() if hash_prefix is not None else None
    try:
        request = Request(url, headers={"User-Agent": "torch.hub"})
        with open(partial, "xb") as f, urlopen(request) as u:
            length = u.headers.get("Content-Length")
            with _progress_bar(int(length) if length else None, progress) as bar:
                while chunk := u.read(READ_DATA_CHUNK):
                    f.write(chunk)
                    if sha256 is not None:
                        sha256.update(chunk)
                    bar.update(len(chunk))
        if sha256 is not None:
            digest = sha256.hexdigest()
            if not digest.startswith(hash_prefix):
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
        shutil.move(partial, dst)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _single_file_zip(path) -> bool:
    """A zip holding exactly one file: the archive torch's pre-1.6 checkpoints were shipped in
    (not a zip checkpoint, which holds many records)."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        entries = z.infolist()
    return len(entries) == 1 and not entries[0].is_dir()


def load_state_dict_from_url(
    url,
    model_dir=None,
    map_location=None,
    progress=True,
    check_hash=False,
    file_name=None,
    weights_only=False,
):
    """Download the checkpoint at ``url`` once and load it with ``ember.load``.

    It is kept as ``<model_dir>/<file name>`` (``model_dir`` defaults to
    ``<hub_dir>/checkpoints``, the name to the last part of the URL, or ``file_name``); when that
    file exists already, nothing is downloaded. With ``check_hash`` the name must read
    ``name-<sha256 prefix>.ext`` and the download must match that prefix. A zip holding a single
    file (the old way torch weights were published) is extracted beside it and that file is
    loaded. ``map_location`` and ``weights_only`` are passed to ``ember.load``.
    """
    from .serialization import load as _load

    if os.getenv("TORCH_MODEL_ZOO"):
        warnings.warn(
            "TORCH_MODEL_ZOO is deprecated, please use env TORCH_HOME instead", stacklevel=2
        )
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        found = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, found.group(1) if found else None, progress=progress)
    if _single_file_zip(cached):
        warnings.warn(
            "Falling back to the old format < 1.6. This support will be deprecated in favor of "
            "default zipfile format introduced in 1.6. Please redo torch.save() to save it in "
            "the new zipfile format.",
            FutureWarning,
            stacklevel=2,
        )
        with zipfile.ZipFile(cached) as z:
            _safe_extract(z, model_dir)
            cached = os.path.join(model_dir, z.infolist()[0].filename)
    return _load(cached, map_location=map_location, weights_only=weights_only)
