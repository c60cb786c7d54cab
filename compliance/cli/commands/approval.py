"""`compliance approve` (the second pair of eyes) and `compliance users add|revoke|list` (the desk's accounts).

The approver's password is asked for (or read from --password-file) so that the command line, like the
review desk, approves only as someone who can prove who they are.
"""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.commands.common import (
    ContractOption,
    PasswordFileOption,
    contract_or_exit,
    read_password,
    today,
    usage_error,
    year_or_exit,
)
from compliance.cli.commands.run import DEFAULT_DB, DbOption, WaitOption, ledger_errors

users_app = typer.Typer(help="Accounts of the review desk: who may view, prepare and approve.",
                        no_args_is_help=True)

def _writing(db: Path | None, contract: Path | None, wait: float | None, what: str):
    from compliance.operations.access import open_to_write
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS

    return open_to_write(db or DEFAULT_DB, contract_or_exit(contract), what=what,
                   wait=DEFAULT_WAIT_SECONDS if wait is None else wait)


ByOption = typer.Option(..., "--by", show_default=False,
                        help="Your user name: an administrator of this ledger (your password is asked for).")
ByPasswordFileOption = typer.Option(
    None, "--by-password-file", show_default=False,
    help="Read your own password from this file's first line (scripts may set COMPLIANCE_PASSWORD).",
)
NewPasswordFileOption = typer.Option(
    None, "--password-file", show_default=False,
    help="Read the new account's password from this file's first line instead of asking for it twice.",
)


def _new_password(path: Path | None, name: str) -> str:
    return read_password(path, f"Password for {name}", confirm=True, from_environment=False)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="The user name they sign in with.", show_default=False),
    role: str = typer.Option(..., "--role", help="admin, preparer, approver or viewer.", show_default=False),
    by: str = ByOption, by_password_file: Path = ByPasswordFileOption,
    password_file: Path = NewPasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Add an account, as an administrator (the new password is asked for twice and kept only as an argon2
    hash); the ledger records who added it."""

    from compliance.operations.accounts import AccountError, add_user, administrator

    with ledger_errors(AccountError):
        own = read_password(by_password_file, f"Your password ({by})", option="--by-password-file")
        password = _new_password(password_file, name)
        with _writing(db, contract, wait, "users") as ledger:
            administrator(ledger, by, own)
            event = add_user(ledger, name=name, role=role, password=password, on=today(), by=by)
    typer.echo(f"Recorded event {event.seq}: {name} may sign in to the review desk as {role} (added by {by}).")


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(..., show_default=False), by: str = ByOption,
                 by_password_file: Path = ByPasswordFileOption, db: Path = DbOption,
                 contract: Path = ContractOption, wait: float = WaitOption) -> None:
    """End an account, as an administrator: it cannot sign in again, and its open desk sessions end at their
    next request."""

    from compliance.operations.accounts import AccountError, administrator, revoke_user

    with ledger_errors(AccountError):
        own = read_password(by_password_file, f"Your password ({by})", option="--by-password-file")
        with _writing(db, contract, wait, "users") as ledger:
            administrator(ledger, by, own)
            event = revoke_user(ledger, name=name, on=today(), by=by)
    typer.echo(f"Recorded event {event.seq}: {name} can no longer sign in (revoked by {by}).")


@users_app.command("password")
def users_password(
    name: str = typer.Argument(..., help="Your user name.", show_default=False),
    by_password_file: Path = typer.Option(None, "--old-password-file", show_default=False,
                                          help="Read your current password from this file's first line."),
    password_file: Path = NewPasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Change your own password (the current one first, then the new one twice)."""

    from compliance.operations.accounts import AccountError, change_password

    with ledger_errors(AccountError):
        old = read_password(by_password_file, f"Current password ({name})", option="--old-password-file")
        new = _new_password(password_file, name)
        with _writing(db, contract, wait, "users") as ledger:
            event = change_password(ledger, name=name, old=old, new=new, on=today())
    typer.echo(f"Recorded event {event.seq}: {name} changed their password.")


@users_app.command("list")
def users_list(db: Path = DbOption, contract: Path = ContractOption) -> None:
    """The accounts, their roles and whether they are active."""
    from compliance.operations.access import open_to_read

    with ledger_errors(), open_to_read(db or DEFAULT_DB, contract_or_exit(contract)) as ledger:
        users = ledger.users()
    for user in users:
        typer.echo(f"{user.name}\t{user.role}\t{'active' if user.active else 'revoked'}")
    if not users:
        typer.echo("No accounts yet; `compliance init --out DIR --admin NAME` makes the first, an administrator.")


