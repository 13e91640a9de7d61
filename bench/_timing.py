"""Side-by-side timing helpers for the benchmarks: ember and torch in the same run."""

from __future__ import annotations

import time


def best_time(fn, repeat: int = 7, number: int | None = None) -> float:
    """Best per-call time of ``fn`` over ``repeat`` rounds (auto-sized to ~0.05 s each)."""
    fn()
    if number is None:
        number = 1
        while True:
            t0 = time.perf_counter()
            for _ in range(number):
                fn()
            if time.perf_counter() - t0 > 0.05 or number >= 1 << 16:
                break
            number *= 2
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def report(rows, title: str) -> None:
    """Print a table of (name, ember seconds, torch seconds, target ratio)."""
    print(f"\n{title}")
    print(f"{'case':<44}{'ember':>12}{'torch':>12}{'ratio':>8}{'target':>8}")
    for name, te, tt, target in rows:
        ratio = te / tt
        flag = "" if target is None or ratio <= target else "  (over)"
        tgt = "" if target is None else f"{target:.1f}x"
        print(f"{name:<44}{te * 1e6:>10.1f}us{tt * 1e6:>10.1f}us{ratio:>7.2f}x{tgt:>8}{flag}")
