"""The language switch on every page (base.html.j2): POST /language with `language` (en or zh) and `next`.

Signed in, the choice is the person's own: recorded in the ledger as a `language_chosen` event with who and when
(operations.preferences) and read back at each request, so it follows them to any browser. Before signing in
(the sign-in page), it is kept in a cookie on this browser only; that cookie is also set to the signed-in
person's choice, so the sign-in page after signing out speaks their language."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.requests import (
    DeskError,
    check_csrf,
    desk_of,
    redirect,
    safe_next,
    session_of,
    set_language_cookie,
    visitor,
)
from compliance.operations.preferences import LANGUAGES, choose_language


async def choose(request: Request) -> Response:
    desk = desk_of(request)
    form = await request.form(max_files=0, max_fields=8, max_part_size=4096)
    language = str(form.get("language") or "")
    if language not in LANGUAGES:
        raise DeskError(400, "The desk speaks English and Chinese (简体中文) only.")
    target = safe_next(str(form.get("next") or ""))
    session = session_of(request)
    who = await run_in_threadpool(visitor, request) if session is not None and session.user else None
    if who is not None:
        check_csrf(session, form)

        def record() -> None:
            with desk.open_to_write("language") as ledger:
                choose_language(ledger, name=who.name, language=language, at=desk.settings.clock())

        await run_in_threadpool(record)
    # Not signed in: nothing is recorded, only this browser's cookie is set (the sign-in page's choice).
    response = redirect(target)
    set_language_cookie(response, request, language)
    return response
