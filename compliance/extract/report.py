"""The auditor's report itself, from the fast text pass: where it is, the period and company it covers,
the opinion, the signing firm, the report date and number, and any revenue figure its text states.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from compliance.extract.numbers import Unit, find_dates, parse_amount, unit_after_amount
from compliance.extract.statement import lines_of
from compliance.extract.textnorm import compact, single_spaced
from compliance.values.cjk import HAN, HAN_CHARS

# ------------------------------------------------------------------------------------- the audit section
_OPENING = re.compile(r"我们审计了|wehaveaudited", re.I)
_SIGNATURE_CN = re.compile(r"注册会计师[:：]|注册会计师\(签名(?:并盖章)?\)|\(项目合伙人\)")
_SIGNATURE_EN = re.compile(r"^(?:/s/|certified public accountants$|chartered accountants$|"
                           r".{3,80}\b(?:LLP|L\.L\.P\.)$)", re.I)


def _has_signature(text: str) -> bool:
    """A page carrying the signature block: 中国注册会计师：(name), '/s/ Firm', a 'Certified Public
    Accountants' or '... LLP' line (mentions inside sentences do not count)."""
    for line in lines_of(text):
        if _SIGNATURE_CN.search(compact(line)) or _SIGNATURE_EN.match(single_spaced(line)):
            return True
    return False
_REPORT_TITLE = re.compile(r"审计报告|auditor'?s'?report|reportofindependent", re.I)


@dataclass(frozen=True)
class AuditSection:
    first: int  # 0-based page indexes, inclusive
    last: int

    def pages(self) -> range:
        return range(self.first, self.last + 1)


_MAY_OPEN = re.compile(r"我\s*们\s*审\s*计\s*了|[Ww]\s*[Ee]\s+have\s+audited|WE\s+HAVE\s+AUDITED|[\uff00-\uffef]")


def has_opening(text: str) -> bool:
    """The auditor's opening words: 我们审计了 / 'We have audited'."""
    return bool(_MAY_OPEN.search(text)) and bool(_OPENING.search(compact(text).lower()))


def find_audit_section(pages: list[str], before: int | None = None) -> AuditSection | None:
    """From the page where the auditor says 'we have audited' to the page with the signature block;
    the page before is included when it carries the report's title (addressee and number often sit there)."""
    limit = len(pages) if before is None else min(before, len(pages))
    for index in range(limit):
        if not has_opening(pages[index]):
            continue
        first = index
        if index > 0 and _REPORT_TITLE.search(compact(pages[index - 1]).lower()) and len(pages[index - 1]) < 1500:
            first = index - 1
        last = index
        for later in range(index, min(index + 6, limit)):
            last = later
            if _has_signature(pages[later]):
                break
        return AuditSection(first, last)
    return None


def section_text(pages: list[str], section: AuditSection) -> str:
    return "\n".join(pages[index] for index in section.pages())


# ---------------------------------------------------------------------------------------------- periods
@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date


_CN_RANGE_JOIN = re.compile(r"^(?:起)?(?:至|到|-|~|—)$")


def _year_before(end: dt.date) -> dt.date:
    """The first day of the twelve months ending on `end` ('year ended 30 November 2026' -> 1 Dec 2025)."""
    following = end + dt.timedelta(days=1)
    try:
        return following.replace(year=following.year - 1)
    except ValueError:  # 29 February
        return following.replace(year=following.year - 1, day=28)


def find_periods(text: str) -> list[Period]:
    """Periods a text states, in order: ranges (2025年12月1日至2026年11月30日, from 1 December 2025 to
    30 November 2026), years ended (截至2026年11月30日止年度, year ended 30 November 2026) and 2026年度."""
    periods: list[Period] = []
    squeezed = compact(text)
    dates = find_dates(squeezed)
    for first, second in zip(dates, dates[1:], strict=False):
        between = squeezed[first.end:second.start]
        if _CN_RANGE_JOIN.match(between) and first.value < second.value:
            periods.append(Period(first.value, second.value))
    for found in dates:
        after = squeezed[found.end:found.end + 12]
        if re.match(r"(?:止|终了)的?(?:年度|会计年度|12个月|十二个月)", after):
            periods.append(Period(_year_before(found.value), found.value))
    for match in re.finditer(r"(?<![\d年月日至])(\d{4})年度", squeezed):
        periods.append(Period(dt.date(int(match[1]), 1, 1), dt.date(int(match[1]), 12, 31)))
    english = single_spaced(text)
    english_dates = find_dates(english)
    for first, second in zip(english_dates, english_dates[1:], strict=False):
        between = english[first.end:second.start].strip().lower()
        before = english[max(0, first.start - 12):first.start].lower()
        if between in ("to", "through", "until", "-", "and ending", "ending") and "from" in before \
                and first.value < second.value:
            periods.append(Period(first.value, second.value))
    for found in english_dates:
        before = english[max(0, found.start - 40):found.start].lower()
        if re.search(r"(?:year|twelve months|12 months|period) ended (?:on )?$", before):
            periods.append(Period(_year_before(found.value), found.value))
    return periods