def init(
    out: Path = typer.Option(Path("output"), "--out", help="The output folder: its ledger.sqlite is made here."),
    admin: str = typer.Option(..., "--admin", show_default=False,
                              help="The first account's user name: an administrator, who adds the others."),
    password_file: Path = NewPasswordFileOption,
    by: str = typer.Option(None, "--by", show_default=False,
                           help="Only on a ledger whose accounts predate administrators: an approver's name."),
    by_password_file: Path = ByPasswordFileOption, contract: Path = ContractOption, wait: float = WaitOption,
) -> None:
    """Start a ledger: make DIR/ledger.sqlite and its first account, an administrator (the password is asked
    for twice). Then `compliance users add` (as that administrator) and `compliance serve --out DIR`."""

    from compliance.operations.access import open_to_create
    from compliance.operations.accounts import AccountError, init_accounts
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS

    terms = contract_or_exit(contract)
    with ledger_errors(AccountError):
        password = _new_password(password_file, admin)
        own = read_password(by_password_file, f"Your password ({by})", option="--by-password-file") if by else ""
        with open_to_create(out / "ledger.sqlite", terms, what="init",
                            wait=DEFAULT_WAIT_SECONDS if wait is None else wait) as ledger:
            event = init_accounts(ledger, admin=admin, password=password, on=today(), by=by,
                                  by_password=own)
    typer.echo(f"Recorded event {event.seq}: {admin} administers the accounts of {out / 'ledger.sqlite'}.")
    typer.echo(f"Next: compliance users add NAME --role preparer|approver|viewer --by {admin} --db "
               f"{out / 'ledger.sqlite'}")


def approve(
    year: int = typer.Option(..., "--year", help="The Assessment Year whose documents you approve.",
                             show_default=False),
    by: str = typer.Option(..., "--by", help="Your user name (an approver who did not prepare them).",
                           show_default=False),
    penalty_statement: bool = typer.Option(
        False, "--penalty-statement",
        help="Approve the year's current penalty statement (a computation for counsel, approved on its own).",
    ),
    prices: Path = typer.Option(
        None, "--prices", show_default=False,
        help="With --penalty-statement: the price file it was computed from, if no longer where the run read it.",
    ),
    password_file: Path = PasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Approve a year's prepared documents: they are written again without the DRAFT mark (same figures,
    same document IDs) into year-N/approved/ of the ledger's output folder. Refused to the preparer, to a
    non-approver and while a letter has open items. With --penalty-statement, the year's current penalty
    statement alone, on the same terms."""
    import datetime as dt

    from compliance.operations.accounts import AccountError, authenticate
    from compliance.operations.approval import ApprovalError, approve_year
    from compliance.operations.penalty_approval import approve_penalty

    terms = contract_or_exit(contract)
    year_or_exit(terms, year)
    if prices is not None and not penalty_statement:
        usage_error("--prices: only with --penalty-statement")
    with ledger_errors(ApprovalError, AccountError):
        given = _penalty_prices(prices) if prices is not None else None
        password = read_password(password_file, f"Password for {by}")
        database = db or DEFAULT_DB
        with _writing(database, contract, wait, "approve") as ledger:
            if authenticate(ledger, by, password) is None:
                usage_error(f"{by}: no active account with that password")
            if penalty_statement:
                approval = approve_penalty(ledger, terms, year=year, by=by, at=dt.datetime.now(dt.UTC),
                                           prices=given)
            else:
                approval = approve_year(ledger, terms, year=year, by=by, at=dt.datetime.now(dt.UTC))
    what = f"Year {year}'s penalty statement" if penalty_statement else f"Year {year}"
    typer.echo(f"{what} approved by {approval.approved_by} (prepared by {approval.prepared_by}) at "
               f"{approval.approved_at}. Final documents:")
    for item in approval.files:
        typer.echo(f"  {item.pdf_path}")
        typer.echo(f"  {item.docx_path}")


def _penalty_prices(path: Path):
    """The price file given to `approve --penalty-statement`, read as a run reads it (one line if unusable)."""
    from compliance.operations.penalties import PenaltyPrices
    from compliance.values.digest import sha256_file
    from compliance.values.prices import PriceFileError, load_prices

    try:
        return PenaltyPrices(load_prices(path), path, sha256_file(path))
    except (PriceFileError, OSError) as exc:
        usage_error(f"--prices {path}: {exc}")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("approve")(approve)
    app.add_typer(users_app, name="users")
