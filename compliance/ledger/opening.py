"""Opening a ledger file: to use it (created and migrated when new), or to check it as it is (read-only)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from compliance.ledger.events import STATE_TABLES
from compliance.ledger.schema import SchemaError, migrate
from compliance.ledger.store import Ledger, LedgerError


def open_for_checking(path: str | Path) -> Ledger:
    """Open a ledger read-only, as it is (no migration, nothing written), for `ledger verify`. An empty file,
    or one with no ledger schema, is refused: a ledger is never empty."""
    file = Path(path)
    if not file.exists():
        raise LedgerError(f"no ledger at {file}")
    if file.stat().st_size == 0:
        raise LedgerError(f"{file} is empty (0 bytes): a ledger is never empty, so it was emptied or replaced")
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{file} is not a compliance ledger ({exc})") from None
    if version == 0 or not set(STATE_TABLES) | {"events"} <= tables:
        conn.close()
        raise LedgerError(f"{file} has no ledger schema (version {version}): it is not a ledger this tool wrote, "
                          "or it was emptied")
    return Ledger(conn, file)


def open_ledger(path: str | Path, *, create: bool = True) -> Ledger:
    """Open (creating and migrating when `create`) the ledger at `path`."""
    file = Path(path)
    if not file.exists():
        if not create:
            raise LedgerError(f"no ledger at {file}; run `compliance run INBOX --out DIR` first or pass --db")
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(file, isolation_level=None, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")
        migrate(conn)
    except SchemaError as exc:
        raise LedgerError(f"{file}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        raise LedgerError(f"{file} is not a compliance ledger ({exc})") from None
    return Ledger(conn, file)
