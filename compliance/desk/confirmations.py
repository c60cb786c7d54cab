"""The buttons of a confirmation by hand on a report's page (operations.confirming; what it is for is in
operations.confirmation): a preparer or approver confirms the fields a needs_review report could not prove, an
approver other than them countersigns it or sends it back, an approver withdraws one in force.

Each checks the session's CSRF token and the user's role, then calls the operation the CLI calls, under the
ledger's writer lock, as the signed-in user (password=None: the desk checked the password at sign-in; the
operation checks the role once more). A refusal is the operation's one sentence, shown on the report's page
with what was typed (but the revenue figure, which is always typed afresh, blind); the answer is a redirect
to the report's page (post, redirect, get)."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.previews import page_count
from compliance.desk.requests import (
    REASON_CHARS,
    DeskError,
    Visitor,
    check_csrf,
    desk_of,
    ledger_as,
    redirect,
    session_of,
)
from compliance.operations.accounts import MAY, with_article
from compliance.operations.confirmation import FIELD_LABELS
from compliance.operations.confirming import ConfirmationError, confirm, countersign, send_back, withdraw
from compliance.operations.review import ReportView, report_view

SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_FIELDS = 2 * len(FIELD_LABELS) + 4  # a value and a page per field, the token
VALUE_CHARS = 300  # longer than any field the operation takes (it says so); a bound on what is echoed back
FIGURE = "operating_revenue"


def _report(request: Request, action: str, what: str) -> tuple[Visitor, ReportView]:
    """The signed-in user, who may do `action` (said as `what` when they may not), and the path's report."""
    sha256 = request.path_params["sha256"]
    with ledger_as(request, "view") as (ledger, who):
        if not who.may(action):
            allowed = " or ".join(with_article(role) for role in sorted(MAY[action]))
            raise DeskError(403, f"You are signed in as {who.name}, {with_article(who.role)}; only {allowed} may "
                                 f"{what}.")
        view = report_view(ledger, desk_of(request).contract, sha256) if SHA256.fullmatch(sha256) else None
    if view is None:
        raise DeskError(404, "The ledger has no report with this fingerprint.")
    return who, view


async def _form(request: Request):
    session = session_of(request)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    check_csrf(session, form)
    return session, form


def _reason(form) -> str:
    reason = str(form.get("reason") or "")
    if len(reason) > REASON_CHARS:  # the page's maxlength is a courtesy; this is the limit
        raise DeskError(400, f"The reason is {len(reason):,} characters long; say it in at most {REASON_CHARS}.")
    return reason


async def _write(request: Request, what: str, act):
    """act(ledger) under the writer lock: (its event, None), or (None, the refusal's sentence)."""
    desk = desk_of(request)

    def locked():
        with desk.open_to_write(what) as ledger:
            return act(ledger)

    try:
        return await run_in_threadpool(locked), None
    except ConfirmationError as exc:
        return None, str(exc).rstrip(".")


def _entries(form, view: ReportView, out: Path) -> tuple[dict[str, str], dict[str, int], str | None]:
    """The typed values and pages of the fields the report leaves to confirm, and the first thing wrong with
    them that the operation cannot see (a page beyond the report's last), or None."""
    values: dict[str, str] = {}
    pages: dict[str, int] = {}
    problem = None
    relative = view.confirm.report_file if view.confirm else None
    last = page_count(out / relative) if relative else 0
    for row in view.confirm.fields if view.confirm else ():
        value = str(form.get(f"value-{row.field}") or "")
        page = str(form.get(f"page-{row.field}") or "").strip()
        if len(value) > VALUE_CHARS:
            problem = problem or f"{row.label}: type what the report prints, in at most {VALUE_CHARS} characters"
        values[row.field] = value[:VALUE_CHARS]
        if not page:
            continue
        if not page.isdigit() or not 1 <= int(page) <= 9999:
            problem = problem or f"{row.label}: the page is a number, such as 5"
            continue
        if last and int(page) > last:
            problem = problem or f"{row.label}: the report has {last} pages; there is no page {page}"
        pages[row.field] = int(page)
    return values, pages, problem


