"""Four-eyes approval of a penalty statement (SPA 8.2), apart from its year's letters.

The penalty statement is a privileged computation for counsel, not a letter a party signs. A run issues it as
a DRAFT awaiting approval whenever a release is late and prices are given, and issues its next version as the
delay runs on, usually long after the year's letters were approved; so it cannot ride on the year's approval
(`operations.approval`), which belongs to the determination and is given once. Each version is approved on its
own: by a person with the approver role other than the one who prepared it (the run's `--by`, recorded in its
`penalty_assessed` event), while it has no open items. Approval renders the statement again from the inputs
recorded with it, without the DRAFT mark (the same figures, document ID and date; refused when they come out
otherwise, e.g. the price file changed), records it in one hash-chained `documents_approved` event whose one
file is of kind `penalty-statement` (the `approvals` table, as the year's letters), and places the final in
the year's approved folder: `DIR/year-N/approved/penalty-statement[.vK].pdf|.docx`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compliance.contract import Contract
from compliance.ledger import Approval, ApprovedFile, Document, Ledger
from compliance.operations.accounts import AccountError, check_may
from compliance.operations.accrual import PenaltyInputs
from compliance.operations.approval import (
    UNKNOWN_PREPARER,
    ApprovalError,
    ApprovalState,
    _check_placed,
    _place,
    _staging_key,
    approved_apart,
    final_path,
    output_folder,
)
from compliance.operations.open_items import recorded_open_items
from compliance.operations.penalties import PenaltyPrices, render_statement
from compliance.operations.workspace import Toolkit, Workspace, fault_sentence, link_in_the_way, unstage

KIND = "penalty-statement"


@dataclass(frozen=True)
class PenaltyApproval:
    """Where a year's current penalty statement stands in the four-eyes step."""

    year: int
    state: str  # ApprovalState: nothing_prepared, open_items, awaiting_approval, approved
    document: Document | None
    prepared_by: str | None
    open_items: tuple[str, ...]
    approval: Approval | None


def _issued(ledger: Ledger, document: Document):
    """The penalty_assessed event that issued `document`."""
    for event in ledger.events(year=document.year, kinds=("penalty_assessed",)):
        rows = {int(pin["key"]) for pin in event.data.get("rows", []) if pin["table"] == "documents"}
        if event.data.get("input_key") == document.input_key and document.id in rows:
            return event
    return None


def penalty_approval(ledger: Ledger, year: int) -> PenaltyApproval:
    document = ledger.current_document(f"year-{year}/{KIND}")
    if document is None:
        return PenaltyApproval(year, ApprovalState.NOTHING, None, None, (), None)
    event = _issued(ledger, document)
    prepared = (event.data.get("prepared_by") if event else None) or UNKNOWN_PREPARER
    items = tuple(recorded_open_items(ledger).get(document.pdf_path, ()))
    approval = next((a for a in reversed(ledger.approvals()) if approved_apart(a)
                     and any(item.document == document.id for item in a.files)), None)
    state = (ApprovalState.APPROVED if approval else ApprovalState.OPEN_ITEMS if items else ApprovalState.AWAITING)
    return PenaltyApproval(year, state, document, prepared, items, approval)


def approve_penalty(ledger: Ledger, contract: Contract, *, year: int, by: str, at: dt.datetime,
                    toolkit: Toolkit | None = None, prices: PenaltyPrices | None = None) -> Approval:
    """Approve the year's current penalty statement as `by` at `at`: render its final, record the approval,
    place the final in year-N/approved/. Refused, with nothing written, to a non-approver, to its preparer,
    while it has open items, and when it no longer renders with the figures it was issued with. `prices`: the
    price file it was computed from, when it is no longer where the run read it (its content must match)."""
    ws = Workspace(ledger, contract, output_folder(ledger), at.date(), toolkit or Toolkit(),
                   checkpoint=lambda name: None)
    try:
        check_may(ws.ledger, by, "approve")
    except AccountError as exc:
        raise ApprovalError(str(exc)) from None
    state = penalty_approval(ws.ledger, year)
    if state.document is None:
        raise ApprovalError(f"year {year} has no penalty statement to approve; a run with --prices issues one "
                            "when the release is late")
    if state.prepared_by == by:
        raise ApprovalError(f"{by} prepared year {year}'s penalty statement and cannot also approve it; a different "
                            "person with the approver role must approve")
    if state.state == ApprovalState.OPEN_ITEMS:
        count = len(state.open_items)
        raise ApprovalError(f"year {year}'s penalty statement still has {count} open item{'s' if count != 1 else ''}; "
                            "fill them and prepare it again before approval")
    if state.approval is not None:
        if restore_penalty_final(ws, state.approval):
            return state.approval
        raise ApprovalError(f"year {year}'s penalty statement ({state.document.pdf_path}) was already approved by "
                            f"{state.approval.approved_by} at {state.approval.approved_at}")
    document = state.document
    try:
        final = _render_final(ws, document, prices)
        paths = (final.pdf_path, final.docx_path)
        if any((ws.out / path).exists() for path in paths):
            raise ApprovalError(f"{ws.out / final.pdf_path} already exists and was not written by an approval; move "
                                "it away and approve again")
        if (problem := next((p for path in paths if (p := link_in_the_way(ws, path)) is not None), None)):
            raise ApprovalError(problem.replace("run again", "approve again"))
        notes = len(ws.notes)
        with ws.ledger.transaction():
            ws.ledger.approve(year=year, determination_id=document.determination_id,
                              prepared_by=state.prepared_by or UNKNOWN_PREPARER, approved_by=by,
                              approved_at=at.isoformat(timespec="seconds"), on_date=at.date(), files=[final])
        approval = ws.ledger.approvals()[-1]
        _place(ws, document.input_key, approval)
        _check_placed(ws, approval, list(paths), notes)
        return approval
    except OSError as exc:
        raise ApprovalError(fault_sentence(exc, ws.out)) from None
    finally:
        unstage(ws, _staging_key(document.input_key))


