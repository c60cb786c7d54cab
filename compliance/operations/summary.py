"""What a run leaves for people to read: `DIR/review/<file>.json` for each file not accepted, and
`DIR/summary.json` (files, years, documents as they stand). Each is written only when its bytes change.
"""

from __future__ import annotations

from pathlib import Path

from compliance.extract.model import FileStatus
from compliance.ledger import Document, chain_head
from compliance.operations.approval import year_approval
from compliance.operations.confirmation import in_force
from compliance.operations.inbox import FileOutcome, FileRole, Skipped
from compliance.operations.issuing import YearOutcome
from compliance.operations.open_items import recorded_open_items
from compliance.operations.planning import YearPlan, YearStatus
from compliance.operations.workspace import Workspace
from compliance.values.digest import sha256_hex
from compliance.values.files import json_bytes, write_if_changed
from compliance.values.money import decimal_json


def mark_roles(ws: Workspace, files: list[FileOutcome], plans: list[YearPlan]) -> None:
    """What each accepted file, or one confirmed by hand, does for its year: decides it, conflicts, or was set
    aside by a resolution."""
    by_year = {plan.year: plan for plan in plans}
    confirmed = in_force(ws.ledger)
    for item in files:
        if item.sha256 in confirmed:
            item.confirmed_by_hand = confirmed[item.sha256].summary
            item.year = confirmed[item.sha256].year
        plan = by_year.get(item.year)
        if (item.status != FileStatus.ACCEPTED and item.confirmed_by_hand is None) or plan is None:
            continue
        if item.sha256 in plan.copies:
            item.role = FileRole.COPY
        elif plan.status == YearStatus.CONFLICTING:
            item.role = FileRole.CONFLICTING
        elif plan.report_sha256 == item.sha256:
            item.role = FileRole.DECIDES_YEAR
        else:
            item.role = FileRole.SET_ASIDE


_NAME_BYTES = 255  # the longest file name most file systems take


def review_name(item: FileOutcome) -> str:
    """review/<file>.json; a name too long for that is cut (on a character boundary) and told apart by the
    start of its sha256 (or of the name's own hash when the content is unknown)."""
    name = f"{item.name}.json"
    if len(name.encode("utf-8")) <= _NAME_BYTES:
        return name
    tag = f"~{(item.sha256 or sha256_hex(item.name))[:12]}.json"
    room = _NAME_BYTES - len(tag.encode("utf-8"))
    stem = item.name.encode("utf-8")[:room].decode("utf-8", "ignore")
    return stem + tag


def write_reviews(ws: Workspace, files: list[FileOutcome]) -> None:
    for item in files:
        if item.status == FileStatus.ACCEPTED:
            continue
        data = ws.ledger.extraction(item.sha256) if item.sha256 and item.recorded else None
        body = dict(data) if data else {"file": item.name, "sha256": item.sha256, "status": item.status,
                                        "problems": [problem.to_json() for problem in item.problems]}
        body["file"] = item.name
        rel = f"review/{review_name(item)}"
        try:
            if write_if_changed(ws.out / rel, json_bytes(body)):
                ws.written.append(rel)
        except OSError as exc:  # the rest of the batch, and the summary, still get written
            ws.notes.append(f"the review file for {item.name} could not be written "
                            f"({exc.strerror or exc.__class__.__name__})")


def _documents_json(docs: list[Document], open_items: dict[str, list[str]]) -> list[dict]:
    """Each document; `draft` with its `open_items` while it still lacks something (operations.open_items)."""
    return [
        {"kind": d.kind, "version": d.version, "pdf": d.pdf_path, "pdf_sha256": d.pdf_sha256,
         "docx": d.docx_path, "docx_sha256": d.docx_sha256, "document_id": d.document_id,
         "dated": d.as_of.isoformat(), "superseded_by": None if d.withdrawn else d.superseded_by,
         "withdrawn": d.withdrawn,
         "draft": bool(open_items.get(d.pdf_path)), "open_items": open_items.get(d.pdf_path, [])}
        for d in docs
    ]


def write_summary(ws: Workspace, files: list[FileOutcome], years: list[YearOutcome], *, inbox: Path,
                  prices_path: Path | None, skipped: list[Skipped] = ()) -> None:
    all_docs = ws.ledger.documents()
    open_items = recorded_open_items(ws.ledger)
    determinations = {d.id: d for d in ws.ledger.determinations()}
    confirmed = in_force(ws.ledger)

    def led_to(sha: str | None) -> list[Document]:
        return [d for d in all_docs if d.determination_id in determinations
                and determinations[d.determination_id].report_sha256 == sha]

    summary = {
        "as_of": ws.as_of.isoformat(),
        # The ledger's head after this run: keep a copy elsewhere, and `ledger verify --anchor` proves the
        # ledger was not rewritten or cut since.
        "ledger_anchor": head.to_json() if (head := chain_head(ws.ledger.conn)) else None,
        "contract": ws.contract.id,
        "reading": ws.reading,
        "inbox": str(inbox),
        "prices": str(prices_path) if prices_path else None,
        "files": [
            {"file": f.name, "sha256": f.sha256, "size": f.size, "status": f.status,
             "problems": [problem.to_json() for problem in f.problems], "year": f.year, "revenue": f.revenue,
             "also_named": f.also_named, "role": f.role, "confirmed_by_hand": f.confirmed_by_hand,
             "documents": _documents_json(led_to(f.sha256), open_items) if f.sha256 else []}
            for f in files
        ],
        "skipped": [{"file": item.name, "reason": item.reason} for item in skipped],
        "years": [
            {"year": y.year, "status": y.label, "note": y.note or None,
             "report": {"file": y.report_name, "sha256": y.report_sha256} if y.report_sha256 else None,
             "revenue": decimal_json(y.revenue), "release_shares": y.release_shares,
             "deadline": y.deadline.isoformat(),
             "documents": _documents_json(y.documents, open_items),
             # Four-eyes: drafts awaiting approval until a second person approves (operations.approval).
             "approval": year_approval(ws.ledger, y.year).as_json(),
             "confirmed_by_hand": confirmed[y.report_sha256].summary if y.report_sha256 in confirmed else None}
            for y in years
        ],
        # Every current document still marked DRAFT, with what it lacks: fill these in the contract file.
        "open_items": [
            {"document": d.pdf_path, "kind": d.kind, "year": d.year, "document_id": d.document_id,
             "items": open_items[d.pdf_path]}
            for d in all_docs if d.superseded_by is None and open_items.get(d.pdf_path)
        ],
    }
    if write_if_changed(ws.out / "summary.json", json_bytes(summary)):
        ws.written.append("summary.json")
