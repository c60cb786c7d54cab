"""Every sign-in at the desk, and every refused one (the name tried, never the password), goes into the hash
chain (operations.audit_trail). Writing needs the ledger's writer lock, which a long write (a scanned upload's
OCR) may hold for a minute: a sign-in never waits for it.

Each sign-in is first appended to a small spool file beside the ledger (flushed to disk), then written to the
chain at once when the lock is free within a moment, and otherwise by a background thread as soon as it is
free, with the moment it happened (the trail shows it after the events written meanwhile). A desk stopped
before that thread wrote it writes the spool when it starts again. Each record carries its own id, stored in
its event, so a record written just before a stop is never written twice."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path

from compliance.desk.requests import Desk
from compliance.operations.access import open_to_write
from compliance.operations.audit_trail import SIGN_IN_KINDS, record_refused_sign_in, record_sign_in, written_records
from compliance.operations.facade import Ledger, LedgerBusy, LedgerError

FIRST_WAIT_SECONDS = 2.0  # how long a sign-in waits for the writer lock before its event is left to the thread
RETRY_WAIT_SECONDS = 30.0
SPOOL_NAME = "desk-sign-ins.pending"  # beside ledger.sqlite: one JSON record a line
_GUARD = threading.Lock()
_DRAINING: set[int] = set()  # the desks (by id) whose spooled records a thread is writing


def spool_path(desk: Desk) -> Path:
    return desk.settings.db_path.with_name(SPOOL_NAME)


def log_sign_in(desk: Desk, *, name: str, signed_in: bool, address: str | None) -> None:
    """Record a sign-in (or a refused one) now, or keep it to be written as soon as the ledger is free."""
    record = {"record": secrets.token_hex(8), "kind": SIGN_IN_KINDS[0 if signed_in else 1], "name": name,
              "at": desk.settings.clock().isoformat(), "from": address}
    with _GUARD:
        desk.pending_trail.append(record)
        _append(desk, record)
    _write_pending(desk, FIRST_WAIT_SECONDS) or _start_draining(desk)


def resume(desk: Desk) -> None:
    """At the desk's start: the sign-ins a stopped desk had spooled and not yet written, written now or soon."""
    with _GUARD:
        desk.pending_trail.extend(_read_spool(desk))
    if desk.pending_trail:
        _write_pending(desk, 0.5) or _start_draining(desk)


def write_kept(desk: Desk) -> None:
    """Before the trail is read: write what is kept, if the lock is free now (else the thread will)."""
    if desk.pending_trail:
        _write_pending(desk, 0.5) or _start_draining(desk)


def _append(desk: Desk, record: dict) -> None:
    """Keep a record on disk until it is in the chain; a disk that refuses it leaves it in memory (said once)."""
    try:
        with open(spool_path(desk), "a", encoding="utf-8") as spool:
            spool.write(json.dumps(record, ensure_ascii=False) + "\n")
            spool.flush()
            os.fsync(spool.fileno())
    except OSError as exc:
        print(f"desk: a sign-in record is kept in memory only until the ledger is free ({exc.strerror})",
              file=sys.stderr)


def _read_spool(desk: Desk) -> list[dict]:
    try:
        lines = spool_path(desk).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:  # a line cut by a stop in the middle of its write: it never reached the chain either
            continue
        if isinstance(record, dict) and record.get("kind") in SIGN_IN_KINDS and isinstance(record.get("record"), str):
            records.append(record)
    return records


def _write(ledger: Ledger, record: dict) -> None:
    at = dt.datetime.fromisoformat(record["at"])
    if record["kind"] == SIGN_IN_KINDS[0]:
        record_sign_in(ledger, name=record["name"], at=at, address=record.get("from"), record=record["record"])
    else:
        record_refused_sign_in(ledger, name_tried=record["name"], at=at, address=record.get("from"),
                               record=record["record"])


def _clear_spool(desk: Desk, done: set[str]) -> None:
    """The spool without the records now in the chain (rewritten whole, then renamed over the old one)."""
    path = spool_path(desk)
    left = [record for record in _read_spool(desk) if record["record"] not in done]
    try:
        if not left:
            path.unlink(missing_ok=True)
            return
        fresh = path.with_name(SPOOL_NAME + ".new")
        fresh.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in left),
                         encoding="utf-8")
        os.replace(fresh, path)
    except OSError:  # the ids in the chain keep a record left here from being written twice
        pass


def _write_pending(desk: Desk, wait: float) -> bool:
    """Write every kept record under one hold of the writer lock; False when the lock stayed busy."""
    try:
        with open_to_write(desk.settings.db_path, desk.contract, what="the review desk (sign-in record)",
                           wait=wait) as ledger:
            done = written_records(ledger)
            while True:
                with _GUARD:
                    if not desk.pending_trail:
                        _clear_spool(desk, done)
                        return True
                    record = desk.pending_trail[0]
                if record["record"] not in done:
                    _write(ledger, record)
                    done.add(record["record"])
                with _GUARD:
                    desk.pending_trail.pop(0)
    except LedgerBusy:
        return False
    except LedgerError as exc:  # a ledger that cannot be used: the console says why; the spool keeps the records
        with _GUARD:
            kept = len(desk.pending_trail)
            desk.pending_trail.clear()
        print(f"desk: {kept} sign-in record(s) could not be written yet: {exc}", file=sys.stderr)
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
