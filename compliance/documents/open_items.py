"""Open items: what a letter still lacks before anyone may sign it.

A template never asserts a value nobody has: a blank contract value, a choice not yet made or a value the
contract file marks `unconfirmed` prints as a visible placeholder, and the placeholder macro records it
here with `open_item(...)`. The renderer collects the items of one rendering (a context variable, so that
nested macros and concurrent renderers cannot mix them up) and, when there are any, renders the letter
again marked DRAFT with the list at its end. The same list goes to the ledger, `summary.json`, `status`
and the year's assessment report: one source, the letter as printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_COLLECTED: ContextVar[list[str] | None] = ContextVar("open_items", default=None)


@contextmanager
def collecting() -> Iterator[list[str]]:
    """The open items recorded while the block runs, in the order the letter prints them, each once."""
    items: list[str] = []
    token = _COLLECTED.set(items)
    try:
        yield items
    finally:
        _COLLECTED.reset(token)


def open_item(what: str) -> str:
    """Record one open item (a Jinja global; prints nothing)."""
    items = _COLLECTED.get()
    text = " ".join(str(what).split())
    if items is not None and text not in items:
        items.append(text)
    return ""
