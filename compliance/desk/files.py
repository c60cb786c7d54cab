"""Files the desk hands out: documents, their page previews, evidence pictures, the deadlines calendar and
the charts. A request names a ledger row (a document's id, an approval and its file's place, a report's
sha256), never a path: the path comes from the ledger, must lie inside the output folder, and the file
must still hold the bytes the ledger recorded (a file changed on disk is refused, not served)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from compliance.desk.app import DeskError, desk_of, require
from compliance.values.digest import sha256_file

MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
PREVIEW_SCALE = 1.4  # about 100 dpi: a page a person can read on screen
_SHA256 = re.compile(r"[0-9a-f]{64}")
_render_lock = threading.Lock()  # pdfium is not thread-safe


def _inside(out: Path, relative: str) -> Path:
    path = (out / relative).resolve()
    if not path.is_relative_to(out.resolve()):
        raise DeskError(404, "The ledger names a file outside its output folder; it is not served.")
    return path


def _checked(out: Path, relative: str, sha256: str) -> Path:
    path = _inside(out, relative)
    if not path.is_file():
        raise DeskError(404, f"{relative} is recorded in the ledger but missing from the output folder; run "
                             "`compliance run` again to put it back.")
    if sha256_file(path) != sha256:
        raise DeskError(409, f"{relative} on disk differs from the file the ledger recorded; it is not served. "
                             "Someone changed it after it was issued.")
    return path


def _download(path: Path, fmt: str) -> Response:
    return FileResponse(path, media_type=MEDIA[fmt], filename=path.name,
                        headers={"cache-control": "private, no-store"})


def _fmt(request: Request) -> str:
    fmt = request.path_params["fmt"]
    if fmt not in MEDIA:
        raise DeskError(404, "Documents are available as .pdf and .docx only.")
    return fmt


def _document(ledger, document_id: int):
    document = next((d for d in ledger.documents() if d.id == document_id), None)
    if document is None:
        raise DeskError(404, "The ledger has no such document.")
    return document


def _final(ledger, approval_id: int, index: int):
    approval = next((a for a in ledger.approvals() if a.id == approval_id), None)
    if approval is None or not 0 <= index < len(approval.files):
        raise DeskError(404, "The ledger has no such approved document.")
    return approval.files[index]


def document_file(request: Request) -> Response:
    desk = desk_of(request)
    fmt = _fmt(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
        document = _document(ledger, request.path_params["document"])
    relative, sha = (document.pdf_path, document.pdf_sha256) if fmt == "pdf" else \
        (document.docx_path, document.docx_sha256)
    return _download(_checked(desk.settings.out_dir, relative, sha), fmt)


def final_file(request: Request) -> Response:
    desk = desk_of(request)
    fmt = _fmt(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
        item = _final(ledger, request.path_params["approval"], request.path_params["index"])
    relative, sha = (item.pdf_path, item.pdf_sha256) if fmt == "pdf" else (item.docx_path, item.docx_sha256)
    return _download(_checked(desk.settings.out_dir, relative, sha), fmt)


def page_count(path: Path) -> int:
    import pypdfium2

    if not path.is_file():
        return 0
    with _render_lock:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return len(pdf)
        finally:
            pdf.close()


def _page_png(desk, path: Path, sha256: str, page: int) -> bytes:
    """Page `page` (1-based) of a checked PDF as a PNG, kept in memory by content (the bytes never change)."""
    import io

    import pypdfium2

    key = (sha256, page)
    if key in desk.previews:
        return desk.previews[key]
    with _render_lock:
        pdf = pypdfium2.PdfDocument(str(path))
        try:
            if not 1 <= page <= len(pdf):
                raise DeskError(404, f"The document has {len(pdf)} pages; there is no page {page}.")
            image = pdf[page - 1].render(scale=PREVIEW_SCALE).to_pil()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    desk.previews[key] = buffer.getvalue()
    return desk.previews[key]


def _png(data: bytes) -> Response:
    return Response(data, media_type="image/png", headers={"cache-control": "private, max-age=3600"})


def document_page_png(request: Request) -> Response:
    desk = desk_of(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
        document = _document(ledger, request.path_params["document"])
    path = _checked(desk.settings.out_dir, document.pdf_path, document.pdf_sha256)
    return _png(_page_png(desk, path, document.pdf_sha256, request.path_params["page"]))


def final_page_png(request: Request) -> Response:
    desk = desk_of(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
        item = _final(ledger, request.path_params["approval"], request.path_params["index"])
    path = _checked(desk.settings.out_dir, item.pdf_path, item.pdf_sha256)
    return _png(_page_png(desk, path, item.pdf_sha256, request.path_params["page"]))


def evidence_png(request: Request) -> Response:
    """The picture of the line the revenue was read from, as the extraction recorded it."""
    desk = desk_of(request)
    sha256 = request.path_params["sha256"]
    with desk.reading() as ledger:
        require(request, ledger, "view")
        extraction = ledger.extraction(sha256) if _SHA256.fullmatch(sha256) else None
    evidence = (extraction or {}).get("evidence") or {}
    relative = evidence.get("png_path") if isinstance(evidence, dict) else None
    if not relative or Path(relative).is_absolute():
        raise DeskError(404, "The ledger has no evidence picture for this report.")
    path = _inside(desk.settings.out_dir, relative)
    if not path.is_file():
        raise DeskError(404, "The evidence picture is missing from the output folder.")
    return _png(path.read_bytes())


def deadlines_ics(request: Request) -> Response:
    """Every release deadline (SPA 5.1) as an iCalendar file, the bytes of `compliance deadlines --ics`."""
    from compliance.rules.business_days import ScheduleNotPublished, load_calendar
    from compliance.rules.deadlines import deadline_rows, ics_bytes

    desk = desk_of(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
    as_of = desk.as_of()
    try:
        rows = deadline_rows(desk.contract, as_of, load_calendar(desk.contract, []))
    except ScheduleNotPublished as exc:
        raise DeskError(409, str(exc)) from None
    return Response(ics_bytes(desk.contract, rows, as_of), media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'attachment; filename="escrow-deadlines.ics"'})


def _svg(text: str) -> Response:
    return Response(text, media_type="image/svg+xml", headers={"cache-control": "private, no-store"})


def tranche_svg(request: Request) -> Response:
    from compliance.desk.charts import TrancheBar, tranche_chart
    from compliance.operations.review import overview

    desk = desk_of(request)
    with desk.reading() as ledger:
        require(request, ledger, "view")
        view = overview(ledger, desk.contract, desk.as_of())
    bars = [TrancheBar(t.year, t.released, t.retained, t.in_escrow, t.deadline) for t in view.tranches]
    return _svg(tranche_chart(bars, title=f"Consideration Shares by tranche, as of {view.as_of:%d %B %Y}"))


def penalty_svg(request: Request) -> Response:
    from compliance.desk.charts import PenaltyPoint, penalty_chart
    from compliance.operations.review import year_view

    desk = desk_of(request)
    year = request.path_params["year"]
    if year not in [item.number for item in desk.contract.assessment_years]:
        raise DeskError(404, f"Year {year} is not an Assessment Year of the contract.")
    with desk.reading() as ledger:
        require(request, ledger, "view")
        view = year_view(ledger, desk.contract, year, desk.as_of())
    if view.penalty is None:
        raise DeskError(404, f"No penalty accrues for year {year} as of {desk.as_of():%d %B %Y}.")
    points = [PenaltyPoint(day, amount) for day, amount in view.penalty.points]
    return _svg(penalty_chart(points, cap=view.penalty.result.cap, payable=view.penalty.result.penalty,
                              title=f"Year {year}: SPA 8.2 penalty accrued to {desk.as_of():%d %B %Y}"))
