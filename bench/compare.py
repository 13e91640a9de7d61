"""ember against torch on the suite of ``bench/workloads.py``: one process per library, workload
and round, alternating, at 1 and 2 threads (issue 11).

Run: ``python bench/compare.py [--rounds 3] [--threads 1,2] [--only mlp,gpt] [--write] [--force]``.

For each thread count, each round runs every selected workload once per library, each in a fresh
``python`` process with ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS`` and ``MKL_NUM_THREADS`` set
(the library's ``set_num_threads`` too); the order of the two libraries alternates from round to
round. A child warms up, then times steps until ``--min-time`` seconds and at least three steps
have passed, and reports its median step time and its peak RSS (``getrusage``: the main
process; DataLoader workers are not counted). The table
gives, per workload, the median over rounds of each library's ms/step with its spread (half the
range over rounds, in % of the median), the ratio ember/torch of the medians, and each library's
peak RSS (largest over rounds; in brackets the part above the RSS right after the import) with
their ratio.

A loaded machine makes the numbers meaningless (torch's OpenMP threads slow 10-60x when the cores
are taken), so the script first checks the load -- the 1-minute load average against the core
count, the CPU time used by others over a second (``/proc/stat``), and the run-to-run spread of a
short calibration loop -- and before every round the ``/proc/stat`` sample again, waiting up to
``--wait`` seconds for the machine to go quiet. If it stays busy the script stops with exit status
2 and says why, unless ``--force`` is given; then the results are marked as taken under load.
During each child it also measures the CPU time other processes took (the machine's busy time less
the child's own); a row where that exceeded ``--max-busy`` is flagged in the table and the run is
marked as taken under load. ``--write`` adds (or replaces, for the same command) a section in
``bench/RESULTS.md`` with the command, the date, the machine (CPU, cores, BLAS of NumPy and torch
via threadpoolctl) and the table.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"
LIBS = ("ember", "torch")


# ----------------------------------------------------------------------------- child
def _child(lib_name: str, workload: str, min_time: float, max_steps: int) -> None:
    """Run one workload in this process and print one JSON line with its timings."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import importlib
    import resource

    import workloads

    lib = importlib.import_module(lib_name)
    import_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    lib.set_num_threads(threads)
    t0 = time.perf_counter()
    w = workloads.WORKLOADS[workload](lib)
    setup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    per, unit = w.per, w.unit
    w.step()  # warm-up: caches, lazy imports, workers starting
    first_s = time.perf_counter() - t0
    if first_s < 0.5:
        w.step()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_steps and (len(times) < 3 or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        w.step()
        times.append(time.perf_counter() - t0)
    import gc

    del w
    gc.collect()  # shuts down persistent DataLoader workers, so they are reaped and counted
    out = {
        "lib": lib_name,
        "workload": workload,
        "median_s": statistics.median(times),
        "steps": len(times),
        "setup_s": setup_s,
        "first_s": first_s,
        "per": per,
        "unit": unit,
        # ru_maxrss is in KiB on Linux: the peak of this process, and of its reaped children
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "import_rss_mb": import_rss_mb,
        "children_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }
    print("RESULT " + json.dumps(out), flush=True)


def _run_child(lib: str, workload: str, threads: int, args) -> dict:
    env = dict(os.environ)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", lib, workload]
    cmd += ["--min-time", str(args.min_time), "--max-steps", str(args.max_steps)]
    import resource

    total0, idle0 = _cpu_times()
    ru0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    total1, idle1 = _cpu_times()
    ru1, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(
            f"{lib} {workload} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}"
        )
    res = json.loads(lines[-1][len("RESULT ") :])
    # CPU time the whole machine spent busy during the child, less the child's own (and its
    # DataLoader workers'): what other processes took, as a fraction of all cores' time
    hz = os.sysconf("SC_CLK_TCK")
    busy = ((total1 - idle1) - (total0 - idle0)) / hz
    own = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    res["others_busy"] = max(0.0, (busy - own) / (wall * (os.cpu_count() or 1)))
    return res


# ----------------------------------------------------------------------------- load
def _cpu_times() -> tuple[int, int]:
    with open("/proc/stat") as f:
        vals = [int(v) for v in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)  # idle + iowait
    return sum(vals[:8]), idle


def others_busy_fraction(seconds: float = 1.0) -> float:
    """Fraction of all cores' time used over ``seconds`` while this process sleeps."""
    total0, idle0 = _cpu_times()
    time.sleep(seconds)
    total1, idle1 = _cpu_times()
    return 1.0 - (idle1 - idle0) / max(total1 - total0, 1)


def calibration_spread(repeats: int = 15) -> float:
    """Run-to-run spread of a ~20 ms pure-Python loop: median / min - 1."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        s = 0
        for i in range(300_000):
            s += i * i
        times.append(time.perf_counter() - t0)
    return statistics.median(times) / min(times) - 1.0


def wait_for_quiet(args, full: bool) -> list[str]:
    """``check_load``, repeated every 10 s for up to ``--wait`` seconds until it finds no reason."""
    deadline = time.monotonic() + args.wait
    while True:
        reasons = check_load(args, full)
        if not reasons or time.monotonic() >= deadline:
            return reasons
        print(f"busy ({reasons[0]}); waiting...", file=sys.stderr, flush=True)
        time.sleep(10)


def check_load(args, full: bool) -> list[str]:
    """Reasons the machine is busy (empty when it is quiet enough to measure)."""
    ncpu = os.cpu_count() or 1
    reasons = []
    busy = others_busy_fraction(1.0)
    if busy > args.max_busy:
        reasons.append(
            f"other processes used {busy:.0%} of the CPU over 1 s (max {args.max_busy:.0%})"
        )
    if full:
        load1 = os.getloadavg()[0]
        if load1 > args.max_load * ncpu:
            reasons.append(
                f"1-minute load average {load1:.2f} on {ncpu} cores"
                f" (max {args.max_load * ncpu:.2f})"
            )
        spread = calibration_spread()
        if spread > 0.15:
            reasons.append(f"calibration loop varies by {spread:.0%} from run to run (max 15%)")
    return reasons


# ----------------------------------------------------------------------------- machine
def machine_info() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    probe = (
        "import json, threadpoolctl, numpy as np, {lib}\n"
        "print(json.dumps([{{'version': {lib}.__version__, 'numpy': np.__version__}},"
        " [{{k: i.get(k) for k in ('internal_api', 'version', 'num_threads', 'threading_layer')}}"
        " for i in threadpoolctl.threadpool_info()]]))"
    )
    libs = {}
    for lib in LIBS:
        try:
            r = subprocess.run(
                [sys.executable, "-c", probe.format(lib=lib)],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=ROOT,
            )
            libs[lib] = json.loads(r.stdout.strip().splitlines()[-1])
        except Exception as e:  # noqa: BLE001 - the report says what failed
            libs[lib] = [{"version": "?"}, [{"error": str(e)}]]
    return {"cpu": cpu, "cores": os.cpu_count(), "python": sys.version.split()[0], "libs": libs}


def _pools(pools: list) -> str:
    parts = []
    for p in pools:
        if "error" in p:
            return "threadpoolctl failed: " + p["error"]
        name = p.get("internal_api")
        ver = p.get("version") or ""
        layer = p.get("threading_layer")
        parts.append(f"{name} {ver}".strip() + (f" ({layer})" if layer else ""))
    return ", ".join(parts) or "none found"


# ----------------------------------------------------------------------------- table
def _summary(results: list[dict]) -> tuple[float, float, float, float]:
    meds = [r["median_s"] for r in results]
    med = statistics.median(meds)
    spread = (max(meds) - min(meds)) / 2 / med if med else 0.0
    peak = max(r["peak_rss_mb"] for r in results)
    return med, spread, peak, peak - max(r["import_rss_mb"] for r in results)


def table(results: dict, threads: int, names: list[str], max_busy: float = 0.25) -> list[str]:
    """Markdown rows for one thread count; ``results[(lib, workload)]`` lists per-round dicts."""
    rows = [
        f"| workload ({threads} thread{'s' if threads > 1 else ''}) | ember ms/step | torch ms/step"
        " | ember/torch | ember peak RSS | torch peak RSS | RSS ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        e = results.get(("ember", name))
        t = results.get(("torch", name))
        if not e or not t:
            continue
        (me, se, re_, de), (mt, st, rt, dt) = _summary(e), _summary(t)
        label = name
        per, unit = e[0]["per"], e[0]["unit"]
        if per > 1:
            label += f" ({me / per * 1e6:.1f} vs {mt / per * 1e6:.1f} µs/{unit})"
        noisy = max(r.get("others_busy", 0.0) for r in e + t)
        if noisy > max_busy:
            label += f" (others used {noisy:.0%} of the CPU)"
        rows.append(
            f"| {label} | {me * 1e3:.1f} ±{se:.0%} | {mt * 1e3:.1f} ±{st:.0%} | {me / mt:.2f}x"
            f" | {re_:.0f} MB (+{de:.0f}) | {rt:.0f} MB (+{dt:.0f}) | {re_ / rt:.2f}x |"
        )
    return rows


def write_results(command: str, when: str, machine: dict, load_note: str, body: list[str]) -> None:
    lib_lines = []
    for lib in LIBS:
        meta, pools = machine["libs"][lib]
        lib_lines.append(
            f"- {lib} {meta.get('version')} (NumPy {meta.get('numpy')}):"
            f" BLAS/OpenMP {_pools(pools)}"
        )
    section = [
        f"## {when}",
        "",
        f"Command: `{command}`",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}",
        *lib_lines,
        f"- Load: {load_note}",
        "",
        *body,
        "",
    ]
    text = RESULTS.read_text() if RESULTS.exists() else _HEADER
    chunks = text.split("\n## ")
    head, sections = chunks[0], ["## " + c for c in chunks[1:]]
    sections = [s for s in sections if f"Command: `{command}`" not in s]
    sections.append("\n".join(section))
    RESULTS.write_text(
        head.rstrip("\n") + "\n\n" + "\n".join(s.rstrip("\n") + "\n" for s in sections)
    )


_HEADER = """# Benchmark results: ember against torch (issue 11)

Written by `python bench/compare.py --write` (see its docstring for the method; the workloads are
in `bench/workloads.py`). Times are the median over rounds of each process's median step time,
with the spread (half the range over rounds); ratios below 1.0 mean ember is faster or smaller.
Peak RSS is the main process's (the DataLoader workers are not included); in brackets, how much
of it came after importing the library (the workload's own memory: torch's import alone is about
200 MB). A new run with the same command replaces its section.
"""


# ----------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    p.add_argument("--only", default="", help="comma-separated workloads (default: all)")
    p.add_argument("--force", action="store_true", help="measure even when the machine is busy")
    p.add_argument("--write", action="store_true", help="add the table to bench/RESULTS.md")
    p.add_argument("--min-time", type=float, default=1.0, help="seconds of timed steps per child")
    p.add_argument("--max-steps", type=int, default=200)
    p.add_argument("--max-load", type=float, default=0.5, help="max 1-min load average per core")
    p.add_argument("--max-busy", type=float, default=0.25, help="max CPU fraction used by others")
    p.add_argument("--wait", type=float, default=120, help="seconds to wait for a quiet machine")
    p.add_argument("--child", nargs=2, metavar=("LIB", "WORKLOAD"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1], args.min_time, args.max_steps)
        return 0

    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    names = [n for n in args.only.split(",") if n] or list(WORKLOADS)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workloads {unknown}; choose from {list(WORKLOADS)}")
    thread_counts = [int(t) for t in args.threads.split(",")]
    command = "python bench/compare.py " + " ".join(sys.argv[1:] if argv is None else argv)

    reasons = wait_for_quiet(args, full=True)
    under_load = bool(reasons)
    if reasons and not args.force:
        print(
            "The machine is busy; not measuring (use --force to measure anyway):", file=sys.stderr
        )
        for r in reasons:
            print(f"  - {r}", file=sys.stderr)
        return 2
    for r in reasons:
        print(f"WARNING, measuring under load: {r}", file=sys.stderr)

    body: list[str] = []
    for threads in thread_counts:
        results: dict = {}
        for rnd in range(args.rounds):
            if rnd or threads != thread_counts[0]:
                again = wait_for_quiet(args, full=False)
                if again and not args.force:
                    print(f"The machine became busy: {again[0]}; stopping.", file=sys.stderr)
                    return 2
                under_load |= bool(again)
            order = LIBS if rnd % 2 == 0 else LIBS[::-1]
            for name in names:
                for lib in order:
                    res = _run_child(lib, name, threads, args)
                    results.setdefault((lib, name), []).append(res)
                    print(
                        f"[threads {threads} round {rnd + 1}/{args.rounds}] {name:<22} {lib:<6}"
                        f" {res['median_s'] * 1e3:9.2f} ms/step ({res['steps']} steps)"
                        f" peak {res['peak_rss_mb']:.0f} MB, others {res['others_busy']:.0%}",
                        flush=True,
                    )
        rows = table(results, threads, names, args.max_busy)
        noisy = [r["others_busy"] for rs in results.values() for r in rs]
        if max(noisy) > args.max_busy:
            under_load = True
        print("\n" + "\n".join(rows) + "\n", flush=True)
        body += rows + [""]

    load_note = (
        "TAKEN UNDER LOAD (--force): " + "; ".join(reasons or ["the machine became busy mid-run"])
        if under_load
        else f"quiet (checked before each round; 1-min load average {os.getloadavg()[0]:.2f} at"
        " the end, which counts the benchmark itself)"
    )
    print("Load:", load_note)
    if args.write:
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        write_results(command, when, machine_info(), load_note, body[:-1])
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
