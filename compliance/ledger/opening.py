"""Opening a ledger file: to use it (created and migrated when new, and only once its whole hash chain checks),
or to check it as it is (read-only, for `ledger verify`).

A ledger that fails its chain is never used: every command and desk request opens it through `open_ledger`,
which recomputes every hash first (a few milliseconds per thousand events; `make bench` measures it) and
refuses it with the first row that does not check. The path is used with its links resolved, so that SQLite's
journal is always beside the real file, whatever name reached it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from compliance.ledger.anchor import AnchorError, check_anchor, read_anchor
from compliance.ledger.events import STATE_TABLES
from compliance.ledger.lock import real_path
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


class LedgerTampered(LedgerError):
    """The ledger fails its hash-chain check: it is not used; str() says where and what to do."""


def open_ledger(path: str | Path, *, create: bool = True) -> Ledger:
    """Open (creating and migrating when `create`) the ledger at `path`, once its hash chain checks."""
    file = real_path(path)
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
        raise LedgerError(_not_a_ledger(file, exc)) from None
    except OSError as exc:
        raise LedgerError(f"the ledger {file} cannot be opened ({exc.strerror or exc}); check the folder's space and "
                          "permissions") from None
    ledger = Ledger(conn, Path(path))
    try:
        report = ledger.verify()
    except sqlite3.DatabaseError as exc:
        ledger.close()
        raise LedgerError(_not_a_ledger(file, exc)) from None
    problem = report.problem or _against_last_summary(ledger)
    if problem:
        ledger.close()
        raise LedgerTampered(f"the ledger {path} fails its hash-chain check ({problem}), so it is not used: "
                             "nothing was read from it or written to it. Restore it from a backup and check it with "
                             "`compliance ledger verify`")
    return ledger


def _against_last_summary(ledger: Ledger) -> str | None:
    """The anchor the last run left in its summary.json (in the ledger's output folder), when there is one: the
    ledger must still hold that event unchanged, or it was cut at its end or rewritten whole since."""
    out = ledger.meta("out_dir")
    if out is None:
        return None
    try:
        anchor = read_anchor(str(ledger.path.resolve().parent / out / "summary.json"))
    except AnchorError:  # no summary yet, or not one we can read: the chain check alone stands
        return None
    return check_anchor(ledger.conn, anchor)


def _not_a_ledger(file: Path, exc: sqlite3.DatabaseError) -> str:
    """A database error when opening: a full disk or a read-only folder is said as such, not as a strange file."""
    text = str(exc)
    if "full" in text:
        return f"the disk holding {file} is full ({text}); free space and try again"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"the ledger {file} cannot be written ({text}); check the folder's permissions"
    return f"{file} is not a compliance ledger ({text})"
