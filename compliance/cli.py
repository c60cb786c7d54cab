"""The `compliance` command line. Each area's commands live in compliance/commands/<area>.py."""

from __future__ import annotations

import sys

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
    try:
        app()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # last resort: a failure no command foresaw is still one line, exit 1
        from .commands.common import unexpected_line

        print(unexpected_line(exc), file=sys.stderr)
        sys.exit(1)
