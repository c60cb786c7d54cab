"""A run killed while its workers read reports (kill -9, or SIGTERM as `timeout`, systemd and docker send):
the workers die with it, nothing holds the writer lock, and the rerun ends as an uninterrupted run would.
The 20 random kills beside it (test_random_kills.py) do the same at random moments. Part of `make faults`, not
of `make test`, for its time."""

from __future__ import annotations

import shutil
import signal

import pytest
from helpers.kills import holders, kill_while_reading, reference_run, rerun_state, wait_gone


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return reference_run(tmp_path_factory.mktemp("kills"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "SIGTERM"])
def test_workers_die_with_the_run_and_the_rerun_finishes_the_job(reference, sig):
    inbox, out, expected = reference
    shutil.rmtree(out)
    workers = kill_while_reading(inbox, out, sig)
    assert wait_gone(workers) == [], "a worker outlived the run it was reading for"
    assert holders(out / "ledger.sqlite.lock") == []
    state = rerun_state(inbox, out)
    assert state[1] == expected[1], "the files differ from an uninterrupted run"
    assert state[0] == expected[0], "the ledger differs from an uninterrupted run"
