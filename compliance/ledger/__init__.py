"""The ledger: an embedded SQLite database of reports, extractions, determinations, documents and a
hash-chained event log. See schema.py (tables, migrations), store.py (queries), events.py (the chain and
`verify`), lock.py (one writer)."""

from compliance.ledger.events import EVENT_KINDS, Event, VerifyReport, canonical_json
from compliance.ledger.lock import DEFAULT_WAIT_SECONDS, LedgerBusy, writer_lock
from compliance.ledger.schema import SCHEMA_VERSION
from compliance.ledger.store import Determination, Document, Ledger, LedgerError, open_ledger

__all__ = [
    "DEFAULT_WAIT_SECONDS", "EVENT_KINDS", "SCHEMA_VERSION", "Determination", "Document", "Event", "Ledger",
    "LedgerBusy", "LedgerError", "VerifyReport", "canonical_json", "open_ledger", "writer_lock",
]
