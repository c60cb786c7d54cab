"""A letter signed outside the product (a party's own signing software, a token at its office) comes back as
a signed PDF: the desk's upload and `compliance record-signed FILE` record it, after the check `compliance
verify` makes, against the trust roots an administrator set (operations.trust).

Refused, with one plain sentence and nothing recorded or kept: a file that is not a PDF or carries no signature;
a signature not intact (the file was changed after it was signed), not trusted (its certificate does not chain
to the roots in force, expired, not for signing) or followed by changes other than the signing of the letter's
own empty fields; a file whose content is not the letter's approved final (documents.signed_copy: the final's
bytes, then only signatures of its empty signature fields); a copy lacking a signature the ledger already
records; a copy that signs nothing new.

Kept: the signed file beside the final, in `DIR/year-N/signed/<final's name>.signed.pdf` (then `-2`, `-3`:
never over a file), and one hash-chained `document_signed` event per newly signed field: the field, the
signer's common name and whole certificate subject, who recorded it and when, the signed file and its sha256.
The CLI's `sign --db` records the same event, so either way the letter's state reads alike.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from compliance.documents.pdf_update import PdfUnusable
from compliance.documents.signed_copy import SignedField, beyond_signing, signed_fields
from compliance.documents.verification import SignatureCheck, check_signatures
from compliance.ledger import Event, Ledger
from compliance.operations.accounts import AccountError, check_may
from compliance.operations.approval import output_folder
from compliance.operations.letters import LetterError, LetterState, party_of, signable
from compliance.operations.trust import trust_roots
from compliance.values.digest import sha256_hex
from compliance.values.files import FileConflict, write_new_file

SIGNED_FOLDER = "signed"
MAX_COPIES = 50


@dataclass(frozen=True)
class RecordedCopy:
    path: str  # relative to the output folder
    new: tuple[SignedField, ...]  # the fields this copy signed that the ledger did not record yet
    events: tuple[Event, ...]


def _why_not(check: SignatureCheck) -> str:
    where = f"the signature in {check.field} ({party_of(check.field)})"
    if check.problem:
        return f"{where} cannot be checked ({check.problem})"
    if not check.intact:
        return f"{where} no longer matches the file: it was changed after it was signed"
    if not check.trusted:
        why = check.trust_detail or "its certificate does not chain to the trust roots an administrator set"
        if check.trust_problem == "untrusted root":
            why = "its certificate is not issued under any of the trust roots an administrator set"
        return f"{where} is not trusted: {why}"
    if check.timestamp_ok is False:
        return f"{where} carries a timestamp that is not intact or not trusted"
    return f"{where} was followed by changes other than signing the letter's own fields " \
           f"({check.changes_detail or check.later_changes})"


def check_signed_copy(ledger: Ledger, letter: LetterState, pdf: bytes) -> tuple[list[SignedField], str]:
    """The copy's signatures and the final's relative path, when `pdf` may be recorded for `letter`; else a
    LetterError with the one sentence that says why not."""
    final = signable(letter)
    roots = trust_roots(ledger)
    if not roots.roots:
        raise LetterError("no trust roots are set, so no signature can be trusted yet: an administrator sets the "
                          "roots the parties' certificates are issued under first")
    out = output_folder(ledger)
    try:
        final_bytes = (out / final.pdf_path).read_bytes()
    except OSError:
        final_bytes = b""
    if sha256_hex(final_bytes) != final.pdf_sha256:
        raise LetterError(f"the approved final {final.pdf_path} is missing or differs from what was approved, so a "
                          "signed copy cannot be compared with it; approve again to put it back")
    try:
        checks = check_signatures(pdf, roots.certificates)
        if not checks:
            raise LetterError("the file carries no signature; upload the copy the parties signed")
        failing = next((check for check in checks if not check.ok), None)
        if failing is not None:
            raise LetterError(_why_not(failing))
        different = beyond_signing(final_bytes, pdf)
        if different is not None:
            raise LetterError(different)
        signed = signed_fields(pdf)
    except PdfUnusable as exc:
        raise LetterError(f"the file cannot be used: {exc}") from None
    return signed, final.pdf_path


def record_signed_copy(ledger: Ledger, letter: LetterState, pdf: bytes, *, by: str, at: dt.datetime) \
        -> RecordedCopy:
    """Check `pdf` (check_signed_copy), keep it in DIR/year-N/signed/ and record each newly signed field as
    `by` at `at`. Nothing is kept or recorded when any check fails."""
    try:
        check_may(ledger, by, "record")
    except AccountError as exc:
        raise LetterError(str(exc)) from None
    signed, final_path = check_signed_copy(ledger, letter, pdf)
    recorded = set(letter.signed_fields)
    present = {item.field for item in signed}
    lacking = sorted(recorded - present)
    if lacking:
        names = " and ".join(party_of(name) for name in lacking)
        raise LetterError(f"this copy lacks {names}'s signature, which the ledger already records; sign the "
                          f"copy that carries it ({letter.latest_copy.file})")
    new = tuple(item for item in signed if item.field not in recorded)
    if not new:
        raise LetterError("the ledger already records every signature this copy carries; nothing new to record")
    digest = sha256_hex(pdf)
    out = output_folder(ledger)
    target = _free_name(out, final_path)
    relative = target.relative_to(out).as_posix()
    ledger_folder = ledger.path.resolve().parent
    shown = (out / relative).resolve().relative_to(ledger_folder).as_posix() \
        if (out / relative).resolve().is_relative_to(ledger_folder) else str((out / relative).resolve())
    source = letter.latest_copy.sha256 if letter.latest_copy else letter.final.pdf_sha256
    events = []
    written = False
    try:
        with ledger.transaction():
            for order, item in enumerate(new, start=len(recorded) + 1):
                events.append(ledger.add_event("document_signed", year=letter.year, on_date=at.date(), data={
                    "document": letter.document.id, "document_id": letter.document.document_id,
                    "approval": letter.approval.id, "from_sha256": source, "order": order, "field": item.field,
                    "signer": item.signer, "subject": item.subject, "signed_file": shown, "signed_sha256": digest,
                    "by": by, "at": at.isoformat(timespec="seconds"), "via": "signed copy recorded"}))
            _write(target, pdf)
            written = True
    except BaseException:
        if written:  # the commit failed: no file without its record
            target.unlink(missing_ok=True)
        raise
    return RecordedCopy(relative, new, tuple(events))


def _free_name(out: Path, final_path: str) -> Path:
    """DIR/year-N/signed/<final's stem>.signed.pdf, or the first of .signed-2.pdf, .signed-3.pdf ... not taken."""
    final = PurePosixPath(final_path)
    year_folder = final.parent.parent if final.parent.name == "approved" else final.parent
    folder = out / year_folder / SIGNED_FOLDER
    for number in range(1, MAX_COPIES + 1):
        name = f"{final.stem}.signed{'' if number == 1 else f'-{number}'}{final.suffix}"
        if not os.path.lexists(folder / name):
            return folder / name
    raise LetterError(f"{folder} already holds {MAX_COPIES} signed copies of {final.name}; move the old ones away")


def _write(target: Path, data: bytes) -> None:
    try:
        write_new_file(target, data)
    except FileConflict:
        raise LetterError(f"{target.name} appeared in the signed folder meanwhile; upload the copy again") from None
    except OSError as exc:
        raise LetterError(f"the signed copy cannot be kept in {target.parent} "
                          f"({exc.strerror or exc.__class__.__name__}); nothing was recorded") from None
