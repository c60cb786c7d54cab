"""The approval screen's rule: an approver approves a year's letters only after opening each of them at the desk.

A letter is opened when the signed-in person views its page (/documents/N), one of its page images (the Year
page shows each letter's pages full width) or downloads its PDF. The desk keeps what each session's person
opened in that session (sessions.Session.opened: a new sign-in starts with nothing opened), and the Approve
button is refused, naming the letters not yet opened, until every letter of the set was opened.

Downloads are named for what they are: `year-1-joint-instruction-DRAFT-v1.pdf`, `year-1-joint-instruction-FINAL-v2
.pdf` (a letter without a year: `cancellation-instruction-FINAL-v1.pdf`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from compliance.desk.sessions import Session
from compliance.operations.approval import ApprovalState, year_approval
from compliance.operations.facade import Ledger


def note_opened(session: Session, document_id: int) -> None:
    session.opened.add(document_id)


def letter_name(document: Any) -> str:
    """'joint instruction'."""
    return str(document.kind).replace("-", " ")


def unopened(session: Session, drafts: Iterable[Any]) -> list[Any]:
    """The letters of the set (the year's drafts) this session's person has not opened, in the set's order."""
    return [draft for draft in drafts if draft.id not in session.opened]


def not_opened(ledger: Ledger, session: Session, year: int) -> list[Any]:
    """The year's letters awaiting approval that this session's person has not opened (none when the year is not
    awaiting approval or they prepared it: the operation then says why it cannot be approved)."""
    state = year_approval(ledger, year)
    if state.state != ApprovalState.AWAITING or state.prepared_by == session.user:  # refused anyway, and why
        return []
    return unopened(session, state.drafts)


def approval_moment(as_of: dt.date, now: dt.datetime) -> dt.datetime:
    """When an approval is recorded: the desk's as-of date (`--as-of`, else the clock's date) at the clock's time
    of day, so that a desk serving another date approves on that date, never before the report it rests on."""
    return dt.datetime.combine(as_of, now.timetz())


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def refusal(letters: list[Any]) -> str:
    """One plain sentence naming the letters not yet opened."""
    names = [f"the {letter_name(letter)}" for letter in letters]
    return (f"you have not opened {_listed(names)} yet; open each letter (its pages on this page, or its PDF) "
            "before approving")


def download_name(kind: str, year: int | None, version: int, *, final: bool, fmt: str) -> str:
    """'year-1-joint-instruction-DRAFT-v1.pdf', 'year-1-joint-instruction-FINAL-v2.docx'."""
    stem = f"{kind}-{'FINAL' if final else 'DRAFT'}-v{version}.{fmt}"
    return f"year-{year}-{stem}" if year is not None else stem
