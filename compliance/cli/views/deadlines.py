"""What `compliance deadlines` prints: each year's SPA 5.1 deadline and the agent's EA 3.2 window."""

from __future__ import annotations

import datetime as dt

from compliance.cli.views.common import console as make_console
from compliance.cli.views.common import days_text
from compliance.operations.facade import DeadlineRow


def sending_text(sending, hint: str = "--calendar") -> str:
    """A year's latest sending days (operations.due.Sending), the dates the desk's banner gives."""
    if sending is None:
        return "—"
    if not sending.known:
        return f"needs the {sending.missing_year} PRC holiday schedule ({hint})"
    return f"courier {sending.courier_by:%d %B %Y}; e-mail {sending.email_by:%d %B %Y}"


def print_deadlines(rows: list[DeadlineRow], as_of: dt.date, sending: dict | None = None) -> None:
    from rich.table import Table

    table = Table(title=f"Release deadlines as of {as_of:%d %B %Y}", title_justify="left")
    for header in ("Year", "Year ends", "Release deadline (SPA 5.1)", "Status", "Send the instruction by (EA 3.2)",
                   "Agent's deadline (EA 3.2)"):
        table.add_column(header)
    for row in rows:
        status = days_text(row.days_left)
        agent = f"{row.agent_deadline:%d %B %Y} (received {row.received_on:%d %B %Y})" if row.agent_deadline else "—"
        send = sending_text((sending or {}).get(row.year)) if not row.received_on else "received"
        table.add_row(str(row.year), f"{row.period_end:%d %B %Y}", f"{row.release_deadline:%d %B %Y}", status, send,
                      agent)
    make_console().print(table)
