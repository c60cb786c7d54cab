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

from compliance.extract.labels import (
    CURRENT,
    NOTE,
    PRIOR,
    column_kind,
    header_years,
    other_statement_title,
    revenue_kind,
    statement_title,
    strip_note_ref,
    title_at,
)
from compliance.extract.layout import Row, Word, group_rows, page_words, phrases
from compliance.extract.numbers import Unit, is_nil, parse_amount, parse_currency, parse_unit
from compliance.extract.statement_pages import CONTINUATION_PAGES, Candidate
from compliance.extract.textnorm import compact
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


@dataclass(frozen=True)
class PageReading:
    page: int
    lines: tuple[RevenueLine, ...]  # every revenue line read, one per statement on the page
    unit: Unit | None
    currency: str | None
    issue: str | None  # why no figure could be chosen (ambiguous columns), if so
    kinds: frozenset[str] = frozenset()  # the kinds of revenue line seen with figures (a heading does not count)
    start: Candidate | None = None  # the statement's title, where read_candidates found it


def _numeric(word: Word) -> bool:
    return parse_amount(word.text) is not None or is_nil(word.text)


def _money_like(word: Word) -> bool:
    """A figure rather than a note reference: grouped, with decimals, or at least four digits."""
    value = parse_amount(word.text)
    if value is None:
        return is_nil(word.text)
    text = word.text
    return "," in text or "，" in text or "." in text or "．" in text or abs(value) >= 1000 or "(" in text


def _label_and_numbers(row: Row) -> tuple[str, list[Word]]:
    numbers = [word for word in row.words if _numeric(word)]
    if not numbers:
        return row.text, []
    first = numbers[0].x0
    label = " ".join(word.text for word in row.words if word.x1 <= first + 0.5 and not _numeric(word))
    return label, numbers


def _is_data_row(row: Row) -> bool:
    return any(_money_like(word) and not is_nil(word.text) for word in row.words
               if parse_amount(word.text) is None or not _is_year(word.text))


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(19[89]\d|20\d\d)", compact(text)))


def _header_rows(rows: list[Row], hit: int) -> list[Row]:
    """The column headers above row `hit`: skip the data rows just above it, then take the block of
    consecutive rows without figures (at most five, stopping at a wide vertical gap)."""
    index = hit - 1
    while index >= 0 and _is_data_row(rows[index]):
        index -= 1
    block: list[Row] = []
    while index >= 0 and len(block) < 5 and not _is_data_row(rows[index]):
        if block and block[-1].top - rows[index].bottom > 3.0 * (rows[index].bottom - rows[index].top):
            break
        block.append(rows[index])
        index -= 1
    return block


_NOTE_REF = re.compile(r"^(?:附注)?[(]?[一二三四五六七八九十]{1,3}[)、.]?\d{1,3}(?:[.(][\da-z]{1,3}\)?)*$")


def _cells(row: Row, numbers: list[Word]) -> tuple[list[Word], set[int]]:
    """The row's table cells right of its label: figures and note references (五、30), left to right;
    with the indexes of the note references."""
    notes = [word for word in row.words if not _numeric(word) and _NOTE_REF.match(compact(word.text))]
    cells = sorted(numbers + notes, key=lambda word: word.x0)
    return cells, {i for i, word in enumerate(cells) if word in notes}


def _column_headers(header_rows: list[Row], cells: list[Word]) -> list[str]:
    """Header text above each cell. Each header phrase goes to the nearest cell horizontally (overlap
    first) unless it is a title spanning the table or another cell is as near; a row counts as a header
    row only when it heads two or more cells (a centred period line or unit note above one column does not)."""
    texts = ["" for _ in cells]
    for row in reversed(header_rows):  # top row first
        assigned: list[tuple[int, str]] = []
        for phrase in phrases(row):
            width = phrase.x1 - phrase.x0
            centre = (phrase.x0 + phrase.x1) / 2
            scored = []
            for i, cell in enumerate(cells):
                if width > 3 * max(cell.x1 - cell.x0, 40.0):
                    continue
                gap = max(0.0, cell.x0 - phrase.x1, phrase.x0 - cell.x1)
                scored.append((gap, abs(centre - (cell.x0 + cell.x1) / 2), i))
            scored.sort()
            if not scored or scored[0][0] > 60:
                continue
            if len(scored) > 1 and scored[1][:2] == scored[0][:2]:
                continue
            assigned.append((scored[0][2], phrase.text))
        if len({i for i, _ in assigned}) >= min(2, len(cells)):
            for i, text in assigned:
                texts[i] += " " + text
    return texts


