"""The queries and changes of reports and their extractions: each file content received, its names, what was read."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from compliance.ledger.events import canonical_json, row_hash
from compliance.ledger.recording import LedgerConnection


class ReportRecords(LedgerConnection):
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

    def revenue(self, sha256: str) -> Decimal | None:
        """The operating revenue the report's extraction read, exact (None when it read none)."""
        row = self.conn.execute("SELECT operating_revenue FROM extractions WHERE sha256 = ?", (sha256,)).fetchone()
        return Decimal(row[0]) if row and row[0] is not None else None

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
                 "revenue": Decimal(row[5]) if row[5] is not None else None} for row in rows]
