"""Every income statement the report prints for the period and the entity must give the same revenue.

pipeline reads the first statement that yields a revenue line; a report may print another under the same
kind of title (a second 'Statement of profit or loss', a restated copy, a statement bound in twice). The other
candidates of the same kind (consolidated, parent-only or plain) are read here too; one for another period
(its head names a different period) or another company (its 编制单位 / company line differs) is not compared.
Two that give different figures are `statements_disagree`, with both readings, for a person to decide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.layout import PageWords
from compliance.extract.model import Problem
from compliance.extract.periods import find_periods
from compliance.extract.problems import problem
from compliance.extract.report import statement_entity
from compliance.extract.section import lines_of
from compliance.extract.statement import Choice, read_candidates
from compliance.extract.statement_pages import Candidate
from compliance.values.money import cents, group
from compliance.values.text import name_key

_MOST_OTHERS = 4  # other statements of the same kind read (each costs a pdfplumber page or two)


@dataclass(frozen=True)
class Reading:
    page: int  # 1-based page of the revenue line
    revenue: Decimal  # yuan


def _head(pages: list[str], candidate: Candidate) -> str:
    return "\n".join(lines_of(pages[candidate.index])[candidate.line:][:12]) if candidate.index < len(pages) else ""


def _same_subject(pages: list[str], chosen: Candidate, other: Candidate) -> bool:
    """The other statement is for the chosen one's period and entity, as far as either prints them."""
    mine, theirs = find_periods(_head(pages, chosen)), find_periods(_head(pages, other))
    if mine and theirs and (mine[0].start, mine[0].end) != (theirs[0].start, theirs[0].end):
        return False
    def entity(candidate: Candidate) -> str | None:
        return statement_entity("\n".join(lines_of(pages[candidate.index])[candidate.line:]))
    mine_entity, their_entity = entity(chosen), entity(other)
    return not (mine_entity and their_entity and name_key(mine_entity) != name_key(their_entity))


def other_readings(words_of: Callable[[int], PageWords], pages: list[str], candidates: list[Candidate],
                   choice: Choice, page_count: int) -> list[Reading]:
    """The revenue of every other statement of the chosen one's kind, for the same period and entity."""
    chosen, line = choice.statement, choice.line
    if chosen is None or line is None or choice.statement_page is None:
        return []
    kind = (chosen.consolidated, chosen.parent_only)
    others = [c for c in candidates if (c.consolidated, c.parent_only) == kind and c != chosen
              and not chosen.index <= c.index <= line.page - 1 and _same_subject(pages, chosen, c)]
    found = []
    for candidate in others[:_MOST_OTHERS]:
        (reading,) = read_candidates(words_of, [candidate], page_count, limit=1)
        lines = [other for other in reading.lines if other.kind == line.kind]
        if not lines or len({other.amount for other in lines}) > 1 or lines[0].page == line.page:
            continue
        unit = reading.unit or choice.statement_page.unit
        multiplier = unit.multiplier if unit is not None else Decimal(1)
        found.append(Reading(lines[0].page, lines[0].amount * multiplier))
    return found


def disagreement(revenue: Decimal, page: int, others: list[Reading]) -> Problem | None:
    """`statements_disagree` when another statement gives a different figure."""
    differing = [other for other in others if other.revenue != revenue]
    if not differing:
        return None
    said = "; ".join(f"{group(other.revenue)} yuan on page {other.page}" for other in differing)
    readings = dict.fromkeys([revenue, *(other.revenue for other in differing)])
    return problem("statements_disagree", detail=(
        f"The report prints more than one income statement for the period, and they give different revenue: "
        f"{group(revenue)} yuan on page {page} (the one read); {said}. A person must decide which statement is "
        "the audited one."), field="operating_revenue", readings=[cents(reading) for reading in readings])
