"""Signing and sending at the desk: a letter's page where its approved final is downloaded for signature, the
signed PDF is uploaded (checked as `compliance verify` checks it, against the trust roots an administrator
set), and its sending and receipt are recorded; and the administrator's Trust roots form.

Each button calls the operation the CLI calls (operations.signed_upload, operations.sending,
operations.trust) under the ledger's writer lock, as the signed-in person; a refusal is one sentence on the
page, and nothing is recorded then.
"""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from compliance.desk.requests import (
    CSRF_REFUSED,
    DeskError,
    check_csrf,
    desk_of,
    ledger_as,
    redirect,
    render,
    session_of,
    signed_in_as,
)
from compliance.operations.facade import long_date
from compliance.operations.letters import SENT_BY, LetterError, letter_by_id
from compliance.operations.sending import REFERENCE_CHARS, record_letter_received, record_sent
from compliance.operations.signed_upload import record_signed_copy
from compliance.operations.trust import TrustError, set_trust_roots, trust_roots
from compliance.values.digest import sha256_file

SIGNED_UPLOAD_PATH = "/letters/signed"
MAX_FIELDS = 10
MAX_ROOT_BYTES = 48 * 1024  # the form limit of desk/security.py leaves room for a few certificates


def _page_of(document: int) -> str:
    return f"/documents/{document}/signing"


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def letter_page(request: Request) -> Response:
    """A letter after approval: its state, the final to sign, the signatures recorded, the Sent and Received
    forms and the agent's EA 3.2 deadline."""
    desk = desk_of(request)
    document = request.path_params["document"]
    with ledger_as(request, "view") as (ledger, who):
        letter = letter_by_id(ledger, desk.contract, document)
        roots = trust_roots(ledger)
    if letter is None:
        raise DeskError(404, "The ledger has no such document.")
    return render(request, "sign-and-send.html.j2", who=who, letter=letter, roots=roots, sent_by=SENT_BY,
                  reference_chars=REFERENCE_CHARS, upload_path=SIGNED_UPLOAD_PATH, page="documents")


def _document_of(value: str | None) -> int:
    try:
        return int(str(value or ""))
    except ValueError:
        raise DeskError(400, "The form does not say which letter it is for; reload the letter's page.") from None


async def signed_upload(request: Request) -> Response:
    """The signed PDF of a letter: verified, then kept in DIR/year-N/signed/ and recorded, or refused."""
    desk = desk_of(request)
    session = session_of(request)
    who = signed_in_as(request, "record")  # before a byte of the body is read
    if session is None or not session.csrf_ok(request.query_params.get("csrf")):
        raise DeskError(403, CSRF_REFUSED)
    document = _document_of(request.query_params.get("document"))
    form = await request.form(max_files=1, max_fields=MAX_FIELDS, max_part_size=64 * 1024)
    check_csrf(session, form)
    upload = form.get("signed")
    if not hasattr(upload, "filename") or not upload.filename:
        session.flash.append(("problem", "Choose the signed PDF to upload."))
        return redirect(_page_of(document))
    data = await upload.read()

    def record():
        with desk.open_to_write("record a signed letter") as ledger:
            letter = letter_by_id(ledger, desk.contract, document)
            if letter is None:
                raise DeskError(404, "The ledger has no such document.")
            return record_signed_copy(ledger, letter, data, by=who.name, at=desk.settings.clock())

    try:
        copy = await run_in_threadpool(record)
    except LetterError as exc:
        session.flash.append(("problem", _sentence(f"Refused, nothing recorded: {exc}")))
        return redirect(_page_of(document))
    signed = "; ".join(f"{item.field} by {item.signer or item.subject}" for item in copy.new)
    session.flash.append(("ok", f"Recorded the signed copy ({signed}), uploaded by {who.name}; kept as "
                                f"{copy.path}."))
    return redirect(_page_of(document))


def _day(form, name: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(form.get(name) or "").strip())
    except ValueError:
        raise DeskError(400, f"Give the day it was {what} (a date).") from None


async def _letter_form(request: Request):
    desk = desk_of(request)
    session = session_of(request)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    check_csrf(session, form)
    who = signed_in_as(request, "record")
    return desk, session, form, who, request.path_params["document"]


