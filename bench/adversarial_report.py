"""The adversarial suite's numbers, ember against torch: ``python bench/adversarial_report.py``.

For each area (bombs, nesting, hashing, work, corrupted checkpoints, malicious pickles,
safetensors) it prints the cases tried, how many ember handles cleanly, its crashes, hangs and
code executions and wrong values, and against torch 2.13: the same outcome (error, right values,
wrong values, crash, hang), ember safer (torch crashed, hung, ran out of memory or returned wrong
values where ember was clean), or both clean but different (one loads what the other refuses),
with torch's own crashes, hangs and silently wrong loads; then the
load-time and peak-memory bound ember keeps on any hostile checkpoint under 1 MB.
Every load runs in a forked child (tests/adversarial/isolate.py). ``EMBER_ADVERSARIAL=long``
(the default here) runs thousands of cases and takes several minutes, mostly torch's hangs;
``--small`` runs the CI configuration and ``--no-torch`` skips the comparison.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.adversarial import cases as catalogue  # noqa: E402

TORCH_TIMEOUT = 20.0  # seconds before a torch load counts as a hang


def _torch_can_read(case) -> bool:
    if case.reader == "safetensors":
        try:
            import safetensors.torch  # noqa: F401
        except ImportError:
            return False
    # torch.load(weights_only=False) runs a malicious pickle's code: never asked here
    return case.weights_only


def _brief(outcome) -> str:
    if outcome.kind == "error":
        return f"{outcome.error}: {outcome.message[:90]}"
    return outcome.kind


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="the CI configuration")
    parser.add_argument("--no-torch", action="store_true", help="ember only")
    parser.add_argument("--show", type=int, default=0, help="print N differing cases per area")
    args = parser.parse_args()
    size = "small" if args.small else "long"
    marker_dir = tempfile.mkdtemp(prefix="ember-adversarial-")
    started = time.perf_counter()
    print(f"configuration: {size}; building cases ...", flush=True)
    cases = catalogue.catalogue(size, marker_dir)
    print(f"{len(cases)} cases built in {time.perf_counter() - started:.0f} s; loading with ember")
    ember_out = catalogue.run(cases, "ember")
    torch_out = [None] * len(cases)
    if not args.no_torch:
        print("loading with torch ...", flush=True)
        idx = [i for i, c in enumerate(cases) if _torch_can_read(c)]
        for case in (cases[i] for i in idx):
            case.timeout = min(case.timeout, TORCH_TIMEOUT)
        for i, out in zip(idx, catalogue.run([cases[i] for i in idx], "torch")):
            torch_out[i] = out

    rows = collections.OrderedDict()
    mismatches = collections.defaultdict(list)
    small_bound = {"seconds": 0.0, "peak_mb": 0.0, "case_s": "", "case_mb": ""}
    for case, ours, theirs in zip(cases, ember_out, torch_out):
        area = case.area
        if area == "corrupt":  # one row per source: torch zip, torch legacy, ember zip
            area = f"corrupt {case.name.split('/')[0]}"
        row = rows.setdefault(area, collections.Counter())
        row["cases"] += 1
        verdict = catalogue.verdict(case, ours)
        row["ember clean"] += verdict in ("pass", "silently-different")
        row["ember crash"] += verdict == "crash"
        row["ember hang"] += verdict == "hang"
        row["code run"] += verdict == "code-executed"
        row["ember wrong values"] += verdict == "silent-corruption"
        row["ember changed (no checksum)"] += verdict == "silently-different"
        row["ember other failure"] += verdict in (
            "wrong-error",
            "unexpected-load",
            "unexpected-error",
        )
        if theirs is not None:
            ours_class = catalogue.outcome_class(case, ours)
            theirs_class = catalogue.outcome_class(case, theirs)
            exhausted = theirs.kind == "error" and theirs.error == "MemoryError"
            torch_bad = theirs_class in ("crash", "hang", "different") or exhausted
            row["torch compared"] += 1
            if ours_class == theirs_class and not exhausted:
                row["same as torch"] += 1
            elif torch_bad and verdict == "pass":
                row["ember safer"] += 1
            else:
                row["differ, both clean"] += 1
                if len(mismatches[area]) < args.show:
                    mismatches[area].append((case.name, ours, theirs))
            row["torch crash"] += theirs_class == "crash"
            row["torch hang"] += theirs_class == "hang"
            row["torch wrong values"] += theirs_class == "different"
            row["torch out of memory"] += exhausted
        # the bound on small files; a deflated storage of declared zeros is real data
        small = len(case.data) < 1 << 20 and "declared zeros" not in case.name
        if small and ours.kind in ("ok", "error"):
            if ours.seconds > small_bound["seconds"]:
                small_bound.update(seconds=ours.seconds, case_s=case.name)
            if ours.peak_mb > small_bound["peak_mb"]:  # measured for the cases run alone
                small_bound.update(peak_mb=ours.peak_mb, case_mb=case.name)

    columns = [
        "cases",
        "ember clean",
        "ember crash",
        "ember hang",
        "code run",
        "ember wrong values",
        "ember changed (no checksum)",
        "ember other failure",
        "torch compared",
        "same as torch",
        "ember safer",
        "differ, both clean",
        "torch crash",
        "torch hang",
        "torch wrong values",
        "torch out of memory",
    ]
    width = max(map(len, rows)) + 2
    print()
    print("area".ljust(width) + " | ".join(c for c in columns))
    for area, row in rows.items():
        print(area.ljust(width) + " | ".join(str(row[c]).rjust(len(c)) for c in columns))
    total = sum(rows.values(), collections.Counter())
    print("total".ljust(width) + " | ".join(str(total[c]).rjust(len(c)) for c in columns))
    print()
    print(
        f"ember on hostile checkpoints under 1 MB: at most {small_bound['seconds']:.2f} s "
        f"({small_bound['case_s']}) and {small_bound['peak_mb']:.0f} MB peak RSS growth "
        f"({small_bound['case_mb']})"
    )
    for case, ours in zip(cases, ember_out):
        if "declared zeros" in case.name:
            print(
                f"{case.name}: {len(case.data) / 1e3:.0f} KB file, {ours.kind}, "
                f"{ours.seconds:.2f} s, {ours.peak_mb:.0f} MB peak"
            )
    ember_slow = max(((o.seconds, c.name) for c, o in zip(cases, ember_out)), default=(0, ""))
    print(f"slowest ember case of any size: {ember_slow[0]:.2f} s ({ember_slow[1]})")
    for area, items in mismatches.items():
        for name, ours, theirs in items:
            print(f"differs [{area}] {name}: ember {_brief(ours)}; torch {_brief(theirs)}")
    print(f"marker file created: {os.path.exists(os.path.join(marker_dir, 'pwned'))}")
    print(f"total time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
