"""Proven twice: the income statement's revenue is accepted only when a second place in the same report
agrees with it to the cent, after each place's own unit. The places are the revenue note (附注 营业收入 /
'5 Revenue' and its total line), the key-figures table (主要会计数据 / 主要财务数据 / Financial highlights) and
the audit text's own statement of the figure (report.StatedFigure). A place printed at a coarser precision
(731.3 RMB million, 70,234.57万元) is consistent but proves nothing to the cent; checks.crosscheck already
holds the audit text to its printed precision.

A page that holds an income-statement title is not a second place (it is the statement again, or another
one: statements_agree compares those). The search reads on through the rest of the text only as far as the
first page that agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.model import Problem
from compliance.extract.numbers import Unit, parse_amount, parse_unit
from compliance.extract.problems import problem
from compliance.extract.report import StatedFigure
from compliance.extract.statement_pages import titles_on
from compliance.values.money import cents, group
from compliance.values.text import compact, normalize, single_spaced

_REVENUE_CN = re.compile(r"[营營][业業][总總]?收入|[营營][业業][额額]|收益|[销銷]售")  # simplified and traditional
_REVENUE_EN = re.compile(r"\b(?:operating |net |total )?(?:revenues?|turnover|net sales)\b", re.I)
_TOTAL = re.compile(r"合[计計]|[总總][计計]|^\W*total\b", re.I)
_KEY_FIGURES = re.compile(r"主要会计数据|主要财务数据|主要财务指标|财务摘要|financialhighlights|keyfigures|"
                          r"financialsummary|selectedfinancialdata|keyfinancial", re.I)
# grouped, or with decimals, or ungrouped of 5 digits and more (a year such as 2019 is never a figure here)
_NUMBER = re.compile(r"(?<![\d.,])(?:\(?[-－]?\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?\)?|\(?[-－]?\d+\.\d+\)?|\d{5,})"
                     r"(?![\d,])")


@dataclass(frozen=True)
class Place:
    page: int  # 1-based
    kind: str  # "revenue note" | "key-figures table" | "revenue table" (elsewhere) | "audit text"
    text: str  # the printed line

    def named(self) -> str:
        return f"the {self.kind} on page {self.page}" if self.page else f"the {self.kind}"


_NOTES = re.compile(r"附注|附註|注释|notes?to(?:the)?(?:consolidated)?financialstatements|^\W*\d{1,2}\.?revenue", re.I)


def _kind(page_text: str) -> str:
    squeezed = compact(page_text)
    if _KEY_FIGURES.search(squeezed):
        return "key-figures table"
    return "revenue note" if _NOTES.search(squeezed) else "revenue table"


def _revenue_page(page_text: str) -> bool:
    return bool(_REVENUE_CN.search(compact(page_text)) or _REVENUE_EN.search(page_text))


def _line_units(lines: list[str]) -> list[Unit | None]:
    """For each line, the unit declared on it or nearest above it on the page, or None (none printed yet)."""
    result: list[Unit | None] = []
    current: Unit | None = None
    for line in lines:
        current = parse_unit(line) or current
        result.append(current)
    return result


def _amounts(line: str) -> list[Decimal]:
    found = []
    for token in _NUMBER.findall(normalize(line)):
        amount = parse_amount(token.replace("，", ","))
        if amount is not None:
            found.append(amount)
    return found


def _lines_of_revenue(page_text: str) -> list[tuple[str, Unit | None]]:
    """The lines of a page that print a revenue figure (a revenue label or, on a revenue page, a total)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    units = _line_units(lines)
    chosen = []
    for line, unit in zip(lines, units, strict=True):
        label = single_spaced(line)
        if _REVENUE_CN.search(compact(line)) or _REVENUE_EN.search(label) or _TOTAL.search(label):
            chosen.append((line, unit))
    return chosen


def agrees_on_page(page_text: str, revenue: Decimal, default_unit: Unit | None) -> str | None:
    """The printed line on this page that gives `revenue` to the cent after its unit, or None."""
    if not _revenue_page(page_text):
        return None
    for line, unit in _lines_of_revenue(page_text):
        multipliers = {unit.multiplier} if unit is not None else {Decimal(1)}  # no unit printed: 元, or ...
        if unit is None and default_unit is not None:
            multipliers.add(default_unit.multiplier)  # ... the statement's own
        if any(amount * multiplier == revenue for amount in _amounts(line) for multiplier in multipliers):
            return single_spaced(line)[:160]
    return None


