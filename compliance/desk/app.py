"""The review desk as an ASGI app: `create_app(DeskSettings(...))`, served by `compliance serve` (uvicorn).

Every page reads the ledger through compliance.operations and every button calls the operation the CLI
calls (upload = operations.uploads, prepare = operations.run.prepare, approve = operations.approval); the
desk adds no rule of its own. This module only assembles the desk: the routes of pages.py, actions.py and
files.py, the error pages, the security middleware and the shared `Desk` (requests.py, where the role check
on every request lives; the operation checks it once more). Pages are rendered on the server with the
project's Jinja environment; the one script (static/desk.js) only adds drag and drop and a waiting state to
the upload form, which works without it.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from compliance.desk import (
    actions,
    confirmations,
    files,
    language,
    pages,
    particulars,
    reading,
    signing,
    signins,
    trail,
)
from compliance.desk.particulars import particular_text
from compliance.desk.requests import (
    Desk,
    DeskError,
    DeskSettings,
    NotSignedIn,
    desk_of,
    moment_text,
    redirect,
    render,
    session_of,
    visitor,
)
from compliance.desk.security import BodyLimit, BodyTooLarge, SecurityHeaders
from compliance.desk.sessions import LoginThrottle, SessionStore
from compliance.desk.wording import finalize
from compliance.operations.audit_trail import entry_of
from compliance.operations.facade import LedgerBusy, LedgerError, load_contract, long_date, make_environment
from compliance.values.money import group_text

DESK = Path(str(importlib.resources.files("compliance.desk")))
UPLOAD_PATH = "/inbox/upload"


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    session = session_of(request)
    who = None
    if session is not None and session.user is not None:
        try:
            who = visitor(request)
        except (DeskError, LedgerError):
            who = None
    return render(request, "error.html.j2", status=status, who=who, status_code=status, message=message)


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return redirect(f"/login?next={quote(target, safe='/')}")


def _templates() -> jinja2.Environment:
    env = make_environment()  # the letters' filters (figures, rmb, long_date ...), strict and autoescaped
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(DESK / "templates"), encoding="utf-8"),
                                      env.loader])
    env.finalize = finalize  # every printed value in the desk's words, never a command to type (wording.py)
    env.filters["trail_entry"] = entry_of  # a ledger event as who did what and when (operations.audit_trail)
    env.filters["decimal_text"] = group_text  # a decimal string from the ledger, grouped: '702,345,678.90'
    env.filters["moment"] = moment_text
    env.filters["particular_text"] = particular_text
    env.filters["iso_day"] = lambda text: long_date(dt.date.fromisoformat(text)) if text else ""  # '29 January 2027'
    return env


async def _desk_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, NotSignedIn):
        return to_login(request)
    if isinstance(exc, DeskError):
        return error_page(request, exc.status, exc.message)
    if isinstance(exc, BodyTooLarge):
        limit = desk_of(request).settings.max_upload_mb
        return error_page(request, 413, f"The upload is larger than the limit of {limit} MB; upload only the "
                                        "audit report.")
    # The ledger's own sentences name its path and the process holding it: for the operator's console, not
    # for a page a browser shows (and caches, and screenshots).
    if isinstance(exc, LedgerBusy):
        print(f"desk: {exc}", file=sys.stderr)
        return error_page(request, 503, "Someone else is writing to the ledger just now. Try again in a moment.")
    if isinstance(exc, LedgerError):
        print(f"desk: {exc}", file=sys.stderr)
        return error_page(request, 409, "The ledger cannot be used as it is; the person who runs the desk sees "
                                        "why on its console.")
    return error_page(request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "Not found.")


def create_app(settings: DeskSettings) -> Any:
    """The desk for the ledger in `settings.out_dir` (an ASGI app). Raises ContractError for a bad contract."""
    desk = Desk(settings, load_contract(settings.contract_path),
                SessionStore(idle_seconds=settings.session_idle_minutes * 60, monotonic=settings.monotonic),
                LoginThrottle(attempts=settings.login_attempts, window_seconds=settings.login_window_minutes * 60,
                              monotonic=settings.monotonic),
                _templates())
    signins.resume(desk)  # the sign-ins a stopped desk spooled and had not yet written to the chain
    routes = [
        Route("/", pages.home),
        Route("/favicon.ico", pages.no_icon),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", actions.login, methods=["POST"]),
        Route("/logout", actions.logout, methods=["POST"]),
        Route("/language", language.choose, methods=["POST"]),  # the switch on every page (desk/chinese.py)
        Route("/overview", pages.overview_page),
        Route("/inbox", pages.inbox_page),
        Route(UPLOAD_PATH, actions.upload, methods=["POST"]),
        Route("/inbox/reading/{reading:str}", reading.reading_page),
        Route("/particulars", particulars.particulars_page, methods=["GET"]),
        Route("/particulars/set", particulars.set_value, methods=["POST"]),
        Route("/particulars/approve", particulars.approve, methods=["POST"]),
        Route("/inbox/resolve", actions.resolve, methods=["POST"]),
        Route("/reports/{sha256:str}", pages.report_page),
        Route("/reports/{sha256:str}/confirm", confirmations.confirm_fields, methods=["POST"]),
        Route("/reports/{sha256:str}/countersign", confirmations.countersign_confirmation, methods=["POST"]),
        Route("/reports/{sha256:str}/send-back", confirmations.send_back_confirmation, methods=["POST"]),
        Route("/reports/{sha256:str}/withdraw", confirmations.withdraw_confirmation, methods=["POST"]),
        Route("/years/{year:int}", pages.year_page),
        Route("/years/{year:int}/prepare", actions.prepare, methods=["POST"]),
        Route("/years/{year:int}/approve", actions.approve, methods=["POST"]),
        Route("/years/{year:int}/approve-penalty-statement", actions.approve_penalty_statement, methods=["POST"]),
        Route("/documents", pages.documents_page),
        Route("/documents/{document:int}", pages.document_page),
        Route("/documents/{document:int}/signing", signing.letter_page),
        Route(signing.SIGNED_UPLOAD_PATH, signing.signed_upload, methods=["POST"]),
        Route("/documents/{document:int}/sent", signing.letter_sent, methods=["POST"]),
        Route("/documents/{document:int}/received", signing.letter_received, methods=["POST"]),
        Route("/files/signed/{document:int}/{event:int}.pdf", signing.signed_file),
        Route("/settings/trust-roots", signing.trust_page, methods=["GET"]),
        Route("/settings/trust-roots", signing.trust_set, methods=["POST"]),
        Route("/trail", trail.trail_page),
        Route("/trail.csv", trail.trail_file),
        Route("/files/documents/{document:int}.{fmt:str}", files.document_file),
        Route("/files/final/{approval:int}/{index:int}.{fmt:str}", files.final_file),
        Route("/files/pages/{document:int}/{page:int}.png", files.document_page_png),
        Route("/files/final-pages/{approval:int}/{index:int}/{page:int}.png", files.final_page_png),
        Route("/files/evidence/{sha256:str}.png", files.evidence_png),
        Route("/files/reports/{sha256:str}/pages/{page:int}.png", files.report_page_png),
        Route("/files/deadlines.ics", files.deadlines_ics),
        Route("/charts/tranches.svg", files.tranche_svg),
        Route("/charts/penalty/{year:int}.svg", files.penalty_svg),
        Route("/charts/plan/{year:int}.svg", files.plan_svg),
        Mount("/static", app=StaticFiles(directory=str(DESK / "static")), name="static"),
    ]
    handled = (NotSignedIn, DeskError, BodyTooLarge, LedgerBusy, LedgerError, HTTPException)
    app = Starlette(routes=routes, exception_handlers={kind: _desk_error for kind in handled})
    app.state.desk = desk
    limited = BodyLimit(app, upload_path=(UPLOAD_PATH, signing.SIGNED_UPLOAD_PATH),
                        upload_bytes=settings.max_upload_mb * 1024 * 1024 + 64 * 1024)
    # Only the names the desk is served under: a page fetched through another name (DNS rebinding) gets 400.
    hosts = TrustedHostMiddleware(limited, allowed_hosts=list(settings.allowed_hosts))
    wrapped = SecurityHeaders(hosts, hsts=settings.secure_cookie)
    wrapped.state = app.state  # tests reach the desk's sessions through the app they were given
    return wrapped
