"""What the ledger says about each Assessment Year: which report decides it, what blocks it, and what was
recorded since (the agent's receipt, releases, disputes, suspensions). Used by `run`, `status` and `record`.

Rules (docs/contract-reading.md, "Release mechanics"):
- A year is decided by its one accepted report, or one whose unproven fields two people confirmed by hand
  (operations.confirmation), which counts as accepted. Two or more accepted reports with different figures
  are a conflict until `compliance resolve` names one; a later, further report reopens it. A report received
  again with the same figures (another file, a byte appended, a new scan read alike) is a copy: recorded, no
  conflict. Once a year has a conflict, nothing is recorded against its instruction until it is resolved.
- A year waits while an earlier year is undecided: SPA 5.2(2) lets a year's excess restore shortfalls of
  previous years, so its release cannot be stated before theirs is known.
- A determination is a function of its inputs (contract, reading, the revenues and reports of years
  1..N): its `input_key`. Equal inputs, equal key, so a second run issues nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from compliance.contract import Contract
from compliance.extract.model import FileStatus
from compliance.ledger import Determination, Ledger
from compliance.operations.confirmation import (
    AWAITING,
    SENT_BACK,
    Confirmation,
    confirmations,
    confirmed_extraction,
    in_force,
)
from compliance.rules.penalty import Period


class YearStatus(StrEnum):
    """Where an Assessment Year stands. The first five come from the reports received; the rest from what
    the ledger has issued for a ready year (`run` and `status`)."""

    AWAITING_REPORT = "awaiting_report"  # no audit report received for the year
    NEEDS_REVIEW = "needs_review"  # its only reports need review or were rejected
    CONFLICTING = "conflicting_reports"  # two or more accepted reports, no resolution
    WAITING = "waiting_for_year"  # ready, but an earlier year is undecided (SPA 5.2(2))
    READY = "ready"  # one report decides it
    TO_ISSUE = "to_issue"  # ready, no documents issued yet
    CHANGED = "changed"  # ready, its inputs differ from the documents issued
    ISSUED = "issued"  # its current documents match its inputs
    PREMATURE = "premature"  # ready, but the as-of date is before the year ended or the report is dated
    ERROR = "error"  # its documents could not be rendered or placed


@dataclass(frozen=True)
class YearPlan:
    year: int
    status: YearStatus  # AWAITING_REPORT | NEEDS_REVIEW | CONFLICTING | WAITING | READY
    report_sha256: str | None  # the report that decides the year (READY, or WAITING on an earlier year)
    candidates: tuple[str, ...]  # the accepted reports read as this year
    note: str
    waiting_for: int | None = None  # the undecided earlier year (WAITING)
    copies: tuple[str, ...] = ()  # reports received again with the same figures as one of the candidates

    @property
    def ready(self) -> bool:
        return self.status == YearStatus.READY

    @property
    def label(self) -> str:
        """The status as printed and written to JSON: 'waiting_for_year_2' names the year waited for."""
        return f"{self.status}_{self.waiting_for}" if self.status == YearStatus.WAITING else str(self.status)


def _resolution(ledger: Ledger, year: int, accepted: list[str]) -> str | None:
    """The report chosen by the latest `resolve` for this year, if it considered every accepted report."""
    decisions = ledger.events(year=year, kinds=("resolved",))
    if not decisions:
        return None
    latest = decisions[-1].data
    if set(accepted) <= set(latest["considered"]) and latest["report"] in accepted:
        return latest["report"]
    return None  # a report arrived after the decision: decide again


def usable_reports(ledger: Ledger, year: int, confirmed: dict[str, Confirmation] | None = None) -> list[str]:
    """The reports that may decide the year: the accepted ones, then those confirmed by hand and countersigned
    (in the order they were confirmed)."""
    confirmed = in_force(ledger) if confirmed is None else confirmed
    accepted = ledger.reports_for_year(year, FileStatus.ACCEPTED)
    return accepted + [sha for sha, c in confirmed.items() if c.year == year and sha not in accepted]


def _review_note(ledger: Ledger, year: int) -> str | None:
    """Where the latest confirmation by hand of a report of this year stands, when one was made."""
    made = [c for c in confirmations(ledger) if c.year == year and not c.in_force]
    if not made:
        return None
    latest, name = made[-1], ledger.first_name(made[-1].report)
    if latest.state == AWAITING:
        return (f"{name} was confirmed by hand by {latest.confirmed_by} on {latest.confirmed_on}; it awaits an "
                "approver's countersignature")
    what = "sent back" if latest.state == SENT_BACK else "withdrawn"
    return (f"the confirmation by hand of {name} was {what} by {latest.closed_by} on {latest.closed_on} "
            f"({latest.closed_reason}); it needs review")


def _figures(ledger: Ledger, sha256: str) -> tuple:
    """What decides the year: two accepted reports of the same revenue for the same period are copies of one
    (a scan of the signed original read by OCR may spell the firm or the number differently, or miss the
    number; the figures the determination rests on are the same, so it is a duplicate, not a conflict: the
    first one received is the one the letters name)."""
    read = confirmed_extraction(ledger, sha256) or {}
    return tuple(str(read.get(key)) for key in ("operating_revenue", "period_start", "period_end"))


def distinct_reports(ledger: Ledger, reports: list[str]) -> list[str]:
    """The reports, a copy re-sent with the same figures (another file, one byte appended, a new scan read alike)
    left out for the first one received: it is a duplicate, not a conflict."""
    seen: set[tuple] = set()
    distinct = []
    for sha in reports:
        figures = _figures(ledger, sha)
        if figures not in seen:
            seen.add(figures)
            distinct.append(sha)
    return distinct


def plan_year(ledger: Ledger, year: int, confirmed: dict[str, Confirmation] | None = None) -> YearPlan:
    confirmed = in_force(ledger) if confirmed is None else confirmed
    received = usable_reports(ledger, year, confirmed)
    accepted = distinct_reports(ledger, received)
    if not accepted:
        note = _review_note(ledger, year)
        if note is not None or ledger.reports_for_year(year):
            return YearPlan(year, YearStatus.NEEDS_REVIEW, None, (),
                            note or "its only reports need review or were rejected")
        return YearPlan(year, YearStatus.AWAITING_REPORT, None, (), "no audit report received")
    copies = tuple(sha for sha in received if sha not in accepted)
    if len(accepted) == 1:
        confirmation = confirmed.get(accepted[0])
        notes = [f"confirmed by hand by {confirmation.confirmed_by}, countersigned by {confirmation.countersigned_by}"
                 if confirmation else ""]
        if copies:
            notes.append(f"{', '.join(str(ledger.first_name(sha)) for sha in copies)} states the same figures: a copy, "
                         "not a conflict")
        return YearPlan(year, YearStatus.READY, accepted[0], tuple(accepted), "; ".join(n for n in notes if n),
                        copies=copies)
    chosen = _resolution(ledger, year, accepted)
    if chosen:
        return YearPlan(year, YearStatus.READY, chosen, tuple(accepted), "chosen by a recorded resolution",
                        copies=copies)
    names = ", ".join(f"{ledger.first_name(sha)} ({sha[:12]})" for sha in accepted)
    return YearPlan(
        year, YearStatus.CONFLICTING, None, tuple(accepted),
        f"{len(accepted)} accepted reports with different figures ({names}); choose one with `compliance resolve "
        f"--year {year} --report SHA256 --by NAME --reason TEXT`", copies=copies,
    )


def plan_years(ledger: Ledger, contract: Contract) -> list[YearPlan]:
    """Every Assessment Year in order; a year after an undecided one waits (SPA 5.2(2))."""
    plans: list[YearPlan] = []
    blocker: int | None = None
    confirmed = in_force(ledger)
    for year in contract.assessment_years:
        plan = plan_year(ledger, year.number, confirmed)
        if plan.ready and blocker is not None:
            plan = YearPlan(year.number, YearStatus.WAITING, plan.report_sha256, plan.candidates,
                            f"year {blocker} is not decided yet; SPA 5.2(2) may offset its shortfall", blocker,
                            plan.copies)
        if not plan.ready and blocker is None:
            blocker = year.number
        plans.append(plan)
    return plans


def premature(contract: Contract, year: int, as_of: dt.date, report_date: str | None) -> str | None:
    """Why a ready year's documents cannot be dated `as_of` yet, or None."""
    end = contract.year(year).end
    if as_of <= end:
        return f"the as-of date {as_of} is not after the end of Assessment Year {year} ({end})"
    if report_date and dt.date.fromisoformat(report_date) > as_of:
        return (f"the report is dated {report_date}, after the as-of date {as_of}; documents cannot be "
                "dated before the report they rely on")
    return None


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


