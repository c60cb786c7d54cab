"""What every route of the review desk shares: the desk's settings and state (`Desk`), the signed-in user and
the role check (`require`, from operations.accounts.MAY), the CSRF check, the ledger handle (`ledger_as`),
the as-of date read once per request, the year in a path, and the page renderer. The route modules
(pages.py, actions.py, files.py) import from here and never from each other; app.py assembles them."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from compliance.desk.chinese import HTML_LANG, LANGUAGES, in_language
from compliance.desk.sessions import COOKIE, LoginThrottle, Readings, Session, SessionStore
from compliance.operations.access import open_to_read, open_to_write
from compliance.operations.accounts import MAY, active_user, with_article
from compliance.operations.due import YearDue, next_due, years_due
from compliance.operations.facade import Contract, Ledger, LedgerBusy, LedgerError
from compliance.operations.preferences import choose_language, chosen_language

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
REASON_CHARS = 500  # the longest reason a resolution records


LOGIN_COOKIE = "desk_login"
LANGUAGE_COOKIE = "desk_language"  # the language chosen before signing in (and the last one signed in)


def cookie_name(request: Request, base: str = COOKIE) -> str:
    """Behind TLS the desk's cookies take the __Host- prefix: the browser then sends them to this origin only
    (Secure, path /, no Domain), never to another port's listener. Over plain HTTP a browser sends a host's
    cookies to every port: the name carries the desk's port, so two desks in one browser keep their own."""
    if desk_of(request).settings.secure_cookie:
        return f"__Host-{base}"
    return f"{base}-{request.url.port or (443 if request.url.scheme == 'https' else 80)}"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class DeskSettings:
    out_dir: Path  # the output folder of `compliance run`: its ledger.sqlite and documents
    as_of: dt.date | None = None  # the date the pages compute for; None: the clock's date at each request
    contract_path: Path | None = None
    max_upload_mb: int = 100
    upload_wait_seconds: float | None = 3.0  # an upload read within this answers with the Inbox; None: wait
    session_idle_minutes: int = 120
    login_attempts: int = 5
    login_window_minutes: int = 15
    secure_cookie: bool = False  # set when the desk is served behind TLS: Secure, __Host- cookie, HSTS
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS  # the Host names a request may carry (DNS rebinding)
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


class NotSignedIn(Exception):
    """The request needs a signed-in user: answered with the sign-in page (then back to where it was)."""


@dataclass
class Desk:
    """What the handlers share: settings, the contract, sessions, the throttle, the templates."""

    settings: DeskSettings
    contract: Contract
    sessions: SessionStore
    throttle: LoginThrottle
    templates: jinja2.Environment
    previews: dict[tuple[str, int], bytes] = field(default_factory=dict)  # (pdf sha256, page) -> PNG
    readings: Readings = field(default_factory=lambda: Readings())  # uploads being read (desk/reading.py)
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))  # signs sign-in forms' tokens
    pending_trail: list = field(default_factory=list)  # sign-ins waiting for the writer lock (desk/signins.py)

    def open_to_read(self):
        if not self.settings.db_path.exists():
            raise DeskError(404, f"There is no ledger in the output folder {self.settings.out_dir.name} yet; the "
                                 "person who runs the desk starts one for the deal first.")
        return open_to_read(self.settings.db_path, self.contract)

    def open_to_write(self, what: str):
        return open_to_write(self.settings.db_path, self.contract, what=f"the review desk ({what})", wait=10)


def desk_of(request: Request) -> Desk:
    return request.app.state.desk


def as_of_date(request: Request) -> dt.date:
    """The date this request computes for: `--as-of`, or the clock's date read once per request, so the
    figures of a page and the date it prints agree even when the request straddles midnight."""
    state = request.state
    if not hasattr(state, "as_of"):
        settings = desk_of(request).settings
        state.as_of = settings.as_of or settings.clock().date()
    return state.as_of


@dataclass(frozen=True)
class Visitor:
    session: Session
    name: str
    role: str

    def may(self, action: str) -> bool:
        return self.role in MAY[action]


def session_of(request: Request) -> Session | None:
    desk = desk_of(request)
    return desk.sessions.get(request.cookies.get(cookie_name(request)))


def visitor(request: Request, ledger: Ledger | None = None) -> Visitor | None:
    """The signed-in user of this request, with the role the ledger gives them now (None: not signed in,
    or the account was revoked since)."""
    desk = desk_of(request)
    session = session_of(request)
    if session is None or session.user is None:
        return None
    if ledger is None:
        with desk.open_to_read() as opened:
            user = active_user(opened, session.user)
            request.state.language = chosen_language(opened, session.user)
    else:
        user = active_user(ledger, session.user)
        request.state.language = chosen_language(ledger, session.user)
    if user is None:
        desk.sessions.end_user(session.user)
        return None
    return Visitor(session, user.name, user.role)


def require(request: Request, ledger: Ledger, action: str) -> Visitor:
    """The signed-in user, who may do `action`; otherwise NotSignedIn or a 403 saying which role may."""
    who = visitor(request, ledger)
    if who is None:
        raise NotSignedIn
    if not who.may(action):
        allowed = " or ".join(with_article(role) for role in sorted(MAY[action]))
        raise DeskError(403, f"You are signed in as {who.name}, {with_article(who.role)}; only {allowed} may "
                             f"{action.replace('_', ' ')}.")
    return who


@contextmanager
def ledger_as(request: Request, action: str) -> Iterator[tuple[Ledger, Visitor]]:
    """The ledger, to read, with the signed-in user checked to be one who may do `action` (`require`)."""
    with desk_of(request).open_to_read() as ledger:
        yield ledger, require(request, ledger, action)


