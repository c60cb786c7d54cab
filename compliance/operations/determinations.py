"""A year's determination: what it is a function of, its identity, and its assessment from what the ledger
records.

A determination is a function of its inputs (the contract, the reading, the revenues and reports of years
1..N): its `input_key`, so equal inputs issue nothing new. Once recorded, its assessment is computed again in
one place, `recorded_assessment`, from the revenues it recorded: the drafts, the finals of an approval, a
restored letter and the desk's pages all state the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from compliance.contract import Contract
from compliance.ledger import Determination, Ledger, canonical_json
from compliance.operations.confirmation import in_force, report_revenue
from compliance.operations.planning import YearPlan, plan_years
from compliance.rules.earnout import YearAssessment, assess_year
from compliance.values.digest import sha256_hex


def contract_fingerprint(contract: Contract) -> str:
    return sha256_hex(canonical_json(contract.model_dump(mode="json")))


@dataclass(frozen=True)
class DeterminationInputs:
    """What a year's determination is a function of: the revenues and reports of years 1..year."""

    year: int
    revenues: dict[int, Decimal]
    reports: dict[int, str]  # year -> sha256 of the report whose revenue is used
    confirmations: dict[int, int] = field(default_factory=dict)  # year -> its report's confirmation by hand (event)

    def key(self, contract_sha256: str, reading: str) -> str:
        """The determination's identity: equal inputs, equal key, so a re-run issues nothing new."""
        inputs = {
            "what": "determination/1",
            "contract": contract_sha256,
            "reading": reading,
            "year": self.year,
            "revenues": {str(k): str(v) for k, v in sorted(self.revenues.items())},
            "reports": {str(k): v for k, v in sorted(self.reports.items())},
        }
        if self.confirmations:  # only then: the keys of determinations made before confirmations stay the same
            inputs["confirmations"] = {str(k): v for k, v in sorted(self.confirmations.items())}
        return sha256_hex(canonical_json(inputs))


def determination_inputs(ledger: Ledger, plans: list[YearPlan], year: int) -> DeterminationInputs:
    """The inputs of `year`'s determination (every year up to it READY)."""
    reports = {plan.year: plan.report_sha256 for plan in plans if plan.year <= year}
    revenues = {number: report_revenue(ledger, sha) for number, sha in reports.items()}
    confirmed = in_force(ledger)
    by_hand = {number: confirmed[sha].seq for number, sha in reports.items() if sha in confirmed}
    return DeterminationInputs(year, revenues, reports, by_hand)


def determine_year(ledger: Ledger, contract: Contract, year: int) -> YearAssessment | None:
    """The year's determination as the ledger's reports give it, without issuing anything; None while the
    year is not ready (no single accepted report, or an earlier year undecided)."""
    plans = plan_years(ledger, contract)
    plan = next(plan for plan in plans if plan.year == year)
    if not plan.ready:
        return None
    return assessment_of(contract, determination_inputs(ledger, plans, year), contract.default_reading)


def assessment_of(contract: Contract, inputs: DeterminationInputs, reading: str) -> YearAssessment:
    """The one place a year's assessment (SPA 5.1, 5.2) is computed from what the ledger holds: the revenues of
    years 1..N under `reading`. A determination being made and one recorded long ago go through here alike."""
    return assess_year(contract, inputs.revenues, inputs.year, reading)


def recorded_assessment(contract: Contract, determination: Determination) -> YearAssessment:
    """The year's assessment as its recorded determination states it: the revenues of years 1..N and the
    reading it was made under, exactly as recorded."""
    inputs = DeterminationInputs(determination.year, determination.revenues, determination.reports)
    return assessment_of(contract, inputs, determination.reading)
