"""What the ledger says about each Assessment Year: which report decides it, what blocks it, what was
recorded since (the agent's receipt, releases, disputes, suspensions). Used by `run` and `status`.

Rules (issue 5; contract-reading.md):
- A year is decided by its one accepted report. Two or more different accepted reports are a conflict
  (`conflicting_reports`) until `compliance resolve` names one; a later, further report reopens it.
- A year waits while an earlier year is undecided: SPA 5.2(2) lets a year's excess restore shortfalls of
  previous years, so its release cannot be stated before theirs is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from compliance.contract import Contract
from compliance.ledger.events import canonical_json
from compliance.ledger.store import Determination, Ledger

READY = "ready"
AWAITING_REPORT = "awaiting_report"
NEEDS_REVIEW = "needs_review"
CONFLICTING = "conflicting_reports"


@dataclass(frozen=True)
class YearPlan:
    year: int
    status: str  # READY | AWAITING_REPORT | NEEDS_REVIEW | CONFLICTING | "waiting_for_year_K"
    report_sha256: str | None  # the report that decides the year (READY, or waiting on an earlier year)
    candidates: tuple[str, ...]  # the accepted reports read as this year
    note: str

    @property
    def ready(self) -> bool:
        return self.status == READY


def _resolution(ledger: Ledger, year: int, accepted: list[str]) -> str | None:
    """The report chosen by the latest `resolve` for this year, if it considered every accepted report."""
    decisions = ledger.events(year=year, kinds=("resolved",))
    if not decisions:
        return None
    latest = decisions[-1].data
    if set(accepted) <= set(latest["considered"]) and latest["report"] in accepted:
        return latest["report"]
    return None  # a report arrived after the decision: decide again


def plan_year(ledger: Ledger, year: int) -> YearPlan:
    accepted = ledger.reports_for_year(year, "accepted")
    if not accepted:
        if ledger.reports_for_year(year):
            return YearPlan(year, NEEDS_REVIEW, None, (), "its only reports need review or were rejected")
        return YearPlan(year, AWAITING_REPORT, None, (), "no audit report received")
    if len(accepted) == 1:
        return YearPlan(year, READY, accepted[0], tuple(accepted), "")
    chosen = _resolution(ledger, year, accepted)
    if chosen:
        return YearPlan(year, READY, chosen, tuple(accepted), "chosen by a recorded resolution")
    names = ", ".join(f"{ledger.first_name(sha)} ({sha[:12]})" for sha in accepted)
    return YearPlan(
        year, CONFLICTING, None, tuple(accepted),
        f"{len(accepted)} different accepted reports ({names}); choose one with `compliance resolve --year "
        f"{year} --report SHA256 --by NAME --reason TEXT`",
    )


def plan_years(ledger: Ledger, contract: Contract) -> list[YearPlan]:
    """Every Assessment Year in order; a year after an undecided one waits (SPA 5.2(2))."""
    plans: list[YearPlan] = []
    blocker: int | None = None
    for year in contract.assessment_years:
        plan = plan_year(ledger, year.number)
        if plan.ready and blocker is not None:
            plan = YearPlan(year.number, f"waiting_for_year_{blocker}", plan.report_sha256, plan.candidates,
                            f"year {blocker} is not decided yet; SPA 5.2(2) may offset its shortfall")
        if not plan.ready and blocker is None:
            blocker = year.number
        plans.append(plan)
    return plans


def contract_fingerprint(contract: Contract) -> str:
    return hashlib.sha256(canonical_json(contract.model_dump(mode="json")).encode("utf-8")).hexdigest()


def revenue_of(ledger: Ledger, sha256: str) -> Decimal:
    extraction = ledger.extraction(sha256)
    return Decimal(extraction["operating_revenue"])


def determination_inputs(ledger: Ledger, plans: list[YearPlan], year: int) -> tuple[dict[int, Decimal], dict[int, str]]:
    """Revenues and reports of years 1..year (all READY): what the year's determination is a function of."""
    reports = {plan.year: plan.report_sha256 for plan in plans if plan.year <= year}
    return {number: revenue_of(ledger, sha) for number, sha in reports.items()}, reports


