"""Formats every view shares."""

from __future__ import annotations


def days_text(days: int) -> str:
    """Days until a deadline: '12 days left', 'due today', '3 days overdue'."""
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    if days == 0:
        return "due today"
    return f"{-days} day{'s' if days != -1 else ''} overdue"
