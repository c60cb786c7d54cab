"""The planner: what a year not yet determined must earn, under every reading (docs/contract-reading.md,
"The planner"). Pure functions over (contract, the revenues known, reading), built on the engine (earnout.py).

For an open year y, with the revenues of the years before it:
- the revenue that meets the target is the target itself (SPA 4.1: "not less than"; rule 1);
- each RMB 1,000,000 below the target deducts 1,000,000 / R_y x T shares (SPA 5.2(1); rule 2);
- the smallest revenue that restores every share still deducted from earlier years is found by inverting
  rule 3 (SPA 5.2(2)), never by search: the pool P* the earlier tranches need, then the smallest excess, to
  the fen, whose pool reaches P*;
- each RMB 1,000,000 of excess restores the rate of the earlier tranche its pool is reaching (earliest first).

Exact throughout: revenues are Decimal, pools and shares Fraction. Years before y with no revenue are left
out, as the engine leaves them out (as if exactly on target: they neither deduct nor restore).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from compliance.contract import READINGS, Contract
from compliance.rules.earnout import READING_RULES, assess

MILLION = Fraction(1_000_000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class EarlierTranche:
    """An earlier tranche with shares still deducted, as the open year finds it."""

    year: int
    target: Decimal
    deducted_exact: Fraction  # T - its exact entitlement: what rule 2 deducted and rule 3 has not restored
    retained_shares: int  # whole shares withheld (rule 4)
    shortfall_left: Decimal  # the shortfall no pool has offset yet: what a later pool may still use
    revenue_to_restore: Fraction  # the use U, in RMB, that restores it in full (may exceed shortfall_left)


@dataclass(frozen=True)
class Segment:
    """While the open year's revenue rises from revenue_from to revenue_to, its pool restores `to_year`."""

    to_year: int
    revenue_from: Fraction  # exclusive under 6k-summary's threshold, else the revenue the pool starts reaching it
    revenue_to: Fraction
    shares_per_million: Fraction  # shares restored per RMB 1,000,000 of the open year's revenue in the range


@dataclass(frozen=True)
class ReadingPlan:
    year: int
    reading: str
    target: Decimal  # the revenue that meets the target (SPA 4.1)
    deducted_per_million: Fraction  # shares deducted per RMB 1,000,000 below target (SPA 5.2(1))
    restored_per_million: Fraction  # shares restored per RMB 1,000,000 of excess, where restoring starts
    segments: tuple[Segment, ...]
    earlier: tuple[EarlierTranche, ...]  # earlier tranches with shares still deducted
    deducted_exact: Fraction  # sum over `earlier`
    retained_shares: int  # whole shares still deducted from earlier years
    pool_needed: Fraction  # the pool that restores the most it can (all, when restorable)
    restorable: bool  # some revenue restores every deducted share (False when nothing is deducted)
    restoring_revenue: Decimal | None  # the smallest revenue restoring all (restorable) or the most (not)
    restored_exact: Fraction  # restored at restoring_revenue
    restored_shares: int  # additional whole shares released at restoring_revenue
    release_shares: int  # the year's whole release at restoring_revenue (its tranche plus restorations)
    left_deducted: int  # whole shares no revenue of this year restores
    threshold_revenue: Decimal | None  # 6k-summary: an excess counts only above this revenue
    restored_on_crossing: int  # 6k-summary: whole shares restored at once one fen above the threshold
    references: tuple[str, ...]

    @property
    def nothing_deducted(self) -> bool:
        return self.retained_shares == 0


def _ceil_cent(amount: Fraction) -> Decimal:
    return Decimal(math.ceil(amount * 100)).scaleb(-2)


def _floor_cent(amount: Fraction) -> Decimal:
    return Decimal(math.floor(amount * 100)).scaleb(-2)


def _share_of_excess(contract: Contract) -> Fraction:
    return Fraction(contract.offset.share_of_excess.value)  # SPA 5.2(2): "50% of the excess amount"


def _half_pool(contract: Contract, target: Decimal, pool: Fraction) -> Decimal:
    # SPA 5.2(2): P = 50% x E, so the smallest excess, to the fen, whose pool reaches P is ceil(P / 50%).
    return _ceil_cent(pool / _share_of_excess(contract))


