"""The period a report covers, as the opinion paragraph or the statement header prints it.

Forms read: ranges (2025年12月1日至2026年11月30日, "from 1 December 2025 to 30 November 2026"), years ended
(截至2026年11月30日止年度, "year ended 30 November 2026", "as at 31st March 2020 ... for the year then ended")
and calendar years (2026年度, 2026年1-12月). A multi-year span ("each of the years in the three-year period
ended ...") is never read as one year.

A year ended on D starts the day after the previous year ended: a 52/53-week year (Adobe's ends on the Friday
nearest 30 November) starts on the day after the prior year-end printed beside it (as of November 29, 2019
and November 30, 2018 -> 1 December 2018); with no prior year-end printed, twelve calendar months before.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from compliance.extract.numbers import FoundDate, find_dates
from compliance.values.text import compact, single_spaced

# A whole year: 365 or 366 days, or a 52/53-week fiscal year (364 or 371 days).
WHOLE_YEAR_DAYS = range(364, 372)
_FISCAL_SLACK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole_year(self) -> bool:
        return self.days in WHOLE_YEAR_DAYS

    def text(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def year_before(end: dt.date) -> dt.date:
    """The first day of the twelve months ending on `end` ('year ended 30 November 2026' -> 1 Dec 2025)."""
    following = end + dt.timedelta(days=1)
    try:
        return following.replace(year=following.year - 1)
    except ValueError:  # 29 February
        return following.replace(year=following.year - 1, day=28)


def _start_of_year_ended(end: dt.date, dates: list[FoundDate]) -> dt.date:
    """The day after the prior year-end printed nearby (52/53-week years), the one nearest twelve months before,
    else twelve months before."""
    calendar_start = year_before(end)
    prior_ends = [found.value for found in dates
                  if abs(found.value + dt.timedelta(days=1) - calendar_start) <= _FISCAL_SLACK]
    if prior_ends:  # the nearest (a date just after, 'the balance at 1 April 2024', is not a prior year-end)
        return min(prior_ends, key=lambda day: (abs(day + dt.timedelta(days=1) - calendar_start), day)) \
            + dt.timedelta(days=1)
    return calendar_start


_CN_RANGE_JOIN = re.compile(r"^(?:起)?(?:至|到|-|~|—)$")
_CN_YEAR_ENDED = re.compile(r"(?:止|终了)的?(?:年度|会计年度|12个月|十二个月)")
_CN_WHOLE_YEAR = re.compile(r"(?<![\d年月日至])(\d{4})年(?:度|1-12月|1月-12月|1—12月|全年)")
_EN_RANGE_JOIN = ("to", "through", "until", "-", "and ending", "ending")
_EN_YEAR_ENDED = re.compile(r"\b(?:(?:fiscal |financial )?years?|twelve months|12 months|52 weeks|53 weeks|"
                            r"(?<!year )period) ended (?:on )?$")
_EN_YEAR_THEN_ENDED = re.compile(r"\bas (?:at|of) $")


def find_periods(text: str) -> list[Period]:
    """Periods a text states, in order of the forms above; the caller takes the first."""
    periods: list[Period] = []
    squeezed = compact(text)
    dates = find_dates(squeezed)
    for first, second in zip(dates, dates[1:], strict=False):
        between = squeezed[first.end:second.start]
        if _CN_RANGE_JOIN.match(between) and first.value < second.value:
            periods.append(Period(first.value, second.value))
    for found in dates:
        if _CN_YEAR_ENDED.match(squeezed[found.end:found.end + 12]):
            periods.append(Period(_start_of_year_ended(found.value, dates), found.value))
    for match in _CN_WHOLE_YEAR.finditer(squeezed):
        periods.append(Period(dt.date(int(match[1]), 1, 1), dt.date(int(match[1]), 12, 31)))
    english = single_spaced(text)
    english_dates = find_dates(english)
    lower = english.lower()
    for first, second in zip(english_dates, english_dates[1:], strict=False):
        between = lower[first.end:second.start].strip()
        before = lower[max(0, first.start - 12):first.start]
        if between in _EN_RANGE_JOIN and "from" in before and first.value < second.value:
            periods.append(Period(first.value, second.value))
    for found in english_dates:
        before = lower[max(0, found.start - 40):found.start]
        if _EN_YEAR_ENDED.search(before):
            periods.append(Period(_start_of_year_ended(found.value, english_dates), found.value))
    if not periods and "year then ended" in lower:  # "balance sheet as at 31st March 2020; ... the year then ended"
        for found in english_dates:
            if _EN_YEAR_THEN_ENDED.search(lower[max(0, found.start - 8):found.start]):
                periods.append(Period(_start_of_year_ended(found.value, english_dates), found.value))
                break
    return periods
