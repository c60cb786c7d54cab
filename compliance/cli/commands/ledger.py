"""`compliance record ...`, `compliance resolve` and `compliance ledger verify|events`.

Heavy imports stay inside the command functions so that `compliance --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from compliance.cli.commands.common import (
    ContractOption,
    PasswordFileOption,
    contract_or_exit,
    parse_date,
    read_password,
    usage_error,
)
from compliance.cli.commands.run import DEFAULT_DB, DbOption, WaitOption, ledger_errors

record_app = typer.Typer(
    help="Record what happened after the documents were issued (each entry is checked, then hash-chained).",
    no_args_is_help=True,
)
ledger_app = typer.Typer(help="Inspect the ledger: verify its hash chain, list its events, read its trail.",
                         no_args_is_help=True)

YearOption = typer.Option(..., "--year", help="Assessment Year (1-5 in the built-in contract).", show_default=False)
DateOption = typer.Option(..., "--date", help="The day it happened (YYYY-MM-DD).", show_default=False)
NoteOption = typer.Option(None, "--note", help="A short note kept with the entry.", show_default=False)
RecorderOption = typer.Option(None, "--by", show_default=False,
                              help="Who records it (a preparer or approver; your password is asked for). Required "
                                   "once the ledger has accounts.")


def _write(db: Path | None, contract: Path | None, wait: float | None, action, by: str | None,
           password_file: Path | None) -> None:
    """Open the ledger under the writer lock, prove who records (`recorder`), run `action(ledger, contract,
    who)`, print its line."""
    from compliance.operations.accounts import AccountError, recorder
    from compliance.operations.recording import RecordError

    with ledger_errors(RecordError, AccountError):
        from compliance.operations.access import open_to_write
        from compliance.operations.facade import DEFAULT_WAIT_SECONDS

        terms = contract_or_exit(contract)
        waiting = DEFAULT_WAIT_SECONDS if wait is None else wait
        with open_to_write(db or DEFAULT_DB, terms, what="record", wait=waiting) as ledger:
            who = recorder(ledger, by, lambda: read_password(password_file, f"Password for {by}"))
            message = action(ledger, terms, who)
    from compliance.cli.views.common import printable

    typer.echo(printable(message))


def _recorded(event, what: str) -> str:
    return f"Recorded event {event.seq}: {what}."


@record_app.command("received")
def record_received(year: int = YearOption, date: str = DateOption, note: str = NoteOption, db: Path = DbOption,
                    contract: Path = ContractOption, wait: float = WaitOption, by: str = RecorderOption,
                    password_file: Path = PasswordFileOption) -> None:
    """The escrow agent holds both the report and the joint instruction (EA 3.1); its EA 3.2 window starts."""
    from compliance.operations import recording as record

    on = parse_date(date, "--date")
    _write(db, contract, wait, lambda ledger, terms, who: _recorded(
        record.record_received(ledger, terms, year=year, on=on, note=note, by=who),
        f"the escrow agent received year {year}'s documents on {on}"), by, password_file)


@record_app.command("released")
def record_released(
    year: int = YearOption, date: str = DateOption,
    shares: int = typer.Option(None, "--shares", show_default=False,
                               help="Shares released (default: all the instruction states not yet released)."),
    note: str = NoteOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    by: str = RecorderOption, password_file: Path = PasswordFileOption,
) -> None:
    """Shares transferred to Party C (SPA 5.1); never more than the joint instruction states."""
    from compliance.operations import recording as record

    on = parse_date(date, "--date")

    def action(ledger, terms, who):
        event = record.record_released(ledger, terms, year=year, on=on, shares=shares, note=note, by=who)
        count = event.data["shares"]
        return _recorded(event, f"{count:,} share{'s' if count != 1 else ''} of year {year} released on {on}")

    _write(db, contract, wait, action, by, password_file)


@record_app.command("dispute")
def record_dispute(year: int = YearOption, date: str = DateOption, note: str = NoteOption, db: Path = DbOption,
                   contract: Path = ContractOption, wait: float = WaitOption, by: str = RecorderOption,
                   password_file: Path = PasswordFileOption) -> None:
    """A dispute on the quantity opens (EA 3.3): its days are a justified delay."""
    from compliance.operations import recording as record

    on = parse_date(date, "--date")
    _write(db, contract, wait, lambda ledger, terms, who: _recorded(
        record.record_dispute(ledger, terms, year=year, on=on, note=note, by=who),
        f"dispute on year {year} opened {on}"), by, password_file)


@record_app.command("settled")
def record_settled(year: int = YearOption, date: str = DateOption, note: str = NoteOption, db: Path = DbOption,
                   contract: Path = ContractOption, wait: float = WaitOption, by: str = RecorderOption,
                   password_file: Path = PasswordFileOption) -> None:
    """The dispute ends by a settlement signed by all parties or a ruling (EA 3.3)."""
    from compliance.operations import recording as record

    on = parse_date(date, "--date")
    _write(db, contract, wait, lambda ledger, terms, who: _recorded(
        record.record_settled(ledger, terms, year=year, on=on, note=note, by=who),
        f"dispute on year {year} settled {on}"), by, password_file)


@record_app.command("suspended")
def record_suspended(
    year: int = YearOption,
    date: str = typer.Option(..., "--date", help="First day of the suspension (YYYY-MM-DD).", show_default=False),
    until: str = typer.Option(None, "--until", help="Last day of the suspension, when known (YYYY-MM-DD).",
                              show_default=False),
    note: str = NoteOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    by: str = RecorderOption, password_file: Path = PasswordFileOption,
) -> None:
    """Party A suspends the release for a breach by Party C (SPA 8.1): a justified delay."""
    from compliance.operations import recording as record

    on = parse_date(date, "--date")
    end = parse_date(until, "--until")
    span = f"from {on}" + (f" to {end}" if end else " (open)")
    _write(db, contract, wait, lambda ledger, terms, who: _recorded(
        record.record_suspended(ledger, terms, year=year, on=on, until=end, note=note, by=who),
        f"release of year {year} suspended {span}"), by, password_file)


def resolve(
    year: int = YearOption,
    report: str = typer.Option(..., "--report", help="sha256 (or its first 6+ characters) of the report chosen.",
                               show_default=False),
    by: str = typer.Option(..., "--by", show_default=False,
                           help="Who decided (on a ledger with accounts: a preparer or approver, whose password is "
                                "asked for)."),
    reason: str = typer.Option(..., "--reason", help="Why this report decides the year.", show_default=False),
    db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """Choose which of a year's conflicting accepted reports decides it; the next `run` issues its documents."""
    from compliance.operations import recording as record

    def action(ledger, terms, who):
        event = record.resolve(ledger, terms, year=year, report=report, by=who, reason=reason)
        if event is None:
            return f"Year {year} is already decided by that report; nothing recorded."
        name = ledger.first_name(event.data["report"])
        return (f"Recorded event {event.seq}: year {year} is decided by {name} ({event.data['report'][:12]}), "
                f"chosen by {event.data['by']}. Run `compliance run` again to issue its documents.")

    _write(db, contract, wait, action, by, password_file)


