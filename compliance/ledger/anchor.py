"""The chain's head kept outside the ledger file, so that a rewrite of the file can be caught.

The hash chain proves that no event was changed *relative to the others*; whoever rewrites the whole file
with the project's own hash functions, or cuts its last events, leaves a chain that checks. An anchor is
the head (the last event's number and hash) written somewhere else: `summary.json` after every run, and
`compliance ledger anchor` for a copy to keep (sent by mail, printed, filed). `ledger verify --anchor`
then proves that the ledger still holds exactly that event: every event before it is pinned by its hash.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_TEXT = re.compile(r"^\s*(\d+)\s*:\s*([0-9a-f]{64})\s*$")


class AnchorError(ValueError):
    """An anchor that cannot be read; str() is one plain sentence."""


@dataclass(frozen=True)
class Anchor:
    events: int  # the number (seq) of the last event
    head: str  # its hash

    def to_json(self) -> dict:
        return {"events": self.events, "head": self.head}

    def __str__(self) -> str:
        return f"{self.events}:{self.head}"


def chain_head(conn: sqlite3.Connection) -> Anchor | None:
    row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return Anchor(row[0], row[1]) if row else None


def read_anchor(source: str) -> Anchor:
    """'SEQ:HASH', or a file holding one: the JSON of `ledger anchor` or a run's summary.json."""
    match = _TEXT.match(source)
    if match:
        return Anchor(int(match.group(1)), match.group(2))
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnchorError(f"--anchor {source}: neither SEQ:HASH nor a readable file "
                          f"({exc.__class__.__name__})") from None
    match = _TEXT.match(text)
    if match:
        return Anchor(int(match.group(1)), match.group(2))
    try:
        data = json.loads(text)
    except ValueError:
        raise AnchorError(f"--anchor {source}: the file holds no anchor (SEQ:HASH or JSON)") from None
    data = data.get("ledger_anchor", data) if isinstance(data, dict) else None
    if not (isinstance(data, dict) and isinstance(data.get("events"), int) and isinstance(data.get("head"), str)
            and re.fullmatch(r"[0-9a-f]{64}", data["head"])):
        raise AnchorError(f"--anchor {source}: the file holds no anchor (keys 'events' and 'head')")
    return Anchor(data["events"], data["head"])


def check_anchor(conn: sqlite3.Connection, anchor: Anchor) -> str | None:
    """None when the ledger holds the anchored event unchanged; else the problem in one sentence."""
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", (anchor.events,)).fetchone()
    if row is None:
        last = chain_head(conn)
        held = f"it ends at event {last.events}" if last else "it holds no event"
        return (f"the anchor names event {anchor.events}, but {held}: events were removed from the end of the "
                "log")
    if row[0] != anchor.head:
        return (f"event {anchor.events} no longer has the hash the anchor recorded ({anchor.head[:12]}...): the "
                "log up to it was rewritten")
    return None
