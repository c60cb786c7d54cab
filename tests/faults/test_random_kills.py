"""`make faults`: 20 kills of `compliance run` at random moments while it reads, half kill -9 and half
SIGTERM. After each: no worker left, nothing holds the writer lock, and the rerun ends with the same ledger
rows and output files as an uninterrupted run. (Kept out of `make test` for its time: about 2 minutes.)"""

from __future__ import annotations

import random
import shutil
import signal

import pytest
from helpers.kills import holders, kill_while_reading, reference_run, rerun_state, signal_name, wait_gone

TRIES = 20


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return reference_run(tmp_path_factory.mktemp("random-kills"))


@pytest.mark.parametrize("attempt", range(TRIES))
def test_a_random_kill_while_reading_leaves_nothing_behind(reference, attempt):
    chance = random.Random(attempt)  # the same moments on every machine
    sig = signal.SIGKILL if attempt % 2 == 0 else signal.SIGTERM
    delay = chance.uniform(0.0, 1.5)
    inbox, out, expected = reference
    shutil.rmtree(out, ignore_errors=True)
    workers = kill_while_reading(inbox, out, sig, delay)
    where = f"{signal_name(sig)} after {delay:.2f} s"
    assert wait_gone(workers) == [], f"a worker outlived the run ({where})"
    assert holders(out / "ledger.sqlite.lock") == [], f"the writer lock is still held ({where})"
    state = rerun_state(inbox, out)
    assert state[1] == expected[1], f"files differ from an uninterrupted run ({where})"
    assert state[0] == expected[0], f"ledger differs from an uninterrupted run ({where})"
