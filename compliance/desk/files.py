"""Files the desk hands out: documents, their page previews, evidence pictures, the deadlines calendar and
the charts. A request names a ledger row (a document's id, an approval and its file's place, a report's
sha256), never a path: the path comes from the ledger, must lie inside the output folder, and the file
must still hold the bytes the ledger recorded (a file changed on disk is refused, not served)."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from compliance.desk.approving import download_name, note_opened
from compliance.desk.charts import PenaltyPoint, PlanCurve, TrancheBar, penalty_chart, plan_chart, tranche_chart
from compliance.desk.chinese import svg_in_language
from compliance.desk.previews import page_png
from compliance.desk.requests import DeskError, as_of_date, desk_of, ledger_as, page_language, signed_in_as
from compliance.operations.facade import ScheduleNotPublished, long_date
from compliance.operations.particulars import with_particulars
from compliance.operations.planner import year_plan
from compliance.operations.review import (
    approved_file,
    deadlines_calendar,
    evidence_picture,
    overview,
    recorded_document,
    report_file,
    year_view,
)
from compliance.values.digest import sha256_file

MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def _inside(out: Path, relative: str) -> Path:
    path = (out / relative).resolve()
    if not path.is_relative_to(out.resolve()):
        raise DeskError(404, "The ledger names a file outside its output folder; it is not served.")
    return path


def _checked(out: Path, relative: str, sha256: str) -> Path:
    path = _inside(out, relative)
    if not path.is_file():
        raise DeskError(404, f"{relative} is recorded in the ledger but missing from the output folder; the "
                             "Prepare button on its year's page puts it back.")
    if sha256_file(path) != sha256:
        raise DeskError(409, f"{relative} on disk differs from the file the ledger recorded; it is not served. "
                             "Someone changed it after it was issued.")
    return path


def _download(path: Path, fmt: str, name: str) -> Response:
    return FileResponse(path, media_type=MEDIA[fmt], filename=name,
                        headers={"cache-control": "private, no-store"})


def _fmt(request: Request) -> str:
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA:
        raise DeskError(404, "Documents are available as .pdf and .docx only.")
    return fmt


def _document(ledger, document_id: int):
    document = recorded_document(ledger, document_id)
    if document is None:
        raise DeskError(404, "The ledger has no such document.")
    return document


def _final(ledger, approval_id: int, index: int):
    item = approved_file(ledger, approval_id, index)
    if item is None:
        raise DeskError(404, "The ledger has no such approved document.")
    return item


def document_file(request: Request) -> Response:
    desk = desk_of(request)
    fmt = _fmt(request)
    with ledger_as(request, "view") as (ledger, who):
        document = _document(ledger, request.path_params["document"])
    relative, sha = (document.pdf_path, document.pdf_sha256) if fmt == "pdf" else \
        (document.docx_path, document.docx_sha256)
    path = _checked(desk.settings.out_dir, relative, sha)
    if fmt == "pdf":
        note_opened(who.session, document.id)  # the approval screen's rule (desk/approving.py)
    return _download(path, fmt, download_name(document.kind, document.year, document.version, final=False, fmt=fmt))


def final_file(request: Request) -> Response:
    desk = desk_of(request)
    fmt = _fmt(request)
    with ledger_as(request, "view") as (ledger, _):
        item = _final(ledger, request.path_params["approval"], request.path_params["index"])
        draft = _document(ledger, item.document)
    relative, sha = (item.pdf_path, item.pdf_sha256) if fmt == "pdf" else (item.docx_path, item.docx_sha256)
    return _download(_checked(desk.settings.out_dir, relative, sha), fmt,
                     download_name(item.kind, draft.year, draft.version, final=True, fmt=fmt))


def _png(data: bytes) -> Response:
    # A draft's page shows deal data: it must not stay in the browser's cache after sign-out.
    return Response(data, media_type="image/png", headers={"cache-control": "no-store"})


def document_page_png(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, who):
        document = _document(ledger, request.path_params["document"])
    path = _checked(desk.settings.out_dir, document.pdf_path, document.pdf_sha256)
    data = page_png(desk, path, document.pdf_sha256, request.path_params["page"])
    note_opened(who.session, document.id)  # a page of the letter was shown to this person (desk/approving.py)
    return _png(data)


def final_page_png(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, _):
        item = _final(ledger, request.path_params["approval"], request.path_params["index"])
    path = _checked(desk.settings.out_dir, item.pdf_path, item.pdf_sha256)
    return _png(page_png(desk, path, item.pdf_sha256, request.path_params["page"]))


def evidence_png(request: Request) -> Response:
    """The picture of the line the revenue was read from, as the extraction recorded it."""
    desk = desk_of(request)
    sha256 = request.path_params["sha256"]
    with ledger_as(request, "view") as (ledger, _):
        relative = evidence_picture(ledger, sha256) if _SHA256.fullmatch(sha256) else None
    if not relative or Path(relative).is_absolute():
        raise DeskError(404, "The ledger has no evidence picture for this report.")
    path = _inside(desk.settings.out_dir, relative)
    if not path.is_file():
        raise DeskError(404, "The evidence picture is missing from the output folder.")
    return _png(path.read_bytes())


def report_page_png(request: Request) -> Response:
    """A page of an audit report the ledger holds, from the output folder's inbox (where the desk keeps the
    reports it received): the page a field to confirm by hand was read on."""
    desk = desk_of(request)
    sha256, page = request.path_params["sha256"], request.path_params["page"]
    if (sha256, page) in desk.previews:  # by content: the bytes were checked when the page was first drawn
        signed_in_as(request, "view")
        return _png(desk.previews[(sha256, page)])
    with ledger_as(request, "view") as (ledger, _):
        relative = report_file(ledger, sha256) if _SHA256.fullmatch(sha256) else None
    if relative is None:
        raise DeskError(404, "The report's file is not in the output folder's inbox, so its pages cannot be shown.")
    return _png(page_png(desk, _checked(desk.settings.out_dir, relative, sha256), sha256, page))


def deadlines_ics(request: Request) -> Response:
    """Every release deadline (SPA 5.1) as an iCalendar file, the bytes of `compliance deadlines --ics`."""
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, _):
        contract = with_particulars(ledger, desk.contract)  # a PRC schedule approved as a particular counts
    try:
        calendar = deadlines_calendar(contract, as_of_date(request))
    except ScheduleNotPublished as exc:
        raise DeskError(409, str(exc)) from None
    return Response(calendar, media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="escrow-deadlines.ics"'})


def _svg(request: Request, text: str) -> Response:
    """A chart, its words in the signed-in person's language (desk/chinese.py; `ledger_as` read it)."""
    text = svg_in_language(text, page_language(request))
    return Response(text, media_type="image/svg+xml", headers={"cache-control": "private, no-store"})


