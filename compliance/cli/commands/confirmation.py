"""`compliance confirm`, `compliance countersign` and `compliance withdraw-confirmation`: what a report could not
prove, confirmed by hand by a preparer and countersigned by an approver (operations.confirmation).

Each act is proven by the person's password (asked for, or read from --password-file), like the desk's
sign-in, and recorded in the hash chain.
"""

from __future__ import annotations

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

ReportOption = typer.Option(..., "--report", show_default=False,
                            help="sha256 of the report (or its first 6+ characters), as `status` or the desk shows it.")
OnOption = typer.Option(None, "--on", show_default=False, help="The day of the act (YYYY-MM-DD; default: today).")


def _act(db: Path | None, contract: Path | None, wait: float | None, by: str, password_file: Path | None,
         action) -> None:
    from compliance.operations.confirming import ConfirmationError

    act_as(db, contract, wait, by, password_file, ConfirmationError, "confirm", action)


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    from compliance.operations.confirmation import FIELD_LABELS

    found: dict[str, str] = {}
    for raw in values or []:
        name, sep, value = raw.partition("=")
        name = name.strip().lower().replace(" ", "_").replace("-", "_")
        name = {"revenue": "operating_revenue", "firm": "auditor"}.get(name, name)
        if not sep or name not in FIELD_LABELS:
            usage_error(f"{option} {raw}: write FIELD=VALUE, FIELD one of revenue, {', '.join(list(FIELD_LABELS)[1:])}")
        if name in found:
            usage_error(f"{option} {raw}: {name} is given twice")
        found[name] = value
    return found


def _show(db: Path | None, contract: Path | None, report: str) -> None:
    """The fields the report leaves to confirm, where the product read them, and what it read (not the figure)."""
    from compliance.operations.confirmation import latest_confirmation, to_confirm
    from compliance.operations.confirming import ConfirmationError, find_report

    with ledger_errors(ConfirmationError):
        from compliance.operations.access import open_to_read

        with open_to_read(db or DEFAULT_DB, contract_or_exit(contract)) as ledger:
            sha = find_report(ledger, report)
            wanted = to_confirm(ledger.extraction(sha) or {})
            latest = latest_confirmation(ledger, sha)
            name = ledger.first_name(sha)
    typer.echo(f"{name} ({sha[:12]})")
    if latest is not None:
        typer.echo(f"Latest confirmation: by {latest.confirmed_by} on {latest.confirmed_on}, "
                   f"{latest.state.replace('_', ' ')}.")
    for blocker in wanted.blockers:
        typer.echo(f"Cannot be confirmed by hand: {blocker}")
    for row in wanted.fields:
        where = f"page {row.page}" if row.page else "page not known: give --page"
        read = "typed blind: look at the page" if row.field == "operating_revenue" else f"read as {row.read_as!r}"
        typer.echo(f"  {row.field:<17} {row.label} ({where}; {read}; {', '.join(row.problems)})")
    if wanted.possible:
        typer.echo("Confirm with --field FIELD=VALUE for each (the revenue as printed, in the statement's unit), "
                   "--by and your password.")


def confirm(
    report: str = ReportOption,
    field: list[str] = typer.Option(None, "--field", show_default=False,
                                    help="FIELD=VALUE as read on the page, once per field to confirm (revenue as "
                                         "printed, e.g. revenue=731,250,000.00). Without any: list what to confirm."),
    page: list[str] = typer.Option(None, "--page", show_default=False,
                                   help="FIELD=N: the page you read it on (default: where the report was read)."),
    by: str = typer.Option(None, "--by", show_default=False,
                           help="Your user name, a preparer or approver (your password is asked for)."),
    on: str = OnOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """Confirm by hand the fields a needs_review report could not prove; an approver then countersigns."""
    if not field:
        _show(db, contract, report)
        return
    if not by:
        usage_error("--by: say who confirms (a preparer or approver; your password is asked for)")
    values = _pairs(field, "--field")
    pages: dict[str, int] = {}
    for name, text in _pairs(page, "--page").items():
        if not text.strip().isdigit() or int(text) < 1:
            usage_error(f"--page {name}={text}: a page is a number from 1")
        pages[name] = int(text)
    day = parse_date(on, "--on") or today()
    from compliance.operations import confirming

    def action(ledger, terms, password):
        event = confirming.confirm(ledger, terms, report=report, values=values, pages=pages, by=by,
                                   password=password, on=day)
        fields = ", ".join(event.data["fields"])
        return (f"Recorded event {event.seq}: {by} confirmed by hand {fields} of {event.data['name']} (year "
                f"{event.year}). An approver other than {by} countersigns it: `compliance countersign --report "
                f"{event.data['report'][:12]} --by NAME`.")

    _act(db, contract, wait, by, password_file, action)


def countersign(
    report: str = ReportOption,
    by: str = typer.Option(..., "--by", show_default=False, help="Your user name, an approver (your password is "
                                                                 "asked for); not the person who confirmed."),
    reason: str = typer.Option(None, "--reason", show_default=False,
                               help="Your written reason, where the SPA needs one (a modified opinion, a firm not on "
                                    "the approved list)."),
    send_back: str = typer.Option(None, "--send-back", show_default=False,
                                  help="Do not countersign: send the confirmation back, saying why."),
    on: str = OnOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """As an approver, countersign a confirmation by hand (the report then decides its year), or send it back."""
    day = parse_date(on, "--on") or today()
    from compliance.operations import confirming

    def action(ledger, terms, password):
        if send_back is not None:
            event = confirming.send_back(ledger, report=report, by=by, password=password, on=day, reason=send_back)
            return f"Recorded event {event.seq}: {by} sent the confirmation back; it must be confirmed again."
        event = confirming.countersign(ledger, report=report, by=by, password=password, on=day, reason=reason)
        return (f"Recorded event {event.seq}: {by} countersigned the confirmation by hand; the report now decides "
                f"year {event.year}. Run `compliance run` again to prepare its documents.")

    _act(db, contract, wait, by, password_file, action)


def withdraw_confirmation(
    report: str = ReportOption,
    by: str = typer.Option(..., "--by", show_default=False, help="Your user name, an approver (your password is "
                                                                 "asked for)."),
    reason: str = typer.Option(..., "--reason", show_default=False, help="Why the confirmation is withdrawn."),
    on: str = OnOption, db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
    password_file: Path = PasswordFileOption,
) -> None:
    """As an approver, withdraw a confirmation by hand in force: the documents relying on it are withdrawn."""
    day = parse_date(on, "--on") or today()
    from compliance.operations import confirming

    def action(ledger, terms, password):
        event = confirming.withdraw(ledger, report=report, by=by, password=password, on=day, reason=reason)
        withdrawn = event.data["withdrawn"]["documents"]
        listed = f": {', '.join(withdrawn)}" if withdrawn else ""
        return (f"Recorded event {event.seq}: {by} withdrew the confirmation by hand; {len(withdrawn)} document"
                f"{'' if len(withdrawn) == 1 else 's'} withdrawn{listed}.")

    _act(db, contract, wait, by, password_file, action)


def register(app: typer.Typer) -> None:
    app.command("confirm")(confirm)
    app.command("countersign")(countersign)
    app.command("withdraw-confirmation")(withdraw_confirmation)
