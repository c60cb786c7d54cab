"""The ledger's schema, versioned with SQLite's PRAGMA user_version and upgraded by a list of migration steps.

Step k (1-based) takes a ledger from version k-1 to k inside one transaction, so an interrupted upgrade
leaves the ledger at its old version. A ledger written by a newer release than this one is refused rather
than guessed at.

Every row of a state table carries `row_hash` (sha256 of its canonical JSON, see events.row_hash) and
`event_seq`, the event that pinned that hash in the hash-chained log; `ledger verify` checks both.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema.
    """
    CREATE TABLE meta (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,
        row_hash   TEXT NOT NULL,
        event_seq  INTEGER
    );
    -- One row per distinct file content, whatever it was called.
    CREATE TABLE reports (
        sha256     TEXT PRIMARY KEY,
        size       INTEGER NOT NULL,
        first_name TEXT NOT NULL,
        row_hash   TEXT NOT NULL,
        event_seq  INTEGER
    );
    -- Every file name a content was seen under (the same report under two names is recorded once).
    CREATE TABLE report_names (
        sha256     TEXT NOT NULL REFERENCES reports(sha256),
        name       TEXT NOT NULL,
        row_hash   TEXT NOT NULL,
        event_seq  INTEGER,
        PRIMARY KEY (sha256, name)
    );
    CREATE TABLE extractions (
        sha256            TEXT PRIMARY KEY REFERENCES reports(sha256),
        status            TEXT NOT NULL,
        assessment_year   INTEGER,
        operating_revenue TEXT,
        json              TEXT NOT NULL,
        row_hash          TEXT NOT NULL,
        event_seq         INTEGER
    );
    -- A year's determination under SPA 5.2: a pure function of its inputs (input_key).
    CREATE TABLE determinations (
        id             INTEGER PRIMARY KEY,
        year           INTEGER NOT NULL,
        input_key      TEXT NOT NULL UNIQUE,
        reading        TEXT NOT NULL,
        contract_id    TEXT NOT NULL,
        contract_sha256 TEXT NOT NULL,
        report_sha256  TEXT NOT NULL REFERENCES reports(sha256),
        revenues_json  TEXT NOT NULL,
        reports_json   TEXT NOT NULL,
        figures_json   TEXT NOT NULL,
        release_shares INTEGER NOT NULL,
        as_of          TEXT NOT NULL,
        superseded_by  INTEGER REFERENCES determinations(id),
        row_hash       TEXT NOT NULL,
        event_seq      INTEGER
    );
    CREATE TABLE documents (
        id               INTEGER PRIMARY KEY,
        slot             TEXT NOT NULL,
        version          INTEGER NOT NULL,
        kind             TEXT NOT NULL,
        year             INTEGER,
        determination_id INTEGER REFERENCES determinations(id),
        input_key        TEXT NOT NULL,
        pdf_path         TEXT NOT NULL,
        pdf_sha256       TEXT NOT NULL,
        docx_path        TEXT NOT NULL,
        docx_sha256      TEXT NOT NULL,
        document_id      TEXT NOT NULL,
        as_of            TEXT NOT NULL,
        superseded_by    INTEGER REFERENCES documents(id),
        row_hash         TEXT NOT NULL,
        event_seq        INTEGER,
        UNIQUE (slot, version)
    );
    -- Append-only, hash-chained: hash = sha256(prev_hash + canonical JSON of the row's other fields).
    CREATE TABLE events (
        seq        INTEGER PRIMARY KEY,
        kind       TEXT NOT NULL,
        year       INTEGER,
        on_date    TEXT,
        data       TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL UNIQUE
    );
    CREATE INDEX events_by_year ON events(year, kind);
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
    """,
    # 2: going back to earlier inputs (a resolution reversed, a contract change undone) issues the next
    # version, a new determination with the same input_key as a superseded one: the key is no longer unique.
    """
    CREATE TABLE determinations_v2 (
        id             INTEGER PRIMARY KEY,
        year           INTEGER NOT NULL,
        input_key      TEXT NOT NULL,
        reading        TEXT NOT NULL,
        contract_id    TEXT NOT NULL,
        contract_sha256 TEXT NOT NULL,
        report_sha256  TEXT NOT NULL REFERENCES reports(sha256),
        revenues_json  TEXT NOT NULL,
        reports_json   TEXT NOT NULL,
        figures_json   TEXT NOT NULL,
        release_shares INTEGER NOT NULL,
        as_of          TEXT NOT NULL,
        superseded_by  INTEGER REFERENCES determinations(id),
        row_hash       TEXT NOT NULL,
        event_seq      INTEGER
    );
    INSERT INTO determinations_v2 SELECT * FROM determinations;
    DROP TABLE determinations;
    ALTER TABLE determinations_v2 RENAME TO determinations;
    CREATE INDEX determinations_by_key ON determinations(input_key);
    CREATE INDEX determinations_by_year ON determinations(year, superseded_by);
    """,
    # 3: four-eyes approval (the review desk). The people who may sign in, each with one role; and each
    # approval of a determination's documents: who approved, the final files it wrote (the drafts stay).
    # Sessions are not kept here: they are the desk server's, and not part of the record.
    """
    CREATE TABLE users (
        name           TEXT PRIMARY KEY,
        role           TEXT NOT NULL,
        password_hash  TEXT NOT NULL,
        active         INTEGER NOT NULL,
        row_hash       TEXT NOT NULL,
        event_seq      INTEGER
    );
    CREATE TABLE approvals (
        id               INTEGER PRIMARY KEY,
        year             INTEGER NOT NULL,
        determination_id INTEGER NOT NULL REFERENCES determinations(id),
        prepared_by      TEXT NOT NULL,
        approved_by      TEXT NOT NULL REFERENCES users(name),
        approved_at      TEXT NOT NULL,
        documents_json   TEXT NOT NULL,
        row_hash         TEXT NOT NULL,
        event_seq        INTEGER
    );
    CREATE INDEX approvals_by_determination ON approvals(determination_id);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class SchemaError(RuntimeError):
    """A ledger this release cannot use; str() is one plain sentence."""


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the ledger to SCHEMA_VERSION, one transaction per step; returns the version reached."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"this ledger has schema version {current}, newer than this release understands "
            f"({SCHEMA_VERSION}); upgrade compliance"
        )
    if current == SCHEMA_VERSION:
        return current
    # A step may rebuild a table others refer to; foreign keys are checked again once every step is done.
    # (The pragma has no effect inside a transaction, so it is set around the steps, not in them.)
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for number in range(current + 1, SCHEMA_VERSION + 1):
            # executescript() commits first and runs outside our transaction control, so wrap the step
            # ourselves: BEGIN ... user_version ... COMMIT in one script is atomic in SQLite.
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{MIGRATIONS[number - 1]}\nPRAGMA user_version = {number};\nCOMMIT;"
            )
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise SchemaError(f"the upgrade left {len(broken)} rows pointing at rows that do not exist")
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    return SCHEMA_VERSION
