"""Start-up: `compliance --help` (goal under 0.3 s) against a bare interpreter start, measured in the same run."""

from __future__ import annotations

import subprocess
import sys
import time


def _best_of(args: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    bare = _best_of([sys.executable, "-c", "pass"])
    help_ = _best_of([sys.executable, "-m", "compliance", "--help"])
    print(f"   compliance --help: {help_:.3f} s (goal < 0.3 s) = {help_ / bare:.1f} x a bare `python -c pass` "
          f"({bare:.3f} s)")
