"""Where each approved letter stands after approval: draft, approved, signed by Party A (and Party B), sent,
received; read from the ledger alone (the approvals, the `document_signed`, `letter_sent`, `letter_received`
and `documents_received_by_agent` events), the same for the desk's pages and the command line.

A letter is a recorded document with an approved final; `letter_for` finds the current one of a year and kind
(what `compliance send --year N --kind K` names), `letter_by_id` the one a desk page names. The joint
instruction's receipt by the escrow agent starts its EA 3.2 window: `agent_deadline` gives the day the agent
must transfer by, or says why it cannot be computed yet (a PRC holiday schedule not published is never guessed).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from compliance.contract import Contract
from compliance.documents.pdf_update import PdfUnusable
from compliance.documents.signed_copy import FieldState, signature_fields
from compliance.ledger import Approval, ApprovedFile, Document, Event, Ledger
from compliance.operations.approval import output_folder
from compliance.operations.particulars import with_particulars
from compliance.rules.business_days import (
    ScheduleFileError,
    ScheduleNotPublished,
    agent_transfer_deadline,
    load_calendar,
)
from compliance.values.digest import sha256_file

JOINT_INSTRUCTION = "joint-instruction"
SENT_BY = {"courier": "by courier", "email": "by e-mail", "hand": "by hand"}  # how a letter is sent -> words
_PARTY_FIELD = re.compile(r"Party([A-Z])_Signature")


class LetterError(ValueError):
    """A letter that cannot be signed, sent or received as asked; str() is one plain sentence."""


def party_of(field_name: str) -> str:
    """'PartyA_Signature' -> 'Party A'; any other field by its own name."""
    match = _PARTY_FIELD.fullmatch(field_name)
    return f"Party {match.group(1)}" if match else field_name


@dataclass(frozen=True)
class Signature:
    field: str
    signer: str | None  # the certificate's common name
    subject: str | None  # the certificate's whole subject, when the upload recorded it
    recorded_by: str | None  # who uploaded or signed it through the CLI, when recorded
    on: dt.date | None
    at: str | None
    file: str  # the signed copy, relative to the output folder
    sha256: str
    event: int


@dataclass(frozen=True)
class Delivery:
    on: dt.date
    by: str | None
    at: str | None
    how: str | None = None  # courier, email, hand (sending only)
    reference: str | None = None
    event: int = 0


@dataclass(frozen=True)
class AgentDeadline:
    received_on: dt.date
    transfer_by: dt.date | None  # EA 3.2: the agent's last day; None when it cannot be computed yet
    why_not: str | None  # why it cannot be computed yet


@dataclass(frozen=True)
class LetterState:
    document: Document
    year: int | None
    approval: Approval | None
    final: ApprovedFile | None
    index: int | None  # the final's place in its approval (the desk's download address)
    fields: tuple[FieldState, ...]  # the final's signature fields
    signatures: tuple[Signature, ...] = ()
    sent: Delivery | None = None
    received: Delivery | None = None
    deadline: AgentDeadline | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def signed_fields(self) -> list[str]:
        return [signature.field for signature in self.signatures]

    @property
    def by_field(self) -> dict[str, Signature]:
        return {signature.field: signature for signature in self.signatures}

    @property
    def fully_signed(self) -> bool:
        """Every signature field signed; a final without fields (the assessment report, a stock power the agent
        signs by hand) goes as it was approved."""
        if not self.fields:
            return self.final is not None
        return bool(self.signatures) and {f.name for f in self.fields} <= set(self.signed_fields)

    @property
    def latest_copy(self) -> Signature | None:
        return self.signatures[-1] if self.signatures else None

    @property
    def state(self) -> str:
        """draft, approved, signed, sent or received."""
        if self.received is not None:
            return "received"
        if self.sent is not None:
            return "sent"
        if self.signatures:
            return "signed"
        return "approved" if self.final is not None else "draft"

    @property
    def label(self) -> str:
        """The state as the pages and the CLI say it: 'signed by Party A and Party B'."""
        if self.state != "signed":
            return self.state
        parties = [party_of(name) for name in self.signed_fields]
        return "signed by " + (" and ".join(parties) if len(parties) < 3 else
                               ", ".join(parties[:-1]) + " and " + parties[-1])


def _finals(ledger: Ledger) -> dict[int, tuple[Approval, int]]:
    return {item.document: (approval, index) for approval in ledger.approvals()
            for index, item in enumerate(approval.files)}


def year_of_document(ledger: Ledger, document: Document) -> int | None:
    if document.year is not None:
        return document.year
    return ledger.determination(document.determination_id).year if document.determination_id else None


_FIELDS: dict[str, tuple[FieldState, ...]] = {}  # final's sha256 -> its signature fields (a final never changes)


def final_fields(ledger: Ledger, final: ApprovedFile) -> tuple[FieldState, ...]:
    """The signature fields of an approved final, read from its file (when it holds the recorded bytes)."""
    if final.pdf_sha256 not in _FIELDS:
        path = output_folder(ledger) / final.pdf_path
        try:
            if sha256_file(path) != final.pdf_sha256:
                return ()
            _FIELDS[final.pdf_sha256] = tuple(signature_fields(Path(path).read_bytes()))
        except (OSError, PdfUnusable):
            return ()
    return _FIELDS[final.pdf_sha256]


def _signatures(events: list[Event], document: Document) -> tuple[Signature, ...]:
    found = []
    for event in events:
        data = event.data
        if data.get("document") != document.id:
            continue
        found.append(Signature(data["field"], data.get("signer"), data.get("subject"), data.get("by"),
                               event.on_date, data.get("at"), data.get("signed_file", ""),
                               data.get("signed_sha256", ""), event.seq))
    return tuple(found)


def _delivery(events: list[Event], document: Document) -> Delivery | None:
    matching = [e for e in events if e.data.get("document") == document.id]
    if not matching:
        return None
    event = matching[-1]
    return Delivery(event.on_date, event.data.get("by"), event.data.get("at"), event.data.get("how"),
                    event.data.get("reference"), event.seq)


def agent_deadline(contract: Contract, received_on: dt.date) -> AgentDeadline:
    """EA 3.2: the agent's last day to transfer, ten PRC business days after it received the joint instruction
    (with the report); None, with why, while a year it needs has no published PRC holiday schedule."""
    try:
        return AgentDeadline(received_on, agent_transfer_deadline(contract, load_calendar(contract), received_on),
                             None)
    except ScheduleNotPublished as exc:
        return AgentDeadline(received_on, None, f"the PRC holiday schedule for {exc.year} is not published yet, "
                                                "and business days are never guessed")
    except ScheduleFileError as exc:
        return AgentDeadline(received_on, None, f"the contract's PRC calendar cannot be read ({exc})")


def _state(ledger: Ledger, contract: Contract, document: Document, finals, events: dict[str, list[Event]]) \
        -> LetterState:
    approval, index = finals.get(document.id, (None, None))
    final = approval.files[index] if approval is not None else None
    signatures = _signatures(events["document_signed"], document)
    sent = _delivery(events["letter_sent"], document)
    received = _delivery(events["letter_received"], document)
    deadline = None
    if document.kind == JOINT_INSTRUCTION:
        agent = [e for e in events["documents_received_by_agent"]
                 if e.data.get("determination") == document.determination_id]
        if agent:
            event = agent[-1]
            received = Delivery(event.on_date, event.data.get("by"), event.data.get("at"), event=event.seq)
            deadline = agent_deadline(with_particulars(ledger, contract), event.on_date)  # a PRC schedule given
    return LetterState(document, year_of_document(ledger, document), approval, final, index,
                       final_fields(ledger, final) if final is not None else (), signatures, sent, received,
                       deadline)


def _events(ledger: Ledger) -> dict[str, list[Event]]:
    kinds = ("document_signed", "letter_sent", "letter_received", "documents_received_by_agent")
    found: dict[str, list[Event]] = {kind: [] for kind in kinds}
    for event in ledger.events(kinds=kinds):
        found[event.kind].append(event)
    return found


def letter_states(ledger: Ledger, contract: Contract) -> dict[int, LetterState]:
    """Every current document's state, by document id (the Documents and Year pages)."""
    finals, events = _finals(ledger), _events(ledger)
    return {document.id: _state(ledger, contract, document, finals, events)
            for document in ledger.documents(current_only=True)}


