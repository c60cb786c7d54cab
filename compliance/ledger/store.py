"""The `Ledger` class: one open ledger, its settings and event log, and the queries of every table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from compliance.ledger.accounts import AccountRecords
from compliance.ledger.determinations import DeterminationRecords
from compliance.ledger.events import Event, verify
from compliance.ledger.recording import LedgerError
from compliance.ledger.reports import ReportRecords

__all__ = ["Ledger", "LedgerError"]


class Ledger(ReportRecords, DeterminationRecords, AccountRecords):
    """One open ledger database. Use `open_ledger()`; close it (or use it as a context manager).

    Plain SQL over sqlite3, one method per question or change, kept by table: reports.py (reports and
    extractions), determinations.py (determinations and documents), accounts.py (users and approvals);
    recording.py holds the connection, its transactions and `_record`; the settings and the event log are here.
    """

    # --- settings ------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, settings: dict[str, str]) -> bool:
        """Record changed settings (contract, output folder, prices file) in one event; False when none."""
        changed = {k: v for k, v in sorted(settings.items()) if self.meta(k) != v}
        if not changed:
            return False
        inserts = [("meta", {"key": k, "value": v}) for k, v in changed.items() if self.meta(k) is None]
        updates = [("meta", {"key": k}, {"value": v}) for k, v in changed.items() if self.meta(k) is not None]
        self._record("ledger_settings", data={"settings": changed}, inserts=inserts, updates=updates)
        return True

    # --- events --------------------------------------------------------------------------------------
    def events(self, *, year: int | None = None, kinds: Sequence[str] = ()) -> list[Event]:
        query, params = "SELECT * FROM events WHERE 1=1", []
        if year is not None:
            query += " AND year = ?"
            params.append(year)
        if kinds:
            query += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params.extend(kinds)
        return [Event.from_row(row) for row in self.conn.execute(query + " ORDER BY seq", params)]

    def add_event(self, kind: str, *, year: int | None, on_date: dt.date | None, data: dict[str, Any]) -> Event:
        """An event with no state rows: a conflict found, a resolution, a date recorded by `compliance record`."""
        return self._record(kind, year=year, on_date=on_date, data=data)

    def verify(self):
        return verify(self.conn)
