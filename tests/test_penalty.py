"""SPA 8.2 late-release penalty against hand-worked cases (docs/contract-reading.md, "Late-release penalty").

Year 1's deadline is 29 January 2027 (SPA 5.1: 30 November 2026 + 60 days), a Friday. With S shares, a day
at close P accrues 0.0001 x S x P and the cap is 0.05 x S x P: at a constant price the sum reaches the cap
on day 500.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.rules.business_days import BusinessCalendar, YearSchedule
from compliance.rules.penalty import (
    PenaltyInputError,
    Period,
    accrual_runs,
    compute_penalty,
    exact_text,
    round_cents,
)
from compliance.values.prices import PriceFileError, series_from_rows

DEADLINE = dt.date(2027, 1, 29)
D = Decimal


def day(n: int) -> dt.date:
    """The n-th day after the Year 1 deadline (day 1 is the first day of delay)."""
    return DEADLINE + dt.timedelta(days=n)


def constant(price: str, since: dt.date = DEADLINE):
    return series_from_rows([(since, D(price))], "constant.csv")


def penalty(contract, n_days: int, prices, shares: int = 3_000_000, **kwargs):
    return compute_penalty(contract, year=1, shares=shares, released_on=day(n_days), prices=prices, **kwargs)


def calendar_2027(*holidays: dt.date) -> BusinessCalendar:
    """A test schedule for 2027 (the State Council has not published it): weekends plus `holidays`."""
    return BusinessCalendar({2027: YearSchedule(2027, "test schedule", frozenset(holidays), frozenset())})


def test_spa_5_1_deadline_is_the_60th_day_after_the_year(contract):
    assert contract.release_deadline(1) == DEADLINE


def test_spa_8_2_on_time_release_owes_nothing(contract):
    # Released on the deadline or before it: no day of delay, and no price is needed at all.
    prices = constant("4.00", since=day(100))
    for n in (0, -10):
        result = penalty(contract, n, prices)
        assert (result.days_late, result.days_counted) == (0, 0)
        assert result.penalty == result.accrued == result.cap == 0
        assert not result.cap_binds
        assert result.to_json()["daily"] == []


def test_spa_8_2_one_day_late(contract):
    # Saturday 30 January 2027 takes Friday's close 4.12: 0.0001 x 3,000,000 x 4.12 = 1,236.00.
    prices = series_from_rows([(dt.date(2027, 1, 28), D("4.10")), (DEADLINE, D("4.12"))])
    result = penalty(contract, 1, prices)
    assert result.days_late == 1
    assert [(d.day, d.price_date, d.close, d.amount) for d in result.days] == [
        (dt.date(2027, 1, 30), DEADLINE, D("4.12"), D("1236"))
    ]
    assert result.accrued == D("1236.00")
    assert result.cap == D("618000.00")  # 0.05 x 3,000,000 x 4.12
    assert result.penalty == D("1236.00")
    assert result.to_json()["penalty"] == "1236.00"


def test_spa_8_2_weekend_and_holiday_gap_takes_the_last_earlier_close(contract):
    # S = 1,000,000, so a day accrues 100 x close. Closes: 29 Jan 4.00, 11 Feb 4.40, Fri 12 Feb 4.50,
    # Tue 16 Feb 4.60 (13-14 Feb a weekend, Mon 15 Feb Washington's Birthday: NASDAQ closed).
    prices = series_from_rows([
        (DEADLINE, D("4.00")), (dt.date(2027, 2, 11), D("4.40")),
        (dt.date(2027, 2, 12), D("4.50")), (dt.date(2027, 2, 16), D("4.60")),
    ])
    result = compute_penalty(contract, year=1, shares=1_000_000, released_on=dt.date(2027, 2, 16), prices=prices)
    assert result.days_late == 18
    by_day = {d.day: d for d in result.days}
    assert by_day[dt.date(2027, 2, 10)].close == D("4.00")
    for weekend_or_holiday in (dt.date(2027, 2, 13), dt.date(2027, 2, 14), dt.date(2027, 2, 15)):
        assert by_day[weekend_or_holiday].price_date == dt.date(2027, 2, 12)
        assert by_day[weekend_or_holiday].amount == D("450")
    # 12 x 400 + 440 + 4 x 450 + 460 = 7,500.00; cap 0.05 x 1,000,000 x 4.60 = 230,000.00
    assert result.accrued == D("7500.00")
    assert (result.cap_price_date, result.cap_close, result.cap) == (dt.date(2027, 2, 16), D("4.60"), D("230000"))
    assert result.penalty == D("7500.00")


@pytest.mark.parametrize(
    ("n_days", "accrued", "payable", "binds"),
    [
        (499, "299400.00", "299400.00", False),  # 499 x 600
        (500, "300000.00", "300000.00", True),  # the sum reaches 5%: the cap binds from day 500
        (730, "438000.00", "300000.00", True),  # 730 x 600, capped
    ],
)
def test_spa_8_2_cap_binds_from_day_500(contract, n_days, accrued, payable, binds):
    # Constant close 2.00, S = 3,000,000: 600.00 a day; cap = 0.05 x 3,000,000 x 2.00 = 300,000.00.
    result = penalty(contract, n_days, constant("2.00"))
    assert result.days_late == result.days_counted == n_days
    assert result.accrued == D(accrued)
    assert result.cap == D("300000.00")
    assert result.penalty == D(payable)
    assert result.cap_binds is binds
    assert result.to_json()["cap_binds"] is binds


def test_spa_8_2_cap_is_valued_at_the_close_of_the_last_day_counted(contract):
    # 600 days late; the close falls from 4.00 to 1.00 on day 300. Daily: 299 x 400 + 301 x 100 = 149,700;
    # cap 0.05 x 1,000,000 x 1.00 = 50,000 binds.
    prices = series_from_rows([(DEADLINE, D("4.00")), (day(300), D("1.00"))])
    result = penalty(contract, 600, prices, shares=1_000_000)
    assert result.accrued == D("149700.00")
    assert result.cap == D("50000.00")
    assert result.penalty == D("50000.00")


def test_spa_8_2_deadline_price_values_every_day_and_the_cap_at_the_deadline(contract):
    # Same facts under `deadline-price`: 600 x 400 = 240,000; cap 0.05 x 1,000,000 x 4.00 = 200,000 binds.
    prices = series_from_rows([(DEADLINE, D("4.00")), (day(300), D("1.00"))])
    result = penalty(contract, 600, prices, shares=1_000_000, valuation="deadline-price")
    assert {d.close for d in result.days} == {D("4.00")}
    assert result.accrued == D("240000.00")
    assert (result.cap_price_date, result.cap) == (DEADLINE, D("200000.00"))
    assert result.penalty == D("200000.00")
    assert result.to_json()["valuation"] == "deadline-price"


def test_spa_8_2_both_valuations_three_days_late(contract):
    # Deadline close 4.00, then 5.00 from Monday 1 February; S = 1,000,000, released Monday 1 February.
    prices = series_from_rows([(DEADLINE, D("4.00")), (dt.date(2027, 2, 1), D("5.00"))])
    daily = penalty(contract, 3, prices, shares=1_000_000)
    fixed = penalty(contract, 3, prices, shares=1_000_000, valuation="deadline-price")
    assert daily.accrued == D("1300.00")  # 400 + 400 + 500
    assert daily.cap == D("250000.00")
    assert fixed.accrued == D("1200.00")  # 3 x 400
    assert fixed.cap == D("200000.00")


def test_spa_8_2_deadline_price_on_a_weekend_deadline_takes_fridays_close(contract):
    # Year 2's deadline, 29 January 2028, is a Saturday: its close is Friday 28 January's.
    prices = series_from_rows([(dt.date(2028, 1, 28), D("3.00")), (dt.date(2028, 1, 31), D("9.00"))])
    result = compute_penalty(contract, year=2, shares=1_000_000, released_on=dt.date(2028, 2, 1), prices=prices,
                             valuation="deadline-price")
    assert result.deadline == dt.date(2028, 1, 29)
    assert result.cap_price_date == dt.date(2028, 1, 28)
    assert result.accrued == D("900.00")  # 3 x 0.0001 x 1,000,000 x 3.00


def test_ea_3_3_dispute_days_are_not_counted(contract):
    # 10 days late; a dispute on the quantity covers days 3 to 5 (both inside): 7 days counted at 2.00.
    dispute = Period(day(3), day(5), "dispute")
    result = penalty(contract, 10, constant("2.00"), shares=1_000_000, excluded=[dispute])
    assert result.days_late == 10
    assert result.days_counted == 7
    assert [d.day for d in result.excluded] == [day(3), day(4), day(5)]
    assert {d.reference for d in result.excluded} == {"EA 3.3"}
    assert result.accrued == D("1400.00")
    data = result.to_json()
    assert data["excluded_days"] == ["2027-02-01", "2027-02-02", "2027-02-03"]
    assert data["days_counted"] == 7


def test_spa_8_1_suspension_at_the_end_moves_the_cap_to_the_last_day_counted(contract):
    # Days 6-10 suspended by Party A (SPA 8.1); the close jumps to 9.00 on day 8, which is not counted.
    prices = series_from_rows([(DEADLINE, D("2.00")), (day(8), D("9.00"))])
    result = penalty(contract, 10, prices, shares=1_000_000, excluded=[Period(day(6), day(10), "suspension")])
    assert result.days_counted == 5
    assert result.cap_close == D("2.00") and result.cap == D("100000.00")
    assert {d.reference for d in result.excluded} == {"SPA 8.1"}


def test_ea_5_2_without_the_documents_every_day_is_party_as(contract):
    result = penalty(contract, 40, constant("2.00"))
    assert (result.party_days("Party A"), result.party_days("Party D")) == (40, 0)
    assert result.to_json()["attribution"]["party_a_days"] == 40


def test_ea_3_2_attribution_split_between_party_a_and_party_d(contract):
    # The agent holds both documents on Monday 8 February 2027 (day 10). Ten business days later (no PRC
    # holiday in this test schedule) is Monday 22 February (day 24): days 1-24 are Party A's, days 25-40
    # Party D's. S = 1,000,000 at 2.00: A 24 x 200 = 4,800, D 16 x 200 = 3,200.
    result = penalty(contract, 40, constant("2.00"), shares=1_000_000,
                     documents_received_on=day(10), calendar=calendar_2027())
    assert result.agent_deadline == dt.date(2027, 2, 22)
    assert (result.party_days("Party A"), result.party_days("Party D")) == (24, 16)
    assert result.party_accrued("Party A") == D("4800.00")
    assert result.party_accrued("Party D") == D("3200.00")
    attribution = result.to_json()["attribution"]
    assert (attribution["party_a_days"], attribution["party_d_days"]) == (24, 16)
    assert result.days[23].party == "Party A" and result.days[24].party == "Party D"


def test_ea_3_2_window_counts_prc_business_days(contract):
    # A (test) PRC holiday on Wednesday 10 February pushes the agent's window to Tuesday 23 February.
    result = penalty(contract, 40, constant("2.00"), documents_received_on=day(10),
                     calendar=calendar_2027(dt.date(2027, 2, 10)))
    assert result.agent_deadline == dt.date(2027, 2, 23)
    assert (result.party_days("Party A"), result.party_days("Party D")) == (25, 15)


def test_ea_3_2_documents_held_before_the_deadline_make_every_late_day_party_ds(contract):
    # Received 4 January 2027: the window ends 18 January, before the deadline. Every late day is Party D's.
    result = penalty(contract, 5, constant("2.00"), documents_received_on=dt.date(2027, 1, 4),
                     calendar=calendar_2027())
    assert (result.party_days("Party A"), result.party_days("Party D")) == (0, 5)


def test_ea_3_3_dispute_inside_the_agents_window_restarts_it(contract):
    # Received day 10 (window to 22 February); a dispute 15-19 February is settled on the 19th; the agent
    # gets ten business days from then: to Friday 5 March 2027.
    dispute = Period(dt.date(2027, 2, 15), dt.date(2027, 2, 19), "dispute")
    result = penalty(contract, 40, constant("2.00"), documents_received_on=day(10), excluded=[dispute],
                     calendar=calendar_2027())
    assert result.agent_deadline == dt.date(2027, 3, 5)
    assert result.days_counted == 35
    assert (result.party_days("Party A"), result.party_days("Party D")) == (30, 5)


def test_spa_8_2_json_has_the_keys_of_issue_6(contract):
    data = penalty(contract, 2, constant("4.00")).to_json()
    for key in ("year", "deadline", "days_late", "accrued", "cap", "penalty", "currency", "valuation",
                "daily", "excluded_days", "attribution"):
        assert key in data
    assert data["currency"] == "USD"
    assert data["deadline"] == "2027-01-29"
    assert set(data["daily"][0]) >= {"date", "close", "amount"}
    assert set(data["attribution"]) >= {"party_a_days", "party_d_days"}
    assert all(isinstance(data[k], str) for k in ("accrued", "cap", "penalty"))


def test_spa_8_2_amounts_stay_exact_and_round_only_for_display(contract):
    # 3,003,074 shares at 4.13: 0.0001 x 3,003,074 x 4.13 = 1,240.269562 a day, exact.
    result = penalty(contract, 1, constant("4.13"), shares=3_003_074)
    assert result.accrued == D("1240.2695620")
    assert result.to_json()["penalty"] == "1240.269562"
    assert result.to_json()["penalty_rounded"] == "1240.27"
    assert round_cents(D("0.005")) == D("0.01")  # half up, not half even
    assert exact_text(D("1230.000000")) == "1230.00"


def test_spa_8_2_no_close_before_the_first_day_counted_names_the_date(contract):
    with pytest.raises(PriceFileError, match="no close on or before 2027-01-30"):
        penalty(contract, 3, constant("4.00", since=day(2)))
    with pytest.raises(PriceFileError, match="no close on or before 2027-01-29"):
        penalty(contract, 3, constant("4.00", since=day(1)), valuation="deadline-price")


def test_spa_8_2_days_after_the_price_file_are_flagged(contract):
    result = penalty(contract, 5, constant("4.00"))
    assert result.warnings and "ends on 2027-01-29" in result.warnings[0]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"year": 6}, "year 6 is not an Assessment Year"),
        ({"shares": 0}, "must be a whole number of shares above zero"),
        ({"valuation": "monthly"}, "'monthly' is not one of daily, deadline-price"),
    ],
)
def test_unusable_arguments_get_one_sentence(contract, kwargs, words):
    arguments = {"year": 1, "shares": 1000, "released_on": day(3), "prices": constant("1.00"), **kwargs}
    with pytest.raises(PenaltyInputError, match=words):
        compute_penalty(contract, **arguments)


def test_a_period_of_unknown_kind_or_backwards_is_refused():
    with pytest.raises(PenaltyInputError, match="not 'dispute'"):
        Period(day(1), day(2), "holiday")
    with pytest.raises(PenaltyInputError, match="ends"):
        Period(day(2), day(1), "dispute")


def test_runs_group_equal_closes_and_break_on_exclusions(contract):
    prices = series_from_rows([(DEADLINE, D("2.00")), (day(6), D("3.00"))])
    result = penalty(contract, 10, prices, shares=1_000_000, excluded=[Period(day(3), day(3), "dispute")])
    runs = accrual_runs(result)
    assert [(r.first, r.last, r.days, r.close, r.subtotal) for r in runs] == [
        (day(1), day(2), 2, D("2.00"), D("400.00")),
        (day(4), day(5), 2, D("2.00"), D("400.00")),
        (day(6), day(10), 5, D("3.00"), D("1500.00")),
    ]
    assert sum(r.subtotal for r in runs) == result.accrued


@settings(max_examples=40, deadline=None)
@given(
    n_days=st.integers(min_value=-5, max_value=800),
    shares=st.integers(min_value=1, max_value=15_000_000),
    cents=st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=8),
    dispute=st.tuples(st.integers(1, 800), st.integers(0, 60)),
    received=st.one_of(st.none(), st.integers(-30, 300)),
)
def test_spa_8_2_invariants(contract, n_days, shares, cents, dispute, received):
    rows = [(DEADLINE + dt.timedelta(days=97 * i), D(c).scaleb(-2)) for i, c in enumerate(cents)]
    period = Period(day(dispute[0]), day(dispute[0] + dispute[1]), "dispute")
    schedules = {y: YearSchedule(y, "test", frozenset(), frozenset()) for y in range(2026, 2031)}
    result = penalty(contract, n_days, series_from_rows(rows), shares=shares, excluded=[period],
                     documents_received_on=None if received is None else day(received),
                     calendar=BusinessCalendar(schedules))
    assert result.days_late == max(0, n_days)
    assert result.days_counted + len(result.excluded) == result.days_late
    assert result.party_days("Party A") + result.party_days("Party D") == result.days_counted
    assert result.penalty == min(result.accrued, result.cap) <= result.cap
    assert result.party_accrued("Party A") + result.party_accrued("Party D") == result.accrued
    if result.days:
        assert result.cap == D("0.05") * shares * result.days[-1].close
    assert all(type(d.amount) is Decimal for d in result.days)
