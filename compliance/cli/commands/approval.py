"""`compliance approve` (the second pair of eyes) and `compliance users add|revoke|list` (the desk's accounts).

The approver's password is asked for (or read from --password-file) so that the command line, like the
review desk, approves only as someone who can prove who they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from compliance.cli.commands.common import ContractOption, contract_or_exit, usage_error, year_or_exit
from compliance.cli.commands.run import DEFAULT_DB, DbOption, WaitOption, ledger_errors

users_app = typer.Typer(help="Accounts of the review desk: who may view, prepare and approve.",
                        no_args_is_help=True)

PasswordFileOption = typer.Option(
    None, "--password-file", show_default=False,
    help="Read the password from this file's first line instead of asking (for scripts and tests).",
)


def _password(path: Path | None, prompt: str, *, confirm: bool) -> str:
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            usage_error(f"--password-file {path}: cannot be read ({getattr(exc, 'strerror', None) or exc})")
        return lines[0] if lines else ""
    if not sys.stdin.isatty():
        usage_error("no terminal to ask for the password; pass --password-file")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def _writing(db: Path | None, contract: Path | None, wait: float | None, what: str):
    from compliance.operations.access import open_to_write
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS

    return open_to_write(db or DEFAULT_DB, contract_or_exit(contract), what=what,
                   wait=DEFAULT_WAIT_SECONDS if wait is None else wait)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The user name they sign in with.", show_default=False),
    role: str = typer.Option(..., "--role", help="preparer, approver or viewer.", show_default=False),
    password_file: Path = PasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Add an account (the password is asked for and kept only as an argon2 hash)."""
    import datetime as dt

    from compliance.operations.accounts import AccountError, add_user

    with ledger_errors(AccountError):
        password = _password(password_file, f"Password for {name}", confirm=True)
        with _writing(db, contract, wait, "users") as ledger:
            event = add_user(ledger, name=name, role=role, password=password, on=dt.date.today())
    typer.echo(f"Recorded event {event.seq}: {name} may sign in to the review desk as {role}.")


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(..., show_default=False), db: Path = DbOption,
                 contract: Path = ContractOption, wait: float = WaitOption) -> None:
    """End an account: it cannot sign in again, and its open desk sessions end at their next request."""
    import datetime as dt

    from compliance.operations.accounts import AccountError, revoke_user

    with ledger_errors(AccountError), _writing(db, contract, wait, "users") as ledger:
        event = revoke_user(ledger, name=name, on=dt.date.today())
    typer.echo(f"Recorded event {event.seq}: {name} can no longer sign in.")


@users_app.command("list")
def users_list(db: Path = DbOption, contract: Path = ContractOption) -> None:
    """The accounts, their roles and whether they are active."""
    from compliance.operations.access import open_to_read

    with ledger_errors(), open_to_read(db or DEFAULT_DB, contract_or_exit(contract)) as ledger:
        users = ledger.users()
    for user in users:
        typer.echo(f"{user.name}\t{user.role}\t{'active' if user.active else 'revoked'}")
    if not users:
        typer.echo("No accounts yet; add one with `compliance users add NAME --role approver`.")


def approve(
    year: int = typer.Option(..., "--year", help="The Assessment Year whose documents you approve.",
                             show_default=False),
    by: str = typer.Option(..., "--by", help="Your user name (an approver who did not prepare them).",
                           show_default=False),
    password_file: Path = PasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Approve a year's prepared documents: they are written again without the DRAFT mark (same figures,
    same document IDs) into year-N/approved/ of the ledger's output folder. Refused to the preparer, to a
    non-approver and while a letter has open items."""
    import datetime as dt

    from compliance.operations.accounts import AccountError, authenticate
    from compliance.operations.approval import ApprovalError, approve_year

    terms = contract_or_exit(contract)
    year_or_exit(terms, year)
    with ledger_errors(ApprovalError, AccountError):
        password = _password(password_file, f"Password for {by}", confirm=False)
        database = db or DEFAULT_DB
        with _writing(database, contract, wait, "approve") as ledger:
            if authenticate(ledger, by, password) is None:
                usage_error(f"{by}: no active account with that password")
            approval = approve_year(ledger, terms, year=year, by=by, at=dt.datetime.now(dt.UTC))
    typer.echo(f"Year {year} approved by {approval.approved_by} (prepared by {approval.prepared_by}) at "
               f"{approval.approved_at}. Final documents:")
    for item in approval.files:
        typer.echo(f"  {item.pdf_path}")
        typer.echo(f"  {item.docx_path}")


def register(app: typer.Typer) -> None:
    app.command("approve")(approve)
    app.add_typer(users_app, name="users")
