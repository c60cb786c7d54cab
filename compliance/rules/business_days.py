"""PRC business days and the deal's deadlines.

Business days are PRC working days (SPA 10.1: PRC law governs), counting the State Council's weekend
make-up working days (调休). Schedules come from the `holidays` package for the years it publishes and from
schedule files the user supplies for later years. A year with no published schedule is never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compliance.contract import Contract

SCHEDULE_FILE_HELP = (
    "supply the State Council's schedule as a YAML file with --calendar FILE "
    "(keys: year, source, holidays: [dates], working_days: [weekend make-up dates]; see the README)"
)


class ScheduleNotPublished(LookupError):
    """A date in a year whose official holiday schedule we do not have."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"The official PRC holiday schedule for {year} is not available (the State Council publishes "
            f"each year's schedule late in the year before, and it is not guessed); {SCHEDULE_FILE_HELP}"
        )


class ScheduleFileError(ValueError):
    """A schedule file that cannot be used; str() names the file and the key."""


@dataclass(frozen=True)
class YearSchedule:
    year: int
    source: str
    holidays: frozenset[dt.date]
    working_days: frozenset[dt.date]  # weekend days that are working days (make-up days)


@dataclass
class BusinessCalendar:
    """PRC working days for the years it holds a schedule for."""

    schedules: dict[int, YearSchedule] = field(default_factory=dict)

    def schedule(self, year: int) -> YearSchedule:
        try:
            return self.schedules[year]
        except KeyError:
            raise ScheduleNotPublished(year) from None

    def is_working_day(self, day: dt.date) -> bool:
        schedule = self.schedule(day.year)
        if day in schedule.working_days:
            return True
        if day in schedule.holidays:
            return False
        return day.weekday() < 5

    def add_business_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted)."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, counted = start, 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


def _package_schedules() -> dict[int, YearSchedule]:
    """Years whose State Council schedule the pinned `holidays` package carries (its make-up-day table)."""
    import holidays
    from holidays.countries.china import ChinaStaticHolidays

    published = sorted(year for year in ChinaStaticHolidays.special_public_holidays if year >= 2020)
    calendar = holidays.China(years=published)
    schedules = {}
    for year in published:
        days_off = frozenset(day for day in calendar if day.year == year)
        make_up = frozenset(day for day in calendar.weekend_workdays if day.year == year)
        schedules[year] = YearSchedule(year, f"holidays {holidays.__version__} (State Council notice)",
                                       days_off, make_up)
    return schedules


def _dates(value: object, file: Path, key: str, year: int) -> frozenset[dt.date]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise ScheduleFileError(f"{file}: key '{key}' must be a list of dates (YYYY-MM-DD)")
    days = set()
    for item in value:
        if not isinstance(item, dt.date):
            raise ScheduleFileError(f"{file}: key '{key}': '{item}' is not a date (YYYY-MM-DD)")
        if item.year != year:
            raise ScheduleFileError(f"{file}: key '{key}': {item} is not in {year}")
        days.add(item)
    return frozenset(days)


def load_schedule_file(path: Path) -> list[YearSchedule]:
    """A YAML mapping (one year) or a list of them: {year, source, holidays: [...], working_days: [...]}."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScheduleFileError(f"{path}: no such calendar file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise ScheduleFileError(f"{path}: not a readable YAML calendar file") from None
    except ValueError as exc:  # YAML reads 2027-13-01 as a date and fails on it
        raise ScheduleFileError(f"{path}: a date is not a real day ({exc})") from None
    entries = data if isinstance(data, list) else [data]
    schedules = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("year"), int):
            raise ScheduleFileError(f"{path}: each schedule needs an integer key 'year'")
        year = entry["year"]
        unknown = set(entry) - {"year", "source", "holidays", "working_days"}
        if unknown:
            raise ScheduleFileError(f"{path}: key '{sorted(unknown)[0]}' is not a calendar key")
        holidays_ = _dates(entry.get("holidays"), path, "holidays", year)
        working = _dates(entry.get("working_days"), path, "working_days", year)
        if holidays_ & working:
            raise ScheduleFileError(f"{path}: {min(holidays_ & working)} is both a holiday and a working day")
        schedules.append(YearSchedule(year, str(entry.get("source") or path), holidays_, working))
    return schedules


def load_calendar(contract: Contract, schedule_files: Sequence[Path | str] = ()) -> BusinessCalendar:
    """The package's published years, then the contract's schedule files, then the caller's (later wins)."""
    if contract.calendar.country != "CN":
        raise ScheduleFileError(f"calendar.country '{contract.calendar.country}' is not supported (only CN)")
    schedules = _package_schedules()
    files: Iterable[Path | str] = [*contract.calendar.schedule_files, *schedule_files]
    for file in files:
        for schedule in load_schedule_file(Path(file)):
            schedules[schedule.year] = schedule
    return BusinessCalendar(schedules)


def agent_transfer_deadline(contract: Contract, calendar: BusinessCalendar, received_on: dt.date) -> dt.date:
    """EA 3.2: the agent transfers within ten business days after receiving both EA 3.1 documents."""
    return calendar.add_business_days(received_on, contract.release.agent_business_days.value)


def notice_deemed_given(contract: Contract, sent_on: dt.date) -> dt.date:
    """SPA 11.3: a notice sent by courier is deemed given on the third day after sending."""
    return sent_on + dt.timedelta(days=contract.notices.deemed_given_days.value)
