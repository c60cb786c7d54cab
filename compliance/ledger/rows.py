"""The ledger's rows as values: what is read back (Determination, Document) and what is written
(NewDetermination, NewDocument). Ids, versions' supersession and hashes are the store's to assign."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Determination:
    id: int
    year: int
    input_key: str
    reading: str
    contract_id: str
    contract_sha256: str
    report_sha256: str
    revenues: dict[int, str]  # year -> revenue used, decimal string
    reports: dict[int, str]  # year -> report sha256 whose revenue was used
    figures: dict[str, Any]  # the engine's YearResult as JSON (decimal strings, ints)
    release_shares: int
    as_of: dt.date  # the date its documents carry: the as-of of the run that first issued them
    superseded_by: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Determination:
        return cls(
            row["id"], row["year"], row["input_key"], row["reading"], row["contract_id"], row["contract_sha256"],
            row["report_sha256"],
            {int(k): v for k, v in json.loads(row["revenues_json"]).items()},
            {int(k): v for k, v in json.loads(row["reports_json"]).items()},
            json.loads(row["figures_json"]), row["release_shares"], dt.date.fromisoformat(row["as_of"]),
            row["superseded_by"],
        )


@dataclass(frozen=True)
class Document:
    id: int
    slot: str  # "year-2/joint-instruction", "cancellation-instruction": the file name without version
    version: int
    kind: str
    year: int | None
    determination_id: int | None
    input_key: str
    pdf_path: str  # relative to the output folder
    pdf_sha256: str
    docx_path: str
    docx_sha256: str
    document_id: str
    as_of: dt.date
    superseded_by: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Document:
        values = dict(row)
        values.pop("row_hash"), values.pop("event_seq")
        values["as_of"] = dt.date.fromisoformat(values["as_of"])
        return cls(**values)


@dataclass(frozen=True)
class NewDetermination:
    """A determination to record (its id and superseded_by are the ledger's)."""

    year: int
    input_key: str
    reading: str
    contract_id: str
    contract_sha256: str
    report_sha256: str
    revenues_json: str  # canonical JSON, year -> decimal string
    reports_json: str  # canonical JSON, year -> report sha256
    figures_json: str  # canonical JSON of the engine's YearResult
    release_shares: int
    as_of: str  # ISO date the documents carry


@dataclass(frozen=True)
class NewDocument:
    """A document to record: its two files, their sha256, relative to the output folder."""

    slot: str
    version: int
    kind: str
    year: int | None
    input_key: str
    pdf_path: str
    pdf_sha256: str
    docx_path: str
    docx_sha256: str
    document_id: str
