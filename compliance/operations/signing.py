"""`compliance sign` and `compliance verify`: a signatory signs a letter, anyone checks its signatures.

- sign_document: the PAdES signature into the named field (documents/pades), written beside the file it
  signs and never over it (default_signed_path), and, with a ledger, recorded as a `document_signed` event:
  which recorded document, which field, who signed, the signed file's sha256, the order of the signature
  (Party A's is 1, Party B's 2 when they sign in that order) and the date the caller gives.
- verify_document: each signature's check (documents/verification) against the given trust roots.

A refusal is a SignError with one plain sentence; nothing is written then. A file system failure (a full
disk, a read-only folder, no permission) is such a sentence too, naming the path, the cause and what to do; the
temporary file is gone after it, and with a ledger neither the signed copy nor the event stays.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compliance.documents.pades import SignRequest, check_field, sign_pdf
from compliance.documents.pdf_update import PdfUnusable
from compliance.documents.signing_keys import Pkcs11Key, Pkcs12Key, SigningError
from compliance.documents.verification import SignatureCheck, TrustRootError, check_signatures, load_trust_roots
from compliance.ledger import Event, Ledger
from compliance.operations.approval import NOT_APPROVED_KINDS, year_approval
from compliance.values.digest import sha256_hex
from compliance.values.files import FileConflict, place_file

_SIGNED_SUFFIX = re.compile(r"\.signed(?:-(\d+))?$")


class SignError(ValueError):
    """A signature that cannot be made or checked as asked; str() is one plain sentence."""


@dataclass(frozen=True)
class SignOutcome:
    written: Path
    field: str
    signer: str
    signed_at: dt.datetime
    event: Event | None  # the ledger's document_signed event, when a ledger was given


def default_signed_path(path: Path) -> Path:
    """Beside the input, never the input: NAME.pdf -> NAME.signed.pdf; NAME.signed.pdf -> NAME.signed-2.pdf;
    NAME.signed-N.pdf -> NAME.signed-(N+1).pdf (the second signatory signs the first's signed copy)."""
    stem = path.stem
    match = _SIGNED_SUFFIX.search(stem)
    if match is None:
        return path.with_name(f"{stem}.signed{path.suffix}")
    number = int(match.group(1) or 1) + 1
    return path.with_name(f"{stem[:match.start()]}.signed-{number}{path.suffix}")


def _read_pdf_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise SignError(f"{path}: is a folder, not a PDF file") from None
    except OSError as exc:
        raise SignError(f"{path}: cannot read it ({exc.strerror or exc.__class__.__name__})") from None


def sign_document(file: Path, key: Pkcs12Key | Pkcs11Key, request: SignRequest, *, out: Path | None = None,
                  ledger: Ledger | None = None, on: dt.date | None = None) -> SignOutcome:
    """Sign `file` into `out` (default_signed_path); with a ledger, record the signature dated `on`."""
    pdf = _read_pdf_file(file)
    target = out or default_signed_path(file)
    if target.resolve() == file.resolve():
        raise SignError(f"--out {target}: is the file being signed; a signed copy never replaces its original")
    if os.path.lexists(target):
        raise SignError(f"{target} already exists; move it away or choose another name with --out")
    try:
        check_field(pdf, request.field)  # before the key is opened: a wrong field costs no PIN
        recorded = _recorded_source(ledger, pdf, file, request.field) if ledger is not None else None
        signed = sign_pdf(pdf, key, request)
    except (SigningError, PdfUnusable) as exc:
        raise SignError(f"{file}: {exc}" if isinstance(exc, PdfUnusable) else str(exc)) from None
    if ledger is None:
        _write(target, signed.pdf)
        return SignOutcome(target, signed.field, signed.signer, signed.signed_at, None)
    if on is None:
        raise ValueError("a signature recorded in the ledger needs its date")
    written = False
    try:  # the event and the file together: a file that cannot be written records nothing, and a record
        with ledger.transaction():  # that cannot be committed keeps no file
            event = ledger.add_event("document_signed", year=recorded["year"], on_date=on, data={
                **{k: v for k, v in recorded.items() if k != "year"},
                "field": signed.field, "signer": signed.signer, "signed_at": signed.signed_at.isoformat(),
                "signed_file": _shown_path(target, ledger), "signed_sha256": sha256_hex(signed.pdf),
            })
            _write(target, signed.pdf, recorded=True)
            written = True
    except BaseException:
        if written:  # the commit failed (LedgerError: a full disk, say) or was interrupted
            _remove(target)
        raise
    return SignOutcome(target, signed.field, signed.signer, signed.signed_at, event)


def verify_document(file: Path, trust: Sequence[Path]) -> list[SignatureCheck]:
    """Every signature of `file`, checked against the roots in `trust` (PEM or DER files)."""
    try:
        roots = load_trust_roots(trust)
    except TrustRootError as exc:
        raise SignError(str(exc)) from None
    pdf = _read_pdf_file(file)
    try:
        return check_signatures(pdf, roots)
    except PdfUnusable as exc:
        raise SignError(f"{file}: {exc}") from None


def _recorded_source(ledger: Ledger, pdf: bytes, file: Path, field: str) -> dict:
    """Which recorded document `pdf` is (an approved final, a signed copy an earlier event recorded, or a
    letter issued without approval such as a penalty statement), and which signature of it this is. Refused:
    a draft awaiting approval, a superseded letter, a field the ledger already records signed."""
    digest = sha256_hex(pdf)
    documents = {document.id: document for document in ledger.documents()}
    signings = ledger.events(kinds=("document_signed",))
    finals = {item.pdf_sha256: (approval, item) for approval in ledger.approvals() for item in approval.files}
    copy = next((e.data for e in reversed(signings) if e.data.get("signed_sha256") == digest), None)
    final = finals.get(digest)
    if copy is not None:
        document, approved = documents.get(copy["document"]), copy.get("approval")
    elif final is not None:
        document, approved = documents.get(final[1].document), final[0].id
    else:
        document, approved = next((d for d in documents.values() if d.pdf_sha256 == digest), None), None
    if document is None:
        raise SignError(f"{file}: not a document recorded in {ledger.path} (no issued letter or signed copy has "
                        "these bytes); sign without --db, or pass the ledger the letter was issued from")
    if approved is None and document.kind not in NOT_APPROVED_KINDS:
        year = document.year if document.year is not None else ledger.determination(document.determination_id).year
        state = year_approval(ledger, year)
        who = f"prepared by {state.prepared_by}; " if state.prepared_by else ""
        raise SignError(f"{file}: this is the DRAFT {document.kind} awaiting approval ({who}an approver other "
                        f"than its preparer must approve it first: `compliance approve --year {year}`); then "
                        "sign its final in the approved folder")
    if document.withdrawn:
        raise SignError(f"{file}: this {document.kind} was withdrawn (the confirmation by hand it relied on was "
                        f"withdrawn, {ledger.path}); it must not be signed")
    if document.superseded_by is not None:
        raise SignError(f"{file}: this {document.kind} was superseded by a later version (document "
                        f"{document.superseded_by} in {ledger.path}); sign the current one")
    earlier = [e for e in signings if e.data["document"] == document.id]
    for event in earlier:
        if event.data["field"] == field:
            raise SignError(f"--field {field}: {ledger.path} already records it signed on document "
                            f"{document.document_id} by {event.data['signer']} (event {event.seq}, "
                            f"{event.data['signed_file']})")
    return {"year": document.year, "document": document.id, "document_id": document.document_id,
            "from_sha256": digest, "order": len(earlier) + 1, **({"approval": approved} if approved else {})}


def _shown_path(target: Path, ledger: Ledger) -> str:
    """The signed file relative to the ledger's folder when inside it (as documents are recorded), else absolute."""
    folder = ledger.path.resolve().parent
    try:
        return target.resolve().relative_to(folder).as_posix()
    except ValueError:
        return str(target.resolve())


def _write(target: Path, data: bytes, *, recorded: bool = False) -> None:
    """`data` as the new file `target`: written and flushed under a temporary name in the same folder, then
    placed (place_file: never over an existing file). The temporary file is removed whatever happens."""
    temporary = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:150]}.",
                                        suffix=f".tmp-{os.getpid()}")  # the pattern remove_stale_temporaries knows
        temporary = Path(name)
        with open(handle, "wb") as stream:
            stream.write(data)
        place_file(temporary, target, sha256_hex(data))
    except FileConflict:
        raise SignError(f"{target} already exists; move it away or choose another name with --out") from None
    except OSError as exc:
        raise SignError(_cannot_write(target, exc, recorded)) from None
    finally:
        if temporary is not None:
            _remove(temporary)


def _cannot_write(target: Path, exc: OSError, recorded: bool) -> str:
    """The sentence for a signed copy the file system refused: where, why in plain words, what to do."""
    folder, why = target.parent, exc.strerror or exc.__class__.__name__
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        cause, todo = f"the disk is full ({why})", f"free some space on the disk of {folder}"
    elif exc.errno == errno.EROFS:
        cause, todo = f"{folder} is on a read-only file system", "choose a writable folder with --out"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        cause, todo = f"no permission to write in {folder} ({why})", \
            "fix the folder's permissions or choose another folder with --out"
    else:
        cause, todo = why, f"check {folder}"
    nothing = "nothing was written or recorded" if recorded else "nothing was written"
    return f"{target}: cannot write the signed copy: {cause}; {nothing}; {todo}, then sign again"


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a folder that turned read-only: nothing more can be done about it here
        pass

