"""`compliance status`: each Assessment Year as the ledger stands on a given date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract
from compliance.ledger import Ledger
from compliance.operations.access import open_to_read
from compliance.operations.accrual import accrued_penalty
from compliance.operations.approval import year_approval
from compliance.operations.confirmation import in_force, report_revenue
from compliance.operations.determinations import contract_fingerprint, determination_inputs
from compliance.operations.open_items import recorded_open_items
from compliance.operations.particulars import with_particulars
from compliance.operations.planning import YearStatus, plan_years, releases
from compliance.values.digest import sha256_file
from compliance.values.money import decimal_json, round_cents
from compliance.values.prices import PriceFileError, PriceSeries, load_prices


@dataclass
class YearStatusRow:
    year: int
    status: str  # YearStatus label: issued | to_issue | changed | a YearPlan label
    note: str
    report_name: str | None
    report_sha256: str | None
    revenue: Decimal | None
    release_shares: int | None  # what the current joint instruction states
    documents: list[str]  # current documents' PDF paths, relative to the output folder
    deadline: dt.date  # SPA 5.1
    days_left: int  # deadline - as_of; negative when overdue
    released_shares: int = 0
    last_released_on: dt.date | None = None
    penalty: str | None = None  # SPA 8.2 accrued to the as-of date (USD, to the cent), when prices are known
    penalty_note: str | None = None
    disputes: list[str] = field(default_factory=list)
    over_released: int = 0  # released under earlier instructions beyond what the current one states
    open_items: dict[str, list[str]] = field(default_factory=dict)  # PDF path -> what it lacks (a DRAFT)
    approval: dict = field(default_factory=dict)  # four-eyes: state, prepared_by, approved_by, final files
    signatures: list[dict] = field(default_factory=list)  # per signed letter, in order: field, signer, date, file
    confirmed_by_hand: dict | None = None  # the deciding report's confirmation by hand in force (its summary)

    def to_json(self) -> dict:
        return {
            "year": self.year, "status": self.status, "note": self.note or None,
            "report": {"file": self.report_name, "sha256": self.report_sha256} if self.report_sha256 else None,
            "revenue": decimal_json(self.revenue),
            "release_shares": self.release_shares, "documents": self.documents,
            "deadline": self.deadline.isoformat(), "days_left": self.days_left,
            "released_shares": self.released_shares,
            "last_released_on": self.last_released_on.isoformat() if self.last_released_on else None,
            "penalty": self.penalty, "penalty_note": self.penalty_note,
            "over_released": self.over_released,
            "open_items": [{"document": path, "items": items} for path, items in self.open_items.items()],
            "approval": self.approval, "signatures": self.signatures,
            "confirmed_by_hand": self.confirmed_by_hand,
        }


def year_statuses(ledger: Ledger, contract: Contract, as_of: dt.date, prices=None) -> list[YearStatusRow]:
    """One row per Assessment Year; `prices` (a PriceSeries) adds the penalty accrued by `as_of`."""
    contract = with_particulars(ledger, contract)  # as the run that prepared the documents read it
    plans = plan_years(ledger, contract)
    fingerprint = contract_fingerprint(contract)
    current_docs = ledger.documents(current_only=True)
    open_items = recorded_open_items(ledger)
    confirmed = in_force(ledger)
    rows = []
    for plan in plans:
        determination = ledger.current_determination(plan.year)
        status, note = plan.label, plan.note
        if plan.ready:
            key = determination_inputs(ledger, plans, plan.year).key(fingerprint, contract.default_reading)
            if determination is None:
                status, note = YearStatus.TO_ISSUE, "run `compliance run` to issue its documents"
            elif determination.input_key != key:
                status, note = YearStatus.CHANGED, "its inputs changed; run `compliance run` to issue the next version"
            else:
                status = YearStatus.ISSUED
        sha = plan.report_sha256 or (determination.report_sha256 if determination else None)
        deadline = contract.release_deadline(plan.year)  # SPA 5.1
        found = releases(ledger, plan.year)
        row = YearStatusRow(
            plan.year, status, note, ledger.first_name(sha) if sha else None, sha,
            report_revenue(ledger, sha) if sha else None,
            determination.release_shares if determination else None,
            [d.pdf_path for d in current_docs if d.year == plan.year],
            deadline, (deadline - as_of).days,
            sum(r.shares for r in found), found[-1].on if found else None,
        )
        row.open_items = {path: open_items[path] for path in row.documents if open_items.get(path)}
        row.confirmed_by_hand = confirmed[sha].summary if sha in confirmed else None
        row.approval = year_approval(ledger, plan.year).as_json()
        row.signatures = signatures(ledger, plan.year)
        released = sum(r.shares for r in found)
        if row.release_shares is not None and released > row.release_shares:
            row.over_released = released - row.release_shares
        if prices is not None and determination is not None:
            accrued = accrued_penalty(ledger, contract, determination, as_of, prices)
            row.penalty_note = accrued.problem
            if accrued.amount is not None or accrued.problem is None:
                row.penalty = str(round_cents(accrued.amount.penalty)) if accrued.amount else "0.00"
        rows.append(row)
    return rows


def signatures(ledger: Ledger, year: int) -> list[dict]:
    """Who signed which field of the year's letters, in the order the ledger recorded them."""
    return [{"document_id": e.data["document_id"], "order": e.data["order"], "field": e.data["field"],
             "signer": e.data["signer"], "on": e.on_date.isoformat() if e.on_date else None,
             "file": e.data["signed_file"], "approved": e.data.get("approval") is not None}
            for e in ledger.events(year=year, kinds=("document_signed",))]


@dataclass
class StatusReport:
    """`compliance status`: every year, and which prices file the penalty accrued was computed from."""

    as_of: dt.date
    ledger_path: Path
    years: list[YearStatusRow]
    prices_note: str | None

    def to_json(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "ledger": str(self.ledger_path), "prices_note": self.prices_note,
                "years": [row.to_json() for row in self.years]}


def recorded_prices(ledger: Ledger) -> tuple[PriceSeries | None, str]:
    """The prices file the last `run --prices` used, for the penalty accrued: (its closes or None, a note)."""
    path = ledger.meta("prices_path")
    if path is None:
        return None, "no prices file recorded (run with --prices to see the penalty accrued)"
    try:
        series = load_prices(path)
    except PriceFileError as exc:
        return None, f"penalty not computed: {exc}"
    note = f"prices: {path}"
    if sha256_file(path) != ledger.meta("prices_sha256"):
        note += " (changed since the last run)"
    return series, note


def status_report(path: Path, contract: Contract, as_of: dt.date) -> StatusReport:
    """Each Assessment Year as the ledger at `path` stands on `as_of`, with the penalty accrued when the
    ledger records a prices file. Raises LedgerError when there is no such ledger or it is another contract's."""
    with open_to_read(path, contract) as ledger:
        prices, note = recorded_prices(ledger)
        return StatusReport(as_of, path, year_statuses(ledger, contract, as_of, prices), note)
