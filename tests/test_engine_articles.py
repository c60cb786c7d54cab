"""Rules of SPA 5.2 and the readings, one article at a time."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from helpers.examples import EXAMPLE_1

from compliance.rules.earnout import AssessmentInputError, assess, assess_all_readings


def test_spa_5_2_2_offsets_never_reach_later_years(contract):
    # Year 1's excess cannot restore year 2's later shortfall.
    result = assess(contract, {1: D(900_000_000), 2: D(700_000_000)})
    assert result.year(1).offsets == () and result.year(2).release_shares < 3_000_000
    assert result.year(1).offset_pool_lapsed == result.year(1).offset_pool


def test_spa_5_2_2_pool_is_half_the_excess_and_unused_pool_lapses(contract):
    result = assess(contract, {1: D(664_000_000), 2: D(742_000_000)})
    y2 = result.year(2)
    assert y2.offset_pool == D(5_000_000)
    assert y2.offsets[0].revenue_used == D(1_000_000) and y2.offset_pool_lapsed == D(4_000_000)
    assert result.year(1).released_to_date == 3_000_000


def test_spa_5_2_2_earliest_shortfall_first(contract):
    # Pool of 50,000,000 covers year 1's 65,000,000 shortfall only in part, year 2 gets nothing.
    result = assess(contract, {1: D(600_000_000), 2: D(700_000_000), 3: D(905_000_000)})
    uses = result.year(3).offsets
    assert [(u.to_year, u.revenue_used) for u in uses] == [(1, D(50_000_000))]


def test_spa_5_2_1_deducted_shares_cancelled_at_expiry_only_after_year_5(contract):
    four = assess(contract, {n: D(0) for n in range(1, 5)})
    assert four.cancelled_at_expiry is None and four.retained_shares == 12_000_000
    five = assess(contract, {n: D(0) for n in range(1, 6)})
    assert five.cancelled_at_expiry == 15_000_000 and five.released_shares == 0


def test_reading_spa_excess_year_target_uses_the_excess_years_target(contract):
    result = assess(contract, EXAMPLE_1.amounts(last_year=3), "spa-excess-year-target")
    expected = EXAMPLE_1.other_readings["spa-excess-year-target"][3]
    # 750,000 / 805,000,000 x 3,000,000 = 2,795.03...: the tranche rises from 2,996,926.22... to 2,999,721.25...
    assert result.year(3).offsets[0].additional_shares == expected.offsets[0].additional_shares
    assert result.year(3).release_shares == expected.release_shares


def test_reading_6k_summary_needs_more_than_half_the_target_as_excess(contract):
    below = assess(contract, {1: D(600_000_000), 2: D(1_098_000_000)}, "6k-summary")  # exactly 1.5 x 732m
    assert below.year(2).offsets == ()
    above = assess(contract, {1: D(600_000_000), 2: D("1098000000.01")}, "6k-summary")
    assert above.year(2).offset_pool == D("366000000.01")  # the whole excess
    assert above.year(2).offsets[0].additional_shares == 293_234


def test_all_readings_side_by_side_default_first(contract):
    readings = assess_all_readings(contract, {1: D(600_000_000), 2: D(760_000_000)})
    assert list(readings) == ["spa", "spa-excess-year-target", "6k-summary"]
    assert readings["6k-summary"].year(2).release_shares == 3_000_000


@pytest.mark.parametrize("revenues, message", [
    ({6: D(1)}, "year 6 is not an Assessment Year"),
    ({1: D(-1)}, "non-negative"),
])
def test_bad_revenues_are_refused_with_a_plain_message(contract, revenues, message):
    with pytest.raises(AssessmentInputError, match=message):
        assess(contract, revenues)


def test_unknown_reading_is_refused(contract):
    with pytest.raises(AssessmentInputError, match="unknown reading"):
        assess(contract, {1: D(1)}, "generous")


def test_reading_6k_summary_threshold_comes_from_the_contract(contract):
    readings = dict(contract.readings)
    readings["6k-summary"] = readings["6k-summary"].model_copy(update={"excess_threshold": D("0.01")})
    lower = contract.model_copy(update={"readings": readings})
    revenues = {1: D(600_000_000), 2: D(760_000_000)}  # year 2 exceeds its target by 3.8%
    assert assess(contract, revenues, "6k-summary").year(2).offsets == ()
    assert assess(lower, revenues, "6k-summary").year(2).offsets[0].revenue_used == D(28_000_000)
