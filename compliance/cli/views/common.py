"""Formats every view shares, and the one rule for user text: it is printed literally (literal())."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape


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
    return f"[{style}]{literal(status)}[/]" if style else literal(status)


# C0 and C1 controls (ESC starts terminal sequences), DEL, and the bidirectional overrides and isolates
# that reorder what a reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: object) -> str:
    """Text from a user or a file, safe for a terminal: control and bidi characters as visible escapes."""
    return _UNPRINTABLE.sub(_escape, str(text))


def literal(text: object) -> str:
    """printable(), and rich markup in it shown as typed: '[bold]x.pdf' stays '[bold]x.pdf'."""
    return escape(printable(text))


def console(*, stderr: bool = False) -> Console:
    """Every view's console: no emoji codes (':smiley:' stays as typed), no guessing of highlights."""
    return Console(stderr=stderr, highlight=False, emoji=False)
