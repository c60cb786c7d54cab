"""The ledger's queries: plain SQL over the standard library's sqlite3, one method per question or change.

Every change goes through `_record`, which appends one event to the hash-chained log and writes the state
rows that event pins (their row hashes are in the event), all inside the caller's transaction.

Longer than 350 lines: every SQL statement of the ledger stays in this one class, so that what is written
and how it is pinned in the chain can be read in one place.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from compliance.ledger.events import STATE_TABLES, Event, append_event, canonical_json, row_hash, row_key, verify
from compliance.ledger.rows import (
    Approval,
    ApprovedFile,
    Determination,
    Document,
    NewDetermination,
    NewDocument,
    User,
)


class LedgerError(RuntimeError):
    """A ledger that cannot be opened or used; str() is one plain sentence."""


class Ledger:
    """One open ledger database. Use `open_ledger()`; close it (or use it as a context manager)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    # --- connection and transactions -----------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
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
                keys = [column for column in _key_columns(table)]
                where = " AND ".join(f"{column} = ?" for column in keys)
                self.conn.execute(
                    f"UPDATE {table} SET {assignments} WHERE {where}",
                    (*full.values(), *(values[column] for column in keys)),
                )
        return event

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]

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

    # --- reports and extractions ---------------------------------------------------------------------
    def has_report(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM reports WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def report_names(self, sha256: str) -> list[str]:
        rows = self.conn.execute("SELECT name FROM report_names WHERE sha256 = ? ORDER BY name", (sha256,))
        return [row[0] for row in rows]

    def first_name(self, sha256: str) -> str | None:
        row = self.conn.execute("SELECT first_name FROM reports WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def add_report(self, sha256: str, size: int, name: str, extraction: dict[str, Any]) -> None:
        """A new file content: a `received` event, then its extraction's verdict (accepted/needs_review/rejected)."""
        self._record(
            "received",
            data={"sha256": sha256, "name": name, "size": size},
            inserts=[
                ("reports", {"sha256": sha256, "size": size, "first_name": name}),
                ("report_names", {"sha256": sha256, "name": name}),
            ],
        )
        status = extraction["status"]
        year = extraction.get("assessment_year")
        revenue = extraction.get("operating_revenue")
        self._record(
            status,
            year=year,
            data={
                "sha256": sha256,
                "name": name,
                "revenue": revenue,
                "problems": [problem["code"] for problem in extraction.get("problems", [])],
            },
            inserts=[
                (
                    "extractions",
                    {
                        "sha256": sha256,
                        "status": status,
                        "assessment_year": year,
                        "operating_revenue": revenue,
                        "json": canonical_json(extraction),
                    },
                )
            ],
        )

    def add_name(self, sha256: str, name: str) -> bool:
        """The same content under another file name: the name is kept, no new event (it is not news)."""
        if name in self.report_names(sha256):
            return False
        values = {"sha256": sha256, "name": name}
        full = {**values, "row_hash": row_hash("report_names", values), "event_seq": None}
        self.conn.execute(
            "INSERT INTO report_names (sha256, name, row_hash, event_seq) VALUES (?, ?, ?, ?)",
            tuple(full.values()),
        )
        return True

    def extraction(self, sha256: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT json FROM extractions WHERE sha256 = ?", (sha256,)).fetchone()
        return json.loads(row[0]) if row else None

    def reports_for_year(self, year: int, status: str | None = None) -> list[str]:
        """sha256 of the reports read as this Assessment Year, in the order they were received."""
        query = (
            "SELECT x.sha256 FROM extractions x WHERE x.assessment_year = ?"
            + (" AND x.status = ?" if status else "")
            + " ORDER BY x.event_seq"
        )
        return [row[0] for row in self.conn.execute(query, (year, status) if status else (year,))]

    def reports(self) -> list[dict[str, Any]]:
        """Every recorded report, in the order received: sha256, first_name, size, status, year, revenue."""
        rows = self.conn.execute(
            "SELECT r.sha256, r.first_name, r.size, x.status, x.assessment_year, x.operating_revenue "
            "FROM reports r JOIN extractions x ON x.sha256 = r.sha256 ORDER BY x.event_seq, r.sha256"
        )
        return [{"sha256": row[0], "first_name": row[1], "size": row[2], "status": row[3], "year": row[4],
                 "revenue": row[5]} for row in rows]

    # --- determinations and documents ----------------------------------------------------------------
    def current_determination(self, year: int) -> Determination | None:
        row = self.conn.execute(
            "SELECT * FROM determinations WHERE year = ? AND superseded_by IS NULL ORDER BY id DESC LIMIT 1",
            (year,),
        ).fetchone()
        return Determination.from_row(row) if row else None

    def determination(self, determination_id: int) -> Determination | None:
        row = self.conn.execute("SELECT * FROM determinations WHERE id = ?", (determination_id,)).fetchone()
        return Determination.from_row(row) if row else None

    def determinations(self) -> list[Determination]:
        return [Determination.from_row(r) for r in self.conn.execute("SELECT * FROM determinations ORDER BY id")]

    def documents(self, *, current_only: bool = False) -> list[Document]:
        query = "SELECT * FROM documents" + (" WHERE superseded_by IS NULL" if current_only else "")
        return [Document.from_row(row) for row in self.conn.execute(query + " ORDER BY id")]

    def current_document(self, slot: str) -> Document | None:
        row = self.conn.execute(
            "SELECT * FROM documents WHERE slot = ? AND superseded_by IS NULL ORDER BY version DESC LIMIT 1",
            (slot,),
        ).fetchone()
        return Document.from_row(row) if row else None

    def next_version(self, slot: str) -> int:
        return self.conn.execute(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE slot = ?", (slot,)
        ).fetchone()[0]

    def issue(
        self,
        kind: str,
        *,
        year: int | None,
        as_of: dt.date,
        documents: Sequence[NewDocument],
        determination: NewDetermination | None = None,
        determination_id: int | None = None,
        withdraw: Sequence[Document] = (),
        data: dict[str, Any] | None = None,
    ) -> tuple[int | None, list[int]]:
        """Record documents issued (and the determination behind them when new); older documents in the
        same slots, and `withdraw`, are marked superseded by the new ones in a `superseded` event."""
        inserts: list[tuple[str, dict[str, Any]]] = []
        previous_determination = None
        if determination is not None:
            determination_id = self._next_id("determinations")
            previous_determination = self.current_determination(determination.year)
            inserts.append(("determinations", {"id": determination_id, **determination.columns(),
                                                "superseded_by": None}))
        next_doc = self._next_id("documents")
        new_ids: list[int] = []
        replaced: list[tuple[Document, int]] = []
        for offset, document in enumerate(documents):
            doc_id = next_doc + offset
            new_ids.append(doc_id)
            old = self.current_document(document.slot)
            if old is not None:
                replaced.append((old, doc_id))
            inserts.append(
                ("documents", {"id": doc_id, **asdict(document), "determination_id": determination_id,
                               "as_of": as_of.isoformat(), "superseded_by": None})
            )
        # A withdrawn kind (e.g. no deduction notice once a year is met) is superseded by the set's first document.
        replaced += [(old, new_ids[0]) for old in withdraw if old.id not in {o.id for o, _ in replaced}]
        summary = [
            {"slot": d.slot, "version": d.version, "pdf": d.pdf_path, "pdf_sha256": d.pdf_sha256,
             "docx": d.docx_path, "docx_sha256": d.docx_sha256, "document_id": d.document_id}
            for d in documents
        ]
        self._record(
            kind, year=year, on_date=as_of,
            data={**(data or {}), "determination": determination_id, "documents": summary},
            inserts=inserts,
        )
        updates = [("documents", {"id": old.id}, {"superseded_by": new}) for old, new in replaced]
        if previous_determination is not None:
            updates.append(("determinations", {"id": previous_determination.id}, {"superseded_by": determination_id}))
        if updates:
            self._record(
                "superseded", year=year, on_date=as_of,
                data={
                    "documents": [{"old": old.id, "path": old.pdf_path, "superseded_by": new} for old, new in replaced],
                    "determination": (
                        {"old": previous_determination.id, "superseded_by": determination_id}
                        if previous_determination else None
                    ),
                },
                updates=updates,
            )
        return determination_id, new_ids

    # --- users and approvals (four-eyes) --------------------------------------------------------------
    def user(self, name: str) -> User | None:
        row = self.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return User.from_row(row) if row else None

    def users(self) -> list[User]:
        return [User.from_row(row) for row in self.conn.execute("SELECT * FROM users ORDER BY name")]

    def add_user(self, name: str, role: str, password_hash: str, *, on_date: dt.date) -> Event:
        """A new account, or a revoked one given back with a new role and password."""
        values = {"role": role, "password_hash": password_hash, "active": 1}
        data = {"name": name, "role": role}
        if self.user(name) is None:
            return self._record("user_added", on_date=on_date, data=data,
                                inserts=[("users", {"name": name, **values})])
        return self._record("user_added", on_date=on_date, data=data, updates=[("users", {"name": name}, values)])

    def revoke_user(self, name: str, *, on_date: dt.date) -> Event:
        return self._record("user_revoked", on_date=on_date, data={"name": name},
                            updates=[("users", {"name": name}, {"active": 0})])

    def approvals(self, *, determination_id: int | None = None) -> list[Approval]:
        query, params = "SELECT * FROM approvals", ()
        if determination_id is not None:
            query, params = query + " WHERE determination_id = ?", (determination_id,)
        return [Approval.from_row(row) for row in self.conn.execute(query + " ORDER BY id", params)]

    def approve(self, *, year: int, determination_id: int, prepared_by: str, approved_by: str, approved_at: str,
                on_date: dt.date, files: Sequence[ApprovedFile]) -> Event:
        """Record an approval and the final files it wrote, in one hash-chained event."""
        listed = [asdict(item) for item in files]
        row = {"id": self._next_id("approvals"), "year": year, "determination_id": determination_id,
               "prepared_by": prepared_by, "approved_by": approved_by, "approved_at": approved_at,
               "documents_json": canonical_json(listed)}
        return self._record(
            "documents_approved", year=year, on_date=on_date,
            data={"determination": determination_id, "prepared_by": prepared_by, "approved_by": approved_by,
                  "approved_at": approved_at, "documents": listed},
            inserts=[("approvals", row)],
        )

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


def _key_columns(table: str) -> tuple[str, ...]:
    return STATE_TABLES[table]