# ----------------------------------------------------------------------------------------------- entity
# Chinese names are read from the text with only whitespace removed, so they come out as printed (（）).
_CN_ADDRESSEE = re.compile(r"^(.{4,60}?)(?:全体股东|股东会|股东大会|董事会|全体投资者)[:：]?$")
_CN_AUDITED = re.compile(r"我们审计了(?:后附的)?(.{4,60}?)"
                         r"(?:[(（]以下简称|[(（]以下称|[(（]简称|\d{4}年|[二〇零○]{4}年|的?(?:合并及母公司|合并及公司|合并)?"
                         r"财务报表)")
_CN_PREPARER = re.compile(r"编制单位[:：](.{4,60}?)(?:金额单位|单位[:：]|币种|\d{4}年|会企|$)")
_EN_ADDRESSEE = re.compile(r"^to the (?:shareholders?|board of directors|members|directors|owners?|partners)"
                           r"(?: and (?:the )?(?:board of directors|shareholders?))? of (.{4,100}?)[:,]?$", re.I)
_EN_AUDITED = re.compile(r"we have audited the (?:accompanying )?(?:consolidated )?(?:and separate )?"
                         r"financial statements of (.{4,100}?)(?: \(| and its | which|, which|,? set out)", re.I)
_EN_PREPARER = re.compile(r"^(.{4,100}?(?:co\.,? ltd\.?|company limited|limited|ltd\.?|inc\.?|corporation|llc))$",
                          re.I)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class NamedCompanies:
    audited: list[str]  # the company the opinion paragraph says was audited (Chinese and/or English)
    addressee: str | None  # whom the report is addressed to (the shareholders of ...)


def named_companies(section_lines: list[str], section: str) -> NamedCompanies:
    """The audited company in the opinion paragraph and the addressee, as printed."""
    addressee = None
    for line in section_lines[:40]:
        if HAN.search(line):
            match = _CN_ADDRESSEE.match(_squeeze(line))
        else:
            match = _EN_ADDRESSEE.match(single_spaced(line))
        if match:
            addressee = match[1].strip()
            break
    audited = []
    match = _CN_AUDITED.search(_squeeze(section))
    if match:
        audited.append(match[1])
    match = _EN_AUDITED.search(single_spaced(section))
    if match:
        audited.append(match[1].strip())
    return NamedCompanies(audited, addressee)


def statement_entity(page_text: str) -> str | None:
    """The company a statement names: 编制单位：X, or an English company line under the title."""
    for line in lines_of(page_text)[:10]:
        match = _CN_PREPARER.search(_squeeze(line))
        if match:
            return match[1]
        english = single_spaced(line)
        if not HAN.search(english):
            match = _EN_PREPARER.match(english)
            if match:
                return match[1]
    return None


# ---------------------------------------------------------------------------------------------- opinion
_CN_HEADINGS = (("形成无法表示意见的基础", "disclaimer"), ("无法表示意见", "disclaimer"),
                ("形成否定意见的基础", "adverse"), ("否定意见", "adverse"),
                ("形成保留意见的基础", "qualified"), ("保留意见", "qualified"))
_EN_HEADINGS = (("basis for disclaimer of opinion", "disclaimer"), ("disclaimer of opinion", "disclaimer"),
                ("basis for adverse opinion", "adverse"), ("adverse opinion", "adverse"),
                ("basis for qualified opinion", "qualified"), ("qualified opinion", "qualified"))
_ENUMERATOR = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]{1,2}\)|"
                         r"\d{1,2}[.、)]|[ivx]+[.)])\s*")


def opinion_of(section_lines: list[str]) -> str:
    """The opinion named by the report's headings; an audit report without a modified heading is unqualified."""
    for line in section_lines:
        squeezed = _ENUMERATOR.sub("", compact(line))
        for heading, opinion in _CN_HEADINGS:
            if squeezed == heading or (heading.startswith("形成") and heading in squeezed):
                return opinion
        english = _ENUMERATOR.sub("", single_spaced(line).lower()).rstrip(":")
        for heading, opinion in _EN_HEADINGS:
            if english == heading:
                return opinion
    return "unqualified"


# ---------------------------------------------------------------------------------- signature block
_CN_FIRM = re.compile(r"([" + HAN_CHARS + r"·()（）]{2,40}?会计师事务所(?:[(（](?:特殊普通合伙|普通合伙|有限合伙)[)）]|"
                      r"有限责任公司|有限公司)?)")
_EN_FIRM_SUFFIX = re.compile(r"\b(?:LLP|L\.L\.P\.|LLC|CPAs?|Certified Public Accountants|Chartered Accountants|"
                             r"& Co\.?|Limited|Ltd\.?|\(Special General Partnership\))$", re.I)
