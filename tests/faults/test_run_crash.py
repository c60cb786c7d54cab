"""Crash safety: a run killed with SIGKILL at any of its checkpoints and started again ends in exactly the
state of a run never interrupted (ledger rows, files and their sha256). Uses the fake toolkit so that every
checkpoint can be tried; test_run_e2e_kills.py beside it repeats a few with the real extractor and renderer.
Part of `make faults`, not of `make test`, for its time."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.fakes import end_state, write_report

from compliance.operations.run import CHECKPOINT_LOG_ENV, KILL_AT_ENV

TESTS = Path(__file__).resolve().parents[1]  # tests/, where the helpers package is
PRICES = TESTS.parent / "fixtures" / "prices" / "kxin-sample.csv"
AS_OF = "2028-03-31"  # years 1 and 2 determined, both releases overdue: documents and penalty statements


def run_fake_process(inbox: Path, out: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "helpers.fakes", str(inbox), str(out), AS_OF, str(PRICES)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS), os.environ.get("PYTHONPATH")])),
             **(env or {})}, capture_output=True, text=True, timeout=120,
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """An uninterrupted run: its end state and the checkpoints it passed."""
    root = tmp_path_factory.mktemp("crash")
    inbox = root / "inbox"
    write_report(inbox, "y1.pdf", 1)
    write_report(inbox, "y2.pdf", 2)  # a shortfall year: a deduction notice too
    (inbox / "notes.txt").write_text("not a report")
    out = root / "out"
    log = root / "checkpoints.log"
    done = run_fake_process(inbox, out, {CHECKPOINT_LOG_ENV: str(log)})
    assert done.returncode == 1, done.stderr  # notes.txt is rejected
    checkpoints = log.read_text().splitlines()
    state = end_state(out)
    shutil.rmtree(out)
    return inbox, out, checkpoints, state


def test_the_reference_run_passes_every_kind_of_checkpoint(reference):
    _, _, checkpoints, (ledger, files) = reference
    names = [line.split(" ", 1)[1] for line in checkpoints]
    for expected in ("files recorded", "year 1 rendered", "year 1 recorded", "placed year-1/joint-instruction.pdf",
                     "year 2 penalty recorded", "summary written"):
        assert expected in names
    assert "year-2/deduction-notice.pdf" in files and "year-2/penalty-statement.docx" in files
    assert not any(name.startswith(".staging") for name in files)


def test_killed_at_each_checkpoint_and_run_again_ends_as_an_uninterrupted_run(reference):
    inbox, out, checkpoints, expected = reference
    for number in range(1, len(checkpoints) + 1):
        shutil.rmtree(out, ignore_errors=True)
        killed = run_fake_process(inbox, out, {KILL_AT_ENV: str(number)})
        assert killed.returncode == -signal.SIGKILL, f"checkpoint {checkpoints[number - 1]}: {killed.stderr}"
        again = run_fake_process(inbox, out)
        assert again.returncode == 1, again.stderr
        state = end_state(out)
        assert state[1] == expected[1], f"files differ after a kill at {checkpoints[number - 1]}"
        assert state[0] == expected[0], f"ledger differs after a kill at {checkpoints[number - 1]}"
