"""The adversarial case catalogue and the code that runs a case on ember or torch.

A :class:`Case` is a file (bytes) and what a correct loader may do with it. ``run`` loads cases
in forked children (:mod:`.isolate`), in batches, and retries a batch case by case when one of
them crashed or hung, so every outcome is attributed. ``SCALES`` are the two configurations:
``small`` runs in the default test suite, ``long`` (``EMBER_ADVERSARIAL=long``) in
``bench/adversarial_report.py`` and on demand.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import io
import os
import tempfile
import time
import zipfile

import numpy as np

from . import hostile
from .isolate import Outcome, run_forked

SCALES = {
    # flips/truncations per source, deep nesting, colliding keys, work (count, width), bombs
    # small: the default test run (the regression tests in tests/serialization use the sizes
    # that crashed or hung the old loader); long: ~1 MB hostile files and 1 GiB bombs
    "small": dict(flips=40, cuts=15, depth=50_000, keys=5_000, work=(1_000, 10_000), bomb=16),
    "long": dict(
        flips=1_000, cuts=250, depth=1_000_000, keys=80_000, work=(10_000, 50_000), bomb=1024
    ),
}
CLEAN_ERRORS = {"load": {"RuntimeError", "UnpicklingError"}, "safetensors": {"SafetensorError"}}


def scale() -> str:
    """The configuration asked for by ``EMBER_ADVERSARIAL`` (``small`` unless ``long``)."""
    return "long" if os.environ.get("EMBER_ADVERSARIAL", "").lower() == "long" else "small"


@dataclasses.dataclass
class Case:
    """One hostile or damaged file, and what a correct loader may do with it.

    ``expect``: ``"error"`` (must raise a documented exception), ``"ok"`` (must load, to
    ``reference`` when given), or ``"clean"`` (either, but any value loaded must equal
    ``reference``, unless ``silent_ok``: a format without checksums).
    """

    area: str
    name: str
    data: bytes
    expect: str = "error"
    reader: str = "load"  # "load" (ember.load / torch.load) or "safetensors"
    weights_only: bool = True
    reference: str | None = None
    silent_ok: bool = False
    marker: str | None = None  # a file that exists only if the case ran code
    timeout: float = 30.0
    memory_mb: int = 3072
    isolate: bool = False  # a bomb: run alone, so its peak RSS is its own


# ------------------------------------------------------------------------- running
def digest(obj) -> str:
    """A library-neutral fingerprint of a loaded object (tensors by dtype, shape and bytes)."""
    h = hashlib.sha1()

    def walk(x, depth=0):
        if depth > 200:
            h.update(b"<deep>")
            return
        name = type(x).__name__
        if name in ("Tensor", "Parameter"):
            arr = x.detach().cpu().numpy() if hasattr(x, "detach") else x.numpy()
            h.update(f"T{str(x.dtype).split('.')[-1]}{tuple(x.shape)}".encode())
            h.update(np.ascontiguousarray(arr).view(np.uint8))  # no copy when contiguous
        elif isinstance(x, dict):
            h.update(f"D{len(x)}".encode())
            for k in sorted(x, key=repr):
                walk(k, depth + 1)
                walk(x[k], depth + 1)
        elif isinstance(x, (list, tuple)):
            h.update(f"L{len(x)}".encode())
            for v in x:
                walk(v, depth + 1)
        elif isinstance(x, (set, frozenset)):
            h.update(f"S{sorted(map(repr, x))}".encode())
        elif isinstance(x, (int, float, str, bytes, bool, type(None), complex)):
            h.update(repr(x).encode())
        else:
            h.update(name.encode())

    walk(obj)
    return h.hexdigest()


def _load_one(case: Case, lib: str):
    if case.reader == "safetensors":
        if lib == "torch":
            from safetensors.torch import load
        else:
            from ember.serialization.safetensors import load
        return digest(load(case.data))
    if lib == "torch":
        import warnings

        import torch

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return digest(torch.load(io.BytesIO(case.data), weights_only=case.weights_only))
    import ember

    return digest(ember.load(io.BytesIO(case.data), weights_only=case.weights_only))


def _run_list(cases: list[Case], lib: str):
    def call():
        results = []
        for case in cases:
            start = time.perf_counter()
            try:
                results.append({"kind": "ok", "value": _load_one(case, lib)})
            except BaseException as e:  # noqa: BLE001 - every outcome is reported
                results.append(
                    {"kind": "error", "error": type(e).__name__, "message": str(e)[:200]}
                )
            results[-1]["seconds"] = time.perf_counter() - start
            if case.marker and os.path.exists(case.marker):
                results[-1]["kind"] = "code-executed"
        return results

    return call


def run(cases: list[Case], lib: str = "ember", batch: int = 100) -> list[Outcome]:
    """Load every case with ``lib`` in forked children; one Outcome per case, in order."""
    import importlib

    importlib.import_module(lib)  # once, here: every child inherits it instead of importing it
    if lib == "ember":
        importlib.import_module("ember.serialization.safetensors")
    out: list[Outcome | None] = [None] * len(cases)
    singles = [i for i, c in enumerate(cases) if c.isolate]
    grouped = [i for i, c in enumerate(cases) if not c.isolate]
    for start in range(0, len(grouped), batch):
        idx = grouped[start : start + batch]
        timeout = sum(cases[i].timeout for i in idx) if len(idx) < 4 else 60.0
        res = run_forked(_run_list([cases[i] for i in idx], lib), timeout=timeout)
        if res.kind == "ok":
            for i, r in zip(idx, res.value):
                out[i] = Outcome(**r)
        else:
            singles += idx  # someone crashed or hung: find out who
    for i in sorted(singles):
        case = cases[i]
        res = run_forked(_run_list([case], lib), timeout=case.timeout, memory_mb=case.memory_mb)
        if res.kind == "ok":
            out[i] = Outcome(**res.value[0], peak_mb=res.peak_mb)
        else:
            out[i] = res
    return out


def verdict(case: Case, outcome: Outcome, lib: str = "ember") -> str:
    """``"pass"``, or what went wrong: crash, hang, code-executed, wrong-error, silent-corruption,
    unexpected-load, unexpected-error."""
    if outcome.kind in ("crash", "hang", "code-executed"):
        return outcome.kind
    if outcome.kind == "error":
        documented = CLEAN_ERRORS[case.reader] if lib == "ember" else {outcome.error}
        if outcome.error not in documented:
            return "wrong-error"
        return "unexpected-error" if case.expect == "ok" else "pass"
    if case.expect == "error":
        return "unexpected-load"
    if case.reference is not None and outcome.value != case.reference:
        return "silently-different" if case.silent_ok else "silent-corruption"
    return "pass"


def outcome_class(case: Case, outcome: Outcome) -> str:
    """What happened, independent of the library: error / equal / different / crash / hang."""
    if outcome.kind != "ok":
        return outcome.kind
    if case.reference is None:
        return "loaded"
    return "equal" if outcome.value == case.reference else "different"


# ------------------------------------------------------------------------- the catalogue
def _torch_sources() -> dict[str, bytes]:
    import torch

    torch.manual_seed(0)
    obj = {
        "w": torch.randn(3, 2),
        "b": torch.arange(4),
        "view": torch.arange(6.0).reshape(2, 3).t(),
        "plain": [1, 2.5, "x", (None, True), {"k": b"v"}],
        "sd": collections.OrderedDict(weight=torch.randn(2, 2), bias=torch.zeros(2)),
    }
    out = {}
    for name, kwargs in (
        ("torch_zip", {}),
        ("torch_legacy", {"_use_new_zipfile_serialization": False}),
    ):
        buf = io.BytesIO()
        torch.save(obj, buf, **kwargs)
        out[name] = buf.getvalue()
    return out


def _ember_sources() -> dict[str, bytes]:
    import ember

    ember.manual_seed(0)
    obj = {
        "w": ember.randn(3, 2),
        "b": ember.arange(4),
        "view": ember.arange(6.0).reshape(2, 3).t(),
        "plain": [1, 2.5, "x", (None, True), {"k": b"v"}, {1, 2}],
        "p": ember.nn.Parameter(ember.ones(2)),
    }
    out = {}
    for proto in (2, 4):
        buf = io.BytesIO()
        ember.save(obj, buf, pickle_protocol=proto)
        out[f"ember_zip_p{proto}"] = buf.getvalue()
    return out


def corrupt_cases(size: str) -> list[Case]:
    """Byte flips and truncations of valid checkpoints written by torch.save and ember.save."""
    import ember

    conf = SCALES[size]
    rng = np.random.default_rng(2026)
    cases = []
    for source, raw in {**_torch_sources(), **_ember_sources()}.items():
        reference = digest(ember.load(io.BytesIO(raw)))
        legacy = source.endswith("legacy")  # no checksums: a flipped value cannot be seen
        damaged = [("flip", d) for d in hostile.flips(raw, rng, conf["flips"])]
        damaged += [("cut", d) for d in hostile.truncations(raw, rng, conf["cuts"])]
        for i, (how, data) in enumerate(damaged):
            cases.append(
                Case("corrupt", f"{source}/{how}{i}", data, "clean", reference=reference,
                     silent_ok=legacy, timeout=20)
            )  # fmt: skip
    return cases


def malicious_cases(marker_dir: str) -> list[Case]:
    """Pickles that would run code, as zip checkpoints and as legacy streams, both modes."""
    cases = []
    for name, data in hostile.evil_pickles(os.path.join(marker_dir, "pwned")).items():
        for wrap, raw in (("zip", hostile.checkpoint(data)), ("legacy", data)):
            for weights_only in (True, False):
                marker = os.path.join(marker_dir, "pwned")
                cases.append(
                    Case("malicious", f"{name}/{wrap}/wo={weights_only}", raw,
                         weights_only=weights_only, marker=marker, timeout=10)
                )  # fmt: skip
    return cases


def hostile_cases(size: str) -> list[Case]:
    """Bombs, deep nesting, hash flooding, work amplification and bad tensor geometry."""
    conf = SCALES[size]
    mib = conf["bomb"] << 20
    cases = [
        Case("bombs", f"bzip2 {conf['bomb']} MiB", hostile.bomb_checkpoint(mib, zipfile.ZIP_BZIP2),
             isolate=True),
        Case("bombs", f"lzma {min(conf['bomb'], 256)} MiB",
             hostile.bomb_checkpoint(min(mib, 256 << 20), zipfile.ZIP_LZMA), isolate=True),
        Case("bombs", f"deflate {conf['bomb']} MiB past a 16-byte declared size",
             hostile.bomb_checkpoint(mib, zipfile.ZIP_DEFLATED, declared=16), isolate=True),
        Case("bombs", "deflate 64 MiB of declared zeros (loads: the data is real)",
             hostile.bomb_checkpoint(64 << 20, zipfile.ZIP_DEFLATED), "ok", isolate=True),
    ]  # fmt: skip
    wrap = hostile.checkpoint
    for name, raw in hostile.deep_pickles(conf["depth"]).items():
        cases.append(Case("nesting", f"{name} x{conf['depth']}", wrap(raw)))
    for name, raw in hostile.collision_pickles(conf["keys"]).items():
        cases.append(Case("hashing", f"{name} x{conf['keys']}", wrap(raw)))
    count, width = conf["work"]
    for name, raw in hostile.work_pickles(count, width).items():
        # within the work budget these may load; the time and memory bounds are what counts
        expect = "ok" if name in ("empty_sets", "marks") else "clean"
        cases.append(Case("work", f"{name} {count}x{width}", wrap(raw), expect, isolate=True))
    four = {"0": bytes(4)}
    for name, raw in hostile.geometry_pickles().items():
        cases.append(Case("work", f"geometry {name}", hostile.checkpoint(raw, four)))
    return cases


def safetensors_cases(size: str) -> list[Case]:
    """Flips, truncations and hand-made headers of a safetensors file."""
    import json
    import struct

    import ember
    from ember.serialization import safetensors as st

    conf = SCALES[size]
    raw = st.save({"w": ember.randn(3, 2), "i": ember.arange(4)}, metadata={"k": "v"})
    reference = digest(st.load(raw))
    rng = np.random.default_rng(7)
    cases = [
        Case(
            "safetensors",
            f"flip{i}",
            d,
            "clean",
            "safetensors",
            reference=reference,
            silent_ok=True,
        )
        for i, d in enumerate(hostile.flips(raw, rng, conf["flips"]))
    ]
    cases += [
        Case("safetensors", f"cut{i}", d, "clean", "safetensors", reference=reference)
        for i, d in enumerate(hostile.truncations(raw, rng, conf["cuts"]))
    ]

    def header(text: bytes, data: bytes = b"") -> bytes:
        return struct.pack("<Q", len(text)) + text + data

    entry = lambda shape, end: {"a": {"dtype": "F32", "shape": shape, "data_offsets": [0, end]}}  # noqa: E731
    for name, data in {
        "deep_array": header(b"[" * 100_000 + b"]" * 100_000),
        "deep_object": header(b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
        "ndim_65": header(json.dumps(entry([1] * 65, 4)).encode(), bytes(4)),
        "dim_past_int64": header(json.dumps(entry([0, 2**64], 0)).encode()),
        "huge_header_length": struct.pack("<Q", 2**63) + b"{}",
        "nan_shape": header(b'{"a": {"dtype": "F32", "shape": [NaN], "data_offsets": [0, 4]}}'),
    }.items():
        cases.append(Case("safetensors", name, data, "error", "safetensors"))
    return cases


def catalogue(size: str, marker_dir: str | None = None) -> list[Case]:
    """Every case of a configuration."""
    marker_dir = marker_dir or tempfile.mkdtemp(prefix="ember-adversarial-")
    return (
        hostile_cases(size)
        + corrupt_cases(size)
        + malicious_cases(marker_dir)
        + safetensors_cases(size)
    )
