"""Release deadlines (SPA 5.1), the escrow agent's window (EA 3.2), and an iCalendar export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from compliance.contract import Contract
from compliance.rules.business_days import BusinessCalendar, agent_transfer_deadline
from compliance.values.digest import sha256_hex
from compliance.values.files import atomic_write_bytes


@dataclass(frozen=True)
class DeadlineRow:
    year: int
    period_end: dt.date
    release_deadline: dt.date  # SPA 5.1
    days_left: int  # negative when overdue
    received_on: dt.date | None
    agent_deadline: dt.date | None  # EA 3.2, when the agent's receipt of both documents is known
    calendar_overrides: tuple[str, ...] = ()  # published holiday schedules replaced by a file, that it used


def deadline_rows(
    contract: Contract, as_of: dt.date, calendar: BusinessCalendar, received: dict[int, dt.date] | None = None
) -> list[DeadlineRow]:
    received = received or {}
    rows = []
    for year in contract.assessment_years:
        deadline = contract.release_deadline(year.number)  # SPA 5.1
        got = received.get(year.number)
        agent = agent_transfer_deadline(contract, calendar, got) if got else None  # EA 3.2
        overrides = tuple(o.sentence() for o in calendar.overrides_between(got, agent)) if got and agent else ()
        rows.append(DeadlineRow(year.number, year.end, deadline, (deadline - as_of).days, got, agent, overrides))
    return rows


@dataclass(frozen=True)
class LatestSending:
    """The last day an instruction may be sent by courier and still leave the agent its EA 3.2 business days
    before a date (the SPA 5.1 release date)."""

    sent_on: dt.date  # sent by courier that day ...
    deemed_given: dt.date  # ... it is deemed given this day (SPA 11.3) ...
    transfer_by: dt.date  # ... and the agent's business days end on or before this date (EA 3.2)


def latest_sending(contract: Contract, calendar: BusinessCalendar, transfer_by: dt.date) -> LatestSending:
    """The latest courier sending date from which the agent's window (EA 3.2: `agent_business_days` working days
    after receipt, receipt being the deemed date of SPA 11.3) ends no later than `transfer_by`. Counts back over
    working days only: raises ScheduleNotPublished for a year whose PRC schedule is not known (never guessed)."""
    needed = contract.release.agent_business_days.value
    receipt, counted = transfer_by, 0  # the receipt must come before the needed-th working day counted back
    day = transfer_by
    while counted < needed:
        if calendar.is_working_day(day):
            counted += 1
            receipt = day - dt.timedelta(days=1)
        day -= dt.timedelta(days=1)
    sent = receipt - dt.timedelta(days=contract.notices.deemed_given_days.value)
    return LatestSending(sent, receipt, transfer_by)


def ics_bytes(contract: Contract, rows: list[DeadlineRow], as_of: dt.date) -> bytes:
    """All-day events; UIDs from the contract and year, DTSTAMP from the as-of date: same input, same bytes."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//compliance//Kaixin earn-out deadlines//EN")
    calendar.add("version", "2.0")
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    release_days = contract.release.days_after_year_end.value  # SPA 5.1
    agent_days = contract.release.agent_business_days.value  # EA 3.2
    for row in rows:
        events = [("release", row.release_deadline,
                   f"Year {row.year} release deadline (SPA 5.1)",
                   f"Last day for the escrow agent to release the Assessment Year {row.year} shares: "
                   f"{release_days} days after the year ended on {row.period_end:%d %B %Y} (SPA 5.1). "
                   "Late release accrues the SPA 8.2 penalty.")]
        if row.agent_deadline:
            events.append(("agent", row.agent_deadline, f"Year {row.year} escrow agent transfer window ends (EA 3.2)",
                           " ".join([f"{agent_days} PRC business days after the agent received both EA 3.1 documents "
                                     f"on {row.received_on:%d %B %Y}.", *row.calendar_overrides])))
        for kind, day, summary, description in events:
            event = Event()
            uid = sha256_hex(f"{contract.id}/{row.year}/{kind}")[:24]
            event.add("uid", f"{uid}@compliance")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", summary)
            event.add("description", description)
            calendar.add_component(event)
    return calendar.to_ical()


def write_ics(contract: Contract, rows: list[DeadlineRow], path: Path, as_of: dt.date) -> None:
    atomic_write_bytes(path, ics_bytes(contract, rows, as_of))
