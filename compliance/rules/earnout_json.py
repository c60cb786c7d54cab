"""The engine's results as JSON-ready dicts: money as decimal strings, shares as integers, dates ISO."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from compliance.rules.earnout import Assessment, YearResult
from compliance.values.money import cents, fraction_text, fraction_to_decimal


def year_json(result: YearResult, as_of: dt.date | None = None) -> dict:
    data = {
        "year": result.year,
        "period_start": result.period_start.isoformat(),
        "period_end": result.period_end.isoformat(),
        "target": cents(result.target),
        "actual": cents(result.actual),
        "met": result.met,
        "shortfall": cents(result.shortfall),
        "excess": cents(result.excess),
        "deductible_shares": str(fraction_to_decimal(result.deductible_exact, 4)),
        "deductible_shares_exact": fraction_text(result.deductible_exact),
        "tranche_release_shares": result.tranche_release_shares,
        "offset_pool": cents(result.offset_pool),
        "offset_pool_lapsed": cents(result.offset_pool_lapsed),
        "offsets": [
            {
                "to_year": use.to_year,
                "revenue_used": cents(use.revenue_used),
                "restored_shares_exact": fraction_text(use.restored_exact),
                "additional_shares": use.additional_shares,
            }
            for use in result.offsets
        ],
        "release_shares": result.release_shares,
        "release_deadline": result.release_deadline.isoformat(),
        "references": list(result.references),
        "tranche_entitlement_exact": fraction_text(result.entitlement_exact),
        "tranche_released_to_date": result.released_to_date,
        "tranche_retained_shares": result.retained_shares,
    }
    if as_of is not None:
        data["days_to_deadline"] = (result.release_deadline - as_of).days
    return data


def summary_json(assessment: Assessment) -> dict:
    return {
        "released_shares": assessment.released_shares,
        "retained_shares": assessment.retained_shares,
        "unassessed_shares": assessment.unassessed_shares,
        "cancelled_at_expiry": assessment.cancelled_at_expiry,
        "years": [{"year": y.year, "release_shares": y.release_shares} for y in assessment.years],
    }


def assessment_json(
    assessment: Assessment, other_readings: Mapping[str, Assessment] = {}, as_of: dt.date | None = None
) -> dict:
    data = {
        "contract": assessment.contract_id,
        "reading": assessment.reading,
        "as_of": as_of.isoformat() if as_of else None,
        "consideration_shares": assessment.consideration_shares,
        "years": [year_json(result, as_of) for result in assessment.years],
        "released_shares": assessment.released_shares,
        "retained_shares": assessment.retained_shares,
        "unassessed_shares": assessment.unassessed_shares,
        "cancelled_at_expiry": assessment.cancelled_at_expiry,
        "other_readings": {
            name: summary_json(other) for name, other in other_readings.items() if name != assessment.reading
        },
    }
    return data
