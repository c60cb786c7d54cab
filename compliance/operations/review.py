"""What the review desk shows, read from the ledger with the same operations the CLI uses; nothing here
decides anything (the rules are in compliance.rules, the verdicts in the recorded extractions).

    the inbox: every report, its status and problems    inbox_view -> InboxView
    one report: fields, sources, evidence, problems     report_view -> ReportView
    one year: the computation, readings, deadline       year_view -> YearView
    the five years and the ledger                       overview -> Overview
    the documents, current and superseded               documents_view -> DocumentsView
    one document: open items, final, approval           document_view -> DocumentView
    a recorded document, an approved final's file       recorded_document, approved_file
    a report's evidence picture (its recorded path)     evidence_picture
    the release deadlines as an iCalendar file          deadlines_calendar
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract
from compliance.extract.model import FileStatus
from compliance.extract.problems import what_to_do
from compliance.ledger import Approval, ApprovedFile, Determination, Document, Event, Ledger
from compliance.operations.accrual import accrued_penalty
from compliance.operations.approval import YearApproval, output_folder, year_approval
from compliance.operations.determinations import recorded_assessment
from compliance.operations.open_items import recorded_open_items
from compliance.operations.planning import YearPlan, YearStatus, plan_years, releases
from compliance.operations.status import YearStatusRow, recorded_prices, year_statuses
from compliance.rules.business_days import load_calendar
from compliance.rules.deadlines import deadline_rows, ics_bytes
from compliance.rules.earnout import Assessment, YearResult
from compliance.rules.penalty import PenaltyResult

# The extracted fields, in the order a person checks them against the report, and the key the extractor's
# `sources` uses for each where it differs.
SOURCE_KEYS = {"operating_revenue": "revenue"}
FIELDS = (
    ("operating_revenue", "Operating revenue (营业收入)"),
    ("currency", "Currency"),
    ("unit", "Unit printed"),
    ("entity", "Entity"),
    ("period_start", "Period from"),
    ("period_end", "Period to"),
    ("assessment_year", "Assessment Year"),
    ("auditor", "Accounting firm"),
    ("opinion", "Opinion"),
    ("report_date", "Report date"),
    ("report_number", "Report number"),
)


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    value: str | None
    source: str  # "text" (the PDF's text layer), "OCR" (read from the page image) or "not found"
    where: str | None  # where it was read ("income statement, page 58")
    confidence: str | None  # OCR's own confidence, as recorded


@dataclass(frozen=True)
class ProblemView:
    code: str
    severity: str
    message: str
    what_to_do: str


@dataclass(frozen=True)
class ReportView:
    sha256: str
    name: str
    names: tuple[str, ...]
    size: int
    status: str
    year: int | None
    revenue: str | None
    role: str | None  # decides_year | conflicting_reports | set_aside_by_resolution (accepted reports only)
    fields: tuple[FieldView, ...] = ()
    problems: tuple[ProblemView, ...] = ()
    evidence: dict | None = None  # page, text, png_path (relative to the output folder) as recorded
    evidence_on_disk: bool = False  # the picture is in the output folder, to be shown

    @property
    def accepted(self) -> bool:
        return self.status == FileStatus.ACCEPTED


def _role(plans: dict[int, YearPlan], sha256: str, status: str, year: int | None) -> str | None:
    plan = plans.get(year) if year is not None else None
    if status != FileStatus.ACCEPTED or plan is None:
        return None
    if plan.status == YearStatus.CONFLICTING:
        return "conflicting_reports"
    return "decides_year" if plan.report_sha256 == sha256 else "set_aside_by_resolution"


def _fields(extraction: dict) -> tuple[FieldView, ...]:
    sources, ocr = extraction.get("sources") or {}, extraction.get("ocr") or {}
    rows = []
    for key, label in FIELDS:
        value = extraction.get(key)
        read_by_ocr = isinstance(ocr.get(key), dict)
        confidence = ocr[key].get("confidence") if read_by_ocr else None
        source = "not found" if value is None else "OCR" if read_by_ocr else "text"
        rows.append(FieldView(key, label, None if value is None else str(value), source,
                              sources.get(SOURCE_KEYS.get(key, key)),
                              None if confidence is None else str(confidence)))
    return tuple(rows)


def report_view(ledger: Ledger, contract: Contract, sha256: str) -> ReportView | None:
    """One recorded report as the desk shows it, or None when the ledger has no such report."""
    extraction = ledger.extraction(sha256)
    if extraction is None:
        return None
    row = next(r for r in ledger.reports() if r["sha256"] == sha256)
    plans = {plan.year: plan for plan in plan_years(ledger, contract)}
    problems = tuple(ProblemView(p.get("code", ""), p.get("severity", ""), p.get("message", ""),
                                 what_to_do(p.get("code", ""), p.get("severity", "")))
                     for p in extraction.get("problems", []))
    evidence = extraction.get("evidence") if isinstance(extraction.get("evidence"), dict) else None
    png = (evidence or {}).get("png_path")
    on_disk = bool(png) and not Path(png).is_absolute() and (output_folder(ledger) / png).is_file()
    return ReportView(sha256, row["first_name"], tuple(ledger.report_names(sha256)), row["size"], row["status"],
                      row["year"], row["revenue"], _role(plans, sha256, row["status"], row["year"]),
                      _fields(extraction), problems, evidence, on_disk)


@dataclass(frozen=True)
class Conflict:
    year: int
    reports: tuple[ReportView, ...]


@dataclass(frozen=True)
class InboxView:
    reports: tuple[ReportView, ...]  # newest first
    conflicts: tuple[Conflict, ...]


def inbox_view(ledger: Ledger, contract: Contract) -> InboxView:
    plans = {plan.year: plan for plan in plan_years(ledger, contract)}
    rows = []
    for row in reversed(ledger.reports()):
        extraction = ledger.extraction(row["sha256"]) or {}
        problems = tuple(ProblemView(p.get("code", ""), p.get("severity", ""), p.get("message", ""),
                                     what_to_do(p.get("code", ""), p.get("severity", "")))
                         for p in extraction.get("problems", []))
        rows.append(ReportView(row["sha256"], row["first_name"], tuple(ledger.report_names(row["sha256"])),
                               row["size"], row["status"], row["year"], row["revenue"],
                               _role(plans, row["sha256"], row["status"], row["year"]), problems=problems))
    by_sha = {r.sha256: r for r in rows}
    conflicts = tuple(Conflict(plan.year, tuple(by_sha[sha] for sha in plan.candidates if sha in by_sha))
                      for plan in plans.values() if plan.status == YearStatus.CONFLICTING)
    return InboxView(tuple(rows), conflicts)


@dataclass(frozen=True)
class PenaltySeries:
    """The SPA 8.2 penalty accrued day by day up to the as-of date (from the engine's daily table)."""

    points: tuple[tuple[dt.date, Decimal], ...]  # day, accrued to the end of that day (before the cap)
    result: PenaltyResult


@dataclass
class YearView:
    year: int
    status: YearStatusRow
    determination: Determination | None
    chosen: YearResult | None  # the year under the determination's reading
    readings: dict[str, Assessment] = field(default_factory=dict)  # the same revenues under every reading
    reading: str | None = None
    approval: YearApproval | None = None
    documents: tuple[Document, ...] = ()
    penalty: PenaltySeries | None = None
    penalty_note: str | None = None
    report: ReportView | None = None


def year_view(ledger: Ledger, contract: Contract, year: int, as_of: dt.date) -> YearView:
    prices, note = recorded_prices(ledger)
    row = next(r for r in year_statuses(ledger, contract, as_of, prices) if r.year == year)
    determination = ledger.current_determination(year)
    view = YearView(year, row, determination, None, approval=year_approval(ledger, year))
    if row.report_sha256:
        view.report = report_view(ledger, contract, row.report_sha256)
    if determination is None:
        return view
    assessed = recorded_assessment(contract, determination)
    view.readings = assessed.readings
    view.reading = assessed.reading
    view.chosen = assessed.result
    view.documents = tuple(d for d in ledger.documents(current_only=True) if d.determination_id == determination.id
                           or (d.year == year and d.kind == "penalty-statement"))
    if prices is None:
        view.penalty_note = note
    else:
        accrued = accrued_penalty(ledger, contract, determination, as_of, prices)
        view.penalty_note = accrued.problem
        if accrued.amount is not None:
            running, points = Decimal(0), []
            for day in accrued.amount.days:
                running += day.amount
                points.append((day.day, running))
            view.penalty = PenaltySeries(tuple(points), accrued.amount)
    return view


@dataclass(frozen=True)
class TrancheState:
    year: int
    tranche: int
    released: int  # delivered to the seller under recorded releases (SPA 5.1)
    retained: int  # deducted and not restored (SPA 5.2(1)), per the current determinations
    in_escrow: int  # the rest of the tranche: not yet determined or not yet released
    deadline: dt.date


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    years: tuple[YearStatusRow, ...]
    tranches: tuple[TrancheState, ...]
    events: tuple[Event, ...]
    verify_ok: bool
    verify_text: str


def overview(ledger: Ledger, contract: Contract, as_of: dt.date) -> Overview:
    prices, _ = recorded_prices(ledger)
    rows = year_statuses(ledger, contract, as_of, prices)
    latest = max((d for d in ledger.determinations() if d.superseded_by is None), key=lambda d: d.year,
                 default=None)
    retained: dict[int, int] = {}
    if latest is not None:  # the latest determination sees every earlier year, offsets included
        assessed = recorded_assessment(contract, latest).assessment
        retained = {y.year: y.retained_shares for y in assessed.years if y.year <= latest.year}
    size = int(contract.tranche_shares)  # T = C / 5 (SPA 5.1), a whole number (the contract model checks it)
    states = []
    for row in rows:
        released = sum(r.shares for r in releases(ledger, row.year))
        kept = retained.get(row.year, 0)
        states.append(TrancheState(row.year, size, released, kept, max(size - released - kept, 0), row.deadline))
    report = ledger.verify()
    text = (f"intact: {report.events} events and {report.rows} rows check against their hash chain"
            if report.ok else f"broken: {report.problem}")
    return Overview(as_of, tuple(rows), tuple(states), tuple(ledger.events()), report.ok, text)



@dataclass(frozen=True)
class DocumentsView:
    current: tuple[Document, ...]
    superseded: tuple[Document, ...]
    open_items: dict[str, list[str]]  # PDF path -> what the letter still lacks
    approvals: dict[int, YearApproval]  # every Assessment Year of the contract
    finals: dict[int, tuple[Approval, int]]  # document id -> the approval of its final and the file's place in it


def documents_view(ledger: Ledger, contract: Contract) -> DocumentsView:
    documents = ledger.documents()
    return DocumentsView(
        current=tuple(d for d in documents if d.superseded_by is None),
        superseded=tuple(d for d in documents if d.superseded_by is not None),
        open_items=recorded_open_items(ledger),
        approvals={year.number: year_approval(ledger, year.number) for year in contract.assessment_years},
        finals={f.document: (a, index) for a in ledger.approvals() for index, f in enumerate(a.files)})


def recorded_document(ledger: Ledger, document_id: int) -> Document | None:
    return next((d for d in ledger.documents() if d.id == document_id), None)


def approved_file(ledger: Ledger, approval_id: int, index: int) -> ApprovedFile | None:
    """File `index` (0-based) of an approval's finals, or None when the ledger has no such approval or file."""
    approval = next((a for a in ledger.approvals() if a.id == approval_id), None)
    if approval is None or not 0 <= index < len(approval.files):
        return None
    return approval.files[index]


@dataclass(frozen=True)
class DocumentView:
    document: Document
    open_items: list[str]
    final: tuple[Approval, int] | None  # the approval holding this document's final, and the file's place in it
    approval: YearApproval | None  # where the document's year stands in the four-eyes step


def document_view(ledger: Ledger, document_id: int) -> DocumentView | None:
    """One recorded document as the desk shows it, or None when the ledger has no such document."""
    document = recorded_document(ledger, document_id)
    if document is None:
        return None
    final = next(((a, i) for a in ledger.approvals() for i, f in enumerate(a.files) if f.document == document.id),
                 None)
    return DocumentView(document, recorded_open_items(ledger).get(document.pdf_path, []), final,
                        year_approval(ledger, document.year) if document.year else None)


def evidence_picture(ledger: Ledger, sha256: str) -> str | None:
    """The evidence picture's path as the report's extraction recorded it (meant relative to the output
    folder; the caller checks where it points), or None when there is none."""
    extraction = ledger.extraction(sha256) or {}
    evidence = extraction.get("evidence") or {}
    return evidence.get("png_path") if isinstance(evidence, dict) else None


def deadlines_calendar(contract: Contract, as_of: dt.date) -> bytes:
    """Every release deadline (SPA 5.1) as an iCalendar file, the bytes of `compliance deadlines --ics`.
    Raises ScheduleNotPublished when a deadline needs a year whose official holiday schedule is not available."""
    rows = deadline_rows(contract, as_of, load_calendar(contract, []))
    return ics_bytes(contract, rows, as_of)
