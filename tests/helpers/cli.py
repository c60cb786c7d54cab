"""The real command line, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_cli(*args: str, input: str | None = None, cwd: Path | None = None, env: dict | None = None):
    """Run `python -m compliance ARGS` as a user would; returns the CompletedProcess (text)."""
    full_env = {**os.environ, "COLUMNS": "120", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "compliance", *args],
        capture_output=True, text=True, input=input, cwd=cwd or REPO, env=full_env, timeout=600,
    )