async def letter_sent(request: Request) -> Response:
    desk, session, form, who, document = await _letter_form(request)
    on = _day(form, "on", "sent")
    how = str(form.get("how") or "")
    reference = str(form.get("reference") or "")

    def record():
        with desk.open_to_write("record a letter sent") as ledger:
            letter = letter_by_id(ledger, desk.contract, document)
            if letter is None:
                raise DeskError(404, "The ledger has no such document.")
            return record_sent(ledger, desk.contract, letter, how=how, on=on, reference=reference, by=who.name,
                               at=desk.settings.clock())

    try:
        event = await run_in_threadpool(record)
    except LetterError as exc:
        session.flash.append(("problem", _sentence(f"Not recorded: {exc}")))
        return redirect(_page_of(document))
    session.flash.append(("ok", f"Recorded as sent {SENT_BY[event.data['how']]} on {long_date(on)}, "
                                f"by {who.name}."))
    return redirect(_page_of(document))


async def letter_received(request: Request) -> Response:
    desk, session, form, who, document = await _letter_form(request)
    on = _day(form, "on", "received")

    def record():
        with desk.open_to_write("record a letter received") as ledger:
            letter = letter_by_id(ledger, desk.contract, document)
            if letter is None:
                raise DeskError(404, "The ledger has no such document.")
            return record_letter_received(ledger, desk.contract, letter, on=on, by=who.name,
                                          at=desk.settings.clock())

    try:
        await run_in_threadpool(record)
    except LetterError as exc:
        session.flash.append(("problem", _sentence(f"Not recorded: {exc}")))
        return redirect(_page_of(document))
    session.flash.append(("ok", f"Recorded as received on {long_date(on)}, by {who.name}."))
    return redirect(_page_of(document))


def signed_file(request: Request) -> Response:
    """A signed copy the ledger records (by the event that recorded it), if it still holds those bytes."""
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, _):
        letter = letter_by_id(ledger, desk.contract, request.path_params["document"])
    signature = next((s for s in (letter.signatures if letter else ()) if s.event == request.path_params["event"]),
                     None)
    if signature is None:
        raise DeskError(404, "The ledger records no such signed copy.")
    out = desk.settings.out_dir.resolve()
    path = (desk.settings.db_path.resolve().parent / signature.file).resolve()
    if not path.is_relative_to(out) or not path.is_file():
        raise DeskError(404, "The signed copy is not in the output folder.")
    if sha256_file(path) != signature.sha256:
        raise DeskError(409, "The signed copy on disk differs from the one the ledger recorded; it is not served.")
    return FileResponse(path, media_type="application/pdf", filename=path.name,
                        headers={"cache-control": "private, no-store"})


def trust_page(request: Request) -> Response:
    with ledger_as(request, "set_trust_roots") as (ledger, who):
        roots = trust_roots(ledger)
    return render(request, "trust-roots.html.j2", who=who, roots=roots, page="trust")


async def trust_set(request: Request) -> Response:
    desk = desk_of(request)
    session = session_of(request)
    form = await request.form(max_files=5, max_fields=MAX_FIELDS, max_part_size=MAX_ROOT_BYTES)
    check_csrf(session, form)
    who = signed_in_as(request, "set_trust_roots")
    files = [(item.filename, await item.read()) for item in form.getlist("roots")
             if hasattr(item, "filename") and item.filename]

    def record():
        with desk.open_to_write("set the trust roots") as ledger:
            return set_trust_roots(ledger, files, by=who.name, at=desk.settings.clock())

    try:
        event = await run_in_threadpool(record)
    except TrustError as exc:
        session.flash.append(("problem", _sentence(f"Not changed: {exc}")))
        return redirect("/settings/trust-roots")
    count = len(event.data["roots"])
    session.flash.append(("ok", f"{count} trust root{'s' if count != 1 else ''} set by {who.name} on "
                                f"{long_date(desk.settings.clock())}; signed letters are checked against "
                                f"{'them' if count != 1 else 'it'} from now on."))
    return redirect("/settings/trust-roots")
