"""Four-eyes approval of a year's documents: one person prepares (`compliance run`, the desk's Prepare), a
different person with the approver role approves (`compliance approve`, the desk's Approve).

`run` writes a determination's documents as drafts, marked DRAFT "awaiting approval", under their usual names
(`DIR/year-N/<kind>.pdf`). Approval renders them again from the same recorded inputs without the mark: the
same figures, the same document IDs, the same date; the final files go beside the drafts in an `approved`
folder (`DIR/year-N/approved/<kind>.pdf`, `DIR/approved/cancellation-instruction.pdf`), so that nothing issued
is ever overwritten and a paralegal sees at a glance which letters may be signed. The ledger records who
prepared and who approved, when, hash-chained with everything else.

Approval belongs to one determination: a new report that changes a year's figures makes a new determination
with new drafts, which need a new approval (the old finals stay on disk, superseded). Approval is refused
while any of the letters has open items, to the person who prepared them, and to anyone not an approver.

A final lost from disk is put back by the next `approve` (or run), rendered again from the recorded inputs; when
that no longer gives the approved bytes (the contract file or the templates changed), it is refused, naming the
missing finals. A fault of the disk (full, read-only, permission) is one ApprovalError sentence naming the path,
and the staging folder is removed whatever happens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from compliance.contract import Contract
from compliance.ledger import Approval, ApprovedFile, Determination, Document, Ledger
from compliance.operations.accounts import AccountError, check_may
from compliance.operations.determinations import contract_fingerprint, recorded_assessment
from compliance.operations.issuing import earlier_reports, prepared_language, report_for_documents
from compliance.operations.open_items import recorded_open_items
from compliance.operations.planning import released_by_year
from compliance.operations.workspace import Toolkit, Workspace, fault_sentence, link_in_the_way, place, unstage
from compliance.values.digest import sha256_hex

APPROVED_FOLDER = "approved"
# Issued beside a determination but not part of its approval: the penalty statement, a computation for counsel
# issued again as the delay runs on, is approved version by version on its own (operations.penalty_approval).
NOT_APPROVED_KINDS = frozenset({"penalty-statement"})


def approved_apart(approval: Approval) -> bool:
    """An approval of a document approved apart from its year's letters (a penalty statement)."""
    return bool(approval.files) and all(item.kind in NOT_APPROVED_KINDS for item in approval.files)
UNKNOWN_PREPARER = "unknown"


class ApprovalError(ValueError):
    """An approval that cannot be given as asked; str() is one plain sentence. Nothing is written then."""


class ApprovalState:
    NOTHING = "nothing_prepared"
    OPEN_ITEMS = "open_items"  # prepared, but a letter still lacks something: cannot be approved yet
    AWAITING = "awaiting_approval"
    APPROVED = "approved"


@dataclass(frozen=True)
class YearApproval:
    """Where a year's documents stand in the four-eyes step."""

    year: int
    state: str
    prepared_by: str | None
    drafts: tuple[Document, ...]
    open_items: dict[str, list[str]]  # draft PDF path -> what it lacks
    approval: Approval | None

    @property
    def approved_by(self) -> str | None:
        return self.approval.approved_by if self.approval else None

    @property
    def approved_at(self) -> str | None:
        return self.approval.approved_at if self.approval else None

    def as_json(self) -> dict:
        return {"state": self.state, "prepared_by": self.prepared_by, "approved_by": self.approved_by,
                "approved_at": self.approved_at,
                "final": [f.pdf_path for f in self.approval.files] if self.approval else []}


def final_path(draft_path: str) -> str:
    """Where a draft's final goes: the same name in an `approved` folder beside it."""
    path = PurePosixPath(draft_path)
    return str(path.parent / APPROVED_FOLDER / path.name) if str(path.parent) != "." else \
        f"{APPROVED_FOLDER}/{path.name}"


