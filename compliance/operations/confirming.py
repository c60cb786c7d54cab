"""The acts of a confirmation by hand (operations.confirmation says what they are for): a preparer confirms
the fields a report left unproven, an approver other than them countersigns or sends it back, an approver
withdraws one in force. Each is proven (a password, or the desk's sign-in), checked, then one event in the
hash chain; a refusal is a ConfirmationError with one plain sentence, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from compliance.contract import Contract
from compliance.extract.checks import target_names
from compliance.extract.numbers import UNITS, parse_amount
from compliance.extract.problems import NEEDS_APPROVER_REASON
from compliance.ledger import Event, Ledger
from compliance.operations.accounts import AccountError, check_may, proven
from compliance.operations.confirmation import (
    AWAITING,
    FIELD_LABELS,
    Confirmable,
    Confirmation,
    ToConfirm,
    latest_confirmation,
    to_confirm,
)
from compliance.values.money import cents, group
from compliance.values.text import compact, name_key

OPINIONS = {"unqualified": "unqualified", "无保留意见": "unqualified", "标准无保留意见": "unqualified",
            "qualified": "qualified", "保留意见": "qualified", "adverse": "adverse", "否定意见": "adverse",
            "disclaimer": "disclaimer", "无法表示意见": "disclaimer"}
UNIT_NAMES = {**{label: label for label in UNITS}, "yuan": "元", "1": "元", "thousand": "千元", "thousands": "千元",
              "ten thousand": "万元", "million": "百万元", "millions": "百万元", "hundred million": "亿元"}
CURRENCIES = {"CNY": "CNY", "RMB": "CNY", "人民币": "CNY", "人民币元": "CNY"}
MAX_TEXT = 200  # a firm's name, a report number: one line
MAX_REASON = 500



class ConfirmationError(ValueError):
    """A confirmation that cannot be made as asked; str() is one plain sentence. Nothing is written."""


def find_report(ledger: Ledger, wanted: str) -> str:
    """The recorded report whose sha256 is or starts with `wanted` (6+ characters)."""
    key = (wanted or "").strip().lower()
    matches = [r["sha256"] for r in ledger.reports() if r["sha256"].startswith(key)] if len(key) >= 6 else []
    if len(matches) != 1:
        problem = "matches more than one recorded report" if matches else (
            "is not the sha256 (at least 6 characters) of a recorded report")
        raise ConfirmationError(f"--report {wanted} {problem}")
    return matches[0]


def _person(ledger: Ledger, name: str, password: str | None, action: str) -> str:
    """Who acts, proven by their password, or signed in at the desk (`password` None: the desk checked it)."""
    if not ledger.users():
        raise ConfirmationError("confirming by hand needs two authenticated people: this ledger has no accounts "
                                "yet (an administrator adds them first)")
    try:
        if password is None:
            return check_may(ledger, name, action).name
        return proven(ledger, name, password, action).name
    except AccountError as exc:
        raise ConfirmationError(str(exc)) from None


def _text(value: str, what: str, limit: int = MAX_TEXT) -> str:
    text = " ".join(str(value or "").split())
    if not text:
        raise ConfirmationError(f"{what}: nothing was typed")
    if len(text) > limit or any(ord(char) < 32 for char in text):
        raise ConfirmationError(f"{what}: type one line of at most {limit} characters")
    return text


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(_text(value, what).replace("/", "-"))
    except ValueError:
        raise ConfirmationError(f"{what}: '{value}' is not a date; type it as YYYY-MM-DD") from None


def _typed_values(contract: Contract, extraction: dict, wanted: Confirmable, typed: dict[str, str],
                  pages: dict[str, int]) -> tuple[dict[str, dict[str, Any]], int]:
    """Each typed value checked and in its recorded form, and the Assessment Year the report is read as."""
    names = {row.field for row in wanted.fields}
    unknown = sorted(set(typed) - names)
    if unknown:
        proven_ones = ", ".join(FIELD_LABELS.get(n, n) for n in unknown)
        raise ConfirmationError(f"{proven_ones}: the report proves this, or it is not a field; confirm only "
                                f"{', '.join(row.label for row in wanted.fields)}")
    missing = [row.label for row in wanted.fields if not str(typed.get(row.field) or "").strip()]
    if missing:
        raise ConfirmationError(f"type every field to confirm: {', '.join(missing)} is missing")
    values: dict[str, Any] = {}
    for row in wanted.fields:
        raw = str(typed[row.field])
        if row.field == "unit":
            unit = UNIT_NAMES.get(compact(raw).lower()) or UNIT_NAMES.get(raw.strip().lower())
            if unit is None:
                raise ConfirmationError(f"Unit: '{raw}' is not a unit; type one of {', '.join(UNITS)}")
            values["unit"] = unit
        elif row.field == "currency":
            code = CURRENCIES.get(compact(raw).upper()) or CURRENCIES.get(compact(raw))
            if code != contract.revenue.currency:
                raise ConfirmationError(f"Currency: '{raw}' is not {contract.revenue.currency}, the currency the "
                                        "contract measures revenue in (SPA 4.1); another currency needs the "
                                        "contract's terms, not a confirmation")
            values["currency"] = code
        elif row.field in ("period_start", "period_end", "report_date"):
            values[row.field] = _date(raw, row.label)
        elif row.field == "opinion":
            opinion = OPINIONS.get(compact(raw).lower()) or OPINIONS.get(compact(raw))
            if opinion is None:
                raise ConfirmationError(f"Opinion: '{raw}' is not an opinion; type unqualified, qualified, adverse "
                                        "or disclaimer")
            values["opinion"] = opinion
        elif row.field == "entity":
            entity = _text(raw, row.label)
            if name_key(entity) not in {name_key(name) for name in target_names(contract)}:
                raise ConfirmationError(f"Entity: '{entity}' is not the target company ({contract.target_company.name}"
                                        "); another company's report cannot be confirmed by hand")
            values["entity"] = entity
        elif row.field != "operating_revenue":
            values[row.field] = _text(raw, row.label)
    start = values.get("period_start") or _iso(extraction.get("period_start"))
    end = values.get("period_end") or _iso(extraction.get("period_end"))
    year = contract.year_for_period(start, end) if start and end else None
    if year is None:
        raise ConfirmationError(f"the period {start} to {end} is not an Assessment Year (1 December to 30 November, "
                                "SPA 4.1); another period needs the contract's terms, not a confirmation")
    signed = values.get("report_date") or _iso(extraction.get("report_date"))
    if signed is not None and not end < signed <= end + dt.timedelta(days=366):
        raise ConfirmationError(f"Report date: {signed} is not within the year after the period ended ({end}); "
                                "check the date on the page")
    recorded: dict[str, dict[str, Any]] = {}
    for row in wanted.fields:
        page = pages.get(row.field) or row.page
        if page is None or page < 1:
            raise ConfirmationError(f"{row.label}: say on which page of the report you read it")
        entry: dict[str, Any] = {"typed": _text(typed[row.field], row.label), "page": page,
                                 "problems": list(row.problems)}
        if row.field == "operating_revenue":
            entry.update(_figure(values.get("unit") or extraction.get("unit"), typed[row.field], row))
        else:
            value = values[row.field]
            entry["value"] = value.isoformat() if isinstance(value, dt.date) else value
            entry["read_as"] = row.read_as
        recorded[row.field] = entry
    return recorded, year.number


def _iso(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _figure(unit_label: object, raw: str, row: ToConfirm) -> dict[str, Any]:
    """The revenue as typed (as printed, in the statement's unit), in yuan, checked against every reading."""
    unit = UNITS.get(str(unit_label)) if unit_label else None
    if unit is None:
        raise ConfirmationError("Operating revenue: the statement's unit is not known; type the unit printed too")
    amount = parse_amount(raw)
    if amount is None or amount < 0:
        raise ConfirmationError(f"Operating revenue: '{raw.strip()}' is not an amount; type the figure as printed, "
                                "e.g. 731,250,000.00")
    yuan = amount * unit.multiplier
    if row.readings and yuan not in row.readings:
        read = " or ".join(f"{group(reading)} yuan" for reading in row.readings)
        raise ConfirmationError(f"Operating revenue: you typed {raw.strip()} {unit.label} ({group(yuan)} yuan), "
                                f"but the report was read as {read}; check the page again (if the page shows "
                                "neither, ask for the auditor's digital PDF)")
    return {"value": cents(yuan), "unit": unit.label, "read_as": [cents(r) for r in row.readings]}


def confirm(ledger: Ledger, contract: Contract, *, report: str, values: dict[str, str], pages: dict[str, int],
            by: str, password: str | None, on: dt.date) -> Event:
    """A preparer's confirmation of every field the report left unproven, awaiting a countersignature."""
    who = _person(ledger, by, password, "prepare")
    sha = find_report(ledger, report)
    extraction = ledger.extraction(sha) or {}
    wanted = to_confirm(extraction)
    if wanted.blockers:
        raise ConfirmationError(wanted.blockers[0])
    if not wanted.fields:
        raise ConfirmationError("nothing in this report needs confirming by hand")
    latest = latest_confirmation(ledger, sha)
    if latest is not None and latest.state == AWAITING:
        raise ConfirmationError(f"{latest.confirmed_by} already confirmed this report on {latest.confirmed_on}; an "
                                "approver countersigns it or sends it back first")
    if latest is not None and latest.in_force:
        raise ConfirmationError(f"this report's confirmation by {latest.confirmed_by}, countersigned by "
                                f"{latest.countersigned_by}, is in force; an approver withdraws it first")
    fields, year = _typed_values(contract, extraction, wanted, values, pages)
    with ledger.transaction():
        return ledger.add_event("confirmed_by_hand", year=year, on_date=on, data={
            "report": sha, "name": ledger.first_name(sha), "by": who, "fields": fields})


def _awaiting(ledger: Ledger, report: str) -> tuple[str, Confirmation]:
    sha = find_report(ledger, report)
    latest = latest_confirmation(ledger, sha)
    if latest is None or latest.state != AWAITING:
        raise ConfirmationError("no confirmation of this report awaits a countersignature")
    return sha, latest


def countersign(ledger: Ledger, *, report: str, by: str, password: str | None, on: dt.date,
                reason: str | None = None) -> Event:
    """An approver other than the preparer checks each confirmed field against its evidence and signs for it;
    the report then decides its year."""
    who = _person(ledger, by, password, "approve")
    sha, pending = _awaiting(ledger, report)
    if who == pending.confirmed_by:
        raise ConfirmationError(f"{who} confirmed these fields; a second person, an approver, must countersign")
    needed = [text for entry in pending.fields.values() for code in entry.get("problems", [])
              for text in [NEEDS_APPROVER_REASON.get(code)] if text]
    written = " ".join(str(reason or "").split())
    if needed and not written:
        raise ConfirmationError(f"write the reason with the countersignature: {needed[0]}")
    if len(written) > MAX_REASON:
        raise ConfirmationError(f"the reason has {len(written)} characters; keep it to {MAX_REASON}")
    with ledger.transaction():
        return ledger.add_event("confirmation_countersigned", year=pending.year, on_date=on, data={
            "report": sha, "confirmation": pending.seq, "by": who, **({"reason": written} if written else {})})


def send_back(ledger: Ledger, *, report: str, by: str, password: str | None, on: dt.date, reason: str) -> Event:
    """An approver returns a confirmation to be done again, saying why; nothing is decided by it."""
    who = _person(ledger, by, password, "approve")
    written = _text(reason, "the reason for sending it back", MAX_REASON)
    sha, pending = _awaiting(ledger, report)
    with ledger.transaction():
        return ledger.add_event("confirmation_sent_back", year=pending.year, on_date=on, data={
            "report": sha, "confirmation": pending.seq, "by": who, "reason": written})


def withdraw(ledger: Ledger, *, report: str, by: str, password: str | None, on: dt.date, reason: str) -> Event:
    """An approver withdraws a confirmation in force; every current determination that relied on the report,
    and its documents, are withdrawn with it (the next run decides the years again)."""
    who = _person(ledger, by, password, "approve")
    written = _text(reason, "the reason for withdrawing it", MAX_REASON)
    sha = find_report(ledger, report)
    latest = latest_confirmation(ledger, sha)
    if latest is None or not latest.in_force:
        raise ConfirmationError("this report has no confirmation in force to withdraw")
    relying = [d for d in ledger.determinations() if d.superseded_by is None and sha in d.reports.values()]
    with ledger.transaction():
        return ledger.withdraw("confirmation_withdrawn", year=latest.year, on_date=on, determinations=relying,
                               data={"report": sha, "confirmation": latest.seq, "by": who, "reason": written})