_EN_CPA_LINE = re.compile(r"^(?:certified public accountants|chartered accountants)$", re.I)


@dataclass(frozen=True)
class Signature:
    auditor: str | None
    report_date: dt.date | None


def signature_block(page_text: str) -> Signature:
    """The signing firm and the report date from the last page of the audit report: the firm printed
    in the signature block (not other mentions of a firm), the date printed with it."""
    lines = lines_of(page_text)
    firm: str | None = None
    firm_line = -1
    for number, line in enumerate(lines):
        for segment in re.split(r"\s{2,}|\t", line) if not HAN.search(line) else line.split():
            squeezed = compact(segment)
            match = _CN_FIRM.fullmatch(squeezed) if HAN.search(squeezed) else None
            if match and "注册会计师" not in squeezed.replace("会计师事务所", ""):
                firm, firm_line = segment.strip(), number
        english = single_spaced(line)
        if HAN.search(english):
            continue
        if english.lower().startswith("/s/"):
            firm, firm_line = english[3:].strip(), number
        elif _EN_FIRM_SUFFIX.search(english) and not _EN_CPA_LINE.match(english) and len(english) < 90 \
                and not english.lower().startswith(("we ", "the ", "our ", "in ", "to ")):
            firm, firm_line = english, number
        elif _EN_CPA_LINE.match(english) and number > 0 and firm_line != number - 1:
            previous = single_spaced(lines[number - 1])
            if previous and not HAN.search(previous) and len(previous) < 90 and not previous.endswith("."):
                firm, firm_line = previous.removeprefix("/s/").strip(), number - 1
    report_date: dt.date | None = None
    tail = lines[max(firm_line, 0):] if firm is not None else lines
    for line in reversed(tail):
        dates = find_dates(compact(line)) or find_dates(single_spaced(line))
        if dates:
            report_date = dates[-1].value
            break
    return Signature(firm, report_date)


# --------------------------------------------------------------------------------------- report number
_CN_NUMBER = re.compile(r"([" + HAN_CHARS + r"A-Za-z]{1,16}(?:审|报字|审字|专审)[" + HAN_CHARS + r"A-Za-z()（）]{0,4}"
                        r"[〔\[【(（]\s*\d{2,4}\s*[〕\]】)）]["
                        + HAN_CHARS + r"A-Za-z]{0,3}第?\s*[A-Za-z0-9\-_]{1,24}号)")
_EN_NUMBER = re.compile(r"\breport (?:no|number|ref(?:erence)?)\.?\s*[:：#]?\s*([A-Za-z0-9][\w()\[\]/\-.〔〕]*[\w)\]])",
                        re.I)


def report_number(text: str) -> str | None:
    """审字〔2027〕第0123号-style numbers as printed (spaces removed), or the value after 'Report No.'."""
    for line in lines_of(text):
        squeezed = re.sub(r"\s+", "", line)
        match = _CN_NUMBER.search(squeezed)
        if match:
            return match[1]
        match = _EN_NUMBER.search(single_spaced(line))
        if match:
            return match[1]
    return None


# ---------------------------------------------------------------------------------- figure in the text
@dataclass(frozen=True)
class StatedFigure:
    amount: Decimal  # as printed
    unit: Unit
    text: str


_CN_STATED = re.compile(r"营业(?:总)?收入(?:总额|合计)?(?:为|是|达到?|共计|合计|金额为|:)?(?:人民币|RMB)?"
                        r"(?P<amount>\d[\d,]*(?:\.\d+)?)(?P<rest>.{0,4})")
_EN_STATED = re.compile(r"(?:operating )?revenues?(?: for the (?:year|period))?(?: of| was| were| amounted to|"
                        r" totall?ed| totall?ing|:)? (?:rmb|cny|renminbi) ?(?P<amount>\d[\d,]*(?:\.\d+)?)"
                        r"(?P<rest> ?(?:billion|million|thousand)?)", re.I)


def stated_revenue(section: str) -> StatedFigure | None:
    """A revenue figure the audit text itself states (e.g. 营业收入为人民币70,234.57万元), for the cross-check."""
    squeezed = compact(section)
    match = _CN_STATED.search(squeezed)
    if match:
        amount = parse_amount(match["amount"])
        unit = unit_after_amount(match["rest"])
        if amount is not None and unit is not None:
            return StatedFigure(amount, unit, f"{match['amount']}{unit.label}")
    english = single_spaced(section)
    match = _EN_STATED.search(english)
    if match:
        amount = parse_amount(match["amount"])
        unit = unit_after_amount(match["rest"].strip()) if match["rest"].strip() else None
        if amount is not None:
            from compliance.extract.numbers import UNITS

            return StatedFigure(amount, unit or UNITS["元"], f"RMB{match['amount']} {match['rest'].strip()}".strip())
    return None
