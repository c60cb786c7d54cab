"""The desk's buttons (POST): sign in and out, upload, resolve a conflict, prepare, approve (a year's letters, or
its penalty statement apart, as `approve --penalty-statement`). Each checks the
session's CSRF token and the user's role, then calls the operation the CLI calls, under the ledger's
writer lock; the answer is a redirect to the page that shows the result (post, redirect, get)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.approving import approval_moment, not_opened, refusal
from compliance.desk.reading import answer as answer_when_read
from compliance.desk.reading import read_uploads
from compliance.desk.requests import (
    CSRF_REFUSED,
    LOGIN_COOKIE,
    REASON_CHARS,
    DeskError,
    adopt_language,
    as_of_date,
    check_csrf,
    cookie_name,
    desk_of,
    login_token_ok,
    moment_text,
    redirect,
    render,
    safe_next,
    session_of,
    set_session_cookie,
    signed_in_as,
    year_of,
)
from compliance.desk.signins import log_sign_in
from compliance.operations.accounts import authenticate
from compliance.operations.approval import ApprovalError, approve_year
from compliance.operations.facade import ContractError, LedgerBusy, LedgerError, load_contract
from compliance.operations.penalty_approval import approve_penalty, penalty_approval
from compliance.operations.recording import RecordError
from compliance.operations.recording import resolve as record_resolution
from compliance.operations.run import RunError
from compliance.operations.run import prepare as prepare_documents

MAX_FIELDS = 10


async def _form(request: Request, *, files: int = 0):
    return await request.form(max_files=files, max_fields=MAX_FIELDS)


WRONG_PASSWORD = "the password is not right; the approval was not given"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def checked_password(desk, ledger, name: str, password: str):
    """The user if the password is theirs, else None; at most a few argon2 checks at once (each costs memory
    by design): a flood of guesses waits its turn instead of filling the server's memory."""
    if not desk.throttle.checks.acquire(timeout=30):
        raise DeskError(503, "The desk is busy checking passwords; try again in a moment.")
    try:
        return authenticate(ledger, name, password)
    finally:
        desk.throttle.checks.release()


def with_password(desk, request: Request, name: str, password: str, what: str, wrong: Exception, act):
    """`act(ledger)` under one hold of the writer lock, once the person's password is checked again (an approval
    is confirmed with it); a wrong one raises `wrong`, a right one clears the person's failed attempts."""
    with desk.open_to_write(what) as ledger:
        if checked_password(desk, ledger, name, password) is None:
            raise wrong
        desk.throttle.succeeded(name, _client(request))
        return act(ledger)


async def login(request: Request) -> Response:
    desk = desk_of(request)
    form = await _form(request)
    token = str(form.get("csrf") or "")
    if not login_token_ok(desk, request.cookies.get(cookie_name(request, LOGIN_COOKIE)), token):
        raise DeskError(403, CSRF_REFUSED)
    name = str(form.get("name") or "").strip()[:40]
    password = str(form.get("password") or "")[:1024]
    target = safe_next(str(form.get("next") or ""))
    if not desk.throttle.attempt(name, _client(request)):
        return render(request, "login.html.j2", status=429, csrf=token, next=target, name=name,
                      problem=f"Too many failed sign-ins. Wait {desk.throttle.window_minutes} minutes and try "
                              "again, or ask an administrator to check the account.")

    def check():
        with desk.open_to_read() as ledger:
            return checked_password(desk, ledger, name, password)

    user = await run_in_threadpool(check)
    await run_in_threadpool(log_sign_in, desk, name=user.name if user else name, signed_in=user is not None,
                            address=_client(request))  # into the hash chain; the name tried, never the password
    if user is None:
        return render(request, "login.html.j2", status=401, csrf=token, next=target, name=name,
                      problem="The user name or the password is not right.")
    desk.throttle.succeeded(name, _client(request))
    await run_in_threadpool(adopt_language, request, user.name)  # the sign-in page's language choice
    previous = session_of(request)
    if previous is not None:
        desk.sessions.end(previous.token)
    signed_in = desk.sessions.start(user.name, [("ok", f"Signed in as {user.name} ({user.role}).")])
    if user.role == "admin" and target in ("/", "/overview"):  # an administrator's page, not a refusal
        target = "/settings/trust-roots"
    response = redirect(target)
    set_session_cookie(response, request, signed_in.token)
    response.delete_cookie(cookie_name(request, LOGIN_COOKIE), path="/", secure=desk.settings.secure_cookie,
                           httponly=True, samesite="strict")
    return response


