"""Computations from figures a user types rather than from the ledger: `assess`, `render`, `penalty` and
`deadlines` on the command line. The same rules and documents as the main job, reached through here so that the
CLI and the desk call operations and nothing below them (tests/test_architecture.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from compliance.contract import Contract
from compliance.documents import DocumentError, Renderer, year_documents
from compliance.ledger import LedgerError
from compliance.operations.accrual import recorded_delays
from compliance.rules.business_days import ScheduleFileError, ScheduleNotPublished, load_calendar
from compliance.rules.deadlines import DeadlineRow, deadline_rows, write_ics
from compliance.rules.earnout import Assessment, assess_all_readings, assess_year
from compliance.rules.earnout_json import assessment_json
from compliance.rules.penalty import PenaltyInputError, PenaltyResult, compute_penalty
from compliance.values.prices import PriceFileError, load_prices


class FiguresError(ValueError):
    """Figures or files that cannot be used as given; str() is one plain sentence (a usage error, exit 2)."""


class LetterNotDue(FiguresError):
    """The letter asked for is not one the year's determination issues (no deduction notice for a year that met
    its target)."""


def assess_figures(contract: Contract, revenues: Mapping[int, Decimal]) -> dict[str, Assessment]:
    """SPA 5.1 and 5.2 on the given revenues, under every reading (the contract's default first)."""
    return assess_all_readings(contract, revenues)


def assessment_as_json(contract: Contract, revenues: Mapping[int, Decimal], reading: str | None,
                       as_of: dt.date | None) -> dict:
    results = assess_all_readings(contract, revenues)
    return assessment_json(results[reading or contract.default_reading], results, as_of)


def render_letter(contract: Contract, kind: str, *, year: int, revenues: Mapping[int, Decimal], reading: str | None,
                  as_of: dt.date, out_base: Path, templates: Path | None = None,
                  reference_docx: Path | None = None):
    """One letter of the year's determination from the given revenues, written as OUT_BASE.pdf and .docx: a
    preview, marked PREVIEW on every page and without signature fields (it is neither recorded nor approved).
    Raises LetterNotDue, DocumentError (a template or reference DOCX that cannot be used) or OSError."""
    renderer = Renderer(templates_dir=templates, reference_docx=reference_docx)
    contexts = year_documents(contract, assess_year(contract, revenues, year, reading), as_of=as_of)
    if kind not in contexts:
        raise LetterNotDue(f"{kind}: Assessment Year {year} met its target, so there is no deduction to notify")
    return renderer.render(kind, contexts[kind], out_base, as_of=as_of, preview=True)


def penalty_from_figures(contract: Contract, *, year: int, shares: int, released_on: dt.date, prices: Path,
                         valuation: str, db: Path | None = None, calendar_files: Sequence[Path] = (),
                         override_published: bool = False, strict_prices: bool = False) -> PenaltyResult:
    """SPA 8.2 on the given shares and release date; with a ledger, its recorded disputes (EA 3.3) and
    suspensions (SPA 8.1) are excluded and the day the agent held both EA 3.1 documents attributes the days."""
    try:
        series = load_prices(prices)
    except PriceFileError as exc:
        raise FiguresError(str(exc)) from None
    periods, received_on = (), None
    if db is not None:
        if not Path(db).is_file():
            raise FiguresError(f"--db {db}: no ledger at this path (`compliance run` creates it)")
        try:
            periods, received_on = recorded_delays(db, year, released_on)
        except LedgerError as exc:
            raise FiguresError(f"--db {db}: {exc}") from None
    try:
        calendar = (load_calendar(contract, calendar_files, override_published=override_published)
                    if received_on is not None else None)
        return compute_penalty(contract, year=year, shares=shares, released_on=released_on, prices=series,
                               valuation=valuation, excluded=periods, documents_received_on=received_on,
                               calendar=calendar, strict_prices=strict_prices)
    except (PriceFileError, PenaltyInputError, ScheduleFileError, ScheduleNotPublished) as exc:
        raise FiguresError(str(exc)) from None


def deadline_table(contract: Contract, as_of: dt.date, *, calendar_files: Sequence[Path] = (),
                   received: Mapping[int, dt.date] | None = None,
                   override_published: bool = False) -> list[DeadlineRow]:
    """Each year's release deadline (SPA 5.1) and the agent's window (EA 3.2) as of the date."""
    try:
        calendar = load_calendar(contract, calendar_files, override_published=override_published)
        return deadline_rows(contract, as_of, calendar, dict(received or {}))
    except (ScheduleFileError, ScheduleNotPublished) as exc:
        raise FiguresError(str(exc)) from None


def write_deadlines_ics(contract: Contract, rows: list[DeadlineRow], path: Path, as_of: dt.date) -> None:
    write_ics(contract, rows, path, as_of)


__all__ = ["DocumentError", "FiguresError", "LetterNotDue", "assess_figures", "assessment_as_json",
           "deadline_table", "penalty_from_figures", "render_letter", "write_deadlines_ics"]
