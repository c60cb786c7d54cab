"""The SPA 8.2 penalty of a year, from what the ledger records: the overdue shares, the justified delays
(EA 3.3 disputes, SPA 8.1 suspensions) and the day the escrow agent held both EA 3.1 documents.

`run` records a statement's inputs with it (PenaltyInputs, in the `penalty_assessed` event), so a lost
statement is rendered again from exactly those inputs; `status` and `penalty --db` compute the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from compliance.contract import Contract
from compliance.ledger import Determination, Ledger, canonical_json, open_ledger
from compliance.operations.issuing import Workspace, YearOutcome, blocked_target, new_documents, one_line, place
from compliance.operations.open_items import open_items_data
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
                   prices_path: Path, prices_sha256: str) -> PenaltyInputs | None:
    """The inputs of the year's penalty as of `as_of`; None when no share is late (SPA 8.2)."""
    late = overdue(contract, determination, releases(ledger, determination.year), as_of)
    if late is None:
        return None
    return PenaltyInputs(
        determination.input_key, late.shares, late.released_on, late.outstanding,
        contract.penalty.default_valuation,
        justified_delays(excluded_periods(ledger, determination.year), late.released_on),
        documents_received_on(ledger, determination.year), str(prices_path.resolve()), prices_sha256,
    )


def compute_from(contract: Contract, year: int, inputs: PenaltyInputs, prices: PriceSeries) -> PenaltyResult:
    return compute_penalty(
        contract, year=year, shares=inputs.shares, released_on=inputs.released_on, prices=prices,
        valuation=inputs.valuation, excluded=inputs.periods, documents_received_on=inputs.documents_received_on,
    )


@dataclass(frozen=True)
class AccruedPenalty:
    """For `status`: the penalty accrued to the as-of date, or why it cannot be computed."""

    amount: PenaltyResult | None  # None: nothing is late
    problem: str | None = None


def accrued_penalty(ledger: Ledger, contract: Contract, determination: Determination, as_of: dt.date,
                    prices: PriceSeries) -> AccruedPenalty:
    late = overdue(contract, determination, releases(ledger, determination.year), as_of)
    if late is None:
        return AccruedPenalty(None)
    try:
        result = compute_penalty(
            contract, year=determination.year, shares=late.shares, released_on=late.released_on, prices=prices,
            valuation=contract.penalty.default_valuation, excluded=excluded_periods(ledger, determination.year),
            documents_received_on=documents_received_on(ledger, determination.year),
        )
    except Exception as exc:  # a price gap or an unpublished holiday schedule: say so, keep the row
        return AccruedPenalty(None, " ".join(str(exc).split()))
    return AccruedPenalty(result)


def recorded_delays(db_path: Path, year: int, until: dt.date) -> tuple[tuple[Period, ...], dt.date | None]:
    """For `compliance penalty --db`: the year's recorded disputes (EA 3.3) and suspensions (SPA 8.1), each
    closed by `until` (the release or as-of date), and the day the escrow agent held both EA 3.1
    documents. Raises LedgerError when there is no ledger."""
    with open_ledger(db_path, create=False) as ledger:
        return justified_delays(excluded_periods(ledger, year), until), documents_received_on(ledger, year)


# --- the penalty statement a run issues ----------------------------------------------------------------
@dataclass
class PenaltyPrices:
    """The prices file a run was given: its closes, where it is, and its content's sha256."""

    series: PriceSeries
    path: Path
    sha256: str


def render_statement(ws: Workspace, year: int, inputs: PenaltyInputs, key: str, as_of: dt.date,
                     prices: PenaltyPrices | None):
    """Compute the year's penalty from `inputs` and render its statement into staging: (result, rendered).
    The closes are those recorded (reloaded when the run's file, if any, is not the one the inputs name)."""
    if prices is not None and prices.sha256 == inputs.prices_sha256:
        series = prices.series
    else:
        series = ws.toolkit.load_prices(Path(inputs.prices_path))
    result = ws.toolkit.penalty(ws.contract, year, inputs, series)
    out_base = ws.staged(key) / f"year-{year}" / "penalty-statement"
    rendered = ws.toolkit.render_penalty(ws.contract, result, as_of=as_of, prices_source=Path(inputs.prices_path).name,
                                         outstanding=inputs.outstanding, out_base=out_base)
    return result, rendered


def issue_penalty(ws: Workspace, year_outcome: YearOutcome, prices: PenaltyPrices) -> None:
    """SPA 8.2: a statement for a year whose instructed shares were not all released by the deadline. A
    release still outstanding accrues more each day, so a later as-of date issues the next version."""
    determination = ws.ledger.current_determination(year_outcome.year)
    inputs = penalty_inputs(ws.ledger, ws.contract, determination, ws.as_of, prices_path=prices.path,
                            prices_sha256=prices.sha256)
    if inputs is None:
        return
    key = inputs.key
    slot = f"year-{year_outcome.year}/penalty-statement"
    current = ws.ledger.current_document(slot)
    if current is not None and current.input_key == key:
        return
    try:
        result, rendered = render_statement(ws, year_outcome.year, inputs, key, ws.as_of, prices)
    except Exception as exc:
        year_outcome.note = f"penalty statement not written: {one_line(exc)}"
        ws.notes.append(f"year {year_outcome.year}: {year_outcome.note}")
        return
    ws.checkpoint(f"year {year_outcome.year} penalty rendered")
    rows = new_documents(ws, [rendered], key)
    if (problem := blocked_target(ws, rows)) is not None:
        ws.notes.append(problem)
        return
    figures = {k: result.to_json()[k] for k in ("days_late", "accrued", "cap", "penalty", "currency")}
    with ws.ledger.transaction():
        ws.ledger.issue("penalty_assessed", year=year_outcome.year, as_of=ws.as_of, documents=rows,
                        determination_id=determination.id,
                        data={"input_key": key, "inputs": inputs.to_json(), "result": figures,
                              "open_items": open_items_data([rendered])})
    ws.checkpoint(f"year {year_outcome.year} penalty recorded")
    place(ws, rows, key)
