"""What `compliance ledger events` prints: the event log, oldest first, as a table or JSON lines."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from compliance.cli.views.common import console, literal


def print_events(events, *, json_lines: bool) -> None:
    if json_lines:
        for event in events:
            typer.echo(json.dumps({"seq": event.seq, "kind": event.kind, "year": event.year,
                                   "date": event.on_date.isoformat() if event.on_date else None,
                                   "data": event.data, "hash": event.hash}, ensure_ascii=False))
        return
    table = Table()
    for column in ("#", "Event", "Year", "Date", "Details"):
        table.add_column(column)
    for event in events:
        details = {k: v for k, v in event.data.items() if k not in ("rows", "documents")}
        shown = literal(json.dumps(details, ensure_ascii=False))
        table.add_row(str(event.seq), event.kind, str(event.year or ""),
                      event.on_date.isoformat() if event.on_date else "", shown)
    console().print(table)


def print_trail(shown, *, as_csv: bool) -> None:
    """`compliance ledger trail`: the chain check, then who did what and when (operations.audit_trail)."""
    from compliance.operations.audit_trail import trail_csv

    if as_csv:
        typer.echo(trail_csv(shown).removeprefix("\ufeff"), nl=False)
        return
    typer.echo(literal(shown.chain_text))
    table = Table()
    for column in ("#", "When", "Who", "Year", "What happened"):
        table.add_column(column)
    for entry in shown.entries:
        table.add_row(str(entry.seq), entry.when or "-", literal(entry.who or "-"),
                      "" if entry.year is None else str(entry.year), literal(entry.sentence))
    console().print(table)
    typer.echo(f"{len(shown.entries)} of {shown.total} events shown.")