def _threshold_pool(contract: Contract, target: Decimal, pool: Fraction) -> Decimal:
    # 6-K cover text: P = E only when E > 50% x R_y (strictly), so E is at least one fen above that threshold.
    above = _floor_cent(Fraction(_threshold(contract, target) - target)) + CENT
    return max(_ceil_cent(pool), above)


def _threshold(contract: Contract, target: Decimal) -> Decimal:
    return target + target * contract.readings["6k-summary"].excess_threshold


@dataclass(frozen=True)
class _Inverse:
    smallest_excess: Callable[[Contract, Decimal, Fraction], Decimal]  # (contract, R_y, pool) -> excess E
    pool_per_excess: Callable[[Contract], Fraction]  # the pool each RMB of excess adds, once it counts
    threshold: bool  # the excess counts only above 6k-summary's threshold


_INVERSES = {
    "spa": _Inverse(_half_pool, _share_of_excess, threshold=False),
    "spa-excess-year-target": _Inverse(_half_pool, _share_of_excess, threshold=False),
    "6k-summary": _Inverse(_threshold_pool, lambda contract: Fraction(1), threshold=True),
}
assert set(_INVERSES) == set(READINGS) == set(READING_RULES)


def _earlier_tranches(contract: Contract, earlier: Mapping[int, Decimal], reading: str,
                      divisor_of: Callable[[Decimal], Decimal]) -> list[EarlierTranche]:
    """Each earlier tranche's standing after the years before the open one, from the engine's own result."""
    assessed = assess(contract, earlier, reading)
    tranche = assessed.tranche_shares
    used: dict[int, Decimal] = {}
    for result in assessed.years:
        for use in result.offsets:
            used[use.to_year] = used.get(use.to_year, Decimal(0)) + use.revenue_used
    found = []
    for result in assessed.years:
        deducted = tranche - result.entitlement_exact
        left = result.shortfall - used.get(result.year, Decimal(0))
        if deducted <= 0 and left <= 0:
            continue
        # SPA 5.2(2): a use U restores U / divisor x T, so U = deducted x divisor / T restores it in full.
        to_restore = deducted * Fraction(divisor_of(result.target)) / tranche
        found.append(EarlierTranche(result.year, result.target, deducted, result.retained_shares, left, to_restore))
    return found