def prepared_by(ledger: Ledger, determination: Determination) -> str:
    """Who prepared the determination's documents, as the event that issued them records."""
    for event in ledger.events(year=determination.year, kinds=("instructed",)):
        if event.data.get("determination") == determination.id:
            return event.data.get("prepared_by") or UNKNOWN_PREPARER
    return UNKNOWN_PREPARER


def determination_documents(ledger: Ledger, determination: Determination) -> list[Document]:
    """The drafts of a determination as they stand (its year's letters, and the cancellation instruction)."""
    return [d for d in ledger.documents(current_only=True)
            if d.determination_id == determination.id and d.kind not in NOT_APPROVED_KINDS]


def year_approval(ledger: Ledger, year: int) -> YearApproval:
    determination = ledger.current_determination(year)
    if determination is None:
        return YearApproval(year, ApprovalState.NOTHING, None, (), {}, None)
    drafts = tuple(determination_documents(ledger, determination))
    recorded = recorded_open_items(ledger)
    open_items = {d.pdf_path: recorded[d.pdf_path] for d in drafts if recorded.get(d.pdf_path)}
    approvals = [a for a in ledger.approvals(determination_id=determination.id) if not approved_apart(a)]
    if approvals:
        state = ApprovalState.APPROVED
    elif open_items:
        state = ApprovalState.OPEN_ITEMS
    else:
        state = ApprovalState.AWAITING
    return YearApproval(year, state, prepared_by(ledger, determination), drafts, open_items,
                        approvals[-1] if approvals else None)


def output_folder(ledger: Ledger) -> Path:
    """The folder the ledger's documents are in, as the first run recorded it (relative to the ledger)."""
    return (ledger.path.parent / (ledger.meta("out_dir") or ".")).resolve()


def approve_year(ledger: Ledger, contract: Contract, *, year: int, by: str, at: dt.datetime,
                 toolkit: Toolkit | None = None, determination_id: int | None = None) -> Approval:
    """Approve the year's current documents as `by` at `at` (the caller's clock, read at its edge): render
    the finals, record the approval, then place the finals. Refused, with nothing written, when `by` is not
    an approver, prepared them, or a letter has open items."""
    ws = Workspace(ledger, contract, output_folder(ledger), at.date(), toolkit or Toolkit(),
                   checkpoint=lambda name: None)
    numbers = [item.number for item in ws.contract.assessment_years]
    if year not in numbers:
        raise ApprovalError(f"year {year} is not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]})")
    try:
        check_may(ws.ledger, by, "approve")
    except AccountError as exc:
        raise ApprovalError(str(exc)) from None
    state = year_approval(ws.ledger, year)
    if state.state == ApprovalState.NOTHING:
        raise ApprovalError(f"year {year} has no prepared documents to approve; prepare them first")
    if state.prepared_by == by:
        raise ApprovalError(f"{by} prepared year {year}'s documents and cannot also approve them; a different "
                            "person with the approver role must approve")
    if state.state == ApprovalState.OPEN_ITEMS:
        count = sum(len(items) for items in state.open_items.values())
        raise ApprovalError(f"year {year}'s documents still have {count} open item{'s' if count != 1 else ''}; "
                            "give them as the deal's particulars (a second person approves them) and prepare the "
                            "documents again before approval")
    if state.state == ApprovalState.APPROVED:
        try:
            restored = restore_finals(ws, state.approval)
        except OSError as exc:
            raise ApprovalError(f"year {year}'s approved documents could not be put back: "
                                f"{fault_sentence(exc, ws.out)}") from None
        if restored:
            return state.approval
        raise ApprovalError(f"year {year}'s documents were already approved by {state.approved_by} at "
                            f"{state.approved_at}")
    determination = ws.ledger.current_determination(year)
    if determination_id is not None and determination.id != determination_id:
        raise ApprovalError(f"year {year}'s documents were prepared again (determination {determination.id}) since "
                            f"the page you approved from showed determination {determination_id}; review them and "
                            "approve again")
    language = prepared_language(ws.ledger, determination)  # the language they were prepared in (run --language)
    if language and language != ws.contract.language:
        ws.contract = ws.contract.model_copy(update={"language": language})
    if determination.contract_sha256 != contract_fingerprint(ws.contract):
        raise ApprovalError(f"the contract file differs from the one year {year}'s documents were prepared with; "
                            "prepare them again, review the new drafts, then approve")
    try:
        return _give(ws, state, determination, by, at)
    except OSError as exc:
        if any(not approved_apart(a) for a in ws.ledger.approvals(determination_id=determination.id)):
            # recorded, not all placed: approve again
            raise ApprovalError(f"year {year}'s approval is recorded but not all its final documents were "
                                f"written: {fault_sentence(exc, ws.out)}") from None
        raise ApprovalError(fault_sentence(exc, ws.out)) from None
    finally:
        unstage(ws, _staging_key(determination.input_key))


