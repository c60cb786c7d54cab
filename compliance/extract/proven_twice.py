"""Proven twice (issue 29): the revenue figure read from the income statement stands only when
  (a) every other income statement of its kind for the period and entity gives the same figure
      (statements_agree: else `statements_disagree`);
  (b) a second place in the same report gives it to the cent after units: the revenue note, the key-figures
      table or the audit text's own figure (second_place: else `revenue_not_confirmed_in_report`);
  (c) the unit is the same in the statement's caption, its column headings and the notes' declaration
      (unit_reconcile: else `unit_contradiction`).
Each problem names the field (operating_revenue) and every reading, in yuan, so a person confirming it by hand
is shown them; the place that agreed is named in the extraction's sources (`revenue_confirmed_by`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from compliance.extract.layout import PageWords
from compliance.extract.model import Problem
from compliance.extract.numbers import UNITS, Unit
from compliance.extract.ocr_pages import text_of
from compliance.extract.pdfio import TextPass, read_text
from compliance.extract.report import stated_revenue
from compliance.extract.second_place import (
    Place,
    agreeing_place,
    disagreeing_readings,
    not_confirmed,
    place_on,
    stated_agrees,
)
from compliance.extract.section import AuditSection, lines_of, section_text
from compliance.extract.statement import Choice
from compliance.extract.statement_pages import Candidate
from compliance.extract.statements_agree import disagreement, other_readings
from compliance.extract.unit_reconcile import contradiction, notes_declarations, unit_declarations
from compliance.values.text import compact

_HEAD_LINES = 25  # lines of a statement's head read for its unit when the revenue line is not found in the text


def _head_lines(pages: list[str], choice: Choice) -> list[tuple[int, list[str]]]:
    """The statement's lines from its title down to its revenue line: (1-based page, lines) per page."""
    statement, line = choice.statement, choice.line
    found = []
    for index in range(statement.index, min(line.page, len(pages))):
        lines = lines_of(pages[index])
        if index == statement.index:
            lines = lines[statement.line + 1:]
        if index == line.page - 1:
            at = next((number for number, text in enumerate(lines) if line.figure.text in text), None)
            lines = lines[:at] if at is not None else lines[:_HEAD_LINES]
        found.append((index + 1, lines))
    return found


_SCANNED_PLACES = 3  # scanned pages OCR'd whole in search of a second place, at most
_NOTES_MARK = re.compile(r"附注|附註|注释|[营營][业業][总總]?收入|notes|revenue|turnover", re.I)
_KEY_FIGURES_MARK = re.compile(r"主要会计数据|主要财务数据|财务摘要|highlights|selectedfinancialdata|keyfigures", re.I)


def _scanned_place(scans, text: TextPass, revenue: Decimal, skip: set[int], unit: Unit, after: int
                   ) -> Place | None:
    """On a scan only the report and its statements were OCR'd whole (ocr_pages): the pages after the
    statement whose top band names a note or revenue, then those before it whose band names the key figures,
    are read whole too, until one agrees (at most _SCANNED_PLACES pages)."""
    if scans is None:
        return None
    later = [index for index in scans.indexes if index > after and _NOTES_MARK.search(compact(text.pages[index]))]
    earlier = [index for index in scans.indexes
               if index < after and _KEY_FIGURES_MARK.search(compact(text.pages[index]))]
    budget = _SCANNED_PLACES
    for index in later + earlier:
        if budget == 0:
            break
        if index in scans.whole or index in skip:
            continue
        budget -= 1
        text.pages[index] = text_of(scans.read_whole(index))
        place = place_on(text.pages, index, revenue, skip, unit)
        if place is not None:
            return place
    return None


def prove(document, text: TextPass, choice: Choice, candidates: list[Candidate],
          words_of: Callable[[int], PageWords], section: AuditSection | None, scans=None
          ) -> tuple[list[Problem], dict[str, str]]:
    """The proven-twice problems for the revenue line chosen, and where a second place agreed. `scans`:
    the scanned pages (ocr_pages.ScannedPages), if any."""
    line, statement_page, statement = choice.line, choice.statement_page, choice.statement
    if line is None or statement_page is None or statement is None:
        return [], {}
    unit = statement_page.unit or UNITS["元"]
    revenue = line.amount * unit.multiplier
    problems: list[Problem] = []

    others = other_readings(words_of, text.pages, candidates, choice, text.total_pages)
    differing = disagreement(revenue, line.page, others)
    if differing is not None:
        problems.append(differing)

    skip = set(range(statement.index, line.page)) | {other.page - 1 for other in others}
    stated = stated_revenue(section_text(text.pages, section)) if section is not None else None
    place: Place | None = stated_agrees(stated, revenue, section.opening + 1 if section is not None else 0)
    if place is None:
        place = agreeing_place(text.pages, revenue, skip, unit)
    if place is None and not text.complete:  # the notes lie after what the fast pass read: read on to the first
        start = len(text.pages)              # page that agrees, and no further
        read_text(document, text, lambda index, _: place_on(text.pages, index, revenue, skip, unit) is not None)
        place = agreeing_place(text.pages, revenue, skip, unit, start=start)
    if place is None:
        place = _scanned_place(scans, text, revenue, skip, unit, line.page - 1)

    declarations = [declared for page, lines in _head_lines(text.pages, choice)
                    for declared in unit_declarations(lines, page)]
    declarations += notes_declarations(text.pages[:line.page + 20], line.page - 1)
    clash = contradiction(line.amount, line.figure.text, declarations)
    if clash is not None:
        problems.append(clash)

    if place is None:
        problems.append(not_confirmed(revenue, line.page, unit,
                                      disagreeing_readings(text.pages, revenue, skip, unit)))
        return problems, {}
    return problems, {"revenue_confirmed_by": f"{place.named()}: {place.text}"}
