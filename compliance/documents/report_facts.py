"""The accounting firm's report as the letters cite it: the recorded extraction (Extraction.to_json(), as the
ledger stores it) turned into template values, with its evidence picture inside the document. The revenue is
not among them: a letter states the figure its determination used (`year.actual`), from one place."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path


def report_context(report: Mapping | None) -> dict | None:
    """The accounting firm's report relied on (Extraction.to_json(), as the ledger stores it)."""
    if report is None:
        return None

    def day(key: str) -> dt.date | None:
        value = report.get(key)
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else value or None

    evidence = report.get("evidence") or None
    png = (evidence or {}).get("png_path")
    return {
        "file": Path(report["file"]).name if report.get("file") else None,
        "sha256": report.get("sha256"),
        "status": report.get("status"),
        "entity": report.get("entity"),
        "firm": report.get("auditor"),
        "opinion": report.get("opinion"),
        "report_date": day("report_date"),
        "report_number": report.get("report_number"),
        "period_start": day("period_start"),
        "period_end": day("period_end"),
        "currency": report.get("currency"),
        "unit": report.get("unit"),
        "evidence_page": (evidence or {}).get("page"),
        "evidence_text": (evidence or {}).get("text"),
        "evidence_png": _data_uri(Path(png)) if png and Path(png).is_file() else None,
        "problems": [
            {"code": p.get("code"), "severity": p.get("severity"), "message": p.get("message")}
            for p in report.get("problems") or []
        ],
        "ocr": [
            {"field": _OCR_FIELD_NAMES.get(name, name.replace("_", " ")),
             "confidence": f"{float(record['confidence']):.3f}", "confirmed": record.get("confirmed")}
            for name, record in sorted((report.get("ocr") or {}).items()) if isinstance(record, Mapping)
        ],
        "confirmed_by_hand": _confirmation(report.get("confirmed_by_hand")),
        **_kind(report),
    }


# The kinds of report other than a statutory audit report (Extraction.report_kind), as the letters name them.
REPORT_KINDS = {"special_audit_report": ("special audit report on the performance commitment",
                                         "special audit report")}


def _kind(report: Mapping) -> dict:
    """What kind of report it is, when not a statutory audit report: its name (long and short), its printed
    title, the signing CPAs and the committed figure, from the special report's `commitment` (special_report.py);
    an audit report gets None for each, so its letters read as before."""
    kind = report.get("report_kind")
    names = REPORT_KINDS.get(kind) if isinstance(kind, str) else None
    commitment = report.get("commitment") if isinstance(report.get("commitment"), Mapping) else {}
    committed = commitment.get("committed")
    return {"kind": kind if names else None, "kind_name": names[0] if names else None,
            "kind_short": names[1] if names else None, "title": commitment.get("title") if names else None,
            "cpas": list(commitment.get("cpas") or []) if names else [],
            "metric": commitment.get("metric") if names else None,
            "committed": Decimal(committed) if names and isinstance(committed, str) else None}


def _confirmation(recorded: Mapping | None) -> dict | None:
    """The fields two people confirmed by hand against the report (operations.confirmation's summary): each
    field's name, value as confirmed and page; who confirmed and who countersigned, and when."""
    if not isinstance(recorded, Mapping):
        return None

    def day(value: object) -> dt.date | None:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None

    fields = []
    for key, entry in (recorded.get("fields") or {}).items():
        value = entry.get("value")
        fields.append({
            "key": key, "label": {**_OCR_FIELD_NAMES, **_PERIOD_ENDS}.get(key, key.replace("_", " ").capitalize()),
            "amount": Decimal(value) if key == "operating_revenue" and value is not None else None,
            "date": day(value) if key in ("report_date", "period_start", "period_end") else None,
            "value": value, "page": entry.get("page"),
        })
    return {"fields": fields, "confirmed_by": recorded.get("confirmed_by"),
            "confirmed_on": day(recorded.get("confirmed_on")), "countersigned_by": recorded.get("countersigned_by"),
            "countersigned_on": day(recorded.get("countersigned_on")), "reason": recorded.get("approver_reason")}


# The report's fields as the assessment report names them, for the list of what OCR read from a scan.
_OCR_FIELD_NAMES = {"operating_revenue": "Operating Revenue", "auditor": "Accounting firm", "opinion": "Opinion",
                    "report_date": "Report date", "report_number": "Report number", "entity": "Entity audited",
                    "period_end": "Period audited", "period_start": "Period audited from", "unit": "Unit printed",
                    "currency": "Currency"}
_PERIOD_ENDS = {"period_start": "First day of the period audited", "period_end": "Last day of the period audited"}


def _data_uri(png: Path) -> str:
    """The evidence picture inside the document itself: the bytes of a letter must not depend on the folder
    the picture happens to be in (a file URL would name it)."""
    return "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode("ascii")