def _refused(session, sha256: str, what: str, problem: str, draft: dict | None = None) -> Response:
    session.flash.append(("problem", f"Not {what}: {problem}."))
    if draft is not None:
        session.drafts[sha256] = draft
    return redirect(f"/reports/{sha256}")


async def confirm_fields(request: Request) -> Response:
    """A preparer's (or approver's) confirmation of every field the report left unproven."""
    desk = desk_of(request)
    session, form = await _form(request)
    who, view = _report(request, "prepare", "confirm a report by hand")
    if view.confirm is None:
        raise DeskError(409, "Only a report that needs review is confirmed by hand.")
    values, pages, problem = _entries(form, view, desk.settings.out_dir)
    # The figure is never put back: it is typed afresh, from the picture, each time.
    draft = {"values": {k: v for k, v in values.items() if k != FIGURE}, "pages": {k: str(v) for k, v in pages.items()}}
    if problem:
        return _refused(session, view.sha256, "confirmed", problem, draft)
    event, problem = await _write(request, "confirm", lambda ledger: confirm(
        ledger, desk.contract, report=view.sha256, values=values, pages=pages, by=who.name, password=None,
        on=desk.settings.clock().date()))
    if problem:
        return _refused(session, view.sha256, "confirmed", problem, draft)
    session.drafts.pop(view.sha256, None)
    labels = ", ".join(label for name, label in FIELD_LABELS.items() if name in event.data["fields"])
    session.flash.append(("ok", f"Confirmed by hand by {who.name}: {labels}. An approver other than {who.name} now "
                                "checks each field against its page and countersigns; until then the report decides "
                                "nothing."))
    return redirect(f"/reports/{view.sha256}")


async def countersign_confirmation(request: Request) -> Response:
    """An approver other than the one who confirmed signs for the confirmed fields: the report decides its year."""
    desk = desk_of(request)
    session, form = await _form(request)
    who, view = _report(request, "approve", "countersign a confirmation by hand")
    reason = _reason(form)
    event, problem = await _write(request, "countersign", lambda ledger: countersign(
        ledger, report=view.sha256, by=who.name, password=None, on=desk.settings.clock().date(), reason=reason))
    if problem:
        return _refused(session, view.sha256, "countersigned", problem)
    session.flash.append(("ok", f"Countersigned by {who.name}: the confirmation by hand is in force, and the report "
                                f"now decides year {event.year}. Prepare the year's documents on the Year "
                                f"{event.year} page."))
    return redirect(f"/reports/{view.sha256}")


async def send_back_confirmation(request: Request) -> Response:
    """An approver returns the confirmation to be done again, saying why."""
    desk = desk_of(request)
    session, form = await _form(request)
    who, view = _report(request, "approve", "send a confirmation by hand back")
    reason = _reason(form)
    _, problem = await _write(request, "send back", lambda ledger: send_back(
        ledger, report=view.sha256, by=who.name, password=None, on=desk.settings.clock().date(), reason=reason))
    if problem:
        return _refused(session, view.sha256, "sent back", problem)
    session.flash.append(("ok", f"Sent back by {who.name}: the fields must be confirmed by hand again."))
    return redirect(f"/reports/{view.sha256}")


async def withdraw_confirmation(request: Request) -> Response:
    """An approver withdraws a confirmation in force, and with it the documents that relied on the report."""
    desk = desk_of(request)
    session, form = await _form(request)
    who, view = _report(request, "approve", "withdraw a confirmation by hand")
    reason = _reason(form)
    event, problem = await _write(request, "withdraw", lambda ledger: withdraw(
        ledger, report=view.sha256, by=who.name, password=None, on=desk.settings.clock().date(), reason=reason))
    if problem:
        return _refused(session, view.sha256, "withdrawn", problem)
    documents = event.data["withdrawn"]["documents"]
    listed = f": {', '.join(documents)}" if documents else ""
    session.flash.append(("ok", f"Withdrawn by {who.name}: the report no longer decides year {event.year}; "
                                f"{len(documents)} document{'' if len(documents) == 1 else 's'} withdrawn{listed}."))
    return redirect(f"/reports/{view.sha256}")
