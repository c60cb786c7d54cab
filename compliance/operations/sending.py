"""A signed letter sent to its addressee, and its receipt: the desk's Sent and Received forms, `compliance
send` and `compliance received`. Each is an act of an authenticated person (a preparer or an approver),
recorded in the hash chain with who recorded it and when, beside the day it happened.

- record_sent: how (courier, e-mail, by hand), the day, and a reference (the courier's waybill, the e-mail's
  subject). Only a letter whose every signature field the ledger records signed; once.
- record_letter_received: the day the addressee received it; not before it was sent. For the joint
  instruction this is the escrow agent's receipt of EA 3.1 (`documents_received_by_agent`, through
  operations.recording.record_received, the event deadlines and penalties read): it starts the agent's EA 3.2
  window of ten PRC business days (operations.letters.agent_deadline).

A refusal is a LetterError with one plain sentence; nothing is written then.
"""

from __future__ import annotations

import datetime as dt

from compliance.contract import Contract
from compliance.ledger import Event, Ledger
from compliance.operations.accounts import AccountError, check_may
from compliance.operations.letters import JOINT_INSTRUCTION, SENT_BY, LetterError, LetterState, party_of, signable
from compliance.operations.recording import RecordError, record_received

REFERENCE_CHARS = 200


def _check(ledger: Ledger, contract: Contract, by: str, on: dt.date, what: str) -> None:
    try:
        check_may(ledger, by, "record")
    except AccountError as exc:
        raise LetterError(str(exc)) from None
    try:
        contract.check_within_horizon(on, what)
    except ValueError as exc:
        raise LetterError(str(exc)) from None


def _name(letter: LetterState) -> str:
    return f"year {letter.year}'s {letter.document.kind.replace('-', ' ')}"


def record_sent(ledger: Ledger, contract: Contract, letter: LetterState, *, how: str, on: dt.date,
                reference: str | None, by: str, at: dt.datetime) -> Event:
    """Record that `letter` was sent `how` on `on` (reference: the waybill or the e-mail), as `by` at `at`."""
    _check(ledger, contract, by, on, "The day it was sent")
    final = signable(letter)
    how = how.strip().lower().replace("e-mail", "email")
    if how not in SENT_BY:
        raise LetterError(f"'{how}' is not a way of sending; choose {', '.join(SENT_BY)}")
    reference = " ".join((reference or "").split()) or None
    if reference is not None and len(reference) > REFERENCE_CHARS:
        raise LetterError(f"the reference is {len(reference)} characters long; give at most {REFERENCE_CHARS}")
    if not letter.fully_signed:
        unsigned = [party_of(f.name) for f in letter.fields if f.name not in letter.signed_fields]
        missing = " and ".join(unsigned) if unsigned else "the parties"
        raise LetterError(f"{_name(letter)} is not signed by {missing} yet; record the signed copy first")
    if letter.sent is not None:
        raise LetterError(f"{_name(letter)} is already recorded as sent on {letter.sent.on} "
                          f"({SENT_BY.get(letter.sent.how or '', letter.sent.how)}, by {letter.sent.by})")
    last_signed = max((s.on for s in letter.signatures if s.on is not None), default=None)
    if last_signed is not None and on < last_signed:
        raise LetterError(f"{_name(letter)} cannot have been sent on {on}: its last signature is recorded on "
                          f"{last_signed}")
    with ledger.transaction():
        return ledger.add_event("letter_sent", year=letter.year, on_date=on, data={
            "document": letter.document.id, "document_id": letter.document.document_id, "kind": letter.document.kind,
            "how": how, "reference": reference,
            "signed_sha256": letter.latest_copy.sha256 if letter.latest_copy else None,  # None: no field to sign
            "final_sha256": final.pdf_sha256, "by": by, "at": at.isoformat(timespec="seconds")})


def record_letter_received(ledger: Ledger, contract: Contract, letter: LetterState, *, on: dt.date, by: str,
                           at: dt.datetime) -> Event:
    """Record that the addressee received `letter` on `on`, as `by` at `at` (the joint instruction: the escrow
    agent's receipt, which starts EA 3.2)."""
    _check(ledger, contract, by, on, "The day it was received")
    signable(letter)
    if letter.received is not None:
        raise LetterError(f"{_name(letter)} is already recorded as received on {letter.received.on}")
    if letter.sent is None:
        raise LetterError(f"{_name(letter)} is not recorded as sent yet; record how and when it was sent first")
    if on < letter.sent.on:
        raise LetterError(f"{_name(letter)} cannot have been received on {on}, before it was sent "
                          f"({letter.sent.on})")
    details = {"document": letter.document.id, "document_id": letter.document.document_id,
               "kind": letter.document.kind, "at": at.isoformat(timespec="seconds")}
    if letter.document.kind == JOINT_INSTRUCTION:
        try:
            return record_received(ledger, contract, year=letter.year, on=on, by=by, details=details)
        except RecordError as exc:
            raise LetterError(str(exc)) from None
    with ledger.transaction():
        return ledger.add_event("letter_received", year=letter.year, on_date=on, data={**details, "by": by})
