"""CLI commands for this area; register(app) adds them to the main typer app. Heavy imports stay inside
the command functions so that `compliance --help` starts fast."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    pass
