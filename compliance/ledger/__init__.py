"""The ledger: an embedded SQLite database of reports, extractions, determinations, documents and a
hash-chained event log. Storage only: it knows nothing of the rules or the documents. See schema.py
(tables, migrations), rows.py (the row values), store.py (the `Ledger` class, its queries and changes kept by
table in reports.py, determinations.py and accounts.py, each change written by recording.py), opening.py
(opening a file to use or to check), anchor.py (the head kept outside), events.py (the chain and
`verify`), lock.py (one writer)."""

from compliance.ledger.anchor import Anchor, AnchorError, chain_head, check_anchor, read_anchor
from compliance.ledger.events import EVENT_KINDS, Event, VerifyReport, canonical_json
from compliance.ledger.lock import DEFAULT_WAIT_SECONDS, LedgerBusy, writer_lock
from compliance.ledger.opening import LedgerTampered, open_for_checking, open_ledger
from compliance.ledger.rows import (
    Approval,
    ApprovedFile,
    Determination,
    Document,
    NewDetermination,
    NewDocument,
    User,
)
from compliance.ledger.schema import SCHEMA_VERSION
from compliance.ledger.store import Ledger, LedgerError

__all__ = [
    "Approval", "ApprovedFile", "User",
    "Anchor", "AnchorError", "chain_head", "check_anchor", "open_for_checking", "read_anchor",
    "DEFAULT_WAIT_SECONDS", "EVENT_KINDS", "SCHEMA_VERSION", "Determination", "Document", "Event", "Ledger",
    "LedgerBusy", "LedgerError", "LedgerTampered", "NewDetermination", "NewDocument", "VerifyReport", "canonical_json",
    "open_ledger", "writer_lock",
]
