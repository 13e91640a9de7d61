"""How long ``import ember`` takes, against ``import torch``, each in fresh processes.

Usage: ``python bench/import_time.py [--rounds 5]``. Prints the median wall time of each
interpreter start plus import (minus a bare interpreter's start), and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OPTIONAL = ["scipy", "ml_dtypes", "tqdm", "onnx", "tensorboardX", "PIL", "cupy", "mpi4py"]


def _median_seconds(code: str, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bare = _median_seconds("pass", args.rounds)
    ember_s = _median_seconds("import ember", args.rounds) - bare
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ember, sys; print(sorted(set(sys.modules) & set(sys.argv[1:])))",
            *OPTIONAL,
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    ).stdout.strip()
    print(
        f"import ember: {ember_s * 1000:.0f} ms (interpreter start {bare * 1000:.0f} ms excluded)"
    )
    try:
        torch_s = _median_seconds("import torch", args.rounds) - bare
        print(f"import torch: {torch_s * 1000:.0f} ms; ember/torch = {ember_s / torch_s:.2f}x")
    except subprocess.CalledProcessError:
        print("torch is not installed: no comparison")
    print(f"optional packages import ember loaded (should be none): {loaded}")


if __name__ == "__main__":
    main()
