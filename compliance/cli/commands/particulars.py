"""`compliance particulars show|set|approve`: the deal's particulars the filing does not give, set by one person
and approved by another (operations.particulars), as the desk's Particulars page does. Each act is proven by
the person's password (asked for, or read from --password-file) and recorded in the hash chain."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from compliance.cli.commands.common import (
    ContractOption,
    PasswordFileOption,
    contract_or_exit,
    parse_date,
    today,
    usage_error,
)
from compliance.cli.commands.run import DEFAULT_DB, DbOption, WaitOption, act_as, ledger_errors

app = typer.Typer(help="The deal's particulars (addresses, signatories, Chinese names, delivery, escrow position, "
                       "approved firms): set by one person, approved by another.", no_args_is_help=True)
OnOption = typer.Option(None, "--on", show_default=False, help="The day of the act (YYYY-MM-DD; default: today).")


@app.command("show")
def show(db: Path = DbOption, contract: Path = ContractOption,
         json_out: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """Every particular: the value the letters use, where it comes from, and what awaits approval."""
    from compliance.operations.access import open_to_read
    from compliance.operations.particulars import ParticularError, states, value_text

    with ledger_errors(ParticularError), open_to_read(db or DEFAULT_DB, contract_or_exit(contract)) as ledger:
        found = states(ledger, contract_or_exit(contract))
    if json_out:
        typer.echo(json.dumps([{"key": s.particular.key, "label": s.particular.label, "value": s.in_force,
                                "source": s.source or None, "approved_by": s.approved_by, "pending": s.pending,
                                "pending_by": s.pending_by} for s in found], indent=2, ensure_ascii=False))
        return
    for state in found:
        line = f"{state.particular.key}: {value_text(state.in_force)}"
        if state.source == "ledger":
            line += f" (approved by {state.approved_by})"
        elif state.source:
            line += f" ({state.source})"
        if state.awaiting:
            line += (f"; awaiting approval: {value_text(state.pending)} (set by {state.pending_by} on "
                     f"{state.pending_on})")
        typer.echo(line)


@app.command("set")
def set_value(
    key: str = typer.Argument(..., help="The particular, as `particulars show` names it."),
    value: list[str] = typer.Argument(None, help="Its value; a signatory as NAME TITLE (two words or quoted); "
                                                 "several firms as several values."),
    file: Path = typer.Option(None, "--file", show_default=False,
                              help="calendar.schedules: a YAML file of the State Council's schedule of a year not "
                                   "yet published (year, source, holidays: [dates], working_days: [dates]; one "
                                   "year or a list)."),
    by: str = typer.Option(..., "--by", show_default=False, help="Your user name (your password is asked for)."),
    on: str = OnOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """Set one particular; another person approves it before the letters use it."""
    from compliance.operations.particulars import BY_KEY, ParticularError, set_particular

    kind = BY_KEY[key].kind if key in BY_KEY else "text"
    if (kind == "schedule") != (file is not None):
        usage_error(f"{key}: give the schedule's YAML file with --file FILE" if kind == "schedule" else
                    f"--file is for calendar.schedules only; give {key}'s value after the key")
    if not value and kind != "schedule":
        usage_error(f"{key}: give its value")
    if kind == "schedule":
        if value:
            usage_error(f"{key}: give the schedule only in the --file, not after the key")
        typed = _schedule_file(file)
    elif kind == "signatory":
        if len(value) != 2:
            usage_error(f"{key}: give the signatory as NAME TITLE (quote each if it has spaces)")
        typed = {"name": value[0], "title": value[1]}
    elif kind == "firms":
        typed = list(value)
    else:
        typed = " ".join(value)
    day = parse_date(on, "--on") or today()
    _act(db, contract, wait, by, password_file, ParticularError, lambda ledger, terms, password: (
        f"Recorded event {set_particular(ledger, terms, key=key, value=typed, by=by, password=password, on=day).seq}"
        f": {by} set {key}. Another person approves it (`particulars approve`) before the letters use it."))


@app.command("approve")
def approve(
    by: str = typer.Option(..., "--by", show_default=False, help="Your user name, an approver who set none of them."),
    key: list[str] = typer.Option(None, "--key", show_default=False, help="Approve only this particular (repeat)."),
    on: str = OnOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """As an approver, approve the particulars awaiting approval; the next run prepares the documents again."""
    from compliance.operations.particulars import ParticularError, approve_particulars

    day = parse_date(on, "--on") or today()

    def action(ledger, terms, password):
        event = approve_particulars(ledger, terms, by=by, password=password, on=day, keys=key or None)
        return (f"Recorded event {event.seq}: {by} approved {', '.join(event.data['keys'])}. The next run prepares "
                "the documents they change again.")

    _act(db, contract, wait, by, password_file, ParticularError, action)


def _schedule_file(path: Path):
    """The YAML of a schedule file (one year's mapping, or a list of them), as read; the operation checks it."""
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        usage_error(f"--file {path}: no such file")
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        usage_error(f"--file {path}: not a readable YAML file")
    except ValueError as exc:  # YAML reads 2027-02-30 as a date and fails on it
        usage_error(f"--file {path}: a date is not a real day ({exc})")


def _act(db, contract, wait, by, password_file, error, action) -> None:
    act_as(db, contract, wait, by, password_file, error, "particulars", action)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="particulars")
