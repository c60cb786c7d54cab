"""The planner for the CLI (`assess --plan`) and the desk's year page: what each year not yet determined must
earn, under every reading (compliance/rules/plan.py computes; this gathers the revenues and shapes the figures).

The figures are one JSON-ready dict per open year, the same for `assess --plan --json`, the terminal table and
the desk's panel: money as decimal strings to the fen, shares as integers, exact fractions as "n/d" beside a
4-decimal display figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from compliance.contract import Contract
from compliance.ledger import Ledger, LedgerError
from compliance.operations.access import open_to_read
from compliance.operations.figures import FiguresError
from compliance.rules.plan import CurvePoint, ReadingPlan, open_years, plan_all, release_curve
from compliance.values.money import cents, fraction_text, fraction_to_decimal, group


def recorded_revenues(ledger: Ledger) -> dict[int, Decimal]:
    """The audited revenue of every year the ledger has determined (its current, not withdrawn, determination)."""
    revenues: dict[int, Decimal] = {}
    for determination in ledger.determinations():
        if determination.superseded_by is not None:
            continue
        revenues[determination.year] = Decimal(determination.revenues[determination.year])
    return revenues


def planning_revenues(contract: Contract, given: Mapping[int, Decimal], db: Path | None) -> dict[int, Decimal]:
    """The revenues a plan starts from: those the ledger at `db` records, and those given. A year the ledger has
    determined cannot be given another figure (FiguresError)."""
    revenues: dict[int, Decimal] = {}
    if db is not None:
        if not Path(db).is_file():
            raise FiguresError(f"--db {db}: no ledger at this path (`compliance run` creates it)")
        try:
            with open_to_read(Path(db), contract) as ledger:
                revenues = recorded_revenues(ledger)
        except LedgerError as exc:
            raise FiguresError(f"--db {db}: {exc}") from None
    for year, amount in given.items():
        if year in revenues and revenues[year] != amount:
            raise FiguresError(f"--revenue {year}={amount}: the ledger has determined year {year} on "
                               f"RMB {group(revenues[year])}; give only the years it has not determined")
        revenues[year] = amount
    return revenues


def _shares(value: Fraction) -> dict:
    return {"shown": str(fraction_to_decimal(value, 4)), "exact": fraction_text(value)}


def _money(value: Fraction | Decimal) -> str:
    """An amount to the fen; a revenue bound that falls between two fen is shown as the fen it reaches."""
    if isinstance(value, Fraction):
        value = Decimal(math.ceil(value * 100)).scaleb(-2)
    return cents(value)


def reading_note(plan: ReadingPlan) -> str:
    """One sentence: what the restoring revenue does, or why there is none."""
    if plan.nothing_deducted:
        return (f"Nothing is deducted from earlier years: RMB {group(plan.target)} releases the whole tranche, "
                f"and no revenue adds to it.")
    whole = f"{group(plan.retained_shares)} share{'s' if plan.retained_shares != 1 else ''}"
    if plan.restoring_revenue is None:
        text = (f"No revenue of this year restores any of the {whole} still deducted under this reading: "
                f"their shortfall is offset already.")
    elif plan.restorable:
        text = (f"RMB {group(plan.restoring_revenue)} restores all {whole} still deducted from earlier years; "
                f"RMB {group(plan.restoring_revenue - Decimal('0.01'))}, one fen less, does not.")
    else:
        text = (f"No revenue restores all {whole} still deducted under this reading: at most "
                f"{group(plan.restored_shares)}, from RMB {group(plan.restoring_revenue)}; "
                f"{group(plan.left_deducted)} stay deducted.")
    if plan.threshold_revenue is not None:
        text += (f" An excess counts only above RMB {group(plan.threshold_revenue)}; one fen above it restores "
                 f"{group(plan.restored_on_crossing)} at once.")
    return text


def reading_json(plan: ReadingPlan) -> dict:
    return {
        "reading": plan.reading,
        "meets_target": cents(plan.target),
        "deducted_per_million_below_target": _shares(plan.deducted_per_million),
        "restored_per_million_of_excess": _shares(plan.restored_per_million),
        "still_deducted_shares": plan.retained_shares,
        "still_deducted_exact": _shares(plan.deducted_exact),
        "earlier_years": [{"year": item.year, "deducted_shares": item.retained_shares,
                           "deducted_exact": _shares(item.deducted_exact), "shortfall_left": cents(item.shortfall_left)}
                          for item in plan.earlier],
        "restores_all": plan.restorable,
        "restoring_revenue": cents(plan.restoring_revenue) if plan.restoring_revenue is not None else None,
        "restored_shares": plan.restored_shares,
        "restored_exact": _shares(plan.restored_exact),
        "release_shares_at_restoring_revenue": plan.release_shares if plan.restoring_revenue is not None else None,
        "left_deducted_shares": plan.left_deducted,
        "excess_counts_above": cents(plan.threshold_revenue) if plan.threshold_revenue is not None else None,
        "restored_on_crossing": plan.restored_on_crossing if plan.threshold_revenue is not None else None,
        "segments": [{"restores_year": s.to_year, "revenue_from": _money(s.revenue_from),
                      "revenue_to": _money(s.revenue_to), "shares_per_million": _shares(s.shares_per_million)}
                     for s in plan.segments],
        "note": reading_note(plan),
        "references": list(plan.references),
    }


def _open_year_json(contract: Contract, revenues: Mapping[int, Decimal], year: int,
                    readings: Mapping[str, ReadingPlan]) -> dict:
    return {"year": year, "target": cents(readings[contract.default_reading].target),
            "earlier_years_used": [known for known in sorted(revenues) if known < year],
            "readings": {name: reading_json(plan) for name, plan in readings.items()}}


def plan_as_json(contract: Contract, revenues: Mapping[int, Decimal]) -> dict:
    """`assess --plan --json`: every open year under every reading (the contract's default first)."""
    return {
        "contract": contract.id,
        "default_reading": contract.default_reading,
        "revenues": {str(year): cents(revenues[year]) for year in sorted(revenues)},
        "open_years": [_open_year_json(contract, revenues, year, readings)
                       for year, readings in plan_all(contract, revenues).items()],
    }


@dataclass(frozen=True)
class YearPlan:
    """The desk's panel: the next open year's figures (as the JSON has them) and its release curves."""

    year: int
    figures: dict  # one entry of plan_as_json's "open_years"
    curves: dict[str, tuple[CurvePoint, ...]]  # per reading, on one revenue axis
    targets: dict[str, Decimal | None]  # per reading, the restoring revenue
    target: Decimal
    tranche: int  # T = C / 5 (SPA 5.1)


def year_plan(ledger: Ledger, contract: Contract, year: int) -> YearPlan | None:
    """The plan for `year` when it is the next open year, from the revenues the ledger records; else None."""
    revenues = recorded_revenues(ledger)
    if open_years(contract, revenues)[:1] != [year]:
        return None
    plans = plan_all(contract, revenues)[year]
    figures = _open_year_json(contract, revenues, year, plans)
    target = plans[contract.default_reading].target
    ends = [target * Decimal("1.25")] + [plan.restoring_revenue * Decimal("1.1") for plan in plans.values()
                                        if plan.restoring_revenue is not None]
    upto = max(ends).quantize(Decimal("1"))
    curves = {name: release_curve(contract, revenues, year, name, upto=upto) for name in plans}
    return YearPlan(year, figures, curves, {name: plan.restoring_revenue for name, plan in plans.items()}, target,
                    int(contract.tranche_shares))


__all__ = ["CurvePoint", "YearPlan", "plan_as_json", "planning_revenues", "reading_note",
           "recorded_revenues", "year_plan"]
