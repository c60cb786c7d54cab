"""The desk's pages (GET): sign-in, Overview, Inbox, Report, Year, Documents. Each reads the ledger through
compliance.operations.review and renders a template of desk/templates/."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.approving import note_opened, unopened
from compliance.desk.previews import page_count
from compliance.desk.requests import (
    DeskError,
    as_of_date,
    desk_of,
    ledger_as,
    login_token,
    redirect,
    render,
    safe_next,
    session_of,
    set_login_cookie,
    visitor,
    year_of,
)
from compliance.operations.approval import year_approval
from compliance.operations.due import next_due, years_due
from compliance.operations.letters import letter_states
from compliance.operations.penalty_approval import penalty_approval
from compliance.operations.planner import year_plan
from compliance.operations.review import document_view, documents_view, inbox_view, overview, report_view, year_view

SHA256 = re.compile(r"[0-9a-f]{64}")


def home(request: Request) -> Response:
    return redirect("/overview")


def no_icon(request: Request) -> Response:
    return Response(status_code=204)  # browsers ask every site for one; a 404 would be a console error


def login_page(request: Request) -> Response:
    session = session_of(request)
    if session is not None and session.user is not None and visitor(request) is not None:
        return redirect(safe_next(request.query_params.get("next")))
    token = login_token(request)  # no session until someone signs in
    response = render(request, "login.html.j2", session=session, csrf=token,
                      next=safe_next(request.query_params.get("next")))
    set_login_cookie(response, request, token)
    return response


def overview_page(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        view = overview(ledger, desk.contract, as_of_date(request))
        approvals = {row.year: year_approval(ledger, row.year) for row in view.years}
        dues = years_due(ledger, desk.contract, view.as_of, rows=list(view.years))
    return render(request, "overview.html.j2", who=who, view=view, approvals=approvals, page="overview",
                  dues={d.year: d for d in dues}, due=next_due(dues))


def inbox_page(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        view = inbox_view(ledger, desk.contract)
    return render(request, "inbox.html.j2", who=who, view=view, page="inbox",
                  max_upload_mb=desk.settings.max_upload_mb)


def report_page(request: Request) -> Response:
    desk = desk_of(request)
    sha256 = request.path_params["sha256"]
    with ledger_as(request, "view") as (ledger, who):
        view = report_view(ledger, desk.contract, sha256) if SHA256.fullmatch(sha256) else None
    if view is None:
        raise DeskError(404, "The ledger has no report with this fingerprint.")
    draft = who.session.drafts.pop(sha256, None) or {}  # what a refused confirmation had typed, shown once
    return render(request, "report.html.j2", who=who, report=view, page="inbox",
                  typed=draft.get("values", {}), typed_pages=draft.get("pages", {}))


def year_page(request: Request) -> Response:
    desk = desk_of(request)
    year = year_of(request)
    with ledger_as(request, "view") as (ledger, who):
        view = year_view(ledger, desk.contract, year, as_of_date(request))
        plan = year_plan(ledger, desk.contract, year)
        dues = years_due(ledger, desk.contract, as_of_date(request))
        letters = letter_states(ledger, desk.contract)  # each letter's signing and sending state
        penalty = penalty_approval(ledger, year)  # the penalty statement's own four-eyes step
    approval = view.approval.approval if view.approval else None
    finals = {f.document: (approval, index) for index, f in enumerate(approval.files)} if approval else {}
    if penalty.approval is not None:  # its FINAL, offered beside the draft as the letters' are
        finals.update({f.document: (penalty.approval, index) for index, f in enumerate(penalty.approval.files)})
    pages = {d.id: page_count(desk.settings.out_dir / d.pdf_path) for d in view.documents}
    final_pages = {d: page_count(desk.settings.out_dir / a.files[i].pdf_path) for d, (a, i) in finals.items()}
    not_opened = unopened(who.session, view.approval.drafts) if view.approval else []
    return render(request, "year.html.j2", who=who, view=view, plan=plan, page=f"year-{year}", finals=finals,
                  pages=pages, final_pages=final_pages, unopened=not_opened, due=next_due(dues),
                  year_due=next(d for d in dues if d.year == year), letters=letters, penalty=penalty)


def documents_page(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        view = documents_view(ledger, desk.contract)
        letters = letter_states(ledger, desk.contract)
    return render(request, "documents.html.j2", who=who, current=view.current, superseded=view.superseded,
                  open_items=view.open_items, approvals=view.approvals, finals=view.finals, page="documents",
                  letters=letters)


def document_page(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        view = document_view(ledger, request.path_params["document"])
    if view is None:
        raise DeskError(404, "The ledger has no such document.")
    note_opened(who.session, view.document.id)  # its page, with every page of the letter (desk/approving.py)
    final = view.final
    pages = page_count(desk.settings.out_dir / view.document.pdf_path)
    final_pages = page_count(desk.settings.out_dir / final[0].files[final[1]].pdf_path) if final else 0
    return render(request, "document.html.j2", who=who, document=view.document, open_items=view.open_items,
                  final=final, approval=view.approval, pages=pages, final_pages=final_pages, page="documents")