def agreeing_place(pages: list[str], revenue: Decimal, skip: set[int], default_unit: Unit | None = None,
                   start: int = 0) -> Place | None:
    """The first page (from index `start`, not in `skip`, holding no income-statement title) that agrees."""
    for index in range(start, len(pages)):
        place = place_on(pages, index, revenue, skip, default_unit)
        if place is not None:
            return place
    return None


def place_on(pages: list[str], index: int, revenue: Decimal, skip: set[int], default_unit: Unit | None
             ) -> Place | None:
    if index in skip:
        return None
    line = agrees_on_page(pages[index], revenue, default_unit)  # the cheaper test first: most pages fail it
    return Place(index + 1, _kind(pages[index]), line) if line and not titles_on(index, pages[index]) else None


def stated_agrees(stated: StatedFigure | None, revenue: Decimal, page: int) -> Place | None:
    """The audit text's own figure, when it gives the revenue to the cent."""
    if stated is not None and stated.amount * stated.unit.multiplier == revenue:
        return Place(page, "audit text", stated.text)
    return None


def disagreeing_readings(pages: list[str], revenue: Decimal, skip: set[int], default_unit: Unit | None
                         ) -> list[tuple[int, str, Decimal, Decimal]]:
    """Revenue-labelled lines elsewhere whose first figure, after its unit, differs from `revenue` beyond
    the precision printed: (1-based page, the line, the figure in yuan, the unit's multiplier)."""
    found = []
    for index, text in enumerate(pages):
        if index in skip or titles_on(index, text) or not _revenue_page(text):
            continue
        for line, unit in _lines_of_revenue(text):
            if not (_REVENUE_CN.fullmatch(_label(line)) or _REVENUE_EN.fullmatch(_label(line))):
                continue
            amounts = _amounts(line)
            multiplier = (unit or default_unit).multiplier if (unit or default_unit) else Decimal(1)
            if amounts and abs(amounts[0] * multiplier - revenue) >= multiplier and amounts[0] > 0:
                found.append((index + 1, single_spaced(line)[:120], amounts[0] * multiplier, multiplier))
    return found[:3]


def _label(line: str) -> str:
    """The words before the first figure, without enumerators and note numbers."""
    head = re.split(r"\s\(?[-－]?\d[\d,，]*(?:\.\d+)?\)?(?:\s|$)", " " + line.strip() + " ")[0]
    head = re.sub(r"^[\s\d.、()（）一二三四五六七八九十]+|[\s\d.、()（）:：]+$", "", head)
    return compact(head) if re.search(r"[\u4e00-\u9fff]", head) else single_spaced(head).lower()


def not_confirmed(revenue: Decimal, statement_page: int, unit: Unit,
                  others: list[tuple[int, str, Decimal, Decimal]]) -> Problem:
    """`revenue_not_confirmed_in_report`, in one plain sentence (and what disagrees, if anything). A figure
    printed coarser than the statement's (731.3 RMB million) is named but not offered as a reading."""
    if others:
        said = "; ".join(f"page {page} prints '{line}' ({group(value)} yuan)" for page, line, value, _ in others)
        detail = (f"The income statement's revenue ({group(revenue)} yuan, page {statement_page}) is not "
                  f"confirmed anywhere else in the report: {said}. A person must check which is right.")
    else:
        detail = (f"The income statement's revenue ({group(revenue)} yuan, page {statement_page}) is printed "
                  "nowhere else in the report: no revenue note, key-figures table or audit text gives the same "
                  "figure, so it rests on one reading; a person must confirm it against the page.")
    readings = [revenue, *(value for _, _, value, multiplier in others if multiplier <= unit.multiplier)]
    return problem("revenue_not_confirmed_in_report", detail=detail, field="operating_revenue",
                   readings=[cents(reading) for reading in dict.fromkeys(readings)])
