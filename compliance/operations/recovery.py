"""Crash recovery: every run starts by putting back recorded documents whose files are missing.

The ledger records a document before its file is moved into place, so a run killed in between leaves a
recorded document without its file. It is restored from the staging folder, or rendered again from the
inputs the ledger recorded (rendering is deterministic, and the bytes must match the recorded sha256).
A file that is present but differs from what was issued is reported and left as it is. Recovery obeys
issuing's path rules (`workspace.link_in_the_way`, and `place` follows no link): a document whose folder or
name is a link, or a file where a folder must be, is reported and not restored, so nothing is ever written
outside the output folder.
"""

from __future__ import annotations

from collections.abc import Callable

from compliance.ledger import Document
from compliance.operations.accrual import PenaltyInputs
from compliance.operations.determinations import recorded_assessment
from compliance.operations.issuing import prepared_language, render_determination, report_for_documents
from compliance.operations.workspace import FORMATS, Workspace, link_in_the_way, one_line, place
from compliance.values.digest import sha256_file


def restore_documents(ws: Workspace, render_penalty: Callable[..., object]) -> None:
    """Put back every recorded document whose file is missing. `render_penalty(year, inputs, key, as_of)`
    renders a penalty statement into staging (operations.run supplies it, with the run's prices)."""
    # Grouped as they were issued: one determination's (or one statement's) documents. The same inputs can
    # have been issued twice (a reversed resolution issues the next version of the earlier documents).
    missing: dict[tuple, list[Document]] = {}
    for doc in ws.ledger.documents():
        paths = ((doc.pdf_path, doc.pdf_sha256), (doc.docx_path, doc.docx_sha256))
        blocked = [problem for rel, _ in paths if (problem := link_in_the_way(ws, rel)) is not None]
        if blocked:  # as issuing would: nothing is written through a link
            _note(ws, blocked[0])
            continue
        for rel, sha in paths:
            target = ws.out / rel
            if not target.exists():
                group = missing.setdefault((doc.input_key, doc.determination_id, doc.as_of), [])
                if doc not in group:
                    group.append(doc)
            elif sha256_file(target) != sha:
                ws.notes.append(f"{target} differs from the document the ledger recorded as issued (sha256 "
                                f"{sha[:12]}...); it was changed after issue and is left as it is")
    for (key, *_), docs in missing.items():
        staged = [ws.staged(key) / f"{doc.slot}{suffix}" for doc in docs for *_, suffix in FORMATS]
        if not all(path.exists() for path in staged):
            try:
                _render_again(ws, key, docs, render_penalty)
            except Exception as exc:
                ws.notes.append(f"could not restore {docs[0].pdf_path}: {one_line(exc)}")
                continue
        place(ws, docs, key)
        for doc in docs:
            for rel in (doc.pdf_path, doc.docx_path):
                if not (ws.out / rel).exists():
                    ws.notes.append(f"could not restore {rel}: rendering it again gave other bytes than the "
                                    "ledger recorded")
    ws.checkpoint("documents restored")


def _note(ws: Workspace, note: str) -> None:
    if note not in ws.notes:  # one note for a linked folder, not one per document in it
        ws.notes.append(note)


def _render_again(ws: Workspace, key: str, docs: list[Document], render_penalty: Callable[..., object]) -> None:
    first = docs[0]
    if first.kind == "penalty-statement":
        event = next(e for e in ws.ledger.events(year=first.year, kinds=("penalty_assessed",))
                     if e.data["input_key"] == key and first.id in _documents_of(e))
        render_penalty(first.year, PenaltyInputs.from_json(event.data["inputs"]), key, first.as_of)
        return
    determination = ws.ledger.determination(first.determination_id)
    issued = [d for d in ws.ledger.documents() if d.determination_id == determination.id]
    language = prepared_language(ws.ledger, determination)  # rendered again as prepared (run --language)
    contract = ws.contract.model_copy(update={"language": language}) if language else ws.contract
    render_determination(ws, recorded_assessment(ws.contract, determination),
                         report_for_documents(ws, determination.report_sha256), determination.as_of, key,
                         versions={d.slot: d.version for d in issued}, contract=contract)  # as issued


def _documents_of(event) -> set[int]:
    """The ids of the documents an issuing event recorded (the rows it pinned)."""
    return {int(pin["key"]) for pin in event.data.get("rows", []) if pin["table"] == "documents"}
