"""The ledger's connection: its transactions, and `_record`, the one way a change is written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from compliance.ledger.events import STATE_TABLES, Event, append_event, row_hash, row_key


class LedgerError(RuntimeError):
    """A ledger that cannot be opened or used; str() is one plain sentence."""


class LedgerConnection:
    """The connection and the writing of changes; the queries are in the classes `Ledger` (store.py) combines.

    Every change goes through `_record`, which appends one event to the hash-chained log and writes the state
    rows that event pins (their row hashes are in the event), all inside the caller's transaction.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: a run killed inside leaves the ledger as it was before BEGIN."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self.conn.in_transaction:  # SQLite may have rolled back itself (a full disk): keep the cause
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise LedgerError(f"the ledger {self.path} could not be written ({exc}); nothing of this step was "
                              "recorded. Free space or fix the folder's permissions, then run again") from None

    def _record(
        self,
        kind: str,
        *,
        year: int | None = None,
        on_date: dt.date | None = None,
        data: dict[str, Any] | None = None,
        inserts: Sequence[tuple[str, dict[str, Any]]] = (),
        updates: Sequence[tuple[str, dict[str, Any], dict[str, Any]]] = (),
    ) -> Event:
        """Append an event pinning the rows it writes; inserts are full rows, updates (table, key, changes)."""
        if not self.conn.in_transaction:
            raise RuntimeError("ledger changes must be made inside ledger.transaction()")
        rows: list[tuple[str, dict[str, Any], bool]] = []
        for table, values in inserts:
            rows.append((table, dict(values), True))
        for table, key, changes in updates:
            where = " AND ".join(f"{column} = ?" for column in key)
            current = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", tuple(key.values())).fetchone()
            if current is None:
                raise RuntimeError(f"no {table} row {key}")
            values = dict(current)
            values.pop("row_hash"), values.pop("event_seq")
            values.update(changes)
            rows.append((table, values, False))
        pins = [{"table": t, "key": row_key(t, v), "hash": row_hash(t, v)} for t, v, _ in rows]
        payload = dict(data or {})
        if pins:
            payload["rows"] = pins
        event = append_event(self.conn, kind, year=year, on_date=on_date, data=payload)
        for (table, values, is_insert), pin in zip(rows, pins, strict=True):
            full = {**values, "row_hash": pin["hash"], "event_seq": event.seq}
            if is_insert:
                columns = ", ".join(full)
                marks = ", ".join("?" for _ in full)
                self.conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(full.values()))
            else:
                assignments = ", ".join(f"{column} = ?" for column in full)
                keys = [column for column in STATE_TABLES[table]]
                where = " AND ".join(f"{column} = ?" for column in keys)
                self.conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE {where}",
                    (*full.values(), *(values[column] for column in keys)),
                )
        return event

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]