def plan_year(contract: Contract, revenues: Mapping[int, Decimal], year: int,
              reading: str | None = None) -> ReadingPlan:
    """What open year `year` must earn under `reading`, given the revenues of the years before it."""
    reading = reading or contract.default_reading
    rule, inverse = READING_RULES[reading], _INVERSES[reading]
    target = next(item.target_revenue for item in contract.assessment_years if item.number == year)  # SPA 4.1
    earlier = {number: amount for number, amount in revenues.items() if number < year}
    tranche = contract.tranche_shares

    def divisor_of(earlier_target: Decimal) -> Decimal:
        # "the Target Operating Revenue of the particular period": R_k by default, R_y in spa-excess-year-target.
        return target if rule.divide_by_excess_year_target else earlier_target

    tranches = _earlier_tranches(contract, earlier, reading, divisor_of)
    # Walk the pool earliest first (rule 3): each tranche with shortfall left takes min(pool left, its shortfall
    # left), and gains shares only until it is whole (the cap); the pool that reaches the last gain is P*.
    per_excess = inverse.pool_per_excess(contract)
    start = Fraction(_threshold(contract, target) - target) if inverse.threshold else Fraction(0)
    segments, pool, pool_needed = [], Fraction(0), Fraction(0)
    for item in tranches:
        if item.shortfall_left <= 0:
            continue
        gaining = min(item.revenue_to_restore, Fraction(item.shortfall_left))
        if gaining > 0:
            pool_needed = pool + gaining
            rate = per_excess * MILLION * tranche / Fraction(divisor_of(item.target))
            low, high = pool / per_excess, (pool + gaining) / per_excess  # excess range, before the threshold
            if high > start:
                segments.append(Segment(item.year, Fraction(target) + max(low, start), Fraction(target) + high, rate))
        pool += Fraction(item.shortfall_left)
    restorable = bool(tranches) and all(0 < item.revenue_to_restore <= item.shortfall_left
                                        for item in tranches if item.deducted_exact > 0)
    restoring = None
    restored_exact, restored_shares, release = Fraction(0), 0, int(tranche)
    if pool_needed > 0:
        restoring = target + inverse.smallest_excess(contract, target, pool_needed)
        result = assess(contract, {**earlier, year: restoring}, reading).year(year)
        restored_exact = sum((use.restored_exact for use in result.offsets), Fraction(0))
        restored_shares = sum(use.additional_shares for use in result.offsets)
        release = result.release_shares
    crossing = 0
    if inverse.threshold and pool_needed > 0:
        above = _floor_cent(Fraction(_threshold(contract, target))) + CENT
        crossing = sum(use.additional_shares for use in
                       assess(contract, {**earlier, year: above}, reading).year(year).offsets)
    retained = sum(item.retained_shares for item in tranches)
    references = [contract.deduction.reference]  # SPA 5.2(1)
    if tranches:
        references.append(contract.offset.share_of_excess.reference)  # SPA 5.2(2)
    return ReadingPlan(
        year=year, reading=reading, target=target,
        # SPA 5.2(1): (Target - Actual) / Target x one-fifth of the Consideration Shares, per RMB 1,000,000.
        deducted_per_million=MILLION / Fraction(target) * tranche,
        restored_per_million=segments[0].shares_per_million if segments else Fraction(0),
        segments=tuple(segments),
        earlier=tuple(item for item in tranches if item.deducted_exact > 0),
        deducted_exact=sum((item.deducted_exact for item in tranches), Fraction(0)),
        retained_shares=retained,
        pool_needed=pool_needed,
        restorable=restorable and retained > 0,
        restoring_revenue=restoring,
        restored_exact=restored_exact,
        restored_shares=restored_shares,
        release_shares=release,
        left_deducted=retained - restored_shares,
        threshold_revenue=_threshold(contract, target) if inverse.threshold else None,
        restored_on_crossing=crossing,
        references=tuple(references),
    )


def open_years(contract: Contract, revenues: Mapping[int, Decimal]) -> list[int]:
    """The Assessment Years with no revenue yet, in contract order."""
    return [item.number for item in contract.assessment_years if item.number not in revenues]


def plan_all(contract: Contract, revenues: Mapping[int, Decimal]) -> dict[int, dict[str, ReadingPlan]]:
    """Every open year under every reading (the contract's default first)."""
    order = [contract.default_reading] + [name for name in READINGS if name != contract.default_reading]
    return {year: {name: plan_year(contract, revenues, year, name) for name in order}
            for year in open_years(contract, revenues)}


@dataclass(frozen=True)
class CurvePoint:
    revenue: Decimal
    tranche_shares: int  # the year's own tranche released (rules 1, 2 and 4)
    release_shares: int  # with the earlier shares it restores (rule 3)


def release_curve(contract: Contract, revenues: Mapping[int, Decimal], year: int, reading: str | None = None,
                  *, upto: Decimal | None = None) -> tuple[CurvePoint, ...]:
    """What the open year releases against its revenue, at every point where the slope changes (the engine's
    figures: between two points the exact entitlement is linear, so a line through them is the curve)."""
    plan = plan_year(contract, revenues, year, reading)
    earlier = {number: amount for number, amount in revenues.items() if number < year}
    marks = {Decimal(0), plan.target}
    for segment in plan.segments:
        marks |= {_ceil_cent(segment.revenue_from), _ceil_cent(segment.revenue_to)}
    if plan.threshold_revenue is not None:
        marks |= {_floor_cent(Fraction(plan.threshold_revenue)), _floor_cent(Fraction(plan.threshold_revenue)) + CENT}
    if plan.restoring_revenue is not None:
        marks |= {plan.restoring_revenue - CENT, plan.restoring_revenue}
    end = upto or _ceil_cent(Fraction(max(marks)) * Fraction(11, 10))
    marks = sorted(mark for mark in marks | {end} if mark <= end)
    points = []
    for revenue in marks:
        result = assess(contract, {**earlier, year: revenue}, plan.reading).year(year)
        points.append(CurvePoint(revenue, result.tranche_release_shares, result.release_shares))
    return tuple(points)
