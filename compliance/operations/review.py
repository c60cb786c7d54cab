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
    a report's PDF in the output folder's inbox         report_file
    the release deadlines as an iCalendar file          deadlines_calendar
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract
from compliance.extract.model import FileStatus
from compliance.extract.problems import NEEDS_APPROVER_REASON, what_to_do
from compliance.ledger import Approval, ApprovedFile, Determination, Document, Event, Ledger
from compliance.operations import confirmation as by_hand
from compliance.operations.accrual import accrued_penalty
from compliance.operations.approval import YearApproval, output_folder, year_approval
from compliance.operations.determinations import recorded_assessment
from compliance.operations.field_sources import field_source
from compliance.operations.open_items import recorded_open_items
from compliance.operations.particulars import with_particulars
from compliance.operations.planning import YearPlan, YearStatus, plan_years, releases
from compliance.operations.status import YearStatusRow, recorded_prices, year_statuses
from compliance.operations.uploads import DESK_INBOX
from compliance.rules.business_days import load_calendar
from compliance.rules.deadlines import deadline_rows, ics_bytes
from compliance.rules.earnout import Assessment, YearResult
from compliance.rules.penalty import PenaltyResult
from compliance.values.digest import sha256_file

# The extracted fields, in the order a person checks them against the report, and the key the extractor's
# `sources` uses for each where it differs.
SOURCE_KEYS = {"operating_revenue": "revenue"}
FIELDS = (("operating_revenue", "Operating revenue (营业收入)"), ("currency", "Currency"), ("unit", "Unit printed"),
          ("entity", "Entity"), ("period_start", "Period from"), ("period_end", "Period to"),
          ("assessment_year", "Assessment Year"), ("auditor", "Accounting firm"), ("opinion", "Opinion"),
          ("report_date", "Report date"), ("report_number", "Report number"))


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    value: str | None
    source: str  # "text" (the PDF's text layer), "OCR" (the page image), "not found" or "hidden" (typed blind)
    where: str | None  # where it was read ("income statement, page 58")
    confidence: str | None  # OCR's own confidence, as recorded
    scanned_page: int | None = None  # OCR: the scanned page it was read from, when recorded (field_sources)


@dataclass(frozen=True)
class ProblemView:
    code: str
    severity: str
    message: str
    what_to_do: str


@dataclass(frozen=True)
class ConfirmView:
    """A needs_review report's confirmation by hand (operations.confirmation): what is left, what was recorded."""

    fields: tuple[by_hand.ToConfirm, ...]
    messages: dict[str, tuple[str, ...]]  # field -> the problems that leave it unproven, as the extractor said them
    blockers: tuple[str, ...]  # why it cannot be confirmed by hand at all
    history: tuple[by_hand.Confirmation, ...]  # every confirmation of the report, oldest first
    latest: by_hand.Confirmation | None  # the last of them
    reasons_needed: tuple[str, ...]  # what the approver writes to countersign the latest (NEEDS_APPROVER_REASON)
    relying: tuple[Document, ...]  # the current documents relying on the report: withdrawn with its confirmation
    blind: bool  # the revenue is to be typed blind: the product's reading of it is not shown anywhere
    report_file: str | None  # the report's PDF in the output folder, whose pages can be shown

    @property
    def open(self) -> bool:
        """A confirmation may be typed now: something to confirm, nothing forbids it, none awaiting or in force."""
        return not self.blockers and bool(self.fields) and not _standing(self.latest)


def _standing(latest: by_hand.Confirmation | None) -> bool:
    return latest is not None and latest.state in (by_hand.AWAITING, by_hand.IN_FORCE)


def _blind(wanted: by_hand.Confirmable, latest: by_hand.Confirmation | None) -> bool:
    """While the revenue waits to be typed by hand, the figure the product read is not shown (nor any figure of
    its problems): it is typed from the picture, not copied from the screen."""
    return not wanted.blockers and not _standing(latest) and any(r.field == "operating_revenue" for r in wanted.fields)


def _masked(text: str, blind: bool) -> str:
    figures = r"\d{1,3}(?:,\d{2,3})+(?:\.\d+)?|\d{5,}(?:\.\d+)?|\d+\.\d{2}(?!\d)"  # amounts; not years or pages
    return re.sub(figures, "[hidden]", text) if blind else text


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
    confirmation: str | None = None  # its latest confirmation by hand's state (AWAITING, IN_FORCE ...)
    confirm: ConfirmView | None = None  # a needs_review report's confirmation by hand (report_view only)

    @property
    def accepted(self) -> bool:
        return self.status == FileStatus.ACCEPTED


def _role(plans: dict[int, YearPlan], sha256: str, usable: bool, year: int | None) -> str | None:
    plan = plans.get(year) if year is not None else None
    if not usable or plan is None:
        return None
    if plan.status == YearStatus.CONFLICTING:
        return "conflicting_reports"
    return "decides_year" if plan.report_sha256 == sha256 else "set_aside_by_resolution"


def _fields(extraction: dict, blind: bool = False) -> tuple[FieldView, ...]:
    sources, rows = extraction.get("sources") or {}, []
    for key, label in FIELDS:
        value = extraction.get(key)
        source, page, confidence = field_source(extraction, key)  # a scan's fields are OCR, never "text layer"
        if blind and key == "operating_revenue":
            value, source, confidence = None, "hidden", None
        rows.append(FieldView(key, label, None if value is None else str(value), source,
                              sources.get(SOURCE_KEYS.get(key, key)),
                              None if confidence is None else str(confidence), page if source == "OCR" else None))
    if extraction.get("report_kind"):  # not an audit report: a special audit report on the commitment, say so first
        title = (extraction.get("commitment") or {}).get("title")
        kind = sources.get("report_kind") or str(extraction["report_kind"])
        rows.insert(0, FieldView("report_kind", "Kind of report", kind, "text",
                                 f"its title: {title}" if title else None, None))
    return tuple(rows)


