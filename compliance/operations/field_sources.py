"""Where each field of a report was read: from the PDF's text layer, or by OCR from a scanned page, and which.

The extractor records an OCR reading (`ocr`) for the fields it reads from the page images one by one; the
currency and the unit are read from the same page as the revenue line, and the period's start and the
Assessment Year come with the period's end: so on a scanned statement they are OCR too, though they have no
OCR record of their own. A field of a scan is never said to come from a text layer the PDF does not have.
"""

from __future__ import annotations

import re

# A field read together with another one: it shares that one's source (and page).
COMES_WITH = {"currency": "operating_revenue", "unit": "operating_revenue", "period_start": "period_end",
              "assessment_year": "period_end"}
SOURCE_KEYS = {"operating_revenue": "revenue"}  # the extractor's `sources` key where it differs from the field's
_PAGE = re.compile(r"\bpages? (\d+)")


def _page(extraction: dict, key: str) -> int | None:
    where = (extraction.get("sources") or {}).get(SOURCE_KEYS.get(key, key))
    found = _PAGE.search(where) if isinstance(where, str) else None
    if found:
        return int(found.group(1))
    evidence = extraction.get("evidence") or {}
    if key == "operating_revenue" and isinstance(evidence.get("page"), int):
        return evidence["page"]
    return None


def field_source(extraction: dict, key: str) -> tuple[str, int | None, object]:
    """(source, scanned page, OCR confidence): source is "text", "OCR" or "not found"; the page (when known)
    and the confidence only for OCR, the confidence only for a field with an OCR reading of its own."""
    if extraction.get(key) is None:
        return "not found", None, None
    ocr = extraction.get("ocr") or {}
    own = ocr.get(key)
    if isinstance(own, dict):
        return "OCR", _page(extraction, key), own.get("confidence")
    base = COMES_WITH.get(key)
    if base is not None and isinstance(ocr.get(base), dict):
        return "OCR", _page(extraction, base), None
    return "text", None, None