def signed_in_as(request: Request, action: str) -> Visitor:
    """`require` for a handler that reads nothing else from the ledger before it acts."""
    with ledger_as(request, action) as (_, who):
        return who


CSRF_REFUSED = ("The form did not carry this session's security token (it expired or came from another site); "
                "nothing was done. Reload the page and try again.")


def check_csrf(session: Session | None, form) -> None:
    if session is None or not session.csrf_ok(form.get("csrf")):
        raise DeskError(403, CSRF_REFUSED)


def year_of(request: Request) -> int:
    """The path's {year}, one of the contract's Assessment Years (a 404 otherwise)."""
    year = request.path_params["year"]
    numbers = [item.number for item in desk_of(request).contract.assessment_years]
    if year not in numbers:
        raise DeskError(404, f"Year {year} is not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]}).")
    return year


def safe_next(target: str | None) -> str:
    """Only a path of this site (never //elsewhere or a full URL): no open redirect through the sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/overview"
    return target


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    desk = desk_of(request)
    response.set_cookie(cookie_name(request), token, httponly=True, samesite="strict",
                        secure=desk.settings.secure_cookie, path="/")


def moment_text(value: str | None) -> str:
    """An ISO time the ledger recorded ('2027-01-20T09:30:00+00:00') as a person reads it: '20 January 2027,
    09:30 UTC'."""
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def render(request: Request, template: str, status: int = 200, who: Visitor | None = None,
           session: Session | None = None, **values: Any) -> HTMLResponse:
    desk = desk_of(request)
    session = who.session if who else session or session_of(request)
    values.setdefault("page", None)  # which navigation link is the current page
    flash = list(session.flash) if session else []
    if session:
        session.flash.clear()
    values.setdefault("csrf", session.csrf if session else "")
    if who is not None and "due" not in values:
        values["due"] = due_banner(desk, as_of_date(request))
    values.setdefault("due", None)  # the banner is for signed-in pages only
    language = page_language(request)
    values.setdefault("desk_language", language)  # the base template's switch offers the other one
    html = desk.templates.get_template(template).render(
        request=request, who=who, flash=flash, as_of=as_of_date(request),
        contract=desk.contract, years=[y.number for y in desk.contract.assessment_years], **values)
    return HTMLResponse(in_language(html, language), status_code=status)  # desk/chinese.py


def page_language(request: Request) -> str:
    """The language of this page: the signed-in person's own choice (the ledger's latest `language_chosen`, read
    by `visitor`), else the one chosen on this browser before signing in (a cookie), else English."""
    chosen = getattr(request.state, "language", None)
    if chosen is None:
        chosen = request.cookies.get(cookie_name(request, LANGUAGE_COOKIE))
    return chosen if chosen in LANGUAGES else "en"


def adopt_language(request: Request, name: str) -> None:
    """At sign-in: the language chosen on the sign-in page (its cookie) becomes the person's own when they never
    chose one (a `language_chosen` event); when the ledger is busy it stays in the cookie for now."""
    language = request.cookies.get(cookie_name(request, LANGUAGE_COOKIE))
    if language not in LANGUAGES:
        return
    desk = desk_of(request)
    try:
        with desk.open_to_read() as ledger:
            if chosen_language(ledger, name) is not None:
                return
        with open_to_write(desk.settings.db_path, desk.contract, what="the review desk (language)", wait=2) as ledger:
            choose_language(ledger, name=name, language=language, at=desk.settings.clock())
    except (DeskError, LedgerBusy, LedgerError):
        return


def set_language_cookie(response: Response, request: Request, language: str) -> None:
    response.set_cookie(cookie_name(request, LANGUAGE_COOKIE), language if language in HTML_LANG else "en",
                        max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                        secure=desk_of(request).settings.secure_cookie, path="/")


def due_banner(desk: Desk, as_of: dt.date) -> YearDue | None:
    """What every signed-in page's banner names: the next year not yet released (operations.due); None when the
    ledger cannot be read (the page says why) or every year is released."""
    try:
        with desk.open_to_read() as ledger:
            return next_due(years_due(ledger, desk.contract, as_of))
    except (DeskError, LedgerError, ValueError):  # a banner never stands in the way of a page (a bad calendar file)
        return None


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# --- the sign-in form: no server-side session before sign-in ------------------------------------------------
# A session is made only for a person who signed in. The sign-in form's CSRF token is a signed cookie instead
# (a random nonce and its HMAC under the desk's own secret), so a flood of sign-in pages costs the server nothing.
def _mac(desk: Desk, nonce: str) -> str:
    return hmac.new(desk.secret, nonce.encode(), hashlib.sha256).hexdigest()


def login_token(request: Request) -> str:
    """The sign-in form's token: the one its cookie already carries when that is genuine, else a new one."""
    desk = desk_of(request)
    current = request.cookies.get(cookie_name(request, LOGIN_COOKIE), "")
    if login_token_ok(desk, current, current):
        return current
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_mac(desk, nonce)}"


def login_token_ok(desk: Desk, cookie: str | None, sent: str | None) -> bool:
    nonce, _, mac = (cookie or "").partition(".")
    return bool(nonce and mac) and hmac.compare_digest(mac, _mac(desk, nonce)) and \
        hmac.compare_digest((cookie or "").encode(), str(sent or "").encode())


def set_login_cookie(response: Response, request: Request, token: str) -> None:
    desk = desk_of(request)
    response.set_cookie(cookie_name(request, LOGIN_COOKIE), token, httponly=True, samesite="strict",
                        secure=desk.settings.secure_cookie, path="/")

