"""The ledger's rows as values: what an operation asks the store to write (NewDetermination, NewDocument)
and what it reads back (Determination, Document: the same fields plus what the store assigns)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from compliance.ledger.events import canonical_json


@dataclass(frozen=True)
class NewDetermination:
    """A year's determination under SPA 5.2, as recorded: its identity, its inputs and its figures."""

    year: int
    input_key: str
    reading: str
    contract_id: str
    contract_sha256: str
    report_sha256: str
    revenues: dict[int, Decimal]  # year -> revenue used, exact (stored as its decimal string)
    reports: dict[int, str]  # year -> report sha256 whose revenue was used
    figures: dict[str, Any]  # the engine's YearResult as JSON (decimal strings, ints)
    release_shares: int
    as_of: dt.date  # the date its documents carry: the as-of of the run that first issued them

    def columns(self) -> dict[str, Any]:
        """The table's columns (JSON columns in canonical spelling, so the row hash is stable)."""
        return {
            "year": self.year, "input_key": self.input_key, "reading": self.reading,
            "contract_id": self.contract_id, "contract_sha256": self.contract_sha256,
            "report_sha256": self.report_sha256,
            "revenues_json": canonical_json({str(k): str(v) for k, v in self.revenues.items()}),
            "reports_json": canonical_json({str(k): v for k, v in self.reports.items()}),
            "figures_json": canonical_json(self.figures), "release_shares": self.release_shares,
            "as_of": self.as_of.isoformat(),
        }


@dataclass(frozen=True)
class Determination(NewDetermination):
    id: int
    superseded_by: int | None  # its own id: withdrawn, nothing in its place (a confirmation by hand withdrawn)

    @property
    def withdrawn(self) -> bool:
        return self.superseded_by == self.id

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Determination:
        return cls(
            year=row["year"], input_key=row["input_key"], reading=row["reading"], contract_id=row["contract_id"],
            contract_sha256=row["contract_sha256"], report_sha256=row["report_sha256"],
            revenues={int(k): Decimal(v) for k, v in json.loads(row["revenues_json"]).items()},
            reports={int(k): v for k, v in json.loads(row["reports_json"]).items()},
            figures=json.loads(row["figures_json"]), release_shares=row["release_shares"],
            as_of=dt.date.fromisoformat(row["as_of"]), id=row["id"], superseded_by=row["superseded_by"],
        )


@dataclass(frozen=True)
class NewDocument:
    """A document's two files, relative to the output folder, with their sha256."""

    slot: str  # "year-2/joint-instruction", "cancellation-instruction": the file name without version
    version: int
    kind: str
    year: int | None
    input_key: str
    pdf_path: str
    pdf_sha256: str
    docx_path: str
    docx_sha256: str
    document_id: str


@dataclass(frozen=True)
class Document(NewDocument):
    id: int
    determination_id: int | None
    as_of: dt.date
    superseded_by: int | None  # its own id: withdrawn, nothing in its place (a confirmation by hand withdrawn)

    @property
    def withdrawn(self) -> bool:
        return self.superseded_by == self.id

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Document:
        values = dict(row)
        values.pop("row_hash"), values.pop("event_seq")
        values["as_of"] = dt.date.fromisoformat(values["as_of"])
        return cls(**values)


@dataclass(frozen=True)
class User:
    """Someone who may sign in to the review desk; `password_hash` is argon2id (never the password)."""

    name: str
    role: str  # preparer | approver | viewer
    password_hash: str
    active: bool

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return cls(row["name"], row["role"], row["password_hash"], bool(row["active"]))


@dataclass(frozen=True)
class ApprovedFile:
    """One approved document's final files (relative to the output folder) and the draft it finalises."""

    document: int  # the documents row of the draft
    kind: str
    document_id: str
    pdf_path: str
    pdf_sha256: str
    docx_path: str
    docx_sha256: str


@dataclass(frozen=True)
class Approval:
    id: int
    year: int
    determination_id: int
    prepared_by: str
    approved_by: str
    approved_at: str  # ISO date and time, UTC, as the approving command or desk read it
    files: tuple[ApprovedFile, ...]

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Approval:
        files = tuple(ApprovedFile(**item) for item in json.loads(row["documents_json"]))
        return cls(row["id"], row["year"], row["determination_id"], row["prepared_by"], row["approved_by"],
                   row["approved_at"], files)
