"""The worked examples of contract-reading.md, to the share (SPA 4.1, 5.1, 5.2)."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction

from compliance.rules.earnout import assess
from compliance.values.money import fraction_to_decimal


def releases(result):
    return {year.year: year.release_shares for year in result.years}


def test_worked_example_1_five_years_all_restored(contract):
    result = assess(contract, {1: D("702345678.90"), 2: D("731250000"), 3: D("912234567.00"),
                               4: D("870004211.35"), 5: D("1012456789")})
    assert releases(result) == {1: 3_000_000, 2: 2_996_926, 3: 3_003_074, 4: 2_949_166, 5: 3_050_834}
    y2, y3, y4, y5 = (result.year(n) for n in (2, 3, 4, 5))
    assert y2.shortfall == D("750000.00") and y2.deductible_exact == Fraction(750000, 732000000) * 3_000_000
    assert fraction_to_decimal(y2.deductible_exact, 2) == D("3073.77")
    assert y3.offset_pool == D("53617283.50")
    assert [(u.to_year, u.revenue_used, u.additional_shares) for u in y3.offsets] == [(2, D("750000.00"), 3074)]
    assert y3.tranche_release_shares == 3_000_000
    assert y4.shortfall == D("14995788.65")
    assert y5.offset_pool == D("19228394.50")
    assert [(u.to_year, u.additional_shares) for u in y5.offsets] == [(4, 50_834)]
    assert result.released_shares == 15_000_000
    assert result.retained_shares == 0 and result.unassessed_shares == 0
    assert result.cancelled_at_expiry == 0


def test_worked_example_2_one_excess_restores_two_earlier_years(contract):
    result = assess(contract, {1: D(600_000_000), 2: D(600_000_000), 3: D(2_000_000_000)})
    assert releases(result) == {1: 2_706_766, 2: 2_459_016, 3: 3_834_218}
    y3 = result.year(3)
    assert y3.offset_pool == D("597500000.0")
    assert [(u.to_year, u.additional_shares) for u in y3.offsets] == [(1, 293_234), (2, 540_984)]
    assert result.year(1).released_to_date == 3_000_000 and result.year(2).released_to_date == 3_000_000


def test_worked_example_3_partial_offset(contract):
    result = assess(contract, {1: D(600_000_000), 2: D(760_000_000)})
    assert releases(result) == {1: 2_706_766, 2: 3_063_158}
    y1 = result.year(1)
    assert y1.entitlement_exact == Fraction(3_000_000) - Fraction(65_000_000 - 14_000_000, 665_000_000) * 3_000_000
    assert fraction_to_decimal(y1.entitlement_exact, 2) == D("2769924.81")
    assert y1.released_to_date == 2_769_924 and y1.retained_shares == 230_076
    assert result.year(2).offsets[0].additional_shares == 63_158


def test_worked_example_4_exact_target_is_met(contract):
    result = assess(contract, {1: D("665000000")})
    assert result.year(1).met and releases(result) == {1: 3_000_000}


def test_worked_example_4_one_fen_short_loses_one_share(contract):
    result = assess(contract, {1: D("664999999.99")})
    year = result.year(1)
    assert not year.met and year.deductible_exact == Fraction(1, 100) / 665_000_000 * 3_000_000
    assert year.release_shares == 2_999_999 and result.retained_shares == 1
