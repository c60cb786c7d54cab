"""An audit report uploaded at the review desk: kept in the output folder's own inbox (`DIR/inbox/`, the
inbox the desk's Prepare runs the main job on) and read and recorded at once, exactly as `run` would.

The upload's name is only a label: it is cut to its last component, stripped of control characters and
made a `.pdf` name, so no name from a browser ever chooses where a file goes. Two uploads with the same
name and different contents are both kept (`NAME-2.pdf`); the same contents again only adds the name. A
rejected upload (not an audit report) is recorded, with its sha256 and its problem, and then deleted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from compliance.contract import Contract
from compliance.extract.model import FileStatus
from compliance.ledger import Ledger
from compliance.operations.accounts import AccountError, check_may
from compliance.operations.audit_trail import record_upload
from compliance.operations.inbox import FileOutcome, Skipped, record_files, scan_path
from compliance.operations.particulars import with_particulars
from compliance.values.digest import sha256_file
from compliance.values.files import FileConflict, os_error_sentence, place_file

DESK_INBOX = "inbox"
PDF_HEADER = b"%PDF-"
_HEADER_WINDOW = 1024  # PDF readers accept the header anywhere in the first kilobyte
_NAME_CHARS = 120


class UploadError(ValueError):
    """An upload that is not taken; str() is one plain sentence. Nothing is recorded then."""


def desk_inbox(out: Path) -> Path:
    return out / DESK_INBOX


def upload_name(raw: str) -> str:
    """A safe file name for an upload, from whatever the browser sent."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem[:_NAME_CHARS].rstrip(" .") or "report"
    return f"{stem}.pdf"


def is_pdf(path: Path) -> bool:
    with open(path, "rb") as handle:
        return PDF_HEADER in handle.read(_HEADER_WINDOW)


def _free_target(folder: Path, name: str, sha256: str) -> Path:
    """NAME.pdf, or NAME-2.pdf ... when NAME.pdf holds other content (the same content may stay)."""
    stem = name[:-4]
    for number in range(1, 1000):
        target = folder / (name if number == 1 else f"{stem}-{number}.pdf")
        if not target.exists() or (target.is_file() and sha256_file(target) == sha256):
            return target
    raise UploadError(f"too many uploads named {name}; rename the file and upload it again")


def receive_upload(ledger: Ledger, contract: Contract, out: Path, *, name: str, received: Path, by: str,
                   extract, at: dt.datetime | None = None) -> FileOutcome:
    """Keep the uploaded file `received` (a temporary file on the output folder's file system, moved, not
    copied) as DIR/inbox/<name> and record it; `extract` is the run's Toolkit.extract. Refused, with nothing
    recorded, to someone who may not upload and for a file that is not a PDF. With `at` (the desk's clock), an
    `uploaded` event records who uploaded it and when, after what was read of it."""
    try:
        check_may(ledger, by, "upload")
    except AccountError as exc:
        raise UploadError(str(exc)) from None
    if not is_pdf(received):
        raise UploadError(f"{upload_name(name)} is not a PDF (it does not start with a PDF header); upload the "
                          "audit report as a PDF file")
    sha256 = sha256_file(received)
    folder = desk_inbox(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_target(folder, upload_name(name), sha256)
        place_file(received, target, sha256)
    except FileConflict as exc:
        raise UploadError(str(exc)) from None
    except OSError as exc:  # a full disk, a read-only or forbidden folder: one sentence, nothing recorded
        raise UploadError(os_error_sentence(exc, folder)) from None
    found = scan_path(target)
    if isinstance(found, Skipped):
        target.unlink(missing_ok=True)
        raise UploadError(f"{found.name} was not kept: {found.reason}")

    terms = with_particulars(ledger, contract)  # as `run` reads it: the approved firms count (SPA 4.2)

    def read(paths: list[Path]) -> list[dict]:
        return extract(paths, terms, evidence_dir=out / "evidence", workers=1, progress=None)

    record_files(ledger, [found], read, out)
    if at is not None and found.recorded and found.sha256:
        record_upload(ledger, by=by, at=at, name=found.name, sha256=found.sha256, year=found.year,
                      status=str(found.status) if found.status else None)
    if found.status == FileStatus.REJECTED and found.recorded:
        # Not an audit report: the ledger keeps its sha256 and why it was rejected; the bytes are not kept
        # (an uploaded junk file would otherwise sit in the inbox, and be read again, for ever).
        target.unlink(missing_ok=True)
    return found
