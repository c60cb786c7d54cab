"""What is due, in plain words: for each Assessment Year its SPA 5.1 release date, the days left, what holds it up
and the latest days to send its joint instruction so that the escrow agent still has its ten PRC business days
(EA 3.2), by courier (deemed given on the third day, SPA 11.3) or by e-mail (rules/sending). The desk's banner
(the next year not yet released), `compliance status` and `compliance deadlines` print these same dates.

    each year, from the ledger                 years_due(ledger, contract, as_of) -> [YearDue]
    the year the banner names                  next_due([YearDue]) -> YearDue | None
    each year's sending days, without a ledger sending_by_year(contract, calendar) -> {year: Sending}
    the same, with `deadlines`' calendar files  sending_table(contract, calendar_files=...)

A year whose PRC holiday schedule is not known gets no sending day: the sentence says it cannot be computed until
that year's schedule is given (the calendar never guesses). The year's `standing` is the badge a page shows for
it: a year past its release date and not released is never shown as done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from compliance.contract import Contract
from compliance.documents.words import long_date
from compliance.ledger import Ledger
from compliance.operations.access import open_to_read
from compliance.operations.particulars import with_particulars
from compliance.operations.planning import documents_received_on
from compliance.operations.status import YearStatusRow, year_statuses
from compliance.rules.business_days import (
    BusinessCalendar,
    ScheduleNotPublished,
    agent_transfer_deadline,
    load_calendar,
)
from compliance.rules.sending import latest_sending_days


@dataclass(frozen=True)
class Sending:
    """The latest days to send a year's joint instruction, or why they cannot be computed yet."""

    release_due: dt.date  # SPA 5.1
    courier_by: dt.date | None
    email_by: dt.date | None
    missing_year: int | None = None  # the year whose PRC holiday schedule is not known

    @property
    def known(self) -> bool:
        return self.courier_by is not None

    def words(self, as_of: dt.date | None = None) -> str:
        """'send the instruction by courier by 14 January or by e-mail by 15 January'."""
        if not self.known:
            return (f"the latest day to send the instruction cannot be computed until the {self.missing_year} PRC "
                    "holiday schedule is given")
        text = (f"send the instruction by courier by {_day(self.courier_by, self.release_due)} or by e-mail by "
                f"{_day(self.email_by, self.release_due)}")
        if as_of is not None and as_of > self.email_by:
            text += " (both days have passed: the agent no longer has its ten business days before the release date)"
        elif as_of is not None and as_of > self.courier_by:
            text += " (too late for the courier: send it by e-mail)"
        return text


def _day(day: dt.date, beside: dt.date) -> str:
    """'14 January' in the release date's year, '30 December 2026' otherwise."""
    return long_date(day) if day.year != beside.year else f"{day.day} {long_date(day).split(' ')[1]}"


def days_words(days_left: int) -> str:
    if days_left > 0:
        return f"{days_left:,} day{'s' if days_left != 1 else ''} left"
    if days_left == 0:
        return "due today"
    return f"{-days_left:,} day{'s' if days_left != -1 else ''} overdue"


def sending_days(contract: Contract, calendar: BusinessCalendar, release_due: dt.date) -> Sending:
    try:
        found = latest_sending_days(contract, calendar, release_due)
    except ScheduleNotPublished as missing:
        return Sending(release_due, None, None, missing.year)
    return Sending(release_due, found.courier_by, found.email_by)


@dataclass(frozen=True)
class Standing:
    """A year's badge: its words and its tone ("good", "pending" or "late")."""

    text: str
    tone: str


@dataclass(frozen=True)
class YearDue:
    year: int
    release_due: dt.date  # SPA 5.1
    days_left: int  # negative when overdue
    released: bool  # the release the current instruction states is recorded in full
    blocker: str  # what holds the year up, in plain words ("" once released)
    sending: Sending | None  # None once the agent holds the documents, or the year is released
    standing: Standing

    def as_json(self, as_of: dt.date) -> dict:
        sending = self.sending
        return {"release_due": self.release_due.isoformat(), "days_left": self.days_left, "released": self.released,
                "blocker": self.blocker or None, "standing": self.standing.text,
                "send_by_courier": sending.courier_by.isoformat() if sending and sending.known else None,
                "send_by_email": sending.email_by.isoformat() if sending and sending.known else None,
                "calendar_missing_year": sending.missing_year if sending else None,
                "sentence": self.sentence(as_of)}

    def sentence(self, as_of: dt.date | None = None) -> str:
        """'Year 1: release due 29 January 2027 (9 days left); send the instruction by courier by 14 January or by
        e-mail by 15 January; waiting for the auditor's report'."""
        if self.released:
            return f"Year {self.year}: released; it was due {long_date(self.release_due)}"
        parts = [f"Year {self.year}: release due {long_date(self.release_due)} ({days_words(self.days_left)})"]
        if self.sending is not None:
            parts.append(self.sending.words(as_of))
        parts.append(self.blocker)
        return "; ".join(part for part in parts if part)


