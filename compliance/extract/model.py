"""The extractor's results: what one audit-report file yields (the JSON object `extract --json` prints)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from compliance.values.money import cents


class FileStatus(StrEnum):
    """The verdict on one file: only an accepted report can decide an Assessment Year."""

    ACCEPTED = "accepted"
    NEEDS_REVIEW = "needs_review"
    REJECTED = "rejected"


SEVERITIES = ("reject", "review", "warning")


@dataclass(frozen=True)
class Problem:
    code: str
    severity: str  # "reject" | "review" | "warning"
    message: str  # one plain sentence
    field: str | None = None  # the field it leaves unproven, when the code alone does not say (an OCR'd field)
    readings: tuple[str, ...] = ()  # every figure the product read for that field, in yuan (two that disagree)

    def to_json(self) -> dict:
        data = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.field is not None:
            data["field"] = self.field
        if self.readings:
            data["readings"] = list(self.readings)
        return data

    @classmethod
    def from_json(cls, data: dict) -> Problem:
        readings = data.get("readings") if isinstance(data.get("readings"), list) else []
        return cls(str(data.get("code")), str(data.get("severity")), str(data.get("message")),
                   str(data["field"]) if data.get("field") else None, tuple(str(r) for r in readings))


@dataclass(frozen=True)
class Evidence:
    page: int  # 1-based
    bbox: tuple[Decimal, Decimal, Decimal, Decimal]  # x0, top, x1, bottom in PDF points, origin top-left
    text: str  # the printed line of the figure
    png_path: str | None = None

    def to_json(self) -> dict:
        # Coordinates are positions, not money: plain JSON numbers rounded to 0.01 pt.
        return {
            "page": self.page,
            "bbox": [float(value) for value in self.bbox],
            "text": self.text,
            "png_path": self.png_path,
        }


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    # Address space of a worker process (an rlimit): a real annual report needs about 250 MB, OCR of a scan
    # about 2 GB of address space (onnxruntime reserves it; resident peak about 1.1 GB); a small file
    # that inflates to gigabytes is stopped here instead of taking the machine's memory.
    max_memory_bytes: int = 3072 * 1024 * 1024

    @classmethod
    def of(cls, max_mb: int | float | None = None, max_pages: int | None = None,
           max_memory_mb: int | None = None) -> Limits:
        default = cls()
        return cls(
            max_bytes=int(max_mb * 1024 * 1024) if max_mb is not None else default.max_bytes,
            max_pages=max_pages if max_pages is not None else default.max_pages,
            max_memory_bytes=max_memory_mb * 1024 * 1024 if max_memory_mb is not None else default.max_memory_bytes,
        )


@dataclass(frozen=True)
class Extraction:
    file: str
    sha256: str | None
    status: FileStatus
    entity: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    assessment_year: int | None = None
    operating_revenue: Decimal | None = None  # yuan, whatever unit the report prints in
    currency: str | None = None
    unit: str | None = None
    auditor: str | None = None
    opinion: str | None = None  # "unqualified" | "qualified" | "adverse" | "disclaimer"
    report_date: dt.date | None = None
    report_number: str | None = None
    evidence: Evidence | None = None
    problems: tuple[Problem, ...] = field(default=())
    sources: dict[str, str] = field(default_factory=dict)  # field -> where it was read ("signature block, page 58")
    ocr: dict[str, dict] = field(default_factory=dict)  # field -> {"source": "ocr", "confidence": ...} when OCR read it
    # The kind of report, when not a statutory audit report ("special_audit_report": the special audit report on
    # the performance commitment, special_report.py), and what that report says of the commitment; in the JSON
    # only when set, so the JSON of an audit report is unchanged.
    report_kind: str | None = None
    commitment: dict[str, object] | None = None

    def to_json(self) -> dict:
        def iso(day: dt.date | None) -> str | None:
            return day.isoformat() if day is not None else None

        return {
            "file": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "entity": self.entity,
            "period_start": iso(self.period_start),
            "period_end": iso(self.period_end),
            "assessment_year": self.assessment_year,
            "operating_revenue": cents(self.operating_revenue) if self.operating_revenue is not None else None,
            "currency": self.currency,
            "unit": self.unit,
            "auditor": self.auditor,
            "opinion": self.opinion,
            "report_date": iso(self.report_date),
            "report_number": self.report_number,
            "evidence": self.evidence.to_json() if self.evidence is not None else None,
            "problems": [problem.to_json() for problem in self.problems],
            "sources": dict(sorted(self.sources.items())),
            "ocr": dict(sorted(self.ocr.items())),
            **({"report_kind": self.report_kind} if self.report_kind is not None else {}),
            **({"commitment": self.commitment} if self.commitment is not None else {}),
        }


def status_of(problems: tuple[Problem, ...] | list[Problem]) -> FileStatus:
    """Any reject -> rejected; else any review -> needs_review; warnings never change the status."""
    severities = {problem.severity for problem in problems}
    if "reject" in severities:
        return FileStatus.REJECTED
    if "review" in severities:
        return FileStatus.NEEDS_REVIEW
    return FileStatus.ACCEPTED
