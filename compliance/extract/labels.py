"""What a printed label means: revenue lines, income-statement titles and column headers.

Chinese labels are compared without whitespace (营 业 收 入 == 营业收入); English ones single-spaced and
lower-case. Enumerators (一、 (三) 1.) and connectives (其中： 加： 减：) are not part of a label.
"""

from __future__ import annotations

import re

from compliance.extract.textnorm import compact, single_spaced
from compliance.values.cjk import HAN, HAN_CHARS

# ------------------------------------------------------------------------------------------ revenue lines
REVENUE = "revenue"  # 营业收入 / Revenue: the line the contract measures (SPA 4.1 "Operating Revenue")
TOTAL = "total"  # 营业总收入 / Total revenue: used only when the statement has no plain revenue line

_CN_NUMERAL = "一二三四五六七八九十"
_CN_LEAD = re.compile(rf"^(?:[{_CN_NUMERAL}]+[、.]|\(?[{_CN_NUMERAL}\d]{{1,3}}\)|\d{{1,2}}[、.)]|"
                      r"其中:|加:|减:|包括:|:)+")
_CN_TRAIL = re.compile(rf"(?:[(]?(?:附注|注释?)?[{_CN_NUMERAL}\d]+(?:[、.-]\d+)*"
                       rf"(?:\([\da-z{_CN_NUMERAL}]+\))*[)]?|:)+$")
_CN_LABELS = {"营业收入": REVENUE, "营业收入合计": REVENUE, "营业总收入": TOTAL}

_EN_LEAD = re.compile(r"^(?:\(?[ivx]{1,4}\)|\(?[a-h]\)|\d{1,2}[.)]|less:|add:|including:|of which:)\s*")
_EN_TRAIL = re.compile(r"(?:\s*(?:note\s*)?\(?\d{1,2}(?:\.\d{1,2})?(?:\([a-z]\))?\)?|[\s:,])+$")
_EN_LABELS = {
    "revenue": REVENUE,
    "revenues": REVENUE,
    "operating revenue": REVENUE,
    "operating revenues": REVENUE,
    "revenue from contracts with customers": REVENUE,
    "turnover": REVENUE,
    "total revenue": TOTAL,
    "total revenues": TOTAL,
    "total operating revenue": TOTAL,
    "total operating revenues": TOTAL,
}


def strip_note_ref(label: str) -> str:
    """A label without the note reference printed after it ('营业收入 五、30' -> '营业收入')."""
    return _CN_TRAIL.sub("", compact(label)) if HAN.search(label) else label


def chinese_part(text: str) -> str:
    """The Chinese label of a bilingual cell: '一、营业收入 Operating revenue' -> '一、营业收入'."""
    squeezed = compact(text)
    return re.sub(r"[A-Za-z][A-Za-z'&,.\-/ ]*", "", squeezed)


def revenue_kind(label: str) -> str | None:
    """REVENUE, TOTAL or None for a row's label text."""
    if HAN.search(label):
        cn = chinese_part(label)
        for _ in range(3):
            cn = _CN_LEAD.sub("", cn)
        cn = _CN_TRAIL.sub("", cn)
        kind = _CN_LABELS.get(cn)
        if kind:
            return kind
    english = re.sub(r"[" + HAN_CHARS + r"\uff00-\uffef、：，（）]+", " ", single_spaced(label).lower())
    english = single_spaced(english)
    for _ in range(2):
        english = _EN_LEAD.sub("", english)
    english = _EN_TRAIL.sub("", english).strip()
    return _EN_LABELS.get(english)


# --------------------------------------------------------------------------------- income statement titles
_CN_TITLE = re.compile(r"(合并及母公司|合并及公司|合并|母公司|公司)?(利润表|损益表|利润及利润分配表|综合收益表)")
_EN_TITLE = re.compile(
    r"(consolidated )?(statements? of (?:consolidated )?(?:profit or loss(?: and other comprehensive income)?|"
    r"comprehensive income|income|operations(?: and comprehensive (?:income|loss))?|profit and loss)|"
    r"income statements?|profit and loss account)"
)


def statement_title(line: str) -> tuple[bool, bool] | None:
    """(is consolidated, is parent-only) when `line` is an income-statement title line, else None.
    A title is a short line: '合并利润表', '利润表（续）', 'Consolidated Statement of Profit or Loss'."""
    squeezed = chinese_part(line)
    if len(squeezed) <= 16:
        match = _CN_TITLE.search(squeezed)
        if match and not re.search(r"附注|项目|注释|续表?$", squeezed.replace("(续)", "")):
            prefix = match[1] or ""
            return ("合并" in prefix, prefix in ("母公司", "公司"))
    english = single_spaced(line).lower()
    if len(english) <= 90:
        match = _EN_TITLE.search(english)
        if match and not english.startswith(("notes", "note ")):
            consolidated = bool(match[1]) or "consolidated" in english
            return (consolidated, "company" in english and not consolidated)
    return None


# ---------------------------------------------------------------------------------------- column headers
CURRENT, PRIOR, NOTE = "current", "prior", "note"
_CURRENT_WORDS = re.compile(r"本期|本年|本报告期|当期|本月|current|thisyear|thisperiod")
_PRIOR_WORDS = re.compile(r"上期|上年|前期|同期|比较|prior|previous|lastyear|comparative|precedingyear")
_NOTE_WORDS = re.compile(r"附注|注释|行次|栏次|notes?\b|^注$|^line$")
_YEAR = re.compile(r"(?<!\d)(19[89]\d|20\d\d)(?!\d)")


def column_kind(header: str) -> str | None:
    """CURRENT / PRIOR / NOTE from a column's header text, or None when the words do not say."""
    squeezed = compact(header).lower()
    current, prior = _CURRENT_WORDS.search(squeezed), _PRIOR_WORDS.search(squeezed)
    if current and not prior:
        return CURRENT
    if prior and not current:
        return PRIOR
    if _NOTE_WORDS.search(squeezed) and not _YEAR.search(squeezed):
        return NOTE
    return None


def header_years(header: str) -> list[int]:
    """Years a header names ('30 Nov 2030', '2026年度'), read with its spaces kept so that a note number
    printed next to a year does not fuse with it."""
    return [int(year) for year in _YEAR.findall(single_spaced(header))]
