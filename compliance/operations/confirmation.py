"""Confirmation by hand, with four eyes, of what a report could not prove.

The extractor accepts a figure only when the report proves it; otherwise the report `needs_review`, each
problem naming the field it leaves unproven (extract.problems.CONFIRMABLE). Here a person proves those fields
instead, and a second person checks them (the acts are in operations.confirming; here is what a report
leaves to confirm and what was recorded):

1. a preparer looks at the page and *types* each unproven field as read (`confirm`). The revenue figure is
   typed blind, as printed in the statement's unit: a figure that differs from every reading the product
   has is refused with both shown; a figure the product did not find at all is typed with its page;
2. an approver other than that preparer countersigns (`countersign`), writing a reason where the SPA needs
   one (NEEDS_APPROVER_REASON), or sends it back (`send_back`);
3. only then the report decides its year like an accepted one (`in_force`, used by operations.planning),
   its confirmed fields laid over what was read (`confirmed_extraction`);
4. an approver may withdraw a confirmation in force (`withdraw`): every determination that relied on the
   report, and its documents, are withdrawn with it.

What is never confirmed away: a rejected file, and a problem outside CONFIRMABLE (another entity, period or
currency needs the contract's terms, not a reading of the page). Every step is an event in the hash chain
with who did it, when, and for each field the value, the page and what the product had read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from compliance.extract.model import FileStatus
from compliance.extract.numbers import parse_amount, unit_of_label
from compliance.extract.problems import CONFIRMABLE, NEEDS_APPROVER_REASON
from compliance.ledger import Ledger

# The fields a person may confirm, in the order they are checked against the report, with their labels.
FIELD_LABELS: dict[str, str] = {
    "operating_revenue": "Operating revenue (营业收入)",
    "unit": "Unit printed",
    "currency": "Currency",
    "entity": "Entity",
    "period_start": "Period from",
    "period_end": "Period to",
    "auditor": "Accounting firm",
    "opinion": "Opinion",
    "report_date": "Report date",
    "report_number": "Report number",
}
AWAITING = "awaiting_countersignature"
IN_FORCE = "in_force"
SENT_BACK = "sent_back"
WITHDRAWN = "withdrawn"


# --- what a report leaves to confirm -------------------------------------------------------------------
@dataclass(frozen=True)
class ToConfirm:
    field: str
    label: str
    problems: tuple[str, ...]  # the codes that leave it unproven
    read_as: str | None  # what the product read (shown for every field but the figure, which is typed blind)
    readings: tuple[Decimal, ...]  # the figure only: every amount the product read, in yuan
    page: int | None  # where the product read it, when it knows
    reasons_needed: tuple[str, ...]  # what the countersigning approver must write (NEEDS_APPROVER_REASON)


@dataclass(frozen=True)
class Confirmable:
    fields: tuple[ToConfirm, ...]
    blockers: tuple[str, ...]  # why the report cannot be confirmed by hand at all, one sentence each

    @property
    def possible(self) -> bool:
        return not self.blockers and bool(self.fields)


_PAGE = re.compile(r"page (\d+)")


def _page_of(extraction: dict, key: str) -> int | None:
    if key == "operating_revenue":
        evidence = extraction.get("evidence")
        if isinstance(evidence, dict) and isinstance(evidence.get("page"), int):
            return evidence["page"]
        key = "revenue"
    found = _PAGE.search(str((extraction.get("sources") or {}).get(key, "")))
    return int(found[1]) if found else None


def _figure_readings(extraction: dict, problems: list[dict]) -> tuple[Decimal, ...]:
    """Every amount the product read for the revenue, in yuan: the figure, the figures of the problems (two
    lines, the audit text's own statement) and OCR's second reading of the line."""
    found: set[Decimal] = set()
    if extraction.get("operating_revenue") is not None:
        found.add(Decimal(str(extraction["operating_revenue"])))
    for problem in problems:
        found.update(Decimal(reading) for reading in problem.get("readings") or ())
    second = ((extraction.get("ocr") or {}).get("operating_revenue") or {}).get("second_reading") or {}
    unit = unit_of_label(str(extraction.get("unit")))
    amount = parse_amount(str(second.get("text", ""))) if second else None
    if amount is not None and unit is not None:
        found.add(amount * unit.multiplier)
    return tuple(sorted(found))


def to_confirm(extraction: dict) -> Confirmable:
    """The fields of a recorded extraction that a person must confirm, and anything that forbids it."""
    status = extraction.get("status")
    problems = [p for p in extraction.get("problems", []) if isinstance(p, dict)]
    if status == FileStatus.REJECTED:
        first = next((p.get("message") for p in problems if p.get("severity") == "reject"), "it cannot be read")
        return Confirmable((), (f"The file was rejected and cannot be confirmed by hand: {first}",))
    if status != FileStatus.NEEDS_REVIEW:
        return Confirmable((), ("The report was accepted: it proves every field, there is nothing to confirm.",))
    blockers: list[str] = []
    codes_of: dict[str, list[str]] = {}
    for problem in problems:
        code = str(problem.get("code"))
        if problem.get("severity") != "review":
            continue
        if code not in CONFIRMABLE:
            blockers.append(f"{problem.get('message')} This cannot be confirmed by hand ({code}).")
            continue
        fields = CONFIRMABLE[code] or ((str(problem["field"]),) if problem.get("field") else ())
        if not fields or any(name not in FIELD_LABELS for name in fields):
            blockers.append(f"{problem.get('message')} This cannot be confirmed by hand ({code}).")
            continue
        for name in fields:
            codes_of.setdefault(name, []).append(code)
    rows = []
    for name, label in FIELD_LABELS.items():
        if name not in codes_of:
            continue
        codes = tuple(dict.fromkeys(codes_of[name]))
        read = extraction.get(name)
        rows.append(ToConfirm(
            name, label, codes, None if name == "operating_revenue" or read is None else str(read),
            _figure_readings(extraction, problems) if name == "operating_revenue" else (),
            _page_of(extraction, name), tuple(NEEDS_APPROVER_REASON[c] for c in codes if c in NEEDS_APPROVER_REASON)))
    return Confirmable(tuple(rows), tuple(blockers))


# --- the confirmations recorded ------------------------------------------------------------------------
@dataclass(frozen=True)
class Confirmation:
    report: str
    seq: int  # the `confirmed_by_hand` event
    year: int | None  # the Assessment Year the report is read as, with the confirmed period
    confirmed_by: str
    confirmed_on: dt.date
    fields: dict[str, dict[str, Any]]  # field -> value, typed, page, read_as (as recorded)
    state: str = AWAITING
    countersigned_by: str | None = None
    countersigned_on: dt.date | None = None
    approver_reason: str | None = None
    closed_by: str | None = None  # who sent it back or withdrew it
    closed_on: dt.date | None = None
    closed_reason: str | None = None
    events: tuple[int, ...] = ()  # its events, in order

    @property
    def in_force(self) -> bool:
        return self.state == IN_FORCE

    def value(self, name: str) -> str | None:
        entry = self.fields.get(name)
        return entry.get("value") if entry else None

    @property
    def summary(self) -> dict[str, Any]:
        """What the letters and summary.json state of it."""
        return {
            "fields": {name: {"label": FIELD_LABELS[name], **self.fields[name]}
                       for name in FIELD_LABELS if name in self.fields},  # in the order a person checks them
            "confirmed_by": self.confirmed_by, "confirmed_on": self.confirmed_on.isoformat(),
            "countersigned_by": self.countersigned_by,
            "countersigned_on": self.countersigned_on.isoformat() if self.countersigned_on else None,
            "approver_reason": self.approver_reason, "event": self.seq, "state": self.state,
        }


_KINDS = ("confirmed_by_hand", "confirmation_countersigned", "confirmation_sent_back", "confirmation_withdrawn")


def confirmations(ledger: Ledger, report: str | None = None) -> list[Confirmation]:
    """Every confirmation recorded (of `report` only, when given), oldest first, each in its present state."""
    found: dict[int, Confirmation] = {}
    for event in ledger.events(kinds=_KINDS):
        data = event.data
        if report is not None and data.get("report") != report:
            continue
        if event.kind == "confirmed_by_hand":
            found[event.seq] = Confirmation(data["report"], event.seq, event.year, data["by"], event.on_date,
                                            data["fields"], events=(event.seq,))
            continue
        current = found.get(data.get("confirmation"))
        if current is None:
            continue
        done: dict[str, Any] = {"events": (*current.events, event.seq)}
        if event.kind == "confirmation_countersigned":
            done.update(state=IN_FORCE, countersigned_by=data["by"], countersigned_on=event.on_date,
                        approver_reason=data.get("reason"))
        else:
            done.update(state=SENT_BACK if event.kind == "confirmation_sent_back" else WITHDRAWN,
                        closed_by=data["by"], closed_on=event.on_date, closed_reason=data.get("reason"))
        found[current.seq] = replace(current, **done)
    return list(found.values())


def latest_confirmation(ledger: Ledger, report: str) -> Confirmation | None:
    found = confirmations(ledger, report)
    return found[-1] if found else None


def in_force(ledger: Ledger) -> dict[str, Confirmation]:
    """The reports confirmed by hand and countersigned, not withdrawn: sha256 -> its confirmation."""
    return {c.report: c for c in confirmations(ledger) if c.in_force}


def confirmed_extraction(ledger: Ledger, sha256: str) -> dict | None:
    """The recorded extraction with the confirmed fields laid over what was read, and `confirmed_by_hand`
    saying who confirmed what, when a confirmation is in force; else the extraction as recorded."""
    extraction = ledger.extraction(sha256)
    if extraction is None:
        return None
    confirmation = next((c for c in reversed(confirmations(ledger, sha256)) if c.in_force), None)
    if confirmation is None:
        return extraction
    overlaid = dict(extraction)
    for name, entry in confirmation.fields.items():
        overlaid[name] = entry["value"]
    overlaid["assessment_year"] = confirmation.year
    overlaid["confirmed_by_hand"] = confirmation.summary
    return overlaid


def report_revenue(ledger: Ledger, sha256: str) -> Decimal | None:
    """The operating revenue a report gives the year: as read, or as confirmed by hand (in yuan, exact)."""
    extraction = confirmed_extraction(ledger, sha256)
    if extraction is None or extraction.get("operating_revenue") is None:
        return None
    return Decimal(str(extraction["operating_revenue"]))
