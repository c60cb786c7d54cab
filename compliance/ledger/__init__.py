"""The ledger: an embedded SQLite database of reports, extractions, determinations, documents and a
hash-chained event log. See schema.py (tables, migrations), store.py (queries), events.py (the chain and
`verify`), lock.py (one writer)."""

from .events import EVENT_KINDS, Event, VerifyReport, canonical_json
from .lock import DEFAULT_WAIT_SECONDS, LedgerBusy, writer_lock
from .schema import SCHEMA_VERSION
from .store import Determination, Document, Ledger, LedgerError, open_ledger
from .years import penalty_inputs

__all__ = [
    "DEFAULT_WAIT_SECONDS", "EVENT_KINDS", "SCHEMA_VERSION", "Determination", "Document", "Event", "Ledger",
    "LedgerBusy", "LedgerError", "VerifyReport", "canonical_json", "open_ledger", "penalty_inputs", "writer_lock",
]
