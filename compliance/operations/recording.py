"""`compliance record` and `compliance resolve`: the events deadlines and penalties depend on, each checked
before it is written. A refusal is a RecordError with one plain sentence; nothing is written then.

- received (EA 3.1, 3.2): the escrow agent holds both the accounting firm's report and the joint
  instruction; starts its EA 3.2 window (the contract's agent_business_days).
- released (SPA 5.1, EA 3.2): shares transferred to Party C; never more than the instruction states.
- dispute / settled (EA 3.3): the agent may suspend while the quantity is disputed.
- suspended (SPA 8.1): Party A suspends release for a breach by Party C.
- resolve: which of two or more accepted reports decides a year.
"""

from __future__ import annotations

import datetime as dt

from compliance.contract import Contract
from compliance.ledger import Determination, Event, Ledger
from compliance.operations.planning import (
    YearStatus,
    distinct_reports,
    documents_received_on,
    plan_year,
    release_balances,
    releases,
    usable_reports,
)


class RecordError(ValueError):
    """An event that cannot be recorded as given; str() is one plain sentence."""


def _check_year(contract: Contract, year: int) -> None:
    numbers = [item.number for item in contract.assessment_years]
    if year not in numbers:
        raise RecordError(f"year {year} is not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]})")


def _check_date(contract: Contract, on: dt.date, what: str) -> None:
    try:
        contract.check_within_horizon(on, what)
    except ValueError as exc:
        raise RecordError(str(exc)) from None


def _after_year_end(contract: Contract, year: int, on: dt.date, what: str) -> None:
    end = contract.year(year).end
    if on <= end:
        raise RecordError(f"{what} on {on} is not after the end of Assessment Year {year} ({end})")


def _instructed(ledger: Ledger, contract: Contract, year: int, on: dt.date, what: str) -> Determination:
    _check_year(contract, year)
    _check_date(contract, on, what[0].upper() + what[1:] + " on")
    determination = ledger.current_determination(year)
    if determination is None:
        raise RecordError(
            f"year {year} has no joint instruction in this ledger yet, so {what} cannot be recorded; run "
            "`compliance run` on its audit report first"
        )
    if on < determination.as_of:
        raise RecordError(
            f"{what} on {on} is before the joint instruction for year {year} (dated {determination.as_of})"
        )
    plan = plan_year(ledger, year)
    if plan.status == YearStatus.CONFLICTING:  # another report with other figures arrived after the instruction
        raise RecordError(f"year {year} now has {len(plan.candidates)} accepted reports with different figures, so "
                          f"{what} cannot be recorded against its instruction until one is chosen ({plan.note})")
    return determination


def _write(ledger: Ledger, kind: str, year: int, on: dt.date | None, data: dict) -> Event:
    with ledger.transaction():
        return ledger.add_event(kind, year=year, on_date=on, data={k: v for k, v in data.items() if v is not None})


def record_received(ledger: Ledger, contract: Contract, *, year: int, on: dt.date, note: str | None = None,
                    by: str | None = None, details: dict | None = None) -> Event:
    """EA 3.1/3.2: the day the escrow agent held both the report and the joint instruction (`details`: what
    operations.sending adds, the letter received and when it was recorded)."""
    determination = _instructed(ledger, contract, year, on, "the agent's receipt")
    for event in ledger.events(year=year, kinds=("documents_received_by_agent",)):
        if event.data.get("determination") == determination.id:
            raise RecordError(
                f"the escrow agent's receipt of year {year}'s documents is already recorded (on {event.on_date})"
            )
    return _write(ledger, "documents_received_by_agent", year, on,
                  {"determination": determination.id, "note": note, "by": by, **(details or {})})


