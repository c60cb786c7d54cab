"""PRC business days and the deal's deadlines.

Business days are PRC working days (SPA 10.1: PRC law governs), counting the State Council's weekend
make-up working days (调休). Schedules come from the `holidays` package for the years it publishes and from
schedules the user supplies for later years: the contract's `calendar.schedules` (a particular, set and approved
at the desk or with `particulars set`) or schedule files. A year with no published schedule is never guessed.

A schedule file may add a year no published schedule covers. Replacing a published year is refused unless the
caller allows it (`--override-published`), and then the calendar keeps the override so that every output whose
dates fall in that year states it. A schedule without a single holiday is refused: no PRC year has none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from compliance.contract import Contract

SCHEDULE_FILE_HELP = (
    "give the State Council's schedule as the particular calendar.schedules (`compliance particulars set "
    "calendar.schedules --file FILE`, approved by another person) or supply it as a YAML file with --calendar FILE "
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


@dataclass(frozen=True)
class ScheduleOverride:
    """A published year replaced by a user's schedule file (allowed with --override-published)."""

    year: int
    file: str
    source: str  # the file's own `source`
    published: str  # the source of the schedule it replaced

    def sentence(self) -> str:
        return (f"The PRC holiday schedule used for {self.year} is not the published one ({self.published}): it was "
                f"replaced by the calendar file {Path(self.file).name} ({self.source}).")


@dataclass
class BusinessCalendar:
    """PRC working days for the years it holds a schedule for."""

    schedules: dict[int, YearSchedule] = field(default_factory=dict)
    overrides: dict[int, ScheduleOverride] = field(default_factory=dict)  # published years replaced by a file

    def overrides_between(self, first: dt.date, last: dt.date) -> tuple[ScheduleOverride, ...]:
        """The overridden years a computation over first..last (both included) used, in year order."""
        return tuple(self.overrides[year] for year in range(first.year, last.year + 1) if year in self.overrides)

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


def published_years() -> frozenset[int]:
    """The years the pinned `holidays` package publishes a PRC schedule for (a schedule given may not replace them)."""
    return frozenset(_package_schedules())


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
        if not holidays_:
            raise ScheduleFileError(f"{path}: the {year} schedule lists no holidays, and every PRC year has public "
                                    "holidays (New Year's Day, the Spring Festival, National Day), so list them")
        schedules.append(YearSchedule(year, str(entry.get("source") or path), holidays_, working))
    return schedules


def load_calendar(contract: Contract, schedule_files: Sequence[Path | str] = (), *,
                  override_published: bool = False) -> BusinessCalendar:
    """The package's published years, then the contract's own schedules (`calendar.schedules`, a particular), its
    schedule files, then the caller's (later wins). A contract's schedule or file may only add years; a caller's
    file replaces a published year only with `override_published`, and the calendar keeps it in `overrides` for
    the outputs to state."""
    if contract.calendar.country != "CN":
        raise ScheduleFileError(f"calendar.country '{contract.calendar.country}' is not supported (only CN)")
    published = _package_schedules()
    schedules = dict(published)
    overrides: dict[int, ScheduleOverride] = {}
    for given in contract.calendar.schedules:  # the particular `calendar.schedules`: only years not published
        if given.year in published:
            raise ScheduleFileError(
                f"calendar.schedules in the contract: {given.year} already has a published schedule "
                f"({published[given.year].source}), and a schedule given in the contract may only add a year no "
                "published schedule covers")
        schedules[given.year] = YearSchedule(given.year, given.source, frozenset(given.holidays),
                                             frozenset(given.working_days))
    files: Iterable[tuple[Path | str, bool]] = [*((file, True) for file in contract.calendar.schedule_files),
                                                *((file, False) for file in schedule_files)]
    for file, in_contract in files:
        for schedule in load_schedule_file(Path(file)):
            if schedule.year in published:
                if in_contract:  # the contract's files only add years; a replacement is the user's, stated
                    raise ScheduleFileError(
                        f"{file} (calendar.schedule_files in the contract): {schedule.year} already has a published "
                        "schedule, and a contract's schedule files may only add a year no published schedule covers")
                if not override_published:
                    raise ScheduleFileError(
                        f"{file}: {schedule.year} already has a published schedule ({published[schedule.year].source}),"
                        " and a calendar file may only add a year no published schedule covers unless "
                        "--override-published is given")
                overrides[schedule.year] = ScheduleOverride(schedule.year, str(file), schedule.source,
                                                            published[schedule.year].source)
            schedules[schedule.year] = schedule
    return BusinessCalendar(schedules, overrides)


def agent_transfer_deadline(contract: Contract, calendar: BusinessCalendar, received_on: dt.date) -> dt.date:
    """EA 3.2: the agent transfers within ten business days after receiving both EA 3.1 documents."""
    return calendar.add_business_days(received_on, contract.release.agent_business_days.value)


def notice_deemed_given(contract: Contract, sent_on: dt.date) -> dt.date:
    """SPA 11.3: a notice sent by courier is deemed given on the third day after sending."""
    return sent_on + dt.timedelta(days=contract.notices.deemed_given_days.value)
