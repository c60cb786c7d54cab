"""The `compliance` command line. Each area's commands live in compliance/commands/<area>.py."""

from __future__ import annotations

import typer

from .commands import core, extract, ledger, penalty, render, run

app = typer.Typer(
    help="Earn-out escrow administration for the Kaixin SPA: extract audited revenue, apply SPA 5.2, "
    "and write signed-ready letters.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for area in (core, extract, render, run, penalty, ledger):
    area.register(app)


def main() -> None:
    app()
