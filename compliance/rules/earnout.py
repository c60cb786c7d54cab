"""The earn-out engine: pure functions over (contract, audited revenues by year, reading).

Implements `docs/contract-reading.md` exactly. Exact arithmetic throughout: revenues are Decimal, share
entitlements are Fraction; the only rounding is the floor that turns a tranche's exact entitlement into
whole shares (rule 4). Years are always processed in contract order, so the result does not depend on the
order in which they are supplied.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from compliance.contract import READINGS, Contract


class AssessmentInputError(ValueError):
    """Revenues the engine cannot assess (unknown year, negative amount)."""


@dataclass(frozen=True)
class OffsetUse:
    """Part of a year's excess pool used against an earlier year's shortfall (SPA 5.2(2))."""

    to_year: int
    revenue_used: Decimal
    restored_exact: Fraction  # shares added to tranche `to_year`'s exact entitlement
    additional_shares: int  # the rise of that tranche's whole-share floor: what is released now


@dataclass(frozen=True)
class YearResult:
    year: int
    period_start: dt.date
    period_end: dt.date
    target: Decimal
    actual: Decimal
    met: bool
    shortfall: Decimal
    excess: Decimal
    deductible_exact: Fraction  # SPA 5.2(1) formula, before any restoration
    tranche_release_shares: int  # whole shares of this year's own tranche released on its determination
    offset_pool: Decimal  # revenue this year's excess offers to earlier shortfalls (0 when none counts)
    offset_pool_lapsed: Decimal  # the part no earlier shortfall needed; it lapses
    offsets: tuple[OffsetUse, ...]
    release_shares: int  # tranche release plus the additional shares of every offset
    release_deadline: dt.date
    references: tuple[str, ...]
    # The tranche's standing after every year supplied (later offsets included):
    entitlement_exact: Fraction
    released_to_date: int
    restored_exact: Fraction
    retained_shares: int  # deducted and not restored: kept in escrow for cancellation (SPA 5.2(1))


@dataclass(frozen=True)
class Assessment:
    contract_id: str
    reading: str
    consideration_shares: int
    tranche_shares: Fraction
    years: tuple[YearResult, ...]
    released_shares: int
    retained_shares: int
    unassessed_shares: int
    cancelled_at_expiry: int | None  # SPA 5.2(1): known once every year is determined

    def year(self, number: int) -> YearResult:
        for result in self.years:
            if result.year == number:
                return result
        raise KeyError(number)


@dataclass
class _Tranche:
    target: Decimal
    entitlement: Fraction
    deduction: Fraction
    shortfall_left: Decimal
    released: int  # floor of the entitlement at the last determination


def _half_of_excess(contract: Contract, target: Decimal, excess: Decimal) -> Decimal:
    return excess * contract.offset.share_of_excess.value  # SPA 5.2(2): 50% of the excess amount


def _excess_above_threshold(contract: Contract, target: Decimal, excess: Decimal) -> Decimal:
    # 6-K cover text: only an excess of more than 50% of the target counts, and then all of it.
    threshold = contract.readings["6k-summary"].excess_threshold
    return excess if excess > target * threshold else Decimal(0)


@dataclass(frozen=True)
class ReadingRule:
    """What a reading of SPA 5.2(2) changes (the contract file describes each reading in words)."""

    pool: Callable[[Contract, Decimal, Decimal], Decimal]  # (contract, target, excess) -> revenue offered
    divide_by_excess_year_target: bool  # "the Target Operating Revenue of the particular period" is R_y, not R_k
    restoring_excess_known: bool  # a shortfall S is restored in full by a later excess of S / share_of_excess


READING_RULES: dict[str, ReadingRule] = {
    "spa": ReadingRule(_half_of_excess, divide_by_excess_year_target=False, restoring_excess_known=True),
    "spa-excess-year-target": ReadingRule(_half_of_excess, divide_by_excess_year_target=True,
                                          restoring_excess_known=True),
    "6k-summary": ReadingRule(_excess_above_threshold, divide_by_excess_year_target=False,
                              restoring_excess_known=False),
}
assert set(READING_RULES) == set(READINGS)


def assess(contract: Contract, revenues: Mapping[int, Decimal], reading: str | None = None) -> Assessment:
    """Determine every supplied year under `reading` (the contract's default when None)."""
    reading = reading or contract.default_reading
    if reading not in READING_RULES:
        raise AssessmentInputError(f"unknown reading '{reading}'; choose one of {', '.join(READINGS)}")
    known = {year.number for year in contract.assessment_years}
    for number, amount in revenues.items():
        if number not in known:
            raise AssessmentInputError(f"year {number} is not an Assessment Year (1-{len(known)})")
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount < 0:
            raise AssessmentInputError(f"revenue for year {number} must be a non-negative Decimal")

    rule = READING_RULES[reading]
    tranche = contract.tranche_shares  # T = C / 5 (SPA 5.1)
    tranches: dict[int, _Tranche] = {}
    partial: list[dict] = []

    for year in contract.assessment_years:  # contract order, whatever order the caller used
        if year.number not in revenues:
            continue
        actual = revenues[year.number]
        target = year.target_revenue  # SPA 4.1
        met = actual >= target  # SPA 5.1: the target achieved releases the whole tranche
        shortfall = Decimal(0) if met else target - actual
        excess = actual - target if met else Decimal(0)
        # SPA 5.2(1): Deductible Shares = (Target - Actual) / Target x one-fifth of the Consideration Shares
        deductible = Fraction(shortfall) / Fraction(target) * tranche
        own = _Tranche(target, tranche - deductible, deductible, shortfall, 0)
        own.released = math.floor(own.entitlement)  # docs/contract-reading.md rule 4: whole shares by the floor
        tranches[year.number] = own

        # SPA 5.2(2): the pool offsets shortfalls of previous years, earliest first; unused pool lapses.
        pool = rule.pool(contract, target, excess) if excess > 0 else Decimal(0)
        left = pool
        uses: list[OffsetUse] = []
        for earlier in sorted(k for k in tranches if k < year.number):
            previous = tranches[earlier]
            if left <= 0:
                break
            if previous.shortfall_left <= 0:
                continue
            used = min(left, previous.shortfall_left)
            # "the Target Operating Revenue of the particular period": R_k by default, R_y in the
            # spa-excess-year-target reading; never more than the tranche's own deduction.
            divisor = target if rule.divide_by_excess_year_target else previous.target
            restored = min(Fraction(used) / Fraction(divisor) * tranche, tranche - previous.entitlement)
            previous.entitlement += restored
            previous.shortfall_left -= used
            left -= used
            new_floor = math.floor(previous.entitlement)
            uses.append(OffsetUse(earlier, used, restored, new_floor - previous.released))
            previous.released = new_floor

        references = [year.reference, contract.release.days_after_year_end.reference]  # SPA 4.1, SPA 5.1
        if not met:
            references.append(contract.deduction.reference)  # SPA 5.2(1)
        if uses:
            references.append(contract.offset.share_of_excess.reference)  # SPA 5.2(2)
        partial.append(
            dict(
                year=year.number,
                period_start=year.start,
                period_end=year.end,
                target=target,
                actual=actual,
                met=met,
                shortfall=shortfall,
                excess=excess,
                deductible_exact=deductible,
                tranche_release_shares=own.released,
                offset_pool=pool,
                offset_pool_lapsed=left,
                offsets=tuple(uses),
                release_shares=own.released + sum(use.additional_shares for use in uses),
                release_deadline=contract.release_deadline(year.number),
                references=tuple(references),
            )
        )

    results = []
    for row in partial:
        state = tranches[row["year"]]
        results.append(
            YearResult(
                **row,
                entitlement_exact=state.entitlement,
                released_to_date=state.released,
                restored_exact=state.entitlement - (tranche - state.deduction),
                retained_shares=int(tranche) - state.released,
            )
        )

    released = sum(state.released for state in tranches.values())
    retained = sum(result.retained_shares for result in results)
    unassessed_years = len(contract.assessment_years) - len(tranches)
    unassessed = unassessed_years * int(tranche)
    total = contract.consideration_shares.value
    return Assessment(
        contract_id=contract.id,
        reading=reading,
        consideration_shares=total,
        tranche_shares=tranche,
        years=tuple(results),
        released_shares=released,
        retained_shares=retained,
        unassessed_shares=unassessed,
        # SPA 5.2(1): deducted shares not restored are returned for cancellation on expiration.
        cancelled_at_expiry=retained if unassessed_years == 0 else None,
    )


def assess_all_readings(contract: Contract, revenues: Mapping[int, Decimal]) -> dict[str, Assessment]:
    """The same revenues under every reading, for side-by-side display (default first)."""
    order = [contract.default_reading] + [name for name in READINGS if name != contract.default_reading]
    return {name: assess(contract, revenues, name) for name in order}


@dataclass(frozen=True)
class YearAssessment:
    """One Assessment Year's determination: the revenues of years 1..year assessed once, under every
    reading. Its documents and its ledger record are built from this one object."""

    year: int
    reading: str  # the reading applied; the others are shown beside it
    readings: Mapping[str, Assessment]  # every reading, the contract's default first

    @property
    def assessment(self) -> Assessment:
        return self.readings[self.reading]

    @property
    def result(self) -> YearResult:
        return self.assessment.year(self.year)

    @property
    def revenues(self) -> dict[int, Decimal]:
        return {result.year: result.actual for result in self.assessment.years}

    @property
    def is_last_year(self) -> bool:
        return self.assessment.cancelled_at_expiry is not None


def assess_year(contract: Contract, revenues: Mapping[int, Decimal], year: int,
                reading: str | None = None) -> YearAssessment:
    """A year's determination sees the revenues of that year and the years before it, never later ones
    (a later offset is a later determination with its own documents)."""
    used = {number: amount for number, amount in revenues.items() if number <= year}
    if year not in used:
        raise AssessmentInputError(f"no audited revenue for Assessment Year {year}")
    readings = assess_all_readings(contract, used)
    return YearAssessment(year, reading or contract.default_reading, readings)
