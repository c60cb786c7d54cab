"""Formats every view shares."""

from __future__ import annotations


def days_text(days: int) -> str:
    """Days until a deadline: '12 days left', 'due today', '3 days overdue'."""
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "due today"
    return f"{-days} day{'s' if days != -1 else ''} overdue"


# Colours of the statuses a user acts on: green done, yellow to look at, red to decide or fix.
_STYLE = {"issued": "green", "accepted": "green", "decides_year": "green", "conflicting_reports": "bold red",
          "rejected": "red", "error": "bold red", "needs_review": "yellow", "changed": "yellow"}


def styled(status: str) -> str:
    """A status in rich markup, coloured by what the user has to do about it."""
    style = _STYLE.get(status)
    return f"[{style}]{status}[/]" if style else str(status)