def excluded_periods(ledger: Ledger, year: int) -> list[Period]:
    """Disputes (EA 3.3: opened .. settled) and suspensions (SPA 8.1: from .. until) recorded for the year;
    a period not yet ended has no end."""
    periods: list[Period] = []
    open_dispute: dt.date | None = None
    for event in ledger.events(year=year, kinds=("dispute_opened", "dispute_settled", "suspension")):
        if event.kind == "dispute_opened":
            open_dispute = event.on_date
        elif event.kind == "dispute_settled" and open_dispute is not None:
            periods.append(Period(open_dispute, event.on_date, "dispute"))
            open_dispute = None
        elif event.kind == "suspension":
            until = event.data.get("until")
            periods.append(Period(event.on_date, dt.date.fromisoformat(until) if until else None, "suspension"))
    if open_dispute is not None:
        periods.append(Period(open_dispute, None, "dispute"))
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


@dataclass(frozen=True)
class ReleaseBalance:
    """A year's shares as the ledger stands: what its current instruction states, and what was released
    under any of its instructions (a re-determination can leave more released than now instructed)."""

    year: int
    instructed: int | None  # the current determination's release; None while undetermined
    released: int

    @property
    def over_released(self) -> int:
        return max(0, self.released - (self.instructed or 0)) if self.instructed is not None else 0

    @property
    def outstanding(self) -> int:
        return max(0, (self.instructed or 0) - self.released)


def release_balances(ledger: Ledger, contract: Contract) -> list[ReleaseBalance]:
    balances = []
    for year in contract.assessment_years:
        current = ledger.current_determination(year.number)
        released = sum(release.shares for release in releases(ledger, year.number))
        balances.append(ReleaseBalance(year.number, current.release_shares if current else None, released))
    return balances


def released_by_year(ledger: Ledger, contract: Contract) -> dict[int, int]:
    """Shares recorded as released for each year, under any of its instructions."""
    return {balance.year: balance.released for balance in release_balances(ledger, contract)}
