"""The queries and changes of desk accounts and approvals (four-eyes): who may sign in, who approved what."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict

from compliance.ledger.events import Event, canonical_json
from compliance.ledger.recording import LedgerConnection
from compliance.ledger.rows import Approval, ApprovedFile, User


class AccountRecords(LedgerConnection):
    def user(self, name: str) -> User | None:
        row = self.conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return User.from_row(row) if row else None

    def users(self) -> list[User]:
        return [User.from_row(row) for row in self.conn.execute("SELECT * FROM users ORDER BY name")]

    def add_user(self, name: str, role: str, password_hash: str, *, on_date: dt.date, by: str | None = None) -> Event:
        """A new account, or a revoked one given back with a new role and password; `by`: who made it."""
        values = {"role": role, "password_hash": password_hash, "active": 1}
        data = {"name": name, "role": role, **({"by": by} if by else {})}
        if self.user(name) is None:
            return self._record("user_added", on_date=on_date, data=data,
                                inserts=[("users", {"name": name, **values})])
        return self._record("user_added", on_date=on_date, data=data, updates=[("users", {"name": name}, values)])

    def set_password(self, name: str, password_hash: str, *, on_date: dt.date) -> Event:
        """A person's new password (their own change: the event names them, never the hash)."""
        return self._record("password_changed", on_date=on_date, data={"name": name, "by": name},
                            updates=[("users", {"name": name}, {"password_hash": password_hash})])

    def revoke_user(self, name: str, *, on_date: dt.date, by: str | None = None) -> Event:
        return self._record("user_revoked", on_date=on_date, data={"name": name, **({"by": by} if by else {})},
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
