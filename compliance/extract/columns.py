"""Which column of a statement is the current period: the table cells right of a label, the column headers
above them, and the rule that picks the current-period figure.
"""

from __future__ import annotations

import re

from compliance.extract.labels import CURRENT, NOTE, PRIOR, column_kind, header_years
from compliance.extract.layout import Row, Word, phrases
from compliance.extract.numbers import is_nil, parse_amount, parse_currency
from compliance.values.text import compact


def numeric(word: Word) -> bool:
    return parse_amount(word.text) is not None or is_nil(word.text)


def money_like(word: Word) -> bool:
    """A figure rather than a note reference: grouped, with decimals, or at least four digits."""
    value = parse_amount(word.text)
    if value is None:
        return is_nil(word.text)
    text = word.text
    return "," in text or "，" in text or "." in text or "．" in text or abs(value) >= 1000 or "(" in text


def is_data_row(row: Row) -> bool:
    return any(money_like(word) and not is_nil(word.text) for word in row.words
               if parse_amount(word.text) is None or not is_year(word.text))


def is_year(text: str) -> bool:
    return bool(re.fullmatch(r"(19[89]\d|20\d\d)", compact(text)))


def header_rows(rows: list[Row], hit: int) -> list[Row]:
    """The column headers above row `hit`: skip the data rows just above it, then take the block of
    consecutive rows without figures (at most five, stopping at a wide vertical gap)."""
    index = hit - 1
    while index >= 0 and is_data_row(rows[index]):
        index -= 1
    block: list[Row] = []
    while index >= 0 and len(block) < 5 and not is_data_row(rows[index]):
        if block and block[-1].top - rows[index].bottom > 3.0 * (rows[index].bottom - rows[index].top):
            break
        block.append(rows[index])
        index -= 1
    return block


_NOTE_REF = re.compile(r"^(?:附注)?[(]?[一二三四五六七八九十]{1,3}[)、.]?\d{1,3}(?:[.(][\da-z]{1,3}\)?)*$")


def cells_of(row: Row, numbers: list[Word]) -> tuple[list[Word], set[int]]:
    """The row's table cells right of its label: figures and note references (五、30), left to right;
    with the indexes of the note references."""
    notes = [word for word in row.words if not numeric(word) and _NOTE_REF.match(compact(word.text))]
    cells = sorted(numbers + notes, key=lambda word: word.x0)
    return cells, {i for i, word in enumerate(cells) if word in notes}


def column_headers(header_rows: list[Row], cells: list[Word]) -> list[str]:
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


_CONVENIENCE = re.compile(r"convenience|translation|便利换算|便利折算|折算为美元|换算为美元")


def translation_columns(headers: list[str]) -> set[int]:
    """Convenience-translation columns (a 20-F's 'US$' column after the RMB years): a header that says so, or
    one naming a currency other than the first dated column's. Never the figure: the statement's own currency is
    the one audited."""
    marked = {i for i, text in enumerate(headers) if _CONVENIENCE.search(compact(text).lower())}
    dated = [i for i, text in enumerate(headers) if header_years(text)]
    if dated:
        first = parse_currency(headers[dated[0]])
        marked |= {i for i in dated if parse_currency(headers[i]) not in (None, first)}
    return marked


def choose_current(cells: list[Word], headers: list[str], notes: set[int]
                    ) -> tuple[Word | None, str | None, bool]:
    """The figure in the current-period column, or (None, reason); and whether the column was assumed.
    Headers with words (本期金额, Current year) decide; else the column whose header names the latest year is
    the current period; where no header names a period or a year, the left column (statements print the
    current period first), flagged as assumed so that a person confirms it. A convenience-translation column
    is never the figure (translation_columns)."""
    translated = translation_columns(headers)
    kinds = [NOTE if i in notes or i in translated else column_kind(text) for i, text in enumerate(headers)]
    if CURRENT not in kinds and PRIOR not in kinds:
        years = [max(header_years(text), default=0) for text in headers]
        dated = [i for i, year in enumerate(years) if year and i not in notes and i not in translated]
        if len(dated) >= 2 and len({years[i] for i in dated}) == len(dated):
            latest = max(dated, key=lambda i: years[i])
            kinds = [CURRENT if i == latest else PRIOR if i in dated else kind for i, kind in enumerate(kinds)]
        elif len(dated) >= 2:  # a year named twice: the left one naming the latest year, for a person to confirm
            latest_year = max(years[i] for i in dated)
            left = min(i for i in dated if years[i] == latest_year)
            if numeric(cells[left]) and money_like(cells[left]):
                return cells[left], None, True
    money = [i for i, word in enumerate(cells) if kinds[i] != NOTE and numeric(word)
             and (money_like(word) or kinds[i])]
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