def input_key(contract_sha256: str, reading: str, year: int, revenues: dict[int, Decimal],
              reports: dict[int, str]) -> str:
    """The determination's identity: equal inputs, equal key, so a re-run issues nothing new."""
    inputs = {
        "what": "determination/1",
        "contract": contract_sha256,
        "reading": reading,
        "year": year,
        "revenues": {str(k): str(v) for k, v in sorted(revenues.items())},
        "reports": {str(k): v for k, v in sorted(reports.items())},
    }
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


# --- what `compliance record` has added ----------------------------------------------------------------
@dataclass(frozen=True)
class Release:
    on: dt.date
    shares: int


def releases(ledger: Ledger, year: int, determination: Determination | None = None) -> list[Release]:
    """Releases recorded for the year (for `determination` only, when given), in date order."""
    found = [
        Release(event.on_date, event.data["shares"])
        for event in ledger.events(year=year, kinds=("released",))
        if determination is None or event.data.get("determination") == determination.id
    ]
    return sorted(found, key=lambda release: release.on)


def documents_received_on(ledger: Ledger, year: int) -> dt.date | None:
    """The last recorded day the escrow agent held both EA 3.1 documents (report and joint instruction)."""
    events = ledger.events(year=year, kinds=("documents_received_by_agent",))
    return events[-1].on_date if events else None


@dataclass(frozen=True)
class Excluded:
    start: dt.date
    end: dt.date | None  # None: still open
    kind: str  # "dispute" (EA 3.3) | "suspension" (SPA 8.1)


def excluded_periods(ledger: Ledger, year: int) -> list[Excluded]:
    """Disputes (EA 3.3: opened .. settled) and suspensions (SPA 8.1: from .. until) recorded for the year."""
    periods: list[Excluded] = []
    open_dispute: dt.date | None = None
    for event in ledger.events(year=year, kinds=("dispute_opened", "dispute_settled", "suspension")):
        if event.kind == "dispute_opened":
            open_dispute = event.on_date
        elif event.kind == "dispute_settled" and open_dispute is not None:
            periods.append(Excluded(open_dispute, event.on_date, "dispute"))
            open_dispute = None
        elif event.kind == "suspension":
            until = event.data.get("until")
            periods.append(Excluded(event.on_date, dt.date.fromisoformat(until) if until else None, "suspension"))
    if open_dispute is not None:
        periods.append(Excluded(open_dispute, None, "dispute"))
    return periods


@dataclass(frozen=True)
class Overdue:
    """SPA 8.2: shares due by the SPA 5.1 deadline and not released by it; released_on is the day the
    last of them was released, or the as-of date while any is outstanding."""

    shares: int
    released_on: dt.date
    outstanding: bool


def overdue(contract: Contract, determination: Determination, found: list[Release], as_of: dt.date) -> Overdue | None:
    deadline = contract.release_deadline(determination.year)  # SPA 5.1
    if as_of <= deadline:
        return None
    on_time = sum(r.shares for r in found if r.on <= deadline)
    late_shares = determination.release_shares - on_time  # SPA 8.2: the shares not released by the deadline
    if late_shares <= 0:
        return None
    done = [r for r in found if r.on <= as_of]
    if sum(r.shares for r in done) >= determination.release_shares:
        return Overdue(late_shares, done[-1].on, False)
    return Overdue(late_shares, as_of, True)


def penalty_inputs(db_path, year: int, until: dt.date) -> tuple[list, dt.date | None]:
    """For `compliance penalty --db`: the year's recorded disputes (EA 3.3) and suspensions (SPA 8.1) as
    penalty.Period objects (a period still open ends on `until`, e.g. the release or as-of date), and the
    day the escrow agent held both EA 3.1 documents. Raises store.LedgerError when there is no ledger."""
    from compliance.ledger.store import open_ledger
    from compliance.rules.penalty import Period

    with open_ledger(db_path, create=False) as ledger:
        periods = [Period(p.start, min(p.end or until, until), p.kind)
                   for p in excluded_periods(ledger, year) if p.start <= until]
        return periods, documents_received_on(ledger, year)