def tranche_svg(request: Request) -> Response:
    desk = desk_of(request)
    with ledger_as(request, "view") as (ledger, _):
        view = overview(ledger, desk.contract, as_of_date(request))
    bars = [TrancheBar(t.year, t.released, t.retained, t.in_escrow, t.deadline) for t in view.tranches]
    return _svg(request, tranche_chart(bars, title=f"Consideration Shares by tranche, as of "
                                                   f"{long_date(view.as_of)}"))


def penalty_svg(request: Request) -> Response:
    desk = desk_of(request)
    year = request.path_params["year"]
    if year not in [item.number for item in desk.contract.assessment_years]:
        raise DeskError(404, f"Year {year} is not an Assessment Year of the contract.")
    as_of = as_of_date(request)
    with ledger_as(request, "view") as (ledger, _):
        view = year_view(ledger, desk.contract, year, as_of)
    if view.penalty is None:
        raise DeskError(404, f"No penalty accrues for year {year} as of {long_date(as_of)}.")
    points = [PenaltyPoint(day, amount) for day, amount in view.penalty.points]
    return _svg(request, penalty_chart(points, cap=view.penalty.result.cap, payable=view.penalty.result.penalty,
                              title=f"Year {year}: SPA 8.2 penalty accrued to {long_date(as_of)}"))


def plan_svg(request: Request) -> Response:
    """The next open year's release against its revenue, under every reading (the planner of the year page)."""
    desk = desk_of(request)
    year = request.path_params["year"]
    with ledger_as(request, "view") as (ledger, _):
        plan = year_plan(ledger, desk.contract, year)
    if plan is None:
        raise DeskError(404, f"Year {year} is not the next year to be determined, so there is nothing to plan.")
    curves = [PlanCurve(name, tuple((p.revenue, p.tranche_shares, p.release_shares) for p in points),
                        plan.targets[name], plan.figures["readings"][name]["restores_all"])
              for name, points in plan.curves.items()]
    return _svg(request, plan_chart(curves, target=plan.target, tranche=plan.tranche,
                           title=f"Year {year}: what its revenue releases"))
