"""The audit trail page (GET /trail) and its CSV download (GET /trail.csv): who did what and when, in plain
sentences, filtered by year and by person, with the ledger's chain check at the top (operations.audit_trail).
Sign-ins kept in memory while the ledger was busy are written first, when it is free (desk/signins.py)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from compliance.desk.requests import DeskError, desk_of, ledger_as, render
from compliance.desk.signins import write_kept
from compliance.operations.audit_trail import Trail, trail, trail_csv

_FILE_WORD = re.compile(r"[^A-Za-z0-9._-]+")


def _filters(request: Request) -> tuple[int | None, str | None]:
    desk = desk_of(request)
    text = request.query_params.get("year", "").strip()
    year = None
    if text:
        numbers = [item.number for item in desk.contract.assessment_years]
        if not text.isdigit() or int(text) not in numbers:
            raise DeskError(400, f"Choose a year from {numbers[0]} to {numbers[-1]}, or every year.")
        year = int(text)
    by = request.query_params.get("by", "").strip()[:40] or None
    return year, by


def _read(request: Request) -> tuple[Trail, object]:
    year, by = _filters(request)
    write_kept(desk_of(request))
    with ledger_as(request, "view") as (ledger, who):
        return trail(ledger, year=year, by=by), who


def trail_page(request: Request) -> Response:
    shown, who = _read(request)
    query = urlencode([(key, value) for key, value in (("year", shown.year), ("by", shown.by)) if value])
    return render(request, "trail.html.j2", who=who, trail=shown, page="trail",
                  csv_link="/trail.csv" + (f"?{query}" if query else ""))


def trail_file(request: Request) -> Response:
    shown, _ = _read(request)
    parts = ["audit-trail"] + ([f"year-{shown.year}"] if shown.year else []) + \
        ([_FILE_WORD.sub("-", shown.by).strip("-") or "person"] if shown.by else [])
    return Response(trail_csv(shown).encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{"-".join(parts)}.csv"', "Cache-Control": "no-store"})