def _render_final(ws: Workspace, document: Document, prices: PenaltyPrices | None = None) -> ApprovedFile:
    """The statement rendered again from its recorded inputs without the DRAFT mark, into staging."""
    event = _issued(ws.ledger, document)
    if event is None:
        raise ApprovalError(f"{document.pdf_path}: the ledger holds no record of how it was computed")
    inputs = PenaltyInputs.from_json(event.data["inputs"])
    staging = ws.staged(_staging_key(document.input_key))
    try:
        result, rendered = render_statement(ws, document.year, inputs, document.input_key, document.as_of, prices,
                                            awaiting_approval=False, out_dir=staging)
    except Exception as exc:  # the price file gone or unreadable: one sentence, nothing recorded
        raise ApprovalError(f"{document.pdf_path} cannot be rendered again from its recorded inputs: "
                            f"{' '.join(str(exc).split()) or exc.__class__.__name__} (give the price file it was "
                            "computed from with --prices)") from None
    recorded = event.data.get("result", {})
    again = {k: v for k, v in result.to_json().items() if k in recorded}
    if rendered.document_id != document.document_id or again != recorded or rendered.open_items:
        raise ApprovalError(f"{document.pdf_path} renders differently now than when it was prepared (the price file, "
                            "the contract or the templates changed); prepare it again with the price file it names")
    return ApprovedFile(document=document.id, kind=KIND, document_id=document.document_id,
                        pdf_path=final_path(document.pdf_path), pdf_sha256=rendered.pdf_sha256,
                        docx_path=final_path(document.docx_path), docx_sha256=rendered.docx_sha256)


def restore_penalty_final(ws: Workspace, approval: Approval) -> bool:
    """Put back a penalty statement's approved final that is missing; True when something was missing. The
    bytes must be those approved, or nothing is written and an ApprovalError says why."""
    missing = [path for f in approval.files for path in (f.pdf_path, f.docx_path) if not (ws.out / path).exists()]
    if not missing:
        return False
    document = next(d for d in ws.ledger.documents() if d.id == approval.files[0].document)
    notes = len(ws.notes)
    try:
        try:
            again = _render_final(ws, document)
        except ApprovalError as exc:
            raise ApprovalError(f"year {approval.year}'s approved penalty statement {', '.join(missing)} is missing "
                                f"and cannot be written again as approved: {exc}") from None
        if (again.pdf_sha256, again.docx_sha256) != (approval.files[0].pdf_sha256, approval.files[0].docx_sha256):
            raise ApprovalError(f"year {approval.year}'s approved penalty statement {', '.join(missing)} is missing "
                                f"from {ws.out} and rendering it again gives other bytes than {approval.approved_by} "
                                "approved (the templates changed); restore it from a backup")
        _place(ws, document.input_key, approval)
    finally:
        unstage(ws, _staging_key(document.input_key))
    _check_placed(ws, approval, missing, notes)
    return True


def restore_penalty_finals(ws: Workspace) -> None:
    """Every approved penalty statement's final in place (the run's recovery step, after the year's finals)."""
    for approval in ws.ledger.approvals():
        if not approved_apart(approval):
            continue
        try:
            restore_penalty_final(ws, approval)
        except ApprovalError as exc:
            ws.notes.append(str(exc))
        except OSError as exc:
            ws.notes.append(f"could not restore the approved penalty statement of year {approval.year}: "
                            f"{fault_sentence(exc, ws.out)}")
