"""The SPA 8.2 penalty statement a run issues for a year whose release is late: computed from the inputs
`operations.accrual` assembles from the ledger, rendered into staging, recorded with those inputs, placed.
It is a privileged computation for counsel, issued as a DRAFT awaiting approval; a second person approves it
(operations.penalty_approval), which writes its final into the year's approved/ folder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from compliance.contract import VALUATIONS
from compliance.operations.accrual import PenaltyInputs, penalty_inputs
from compliance.operations.issuing import YearOutcome, new_documents
from compliance.operations.open_items import open_items_data
from compliance.operations.workspace import Workspace, blocked_target, one_line, place
from compliance.values.prices import PriceGapError, PriceSeries


@dataclass
class PenaltyPrices:
    """The prices file a run was given: its closes, where it is, and its content's sha256."""

    series: PriceSeries
    path: Path
    sha256: str
    strict: bool = False  # --strict-prices: a gap longer than the contract tolerates refuses the statement


def render_statement(ws: Workspace, year: int, inputs: PenaltyInputs, key: str, as_of: dt.date,
                     prices: PenaltyPrices | None, *, strict: bool = False, awaiting_approval: bool = True,
                     out_dir: Path | None = None):
    """Compute the year's penalty from `inputs` and render its statement into staging (or `out_dir`): (result,
    rendered). The closes are those recorded (reloaded when the run's file, if any, is not the one the inputs
    name). `strict` refuses (PriceGapError) closes carried over more market days than the contract tolerates.
    The statement is a DRAFT awaiting approval unless `awaiting_approval` is False (operations.penalty_approval
    renders the final); the other readings of the valuation are computed beside it and stated in it."""
    if prices is not None and prices.sha256 == inputs.prices_sha256:
        series = prices.series
    else:
        series = ws.toolkit.load_prices(Path(inputs.prices_path))
    result = ws.toolkit.penalty(ws.contract, year, inputs, series)
    if strict and result.price_gaps:
        tolerance = ws.contract.penalty.price_gap_tolerance.value
        raise PriceGapError(result.price_gaps[0].sentence(series.source, tolerance, refused=True))
    alternatives = [ws.toolkit.penalty(ws.contract, year, replace(inputs, valuation=other), series)
                    for other in VALUATIONS if other != inputs.valuation]
    out_base = (out_dir or ws.staged(key)) / f"year-{year}" / "penalty-statement"
    rendered = ws.toolkit.render_penalty(ws.contract, result, as_of=as_of, prices_source=Path(inputs.prices_path).name,
                                         outstanding=inputs.outstanding, out_base=out_base,
                                         prices_sha256=inputs.prices_sha256, alternatives=alternatives,
                                         awaiting_approval=awaiting_approval)
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
        result, rendered = render_statement(ws, year_outcome.year, inputs, key, ws.as_of, prices, strict=prices.strict)
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
                              "prepared_by": ws.prepared_by,
                              "open_items": open_items_data([rendered])})
    ws.checkpoint(f"year {year_outcome.year} penalty recorded")
    place(ws, rows, key)
