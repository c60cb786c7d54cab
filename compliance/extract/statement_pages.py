"""Where income statements start, from the fast text pass: a title line anywhere on a page (after the
previous statement ends), followed on that page or the next by a revenue label and other statement items.

A page without a title line never starts a statement: summary tables (主要会计数据, "Financial highlights",
five-year summaries, 利润表及现金流量表相关科目变动分析表) and notes repeat the revenue figure, and the audited
figure is only ever the one in the statement itself (they may serve as a cross-check elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from compliance.extract.labels import title_at
from compliance.extract.section import AuditSection, lines_of
from compliance.values.text import compact, single_spaced

_ITEMS_CN = ("营业成本", "营业利润", "利润总额", "净利润", "所得税费用", "税金及附加", "销售费用", "管理费用",
             "主营业务成本",
             # Hong Kong (Traditional read as Simplified)
             "销售成本", "销货成本", "毛利", "除所得税前", "除税前", "所得税开支", "行政开支", "财务成本", "年内溢利",
             "年内亏损", "本年度溢利", "本年度亏损")
_ITEMS_EN = ("cost of sales", "cost of revenue", "cost of goods sold", "gross profit", "profit before", "income tax",
             "profit for the", "net profit", "net income", "operating profit", "operating income", "loss before",
             "administrative expenses", "operating expenses", "finance costs")
_REVENUE_CN = re.compile(r"营业收入|营业总收入|主营业务收入|营业额|收入|收益")
_REVENUE_EN = re.compile(r"\b(?:operating |net )?revenues?\b|\bturnover\b|\bnet sales\b|\bsales\b")
_MAY_HOLD_TITLE = re.compile(r"利\s*[润潤]|[损損]\s*益|收\s*益\s*表|[Ii][Nn][Cc][Oo][Mm][Ee]|[Pp][Rr][Oo][Ff][Ii][Tt]|"
                             r"[Ee][Aa][Rr][Nn][Ii][Nn][Gg][Ss]|[Oo][Pp][Ee][Rr][Aa][Tt][Ii][Oo][Nn][Ss]|[\uff00-\uffef]")
CONTINUATION_PAGES = 2  # the revenue line may sit this many pages after the title


@dataclass(frozen=True)
class Candidate:
    index: int  # 0-based page index of the title
    line: int  # the title's (last) line on that page
    consolidated: bool
    parent_only: bool


_HAN_ONLY = re.compile(r"[^\u4e00-\u9fff]+")


def _wrapped_cn_revenue(text: str) -> bool:
    """营业 / 收入 wrapped in a narrow label column, with the line's figures between the two halves."""
    halves = [_HAN_ONLY.sub("", line) for line in lines_of(text)]
    return any(first.endswith("营业") and second.startswith(("收入", "总收入"))
               or first.endswith("营业五") and second.startswith("收入")  # the note 五、30 between them
               for first, second in zip(halves, halves[1:], strict=False))


def _statement_like(text: str) -> bool:
    squeezed = compact(text)
    lower = single_spaced(text).lower()
    has_revenue = bool(_REVENUE_CN.search(squeezed) or _REVENUE_EN.search(lower) or _wrapped_cn_revenue(text))
    items = sum(item in squeezed for item in _ITEMS_CN) + sum(item in lower for item in _ITEMS_EN)
    return has_revenue and items >= 2


def titles_on(index: int, text: str) -> list[Candidate]:
    """Income-statement title lines on page `index` (cheap test before any normalising)."""
    if not _MAY_HOLD_TITLE.search(text):
        return []
    return [Candidate(index, *found) for found in _titles(text)]


@lru_cache(maxsize=256)
def _titles(text: str) -> tuple[tuple[int, bool, bool], ...]:
    """(line, consolidated, parent_only) of each title in a page's text: the same page is asked about by the
    text pass, the statement finder and the search for a second place, so each text is looked at once."""
    found = []
    lines = lines_of(text)
    for number in range(len(lines)):
        title = title_at(lines, number)
        if title:
            found.append((number + title[1] - 1, *title[0]))
    return tuple(found)


def statement_starts(pages: list[str]) -> list[Candidate]:
    """Every income-statement title followed by a statement (revenue label and items) on its page after the
    title, or on the pages after it."""
    found = []
    for index, text in enumerate(pages):
        for candidate in titles_on(index, text):
            after = "\n".join(lines_of(text)[candidate.line + 1:])
            following = "\n".join(pages[index + 1:index + 1 + CONTINUATION_PAGES])
            if _statement_like(after) or _statement_like(after + "\n" + following):
                found.append(candidate)
    return found


def ordered_candidates(candidates: list[Candidate], section: AuditSection | None) -> list[Candidate]:
    """The statements the audit report covers, best first: those after the report (PRC, Hong Kong), else
    those before it (a US 10-K may print the report after the statements); with no report found, all.
    Consolidated before plain before parent-only; then nearest the report first (a heading in the
    management discussion pages before the statements is further from it)."""
    if section is None:
        return sorted(candidates, key=lambda c: (not c.consolidated, c.parent_only, c.index, c.line))
    after = [c for c in candidates if c.index >= section.last]
    if after:
        return sorted(after, key=lambda c: (not c.consolidated, c.parent_only, c.index, c.line))
    before = [c for c in candidates if c.index < section.first]
    return sorted(before, key=lambda c: (not c.consolidated, c.parent_only, -c.index, c.line))
