"""The planner (issue 33): what an open year must earn, checked against the worked examples of
docs/contract-reading.md to the share and the fen, and against the engine itself for random earlier revenues:
the restoring revenue R restores every deducted share, and R less one fen does not, under every reading."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from helpers.cli import invoke
from helpers.examples import EXAMPLE_1
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance.contract import READINGS, load_contract
from compliance.rules.earnout import assess
from compliance.rules.plan import open_years, plan_all, plan_year, release_curve

CONTRACT = load_contract()
FEN = Decimal("0.01")
T = 3_000_000


def released(revenues: dict[int, Decimal], year: int, reading: str) -> int:
    return assess(CONTRACT, revenues, reading).year(year).release_shares


def retained_before(revenues: dict[int, Decimal], year: int, reading: str) -> int:
    """Whole shares still deducted from the years before `year` once `year` is assessed too."""
    return sum(result.retained_shares for result in assess(CONTRACT, revenues, reading).years if result.year < year)


# --- docs/contract-reading.md, section 4 and 5, read as plans for the next year ---------------------------------


def test_example_1_year_2_nothing_is_deducted_so_there_is_nothing_to_restore():
    plans = plan_all(CONTRACT, EXAMPLE_1.amounts(last_year=1))
    assert list(plans) == [2, 3, 4, 5]
    for plan in plans[2].values():
        assert plan.target == Decimal("732000000") and plan.nothing_deducted and not plan.restorable
        assert plan.restoring_revenue is None and plan.segments == () and plan.restored_per_million == 0
        # rule 2: 3,000,000 x 1,000,000 / 732,000,000
        assert plan.deducted_per_million == Fraction(250_000, 61)  # 4,098.36...


def test_example_1_year_3_restoring_revenue_806_500_000_restores_the_3_074_of_year_2():
    revenues = EXAMPLE_1.amounts(last_year=2)
    plan = plan_year(CONTRACT, revenues, 3, "spa")
    assert plan.retained_shares == 3_000_000 - 2_996_926 == 3_074
    assert plan.deducted_exact == Fraction(187_500, 61)  # example 1's year 2 deduction
    # 750,000 of shortfall needs a pool of 750,000, 50% of an excess of 1,500,000
    assert plan.restoring_revenue == Decimal("806500000.00") and plan.restorable
    assert (plan.restored_shares, plan.release_shares) == (3_074, 3_003_074)  # example 1's year 3: 3,000,000 + 3,074
    assert released({**revenues, 3: Decimal("912234567.00")}, 3, "spa") == EXAMPLE_1.releases[3]
    assert retained_before({**revenues, 3: plan.restoring_revenue - FEN}, 3, "spa") == 1


def test_example_1_year_3_spa_excess_year_target_restores_2_795_and_279_stay():
    plan = plan_year(CONTRACT, EXAMPLE_1.amounts(last_year=2), 3, "spa-excess-year-target")
    # 750,000 / 805,000,000 x 3,000,000 = 2,795.03...: the doc's +2,795; 279 of tranche 2 are cancelled
    assert not plan.restorable and plan.restoring_revenue == Decimal("806500000.00")
    assert (plan.restored_shares, plan.left_deducted, plan.release_shares) == (2_795, 279, 3_002_795)
    assert plan.restored_exact == Fraction(750_000, 805_000_000) * T


def test_example_1_year_5_under_every_reading():
    plans = plan_all(CONTRACT, EXAMPLE_1.amounts(last_year=4))[5]
    spa, excess_year, six_k = plans["spa"], plans["spa-excess-year-target"], plans["6k-summary"]
    # spa: 14,995,788.65 of shortfall, an excess of twice that: 974,000,000 + 29,991,577.30
    assert spa.restoring_revenue == Decimal("1003991577.30") and spa.restorable
    assert (spa.restored_shares, spa.release_shares) == (50_834, 3_050_834)
    # spa-excess-year-target: +46,189 at most; 4,924 cancelled (279 from tranche 2, 4,645 from tranche 4)
    assert not excess_year.restorable
    assert [(item.year, item.retained_shares) for item in excess_year.earlier] == [(2, 279), (4, 50_834)]
    assert (excess_year.restored_shares, excess_year.left_deducted) == (46_189, 4_924)
    # 6k-summary: year 3's excess did not count, so 3,074 + 50,834 = 53,908 are deducted (the doc's cancelled 53,908)
    assert six_k.retained_shares == 53_908 and six_k.restorable
    assert six_k.restoring_revenue == Decimal("1461000000.01") and six_k.restored_shares == 53_908
    assert retained_before({**EXAMPLE_1.amounts(last_year=4), 5: Decimal("1461000000.00")}, 5, "6k-summary") == 53_908


def test_example_2_year_3_one_excess_restores_two_earlier_years():
    revenues = {1: Decimal("600000000"), 2: Decimal("600000000")}
    plans = plan_all(CONTRACT, revenues)[3]
    spa = plans["spa"]
    # shortfalls 65,000,000 + 132,000,000 = 197,000,000: an excess of 394,000,000 (example 2 had 1,195,000,000)
    assert spa.restoring_revenue == Decimal("1199000000.00")
    assert (spa.restored_shares, spa.release_shares) == (293_234 + 540_984, 3_834_218)
    assert [(s.to_year, s.revenue_from, s.revenue_to) for s in spa.segments] == [
        (1, 805_000_000, 935_000_000), (2, 935_000_000, 1_199_000_000)]
    excess_year = plans["spa-excess-year-target"]
    assert (excess_year.release_shares, excess_year.left_deducted) == (3_734_161, 100_057)  # +242,236 and +491,925
    six_k = plans["6k-summary"]
    # more than 50% of 805,000,000: the first fen above 1,207,500,000 (example 2's 2,000,000,000 releases the same)
    assert six_k.restoring_revenue == Decimal("1207500000.01") and six_k.release_shares == 3_834_218
    assert six_k.restored_on_crossing == 834_218


def test_example_3_a_partial_offset_leaves_51_000_000_for_year_3():
    revenues = {1: Decimal("600000000"), 2: Decimal("760000000")}
    plan = plan_year(CONTRACT, revenues, 3, "spa")
    assert plan.retained_shares == 230_076  # 3,000,000 - 2,769,924
    assert plan.earlier[0].shortfall_left == Decimal("51000000")
    assert plan.restoring_revenue == Decimal("907000000.00") and plan.restored_shares == 230_076
    # example 3's year 2: an excess of 28,000,000 restored 1,200,000/19; per 1,000,000 that is 300000/133
    assert plan.restored_per_million == Fraction(1_200_000, 19) / 28 == Fraction(300_000, 133)


def test_spa_excess_year_target_a_shortfall_offset_in_revenue_cannot_be_restored_again():
    revenues = {1: Decimal("664999999.99"), 2: Decimal("732000000.02")}  # year 2's pool used the fen of year 1
    plan = plan_year(CONTRACT, revenues, 3, "spa-excess-year-target")
    assert (plan.retained_shares, plan.restoring_revenue, plan.left_deducted) == (1, None, 1)
    assert plan_year(CONTRACT, revenues, 3, "spa").nothing_deducted


def test_example_4_one_fen_short_is_restored_by_two_fen_of_excess():
    revenues = {1: Decimal("664999999.99")}
    plan = plan_year(CONTRACT, revenues, 2, "spa")
    assert plan.deducted_exact == Fraction(3, 66_500) and plan.retained_shares == 1
    assert plan.restoring_revenue == Decimal("732000000.02") and plan.restored_shares == 1
    assert released({**revenues, 2: Decimal("732000000.01")}, 2, "spa") == 3_000_000  # half a fen restores no share
    excess_year = plan_year(CONTRACT, revenues, 2, "spa-excess-year-target")
    assert not excess_year.restorable and excess_year.left_deducted == 1


def test_6k_summary_exactly_150_percent_does_not_count_one_fen_more_does():
    revenues = {1: Decimal("600000000")}
    plan = plan_year(CONTRACT, revenues, 2, "6k-summary")
    assert plan.threshold_revenue == Decimal("1098000000.00")
    assert plan.restoring_revenue == Decimal("1098000000.01") and plan.release_shares == 3_293_234
    assert released({**revenues, 2: Decimal("1098000000.00")}, 2, "6k-summary") == 3_000_000
    assert plan_year(CONTRACT, revenues, 2, "spa").restoring_revenue == Decimal("862000000.00")


def test_rule_3_earliest_first_the_restoring_revenue_covers_both_years():
    revenues = {1: Decimal("600000000"), 2: Decimal("700000000")}
    plan = plan_year(CONTRACT, revenues, 3, "spa")
    assert plan.restoring_revenue == Decimal("999000000.00")  # 805,000,000 + 2 x (65,000,000 + 32,000,000)
    assert [segment.to_year for segment in plan.segments] == [1, 2]


def test_rule_2_shares_deducted_per_million_below_target():
    for year in CONTRACT.assessment_years:
        plan = plan_year(CONTRACT, {}, year.number)
        assert plan.deducted_per_million == Fraction(T) * 1_000_000 / Fraction(year.target_revenue)
    # example 3's year 1: 65 million short deducts 39,000,000/133
    assert plan_year(CONTRACT, {}, 1).deducted_per_million * 65 == Fraction(39_000_000, 133)


def test_every_year_determined_leaves_nothing_to_plan():
    assert plan_all(CONTRACT, EXAMPLE_1.amounts()) == {} and open_years(CONTRACT, EXAMPLE_1.amounts()) == []


def test_the_segment_rates_are_the_engines_slope():
    revenues = {1: Decimal("600000000"), 2: Decimal("600000000")}
    for reading in ("spa", "spa-excess-year-target"):
        for segment in plan_year(CONTRACT, revenues, 3, reading).segments:
            low = Decimal(int(segment.revenue_from) + 10_000_000)
            offsets = [assess(CONTRACT, {**revenues, 3: amount}, reading).year(3).offsets
                       for amount in (low, low + 1_000_000)]
            gained = [sum(use.restored_exact for use in uses) for uses in offsets]
            assert gained[1] - gained[0] == segment.shares_per_million


def test_the_release_curve_is_the_engine_at_every_point():
    revenues = {1: Decimal("600000000"), 2: Decimal("760000000")}
    for reading in READINGS:
        curve = release_curve(CONTRACT, revenues, 3, reading)
        assert curve[0].revenue == 0 and curve[0].release_shares == 0
        for point in curve:
            assert point.release_shares == released({**revenues, 3: point.revenue}, 3, reading)


# docs/contract-reading.md, "The planner", its table: (revenues, year) -> per reading (restoring revenue or None
# when none restores them all, whole shares restored there, shares that stay deducted)
PLANNER_TABLE = [
    (EXAMPLE_1.amounts(last_year=2), 3, {"spa": ("806500000.00", 3_074, 0),
                                         "spa-excess-year-target": (None, 2_795, 279),
                                         "6k-summary": ("1207500000.01", 3_074, 0)}),
    (EXAMPLE_1.amounts(last_year=4), 5, {"spa": ("1003991577.30", 50_834, 0),
                                         "spa-excess-year-target": (None, 46_189, 4_924),
                                         "6k-summary": ("1461000000.01", 53_908, 0)}),
    ({1: Decimal("600000000"), 2: Decimal("600000000")}, 3, {"spa": ("1199000000.00", 834_218, 0),
                                                             "spa-excess-year-target": (None, 734_161, 100_057),
                                                             "6k-summary": ("1207500000.01", 834_218, 0)}),
    ({1: Decimal("600000000"), 2: Decimal("760000000")}, 3, {"spa": ("907000000.00", 230_076, 0),
                                                             "spa-excess-year-target": (None, 190_063, 45_794),
                                                             "6k-summary": ("1207500000.01", 293_234, 0)}),
    ({1: Decimal("664999999.99")}, 2, {"spa": ("732000000.02", 1, 0), "spa-excess-year-target": (None, 0, 1),
                                       "6k-summary": ("1098000000.01", 1, 0)}),
    ({1: Decimal("600000000")}, 2, {"spa": ("862000000.00", 293_234, 0),
                                    "spa-excess-year-target": (None, 266_394, 26_840),
                                    "6k-summary": ("1098000000.01", 293_234, 0)}),
]


@pytest.mark.parametrize(("revenues", "year", "expected"), PLANNER_TABLE)
def test_the_planner_table_of_contract_reading(revenues, year, expected):
    for reading, (restoring, restored, stays) in expected.items():
        plan = plan_year(CONTRACT, revenues, year, reading)
        found = (str(plan.restoring_revenue) if plan.restorable else None, plan.restored_shares, plan.left_deducted)
        assert found == (restoring, restored, stays), reading


# --- the inversion, against the engine, for random earlier revenues -----------------------------------------------

fen = st.integers(min_value=0, max_value=2_000_000_000_00).map(lambda n: Decimal(n) / 100)
near_target = st.integers(min_value=-150_000_000_00, max_value=150_000_000_00)


@st.composite
def earlier_revenues(draw):
    """An open year and revenues for a random subset of the years before it, mostly near their targets (where the
    shortfalls and the offsets are), sometimes anywhere from 0 to RMB 2,000,000,000."""
    year = draw(st.integers(min_value=2, max_value=5))
    revenues = {}
    for item in CONTRACT.assessment_years[:year - 1]:
        kind = draw(st.sampled_from(["near", "near", "near", "anywhere", "missing"]))
        if kind == "near":
            revenues[item.number] = max(Decimal(0), item.target_revenue + Decimal(draw(near_target)) / 100)
        elif kind == "anywhere":
            revenues[item.number] = draw(fen)
    return year, revenues


PROPERTY_EXAMPLES = 1000


@given(earlier_revenues())
@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_restoring_revenue_restores_everything_and_one_fen_less_does_not(case):
    year, revenues = case
    for reading in READINGS:
        plan = plan_year(CONTRACT, revenues, year, reading)
        before = assess(CONTRACT, revenues, reading).retained_shares
        assert plan.retained_shares == before
        if before == 0:
            assert plan.restoring_revenue is None and not plan.restorable
            continue
        if plan.restoring_revenue is None:  # what is deducted, no pool can reach (its shortfall is offset already)
            assert not plan.restorable and plan.left_deducted == before
            far = assess(CONTRACT, {**revenues, year: CONTRACT.assessment_years[year - 1].target_revenue * 10}, reading)
            assert retained_before({**revenues, year: far.year(year).actual}, year, reading) == before
            continue
        at_r = assess(CONTRACT, {**revenues, year: plan.restoring_revenue}, reading)
        one_fen_less = assess(CONTRACT, {**revenues, year: plan.restoring_revenue - FEN}, reading)
        restored = sum(use.restored_exact for use in at_r.year(year).offsets)
        if plan.restorable:
            assert retained_before({**revenues, year: plan.restoring_revenue}, year, reading) == 0
            assert at_r.year(year).release_shares == T + before
            assert restored == plan.deducted_exact
            assert retained_before({**revenues, year: plan.restoring_revenue - FEN}, year, reading) > 0
        else:
            # no revenue restores them all: R restores the most any revenue does, and R less one fen less than that
            far = assess(CONTRACT, {**revenues, year: plan.restoring_revenue * 10}, reading)
            assert at_r.retained_shares == far.retained_shares > 0
            assert restored == sum(use.restored_exact for use in far.year(year).offsets)
            assert sum(use.restored_exact for use in one_fen_less.year(year).offsets) < restored
        assert at_r.year(year).release_shares - T == plan.restored_shares


# --- assess --plan through the CLI -----------------------------------------------------------------------------


def test_assess_plan_json_gives_every_open_year_under_every_reading():
    done = invoke("assess", "--plan", "--json", "--revenue", "1=600000000", "--revenue", "2=760000000")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert [item["year"] for item in data["open_years"]] == [3, 4, 5]
    year_3 = data["open_years"][0]["readings"]
    assert list(year_3) == ["spa", "spa-excess-year-target", "6k-summary"]
    assert year_3["spa"]["meets_target"] == "805000000.00"
    assert year_3["spa"]["restoring_revenue"] == "907000000.00" and year_3["spa"]["restores_all"] is True
    assert year_3["spa"]["restored_shares"] == 230_076
    assert year_3["spa"]["deducted_per_million_below_target"] == {"shown": "3726.7081", "exact": "600000/161"}
    assert year_3["spa"]["restored_per_million_of_excess"]["exact"] == "300000/133"
    assert year_3["spa-excess-year-target"]["restores_all"] is False
    assert "No revenue restores all" in year_3["spa-excess-year-target"]["note"]
    assert year_3["6k-summary"]["restoring_revenue"] == "1207500000.01"


def test_assess_plan_table_and_its_refusals():
    done = invoke("assess", "--plan", "--revenue", "1=664999999.99")
    assert done.returncode == 0, done.stderr
    shown = " ".join(done.stdout.split())  # the table wraps at the terminal's width
    for text in ("Assessment Year 2", "732,000,000.02", "one fen less, does not", "No revenue restores all 1 share"):
        assert text in shown, text
    assert invoke("assess", "--plan", "--reading", "spa").returncode == 2
    refused = invoke("assess", "--db", "ledger.sqlite", "--revenue", "1=1")
    assert refused.returncode == 2 and "--plan" in refused.stderr


@pytest.mark.parametrize("given", [[], ["--revenue", "3=1"]])
def test_assess_plan_with_no_or_later_revenues_plans_every_open_year(given):
    data = json.loads(invoke("assess", "--plan", "--json", *given).stdout)
    expected = [year for year in range(1, 6) if year != (3 if given else 0)]
    assert [item["year"] for item in data["open_years"]] == expected
