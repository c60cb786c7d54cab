"""What every command shares: options, argument parsing and the one-line usage error (exit 2)."""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:  # the contract model (pydantic) loads only when a command runs: `--help` stays fast
    from compliance.operations.facade import Contract

ContractOption = typer.Option(
    None, "--contract", help="Contract file (YAML); the built-in Kaixin contract when omitted.",
    show_default=False,
)
AsOfOption = typer.Option(
    None, "--as-of", help="The date the computation is made as of (YYYY-MM-DD).", show_default=False
)
CalendarOption = typer.Option(
    None, "--calendar", help="YAML file with a year's PRC holidays and make-up working days (repeatable).",
    show_default=False,
)


LanguageOption = typer.Option(None, "--language", show_default=False,
                              help="en, zh or bilingual: the letters' language (default: the deal's particular, "
                                   "English unless set).")


def with_language(terms, language: str | None):
    """The contract with the letters' language given on the command line (the deal's particular otherwise)."""
    from compliance.operations.facade import LANGUAGES

    if language is None:
        return terms
    if language not in LANGUAGES:
        usage_error(f"--language {language}: choose one of {', '.join(LANGUAGES)}")
    return terms.model_copy(update={"language": language})


def usage_error(message: str) -> NoReturn:
    """One plain line on stderr and exit 2: what the user typed cannot be used."""
    from compliance.cli.views.common import printable

    print(f"error: {printable(message)}", file=sys.stderr)
    raise typer.Exit(2)


def unexpected_line(exc: BaseException) -> str:
    """The one line a user sees for a failure no check foresaw (never a traceback)."""
    from compliance.cli.views.common import printable

    text = " ".join(str(exc).split()) or "no message"
    return f"error: unexpected {exc.__class__.__name__}: {printable(text)}"


def contract_or_exit(path: Path | None) -> Contract:
    from compliance.operations.facade import ContractError, load_contract

    try:
        return load_contract(path)
    except ContractError as exc:
        usage_error(str(exc))


def year_or_exit(terms: Contract, year: int) -> int:
    """--year N: N must be an Assessment Year of the contract."""
    numbers = [item.number for item in terms.assessment_years]
    if year not in numbers:
        usage_error(f"--year {year}: not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]})")
    return year


def reading_or_exit(reading: str | None) -> str | None:
    """--reading NAME: one of the engine's readings (None: the contract's default)."""
    from compliance.operations.facade import READINGS

    if reading is not None and reading not in READINGS:
        usage_error(f"--reading {reading}: not a reading; choose one of {', '.join(READINGS)}")
    return reading


def parse_date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        usage_error(f"{option} {value}: not a date; write it as YYYY-MM-DD")


def today() -> dt.date:
    """The day an account change is recorded: the clock, read here at the edge (the operations take the date)."""
    return dt.date.today()


def as_of_or_today(value: str | None) -> dt.date:
    """The explicit --as-of, or today's date read once here at the edge (commands print which they used)."""
    return parse_date(value, "--as-of") or today()


def parse_revenue_args(values: list[str] | None, contract: Contract) -> dict[int, Decimal]:
    """--revenue N=AMOUNT ...: N an Assessment Year of the contract, AMOUNT in RMB yuan."""
    from compliance.values.money import AmountError, parse_rmb

    revenues: dict[int, Decimal] = {}
    last = len(contract.assessment_years)
    for raw in values or []:
        year_text, sep, amount_text = raw.partition("=")
        if not sep:
            usage_error(f"--revenue {raw}: write YEAR=AMOUNT, e.g. --revenue 1=702345678.90")
        if not re.fullmatch(r"[0-9]{1,3}", year_text.strip()) or not 1 <= int(year_text) <= last:
            usage_error(f"--revenue {raw}: year '{year_text}' is not an Assessment Year (1-{last})")
        year = int(year_text)
        if year in revenues:
            usage_error(f"--revenue {raw}: year {year} is given twice")
        try:
            revenues[year] = parse_rmb(amount_text)
        except AmountError as exc:
            usage_error(f"--revenue {raw}: {exc}")
    return revenues


PASSWORD_ENV = "COMPLIANCE_PASSWORD"
PasswordFileOption = typer.Option(
    None, "--password-file", show_default=False,
    help=f"Read your password from this file's first line instead of being asked (scripts may set {PASSWORD_ENV}).",
)


def read_password(path: Path | None, prompt: str, *, confirm: bool = False, option: str = "--password-file",
                  from_environment: bool = True) -> str:
    """A password, from the first line of `path`, else the COMPLIANCE_PASSWORD environment variable (for
    scripts), else asked for on the terminal (twice when `confirm`); never from anywhere else."""
    import os

    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            usage_error(f"{option} {path}: cannot be read ({getattr(exc, 'strerror', None) or exc})")
        return lines[0] if lines else ""
    if from_environment and os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if not sys.stdin.isatty():
        usage_error(f"no terminal to ask for the password; pass {option} (or set {PASSWORD_ENV})")
    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
