"""The income statement read with pdfplumber's words and positions, on the candidate pages only (see
statement_pages): the rows from its title to the next statement, the revenue line, its current-period column
and the unit of account.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.columns import (
    cells_of,
    choose_current,
    column_headers,
    header_rows,
    is_data_row,
    is_year,
    money_like,
    numeric,
)
from compliance.extract.labels import (
    bare_word,
    other_statement_title,
    prc_statement,
    revenue_kind,
    statement_title,
    strip_note_ref,
    title_at,
)
from compliance.extract.layout import PageWords, Row, Word, group_rows, page_words
from compliance.extract.model import Problem
from compliance.extract.numbers import Unit, parse_amount, parse_currency, parse_unit
from compliance.extract.statement_pages import CONTINUATION_PAGES, Candidate
from compliance.values.cjk import HAN, HAN_CHARS


# ------------------------------------------------------------------------------- the revenue line (pdfplumber)
@dataclass(frozen=True)
class RevenueLine:
    page: int  # 1-based
    kind: str  # REVENUE, TOTAL or MAIN (labels.PREFERENCE)
    amount: Decimal  # as printed, before the unit is applied
    figure: Word  # the printed figure
    row_text: str  # the whole printed line
    header_top: float | None  # top of the column headers (for the evidence crop)
    column_assumed: bool = False  # no header says which column is current: the left one was read
    rotation: int = 0  # the page was read turned by this many degrees clockwise (positions are of the turned page)


@dataclass(frozen=True)
class StatementPage:
    page: int
    lines: tuple[RevenueLine, ...]  # every revenue line read, one per statement on the page
    unit: Unit | None
    currency: str | None
    issue: str | None  # why no figure could be chosen (ambiguous columns), if so
    kinds: frozenset[str] = frozenset()  # the kinds of revenue line seen with figures (a heading does not count)
    start: Candidate | None = None  # the statement's title, where read_candidates found it


@dataclass(frozen=True)
class Choice:
    """The revenue line chosen (or why none was), the statement it was read from, and problems."""

    statement_page: StatementPage | None  # the page of the statement the line was read from
    line: RevenueLine | None
    problems: list[Problem]
    statement: Candidate | None  # the title of the statement read (or the best candidate when none gave a line)


def _label_and_numbers(row: Row) -> tuple[str, list[Word]]:
    numbers = [word for word in row.words if numeric(word)]
    if not numbers:
        return row.text, []
    first = numbers[0].x0
    label = " ".join(word.text for word in row.words if word.x1 <= first + 0.5 and not numeric(word))
    return label, numbers


def _join(*labels: str) -> str:
    """Label fragments printed on consecutive lines, joined as one label ('一、营业' + '收入')."""
    text = ""
    for label in labels:
        label = strip_note_ref(label).strip()
        if not label:
            continue
        cjk_seam = re.search(r"[" + HAN_CHARS + r":：、]$", text) or HAN.match(label)
        text = text + label if not text or cjk_seam else text + " " + label
    return text


def _fragment(rows: list[Row], index: int, anchor: Row, limit: float) -> str:
    """The label text of row `index` if it is a label-only line touching `anchor` (a label wrapped
    around or beside the line with the figures), else ''."""
    if not 0 <= index < len(rows):
        return ""
    row = rows[index]
    label, numbers = _label_and_numbers(row)
    if numbers or any(word.x0 >= limit for word in row.words):
        return ""
    gap = max(row.top - anchor.bottom, anchor.top - row.bottom)
    return label if gap < 1.2 * min(row.bottom - row.top, anchor.bottom - anchor.top) else ""


@dataclass(frozen=True)
class _Hit:
    index: int  # the row with the figures
    kind: str
    numbers: list[Word]
    text: str  # the printed line, with label parts printed on the lines around it


_WRAPPED_LINES = 6  # a label may wrap over this many printed lines in all


def _fragments(rows: list[Row], index: int, step: int, limit: float) -> list[str]:
    """The label-only lines touching row `index` going up (step -1) or down (+1), nearest first."""
    found: list[str] = []
    anchor, at = rows[index], index + step
    while len(found) < _WRAPPED_LINES - 1:
        text = _fragment(rows, at, anchor, limit)
        if not text:
            break
        found.append(text)
        anchor, at = rows[at], at + step
    return found


def _hits(rows: list[Row]) -> list[_Hit]:
    """Every revenue line. A label may be wrapped over lines: above and below the figures (narrow label
    column, figures centred), or cut with its figures on the first line; the fewest lines that make a
    revenue label are taken. A bare 收入 / 收益 is Hong Kong's revenue line, never on a PRC statement (where it
    is the end of a wrapped 加：其他 / 收益)."""
    found: list[_Hit] = []
    prc = prc_statement("".join(row.text for row in rows))
    for i, row in enumerate(rows):
        label, numbers = _label_and_numbers(row)
        if not numbers or all(is_year(word.text) for word in numbers):  # 'Revenue:' beside the column years
            continue
        limit = numbers[0].x0
        above, below = _fragments(rows, i, -1, limit), _fragments(rows, i, 1, limit)
        spans = sorted(((up, down) for up in range(len(above) + 1) for down in range(len(below) + 1)
                        if up + down < _WRAPPED_LINES), key=lambda span: (sum(span), span))
        for up, down in spans:
            before, after = _join(*reversed(above[:up])), _join(*below[:down])
            if not label.strip() and not before and not after:
                continue
            kind = revenue_kind(_join(before, label, after))
            if kind and prc and bare_word(_join(before, label, after)):
                continue
            if kind:
                rest = row.text[len(label):].strip() if label and row.text.startswith(label) else row.text
                text = " ".join(part for part in (_join(before, label, after), rest) if part)
                found.append(_Hit(i, kind, numbers, text if (before or after) else row.text))
                break
    return found


def _unit_near(rows: list[Row], hit: int) -> tuple[Unit | None, str | None]:
    """The unit and currency declared nearest above the revenue line (title block or column headers),
    else anywhere else on the page."""
    order = list(range(hit - 1, -1, -1)) + list(range(hit + 1, len(rows)))
    unit: Unit | None = None
    currency: str | None = None
    for index in order:
        text = rows[index].text
        if unit is None:
            unit = parse_unit(text)
            if unit is not None and currency is None:
                currency = parse_currency(text)
        if unit is not None and currency is not None:
            break
    if currency is None:
        for index in order:
            if not is_data_row(rows[index]):
                currency = parse_currency(rows[index].text)
                if currency:
                    break
    return unit, currency


def _statement_rows(rows: list[Row], candidate: Candidate, title_page: bool) -> tuple[list[Row], bool]:
    """The rows of the candidate's statement on this page, from its title (on the title page) to the title of
    the next statement; and whether that next title was reached (the statement ends on this page)."""
    begin = -1  # a continuation page: from its top
    wanted = (candidate.consolidated, candidate.parent_only)
    if title_page:
        # pdfplumber may split the title differently from PDFium: then the whole page
        texts = [row.text for row in rows]
        begin = next((i + title[1] - 1 for i in range(len(rows))
                      if (title := title_at(texts, i)) and title[0] == wanted), -1)
    for end in range(begin + 1, len(rows)):
        title = statement_title(rows[end].text)  # the same title again is a running header or (续), not the next
        if other_statement_title(rows[end].text) or (title is not None and title != wanted):
            return rows[begin + 1 if begin >= 0 else 0:end], True
    return rows[begin + 1 if begin >= 0 else 0:], False


def read_words(found: PageWords, page_number: int, candidate: Candidate | None = None, title_page: bool = True
               ) -> tuple[StatementPage, bool]:
    """Every revenue line of the statement on one page's words (pdfplumber's or OCR's), each with its
    current-period figure; and whether the statement ended on this page."""
    rows = group_rows(found.words)
    ended = False
    if candidate is not None:
        rows, ended = _statement_rows(rows, candidate, title_page)
    lines: list[RevenueLine] = []
    issue: str | None = None
    hits = _hits(rows)
    for hit in hits:
        headers = header_rows(rows, hit.index)
        cells, notes = cells_of(rows[hit.index], hit.numbers)
        figure, reason, assumed = choose_current(cells, column_headers(headers, cells), notes)
        if figure is None:
            issue = issue or reason
            continue
        amount = parse_amount(figure.text)
        lines.append(RevenueLine(
            page=page_number,
            kind=hit.kind,
            amount=amount if amount is not None else Decimal(0),
            figure=figure,
            row_text=hit.text,
            header_top=min((row.top for row in headers), default=None),
            column_assumed=assumed,
            rotation=found.rotation,
        ))
    unit, currency = _unit_near(rows, hits[0].index if hits else len(rows))
    return StatementPage(page=page_number, lines=tuple(lines), unit=unit, currency=currency, issue=issue,
                       kinds=frozenset(hit.kind for hit in hits if any(map(money_like, hit.numbers)))), ended


def pdfplumber_words(page_pdf: Callable[[int], bytes], index: int) -> PageWords:
    """The words of page `index`, opened alone in pdfplumber and closed as soon as they are read."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(page_pdf(index))) as pdf:
        page = pdf.pages[0]
        try:
            return page_words(page)
        finally:
            page.close()


def read_candidates(words_of: Callable[[int], PageWords], candidates: list[Candidate], page_count: int,
                    limit: int = 3) -> list[StatementPage]:
    """The best candidate statements only (at most `limit`), best first, each page's words from `words_of`;
    a statement whose title page has no revenue line is followed onto the next pages (at most
    CONTINUATION_PAGES). Stops at the first statement that yields a revenue line."""
    readings: list[StatementPage] = []
    for candidate in candidates[:limit]:
        unit = currency = None
        for index in range(candidate.index, min(candidate.index + 1 + CONTINUATION_PAGES, page_count)):
            reading, ended = read_words(words_of(index), index + 1, candidate, index == candidate.index)
            unit, currency = unit or reading.unit, currency or reading.currency
            if reading.lines or reading.issue or ended:
                break
        reading = StatementPage(reading.page, reading.lines, unit if reading.unit is None else reading.unit,
                              currency if reading.currency is None else reading.currency, reading.issue,
                              reading.kinds, candidate)
        readings.append(reading)
        if reading.lines:
            break
    return readings
