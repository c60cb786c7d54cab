"""The worked examples of docs/contract-reading.md, to the share (SPA 4.1, 5.1, 5.2)."""

from __future__ import annotations

from helpers.examples import WORKED_EXAMPLES

from compliance.rules.earnout import assess
from compliance.values.money import fraction_to_decimal


def releases(result):
    return {year.year: year.release_shares for year in result.years}


def offsets(year, *fields: str) -> list[tuple]:
    """A year's SPA 5.2(2) offsets as (to_year, *fields) rows, for the engine's year and the example's alike."""
    return [(use.to_year, *(getattr(use, name) for name in fields)) for use in year.offsets]


def test_worked_example_1_five_years_all_restored(contract):
    example = WORKED_EXAMPLES["1"]
    result = assess(contract, example.amounts())
    assert releases(result) == example.releases
    y2, y3, y4, y5 = (result.year(n) for n in (2, 3, 4, 5))
    e2, e3, e4, e5 = (example.years[n] for n in (2, 3, 4, 5))
    assert y2.shortfall == e2.shortfall and y2.deductible_exact == e2.deductible_exact
    assert fraction_to_decimal(y2.deductible_exact, 2) == e2.deductible_cents
    assert y3.offset_pool == e3.offset_pool
    assert offsets(y3, "revenue_used", "additional_shares") == offsets(e3, "revenue_used", "additional_shares")
    assert y3.tranche_release_shares == e3.tranche_release_shares
    assert y4.shortfall == e4.shortfall
    assert y5.offset_pool == e5.offset_pool
    assert offsets(y5, "additional_shares") == offsets(e5, "additional_shares")
    assert result.released_shares == example.totals.released_shares
    assert result.retained_shares == example.totals.retained_shares
    assert result.unassessed_shares == example.totals.unassessed_shares
    assert result.cancelled_at_expiry == example.totals.cancelled_at_expiry


def test_worked_example_2_one_excess_restores_two_earlier_years(contract):
    example = WORKED_EXAMPLES["2"]
    result = assess(contract, example.amounts())
    assert releases(result) == example.releases
    y3, e3 = result.year(3), example.years[3]
    assert y3.offset_pool == e3.offset_pool
    assert offsets(y3, "additional_shares") == offsets(e3, "additional_shares")
    assert result.year(1).released_to_date == example.years[1].released_to_date
    assert result.year(2).released_to_date == example.years[2].released_to_date


def test_worked_example_3_partial_offset(contract):
    example = WORKED_EXAMPLES["3"]
    result = assess(contract, example.amounts())
    assert releases(result) == example.releases
    y1, e1 = result.year(1), example.years[1]
    assert y1.entitlement_exact == e1.entitlement_exact
    assert fraction_to_decimal(y1.entitlement_exact, 2) == e1.entitlement_cents
    assert y1.released_to_date == e1.released_to_date and y1.retained_shares == e1.retained_shares
    assert result.year(2).offsets[0].additional_shares == example.years[2].offsets[0].additional_shares


def test_worked_example_4_exact_target_is_met(contract):
    example = WORKED_EXAMPLES["4-on-target"]
    result = assess(contract, example.amounts())
    assert result.year(1).met and releases(result) == example.releases


def test_worked_example_4_one_fen_short_loses_one_share(contract):
    example = WORKED_EXAMPLES["4-one-fen-short"]
    result = assess(contract, example.amounts())
    year = result.year(1)
    assert not year.met and year.deductible_exact == example.years[1].deductible_exact
    assert year.release_shares == example.releases[1] and result.retained_shares == example.totals.retained_shares
