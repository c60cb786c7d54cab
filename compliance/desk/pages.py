"""The desk's pages (GET): sign-in, Overview, Inbox, Report, Year, Documents. Each reads the ledger through
compliance.operations.review and renders a template of desk/templates/."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.app import DeskError, desk_of, redirect, render, require, session_of, visitor
from compliance.desk.sessions import COOKIE
from compliance.operations.approval import year_approval
from compliance.operations.open_items import recorded_open_items
from compliance.operations.review import inbox_view, overview, report_view, year_view

SHA256 = re.compile(r"[0-9a-f]{64}")


def home(request: Request) -> Response:
    return redirect("/overview")


def no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask every site for one; a 404 would be a console error


def safe_next(target: str | None) -> str:
    """Only a path of this site (never //elsewhere or a full URL): no open redirect through the sign-in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/overview"
    return target


def login_page(request: Request) -> Response:
    desk = desk_of(request)
    session = session_of(request)
    if session is not None and session.user is not None and visitor(request) is not None:
        return redirect(safe_next(request.query_params.get("next")))
    if session is None:
        session = desk.sessions.start(None)
    response = render(request, "login.html.j2", session=session, next=safe_next(request.query_params.get("next")))
    set_session_cookie(response, desk, session.token)
    return response


def set_session_cookie(response: Response, desk, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=desk.settings.secure_cookie,
                        path="/")


def overview_page(request: Request) -> Response:
    desk = desk_of(request)
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        view = overview(ledger, desk.contract, desk.as_of())
        approvals = {row.year: year_approval(ledger, row.year) for row in view.years}
    return render(request, "overview.html.j2", who=who, view=view, approvals=approvals, page="overview")


def inbox_page(request: Request) -> Response:
    desk = desk_of(request)
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        view = inbox_view(ledger, desk.contract)
    return render(request, "inbox.html.j2", who=who, view=view, page="inbox",
                  max_upload_mb=desk.settings.max_upload_mb)


def report_page(request: Request) -> Response:
    desk = desk_of(request)
    sha256 = request.path_params["sha256"]
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        view = report_view(ledger, desk.contract, sha256) if SHA256.fullmatch(sha256) else None
    if view is None:
        raise DeskError(404, "The ledger has no report with this fingerprint.")
    return render(request, "report.html.j2", who=who, report=view, page="inbox")


def year_of(request: Request) -> int:
    year = request.path_params["year"]
    numbers = [item.number for item in desk_of(request).contract.assessment_years]
    if year not in numbers:
        raise DeskError(404, f"Year {year} is not an Assessment Year of the contract ({numbers[0]}-{numbers[-1]}).")
    return year


def year_page(request: Request) -> Response:
    desk = desk_of(request)
    year = year_of(request)
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        view = year_view(ledger, desk.contract, year, desk.as_of())
    return render(request, "year.html.j2", who=who, view=view, page=f"year-{year}")


def documents_page(request: Request) -> Response:
    desk = desk_of(request)
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        documents = ledger.documents()
        current = [d for d in documents if d.superseded_by is None]
        open_items = recorded_open_items(ledger)
        approvals = {year: year_approval(ledger, year) for year in (y.number for y in desk.contract.assessment_years)}
        finals = {f.document: (a, index) for a in ledger.approvals() for index, f in enumerate(a.files)}
    return render(request, "documents.html.j2", who=who, current=current,
                  superseded=[d for d in documents if d.superseded_by is not None], open_items=open_items,
                  approvals=approvals, finals=finals, page="documents")


def document_page(request: Request) -> Response:
    from compliance.desk.files import page_count

    desk = desk_of(request)
    with desk.reading() as ledger:
        who = require(request, ledger, "view")
        document = next((d for d in ledger.documents() if d.id == request.path_params["document"]), None)
        if document is None:
            raise DeskError(404, "The ledger has no such document.")
        open_items = recorded_open_items(ledger).get(document.pdf_path, [])
        final = next(((a, i) for a in ledger.approvals() for i, f in enumerate(a.files) if f.document == document.id),
                     None)
        approval = year_approval(ledger, document.year) if document.year else None
    pages = page_count(desk.settings.out_dir / document.pdf_path)
    final_pages = page_count(desk.settings.out_dir / final[0].files[final[1]].pdf_path) if final else 0
    return render(request, "document.html.j2", who=who, document=document, open_items=open_items, final=final,
                  approval=approval, pages=pages, final_pages=final_pages, page="documents")
