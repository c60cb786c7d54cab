"""`compliance penalty`: the late-release penalty of SPA 8.2 for one Assessment Year."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from compliance.cli.commands.common import (
    CalendarOption,
    ContractOption,
    contract_or_exit,
    parse_date,
    usage_error,
    year_or_exit,
)
from compliance.cli.commands.core import OverridePublishedOption


def penalty(
    year: int = typer.Option(
        ..., "--year", help="Assessment Year whose release is late (1-5 in the built-in contract).", show_default=False
    ),
    shares: int = typer.Option(
        ..., "--shares", show_default=False,
        help="Shares that met the release conditions and were not released by the deadline (SPA 8.2).",
    ),
    released_on: str = typer.Option(
        ..., "--released-on", show_default=False,
        help="Release date, or the as-of date for a release still outstanding (YYYY-MM-DD).",
    ),
    prices: Path = typer.Option(
        ..., "--prices", show_default=False, help="CSV 'date,close' of Party A's daily closes in USD."
    ),
    valuation: str = typer.Option(
        None, "--valuation", show_default=False,
        help="daily (each day at its own close; the contract default) or deadline-price (the deadline's close).",
    ),
    db: Path = typer.Option(
        None, "--db", show_default=False,
        help="Ledger: excludes recorded disputes (EA 3.3) and suspensions (SPA 8.1), places the agent's EA 3.2 period.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    contract: Path = ContractOption,
    calendar: list[Path] = CalendarOption,
    override_published: bool = OverridePublishedOption,
    strict_prices: bool = typer.Option(
        False, "--strict-prices",
        help="Refuse a gap in the prices longer than the contract tolerates instead of naming it in the result.",
    ),
) -> None:
    """SPA 8.2 exposure computation on the product's reading (built-in contract: 0.01% a day of the unreleased
    shares' value, at most 5%); for counsel, not a conclusion that anything is due."""
    from compliance.operations.facade import VALUATIONS
    from compliance.operations.figures import FiguresError, penalty_from_figures

    terms = contract_or_exit(contract)
    year_or_exit(terms, year)
    if shares <= 0:
        usage_error(f"--shares {shares}: must be a whole number of shares above zero")
    chosen = valuation or terms.penalty.default_valuation
    if chosen not in VALUATIONS:
        usage_error(f"--valuation {valuation}: choose one of {', '.join(VALUATIONS)}")
    released = parse_date(released_on, "--released-on")
    try:
        result = penalty_from_figures(terms, year=year, shares=shares, released_on=released, prices=prices,
                                      valuation=chosen, db=db, calendar_files=calendar or [],
                                      override_published=override_published, strict_prices=strict_prices)
    except FiguresError as exc:
        usage_error(str(exc))

    if json_output:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    from compliance.cli.views.penalty import print_penalty

    print_penalty(terms, result)
    from compliance.cli.views.common import printable

    for note in result.calendar_overrides:
        typer.echo(printable(f"Note: {note}"))


def register(app: typer.Typer) -> None:
    app.command("penalty")(penalty)
