"""Run one load in a forked child: a crash, hang or memory blow-up cannot take the caller down.

The child resets its peak-RSS mark, runs the function under an address-space limit, and sends
back what happened with its peak RSS growth (``resource.getrusage`` after the call minus the
RSS before it) and wall time. POSIX only (``os.fork``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import resource
import select
import signal
import time


@dataclasses.dataclass
class Outcome:
    """What one isolated call did."""

    kind: str  # "ok", "error", "crash" (killed by a signal), "hang" (past the timeout)
    error: str = ""  # exception type name, or the signal
    message: str = ""
    value: object = None  # what the function returned (JSON-able), when ok
    seconds: float = 0.0
    peak_mb: float = 0.0  # peak RSS growth during the call

    @property
    def clean(self) -> bool:
        return self.kind in ("ok", "error")


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def run_forked(fn, *, timeout: float = 30.0, memory_mb: int = 4096) -> Outcome:
    """Call ``fn()`` in a forked child; ``fn`` returns something JSON-able."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_fd)
        report = {}
        try:
            limit = memory_mb << 20
            with contextlib.suppress(ValueError, OSError):
                resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
                f.write("5")  # reset the peak-RSS mark to the current RSS
            before = _rss_kb()
            start = time.perf_counter()
            try:
                value = fn()
                report = {"kind": "ok", "value": value}
            except BaseException as e:  # noqa: BLE001 - every outcome is reported
                report = {"kind": "error", "error": type(e).__name__, "message": str(e)[:300]}
            report["seconds"] = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            report["peak_mb"] = max(peak - before, 0) / 1024
            data = json.dumps(report, default=repr).encode()
        except BaseException as e:  # noqa: BLE001
            data = json.dumps({"kind": "error", "error": type(e).__name__}).encode()
        with contextlib.suppress(OSError):
            os.write(write_fd, data)
        os._exit(0)
    os.close(write_fd)
    chunks, start, hung = [], time.perf_counter(), False
    try:
        while True:
            left = timeout - (time.perf_counter() - start)
            if left <= 0:
                hung = True
                break
            ready, _, _ = select.select([read_fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if hung:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if hung:
        return Outcome("hang", seconds=elapsed)
    if os.WIFSIGNALED(status):
        return Outcome("crash", error=signal.Signals(os.WTERMSIG(status)).name, seconds=elapsed)
    try:
        report = json.loads(b"".join(chunks))
    except ValueError:
        return Outcome("crash", error=f"exit status {status}", seconds=elapsed)
    return Outcome(**report)
