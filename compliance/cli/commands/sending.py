"""`compliance record-signed`, `send`, `received`, `letters` and `trust set|show`: an approved letter's life
after approval, as the review desk records it (operations.signed_upload, operations.sending, operations.trust).

Every act is recorded under a person's name, proven by that person's password (asked for, or --password-file,
or COMPLIANCE_PASSWORD), as `approve` and `record` are.
"""

from __future__ import annotations

from pathlib import Path

import typer

from compliance.cli.commands.common import (
    ContractOption,
    PasswordFileOption,
    contract_or_exit,
    parse_date,
    read_password,
    usage_error,
    year_or_exit,
)
from compliance.cli.commands.run import DEFAULT_DB, DbOption, WaitOption, ledger_errors

trust_app = typer.Typer(help="The trust roots signed letters are checked against (set by an administrator).",
                        no_args_is_help=True)

YearOption = typer.Option(..., "--year", help="The letter's Assessment Year.", show_default=False)
KindOption = typer.Option("joint-instruction", "--kind",
                          help="The letter: joint-instruction, release-notice, deduction-notice, assessment-report ...")
AsOption = typer.Option(..., "--by", show_default=False,
                        help="Your user name: a preparer or an approver (your password is asked for).")


def _acting(db: Path | None, contract: Path | None, wait: float | None, by: str, password_file: Path | None,
            action: str, what: str):
    """The ledger open to write, and `by` proven by their password to be one who may `action`."""
    from contextlib import contextmanager

    from compliance.operations.access import open_to_write
    from compliance.operations.accounts import proven
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS

    terms = contract_or_exit(contract)
    password = read_password(password_file, f"Password for {by}")

    @contextmanager
    def opened():
        with open_to_write(db or DEFAULT_DB, terms, what=what,
                           wait=DEFAULT_WAIT_SECONDS if wait is None else wait) as ledger:
            proven(ledger, by, password, action)
            yield ledger, terms

    return opened()


def _errors():
    from compliance.operations.accounts import AccountError
    from compliance.operations.letters import LetterError
    from compliance.operations.trust import TrustError

    return ledger_errors(LetterError, AccountError, TrustError)


def _now():
    import datetime as dt

    return dt.datetime.now(dt.UTC)


def record_signed(
    file: Path = typer.Argument(..., help="The signed PDF (signed by one party or both).", show_default=False),
    year: int = YearOption, kind: str = KindOption, who: str = AsOption, password_file: Path = PasswordFileOption,
    db: Path = DbOption, contract: Path = ContractOption, wait: float = WaitOption,
) -> None:
    """Record a letter signed outside the product: checked as `verify` checks it against the trust roots an
    administrator set (`compliance trust set`), and against the letter's approved final (only signatures may
    be added to it); kept in DIR/year-N/signed/ and recorded, field by field, with the signer. A copy that
    fails is refused, and nothing is recorded."""
    from compliance.operations.letters import letter_for
    from compliance.operations.signed_upload import record_signed_copy

    try:
        data = file.read_bytes()
    except OSError as exc:
        usage_error(f"{file}: cannot read it ({exc.strerror or exc.__class__.__name__})")
    with _errors(), _acting(db, contract, wait, who, password_file, "record", "record-signed") as (ledger, terms):
        year_or_exit(terms, year)
        letter = letter_for(ledger, terms, year=year, kind=kind)
        copy = record_signed_copy(ledger, letter, data, by=who, at=_now())
    for item, event in zip(copy.new, copy.events, strict=True):
        typer.echo(f"Recorded event {event.seq}: {item.field} signed by {item.signer} ({item.subject}).")
    typer.echo(f"Kept the signed copy as {copy.path}.")


def send(
    year: int = YearOption, kind: str = KindOption,
    how: str = typer.Option(..., "--via", show_default=False, help="How it was sent: courier, email or hand."),
    on: str = typer.Option(..., "--on", help="The day it was sent (YYYY-MM-DD).", show_default=False),
    reference: str = typer.Option(None, "--reference", show_default=False,
                                  help="The courier's waybill number, the e-mail's subject ..."),
    who: str = AsOption, password_file: Path = PasswordFileOption, db: Path = DbOption,
    contract: Path = ContractOption, wait: float = WaitOption,
) -> None:
    """Record how and when a signed letter was sent (every signature field must be recorded signed)."""
    from compliance.operations.letters import SENT_BY, letter_for
    from compliance.operations.sending import record_sent

    day = parse_date(on, "--on")
    with _errors(), _acting(db, contract, wait, who, password_file, "record", "send") as (ledger, terms):
        year_or_exit(terms, year)
        letter = letter_for(ledger, terms, year=year, kind=kind)
        event = record_sent(ledger, terms, letter, how=how, on=day, reference=reference, by=who, at=_now())
    way = SENT_BY[event.data["how"]]
    typer.echo(f"Recorded event {event.seq}: year {year}'s {kind} sent {way} on {day} (recorded by {who}).")


