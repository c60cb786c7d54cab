"""The open items of the documents as they stand: what each letter still lacks before it may be signed.

The renderer finds them (documents.open_items: every blank, unmade choice and unconfirmed value a letter
prints) and the event that issues a document records them beside it, hash-chained like everything else.
`run`, `summary.json`, `status` and the assessment report list them by document; a letter with any is
marked DRAFT until the contract file fills them and the documents are prepared again.
"""

from __future__ import annotations

from collections.abc import Iterable

from compliance.ledger import Document, Ledger

ISSUING_EVENTS = ("instructed", "cancellation_instructed", "penalty_assessed")


def open_items_data(rendered: Iterable) -> dict[str, list[str]]:
    """For an issuing event's data: slot -> the open items of each rendered document that has any."""
    return {doc.slot: list(doc.open_items) for doc in rendered if getattr(doc, "open_items", ())}


def recorded_open_items(ledger: Ledger) -> dict[str, list[str]]:
    """PDF path (relative to the output folder) -> open items, for every document recorded with any."""
    found: dict[str, list[str]] = {}
    for event in ledger.events(kinds=ISSUING_EVENTS):
        items = event.data.get("open_items") or {}
        for doc in event.data.get("documents", []):
            if items.get(doc["slot"]):
                found[doc["pdf"]] = list(items[doc["slot"]])
    return found


def open_items_by_document(ledger: Ledger, documents: Iterable[Document]) -> list[tuple[Document, list[str]]]:
    """The given documents that have open items, each with its items, in the order given."""
    found = recorded_open_items(ledger)
    return [(doc, found[doc.pdf_path]) for doc in documents if found.get(doc.pdf_path)]
