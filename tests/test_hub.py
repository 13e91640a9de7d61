"""ember.hub against torch.hub: local hubconf loading, the GitHub cache layout, trust and
network failures (with urlopen replaced, so no test needs the internet), and checkpoint
downloads from a local HTTP server."""

from __future__ import annotations

import builtins
import functools
import hashlib
import http.server
import io
import os
import subprocess
import sys
import threading
import urllib.error
import zipfile

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_error, check_same_outcome

HUBCONF = '''
dependencies = ["numpy"]

import os as _os


def _helper():
    return 0


def add(a, b=1, *, scale=1):
    """Add two numbers, then scale."""
    return (a + b) * scale


def sibling():
    import hub_sibling_mod  # a module beside hubconf.py

    return hub_sibling_mod.VALUE


class Config:
    """An entry point may be a class."""

    def __init__(self, n=2):
        self.n = n

    def __eq__(self, other):
        return type(other).__name__ == "Config" and other.n == self.n


NOT_CALLABLE = 3
'''


@pytest.fixture(autouse=True)
def _forget_sibling():
    """A module hubconf.py imports stays in sys.modules (in torch too): forget it between tests."""
    yield
    sys.modules.pop("hub_sibling_mod", None)


@pytest.fixture
def repo(tmp_path):
    d = tmp_path / "repo"
    d.mkdir()
    (d / "hubconf.py").write_text(HUBCONF)
    (d / "hub_sibling_mod.py").write_text("VALUE = 'beside'\n")
    return str(d)


@pytest.fixture
def hub_dirs(tmp_path):
    """Separate hub caches for ember and torch, restored afterwards."""
    saved = ember.hub._hub_dir, torch.hub._hub_dir
    ember.hub.set_dir(tmp_path / "ember_hub")
    torch.hub.set_dir(str(tmp_path / "torch_hub"))
    yield tmp_path / "ember_hub", tmp_path / "torch_hub"
    ember.hub._hub_dir, torch.hub._hub_dir = saved