def _give(ws: Workspace, state: YearApproval, determination: Determination, by: str, at: dt.datetime) -> Approval:
    """Render the finals, record the approval, place the finals."""
    files = _render_finals(ws, determination, list(state.drafts))
    blocked = [f.pdf_path for f in files if (ws.out / f.pdf_path).exists()] + \
              [f.docx_path for f in files if (ws.out / f.docx_path).exists()]
    if blocked:
        raise ApprovalError(f"{ws.out / blocked[0]} already exists and was not written by an approval; move it "
                            "away and approve again")
    in_the_way = [problem for f in files for path in (f.pdf_path, f.docx_path)
                  if (problem := link_in_the_way(ws, path)) is not None]
    if in_the_way:  # as issuing: nothing recorded that cannot be placed, nothing written through a link
        raise ApprovalError(in_the_way[0].replace("run again", "approve again"))
    notes = len(ws.notes)
    with ws.ledger.transaction():
        ws.ledger.approve(year=state.year, determination_id=determination.id, prepared_by=state.prepared_by or
                          UNKNOWN_PREPARER, approved_by=by, approved_at=at.isoformat(timespec="seconds"),
                          on_date=at.date(), files=files)
    approval = ws.ledger.approvals()[-1]  # the one just recorded
    _place(ws, determination.input_key, approval)
    _check_placed(ws, approval, [p for f in files for p in (f.pdf_path, f.docx_path)], notes)
    return approval


def _check_placed(ws: Workspace, approval: Approval, paths: list[str], notes: int) -> None:
    """Every one of `paths` is on disk now, or an ApprovalError names those missing and why (the notes `place`
    made since `notes`): an approval never reports a final that is not there."""
    still = [path for path in paths if not (ws.out / path).exists()]
    if still:
        why = " ".join(ws.notes[notes:]) or "they could not be placed"
        raise ApprovalError(f"year {approval.year}'s approved documents {', '.join(still)} are missing from {ws.out} "
                            f"and could not be put there: {why.rstrip('.')}")


def restore_finals(ws: Workspace, approval: Approval) -> bool:
    """Put back an approval's final files that are missing (a kill between recording and placing them, a file
    deleted); True when something was missing. Rendering is deterministic: the bytes must match the record,
    or nothing is written and an ApprovalError names the missing finals and why they cannot be put back."""
    missing = [path for f in approval.files for path in (f.pdf_path, f.docx_path) if not (ws.out / path).exists()]
    if not missing:
        return False
    determination = ws.ledger.determination(approval.determination_id)
    drafts = [d for d in ws.ledger.documents() if d.id in {f.document for f in approval.files}]
    notes = len(ws.notes)
    try:
        try:
            rendered = _render_finals(ws, determination, drafts)
        except ApprovalError:
            rendered = []
        recorded = {(f.pdf_path, f.pdf_sha256) for f in approval.files} | \
                   {(f.docx_path, f.docx_sha256) for f in approval.files}
        again = {(f.pdf_path, f.pdf_sha256) for f in rendered} | {(f.docx_path, f.docx_sha256) for f in rendered}
        if not recorded <= again:
            raise ApprovalError(_cannot_restore(ws, approval, determination, missing))
        _place(ws, determination.input_key, approval)
    finally:
        unstage(ws, _staging_key(determination.input_key))
    _check_placed(ws, approval, missing, notes)
    return True


