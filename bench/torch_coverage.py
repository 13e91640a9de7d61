"""How much of torch's public API ember covers: ``python bench/torch_coverage.py [--names]``.

For each torch module of ``tests/test_torch_coverage.py`` it prints the names ember implements
out of torch's public names (``torch: 612/1025``), how many of the rest are excluded on purpose
and how many are in progress elsewhere (``tests/torch_coverage_exclusions.py``), and how many
are neither (the coverage test fails on those). ``--names`` lists the excluded, in-progress and
missing names too.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.test_torch_coverage import NAMESPACES, coverage  # noqa: E402


def main(argv: list[str]) -> None:
    names = "--names" in argv
    rows = [coverage(ns) for ns in NAMESPACES]
    width = max(len(ns) for ns in NAMESPACES) + 1
    print(f"{'module':<{width}} {'ember/torch':>12} {'%':>6} {'excluded':>9} {'progress':>9}")
    for c in rows:
        share = f"{len(c.implemented)}/{c.total}"
        pct = 100 * len(c.implemented) / c.total if c.total else 100.0
        line = f"{c.namespace + ':':<{width}} {share:>12} {pct:>5.1f}% "
        line += f"{len(c.excluded):>9} {len(c.in_progress):>9}"
        if c.missing:
            line += f"  missing {len(c.missing)}"
        print(line)
    implemented = sum(len(c.implemented) for c in rows)
    total = sum(c.total for c in rows)
    excluded = sum(len(c.excluded) for c in rows)
    progress = sum(len(c.in_progress) for c in rows)
    pct = 100 * implemented / total
    print(
        f"{'all:':<{width}} {f'{implemented}/{total}':>12} {pct:>5.1f}% {excluded:>9} {progress:>9}"
    )
    if names:
        for c in rows:
            for what in ("in_progress", "excluded", "missing"):
                listed = getattr(c, what)
                if listed:
                    print(f"\n{c.namespace} {what} ({len(listed)}): {' '.join(listed)}")


if __name__ == "__main__":
    main(sys.argv[1:])
