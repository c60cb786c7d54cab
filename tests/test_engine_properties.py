"""Invariants of the engine over random revenue series (hypothesis)."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance.contract import load_contract
from compliance.rules.earnout import assess

CONTRACT = load_contract()
READINGS = st.sampled_from(["spa", "spa-excess-year-target", "6k-summary"])
revenue = st.integers(min_value=0, max_value=3_000_000_000_00).map(lambda fen: Decimal(fen) / 100)
series = st.dictionaries(st.integers(min_value=1, max_value=5), revenue, min_size=0, max_size=5)


@given(series, READINGS)
@settings(max_examples=300, deadline=None)
def test_rule_7_released_plus_retained_plus_unassessed_is_15_million(revenues, reading):
    result = assess(CONTRACT, revenues, reading)
    assert result.released_shares + result.retained_shares + result.unassessed_shares == 15_000_000
    # at every step: each prefix of the chronological series keeps the invariant too
    for last in range(1, 6):
        prefix = {y: a for y, a in revenues.items() if y <= last}
        step = assess(CONTRACT, prefix, reading)
        assert step.released_shares + step.retained_shares + step.unassessed_shares == 15_000_000


@given(series, READINGS)
@settings(max_examples=300, deadline=None)
def test_a_tranche_never_exceeds_3_million_and_restores_never_exceed_its_deduction(revenues, reading):
    result = assess(CONTRACT, revenues, reading)
    for year in result.years:
        assert 0 <= year.released_to_date <= 3_000_000
        assert 0 <= year.restored_exact <= year.deductible_exact
        assert year.release_shares >= year.tranche_release_shares
        # SPA 5.2(1)/(2): whole shares by the floor: never more than one share lost to rounding
        assert year.entitlement_exact - year.released_to_date < 1


@given(series, READINGS, st.randoms(use_true_random=False))
@settings(max_examples=200, deadline=None)
def test_supplying_years_in_any_order_gives_the_same_result(revenues, reading, rnd: random.Random):
    items = list(revenues.items())
    rnd.shuffle(items)
    assert assess(CONTRACT, dict(items), reading) == assess(CONTRACT, revenues, reading)


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=5, max_size=5), READINGS)
@settings(max_examples=100, deadline=None)
def test_revenue_at_or_above_every_target_releases_exactly_3_million_each_year(extra, reading):
    revenues = {year.number: year.target_revenue + extra[year.number - 1] for year in CONTRACT.assessment_years}
    result = assess(CONTRACT, revenues, reading)
    assert [year.release_shares for year in result.years] == [3_000_000] * 5
    assert result.cancelled_at_expiry == 0


@given(series, READINGS)
@settings(max_examples=200, deadline=None)
def test_releases_over_the_years_add_up_to_the_released_total(revenues, reading):
    result = assess(CONTRACT, revenues, reading)
    assert sum(year.release_shares for year in result.years) == result.released_shares
