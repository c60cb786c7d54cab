"""Issuing documents: render into the staging folder, record in the ledger, then move to the final names.

New documents are rendered into `DIR/.staging/<key>/`, recorded in the ledger (one transaction, with their
sha256), then moved to their final names. A changed determination (a resolved conflict) writes
`<kind>.v2.pdf` beside the old file and records which supersedes which; nothing issued is overwritten
(`values.files.place_file` links, and a link never replaces a file).

Dates: documents carry the as-of date of the run that first issued them. A later run with a later --as-of
re-issues nothing unless the figures behind a document change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from compliance.documents.registry import due_documents
from compliance.ledger import Document, NewDetermination, NewDocument
from compliance.operations.confirmation import confirmed_extraction, report_revenue
from compliance.operations.determinations import assessment_of, determination_inputs
from compliance.operations.open_items import open_items_data
from compliance.operations.planning import YearPlan, YearStatus, premature, released_by_year
from compliance.operations.workspace import Workspace, blocked_target, one_line, place
from compliance.rules.earnout import YearAssessment
from compliance.rules.earnout_json import year_json
from compliance.values.files import versioned_name

CANCELLATION_SLOT = "cancellation-instruction"
@dataclass
class YearOutcome:
    year: int
    status: YearStatus
    report_sha256: str | None
    report_name: str | None
    revenue: Decimal | None  # the operating revenue of the report that decides the year
    release_shares: int | None
    deadline: dt.date
    documents: list[Document]
    note: str = ""
    waiting_for: int | None = None

    @property
    def label(self) -> str:
        return f"{self.status}_{self.waiting_for}" if self.status == YearStatus.WAITING else str(self.status)


def outcome(ws: Workspace, plan: YearPlan, status: YearStatus, note: str = "") -> YearOutcome:
    current = ws.ledger.current_determination(plan.year)
    sha = plan.report_sha256 or (current.report_sha256 if current else None)
    revenue = report_revenue(ws.ledger, sha) if sha else None
    return YearOutcome(
        plan.year, status, sha, ws.ledger.first_name(sha) if sha else None, revenue,
        current.release_shares if current else None, ws.contract.release_deadline(plan.year),
        [], note or plan.note, plan.waiting_for,
    )


# --- rendering into staging --------------------------------------------------------------------------
def render_determination(ws: Workspace, determined: YearAssessment, report: dict, as_of: dt.date,
                         key: str, versions: dict[str, int] | None = None, contract=None) -> list:
    """Every document of the determination (documents.registry decides which), under the staging folder,
    as drafts awaiting approval (marked DRAFT; operations.approval renders the finals). `report` is the
    recorded extraction behind it, as `report_for_documents` gives it."""
    return ws.toolkit.render_year(contract or ws.contract, determined, as_of=as_of, out_dir=ws.staged(key),
                                  report=report,
                                  released=released_by_year(ws.ledger, ws.contract), awaiting_approval=True,
                                  versions=versions or next_versions(ws, determined),
                                  earlier_reports=earlier_reports(ws, determined))


def prepared_language(ledger, determination) -> str | None:
    """The letters' language a determination's documents were prepared in, as the event that issued them says
    (a run's --language): approval and recovery render them in it again."""
    for event in ledger.events(year=determination.year, kinds=("instructed",)):
        if event.data.get("determination") == determination.id:
            return event.data.get("language")
    return None


def next_versions(ws: Workspace, determined: YearAssessment) -> dict[str, int]:
    """The version each document of the determination is issued as: its own and the deduction notices of the
    earlier years its excess restores shares to (documents.render_year revises them)."""
    slots = [kind.slot(determined.year) for kind in due_documents(determined)]
    slots += [f"year-{use.to_year}/deduction-notice" for use in determined.result.offsets]
    return {slot: ws.ledger.next_version(slot) for slot in slots}


def earlier_reports(ws: Workspace, determined: YearAssessment) -> dict[int, dict]:
    """The reports that decided the earlier years whose deduction notices the determination revises."""
    found = {}
    for use in determined.result.offsets:
        earlier = ws.ledger.current_determination(use.to_year)
        if earlier is not None and earlier.report_sha256:
            found[use.to_year] = report_for_documents(ws, earlier.report_sha256)
    return found


def report_for_documents(ws: Workspace, sha256: str) -> dict:
    """The recorded extraction (its fields confirmed by hand laid over it, with who confirmed them), its evidence
    picture found in this output folder (stored relative to it)."""
    report = dict(confirmed_extraction(ws.ledger, sha256))
    evidence = report.get("evidence")
    if isinstance(evidence, dict) and evidence.get("png_path") and not Path(evidence["png_path"]).is_absolute():
        report["evidence"] = {**evidence, "png_path": str(ws.out / evidence["png_path"])}
    return report


def new_documents(ws: Workspace, rendered: list, key: str) -> list[NewDocument]:
    rows = []
    for doc in rendered:
        version = ws.ledger.next_version(doc.slot)
        folder, _, name = doc.slot.rpartition("/")
        prefix = f"{folder}/" if folder else ""
        rows.append(NewDocument(
            slot=doc.slot, version=version, kind=doc.kind,
            year=int(folder.removeprefix("year-")) if folder else None, input_key=key,
            pdf_path=prefix + versioned_name(f"{name}.pdf", version), pdf_sha256=doc.pdf_sha256,
            docx_path=prefix + versioned_name(f"{name}.docx", version), docx_sha256=doc.docx_sha256,
            document_id=doc.document_id,
        ))
    return rows


# --- a year's determination --------------------------------------------------------------------------
def issue_year(ws: Workspace, plan: YearPlan, plans: list[YearPlan]) -> YearOutcome:
    """Determine a ready year under SPA 5.2 and issue its documents, unless its current determination has
    the same inputs (then nothing is written)."""
    if not plan.ready:
        return outcome(ws, plan, plan.status)
    inputs = determination_inputs(ws.ledger, plans, plan.year)
    key = inputs.key(ws.contract_sha, ws.reading)
    current = ws.ledger.current_determination(plan.year)
    if current is not None and current.input_key == key:
        return outcome(ws, plan, YearStatus.ISSUED)
    report = report_for_documents(ws, plan.report_sha256)  # read once, for the date check and the letters
    too_early = premature(ws.contract, plan.year, ws.as_of, report.get("report_date"))
    if too_early:
        return outcome(ws, plan, YearStatus.PREMATURE, too_early)
    determined = assessment_of(ws.contract, inputs, ws.reading)  # once, for all its documents
    try:
        rendered = render_determination(ws, determined, report, ws.as_of, key)
    except Exception as exc:  # a document that cannot be rendered stops this year only
        return outcome(ws, plan, YearStatus.ERROR,
                       f"documents for year {plan.year} could not be rendered: {one_line(exc)}")
    ws.checkpoint(f"year {plan.year} rendered")
    documents = new_documents(ws, rendered, key)
    if (problem := blocked_target(ws, documents)) is not None:
        return outcome(ws, plan, YearStatus.ERROR, problem)
    result = determined.result
    revenues = {str(k): str(v) for k, v in inputs.revenues.items()}
    determination = NewDetermination(
        year=plan.year, input_key=key, reading=ws.reading, contract_id=ws.contract.id,
        contract_sha256=ws.contract_sha, report_sha256=plan.report_sha256,
        revenues=dict(inputs.revenues), reports=dict(inputs.reports),
        figures=year_json(result), release_shares=result.release_shares, as_of=ws.as_of,
    )
    open_items = open_items_data(rendered)  # recorded beside the documents (operations.open_items)
    year_docs = [d for d in documents if d.slot != CANCELLATION_SLOT]
    cancellation = [d for d in documents if d.slot == CANCELLATION_SLOT]
    new_slots = {d.slot for d in year_docs}
    withdraw = [d for d in ws.ledger.documents(current_only=True)
                if d.year == plan.year and d.kind != "penalty-statement" and d.slot not in new_slots]
    with ws.ledger.transaction():
        determination_id, _ = ws.ledger.issue(
            "instructed", year=plan.year, as_of=ws.as_of, documents=year_docs, determination=determination,
            withdraw=withdraw,
            data={"input_key": key, "report": plan.report_sha256, "release_shares": result.release_shares,
                  "prepared_by": ws.prepared_by, "language": ws.contract.language,
                  "revenues": revenues,
                  "open_items": {slot: items for slot, items in open_items.items() if slot != CANCELLATION_SLOT}},
        )
        if cancellation:  # SPA 5.2(1): deducted shares not restored are cancelled at expiry
            ws.ledger.issue("cancellation_instructed", year=None, as_of=ws.as_of, documents=cancellation,
                            determination_id=determination_id,
                            data={"cancel_shares": determined.assessment.cancelled_at_expiry,
                                  "open_items": {slot: items for slot, items in open_items.items()
                                                 if slot == CANCELLATION_SLOT}})
    ws.checkpoint(f"year {plan.year} recorded")
    place(ws, documents, key)
    return outcome(ws, plan, YearStatus.ISSUED)


def current_documents(ws: Workspace, year: int) -> list[Document]:
    """The year's current documents (the last year's include the cancellation instruction)."""
    return [d for d in ws.ledger.documents(current_only=True)
            if d.year == year or (d.slot == CANCELLATION_SLOT and year == ws.last_year)]
