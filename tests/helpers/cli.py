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


def one_error_line(done, *words: str) -> str:
    """A refusal as a user sees it: exit 2, no traceback, one `error: ...` line holding each of `words`."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]
