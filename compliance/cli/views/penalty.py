"""What `compliance penalty` prints: the days late, the sum, the cap and the exposure figure under SPA 8.2 on the
product's reading, with the days divided by the escrow agent's EA 3.2 period (no conclusion on who bears them)."""

from __future__ import annotations

from rich.table import Table

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import literal
from compliance.operations.facade import long_date as day
from compliance.operations.facade import percent
from compliance.values.money import exact_grouped, usd, usd_exact


def print_penalty(terms, result) -> None:
    """The figures of one SPA 8.2 computation, each with the article it applies."""
    year = terms.year(result.year)
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Release deadline", f"{day(result.deadline)} (SPA 5.1: {terms.release.days_after_year_end.value} "
                  f"days after the Assessment Year ended on {day(year.end)})")
    table.add_row("Released / as of", f"{day(result.released_on)}")
    table.add_row("Days after it", f"{result.days_late:,} calendar days; {len(result.excluded):,} excluded "
                  f"(EA 3.3, SPA 8.1); {result.days_counted:,} counted")
    table.add_row("Shares not released", f"{result.shares:,}")
    if result.days_counted == 0:
        table.add_row("Exposure figure", "nil: no day is counted (SPA 8.2)")
        make_console().print(f"[bold]SPA 8.2 exposure computation, Assessment Year {result.year}[/bold]")
        make_console().print(table)
        return
    how = ("each day at its own close" if result.valuation == "daily"
           else f"every day at the deadline's close (USD {result.cap_close}, {day(result.cap_price_date)})")
    table.add_row("Valuation", f"{result.valuation}: {how}")
    table.add_row(f"Sum of daily amounts ({percent(result.daily_rate)} a day)", usd_exact(result.accrued))
    table.add_row(f"Cap ({percent(result.cap_rate)})", f"{usd_exact(result.cap)} at USD {result.cap_close}, the close "
                  f"of {day(result.cap_price_date)}" + (" (the cap binds)" if result.cap_binds else ""))
    table.add_row("Exposure figure", f"[bold]{usd(result.penalty)}[/bold] (exact {exact_grouped(result.penalty)}, "
                  "rounded to the cent, half up; on the stated reading, not a conclusion that it is due)")
    if result.agent_deadline is not None:
        window = (f"Period A (to {day(result.agent_deadline)}, the end of the EA 3.2 period) "
                  f"{result.party_days('Party A'):,} days, Period B (after it) {result.party_days('Party D'):,} days; "
                  f"the agent held both EA 3.1 documents from {day(result.documents_received_on)}")
    else:
        window = "no receipt of the EA 3.1 documents recorded: the agent's EA 3.2 period cannot be placed"
    table.add_row("Agent's period", window)
    console = make_console()
    console.print(f"[bold]SPA 8.2 exposure computation, Assessment Year {result.year}[/bold]")
    console.print(table)
    for warning in result.warnings:
        console.print(f"[yellow]Note:[/yellow] {literal(warning)}")