@ledger_app.command("verify")
def ledger_verify(
    db: Path = DbOption,
    anchor: str = typer.Option(
        None, "--anchor", show_default=False,
        help="SEQ:HASH, or a file holding it (from `ledger anchor`, or a run's summary.json): the ledger must still "
             "hold that event unchanged.",
    ),
) -> None:
    """Recompute every hash (read-only): exit 0 when intact, 1 naming the first edited, removed or added row."""
    from compliance.operations.facade import AnchorError, check_anchor, open_for_checking, read_anchor

    with ledger_errors(AnchorError):
        anchored = read_anchor(anchor) if anchor is not None else None
        path = db or DEFAULT_DB
        try:
            ledger = open_for_checking(path)
        except Exception as exc:  # an emptied or replaced file is a finding of verify, not a usage error
            print(f"{path}: NOT A LEDGER: {exc}", file=sys.stderr)
            raise typer.Exit(1) from None
        with ledger:
            report = ledger.verify()
            problem = report.problem or (check_anchor(ledger.conn, anchored) if anchored else None)
    if problem is None:
        checked = f"; it holds event {anchored.events} as anchored" if anchored else ""
        typer.echo(f"{path}: intact ({report.events} events in an unbroken hash chain, {report.rows} rows match "
                   f"their hashes{checked})")
        if anchored is None:
            typer.echo("Without --anchor this cannot tell a ledger rewritten or cut at its end; keep the head "
                       "(`compliance ledger anchor`) outside the ledger.")
        return
    print(f"{path}: TAMPERED: {problem}", file=sys.stderr)
    raise typer.Exit(1)


@ledger_app.command("anchor")
def ledger_anchor(db: Path = DbOption) -> None:
    """Print the ledger's head as SEQ:HASH, to keep outside the ledger for `ledger verify --anchor`."""
    from compliance.operations.facade import chain_head, open_for_checking

    with ledger_errors():
        with open_for_checking(db or DEFAULT_DB) as ledger:
            head = chain_head(ledger.conn)
    if head is None:
        usage_error(f"{db or DEFAULT_DB} holds no event yet")
    typer.echo(str(head))


@ledger_app.command("events")
def ledger_events(
    db: Path = DbOption,
    year: int = typer.Option(None, "--year", help="Only this Assessment Year's events.", show_default=False),
    json_output: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """The event log, oldest first."""
    with ledger_errors():
        from compliance.operations.facade import open_ledger

        path = db or DEFAULT_DB
        with open_ledger(path, create=False) as ledger:
            events = ledger.events(year=year)
    from compliance.cli.views.ledger import print_events

    print_events(events, json_lines=json_output)


@ledger_app.command("trail")
def ledger_trail(
    db: Path = DbOption,
    year: int = typer.Option(None, "--year", help="Only this Assessment Year's events.", show_default=False),
    by: str = typer.Option(None, "--by", help="Only what this person did (a user name).", show_default=False),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (safe to open in a spreadsheet) instead of a table."),
) -> None:
    """Who did what and when, in plain sentences, oldest first, after the hash chain's check (the desk's Trail)."""
    with ledger_errors():
        from compliance.operations.audit_trail import trail
        from compliance.operations.facade import open_ledger

        with open_ledger(db or DEFAULT_DB, create=False) as ledger:
            shown = trail(ledger, year=year, by=by)
    from compliance.cli.views.ledger import print_trail

    print_trail(shown, as_csv=as_csv)


def register(app: typer.Typer) -> None:
    app.add_typer(record_app, name="record")
    app.command("resolve")(resolve)
    app.add_typer(ledger_app, name="ledger")
