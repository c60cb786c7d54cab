"""A person's own settings at the review desk, kept in the hash-chained ledger like everything else: today the
language the desk's pages speak to them (English or Simplified Chinese), recorded as a `language_chosen` event
with who and when, and read back at each request (the latest choice counts).

    record a choice            choose_language(ledger, name=, language=, at=)
    a person's language        chosen_language(ledger, name) -> 'en' | 'zh' | None (never chosen)
"""

from __future__ import annotations

import datetime as dt

from compliance.ledger import Event, Ledger

LANGUAGES = ("en", "zh")  # English, Simplified Chinese


def chosen_language(ledger: Ledger, name: str) -> str | None:
    """The language `name` chose last at the desk; None when they never chose one."""
    found = None
    for event in ledger.events(kinds=("language_chosen",)):
        if event.data.get("by") == name and event.data.get("language") in LANGUAGES:
            found = event.data["language"]
    return found


def choose_language(ledger: Ledger, *, name: str, language: str, at: dt.datetime) -> Event | None:
    """Record that `name` chose `language` (None: it is already their language, nothing is written)."""
    if language not in LANGUAGES:
        raise ValueError(f"the desk speaks {' and '.join(LANGUAGES)}, not {language!r}")
    if chosen_language(ledger, name) == language:
        return None
    data = {"by": name, "at": at.astimezone(dt.UTC).isoformat(timespec="seconds"), "language": language}
    with ledger.transaction():
        return ledger.add_event("language_chosen", year=None, on_date=at.date(), data=data)
