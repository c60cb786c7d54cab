"""What `compliance extract` prints: one row per file, then each problem's sentence."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import literal, styled
from compliance.values.money import group


def print_extractions(results) -> None:
    """One row per file; below the table, each problem's sentence for the files that need attention."""
    console = make_console()
    table = Table()
    table.add_column("File", overflow="fold")
    table.add_column("Status", no_wrap=True)
    table.add_column("Year", justify="right", no_wrap=True)
    table.add_column("Revenue (yuan)", justify="right", no_wrap=True)
    table.add_column("Problems", overflow="fold")
    for result in results:
        table.add_row(
            literal(Path(result.file).name),
            styled(result.status),
            str(result.assessment_year or ""),
            group(result.operating_revenue) if result.operating_revenue is not None else "",
            ", ".join(p.code for p in result.problems),
        )
    console.print(table)
    for result in results:
        for found in result.problems:
            if found.severity != "warning":
                console.print(f"{literal(Path(result.file).name)}: [bold]{found.code}[/]: {literal(found.message)}")
