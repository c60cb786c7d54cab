"""Killing `compliance run` while it reads reports, and checking what it leaves: used by the kill tests of
`make faults` (tests/faults/test_kill_while_reading.py and the 20 random kills, test_random_kills.py)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers.cli import REPO
from helpers.fakes import end_state

FIXTURES = REPO / "fixtures" / "audit-reports"
# A long report keeps the workers busy; year 1 gives documents; the others are read and set aside.
INBOX_FILES = ("y1-zh-yuan-two-columns.pdf", "y3-zh-long-150-pages.pdf", "review-qualified-opinion.pdf",
               "bad-truncated.pdf", "bad-scanned-image-only.pdf", "review-crosscheck-mismatch.pdf")
AS_OF = "2031-03-31"


def make_inbox(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in INBOX_FILES:
        shutil.copy(FIXTURES / name, folder)
    return folder


def run_args(inbox: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "compliance", "run", str(inbox), "--out", str(out), "--as-of", AS_OF,
            "--wait", "5"]


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(part) for part in text.split()]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def holders(path: Path) -> list[int]:
    """Processes with `path` open."""
    target = os.path.realpath(path)
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if any(os.path.realpath(f"/proc/{entry}/fd/{fd}") == target for fd in os.listdir(f"/proc/{entry}/fd")):
                found.append(int(entry))
        except OSError:
            continue
    return found


def kill_while_reading(inbox: Path, out: Path, sig: int, delay: float = 0.0) -> list[int]:
    """Start the run, wait for its workers (then `delay` seconds more), send `sig` to the main process;
    returns the workers it had. Raises AssertionError when the run ends before it could be killed."""
    process = subprocess.Popen(run_args(inbox, out), cwd=REPO, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "120"})
    workers: list[int] = []
    give_up = time.monotonic() + 60
    while not workers and process.poll() is None and time.monotonic() < give_up:
        workers = children(process.pid)
        time.sleep(0.01)
    assert workers, "the run ended before its workers could be seen"
    time.sleep(delay)
    process.send_signal(sig)
    process.wait(30)
    return workers


def wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def rerun_state(inbox: Path, out: Path) -> tuple:
    again = subprocess.run(run_args(inbox, out), cwd=REPO, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "COLUMNS": "120"})
    assert again.returncode in (0, 1), again.stderr
    return end_state(out)


def reference_run(folder: Path) -> tuple[Path, Path, tuple]:
    """(inbox, output folder, end state of an uninterrupted run): what a killed run and its rerun must match."""
    inbox, out = make_inbox(folder / "inbox"), folder / "out"
    return inbox, out, rerun_state(inbox, out)


def signal_name(sig: int) -> str:
    return signal.Signals(sig).name
