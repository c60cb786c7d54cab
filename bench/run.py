"""`make bench`: every area's benchmark in turn. Each prints ratios against a reference measured in the
same run, so the numbers mean the same on any machine."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

AREAS = ["startup", "engine", "ledger", "extract", "ocr", "documents", "penalty", "mainjob"]


def main() -> int:
    from compliance.cli.terminal import keep_to_our_words

    keep_to_our_words()  # the ratios, not a library's notes to its maintainers
    for area in AREAS:
        if not (Path(__file__).parent / f"{area}.py").exists():
            print(f"[{area}] no benchmark yet")
            continue
        print(f"== {area} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(area).main()
        print(f"   ({area} benchmark took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
