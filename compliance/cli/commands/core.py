"""`contract show|check`, `assess` and `deadlines`: the contract, the SPA 5.2 engine and SPA 5.1 deadlines."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import typer

from compliance.cli.commands.common import (
    AsOfOption,
    CalendarOption,
    ContractOption,
    as_of_or_today,
    contract_or_exit,
    parse_date,
    parse_revenue_args,
    reading_or_exit,
    usage_error,
)

OverridePublishedOption = typer.Option(
    False, "--override-published",
    help="Let a --calendar file replace a year whose official schedule is published (every output says so).",
)

contract_app = typer.Typer(help="Show or check a contract file.", no_args_is_help=True)


@contract_app.command("show")
def contract_show(contract: Path = ContractOption) -> None:
    """Print the active contract as YAML (what it prints loads back unchanged)."""
    typer.echo(contract_or_exit(contract).to_yaml(), nl=False)


@contract_app.command("check")
def contract_check(file: Path = typer.Argument(..., help="Contract file to validate.")) -> None:
    """Validate a contract file; exit 2 with one line naming the key when it is wrong."""
    loaded = contract_or_exit(file)
    typer.echo(f"{file}: valid contract '{loaded.id}' ({len(loaded.assessment_years)} assessment years)")


def assess(
    revenue: list[str] = typer.Option(
        None, "--revenue", help="Audited revenue as YEAR=AMOUNT in RMB yuan, e.g. 1=702345678.90 (repeatable)."
    ),
    reading: str = typer.Option(None, "--reading", help="spa (default), spa-excess-year-target or 6k-summary."),
    as_of: str = AsOfOption,
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    plan: bool = typer.Option(
        False, "--plan", help="For every year not yet determined, under each reading: the revenue that meets the "
        "target, the smallest that restores every share still deducted, and shares per RMB 1,000,000."),
    db: Path = typer.Option(None, "--db", show_default=False,
                            help="With --plan: start from the revenues this ledger has determined."),
    contract: Path = ContractOption,
) -> None:
    """Apply SPA 5.1 and 5.2 to audited revenues: releases, deductions, offsets, retained shares."""
    from compliance.operations.figures import assess_figures, assessment_as_json

    terms = contract_or_exit(contract)
    reading_or_exit(reading)
    revenues = parse_revenue_args(revenue, terms)
    if plan:
        _plan(terms, revenues, reading, db, json_output)
        return
    if db is not None:
        usage_error("--db: read only with --plan (assess works on the revenues given)")
    if not revenues:
        usage_error("--revenue: give at least one audited revenue, e.g. --revenue 1=702345678.90")
    as_of_date = parse_date(as_of, "--as-of")
    if json_output:
        typer.echo(json.dumps(assessment_as_json(terms, revenues, reading, as_of_date), indent=2, ensure_ascii=False))
        return
    chosen = reading or terms.default_reading
    results = assess_figures(terms, revenues)
    from compliance.cli.views.assessment import print_assessment

    print_assessment(terms, results[chosen], results, as_of_date)


def _plan(terms, revenues, reading: str | None, db: Path | None, json_output: bool) -> None:
    from compliance.operations.figures import FiguresError
    from compliance.operations.planner import plan_as_json, planning_revenues

    if reading is not None:
        usage_error("--reading: --plan shows every reading side by side; leave --reading out")
    try:
        known = planning_revenues(terms, revenues, db)
    except FiguresError as exc:
        usage_error(str(exc))
    data = plan_as_json(terms, known)
    if json_output:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from compliance.cli.views.planner import print_plan

    print_plan(data)


def deadlines(
    as_of: str = AsOfOption,
    ics: Path = typer.Option(None, "--ics", help="Also write the deadlines as an iCalendar file."),
    receipt: list[str] = typer.Option(
        None, "--received", help="YEAR=DATE the escrow agent received both EA 3.1 documents (repeatable)."
    ),
    calendar: list[Path] = CalendarOption,
    override_published: bool = OverridePublishedOption,
    contract: Path = ContractOption,
    db: Path = typer.Option(None, "--db", envvar="COMPLIANCE_LEDGER", show_default=False,
                            help="A ledger whose approved particulars count (a PRC holiday schedule given as "
                                 "calendar.schedules)."),
) -> None:
    """Each year's release deadline (SPA 5.1) with days left or overdue, the latest days to send the joint
    instruction by courier (SPA 11.3) or e-mail so that the agent has its ten business days; its window (EA 3.2)."""
    from compliance.cli.views.deadlines import print_deadlines
    from compliance.operations.figures import FiguresError, deadline_table, write_deadlines_ics

    terms = contract_or_exit(contract)
    if db is not None:
        from compliance.cli.commands.run import ledger_errors
        from compliance.operations.due import contract_with_particulars
        from compliance.operations.particulars import ParticularError

        with ledger_errors(ParticularError):
            terms = contract_with_particulars(db, terms)
    as_of_date = as_of_or_today(as_of)
    received = {}
    for raw in receipt or []:
        year_text, _, date_text = raw.partition("=")
        years = {y.number for y in terms.assessment_years}
        if not re.fullmatch(r"[0-9]{1,3}", year_text) or int(year_text) not in years:
            usage_error(f"--received {raw}: write YEAR=DATE with YEAR an Assessment Year")
        try:
            received[int(year_text)] = dt.date.fromisoformat(date_text.strip())
        except ValueError:
            usage_error(f"--received {raw}: '{date_text}' is not a date; write YEAR=YYYY-MM-DD")
    try:
        rows = deadline_table(terms, as_of_date, calendar_files=calendar or [], received=received,
                              override_published=override_published)
    except FiguresError as exc:
        usage_error(str(exc))
    from compliance.operations.due import sending_table

    print_deadlines(rows, as_of_date, sending_table(terms, calendar_files=calendar or [],
                                                    override_published=override_published))
    from compliance.cli.views.common import printable

    for note in dict.fromkeys(note for row in rows for note in row.calendar_overrides):  # once each, in order
        typer.echo(printable(f"Note: {note}"))
    if ics is not None:
        try:
            write_deadlines_ics(terms, rows, ics, as_of_date)
        except OSError as exc:
            usage_error(f"--ics {ics}: cannot write the file ({exc.strerror or exc.__class__.__name__})")
        typer.echo(f"Wrote {ics}")


def register(app: typer.Typer) -> None:
    app.add_typer(contract_app, name="contract")
    app.command("assess")(assess)
    app.command("deadlines")(deadlines)
