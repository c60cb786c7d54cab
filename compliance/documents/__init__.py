"""Signed-ready letters: one Jinja template per document gives both the PDF and the DOCX.

    renderer = Renderer()                                   # one per batch: Jinja env + font config
    determined = assess_year(contract, revenues, 2)         # rules.earnout: the year's assessment, once
    written = render_year(contract, determined, as_of=date(2028, 1, 10), out_dir=out, renderer=renderer)

registry.py lists every kind of document (template, context builder, when due); context.py builds the
contexts from the YearAssessment; renderer.py turns a template and a context into PDF and DOCX. A new
document is a row in the registry, a builder and `templates/<kind>.html.j2` (extending `base.html.j2`,
using `macros.html.j2`); the Renderer finds signature lines (elements with data-signature-field) itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from compliance.documents.registry import BY_NAME, KINDS, due_documents

if TYPE_CHECKING:
    from compliance.documents.renderer import Renderer
    from compliance.rules.earnout import YearAssessment

# Loaded on first use (PEP 562), so that listing the kinds for --help loads neither Jinja nor pydantic.
_LAZY = {
    "computation_id": "compliance.documents.context",
    "DocumentError": "compliance.documents.environment",
    "MissingValueError": "compliance.documents.environment",
    "RenderedDocument": "compliance.documents.renderer",
    "Renderer": "compliance.documents.renderer",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'compliance.documents' has no attribute {name!r}")


__all__ = [
    "KINDS",
    "DocumentError",
    "MissingValueError",
    "RenderedDocument",
    "Renderer",
    "computation_id",
    "render_year",
    "year_documents",
]


def year_documents(contract, determined: YearAssessment, *, as_of: dt.date, report: Mapping | None = None,
                   released: Mapping[int, int] | None = None) -> dict[str, dict]:
    """kind name -> template context for every document the determination issues (registry order). `report` is
    the extraction the year's revenue came from (Extraction.to_json(), as the ledger stores it); `released`
    the shares recorded as released for each year (a release beyond this determination is flagged)."""
    return {kind.name: kind.build(contract, determined, as_of=as_of, report=report, released=released)
            for kind in due_documents(determined)}


_REPORT = "assessment-report"


def render_year(contract, determined: YearAssessment, *, as_of: dt.date, out_dir: Path, renderer: Renderer,
                report: Mapping | None = None, released: Mapping[int, int] | None = None,
                awaiting_approval: bool = False, versions: Mapping[str, int] | None = None,
                earlier_reports: Mapping[int, Mapping] | None = None) -> list:
    """Every document of the determination, written as DIR/<slot>.pdf and .docx (DIR/year-N/<kind>, and
    DIR/cancellation-instruction with the last year); marked DRAFT while `awaiting_approval`. `versions`:
    the version each slot is issued as (printed beside its document ID). A determination whose excess restores
    shares to an earlier year's tranche (SPA 5.2(2)) also revises that year's deduction notice (its next version
    supersedes it); `earlier_reports` gives the earlier years' reports it names."""
    written = []
    # The assessment report lists the other letters' open items, so it is rendered after them.
    due = due_documents(determined)
    kinds = [k for k in due if k.name != _REPORT] + [k for k in due if k.name == _REPORT]
    for kind in kinds:
        context = kind.build(contract, determined, as_of=as_of, report=report, released=released)
        if "letters_open_items" in context:
            context["letters_open_items"] = [
                {"title": BY_NAME[done.kind].title, "document_id": done.document_id, "entries": list(done.open_items)}
                for done in written if done.open_items
            ]
        slot = kind.slot(determined.year)
        if versions and slot in versions:
            context["version"] = versions[slot]
        written.append(renderer.render(kind.name, context, Path(out_dir) / slot, as_of=as_of, slot=slot,
                                       awaiting_approval=awaiting_approval))
    order = [kind.name for kind in due]
    ours = sorted(written, key=lambda done: order.index(done.kind))
    instruction = next((done.document_id for done in ours if done.kind == "joint-instruction"), None)
    for earlier, restoration in restored_tranches(contract, determined, instruction):
        kind = BY_NAME["deduction-notice"]
        context = kind.build(contract, earlier, as_of=as_of, report=(earlier_reports or {}).get(earlier.year),
                             released=released)
        context["restoration"] = restoration
        slot = kind.slot(earlier.year)
        if versions and slot in versions:
            context["version"] = versions[slot]
        ours.append(renderer.render(kind.name, context, Path(out_dir) / slot, as_of=as_of, slot=slot,
                                    awaiting_approval=awaiting_approval))
    return ours


def restored_tranches(contract, determined: YearAssessment, instruction_id: str | None = None) -> list:
    """(the earlier year's own determination, what this determination restored to it and where the tranche
    stands after it) for each earlier tranche whose shortfall this year's excess offsets (SPA 5.2(2))."""
    from compliance.documents.context import year_context
    from compliance.rules.earnout import assess_year

    found = []
    for use in determined.result.offsets:
        own = assess_year(contract, determined.revenues, use.to_year, determined.reading)
        found.append((own, {"by_year": determined.year, "restored_exact": use.restored_exact,
                            "released_shares": use.additional_shares, "instruction_id": instruction_id,
                            "after": year_context(contract, determined.assessment.year(use.to_year))}))
    return found