def record_released(ledger: Ledger, contract: Contract, *, year: int, on: dt.date, shares: int | None = None,
                    note: str | None = None, by: str | None = None) -> Event:
    """SPA 5.1 / EA 3.2: shares transferred to Party C; the total never exceeds the instruction."""
    determination = _instructed(ledger, contract, year, on, "a release")
    received = documents_received_on(ledger, year)
    if received is not None and on < received:
        raise RecordError(f"a release on {on} is before the escrow agent received the documents ({received})")
    done = sum(release.shares for release in releases(ledger, year))
    remaining = determination.release_shares - done
    if remaining <= 0:
        raise RecordError(
            f"all {determination.release_shares:,} shares instructed for year {year} are already recorded as released"
        )
    shares = remaining if shares is None else shares
    if shares <= 0:
        raise RecordError(f"--shares {shares}: a release is a whole number of shares above zero")
    balances = release_balances(ledger, contract)
    covered = sum(b.over_released for b in balances if b.year != year)  # released beyond another year's instruction
    if covered and shares > remaining - covered:
        years = ", ".join(f"year {b.year} ({b.over_released:,})" for b in balances
                          if b.over_released and b.year != year)
        raise RecordError(
            f"{covered:,} shares were already released beyond the current instructions of {years}, under "
            f"instructions since superseded; releasing {shares:,} more for year {year} would take the escrow past "
            f"what the determinations allow (SPA 5.2). At most {max(0, remaining - covered):,} can be recorded "
            "unless the parties agree otherwise in writing (SPA 5.3)"
        )
    if shares > remaining:  # SPA 5.1: the agent releases the quantity the joint instruction states
        raise RecordError(
            f"a release cannot exceed what was instructed: year {year}'s instruction is for "
            f"{determination.release_shares:,} shares, {done:,} are already recorded as released, so at most "
            f"{remaining:,} more (not {shares:,})"
        )
    return _write(ledger, "released", year, on, {"determination": determination.id, "shares": shares, "note": note,
                                                 "by": by})


def _open_dispute(ledger: Ledger, year: int) -> Event | None:
    latest = None
    for event in ledger.events(year=year, kinds=("dispute_opened", "dispute_settled")):
        latest = event if event.kind == "dispute_opened" else None
    return latest


def record_dispute(ledger: Ledger, contract: Contract, *, year: int, on: dt.date, note: str | None = None,
                   by: str | None = None) -> Event:
    """EA 3.3: a dispute on the quantity; the agent may suspend until a settlement or a ruling."""
    determination = _instructed(ledger, contract, year, on, "a dispute")
    opened = _open_dispute(ledger, year)
    if opened is not None:
        raise RecordError(f"a dispute for year {year} is already open (since {opened.on_date}); record its "
                          "settlement first")
    return _write(ledger, "dispute_opened", year, on, {"determination": determination.id, "note": note, "by": by})


def record_settled(ledger: Ledger, contract: Contract, *, year: int, on: dt.date, note: str | None = None,
                   by: str | None = None) -> Event:
    """EA 3.3: the settlement signed by all parties, or the ruling, that ends a dispute."""
    _check_year(contract, year)
    _check_date(contract, on, "The settlement on")
    opened = _open_dispute(ledger, year)
    if opened is None:
        raise RecordError(f"year {year} has no open dispute to settle")
    if on < opened.on_date:
        raise RecordError(f"the settlement on {on} is before the dispute was opened ({opened.on_date})")
    return _write(ledger, "dispute_settled", year, on, {"note": note, "by": by})


def record_suspended(ledger: Ledger, contract: Contract, *, year: int, on: dt.date, until: dt.date | None = None,
                     note: str | None = None, by: str | None = None) -> Event:
    """SPA 8.1: Party A suspends the release (from `on` to `until`, both days inside; open while no end)."""
    _check_year(contract, year)
    _check_date(contract, on, "The suspension from")
    if until is not None:
        _check_date(contract, until, "The suspension until")
    _after_year_end(contract, year, on, "a suspension")
    if until is not None and until < on:
        raise RecordError(f"the suspension ends ({until}) before it starts ({on})")
    return _write(ledger, "suspension", year, on, {"until": until.isoformat() if until else None, "note": note,
                                                   "by": by})


def resolve(ledger: Ledger, contract: Contract, *, year: int, report: str, by: str, reason: str) -> Event | None:
    """Record which accepted report decides a year with conflicting reports; None when already recorded."""
    _check_year(contract, year)
    if not by.strip() or not reason.strip():
        raise RecordError("--by and --reason must name who decided and why")
    accepted = distinct_reports(ledger, usable_reports(ledger, year))
    if len(accepted) < 2:
        raise RecordError(f"year {year} has no conflicting reports to resolve ({len(accepted)} accepted report"
                          f"{'' if len(accepted) == 1 else 's'})")
    wanted = report.strip().lower()
    matches = [sha for sha in accepted if sha.startswith(wanted)] if len(wanted) >= 6 else []
    if len(matches) != 1:
        candidates = ", ".join(f"{sha} ({ledger.first_name(sha)})" for sha in accepted)
        problem = "matches more than one" if matches else "is not the sha256 (at least 6 characters) of any"
        raise RecordError(f"--report {report} {problem} of year {year}'s accepted reports: {candidates}")
    plan = plan_year(ledger, year)
    if plan.ready and plan.report_sha256 == matches[0]:
        return None
    return _write(ledger, "resolved", year, None,
                  {"report": matches[0], "by": by.strip(), "reason": reason.strip(), "considered": sorted(accepted)})