async def logout(request: Request) -> Response:
    desk = desk_of(request)
    form = await _form(request)
    session = session_of(request)
    check_csrf(session, form)
    desk.sessions.end(session.token)
    response = redirect("/login")
    response.delete_cookie(cookie_name(request), path="/", secure=desk.settings.secure_cookie,
                           httponly=True, samesite="strict")
    return response


async def upload(request: Request) -> Response:
    """One or more audit reports from the Inbox's form: each kept in DIR/inbox/ and read at once."""
    desk = desk_of(request)
    session = session_of(request)
    signed_in_as(request, "upload")  # who may upload, before a byte of the body is read
    # The token rides in the form's address too, so a forged upload is refused before a byte of its body is read.
    if session is None or not session.csrf_ok(request.query_params.get("csrf")):
        raise DeskError(403, CSRF_REFUSED)
    spool = desk.settings.out_dir / ".desk-uploads"  # on the output folder's file system: the file is moved
    spool.mkdir(parents=True, exist_ok=True)
    form = await request.form(max_files=20, max_fields=MAX_FIELDS, max_part_size=64 * 1024)
    check_csrf(session, form)
    uploads = [item for item in form.getlist("reports") if hasattr(item, "filename") and item.filename]
    if not uploads:
        raise DeskError(400, "Choose at least one audit report (a PDF file) to upload.")
    files = []
    try:
        for item in uploads:
            handle, temporary = tempfile.mkstemp(dir=spool, suffix=".part")
            files.append((item.filename, Path(temporary)))
            with os.fdopen(handle, "wb") as target:
                await run_in_threadpool(shutil.copyfileobj, item.file, target, 1024 * 1024)
    except BaseException:
        for _, path in files:
            path.unlink(missing_ok=True)
        raise
    return await answer_when_read(request, read_uploads(request, files))


async def resolve(request: Request) -> Response:
    """Which of a year's accepted reports decides it (the CLI's `compliance resolve`)."""
    desk = desk_of(request)
    session = session_of(request)
    form = await _form(request)
    check_csrf(session, form)
    who = signed_in_as(request, "prepare")
    try:
        year = int(str(form.get("year") or ""))
    except ValueError:
        raise DeskError(400, "Choose the Assessment Year whose reports conflict.") from None
    reason = str(form.get("reason") or "")
    if len(reason) > REASON_CHARS:  # the page's maxlength is a courtesy; this is the limit
        raise DeskError(400, f"The reason is {len(reason):,} characters long; say it in at most {REASON_CHARS}.")

    def record():
        with desk.open_to_write("resolve") as ledger:
            return record_resolution(ledger, desk.contract, year=year, report=str(form.get("report") or ""),
                                     by=who.name, reason=reason)

    try:
        await run_in_threadpool(record)
    except RecordError as exc:
        raise DeskError(400, str(exc)) from None
    session.flash.append(("ok", f"Recorded which report decides year {year}. Prepare the year's documents next."))
    return redirect(f"/years/{year}")


async def _year_action(request: Request, action: str):
    """A year's button: the form checked for its CSRF token, the year the contract's, the user one who may."""
    desk = desk_of(request)
    session = session_of(request)
    form = await _form(request)
    check_csrf(session, form)
    year = year_of(request)
    who = signed_in_as(request, action)
    return desk, session, form, year, who


async def prepare(request: Request) -> Response:
    """Prepare: the main job over the ledger (operations.run.prepare), the documents marked DRAFT until approved."""
    desk, session, form, year, who = await _year_action(request, "prepare")
    as_of = as_of_date(request)
    try:
        result = await run_in_threadpool(lambda: prepare_documents(
            desk.settings.out_dir, by=who.name, as_of=as_of, contract_path=desk.settings.contract_path))
    except RunError as exc:
        if isinstance(exc.__context__, (LedgerBusy, LedgerError)):  # its sentence names the ledger's path and
            raise exc.__context__ from None  # the process holding it: the desk's plain answer (app._desk_error)
        raise DeskError(409, str(exc)) from None
    outcome = next((y for y in result.years if y.year == year), None)
    written = [path for path in result.written if path.startswith(f"year-{year}/")]
    if written:
        count = len({path.rsplit(".", 1)[0] for path in written})  # a document is its PDF and its DOCX
        session.flash.append(("ok", f"Prepared {count} document{'s' if count != 1 else ''} (PDF and DOCX) for year "
                                    f"{year} as {who.name}; a different approver must now approve them."))
    else:
        note = outcome.note if outcome is not None and getattr(outcome, "note", None) else "nothing changed"
        session.flash.append(("info", f"Nothing new to prepare for year {year}: {note}."))
    for note in result.notes:
        session.flash.append(("problem", note))
    return redirect(f"/years/{year}")