def _choose_current(cells: list[Word], headers: list[str], notes: set[int]
                    ) -> tuple[Word | None, str | None, bool]:
    """The figure in the current-period column, or (None, reason); and whether the column was assumed.
    Headers with words (本期金额, Current year) decide; else the column whose header names the latest year is
    the current period; where no header names a period or a year, the left column (statements print the
    current period first), flagged as assumed so that a person confirms it."""
    kinds = [NOTE if i in notes else column_kind(text) for i, text in enumerate(headers)]
    if CURRENT not in kinds and PRIOR not in kinds:
        years = [max(header_years(text), default=0) for text in headers]
        dated = [i for i, year in enumerate(years) if year and i not in notes]
        if len(dated) >= 2 and len({years[i] for i in dated}) == len(dated):
            latest = max(dated, key=lambda i: years[i])
            kinds = [CURRENT if i == latest else PRIOR if i in dated else kind for i, kind in enumerate(kinds)]
    money = [i for i, word in enumerate(cells) if kinds[i] != NOTE and _numeric(word)
             and (_money_like(word) or kinds[i])]
    current = [i for i in money if kinds[i] == CURRENT]
    if len(current) == 1:
        return cells[current[0]], None, False
    if len(current) > 1:  # consolidated and company columns side by side: the consolidated one
        group = [i for i in current if re.search(r"合并|consolidated|group", compact(headers[i]).lower())]
        if len(group) == 1:
            return cells[group[0]], None, False
        return None, "the statement has more than one current-period column", False
    unlabelled = [i for i in money if kinds[i] is None]
    if unlabelled and not any(kinds[i] == PRIOR for i in money):
        return cells[unlabelled[0]], None, len(unlabelled) > 1
    if not money:
        return None, None, False
    return None, "the column headers do not say which column is the current period", False


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


def _hits(rows: list[Row]) -> list[_Hit]:
    """Every revenue line. A label may be split over lines: above and below the figures (narrow label
    column, figures centred), or cut with its figures on the first line."""
    found: list[_Hit] = []
    for i, row in enumerate(rows):
        label, numbers = _label_and_numbers(row)
        if not numbers or all(_is_year(word.text) for word in numbers):  # 'Revenue:' beside the column years
            continue
        limit = numbers[0].x0
        above = _fragment(rows, i - 1, row, limit)
        below = _fragment(rows, i + 1, row, limit)
        tries = [("", label, ""), (above, label, ""), ("", label, below), (above, label, below)]
        if not label.strip():
            tries.append((above, "", ""))
        for before, own, after in tries:
            kind = revenue_kind(_join(before, own, after))
            if kind:
                rest = row.text[len(own):].strip() if own and row.text.startswith(own) else row.text
                text = " ".join(part for part in (_join(before, own, after), rest) if part)
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
            if not _is_data_row(rows[index]):
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


def read_page(page, page_number: int, candidate: Candidate | None = None, title_page: bool = True
              ) -> tuple[PageReading, bool]:
    """Every revenue line of the statement on one pdfplumber page, each with its current-period figure; and
    whether the statement ended on this page."""
    rows = group_rows(page_words(page))
    ended = False
    if candidate is not None:
        rows, ended = _statement_rows(rows, candidate, title_page)
    lines: list[RevenueLine] = []
    issue: str | None = None
    hits = _hits(rows)
    for hit in hits:
        header_rows = _header_rows(rows, hit.index)
        cells, notes = _cells(rows[hit.index], hit.numbers)
        figure, reason, assumed = _choose_current(cells, _column_headers(header_rows, cells), notes)
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
            header_top=min((row.top for row in header_rows), default=None),
            column_assumed=assumed,
        ))
    unit, currency = _unit_near(rows, hits[0].index if hits else len(rows))
    return PageReading(page=page_number, lines=tuple(lines), unit=unit, currency=currency, issue=issue,
                       kinds=frozenset(hit.kind for hit in hits if any(map(_money_like, hit.numbers)))), ended


def _read_one(page_pdf: Callable[[int], bytes], index: int, candidate: Candidate, title_page: bool
              ) -> tuple[PageReading, bool]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(page_pdf(index))) as pdf:
        page = pdf.pages[0]
        try:
            return read_page(page, index + 1, candidate, title_page)
        finally:
            page.close()


def read_candidates(page_pdf: Callable[[int], bytes], candidates: list[Candidate], page_count: int,
                    limit: int = 3) -> list[PageReading]:
    """pdfplumber on the best candidate statements only (at most `limit`), best first, each page opened alone
    and closed as soon as it is read; a statement whose title page has no revenue line is followed onto the
    next pages (at most CONTINUATION_PAGES). Stops at the first statement that yields a revenue line."""
    readings: list[PageReading] = []
    for candidate in candidates[:limit]:
        unit = currency = None
        for index in range(candidate.index, min(candidate.index + 1 + CONTINUATION_PAGES, page_count)):
            reading, ended = _read_one(page_pdf, index, candidate, index == candidate.index)
            unit, currency = unit or reading.unit, currency or reading.currency
            if reading.lines or reading.issue or ended:
                break
        reading = PageReading(reading.page, reading.lines, unit if reading.unit is None else reading.unit,
                              currency if reading.currency is None else reading.currency, reading.issue,
                              reading.kinds, candidate)
        readings.append(reading)
        if reading.lines:
            break
    return readings
