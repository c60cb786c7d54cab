"""The review desk as an ASGI app: `create_app(DeskSettings(...))`, served by `compliance serve` (uvicorn).

Every page reads the ledger through compliance.operations and every button calls the operation the CLI
calls (upload = operations.uploads, prepare = operations.run.prepare, approve = operations.approval); the
desk adds no rule of its own. Roles are checked here on every request (operations.accounts.MAY), and once
more inside the operation. Pages are rendered on the server with the project's Jinja environment; the one
script (static/desk.js) only adds drag and drop to the upload form, which works without it.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from compliance.contract import Contract, load_contract
from compliance.desk.security import BodyLimit, BodyTooLarge, SecurityHeaders
from compliance.desk.sessions import COOKIE, LoginThrottle, Session, SessionStore
from compliance.documents.environment import make_environment
from compliance.ledger import Ledger, LedgerBusy, LedgerError
from compliance.operations.access import reading, writing
from compliance.operations.accounts import MAY, active_user
from compliance.values.money import group_text

DESK = Path(str(importlib.resources.files("compliance.desk")))
UPLOAD_PATH = "/inbox/upload"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DeskSettings:
    out_dir: Path  # the output folder of `compliance run`: its ledger.sqlite and documents
    as_of: dt.date | None = None  # the date the pages compute for; None: the clock's date at each request
    contract_path: Path | None = None
    max_upload_mb: int = 100
    session_idle_minutes: int = 120
    login_attempts: int = 5
    login_window_minutes: int = 15
    secure_cookie: bool = False  # set when the desk is served behind TLS
    clock: Callable[[], dt.datetime] = _utc_now  # the one clock of the desk (approval times, default as-of)
    monotonic: Callable[[], float] = time.monotonic  # session idle time and the sign-in throttle

    @property
    def db_path(self) -> Path:
        return self.out_dir / "ledger.sqlite"


class DeskError(Exception):
    """A request the desk answers with a page saying why (status and one plain sentence)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Desk:
    """What the handlers share: settings, the contract, sessions, the throttle, the templates."""

    settings: DeskSettings
    contract: Contract
    sessions: SessionStore
    throttle: LoginThrottle
    templates: jinja2.Environment
    previews: dict[tuple[str, int], bytes] = field(default_factory=dict)  # (pdf sha256, page) -> PNG

    def as_of(self) -> dt.date:
        return self.settings.as_of or self.settings.clock().date()

    def reading(self):
        if not self.settings.db_path.exists():
            raise DeskError(404, f"There is no ledger in {self.settings.out_dir} yet; run `compliance run INBOX "
                                 f"--out {self.settings.out_dir}` first.")
        return reading(self.settings.db_path, self.contract)

    def writing(self, what: str):
        return writing(self.settings.db_path, self.contract, what=f"the review desk ({what})", wait=10)


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


@dataclass(frozen=True)
class Visitor:
    session: Session
    name: str
    role: str

    def may(self, action: str) -> bool:
        return self.role in MAY[action]


def session_of(request: Request) -> Session | None:
    return desk_of(request).sessions.get(request.cookies.get(COOKIE))


def visitor(request: Request, ledger: Ledger | None = None) -> Visitor | None:
    """The signed-in user of this request, with the role the ledger gives them now (None: not signed in,
    or the account was revoked since)."""
    desk = desk_of(request)
    session = session_of(request)
    if session is None or session.user is None:
        return None
    if ledger is None:
        with desk.reading() as opened:
            user = active_user(opened, session.user)
    else:
        user = active_user(ledger, session.user)
    if user is None:
        desk.sessions.end_user(session.user)
        return None
    return Visitor(session, user.name, user.role)


class NotSignedIn(Exception):
    """The request needs a signed-in user: answered with the sign-in page (then back to where it was)."""


def require(request: Request, ledger: Ledger, action: str) -> Visitor:
    """The signed-in user, who may do `action`; otherwise NotSignedIn or a 403 saying which role may."""
    who = visitor(request, ledger)
    if who is None:
        raise NotSignedIn
    if not who.may(action):
        allowed = " or ".join(sorted(MAY[action]))
        raise DeskError(403, f"You are signed in as {who.name}, a {who.role}; only a {allowed} may {action}.")
    return who


CSRF_REFUSED = ("The form did not carry this session's security token (it expired or came from another site); "
                "nothing was done. Reload the page and try again.")


def check_csrf(session: Session | None, form) -> None:
    if session is None or not session.csrf_ok(form.get("csrf")):
        raise DeskError(403, CSRF_REFUSED)


