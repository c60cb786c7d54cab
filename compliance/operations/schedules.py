"""A year's PRC holiday schedule given as a particular (`calendar.schedules`, operations.particulars): the State
Council publishes each year's late in the year before, and the pinned `holidays` package carries only the years it
had then, so the legal team gives a later year's from the notice itself: its year, the notice (the source), its
holidays and its weekend make-up working days (调休).

The desk's form takes the days one a line (YYYY-MM-DD, or a range "2027-02-06 to 2027-02-12"); `particulars set
calendar.schedules --file FILE` takes the YAML of a schedule file. Either way the value stored is a list of
{year, source, holidays: [ISO dates], working_days: [ISO dates]}, one per year, and each bad line is named in
one plain sentence. A year the package publishes cannot be replaced this way.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from compliance.rules.business_days import published_years

MAX_SOURCE = 300
MAX_RANGE_DAYS = 31  # no PRC holiday runs longer: a longer range is a typing error
_LINE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})(?:\s*(?:to|–|—|-|至|\.\.)\s*(\d{4}-\d{1,2}-\d{1,2}))?")
HOLIDAYS, WORKING_DAYS = "Holidays", "Make-up working days"


class ScheduleError(ValueError):
    """A schedule that cannot be used; str() is one plain sentence (naming each bad line)."""


def _day(text: str) -> dt.date | None:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def parse_days(text: str, year: int, what: str) -> tuple[list[dt.date], list[str]]:
    """The days of one box of the form (one date or one range a line) and a sentence for each bad line."""
    days: list[dt.date] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        found = _LINE.fullmatch(line)
        first = _day(found.group(1)) if found else None
        last = _day(found.group(2)) if found and found.group(2) else first
        where = f"{what}, line {number} (“{_shown(line)}”)"
        if not found:
            problems.append(f"{where} is not a date: write YYYY-MM-DD, or a range as {year}-02-06 to {year}-02-12")
        elif first is None or last is None:
            problems.append(f"{where} is not a real day")
        elif first.year != year or last.year != year:
            problems.append(f"{where} is not in {year}")
        elif last < first:
            problems.append(f"{where} ends before it starts")
        elif (last - first).days >= MAX_RANGE_DAYS:
            problems.append(f"{where} is longer than {MAX_RANGE_DAYS} days, which no PRC holiday is")
        else:
            days.extend(first + dt.timedelta(days=offset) for offset in range((last - first).days + 1))
    return sorted(set(days)), problems


def _year(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not re.fullmatch(r"\d{4}", text) or not 2000 <= int(text) <= 2200:
        raise ScheduleError(f"the year “{_shown(text)}” is not a year; write it as four digits, such as 2027")
    return int(text)


def _as_lines(value: Any) -> str:
    """A box's text, or a schedule file's list of dates, as lines."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(item.isoformat() if isinstance(item, dt.date) else str(item) for item in value)
    raise ScheduleError("the days must be a list of dates (YYYY-MM-DD)")


def schedule_entry(raw: Any) -> dict[str, Any]:
    """One year's schedule from the desk's form ({year, source, holidays, working_days}: text, one day a line) or
    from a schedule file's mapping (lists of dates), as stored; ScheduleError names every bad line at once."""
    if not isinstance(raw, dict):
        raise ScheduleError("give the year, the source, the holidays and the make-up working days")
    unknown = sorted(set(raw) - {"year", "source", "holidays", "working_days"})
    if unknown:
        raise ScheduleError(f"“{_shown(str(unknown[0]))}” is not part of a schedule (year, source, holidays, "
                            "working_days)")
    year = _year(raw.get("year"))
    if year in published_years():
        raise ScheduleError(f"{year} already has a published PRC holiday schedule, which is used; give only a year "
                            "that is not published yet")
    source = " ".join(str(raw.get("source") or "").split())
    problems = []
    if not source:
        problems.append("the source is missing: name the State Council notice the schedule comes from")
    elif len(source) > MAX_SOURCE or any(ord(char) < 32 for char in source):
        problems.append(f"the source must be one line of at most {MAX_SOURCE} characters")
    holidays, bad_holidays = parse_days(_as_lines(raw.get("holidays")), year, HOLIDAYS)
    working, bad_working = parse_days(_as_lines(raw.get("working_days")), year, WORKING_DAYS)
    problems += bad_holidays + bad_working
    if not holidays and not bad_holidays:
        problems.append(f"the {year} schedule lists no holidays, and every PRC year has public holidays (New "
                        "Year's Day, the Spring Festival, National Day), so list them")
    both = sorted(set(holidays) & set(working))
    if both:
        problems.append(f"{both[0].isoformat()} is both a holiday and a make-up working day")
    weekdays = [day for day in working if day.weekday() < 5]
    if weekdays:
        problems.append(f"{weekdays[0].isoformat()} is a weekday, and a make-up working day is a Saturday or Sunday")
    if problems:
        raise ScheduleError("; ".join(problems))
    return {"year": year, "source": source, "holidays": [day.isoformat() for day in holidays],
            "working_days": [day.isoformat() for day in working]}


def schedule_entries(raw: Any) -> list[dict[str, Any]]:
    """One schedule (a mapping) or several (a list), each checked, sorted by year, each year once."""
    entries = [schedule_entry(item) for item in (raw if isinstance(raw, list) else [raw])]
    if not entries:
        raise ScheduleError("give at least one year's schedule")
    years = [entry["year"] for entry in entries]
    if len(set(years)) != len(years):
        raise ScheduleError("each year's schedule is given once")
    return sorted(entries, key=lambda entry: entry["year"])


def merged(current: Any, new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schedules in force (or awaiting approval) with the new years' in their place."""
    replaced = {entry["year"] for entry in new}
    kept = [entry for entry in (current or []) if isinstance(entry, dict) and entry.get("year") not in replaced]
    return sorted([*kept, *new], key=lambda entry: entry["year"])


def schedule_words(entry: dict[str, Any]) -> str:
    """'2027 (State Council notice …): 6 holidays (2027-01-01, …); make-up working days 2027-02-13'."""
    holidays = entry.get("holidays") or []
    working = entry.get("working_days") or []
    text = (f"{entry.get('year')} ({entry.get('source')}): {len(holidays)} holiday{'s' if len(holidays) != 1 else ''}"
            f" ({', '.join(map(str, holidays))})")
    return text + (f"; make-up working days {', '.join(map(str, working))}" if working else
                   "; no make-up working days")