async def approve(request: Request) -> Response:
    """Approve: the approver confirms with their password; operations.approval renders the finals."""
    desk, session, form, year, who = await _year_action(request, "approve")
    password = str(form.get("password") or "")[:1024]
    try:
        seen = int(str(form.get("determination") or ""))  # what the approver's page showed
    except ValueError:
        raise DeskError(400, "The form does not say which prepared documents it approves; reload the page.") from None

    def unread():
        with desk.open_to_read() as ledger:
            return not_opened(ledger, session, year)

    missing = await run_in_threadpool(unread)  # each letter of the set opened first (desk/approving.py)
    if missing:
        session.flash.append(("problem", f"Not approved: {refusal(missing)}."))
        return redirect(f"/years/{year}")
    at = approval_moment(as_of_date(request), desk.settings.clock())  # the desk's date (--as-of), the clock's time
    if not desk.throttle.attempt(who.name, _client(request)):  # the same limit as signing in
        session.flash.append(("problem", f"Not approved: too many wrong passwords; wait "
                                         f"{desk.throttle.window_minutes} minutes."))
        return redirect(f"/years/{year}")

    def give(ledger):
        contract = load_contract(desk.settings.contract_path)  # the file as it is now, as Prepare reads it
        return approve_year(ledger, contract, year=year, by=who.name, at=at, determination_id=seen)

    try:
        approval = await run_in_threadpool(with_password, desk, request, who.name, password, "approve",
                                           ApprovalError(WRONG_PASSWORD), give)
    except (ApprovalError, ContractError) as exc:
        session.flash.append(("problem", f"Not approved: {exc}."))
        return redirect(f"/years/{year}")
    session.flash.append(("ok", f"Year {year} approved by {approval.approved_by} (prepared by {approval.prepared_by})"
                                f" on {moment_text(approval.approved_at)}; the final documents are ready to sign."))
    return redirect(f"/years/{year}")


async def approve_penalty_statement(request: Request) -> Response:
    """Approve a year's penalty statement (operations.penalty_approval): the approver, who has opened the version
    the page showed, confirms with their password; refused to its preparer and while it has open items."""
    desk, session, form, year, who = await _year_action(request, "approve")
    password = str(form.get("password") or "")[:1024]
    try:
        seen = int(str(form.get("document") or ""))  # the version the approver's page showed
    except ValueError:
        raise DeskError(400, "The form does not say which penalty statement it approves; reload the page.") from None

    def shown():
        with desk.open_to_read() as ledger:
            return penalty_approval(ledger, year).document

    current = await run_in_threadpool(shown)
    problem = ("a newer penalty statement was prepared since the page was shown; read it and approve again"
               if current is None or current.id != seen else
               "you have not opened the penalty statement yet; open it (its pages on this page, or its PDF) before "
               "approving" if seen not in session.opened else None)
    if problem is None and not desk.throttle.attempt(who.name, _client(request)):  # the same limit as signing in
        problem = f"too many wrong passwords; wait {desk.throttle.window_minutes} minutes"
    if problem:
        session.flash.append(("problem", f"Not approved: {problem}."))
        return redirect(f"/years/{year}#penalty")
    at = approval_moment(as_of_date(request), desk.settings.clock())  # the desk's date (--as-of), the clock's time

    def give(ledger):
        contract = load_contract(desk.settings.contract_path)  # the file as it is now, as Prepare reads it
        if getattr(penalty_approval(ledger, year).document, "id", None) != seen:
            raise ApprovalError("a newer penalty statement was prepared meanwhile; read it and approve again")
        return approve_penalty(ledger, contract, year=year, by=who.name, at=at)

    try:
        approval = await run_in_threadpool(with_password, desk, request, who.name, password,
                                           "approve the penalty statement", ApprovalError(WRONG_PASSWORD), give)
    except (ApprovalError, ContractError) as exc:
        session.flash.append(("problem", f"Not approved: {exc}."))
        return redirect(f"/years/{year}#penalty")
    session.flash.append(("ok", f"Year {year}'s penalty statement approved by {approval.approved_by} (prepared by "
                                f"{approval.prepared_by}) on {moment_text(approval.approved_at)}; its FINAL is "
                                "ready to download."))
    return redirect(f"/years/{year}#penalty")