def render(request: Request, template: str, status: int = 200, who: Visitor | None = None,
           session: Session | None = None, **values: Any) -> HTMLResponse:
    desk = desk_of(request)
    session = who.session if who else session or session_of(request)
    values.setdefault("page", None)  # which navigation link is the current page
    flash = list(session.flash) if session else []
    if session:
        session.flash.clear()
    html = desk.templates.get_template(template).render(
        request=request, who=who, csrf=session.csrf if session else "", flash=flash, as_of=desk.as_of(),
        contract=desk.contract, years=[y.number for y in desk.contract.assessment_years], **values)
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    session = session_of(request)
    who = None
    if session is not None and session.user is not None:
        try:
            who = visitor(request)
        except (DeskError, LedgerError):
            who = None
    return render(request, "error.html.j2", status=status, who=who, status_code=status, message=message)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def to_login(request: Request) -> RedirectResponse:
    from urllib.parse import quote

    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"

    return redirect(f"/login?next={quote(target, safe='/')}")


def moment_text(value: str | None) -> str:
    """An ISO time the ledger recorded ('2027-01-20T09:30:00+00:00') as a person reads it: '20 January 2027,
    09:30 UTC'."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _templates() -> jinja2.Environment:
    env = make_environment()  # the letters' filters (figures, rmb, long_date ...), strict and autoescaped
    env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(DESK / "templates"), encoding="utf-8"),
                                      env.loader])
    env.filters["decimal_text"] = group_text  # a decimal string from the ledger, grouped: '702,345,678.90'
    env.filters["moment"] = moment_text
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
    if isinstance(exc, LedgerBusy):
        return error_page(request, 503, f"{exc} Try again in a moment.")
    if isinstance(exc, LedgerError):
        return error_page(request, 409, str(exc))
    return error_page(request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "Not found.")


def create_app(settings: DeskSettings) -> Any:
    """The desk for the ledger in `settings.out_dir` (an ASGI app). Raises ContractError for a bad contract."""
    from starlette.exceptions import HTTPException

    from compliance.desk import actions, files, pages

    desk = Desk(settings, load_contract(settings.contract_path),
                SessionStore(idle_seconds=settings.session_idle_minutes * 60, monotonic=settings.monotonic),
                LoginThrottle(attempts=settings.login_attempts, window_seconds=settings.login_window_minutes * 60,
                              monotonic=settings.monotonic),
                _templates())
    routes = [
        Route("/", pages.home),
        Route("/favicon.ico", pages.no_icon),
        Route("/login", pages.login_page, methods=["GET"]),
        Route("/login", actions.login, methods=["POST"]),
        Route("/logout", actions.logout, methods=["POST"]),
        Route("/overview", pages.overview_page),
        Route("/inbox", pages.inbox_page),
        Route(UPLOAD_PATH, actions.upload, methods=["POST"]),
        Route("/inbox/resolve", actions.resolve, methods=["POST"]),
        Route("/reports/{sha256:str}", pages.report_page),
        Route("/years/{year:int}", pages.year_page),
        Route("/years/{year:int}/prepare", actions.prepare, methods=["POST"]),
        Route("/years/{year:int}/approve", actions.approve, methods=["POST"]),
        Route("/documents", pages.documents_page),
        Route("/documents/{document:int}", pages.document_page),
        Route("/files/documents/{document:int}.{fmt:str}", files.document_file),
        Route("/files/final/{approval:int}/{index:int}.{fmt:str}", files.final_file),
        Route("/files/pages/{document:int}/{page:int}.png", files.document_page_png),
        Route("/files/final-pages/{approval:int}/{index:int}/{page:int}.png", files.final_page_png),
        Route("/files/evidence/{sha256:str}.png", files.evidence_png),
        Route("/files/deadlines.ics", files.deadlines_ics),
        Route("/charts/tranches.svg", files.tranche_svg),
        Route("/charts/penalty/{year:int}.svg", files.penalty_svg),
        Mount("/static", app=StaticFiles(directory=str(DESK / "static")), name="static"),
    ]
    handled = (NotSignedIn, DeskError, BodyTooLarge, LedgerBusy, LedgerError, HTTPException)
    app = Starlette(routes=routes, exception_handlers={kind: _desk_error for kind in handled})
    app.state.desk = desk
    limited = BodyLimit(app, upload_path=UPLOAD_PATH, upload_bytes=settings.max_upload_mb * 1024 * 1024 + 64 * 1024)
    wrapped = SecurityHeaders(limited)
    wrapped.state = app.state  # tests reach the desk's sessions through the app they were given
    return wrapped
