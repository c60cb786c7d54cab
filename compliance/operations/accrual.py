"""The SPA 8.2 penalty of a year, from what the ledger records: the overdue shares, the justified delays
(EA 3.3 disputes, SPA 8.1 suspensions) and the day the escrow agent held both EA 3.1 documents.

`run` records a statement's inputs with it (PenaltyInputs, in the `penalty_assessed` event), so a lost
statement is rendered again from exactly those inputs; `status`, the desk and `penalty --db` compute the
same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from compliance.contract import Contract
from compliance.ledger import Determination, Ledger, canonical_json, open_ledger
from compliance.operations.planning import documents_received_on, excluded_periods, overdue, releases
from compliance.rules.penalty import PenaltyResult, Period, compute_penalty, justified_delays
from compliance.values.digest import sha256_hex
from compliance.values.prices import PriceSeries


@dataclass(frozen=True)
class PenaltyInputs:
    """Everything a year's penalty statement is computed from (stored as JSON in its ledger event)."""

    determination_key: str  # input_key of the determination whose release is late
    shares: int  # SPA 8.2: not released by the SPA 5.1 deadline
    released_on: dt.date  # the last of them released, or the as-of date while outstanding
    outstanding: bool  # any of them still unreleased on the as-of date
    valuation: str
    periods: tuple[Period, ...]  # justified delays, closed by released_on
    documents_received_on: dt.date | None
    prices_path: str
    prices_sha256: str

    def to_json(self) -> dict:
        return {
            "determination": self.determination_key, "shares": self.shares,
            "released_on": self.released_on.isoformat(), "outstanding": self.outstanding,
            "valuation": self.valuation,
            "periods": [[p.start.isoformat(), p.end.isoformat(), p.kind] for p in self.periods],
            "documents_received_on": self.documents_received_on.isoformat() if self.documents_received_on else None,
            "prices_path": self.prices_path, "prices_sha256": self.prices_sha256,
        }

    @classmethod
    def from_json(cls, data: dict) -> PenaltyInputs:
        received = data["documents_received_on"]
        return cls(
            data["determination"], data["shares"], dt.date.fromisoformat(data["released_on"]), data["outstanding"],
            data["valuation"],
            tuple(Period(dt.date.fromisoformat(s), dt.date.fromisoformat(e), kind) for s, e, kind in data["periods"]),
            dt.date.fromisoformat(received) if received else None, data["prices_path"], data["prices_sha256"],
        )

    @property
    def key(self) -> str:
        """The statement's identity; the prices file's place does not count, only its content."""
        return sha256_hex(canonical_json({"what": "penalty/1", **self.to_json(), "prices_path": None}))


def penalty_inputs(ledger: Ledger, contract: Contract, determination: Determination, as_of: dt.date, *,
                   prices_path: Path | None = None, prices_sha256: str = "") -> PenaltyInputs | None:
    """The inputs of the year's penalty as of `as_of`; None when no share is late (SPA 8.2). The one place
    they are assembled from the ledger: the statement a run issues, `status` and the desk all start here."""
    late = overdue(contract, determination, releases(ledger, determination.year), as_of)
    if late is None:
        return None
    return PenaltyInputs(
        determination.input_key, late.shares, late.released_on, late.outstanding,
        contract.penalty.default_valuation,
        justified_delays(excluded_periods(ledger, determination.year), late.released_on),
        documents_received_on(ledger, determination.year), str(prices_path.resolve()) if prices_path else "",
        prices_sha256,
    )


def compute_from(contract: Contract, year: int, inputs: PenaltyInputs, prices: PriceSeries) -> PenaltyResult:
    return compute_penalty(
        contract, year=year, shares=inputs.shares, released_on=inputs.released_on, prices=prices,
        valuation=inputs.valuation, excluded=inputs.periods, documents_received_on=inputs.documents_received_on,
    )


@dataclass(frozen=True)
class AccruedPenalty:
    """For `status`: the penalty accrued to the as-of date, or why it cannot be computed."""

    amount: PenaltyResult | None  # None: nothing is late, or it cannot be computed (then `problem` says why)
    problem: str | None = None  # why there is no figure, or what the figure rests on (a gap in the prices)


def accrued_penalty(ledger: Ledger, contract: Contract, determination: Determination, as_of: dt.date,
                    prices: PriceSeries) -> AccruedPenalty:
    inputs = penalty_inputs(ledger, contract, determination, as_of)
    if inputs is None:
        return AccruedPenalty(None)
    try:
        result = compute_from(contract, determination.year, inputs, prices)
    except Exception as exc:  # a price gap or an unpublished holiday schedule: say so, keep the row
        return AccruedPenalty(None, " ".join(str(exc).split()))
    if any(not gap.at_end for gap in result.price_gaps):  # closes missing inside the period: the figure, and why
        return AccruedPenalty(result, result.warnings[0])  # it rests on the last close before the gap
    return AccruedPenalty(result)


def recorded_delays(db_path: Path, year: int, until: dt.date) -> tuple[tuple[Period, ...], dt.date | None]:
    """For `compliance penalty --db`: the year's recorded disputes (EA 3.3) and suspensions (SPA 8.1), each
    closed by `until` (the release or as-of date), and the day the escrow agent held both EA 3.1
    documents. Raises LedgerError when there is no ledger."""
    with open_ledger(db_path, create=False) as ledger:
        return justified_delays(excluded_periods(ledger, year), until), documents_received_on(ledger, year)