def received(
    year: int = YearOption, kind: str = KindOption,
    on: str = typer.Option(..., "--on", help="The day it was received (YYYY-MM-DD).", show_default=False),
    who: str = AsOption, password_file: Path = PasswordFileOption, db: Path = DbOption,
    contract: Path = ContractOption, wait: float = WaitOption,
) -> None:
    """Record the day a sent letter was received; the joint instruction's receipt by the escrow agent starts
    its ten PRC business days (EA 3.2), whose last day is printed."""
    from compliance.operations.letters import letter_for
    from compliance.operations.sending import record_letter_received

    day = parse_date(on, "--on")
    with _errors(), _acting(db, contract, wait, who, password_file, "record", "received") as (ledger, terms):
        year_or_exit(terms, year)
        letter = letter_for(ledger, terms, year=year, kind=kind)
        event = record_letter_received(ledger, terms, letter, on=day, by=who, at=_now())
        after = letter_for(ledger, terms, year=year, kind=kind)
    typer.echo(f"Recorded event {event.seq}: year {year}'s {kind} received on {day} (recorded by {who}).")
    if after.deadline is not None:
        deadline = after.deadline
        if deadline.transfer_by is not None:
            typer.echo(f"The escrow agent must transfer by {deadline.transfer_by} (EA 3.2: ten PRC business days "
                       f"after {day}).")
        else:
            typer.echo(f"The escrow agent's deadline (EA 3.2) cannot be computed yet: {deadline.why_not}.")


def letters(db: Path = DbOption, contract: Path = ContractOption) -> None:
    """Each current letter's state: draft, approved, signed by ..., sent, received."""
    from compliance.operations.access import open_to_read
    from compliance.operations.letters import letter_states

    terms = contract_or_exit(contract)
    with ledger_errors(), open_to_read(db or DEFAULT_DB, terms) as ledger:
        states = letter_states(ledger, terms)
    for state in states.values():
        year = state.year if state.year is not None else "-"
        line = f"year {year}\t{state.document.kind}\t{state.label}"
        if state.deadline is not None:
            line += f"\tagent's deadline {state.deadline.transfer_by or 'not computable yet'}"
        typer.echo(line)


@trust_app.command("set")
def trust_set(
    files: list[Path] = typer.Argument(..., help="Root certificates (PEM or DER files).", show_default=False),
    by: str = typer.Option(..., "--by", show_default=False, help="Your user name: an administrator."),
    password_file: Path = PasswordFileOption, db: Path = DbOption, contract: Path = ContractOption,
    wait: float = WaitOption,
) -> None:
    """Replace the trust roots signed letters are checked against (recorded with who set them, and when)."""
    from compliance.operations.trust import set_trust_roots

    given = []
    for path in files:
        try:
            given.append((str(path), path.read_bytes()))
        except OSError as exc:
            usage_error(f"{path}: cannot read it ({exc.strerror or exc.__class__.__name__})")
    with _errors(), _acting(db, contract, wait, by, password_file, "set_trust_roots", "trust") as (ledger, _):
        event = set_trust_roots(ledger, given, by=by, at=_now())
    typer.echo(f"Recorded event {event.seq}: {len(event.data['roots'])} trust root(s) set by {by}:")
    for root in event.data["roots"]:
        typer.echo(f"  {root['subject']} (sha256 {root['sha256'][:16]}...)")


@trust_app.command("show")
def trust_show(db: Path = DbOption, contract: Path = ContractOption) -> None:
    """The trust roots in force, who set them and when."""
    from compliance.operations.access import open_to_read
    from compliance.operations.trust import trust_roots

    with ledger_errors(), open_to_read(db or DEFAULT_DB, contract_or_exit(contract)) as ledger:
        roots = trust_roots(ledger)
    if not roots.roots:
        typer.echo("No trust roots are set; an administrator sets them with `compliance trust set FILE --by NAME`.")
        return
    typer.echo(f"Set by {roots.set_by} at {roots.set_at} (event {roots.event}):")
    for root in roots.roots:
        typer.echo(f"  {root.subject} (valid until {root.not_after}; sha256 {root.sha256[:16]}...)")


def register(app: typer.Typer) -> None:
    app.command("record-signed")(record_signed)
    app.command("send")(send)
    app.command("received")(received)
    app.command("letters")(letters)
    app.add_typer(trust_app, name="trust")
