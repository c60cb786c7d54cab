"""The penalty statement's context (SPA 8.2): what the statement will say, checked without rendering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from compliance.documents.penalty_statement import penalty_statement_context
from compliance.documents.words import ordinal_figure as ordinal
from compliance.documents.words import usd_words
from compliance.rules.penalty import Period, compute_penalty
from compliance.values.money import usd
from compliance.values.prices import series_from_rows

DEADLINE = dt.date(2027, 1, 29)
D = Decimal


def day(n: int) -> dt.date:
    return DEADLINE + dt.timedelta(days=n)


def context(contract, n_days: int, prices, **kwargs):
    result = compute_penalty(contract, year=1, shares=3_000_000, released_on=day(n_days), prices=prices, **kwargs)
    return result, penalty_statement_context(contract, result, as_of=day(n_days), prices_source="vendor.csv",
        outstanding=True)


def test_spa_8_2_statement_says_the_cap_binds_from_day_500(contract):
    prices = series_from_rows([(DEADLINE, D("2.00"))])
    _, at_499 = context(contract, 499, prices)
    _, at_730 = context(contract, 730, prices)
    assert not at_499["cap_binds"] and at_499["penalty"] == "USD 299,400.00"
    assert at_730["cap_binds"] and at_730["cap_reached_day"] == "500th"
    assert at_730["cap_reached_on"] == day(500)
    assert at_730["penalty"] == "USD 300,000.00"
    assert at_730["penalty_words"] == "three hundred thousand US dollars"


def test_spa_8_2_long_delays_list_one_row_per_run_of_equal_closes(contract):
    prices = series_from_rows([(DEADLINE, D("2.00")), (day(100), D("2.50"))])
    result, data = context(contract, 150, prices)
    assert not data["day_by_day"]
    runs = [row for row in data["schedule"] if row["kind"] == "run"]
    assert [(row["first"], row["last"], row["days"], row["subtotal"]) for row in runs] == [
        (day(1), day(99), 99, "59,400.00"),  # 99 x 600
        (day(100), day(150), 51, "38,250.00"),  # 51 x 750
    ]
    assert result.accrued == D("97650.00")


def test_ea_3_3_excluded_days_appear_in_the_schedule_in_date_order(contract):
    prices = series_from_rows([(DEADLINE, D("2.00"))])
    _, data = context(contract, 10, prices, excluded=[Period(day(3), day(5), "dispute")])
    kinds = [(row["kind"], row.get("date") or row.get("first")) for row in data["schedule"]]
    assert kinds[:4] == [("day", day(1)), ("day", day(2)), ("excluded", day(3)), ("day", day(6))]
    excluded = data["schedule"][2]
    assert (excluded["days"], excluded["reference"]) == (3, "EA 3.3")
    assert data["periods"][0]["days_excluded"] == 3


def test_ea_3_2_pro_rata_shares_of_the_agents_periods_add_up_to_the_exposure_figure(contract):
    # 3,003,074 shares at 4.13; received day 10 with no holiday: A 24 days, D 16 days of 1,240.269562.
    from compliance.rules.business_days import BusinessCalendar, YearSchedule

    prices = series_from_rows([(DEADLINE, D("4.13"))])
    calendar = BusinessCalendar({2027: YearSchedule(2027, "test", frozenset(), frozenset())})
    result = compute_penalty(contract, year=1, shares=3_003_074, released_on=day(40), prices=prices,
                             documents_received_on=day(10), calendar=calendar)
    data = penalty_statement_context(contract, result, as_of=day(40), prices_source="vendor.csv",
        outstanding=True)
    a, b = data["windows"]  # up to the end of the agent's EA 3.2 period, and after it: no party named
    assert (a["name"], b["name"]) == ("Period A", "Period B")
    assert (a["days"], b["days"]) == (24, 16)
    assert data["penalty"] == "USD 49,610.78"  # 40 x 1,240.269562 = 49,610.78248
    assert (a["share_shown"], b["share_shown"]) == ("USD 29,766.47", "USD 19,844.31")
    assert {row["window"] for row in data["schedule"] if row["kind"] == "day"} == {"A", "B"}
    assert "49,610.78248" not in repr(data)  # issue 13: every amount to the cent (the annex is exact)


def test_sample_prices_are_flagged_and_a_vendor_file_is_not(contract):
    prices = series_from_rows([(DEADLINE, D("2.00"))])
    result = compute_penalty(contract, year=1, shares=100, released_on=day(2), prices=prices)
    flagged = penalty_statement_context(contract, result, as_of=day(2),
                                        prices_source="fixtures/prices/kxin-sample.csv", outstanding=True)
    assert flagged["prices"]["sample"] and flagged["prices"]["name"] == "kxin-sample.csv"
    assert not penalty_statement_context(contract, result, as_of=day(2), prices_source="vendor.csv",
        outstanding=True)["prices"]["sample"]


def test_amounts_in_words_and_figures():
    assert usd(D("1234.565")) == "USD 1,234.57"  # half up, display only
    assert usd_words(D("1240.27")) == "one thousand two hundred forty US dollars and twenty-seven cents"
    assert usd_words(D("1.01")) == "one US dollar and one cent"
    assert [ordinal(n) for n in (1, 2, 3, 11, 12, 13, 21, 60, 500)] == [
        "1st", "2nd", "3rd", "11th", "12th", "13th", "21st", "60th", "500th"]
