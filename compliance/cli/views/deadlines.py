"""What `compliance deadlines` prints: each year's SPA 5.1 deadline and the agent's EA 3.2 window."""

from __future__ import annotations

import datetime as dt

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import days_text
from compliance.operations.facade import DeadlineRow


def print_deadlines(rows: list[DeadlineRow], as_of: dt.date) -> None:
    from rich.table import Table

    table = Table(title=f"Release deadlines as of {as_of:%d %B %Y}", title_justify="left")
    for header in ("Year", "Year ends", "Release deadline (SPA 5.1)", "Status", "Agent's deadline (EA 3.2)"):
        table.add_column(header)
    for row in rows:
        status = days_text(row.days_left)
        agent = f"{row.agent_deadline:%d %B %Y} (received {row.received_on:%d %B %Y})" if row.agent_deadline else "—"
        table.add_row(str(row.year), f"{row.period_end:%d %B %Y}", f"{row.release_deadline:%d %B %Y}", status, agent)
    make_console().print(table)
