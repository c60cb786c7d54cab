"""A run with the real extractor and renderer killed with SIGKILL at a few of its checkpoints and started
again ends as an uninterrupted run (test_run_crash.py beside it tries every checkpoint with the fake toolkit;
tests/test_run_e2e.py has the rest of the end-to-end tests). Part of `make faults`, not of `make test`."""

from __future__ import annotations

import shutil
import signal

from helpers.cli import REPO, run_cli
from helpers.contracts import TRUTH
from helpers.fakes import end_state

from compliance.operations.run import CHECKPOINT_LOG_ENV, KILL_AT_ENV

FIXTURES = REPO / "fixtures" / "audit-reports"
PRICES = REPO / "fixtures" / "prices" / "kxin-sample.csv"
ACCEPTED = {entry["assessment_year"]: name for name, entry in TRUTH.items() if entry["status"] == "accepted"}


def test_killed_with_sigkill_and_run_again_ends_as_an_uninterrupted_run(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(FIXTURES / ACCEPTED[1], inbox)
    out = tmp_path / "out"
    args = ("run", str(inbox), "--out", str(out), "--as-of", "2027-03-01", "--prices", str(PRICES))
    log = tmp_path / "checkpoints.log"
    assert run_cli(*args, env={CHECKPOINT_LOG_ENV: str(log)}).returncode == 0
    expected = end_state(out)
    names = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    # A few points with the real renderer (test_run_crash.py tries every one with the fake toolkit):
    # before anything is recorded, after rendering, after recording, after the penalty statement is recorded.
    chosen = ["year 1 rendered", "year 1 recorded", "year 1 penalty recorded"]
    for name in chosen:
        shutil.rmtree(out)
        killed = run_cli(*args, env={KILL_AT_ENV: str(names.index(name) + 1)})
        assert killed.returncode == -signal.SIGKILL, name
        again = run_cli(*args)
        assert again.returncode == 0, again.stderr
        state = end_state(out)
        assert state[1] == expected[1], f"files differ after a kill at {name}"
        assert state[0] == expected[0], f"ledger differs after a kill at {name}"
