"""Every sign-in at the desk, and every refused one (the name tried, never the password), goes into the hash
chain (operations.audit_trail). Writing needs the ledger's writer lock, which a long write (a scanned upload's
OCR) may hold for a minute: a sign-in never waits for it. It is written at once when the lock is free within a
moment, and otherwise kept in the desk's memory and written by a background thread as soon as the lock is
free, with the moment it happened (the trail shows it after the events written meanwhile)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from compliance.desk.requests import Desk
from compliance.operations.access import open_to_write
from compliance.operations.audit_trail import record_refused_sign_in, record_sign_in
from compliance.operations.facade import Ledger, LedgerBusy, LedgerError

FIRST_WAIT_SECONDS = 2.0  # how long a sign-in waits for the writer lock before its event is kept for later
RETRY_WAIT_SECONDS = 30.0
_GUARD = threading.Lock()
_DRAINING: set[int] = set()  # the desks (by id) whose kept events a thread is writing

Write = Callable[[Ledger], object]


def log_sign_in(desk: Desk, *, name: str, signed_in: bool, address: str | None) -> None:
    """Record a sign-in (or a refused one) now, or keep it to be written as soon as the ledger is free."""
    at = desk.settings.clock()
    if signed_in:
        def write(ledger: Ledger) -> object:
            return record_sign_in(ledger, name=name, at=at, address=address)
    else:
        def write(ledger: Ledger) -> object:
            return record_refused_sign_in(ledger, name_tried=name, at=at, address=address)
    with _GUARD:
        desk.pending_trail.append(write)
    _write_pending(desk, FIRST_WAIT_SECONDS) or _start_draining(desk)


def _write_pending(desk: Desk, wait: float) -> bool:
    """Write every kept event under one hold of the writer lock; False when the lock stayed busy."""
    try:
        with open_to_write(desk.settings.db_path, desk.contract, what="the review desk (sign-in record)",
                           wait=wait) as ledger:
            while True:
                with _GUARD:
                    if not desk.pending_trail:
                        return True
                    write = desk.pending_trail[0]
                write(ledger)
                with _GUARD:
                    desk.pending_trail.pop(0)
    except LedgerBusy:
        return False
    except LedgerError as exc:  # a ledger that cannot be used: the console says why; the pages refuse it anyway
        with _GUARD:
            lost = len(desk.pending_trail)
            desk.pending_trail.clear()
        print(f"desk: {lost} sign-in record(s) could not be written: {exc}", file=sys.stderr)
        return True


def _start_draining(desk: Desk) -> None:
    with _GUARD:
        if id(desk) in _DRAINING:
            return
        _DRAINING.add(id(desk))

    def drain() -> None:
        try:
            while not _write_pending(desk, RETRY_WAIT_SECONDS):
                time.sleep(0.5)
        finally:
            with _GUARD:
                _DRAINING.discard(id(desk))
            if desk.pending_trail:  # one came in as this thread was ending
                _start_draining(desk)

    threading.Thread(target=drain, name="desk-sign-in-records", daemon=True).start()


def write_kept(desk: Desk) -> None:
    """Before the trail is read: write what is kept, if the lock is free now (else the thread will)."""
    if desk.pending_trail:
        _write_pending(desk, 0.5) or _start_draining(desk)
