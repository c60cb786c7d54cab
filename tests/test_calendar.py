"""PRC business days (SPA 10.1, EA 3.2), notices (SPA 11.3), deadlines and the iCalendar export."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers.cli import invoke

from compliance.rules.business_days import (
    ScheduleFileError,
    ScheduleNotPublished,
    agent_transfer_deadline,
    load_calendar,
    notice_deemed_given,
)

D = dt.date.fromisoformat


@pytest.fixture(scope="module")
def calendar(contract):
    return load_calendar(contract)


@pytest.mark.parametrize("day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
def test_2026_state_council_weekend_make_up_days_are_working_days(calendar, day):
    assert D(day).weekday() >= 5 and calendar.is_working_day(D(day))


@pytest.mark.parametrize("day", ["2026-01-01", "2026-01-02", "2026-02-16", "2026-02-20", "2026-02-23", "2026-04-06",
                                 "2026-05-05", "2026-06-19", "2026-09-25", "2026-10-01", "2026-10-07"])
def test_2026_state_council_holidays_are_not_working_days(calendar, day):
    assert not calendar.is_working_day(D(day))


def test_ea_3_2_ten_business_days_skip_national_day_and_count_the_make_up_saturday(contract, calendar):
    # Received Mon 28 Sep 2026: 29, 30 Sep; 1-7 Oct off; 8, 9, Sat 10 (make-up), 12-16 Oct.
    assert agent_transfer_deadline(contract, calendar, D("2026-09-28")) == D("2026-10-16")


def test_spa_11_3_courier_notice_is_deemed_given_on_the_third_day(contract):
    assert notice_deemed_given(contract, D("2027-01-29")) == D("2027-02-01")


def test_an_unpublished_year_is_refused_not_guessed(calendar):
    with pytest.raises(ScheduleNotPublished) as caught:
        calendar.is_working_day(D("2027-02-10"))
    assert "2027" in str(caught.value) and "--calendar FILE" in str(caught.value)


SCHEDULE_2027 = """\
year: 2027
source: test schedule
holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
working_days: [2027-02-13]
"""


def test_a_supplied_schedule_file_fills_the_year(contract, tmp_path):
    file = tmp_path / "2027.yaml"
    file.write_text(SCHEDULE_2027, encoding="utf-8")
    calendar = load_calendar(contract, [file])
    assert not calendar.is_working_day(D("2027-02-08"))
    assert calendar.is_working_day(D("2027-02-13"))  # a Saturday made a working day
    # Received Thu 4 Feb 2027: Fri 5 off, 8-11 off, Sat 13 works, then 12, 15, 16 ...
    assert agent_transfer_deadline(contract, calendar, D("2027-02-04")) == D("2027-02-24")


@pytest.mark.parametrize("text, words", [
    ("holidays: [2027-01-01]", "needs an integer key 'year'"),
    ("year: 2027\nholidays: [2028-01-01]", "2028-01-01 is not in 2027"),
    ("year: 2027\nholidays: [soon]", "'soon' is not a date"),
    ("year: 2027\nholidays: [2027-01-01]\nworking_days: [2027-01-01]", "both a holiday and a working day"),
    ("year: 2027\nbridges: []", "'bridges' is not a calendar key"),
])
def test_bad_schedule_files_name_the_problem(contract, tmp_path, text, words):
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(ScheduleFileError, match=words):
        load_calendar(contract, [file])


def test_deadlines_command_days_left_and_overdue():
    done = invoke("deadlines", "--as-of", "2027-02-01")
    assert done.returncode == 0
    assert "29 January 2027" in done.stdout and "3 days overdue" in done.stdout and "29 January 2028" in done.stdout


def test_deadlines_command_refuses_an_unpublished_year_in_one_line():
    done = invoke("deadlines", "--as-of", "2027-02-01", "--received", "1=2027-02-01")
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "2027" in done.stderr


def test_deadlines_ics_is_importable_and_deterministic(tmp_path):
    from icalendar import Calendar

    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert invoke("deadlines", "--as-of", "2026-11-22", "--ics", str(first)).returncode == 0
    assert invoke("deadlines", "--as-of", "2026-11-22", "--ics", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    events = [c for c in Calendar.from_ical(first.read_bytes()).walk("VEVENT")]
    assert [e.decoded("dtstart") for e in events] == [dt.date(2027 + n, 1, 29) for n in range(5)]
    assert "SPA 5.1" in str(events[0]["summary"])
