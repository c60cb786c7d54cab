"""The append-only, hash-chained event log and the check that nothing in the ledger was edited.

Each event's hash is sha256(previous hash + canonical JSON of its other fields); the first event chains to
GENESIS. A state row (a report, an extraction, a determination, a document) carries `row_hash`, the hash of
its own canonical JSON, and the event that wrote or last changed it lists that hash under "rows". So an
edit of any event, or of any state row, or a deleted row, breaks a hash that `verify()` recomputes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from compliance.values.digest import sha256_hex

GENESIS = "0" * 64

# Kinds of event; the first group comes from `compliance run`, the second from `compliance record`/`resolve`,
# the third from `compliance sign --db`.
RUN_EVENTS = (
    "ledger_settings", "received", "accepted", "needs_review", "rejected", "conflict", "instructed",
    "superseded", "cancellation_instructed", "penalty_assessed",
)
RECORD_EVENTS = (
    "documents_received_by_agent", "released", "dispute_opened", "dispute_settled", "suspension", "resolved",
)
SIGN_EVENTS = ("document_signed",)
# The review desk's four-eyes step and its accounts (`compliance users`, `compliance approve`, the desk).
APPROVAL_EVENTS = ("user_added", "user_revoked", "password_changed", "documents_approved")
# A report's unproven fields confirmed by hand, with four eyes (operations.confirmation).
CONFIRMATION_EVENTS = ("confirmed_by_hand", "confirmation_countersigned", "confirmation_sent_back",
                       "confirmation_withdrawn")
# Who did what at the desk (operations.audit_trail): a sign-in, a refused sign-in (the name tried, never the
# password), an upload (who, when, which file); each carries its moment ("at") as well as its date.
AUDIT_EVENTS = ("signed_in", "sign_in_refused", "uploaded")
# A signed letter's life after approval (operations.sending): the trust roots an administrator set for the
# signed copies uploaded, and each letter sent and received (the joint instruction's receipt is
# documents_received_by_agent, which starts EA 3.2).
LETTER_EVENTS = ("trust_roots_set", "letter_sent", "letter_received")
# The deal's particulars the filing does not give, set by one person and approved by another (operations.particulars).
PARTICULAR_EVENTS = ("particular_set", "particulars_approved")
# A person's own settings at the desk: the language its pages speak (operations.preferences).
PREFERENCE_EVENTS = ("language_chosen",)
EVENT_KINDS = PARTICULAR_EVENTS + RUN_EVENTS + RECORD_EVENTS + SIGN_EVENTS + APPROVAL_EVENTS + CONFIRMATION_EVENTS + \
    AUDIT_EVENTS + LETTER_EVENTS + PREFERENCE_EVENTS

# State tables and the columns that identify a row; every other column except row_hash/event_seq is content.
STATE_TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key",),
    "reports": ("sha256",),
    "report_names": ("sha256", "name"),
    "extractions": ("sha256",),
    "determinations": ("id",),
    "documents": ("id",),
    "users": ("name",),
    "approvals": ("id",),
}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON data")


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, Decimals as strings (never floats)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def row_hash(table: str, content: dict[str, Any]) -> str:
    """Hash of a state row: its table and every content column (not row_hash, not event_seq)."""
    return sha256_hex(canonical_json({"table": table, **content}))


def row_key(table: str, row: dict[str, Any]) -> str:
    return "/".join(str(row[column]) for column in STATE_TABLES[table])


def event_hash(prev_hash: str, seq: int, kind: str, year: int | None, on_date: str | None, data: str) -> str:
    body = canonical_json({"seq": seq, "kind": kind, "year": year, "on_date": on_date, "data": data})
    return sha256_hex(prev_hash + body)


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    year: int | None
    on_date: dt.date | None
    data: dict[str, Any]
    hash: str

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Event:
        on_date = dt.date.fromisoformat(row["on_date"]) if row["on_date"] else None
        return cls(row["seq"], row["kind"], row["year"], on_date, json.loads(row["data"]), row["hash"])


def append_event(
    conn: sqlite3.Connection,
    kind: str,
    *,
    year: int | None = None,
    on_date: dt.date | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Add one event at the end of the chain (call inside the caller's transaction)."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    last = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    date_text = on_date.isoformat() if on_date else None
    payload = canonical_json(data or {})
    digest = event_hash(prev, seq, kind, year, date_text, payload)
    conn.execute(
        "INSERT INTO events (seq, kind, year, on_date, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, kind, year, date_text, payload, prev, digest),
    )
    return Event(seq, kind, year, on_date, json.loads(payload), digest)


@dataclass(frozen=True)
class VerifyReport:
    events: int
    rows: int
    problem: str | None  # the first tampered or broken row, in one sentence; None when all is intact

    @property
    def ok(self) -> bool:
        return self.problem is None


def _describe(row: sqlite3.Row) -> str:
    year = f", year {row['year']}" if row["year"] is not None else ""
    return f"event {row['seq']} ({row['kind']}{year})"


def _verify_chain(conn: sqlite3.Connection) -> tuple[int, str | None, dict[tuple[str, str], tuple[str, int]]]:
    pins: dict[tuple[str, str], tuple[str, int]] = {}
    prev, expected_seq, count = GENESIS, 1, 0
    for row in conn.execute("SELECT * FROM events ORDER BY seq"):
        count += 1
        if row["seq"] != expected_seq:
            return count, f"event {expected_seq} is missing: the log jumps to event {row['seq']}", pins
        if row["prev_hash"] != prev:
            return count, f"{_describe(row)} does not follow the event before it: a row was removed or " \
                          "inserted", pins
        if event_hash(prev, row["seq"], row["kind"], row["year"], row["on_date"], row["data"]) != row["hash"]:
            return count, f"{_describe(row)} was changed after it was written: its content no longer " \
                          "matches its hash", pins
        try:
            data = json.loads(row["data"])
        except ValueError:
            return count, f"{_describe(row)} holds data that is not JSON", pins
        for pin in data.get("rows", []) if isinstance(data, dict) else []:
            pins[(pin["table"], pin["key"])] = (pin["hash"], row["seq"])
        prev, expected_seq = row["hash"], expected_seq + 1
    return count, None, pins


def verify(conn: sqlite3.Connection) -> VerifyReport:
    """Recompute every hash; report the first event or state row that was edited, removed or added."""
    conn.row_factory = sqlite3.Row
    events, problem, pins = _verify_chain(conn)
    if problem:
        return VerifyReport(events, 0, problem)
    rows = 0
    seen: set[tuple[str, str]] = set()
    for table in STATE_TABLES:
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):  # noqa: S608 (fixed names)
            rows += 1
            record = dict(row)
            stored, seq = record.pop("row_hash"), record.pop("event_seq")
            key = row_key(table, record)
            where = f"{table} row {key}"
            if row_hash(table, record) != stored:
                return VerifyReport(events, rows, f"{where} was changed: its content no longer matches its hash")
            pin = pins.get((table, key))
            if seq is None:
                if pin is not None:
                    return VerifyReport(events, rows, f"{where} lost the link to event {pin[1]} that wrote it")
                if table != "report_names":  # only an extra file name is recorded without an event
                    return VerifyReport(events, rows, f"{where} was added outside the event log")
                continue
            if pin is None or pin[1] != seq:
                return VerifyReport(events, rows, f"{where} is not the row event {seq} wrote")
            if pin[0] != stored:
                return VerifyReport(events, rows, f"{where} was changed: event {seq} recorded other content")
            seen.add((table, key))
    for (table, key), (_, seq) in sorted(pins.items(), key=lambda item: item[1][1]):
        if (table, key) not in seen:
            return VerifyReport(events, rows, f"{table} row {key}, written by event {seq}, has been deleted")
    return VerifyReport(events, rows, None)