def _cannot_restore(ws: Workspace, approval: Approval, determination: Determination, missing: list[str]) -> str:
    changed = ("the contract file differs from the one they were approved with"
               if determination.contract_sha256 != contract_fingerprint(ws.contract) else
               "the templates changed since they were approved")
    return (f"year {approval.year}'s approved documents {', '.join(missing)} are missing from {ws.out} and cannot "
            f"be written again as approved: {changed}, so they would differ from what {approval.approved_by} "
            "approved; approve again with the contract file they were approved with, or restore them from a backup")


def restore_all_finals(ws: Workspace) -> None:
    """Every recorded approval's files in place (the run's recovery step calls this after its own); a penalty
    statement's, approved apart, are put back by operations.penalty_approval.restore_penalty_finals."""
    for approval in ws.ledger.approvals():
        if approved_apart(approval):
            continue
        try:
            restore_finals(ws, approval)
        except ApprovalError as exc:
            ws.notes.append(str(exc))
        except OSError as exc:
            ws.notes.append(f"could not restore the approved documents of year {approval.year}: "
                            f"{fault_sentence(exc, ws.out)}")


def _staging_key(input_key: str) -> str:
    return sha256_hex("approved " + input_key)


def _render_finals(ws: Workspace, determination: Determination, drafts: list[Document]) -> list[ApprovedFile]:
    """The determination's documents rendered again from its recorded inputs, without the DRAFT mark."""
    determined = recorded_assessment(ws.contract, determination)
    rendered = ws.toolkit.render_year(ws.contract, determined, as_of=determination.as_of,
                                      out_dir=ws.staged(_staging_key(determination.input_key)),
                                      report=report_for_documents(ws, determination.report_sha256),
                                      released=released_by_year(ws.ledger, ws.contract), awaiting_approval=False,
                                      versions={draft.slot: draft.version for draft in drafts},
                                      earlier_reports=earlier_reports(ws, determined))
    by_slot = {doc.slot: doc for doc in rendered}
    files = []
    for draft in drafts:
        final = by_slot.get(draft.slot)
        if final is None or final.document_id != draft.document_id or getattr(final, "open_items", ()):
            raise ApprovalError(f"{draft.pdf_path} renders differently now than when it was prepared (the "
                                "contract or the templates changed); prepare the documents again")
        files.append(ApprovedFile(document=draft.id, kind=draft.kind, document_id=draft.document_id,
                                  pdf_path=final_path(draft.pdf_path), pdf_sha256=final.pdf_sha256,
                                  docx_path=final_path(draft.docx_path), docx_sha256=final.docx_sha256))
    return files


@dataclass(frozen=True)
class _Final:
    """An approved file as `place` moves it: staged under its draft's slot, placed at its final path."""

    slot: str
    pdf_path: str
    pdf_sha256: str
    docx_path: str
    docx_sha256: str


def _place(ws: Workspace, input_key: str, approval: Approval) -> None:
    drafts = {d.id: d for d in ws.ledger.documents()}
    finals = [_Final(drafts[item.document].slot, item.pdf_path, item.pdf_sha256, item.docx_path, item.docx_sha256)
              for item in approval.files]
    place(ws, finals, _staging_key(input_key))


def approved_file_paths(ledger: Ledger) -> list[tuple[str, str]]:
    """Every final file an approval wrote: (path relative to the output folder, sha256)."""
    return [(path, sha) for approval in ledger.approvals() for f in approval.files
            for path, sha in ((f.pdf_path, f.pdf_sha256), (f.docx_path, f.docx_sha256))]