def _blocker(row: YearStatusRow, received_on: dt.date | None, agent_until: str) -> str:
    status, approval = str(row.status), row.approval.get("state")
    if received_on is not None:
        return f"the escrow agent received the documents on {long_date(received_on)}; {agent_until}"
    if status == "awaiting_report":
        return "waiting for the auditor's report"
    if status == "needs_review":
        return "the auditor's report needs review: its unproven figures are to be confirmed by hand"
    if status == "conflicting_reports":
        return "two accepted reports disagree: choose the one that decides the year"
    if status.startswith("waiting_for_year"):
        earlier = status.rsplit("_", 1)[-1]
        return f"waiting for year {earlier} to be decided" if earlier.isdigit() else "waiting for an earlier year"
    if status == "to_issue":
        return "the documents are to be prepared"
    if status == "changed":
        return "the figures changed: the documents are to be prepared again"
    if approval == "open_items":
        count = sum(len(items) for items in row.open_items.values())
        return f"{count} open item{'s' if count != 1 else ''} to fill"
    if approval == "awaiting_approval":
        return "awaiting an approver"
    if approval == "approved":
        return "approved: the letters are to be signed and sent to the escrow agent"
    return row.note or status.replace("_", " ")


def _standing(row: YearStatusRow, released: bool, blocker: str, too_late_to_send: bool) -> Standing:
    if released:
        return Standing("released", "good")
    approval = row.approval.get("state")
    words = {"awaiting_report": "awaiting report", "needs_review": "needs review", "conflicting_reports":
             "reports conflict", "to_issue": "ready to prepare", "changed": "changed: prepare again"}
    text = words.get(str(row.status)) or ("waiting for an earlier year" if str(row.status).startswith("waiting")
                                          else None)
    if text is None:
        text = {"open_items": "open items", "awaiting_approval": "awaiting approval",
                "approved": "approved, not yet released"}.get(approval, "documents prepared")
    if blocker.startswith("the escrow agent received"):
        text = "with the escrow agent"
    if row.days_left < 0:
        return Standing(f"overdue: {text}", "late")
    if too_late_to_send:  # the agent can no longer be given its ten business days before the release date
        return Standing(f"late to send: {text}", "late")
    return Standing(text, "good" if approval == "approved" else "pending")


def year_due(contract: Contract, calendar: BusinessCalendar, row: YearStatusRow, as_of: dt.date,
             received_on: dt.date | None = None) -> YearDue:
    released = row.release_shares is not None and row.released_shares >= row.release_shares
    agent_until = ""
    if received_on is not None:
        try:
            ends = agent_transfer_deadline(contract, calendar, received_on)  # EA 3.2
            agent_until = f"its ten business days end on {long_date(ends)}"
        except ScheduleNotPublished as missing:
            agent_until = (f"the end of its ten business days cannot be computed until the {missing.year} PRC "
                           "holiday schedule is given")
    blocker = "" if released else _blocker(row, received_on, agent_until)
    sending = None if released or received_on is not None else sending_days(contract, calendar, row.deadline)
    too_late = sending is not None and sending.known and as_of > sending.email_by
    return YearDue(row.year, row.deadline, row.days_left, released, blocker, sending,
                   _standing(row, released, blocker, too_late))


def years_due(ledger: Ledger, contract: Contract, as_of: dt.date, *, rows: list[YearStatusRow] | None = None,
              calendar: BusinessCalendar | None = None) -> list[YearDue]:
    """Each Assessment Year as due on `as_of` (`rows`: year_statuses already read, to read them once), with the
    particulars approved in the ledger laid over the contract (a PRC holiday schedule given as one counts)."""
    contract = with_particulars(ledger, contract)
    rows = rows if rows is not None else year_statuses(ledger, contract, as_of)
    calendar = calendar or load_calendar(contract)
    return [year_due(contract, calendar, row, as_of, documents_received_on(ledger, row.year)) for row in rows]


def next_due(dues: list[YearDue]) -> YearDue | None:
    """The first year not yet released: the deadline a page's banner names (None once every year is released)."""
    return next((due for due in dues if not due.released), None)


def ledger_due(path: Path, contract: Contract, as_of: dt.date) -> list[YearDue]:
    """years_due for the ledger at `path` (`compliance status`)."""
    with open_to_read(path, contract) as ledger:
        return years_due(ledger, contract, as_of)


def contract_with_particulars(path: Path, contract: Contract) -> Contract:
    """The contract with the particulars approved in the ledger at `path` laid over it (`deadlines --db`)."""
    with open_to_read(path, contract) as ledger:
        return with_particulars(ledger, contract)


def sending_by_year(contract: Contract, calendar: BusinessCalendar) -> dict[int, Sending]:
    """Each year's latest sending days, from the contract and the calendar alone (`compliance deadlines`)."""
    return {year.number: sending_days(contract, calendar, contract.release_deadline(year.number))
            for year in contract.assessment_years}


def sending_table(contract: Contract, *, calendar_files=(), override_published: bool = False) -> dict[int, Sending]:
    """sending_by_year with the calendar `compliance deadlines` uses (its --calendar files)."""
    return sending_by_year(contract, load_calendar(contract, calendar_files, override_published=override_published))