def _problems(extraction: dict, blind: bool = False) -> tuple[ProblemView, ...]:
    return tuple(ProblemView(p.get("code", ""), p.get("severity", ""), _masked(p.get("message", ""), blind),
                             what_to_do(p.get("code", ""), p.get("severity", "")))
                 for p in extraction.get("problems", []))


def _confirm_view(ledger: Ledger, sha256: str, extraction: dict, history: list[by_hand.Confirmation]) -> ConfirmView:
    wanted = by_hand.to_confirm(extraction)
    latest = history[-1] if history else None
    blind = _blind(wanted, latest)
    said = {p.get("code"): _masked(p.get("message", ""), blind) for p in extraction.get("problems", [])}
    reasons = tuple(dict.fromkeys(NEEDS_APPROVER_REASON[code] for entry in (latest.fields if latest else {}).values()
                                  for code in entry.get("problems", []) if code in NEEDS_APPROVER_REASON))
    relied_on = {d.id for d in ledger.determinations() if d.superseded_by is None and sha256 in d.reports.values()}
    return ConfirmView(wanted.fields, {r.field: tuple(said[c] for c in r.problems if c in said) for r in wanted.fields},
                       wanted.blockers, tuple(history), latest, reasons,
                       tuple(d for d in ledger.documents(current_only=True) if d.determination_id in relied_on), blind,
                       report_file(ledger, sha256))


def report_view(ledger: Ledger, contract: Contract, sha256: str) -> ReportView | None:
    """One recorded report as the desk shows it, or None when the ledger has no such report."""
    row = next((r for r in ledger.reports() if r["sha256"] == sha256), None)
    if row is None or ledger.extraction(sha256) is None:
        return None
    plans = {plan.year: plan for plan in plan_years(ledger, contract)}
    return _report(ledger, row, plans, by_hand.confirmations(ledger, sha256), full=True)


def _report(ledger: Ledger, row: dict, plans: dict[int, YearPlan], history: list[by_hand.Confirmation], *,
            full: bool) -> ReportView:
    """A report's view: with its fields, evidence and confirmation by hand when `full` (else the inbox's row)."""
    sha256, extraction = row["sha256"], ledger.extraction(row["sha256"]) or {}
    latest = history[-1] if history else None
    state, review = latest.state if latest else None, row["status"] == FileStatus.NEEDS_REVIEW
    blind = review and _blind(by_hand.to_confirm(extraction), latest)
    confirmed = latest.value("operating_revenue") if state == by_hand.IN_FORCE else None
    revenue = None if blind else Decimal(confirmed) if confirmed is not None else row["revenue"]
    usable = row["status"] == FileStatus.ACCEPTED or state == by_hand.IN_FORCE
    view = ReportView(sha256, row["first_name"], tuple(ledger.report_names(sha256)), row["size"], row["status"],
                      row["year"], revenue, _role(plans, sha256, usable, row["year"]),
                      problems=_problems(extraction, blind), confirmation=state)
    if not full:
        return view
    evidence = extraction.get("evidence") if isinstance(extraction.get("evidence"), dict) else None
    if evidence and blind:
        evidence = {**evidence, "text": _masked(str(evidence.get("text", "")), blind)}
    png = (evidence or {}).get("png_path")
    on_disk = bool(png) and not Path(png).is_absolute() and (output_folder(ledger) / png).is_file()
    return replace(view, fields=_fields(extraction, blind), evidence=evidence, evidence_on_disk=on_disk,
                   confirm=_confirm_view(ledger, sha256, extraction, history) if review else None)


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
    histories: dict[str, list[by_hand.Confirmation]] = {}
    for confirmation in by_hand.confirmations(ledger):
        histories.setdefault(confirmation.report, []).append(confirmation)
    rows = [_report(ledger, row, plans, histories.get(row["sha256"], []), full=False)
            for row in reversed(ledger.reports())]
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
    to_review: tuple[ReportView, ...] = ()  # the year's reports that need review (to be confirmed by hand)


def year_view(ledger: Ledger, contract: Contract, year: int, as_of: dt.date) -> YearView:
    contract = with_particulars(ledger, contract)  # the approved particulars, as the run read them
    prices, note = recorded_prices(ledger)
    row = next(r for r in year_statuses(ledger, contract, as_of, prices) if r.year == year)
    determination = ledger.current_determination(year)
    view = YearView(year, row, determination, None, approval=year_approval(ledger, year))
    view.report = report_view(ledger, contract, row.report_sha256) if row.report_sha256 else None
    view.to_review = tuple(found for sha in ledger.reports_for_year(year, FileStatus.NEEDS_REVIEW)
                           if sha != row.report_sha256 and (found := report_view(ledger, contract, sha)))
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


def report_file(ledger: Ledger, sha256: str) -> str | None:
    """The report's PDF in the output folder's inbox (the desk's uploads, read by Prepare), relative to the
    output folder, when a file there still holds the bytes the ledger recorded; else None."""
    folder = output_folder(ledger) / DESK_INBOX
    return next((f"{DESK_INBOX}/{name}" for name in ledger.report_names(sha256) if Path(name).name == name
                 and (folder / name).is_file() and sha256_file(folder / name) == sha256), None)


def deadlines_calendar(contract: Contract, as_of: dt.date) -> bytes:
    """Every release deadline (SPA 5.1) as an iCalendar file, the bytes of `compliance deadlines --ics`.
    Raises ScheduleNotPublished when a deadline needs a year whose official holiday schedule is not available."""
    rows = deadline_rows(contract, as_of, load_calendar(contract, []))
    return ics_bytes(contract, rows, as_of)