@pytest.fixture
def server(tmp_path):
    """A quiet HTTP server on 127.0.0.1 serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_is_imported_lazily():
    code = "import sys, ember; assert 'ember.hub' not in sys.modules; ember.hub.get_dir()"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_functions_match_torchs_signatures():
    import inspect

    for name in ember.hub.__all__:
        e, t = (
            inspect.signature(getattr(ember.hub, name)),
            inspect.signature(getattr(torch.hub, name)),
        )
        assert list(e.parameters) == list(t.parameters), name
        for p in e.parameters.values():
            assert p.default == t.parameters[p.name].default, (name, p.name)


# ---------------------------------------------------------------- the hub directory
def test_get_dir_follows_torch_home(monkeypatch, tmp_path):
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.delenv("TORCH_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert ember.hub.get_dir() == torch.hub.get_dir() == str(tmp_path / "xdg/torch/hub")
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert ember.hub.get_dir() == torch.hub.get_dir()
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("TORCH_HOME")
    assert ember.hub.get_dir() == torch.hub.get_dir()


def test_set_dir_expands_user(monkeypatch):
    monkeypatch.setattr(ember.hub, "_hub_dir", None)
    ember.hub.set_dir("~/somewhere")
    assert ember.hub.get_dir() == os.path.expanduser("~/somewhere")


# ---------------------------------------------------------------- source='local'
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [(("add", 2), {}), (("add", 2, 3), {"scale": 4}), (("sibling",), {}), (("Config", 5), {})],
)
def test_local_load_matches_torch(repo, args, kwargs):
    e = ember.hub.load(repo, *args, source="local", **kwargs)
    t = torch.hub.load(repo, *args, source="local", **kwargs)
    assert e == t


def test_local_load_builds_an_ember_model(tmp_path):
    (tmp_path / "hubconf.py").write_text(
        "import ember\n\ndef tiny(out=3):\n    return ember.nn.Linear(2, out)\n"
    )
    model = ember.hub.load(str(tmp_path), "tiny", out=4, source="LOCAL")
    assert isinstance(model, ember.nn.Linear) and model(ember.ones(1, 2)).shape == (1, 4)


def test_local_load_leaves_sys_path_as_it_was(repo):
    before = list(sys.path)
    ember.hub.load(repo, "sibling", source="local")
    assert sys.path == before


@pytest.mark.parametrize(
    "call",
    [
        lambda lib, d: lib.hub.load(d, "missing", source="local"),
        lambda lib, d: lib.hub.load(d, "NOT_CALLABLE", source="local"),
        lambda lib, d: lib.hub.load(d, 3, source="local"),
        lambda lib, d: lib.hub.load(d, "add", 1, source="gitlab"),
        lambda lib, d: lib.hub.load(d, "add", 1, 2, 3, 4, source="local"),
    ],
)
def test_local_errors_match_torch(repo, call):
    check_same_outcome(lambda lib: call(lib, repo))


def test_missing_directory_or_hubconf_matches_torch(tmp_path):
    check_error(lambda lib: lib.hub.load(str(tmp_path / "nope"), "m", source="local"))
    check_error(lambda lib: lib.hub.load(str(tmp_path), "m", source="local"))


@pytest.mark.parametrize(
    "deps", [["numpy", "no_such_pkg_a", "no_such_pkg_b"], ["no_such_pkg_c"], ["no_such.sub"]]
)
def test_missing_dependencies_match_torch(tmp_path, deps):
    (tmp_path / "hubconf.py").write_text(f"dependencies = {deps!r}\ndef m():\n    return 1\n")
    check_same_outcome(lambda lib: lib.hub.load(str(tmp_path), "m", source="local"))


# ---------------------------------------------------------------- GitHub, from the cache
def _cached_repo(hub_dir, folder="someone_proj_main"):
    d = hub_dir / folder
    d.mkdir(parents=True)
    (d / "hubconf.py").write_text(HUBCONF)
    (d / "hub_sibling_mod.py").write_text("VALUE = 'cached'\n")
    return d


def test_list_and_help_from_the_cache_match_torch(hub_dirs, capsys):
    for d in hub_dirs:
        _cached_repo(d)
    e = ember.hub.list("someone/proj:main")
    t = torch.hub.list("someone/proj:main")
    assert e == t == ["Config", "add", "sibling"]
    assert ember.hub.help("someone/proj:main", "add") == torch.hub.help("someone/proj:main", "add")
    assert "Using cache found in" in capsys.readouterr().err
    assert ember.hub.load("someone/proj:main", "sibling") == "cached"
    for d in hub_dirs:  # a cached repository counts as trusted without being listed
        assert (d / "trusted_list").read_text() == ""


def test_load_quietly_from_the_cache(hub_dirs, capsys):
    _cached_repo(hub_dirs[0])
    assert ember.hub.load("someone/proj:main", "add", 1, verbose=False) == 2
    assert "Using cache" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("answer", "ok"), [("n", False), ("", False), ("maybe", False), ("y", True)]
)
def test_trust_prompt_matches_torch(hub_dirs, monkeypatch, answer, ok):
    for d in hub_dirs:
        _cached_repo(d)
    monkeypatch.setattr(builtins, "input", lambda prompt: answer)
    call = lambda lib: lib.hub.load("someone/proj:main", "add", 1, trust_repo=False)  # noqa: E731
    if ok:
        assert call(ember) == call(torch) == 2
    else:
        check_same_outcome(call)


# ---------------------------------------------------------------- GitHub, network failures
def _offline(*args, **kwargs):
    raise urllib.error.URLError("no network in this test")


@pytest.mark.parametrize(
    "call",
    [
        lambda lib: lib.hub.load("someone/proj:main", "m", trust_repo=True),
        lambda lib: lib.hub.load("someone/proj:dev", "m", trust_repo=True, skip_validation=True),
        lambda lib: lib.hub.list("someone/proj:main", trust_repo=True),
    ],
)
def test_offline_fails_with_urlerror_like_torch(hub_dirs, monkeypatch, call):
    monkeypatch.setattr(ember.hub, "urlopen", _offline)
    monkeypatch.setattr(torch.hub, "urlopen", _offline)
    check_error(call)
    with pytest.raises(urllib.error.URLError):
        call(ember)


def test_offline_without_ref_and_without_cache_matches_torch(hub_dirs, monkeypatch):
    monkeypatch.setattr(ember.hub, "urlopen", _offline)
    monkeypatch.setattr(torch.hub, "urlopen", _offline)
    msg = check_error(lambda lib: lib.hub.list("someone/proj", trust_repo=True))
    assert "no internet connection" in msg


def test_offline_without_ref_finds_a_cached_branch(hub_dirs, monkeypatch):
    monkeypatch.setattr(ember.hub, "urlopen", _offline)
    _cached_repo(hub_dirs[0], "someone_proj_master")
    assert ember.hub.load("someone/proj", "add", 5) == 6


def test_github_download_extracts_into_the_cache(hub_dirs, server, monkeypatch, capsys):
    root, base = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:  # laid out as GitHub's zipball: the folder first
        z.writestr("someone-proj-abc123/", "")
        z.writestr("someone-proj-abc123/hubconf.py", HUBCONF)
        z.writestr("someone-proj-abc123/hub_sibling_mod.py", "VALUE = 'downloaded'\n")
    (root / "archive.zip").write_bytes(buf.getvalue())
    link = lambda owner, name, ref: f"{base}/archive.zip"  # noqa: E731
    monkeypatch.setattr(ember.hub, "_git_archive_link", link)
    monkeypatch.setattr(torch.hub, "_git_archive_link", link)
    for lib in (ember, torch):
        got = lib.hub.load("someone/proj:v1", "sibling", trust_repo=True, skip_validation=True)
        assert got == "downloaded"
    assert "Downloading" in capsys.readouterr().out
    listings = [sorted(os.listdir(d)) for d in hub_dirs]
    assert listings[0] == listings[1] == ["someone_proj_v1", "trusted_list"]
    assert sorted(os.listdir(hub_dirs[0] / "someone_proj_v1")) == [
        "hub_sibling_mod.py",
        "hubconf.py",
    ]
    (root / "archive.zip").unlink()  # the next load is served from the cache
    assert ember.hub.load("someone/proj:v1", "add", 1, trust_repo=True) == 2


def test_zip_slip_is_refused(hub_dirs, server, monkeypatch):
    root, base = server
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("top/hubconf.py", HUBCONF)
        z.writestr("top/../../escaped.py", "x = 1\n")
    (root / "evil.zip").write_bytes(buf.getvalue())
    monkeypatch.setattr(ember.hub, "_git_archive_link", lambda *a: f"{base}/evil.zip")
    with pytest.raises(ValueError, match="directory traversal"):
        ember.hub.load("someone/proj:v1", "add", 1, trust_repo=True, skip_validation=True)
    assert not (hub_dirs[0].parent / "escaped.py").exists()


# ---------------------------------------------------------------- checkpoints by URL
def _state():
    return {"w": ember.arange(6.0).reshape(2, 3), "b": ember.tensor([1, 2], dtype=ember.int64)}


def _same_state(got, want):
    assert list(got) == list(want)
    for k in want:
        np.testing.assert_array_equal(np.asarray(got[k].numpy()), np.asarray(want[k].numpy()))


def test_cached_checkpoint_is_loaded_without_downloading(hub_dirs, monkeypatch):
    monkeypatch.setattr(ember.hub, "urlopen", _offline)
    ckpt = hub_dirs[0] / "checkpoints"
    ckpt.mkdir(parents=True)
    ember.save(_state(), ckpt / "weights-0123abcd.pth")
    got = ember.hub.load_state_dict_from_url("https://example.invalid/x/weights-0123abcd.pth")
    _same_state(got, _state())


def test_download_checks_hash_and_caches(hub_dirs, server, capsys):
    root, base = server
    torch.save({"w": torch.arange(6.0).reshape(2, 3), "b": torch.tensor([1, 2])}, root / "f.pth")
    data = (root / "f.pth").read_bytes()
    name = f"resnet-{hashlib.sha256(data).hexdigest()[:10]}.pth"
    (root / name).write_bytes(data)
    got = ember.hub.load_state_dict_from_url(f"{base}/{name}", check_hash=True)
    _same_state(got, _state())
    cached = hub_dirs[0] / "checkpoints" / name
    assert cached.read_bytes() == data
    out = capsys.readouterr()
    assert f'Downloading: "{base}/{name}" to {cached}' in out.out
    assert "100%" in out.err  # the progress bar reached the end
    (root / name).unlink()  # from now on only the cache can answer
    _same_state(ember.hub.load_state_dict_from_url(f"{base}/{name}", progress=False), _state())
    assert sorted(os.listdir(hub_dirs[0] / "checkpoints")) == [name]


def test_file_name_model_dir_and_map_location(tmp_path, server):
    root, base = server
    ember.save(_state(), root / "plain.pt")
    got = ember.hub.load_state_dict_from_url(
        f"{base}/plain.pt",
        model_dir=str(tmp_path / "md"),
        file_name="mine.pt",
        map_location="cpu",
        progress=False,
    )
    _same_state(got, _state())
    assert os.listdir(tmp_path / "md") == ["mine.pt"]


def test_bad_hash_matches_torch_and_leaves_nothing(tmp_path, server):
    root, base = server
    ember.save(_state(), root / "w-deadbeef.pth")
    url = f"{base}/w-deadbeef.pth"
    msg = check_error(
        lambda lib: lib.hub.load_state_dict_from_url(
            url, model_dir=str(tmp_path / lib.__name__), check_hash=True, progress=False
        )
    )
    assert msg.startswith('invalid hash value (expected "deadbeef", got "')
    assert os.listdir(tmp_path / "ember") == []


def test_http_errors_match_torch(tmp_path, server):
    _, base = server
    for lib in (torch, ember):
        with pytest.raises(urllib.error.HTTPError) as info:
            lib.hub.download_url_to_file(f"{base}/absent", str(tmp_path / lib.__name__))
        assert info.value.code == 404
        info.value.close()  # the error holds the response open
    assert sorted(os.listdir(tmp_path)) == ["www"]  # no partial file left behind


def test_download_url_to_file_with_hash_prefix(tmp_path, server):
    root, base = server
    (root / "blob.bin").write_bytes(b"ember" * 1000)
    digest = hashlib.sha256(b"ember" * 1000).hexdigest()
    ember.hub.download_url_to_file(f"{base}/blob.bin", tmp_path / "b", digest[:6], progress=False)
    assert (tmp_path / "b").read_bytes() == b"ember" * 1000
    with pytest.raises(RuntimeError, match="invalid hash value"):
        ember.hub.download_url_to_file(f"{base}/blob.bin", tmp_path / "c", "0000", progress=False)
    assert sorted(os.listdir(tmp_path)) == ["b", "www"]


def test_single_file_zip_checkpoint_is_extracted(tmp_path, server):
    root, base = server
    inner = io.BytesIO()
    ember.save(_state(), inner)
    with zipfile.ZipFile(root / "old.zip", "w") as z:
        z.writestr("old.pth", inner.getvalue())
    with pytest.warns(FutureWarning, match="old format"):
        got = ember.hub.load_state_dict_from_url(
            f"{base}/old.zip", model_dir=str(tmp_path / "md"), progress=False
        )
    _same_state(got, _state())
    assert sorted(os.listdir(tmp_path / "md")) == ["old.pth", "old.zip"]
