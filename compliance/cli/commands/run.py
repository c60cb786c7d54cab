"""`compliance run` (the main job: an inbox of audit reports to a ledger and documents) and `compliance status`.

Heavy imports stay inside the command functions so that `compliance --help` starts fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer

from compliance.cli.commands.common import (
    AsOfOption,
    ContractOption,
    LanguageOption,
    PasswordFileOption,
    as_of_or_today,
    contract_or_exit,
    read_password,
    unexpected_line,
    usage_error,
    with_language,
)

DEFAULT_DB = Path("output") / "ledger.sqlite"

DbOption = typer.Option(
    None, "--db", envvar="COMPLIANCE_LEDGER", show_default=False,
    help=f"Ledger database (default: {DEFAULT_DB}, the demo's; `run` uses DIR/ledger.sqlite).",
)
WaitOption = typer.Option(
    None, "--wait", show_default=False,
    help="Seconds to wait for another writer on the same ledger before giving up (default 30).",
)


def login_name() -> str:
    """The operating system's name for whoever runs the command, read here at the edge."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def fail_unexpected(exc: BaseException) -> None:
    """No traceback reaches the user: one line naming what broke, exit 1."""
    print(unexpected_line(exc), file=sys.stderr)
    raise typer.Exit(1)


def act_as(db: Path | None, contract: Path | None, wait: float | None, by: str, password_file: Path | None,
           error: type[Exception], what: str, action) -> None:
    """An act recorded under a person's name: open the ledger under the writer lock, read the person's password,
    run `action(ledger, terms, password)` (the operation proves the password), print its one line. `error` is
    the operation's refusal, a usage line."""
    from compliance.cli.commands.common import contract_or_exit, read_password
    from compliance.cli.views.common import printable
    from compliance.operations.access import open_to_write
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS

    with ledger_errors(error):
        terms = contract_or_exit(contract)
        with open_to_write(db or DEFAULT_DB, terms, what=what,
                           wait=DEFAULT_WAIT_SECONDS if wait is None else wait) as ledger:
            message = action(ledger, terms, read_password(password_file, f"Password for {by}"))
    typer.echo(printable(message))


@contextmanager
def ledger_errors(*usage: type[Exception]) -> Iterator[None]:
    """Around a command's ledger work: a ledger problem (or one of `usage`) is a usage line, exit 2; so is a
    file that cannot be written (a full disk, a read-only folder, a permission: the path, the cause and what to
    do); anything unexpected is one line, exit 1. Never a traceback."""
    from compliance.operations.facade import LedgerBusy, LedgerError

    try:
        yield
    except (LedgerError, LedgerBusy, *usage) as exc:
        usage_error(str(exc))
    except typer.Exit:
        raise
    except OSError as exc:
        usage_error(disk_sentence(exc))
    except Exception as exc:
        fail_unexpected(exc)


def disk_sentence(exc: OSError) -> str:
    from compliance.values.files import os_error_sentence

    return os_error_sentence(exc)


def _progress_bar():
    """A rich progress bar on stderr when it is a terminal; (callback, stop) or (None, no-op)."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn("Reading reports"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("read", total=None)
    bar.start()

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return update, bar.stop


def run(
    inbox: Path = typer.Argument(..., help="Folder of audit reports (every file in it is read).", show_default=False),
    out: Path = typer.Option(..., "--out", help="Folder for documents, review files and summary.json.",
                             show_default=False),
    as_of: str = AsOfOption,
    contract: Path = ContractOption,
    prices: Path = typer.Option(
        None, "--prices", show_default=False,
        help="CSV 'date,close' of Party A's closes (USD): writes a penalty statement for an overdue release.",
    ),
    strict_prices: bool = typer.Option(
        False, "--strict-prices",
        help="Write no penalty statement whose closes have a gap longer than the contract tolerates (say why).",
    ),
    db: Path = typer.Option(None, "--db", show_default=False, help="Ledger database (default DIR/ledger.sqlite)."),
    wait: float = WaitOption,
    by: str = typer.Option(None, "--by", show_default=False,
                           help="Who prepares the documents (a preparer or approver; your password is asked for). "
                                "Without it a ledger with accounts only reads and records the reports."),
    password_file: Path = PasswordFileOption,
    language: str = LanguageOption,
) -> None:
    """Read every report in INBOX, record it in the ledger, and prepare each determined year's documents
    (drafts awaiting approval by a second person: `compliance approve`).

    Exit 0 when every file was accepted, 1 when any was not (or a year needs a decision), 2 on a usage error.
    Running again on the same inbox changes nothing."""
    from compliance.operations.facade import DEFAULT_WAIT_SECONDS
    from compliance.operations.run import RunError, RunOptions
    from compliance.operations.run import run as run_job

    try:
        as_of_date = as_of_or_today(as_of)
        progress, stop = _progress_bar()
        options = RunOptions(
            inbox=inbox, out_dir=out, as_of=as_of_date, contract_path=contract, prices_path=prices,
            strict_prices=strict_prices, db_path=db,
            wait=DEFAULT_WAIT_SECONDS if wait is None else wait, progress=progress, prepared_by=by,
            password=lambda: read_password(password_file, f"Password for {by}"), login_name=login_name(),
            language=with_language(contract_or_exit(contract), language).language if language else None,
        )
        try:
            result = run_job(options)
        finally:
            stop()
    except RunError as exc:
        usage_error(str(exc))
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        print("interrupted; run the same command again to finish (nothing is lost)", file=sys.stderr)
        raise typer.Exit(130) from None
    except OSError as exc:
        usage_error(disk_sentence(exc))
    except Exception as exc:
        fail_unexpected(exc)
    from compliance.cli.views.run import print_run

    print_run(result, as_of_date)
    raise typer.Exit(result.exit_code)


def status(
    as_of: str = AsOfOption,
    db: Path = DbOption,
    contract: Path = ContractOption,
    json_output: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Each year: report, revenue, determination, documents, deadline, days left or overdue, release, penalty."""
    with ledger_errors():
        from compliance.operations.due import ledger_due
        from compliance.operations.status import status_report

        terms = contract_or_exit(contract)
        report = status_report(db or DEFAULT_DB, terms, as_of_or_today(as_of))
        dues = ledger_due(db or DEFAULT_DB, terms, report.as_of)  # the desk's banner: the same dates
    if json_output:
        data = report.to_json()
        for entry in data["years"]:
            entry["due"] = next(due.as_json(report.as_of) for due in dues if due.year == entry["year"])
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    from compliance.cli.views.run import print_status

    print_status(report, dues=dues)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("status")(status)