def letter_by_id(ledger: Ledger, contract: Contract, document_id: int) -> LetterState | None:
    document = next((d for d in ledger.documents() if d.id == document_id), None)
    if document is None:
        return None
    return _state(ledger, contract, document, _finals(ledger), _events(ledger))


def letter_for(ledger: Ledger, contract: Contract, *, year: int, kind: str) -> LetterState:
    """The current letter of `kind` for `year`; a LetterError when there is none."""
    documents = [d for d in ledger.documents(current_only=True) if d.kind == kind and
                 year_of_document(ledger, d) == year]
    if not documents:
        kinds = sorted({d.kind for d in ledger.documents(current_only=True) if year_of_document(ledger, d) == year})
        offered = f"; year {year} has {', '.join(kinds)}" if kinds else f"; year {year} has no documents yet"
        raise LetterError(f"year {year} has no current {kind}{offered}")
    return _state(ledger, contract, documents[-1], _finals(ledger), _events(ledger))


def signable(letter: LetterState) -> ApprovedFile:
    """The letter's approved final, when it may be signed, sent or received; else a LetterError saying why."""
    document = letter.document
    if document.superseded_by is not None:
        raise LetterError(f"this {document.kind} was superseded by a later version; use the current one")
    if letter.final is None:
        raise LetterError(f"the {document.kind.replace('-', ' ')} of year {letter.year} is not approved yet: an "
                          "approver other than its preparer approves it first, then its final is signed")
    return letter.final
